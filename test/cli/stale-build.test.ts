/**
 * bin/fencedep.js in a checkout refuses to run code older than src/ (after a git pull without
 * `npm run build`, the old code rejected the new syntax and blamed the built-in models). Run on a
 * copy of bin/ beside a stand-in bundle whose main returns 7, with src/ older or newer (the
 * stand-ins' processIO only exits with main's code).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratch } from '../fuzz/harness.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const fx = scratch('stale');
afterAll(() => fx.cleanup());

const STAND_IN_IO = '() => ({ exit: (code) => process.exit(code) })';

/** A checkout: bin/ as shipped (CommonJS, by its own package.json, in an ES module package), a stand-in bundle, one source file and an editor's swap file. */
function checkout(): string {
  const dir = fx.sub(`co-${Math.random().toString(36).slice(2)}`);
  const put = (rel: string, text: string | Buffer) => fx.write(path.join(path.relative(fx.dir, dir), rel), text);
  for (const f of readdirSync(path.join(ROOT, 'bin'))) put(`bin/${f}`, readFileSync(path.join(ROOT, 'bin', f)));
  put('package.json', '{"type": "module"}\n');
  put('dist/bundle/main.cjs', `(function (exports, require, module) { module.exports.main = async () => 7; module.exports.processIO = ${STAND_IN_IO}; })\n`);
  put('src/load/names.ts', 'export {};\n');
  put('src/load/.names.ts.swp', 'editor state\n');
  return dir;
}

const run = (dir: string) => spawnSync(process.execPath, [path.join(dir, 'bin', 'fencedep.js'), 'check', 'x.yaml'], { encoding: 'utf8' });
const at = (dir: string, rel: string, seconds: number) => utimesSync(path.join(dir, rel), seconds, seconds);

describe('a build older than src/', () => {
  it('runs the build when src/ is older', () => {
    const dir = checkout();
    for (const rel of ['src/load/names.ts', 'src/load/.names.ts.swp', 'src/load', 'src']) at(dir, rel, 1_000_000);
    const r = run(dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(7);
  });

  it('an editor\'s file in a directory changed since is not source', () => {
    const dir = checkout();
    at(dir, 'src/load/names.ts', 1_000_000);
    at(dir, 'dist/bundle/main.cjs', 2_000_000);
    const r = run(dir);
    expect(r.status).toBe(7);
  });

  it('refuses, naming the changed file, when a source file is newer', () => {
    const dir = checkout();
    at(dir, 'dist/bundle/main.cjs', 1_000_000);
    const r = run(dir);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('fencedep: src/load/names.ts changed after the last build: run `npm run build` (the built code would not be what the checkout says)\n');
  });

  it('runs the modules `tsc` compiled (ES modules) when they are newer than the bundle', () => {
    const dir = checkout();
    fx.write(path.join(path.relative(fx.dir, dir), 'dist/src/cli/main.js'), `export const main = async (argv) => argv.length;\nexport const processIO = ${STAND_IN_IO};\n`);
    for (const rel of ['src/load/names.ts', 'src/load/.names.ts.swp', 'src/load', 'src', 'dist/bundle/main.cjs']) at(dir, rel, 1_000_000);
    const r = run(dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(4); // node, the script, `check`, `x.yaml`
  });
});

describe("a build older than src/, the build's list of src/'s directories at hand", () => {
  /** A checkout whose build listed `src` and `src/load` (dist/bundle/source-dirs.json), everything older than its bundle. */
  function listed(): string {
    const dir = checkout();
    fx.write(path.join(path.relative(fx.dir, dir), 'dist/bundle/source-dirs.json'), '["src","src/load"]\n');
    for (const rel of ['src/load/names.ts', 'src/load/.names.ts.swp', 'src/load', 'src']) at(dir, rel, 1_000_000);
    at(dir, 'dist/bundle/main.cjs', 2_000_000);
    return dir;
  }

  it('runs the build when no listed directory changed', () => {
    const r = run(listed());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(7);
  });

  it('refuses, naming the file, when a listed directory has a newer source file', () => {
    const dir = listed();
    fx.write(path.join(path.relative(fx.dir, dir), 'src/load/decls.ts'), 'export {};\n');
    const r = run(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('fencedep: src/load/decls.ts changed after the last build: run `npm run build` (the built code would not be what the checkout says)\n');
  });

  it('walks a directory the list does not know (made since the build), down to its deepest file', () => {
    const dir = listed();
    fx.write(path.join(path.relative(fx.dir, dir), 'src/load/fresh/deeper/new.ts'), 'export {};\n');
    for (const rel of ['src/load/fresh/deeper/new.ts', 'src/load/fresh/deeper', 'src/load/fresh']) at(dir, rel, 3_000_000);
    const r = run(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('fencedep: src/load/fresh/deeper/new.ts changed after the last build');
  });
});
