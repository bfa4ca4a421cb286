/**
 * The package installs from its own tarball and runs, as the README documents: `npm pack`,
 * then the tarball installed into a fresh project (offline, from the npm cache that `npm ci`
 * filled), then the installed `fencedep` binary run on scenarios outside the repository.
 * `npm test` builds dist/ first; run `npx tsc -p tsconfig.json` before running this alone.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinModelNames } from '../../src/load/models.js';
import { PATTERNS } from '../../src/patterns/index.js';
import { RULES } from '../../src/rules/index.js';
import { ROOT } from '../docs/generate.js';
import { pack, run, writeProject, type Packed } from './package.js';

let work: string;
let project: string;
let packed: Packed;
let bin: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'fencedep-install-'));
  packed = pack(ROOT, work);
  project = path.join(work, 'project');
  mkdirSync(project);
  writeProject(ROOT, project, packed.tarball);
  const ci = run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], project);
  if (ci.code !== 0) throw new Error(`npm ci --offline of the tarball failed (${ci.code}):\n${ci.out}\n${ci.err}`);
  bin = path.join(project, 'node_modules', '.bin', 'fencedep');
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships the CLI (bin/ with the package.json that makes it CommonJS), its built code, the models, the schemas and every doc explain and the README use, and no tests', () => {
    const files = new Set(packed.files);
    const needed = [
      'package.json',
      'README.md',
      'bin/fencedep.js',
      'bin/bundle.js',
      'bin/package.json',
      'dist/bundle/main.cjs',
      'dist/bundle/main.cjs.cache',
      'dist/bundle/trace-worker.js',
      'dist/models.json',
      'dist/model-texts.json',
      'schema/scenario.schema.json',
      'schema/config.schema.json',
      ...builtinModelNames().map((m) => `rules/${m}.yaml`),
      ...RULES.map((r) => `src/rules/${r.meta.id}.md`),
      ...PATTERNS.map((p) => `src/patterns/${p.meta.id}.md`),
      ...readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`),
    ];
    expect(needed.filter((f) => !files.has(f))).toEqual([]);
    expect(packed.files.filter((f) => /^(test|dist\/test|fixtures|node_modules)\//.test(f) || f.endsWith('.map'))).toEqual([]);
  });

  it('installed from the tarball, `fencedep` checks a scenario outside the repository (with the kernel model)', () => {
    mkdirSync(path.join(project, 'scenarios'), { recursive: true });
    for (const f of ['lockdep/vm-lock-vs-bo-list.yaml', 'seeds/amdkfd-eviction-fence.yaml']) {
      copyFileSync(path.join(ROOT, 'fixtures', f), path.join(project, 'scenarios', path.basename(f)));
    }
    const r = run(bin, ['check', 'scenarios', '--format', 'json'], project);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.summary).toMatchObject({ files: 2, passed: 2, failed: 0, errors: 0 });
    expect(report.results.map((x: { file: string }) => x.file)).toEqual(['scenarios/amdkfd-eviction-fence.yaml', 'scenarios/vm-lock-vs-bo-list.yaml']);
  });

  it('installed, the bundle starts from its V8 code cache: the cache the build wrote fits the shipped bundle', () => {
    const loader = path.join(project, 'node_modules', 'fencedep', 'bin', 'bundle.js');
    const probe = `const { loadBundle } = await import(${JSON.stringify(pathToFileURL(loader).href)}); const { exports, script } = loadBundle(); console.log(JSON.stringify({ rejected: script.cachedDataRejected, main: typeof exports.main }));`;
    const r = run(process.execPath, ['--input-type=module', '-e', probe], project);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({ rejected: false, main: 'function' });
  });

  it('installed, `fencedep explain` reads the shipped docs and `fencedep schema` matches the shipped schema', () => {
    const explain = run(bin, ['explain', 'alloc-in-signalling'], project);
    expect(explain.code).toBe(0);
    expect(explain.out).toMatch(/^alloc-in-signalling/);
    const schema = run(bin, ['schema'], project);
    expect(schema.code).toBe(0);
    expect(schema.out).toBe(readFileSync(path.join(project, 'node_modules', 'fencedep', 'schema', 'scenario.schema.json'), 'utf8'));
  });

  it('installed as a dependency, `fencedep init` writes modelines relative to the project, which resolve', () => {
    const dir = path.join(project, 'fresh');
    mkdirSync(dir);
    const r = run(bin, ['init', 'fresh'], project);
    expect(r.code).toBe(0);
    const modeline = (file: string) => /^# yaml-language-server: \$schema=(\S+)\n/.exec(readFileSync(file, 'utf8'))![1]!;
    const scenario = path.join(dir, 'scenarios', 'example.yaml');
    expect(modeline(scenario)).toBe('../../node_modules/fencedep/schema/scenario.schema.json');
    expect(modeline(path.join(dir, 'fencedep.config.yaml'))).toBe('../node_modules/fencedep/schema/config.schema.json');
    expect(existsSync(path.resolve(path.dirname(scenario), modeline(scenario)))).toBe(true);
    const check = run(bin, ['check'], dir);
    expect(check.code).toBe(0);
  });
});
