/**
 * The built-in models' declarations are made once per process and shared (src/load/model-layer.ts):
 * every file including the same models starts from a copy of them, converted. Shown here:
 * the sharing itself, that a file loads to exactly the scenario it loaded to when every file
 * declared and converted the models itself, and that what one file adds never reaches the next.
 * The build converts the usual includes' models (dist/models.json): the build's code loads
 * every fixture from them to the same scenario too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Declarations } from '../../src/load/decls.js';
import { loadScenario, loadScenarioText } from '../../src/load/index.js';
import { FileLoader } from '../../src/load/scenario.js';
import { buildConversions } from '../../src/load/model-cache-build.js';
import { modelCacheFile, modelTextsFile } from '../../src/load/model-cache.js';
import { packageRoot } from '../../src/load/models.js';
import type { Scenario } from '../../src/model/scenario.js';
import { expandInputs } from '../../src/check/run.js';
import { scratch } from '../fuzz/harness.js';

const fx = scratch('model-layer');
afterAll(() => fx.cleanup());

/** The fixtures that include a built-in model. */
const fixtures = (await expandInputs([resolve(import.meta.dirname, '../../fixtures')])).map((f) => f.file);
const withModels = fixtures.filter((f) => /^include:/m.test(readFileSync(f, 'utf8')));

/** What loadScenarioFile declared before the shared layer: every file, models included, into one fresh `Declarations`. */
async function declaredAlone(file: string): Promise<Pick<Scenario, 'locks' | 'fences' | 'functions' | 'hooks' | 'paths'>> {
  const errors: unknown[] = [];
  const loader = new FileLoader((e) => errors.push(e));
  await loader.load(file, resolve(file), []);
  const decls = new Declarations('file', (e) => errors.push(e));
  for (const f of loader.order) decls.declareFile(f.data, f.pos);
  decls.convertPending();
  decls.dropUndeclaredHookFunctions();
  expect(errors).toEqual([]);
  const s = decls.scenario({ file, name: '', description: null, expect: null, options: {} as Scenario['options'] }, decls.convertedPaths());
  return s;
}

/** Everything a replay reads, as plain data (a function instance's place among the instances aside: it is a map). */
function shape(s: Pick<Scenario, 'locks' | 'fences' | 'functions' | 'hooks' | 'paths'>): string {
  return JSON.stringify({
    locks: [...s.locks],
    fences: [...s.fences],
    functions: [...s.functions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    hooks: [...s.hooks],
    paths: s.paths,
  });
}

const root = packageRoot()!;
/** The build's loader (dist/, which takes the build's conversions), as a test of the sources would not. */
async function builtLoader(): Promise<typeof import('../../src/load/index.js')> {
  const file = join(root, 'dist/src/load/index.js');
  expect(existsSync(file), 'build first: npm run build').toBe(true);
  return (await import(pathToFileURL(file).href)) as typeof import('../../src/load/index.js');
}

/** Paths to every `undefined` under `v` (JSON would drop the key, so a stored conversion would differ). */
function undefinedAt(v: unknown, at = '$', out: string[] = []): string[] {
  if (v === undefined) out.push(at);
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) undefinedAt(x, `${at}.${k}`, out);
  return out;
}

describe('the models shared between files', () => {
  it('is found: the fixtures include models', () => {
    expect(withModels.length).toBeGreaterThan(40);
  });

  it('two files including the same models share their converted paths, not copies', async () => {
    const [a, b] = withModels.filter((f) => /^include: \[kernel, drm\]$/m.test(readFileSync(f, 'utf8')));
    const sa = await loadScenario(a!);
    const sb = await loadScenario(b!);
    const modelPath = sa.paths.find((p) => p.loc.file.startsWith('<fencedep>/rules/'))!;
    expect(modelPath).toBeDefined();
    expect(sb.paths).toContain(modelPath);
    // A model function's steps too.
    const [name, steps] = [...sa.functions].find(([n]) => sb.functions.has(n) && n.includes('('))!;
    expect(sb.functions.get(name)).toBe(steps);
  });

  it.each(withModels)('%s loads to the scenario it loads to with the models declared in it', async (file) => {
    const shared = await loadScenario(file);
    expect(shape(shared)).toBe(shape(await declaredAlone(file)));
  });

  it("the build's conversions are what the loader converts, exactly (no key JSON would drop)", async () => {
    // Each conversion is stored as a JSON text of its own (parsed when a check takes it).
    const file = JSON.parse(readFileSync(modelCacheFile(root), 'utf8')) as { converted: Record<string, string> };
    const stored = Object.fromEntries(Object.entries(file.converted).map(([key, json]) => [key, JSON.parse(json) as unknown]));
    const now = await buildConversions();
    expect(Object.keys(stored).length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(stored).sort()).toEqual(Object.keys(now).sort());
    expect(undefinedAt(now)).toEqual([]);
    expect(stored).toEqual(JSON.parse(JSON.stringify(now)));
  });

  it("the build's models.json and model-texts.json are ASCII (read as latin1); the texts are each model's exactly, non-ASCII characters included", () => {
    const ascii = (file: string): unknown => {
      const bytes = readFileSync(file);
      expect(bytes.findIndex((b) => b > 0x7f), file).toBe(-1);
      return JSON.parse(bytes.toString('latin1'));
    };
    const models = ascii(modelCacheFile(root)) as { build: string; models: Record<string, { identity: unknown; parsed: string }> };
    const stored = ascii(modelTextsFile(root)) as { build: string; texts: Record<string, string> };
    expect(models.build).toMatch(/^[0-9a-f-]{36}$/);
    expect(stored.build).toBe(models.build);
    const texts = Object.entries(stored.texts);
    const rules = join(root, 'rules');
    expect(texts.length).toBeGreaterThan(10);
    expect(texts.map(([rel]) => rel).sort()).toEqual(Object.keys(models.models).sort());
    for (const [rel, text] of texts) expect(text, rel).toBe(readFileSync(join(rules, rel), 'utf8'));
    expect(texts.some(([, text]) => /[^\x00-\x7f]/.test(text))).toBe(true);
    // The texts are only read when a model's file is not the one the build read.
    for (const m of Object.values(models.models)) expect(Object.keys(m).sort()).toEqual(['identity', 'parsed', 'values']);
  });

  it.each(withModels)("%s loads with the build's conversions to the scenario it loads to with the models declared in it", async (file) => {
    const built = await builtLoader();
    expect(shape(await built.loadScenario(file))).toBe(shape(await declaredAlone(file)));
  });

  it("what a file registers on a model's hook never reaches the next file", async () => {
    const registering = `version: 1
name: registers
include: [kernel]
functions:
  my_scan: [{ mutex_lock: big }, { mutex_unlock: big }]
locks: { big: mutex }
hooks:
  shrinker.scan: [my_scan]
paths:
  - name: p
    steps: [{ kmalloc: GFP_KERNEL }]
`;
    const plain = 'version: 1\nname: plain\ninclude: [kernel]\npaths:\n  - name: p\n    steps: [{ kmalloc: GFP_KERNEL }]\n';
    const first = await loadScenarioText(registering, { file: fx.write('a.yaml', registering) });
    expect(first.hooks.get('shrinker.scan')).toEqual(['my_scan']);
    const second = await loadScenarioText(plain, { file: fx.write('b.yaml', plain) });
    expect(second.hooks.get('shrinker.scan') ?? []).toEqual([]);
    expect(second.functions.has('my_scan')).toBe(false);
    expect(second.locks.has('big')).toBe(false);
  });

  it('a model name declared again differently by a file is still its error, at the file', async () => {
    const text = 'version: 1\nname: redeclares\ninclude: [kernel]\nlocks:\n  mmap_lock: mutex\npaths:\n  - name: p\n    steps: [{ mutex_lock: mmap_lock }]\n';
    const file = fx.write('c.yaml', text);
    await expect(loadScenarioText(text, { file })).rejects.toThrow(/lock "mmap_lock" is declared twice, differently: at <fencedep>\/rules\/kernel\/[a-z-]+\.yaml:\d+:\d+ and at .*c\.yaml:5:3/);
  });
});
