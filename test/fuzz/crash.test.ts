/**
 * No input crashes or hangs: every generated scenario, valid or broken, ends with exit 0, 1
 * or 2 within a time bound, prints no stack trace and no "internal error", and every input
 * error names its file and line.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hostileNames, plainNames, scenarioArb, streamable, toDocument, toJson, toJsonl, toYaml, type AbsScenario } from './gen.js';
import { assertSane, cli, params, scratch, STACK_LINE, timeout, type JsonReport } from './harness.js';
import { HANG_MS } from '../time-limit.js';
import { mutateDoc, mutateText, structOpArb, textOpArb } from './mutate.js';
import { stringify } from 'yaml';

const fx = scratch('crash');
afterAll(() => fx.cleanup());

const FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown', 'github'] as const;

/** Extra options of a run: a format, and now and then the profile, model, --quiet or --stats. */
const optionsArb = fc.record({
  format: fc.constantFrom(...FORMATS),
  kernel: fc.option(fc.constantFrom('5.10', '6.13'), { nil: undefined, freq: 2 }),
  model: fc.option(fc.constantFrom('lockdep', 'precise'), { nil: undefined, freq: 2 }),
  quiet: fc.boolean(),
  stats: fc.boolean(),
});

function argsOf(o: { format: string; kernel?: string; model?: string; quiet: boolean; stats: boolean }): string[] {
  return [
    '--format', o.format,
    ...(o.kernel ? ['--kernel', o.kernel] : []),
    ...(o.model ? ['--fence-model', o.model] : []),
    ...(o.quiet ? ['--quiet'] : []),
    ...(o.stats ? ['--stats'] : []),
  ];
}

/** Every input error of a JSON report names its file and a line (a file that cannot be read has no line). */
function assertPositioned(report: JsonReport, what: string): void {
  for (const r of report.results) {
    for (const e of r.errors) {
      if (/^cannot read /.test(e.message)) continue;
      expect(e.file, `${what}: ${e.message}`).toBeTruthy();
      expect(e.line, `${what}: ${e.message}`).toBeGreaterThanOrEqual(1);
      expect(e.column, `${what}: ${e.message}`).toBeGreaterThanOrEqual(1);
      expect(e.message.length, what).toBeGreaterThan(0);
      expect(e.message.length, `${what}: a message stays readable`).toBeLessThan(2000);
    }
  }
}

type Render = 'yaml' | 'json' | 'jsonl';

/** YAML, or JSON (which YAML reads too) when the document nests too deep for the YAML writer. */
function yamlOrJson(doc: unknown): string {
  try {
    return stringify(doc, { lineWidth: 0 });
  } catch {
    return JSON.stringify(doc);
  }
}

function render(s: AbsScenario, how: Render, hostile: number | null): { name: string; text: string } {
  const names = hostile === null ? plainNames : hostileNames(hostile);
  if (how === 'jsonl' && streamable(s)) return { name: 'in.jsonl', text: toJsonl(s, names) };
  if (how === 'json') return { name: 'in.json', text: toJson(s, names) };
  return { name: 'in.yaml', text: toYaml(s, names) };
}

describe('no input crashes or hangs', () => {
  it('valid scenarios: every format and option, plain and hostile names', { timeout: timeout(120) }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.constantFrom<Render>('yaml', 'json', 'jsonl'), fc.option(fc.nat(1000), { nil: null }), optionsArb, async (s, how, hostile, o) => {
        const { name, text } = render(s, how, hostile);
        const file = fx.write(name, text);
        const r = await cli(['check', '--no-config', ...argsOf(o), file]);
        assertSane(r, text);
        if (o.format === 'json') assertPositioned(JSON.parse(r.out) as JsonReport, text);
      }),
      params(120),
    );
  });

  it('structurally broken scenarios: errors with file and line, never a crash', { timeout: timeout(200) }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb({ depth: 1, maxPaths: 3 }), fc.array(structOpArb, { minLength: 1, maxLength: 4 }), fc.boolean(), async (s, ops, json) => {
        const doc = mutateDoc(toDocument(s), ops);
        const text = json ? JSON.stringify(doc, null, 1) : yamlOrJson(doc);
        const file = fx.write(json ? 'broken.json' : 'broken.yaml', text);
        const r = await cli(['check', '--no-config', '--format', 'json', file]);
        assertSane(r, text.slice(0, 5000));
        assertPositioned(JSON.parse(r.out) as JsonReport, text.slice(0, 5000));
      }),
      params(200),
    );
  });

  it('textually broken scenarios and streams: errors with file and line, never a crash', { timeout: timeout(200) }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb({ depth: 1, maxPaths: 3 }), fc.constantFrom<Render>('yaml', 'json', 'jsonl'), fc.array(textOpArb, { minLength: 1, maxLength: 6 }), async (s, how, ops) => {
        const { name, text } = render(s, how, null);
        const bytes = mutateText(text, ops);
        const file = fx.write(`t-${name}`, bytes);
        const r = await cli(['check', '--no-config', '--format', 'json', file]);
        assertSane(r, bytes.toString('utf8').slice(0, 5000));
        assertPositioned(JSON.parse(r.out) as JsonReport, bytes.toString('utf8').slice(0, 5000));
      }),
      params(200),
    );
  });

  it('any JSON value as a scenario or as stream lines', { timeout: timeout(100) }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }), async (v, lines) => {
        const a = fx.write('any.json', JSON.stringify(v));
        const b = fx.write('any.yaml', stringify(v));
        const c = fx.write('any.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
        const r = await cli(['check', '--no-config', '--format', 'json', a, b, c]);
        assertSane(r, JSON.stringify([v, lines]));
        const report = JSON.parse(r.out) as JsonReport;
        assertPositioned(report, JSON.stringify([v, lines]));
        expect(report.results.map((x) => x.file)).toEqual([a, b, c]);
      }),
      params(100),
    );
  });

  it('the other commands on generated scenarios: graph, diff', { timeout: timeout(40, 400) }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb({ depth: 1 }), scenarioArb({ depth: 1 }), fc.constantFrom('dot', 'mermaid', 'json'), fc.boolean(), async (a, b, format, cycles) => {
        const fa = fx.write('graph-a.yaml', toYaml(a));
        const fb = fx.write('graph-b.yaml', toYaml(b, hostileNames(3)));
        assertSane(await cli(['graph', fa, '--format', format, ...(cycles ? ['--cycles'] : [])]), toYaml(a));
        assertSane(await cli(['diff', fa, fb, '--format', 'json']), `${toYaml(a)}\n---\n${toYaml(b)}`);
      }),
      params(40),
    );
  });
});

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'fencedep.js');

describe('through a child process, with a timeout', () => {
  it('broken and hostile inputs end with 0, 1 or 2 and no stack trace', () => {
    const samples = fc.sample(fc.tuple(scenarioArb({ depth: 1 }), fc.array(textOpArb, { minLength: 1, maxLength: 4 })), { numRuns: 4, seed: 11 });
    const files = samples.flatMap(([s, ops], i) => [
      fx.write(`child/${i}-valid.yaml`, toYaml(s, hostileNames(i))),
      fx.write(`child/${i}-broken.yaml`, mutateText(toYaml(s), ops)),
    ]);
    files.push(fx.write('child/binary.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])));
    files.push(fx.write('child/deep.json', '['.repeat(100_000) + ']'.repeat(100_000)));
    for (const format of ['text', 'json']) {
      const r = spawnSync(process.execPath, [BIN, 'check', '--no-config', '--format', format, ...files], { encoding: 'utf8', timeout: HANG_MS, cwd: ROOT });
      expect(r.error, 'no timeout').toBeUndefined();
      expect(r.signal).toBeNull();
      expect([0, 1, 2]).toContain(r.status);
      expect(r.status).toBe(2); // the binary and the deep file are input errors
      expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
      expect(r.stdout + r.stderr).not.toMatch(/internal error/);
    }
  });
});
