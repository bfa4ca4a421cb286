/**
 * The layering of src/ (.dependency-cruiser.cjs) holds: no cycles, the pipeline's stages
 * depend one way, reporters only format, commands do not import each other. And the rule set
 * can fail: run on a small tree with one forbidden import per rule, it reports each of them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

/** The violations of the repository's rule set in `dir`/src. */
async function violations(dir: string): Promise<IViolation[]> {
  const options = await extractDepcruiseOptions(CONFIG);
  const tsConfig = extractTSConfig(path.join(dir, 'tsconfig.json'));
  const { output } = await cruise(['src'], { ...options, baseDir: dir, validate: true }, {}, { tsConfig });
  return (output as ICruiseResult).summary.violations;
}

function describeViolation(v: IViolation): string {
  const cycle = v.cycle?.length ? ` (cycle: ${v.cycle.map((c) => c.name).join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${cycle}`;
}

describe('the layering of src/', () => {
  it('has no violations', async () => {
    expect((await violations(ROOT)).map(describeViolation)).toEqual([]);
  });
});

describe('the rule set', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fencedep-layers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A tiny tree in the repository's layout, with one forbidden import for each rule. */
  const files: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
    // no-circular: a ↔ b
    'src/replay/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
    'src/replay/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    // model-depends-on-nothing
    'src/model/finding.ts': "import { read } from '../load/read.js';\nexport const f = read;\n",
    // load-before-replay
    'src/load/read.ts': "import { step } from '../replay/step.js';\nexport const read = step;\n",
    // replay-detects-only
    'src/replay/step.ts': "import { rule } from '../rules/rule.js';\nexport const step = rule;\n",
    'src/rules/rule.ts': 'export const rule = 1;\n',
    // reporters-only-format
    'src/report/text.ts': "import { read } from '../load/read.js';\nexport const text = read;\n",
    // stages-below-the-cli
    'src/check/run.ts': "import { EXIT_OK } from '../cli/shared.js';\nexport const run = EXIT_OK;\n",
    // commands-independent
    'src/cli/shared.ts': 'export const EXIT_OK = 0;\n',
    'src/cli/graph.ts': "import { EXIT_OK } from './shared.js';\nexport const graph = EXIT_OK;\n",
    'src/cli/diff.ts': "import { graph } from './graph.js';\nexport const diff = graph;\n",
    'src/cli/main.ts': "import { diff } from './diff.js';\nimport { graph } from './graph.js';\nexport const main = [diff, graph];\n",
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }

  it('reports each forbidden import, and only those', async () => {
    const found = (await violations(dir)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
    expect(found).toEqual(
      [
        'commands-independent: src/cli/diff.ts → src/cli/graph.ts',
        'load-before-replay: src/load/read.ts → src/replay/step.ts',
        'model-depends-on-nothing: src/model/finding.ts → src/load/read.ts',
        'no-circular: src/replay/a.ts → src/replay/b.ts', // a cycle once, from its first module
        'replay-detects-only: src/replay/step.ts → src/rules/rule.ts',
        'reporters-only-format: src/report/text.ts → src/load/read.ts',
        'stages-below-the-cli: src/check/run.ts → src/cli/shared.ts',
      ].sort(),
    );
  });

  it('covers every rule of the rule set with a case', async () => {
    const { forbidden } = (await import(CONFIG)).default as { forbidden: { name: string }[] };
    const found = new Set((await violations(dir)).map((v) => v.rule.name));
    expect([...found].sort()).toEqual(forbidden.map((r) => r.name).sort());
  });
});
