/**
 * Installing fencedep the way a user does, offline: `npm pack` the repository, then install
 * the tarball into a fresh project with `npm ci --offline`. The fresh project's lockfile is
 * derived from the repository's own: the tarball, plus the entries of every package the
 * repository needs at run time (not `dev`), with their integrity — so npm takes each from the
 * cache that `npm ci` filled for the repository, and never asks the registry.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** The environment without the npm_* variables of an `npm test` that runs us. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, NO_COLOR: '1', NO_UPDATE_NOTIFIER: '1' };
}

export function run(cmd: string, args: readonly string[], cwd: string): Run {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

export interface Packed {
  readonly tarball: string;
  readonly files: readonly string[];
}

/** `npm pack` of `root` into `dest` (scripts skipped: the build is done by `npm test`). */
export function pack(root: string, dest: string): Packed {
  const r = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], root);
  if (r.code !== 0) throw new Error(`npm pack failed (${r.code}):\n${r.err}`);
  const [info] = JSON.parse(r.out) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(dest, info!.filename), files: info!.files.map((f) => f.path).sort() };
}

interface LockEntry {
  readonly dev?: boolean;
  readonly [k: string]: unknown;
}

/**
 * A project in `dir` that depends on the tarball alone, with the lockfile that lets
 * `npm ci --offline` install it from the cache.
 */
export function writeProject(root: string, dir: string, tarball: string): void {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${path.relative(dir, tarball).split(path.sep).join('/')}`;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: 'fencedep-install-test', dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: spec,
      integrity,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages)) if (key !== '' && !entry.dev) packages[key] = entry;
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'fencedep-install-test', private: true, dependencies: { [pkg.name]: spec } }, null, 2)}\n`);
  writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify({ name: 'fencedep-install-test', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
}
