/**
 * What a start loads (README, "Why it starts fast"): the bundle's check of a scenario leaves
 * node:child_process unloaded (commander requires it for executable subcommands, which
 * fencedep has none of; scripts/bundle.js gives commander a stand-in that loads it on first
 * use), and node:os too (chalk's colour detection, which the bundle replaces: fencedep tells
 * its painters the level). The bin writing its report to a pipe, a socket or a file builds no
 * stream (src/cli/process-io.ts), so node's stream and net modules stay unloaded, and
 * node:fs/promises is loaded by no check; the build's parsed models (dist/models.json) are read
 * only by a check that includes a built-in model. Run in a fresh process on the built bundle.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratch } from '../fuzz/harness.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const fx = scratch('start-up');
afterAll(() => fx.cleanup());

/** Loads the bundle from a CommonJS file (node -e would load more of node itself), checks `file`, prints the builtins loaded. */
function loadedBy(args: readonly string[]): { code: number; modules: string[] } {
  const script = fx.write(
    'probe.cjs',
    `const { loadBundle } = require(${JSON.stringify(path.join(ROOT, 'bin', 'bundle.js'))});
const silent = { write: () => true, isTTY: false };
loadBundle().exports.main(['node', 'fencedep', ...${JSON.stringify(args)}], { stdout: silent, stderr: silent, env: {} }).then((code) => {
  process.stdout.write(JSON.stringify({ code, modules: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)) }));
});
`,
  );
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', cwd: ROOT });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe('a start of the bundle', () => {
  it('checks a scenario without loading node:child_process or node:os', () => {
    const r = loadedBy(['check', '--no-config', 'fixtures/lockdep/fence-lock-irq-fixed.yaml']);
    expect(r.code).toBe(0);
    expect(r.modules).toContain('fs'); // the list is the builtins loaded
    expect(r.modules.filter((m) => m.includes('child_process') || m === 'os')).toEqual([]);
  });
});

/** The build's model files (dist/models.json, dist/model-texts.json) the bundle reads checking `file` in a fresh process. */
function modelFilesReadBy(file: string): { code: number; read: string[] } {
  const script = fx.write(
    'probe-reads.cjs',
    `const fs = require('fs');
const read = [];
for (const k of ['readFileSync', 'openSync']) {
  const original = fs[k];
  fs[k] = function (p, ...rest) {
    if (typeof p === 'string' && /[\\\\/]dist[\\\\/]model[^\\\\/]*\\.json$/.test(p)) read.push(require('path').basename(p));
    return original.call(this, p, ...rest);
  };
}
const { loadBundle } = require(${JSON.stringify(path.join(ROOT, 'bin', 'bundle.js'))});
const silent = { write: () => true, isTTY: false };
loadBundle().exports.main(['node', 'fencedep', 'check', '--no-config', ${JSON.stringify(file)}], { stdout: silent, stderr: silent, env: {} }).then((code) => {
  process.stdout.write(JSON.stringify({ code, read }));
});
`,
  );
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8', cwd: ROOT });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe("the build's parsed models", () => {
  it('are read only by a check that includes a built-in model, not for a file of its own or its own includes', () => {
    const lib = fx.write('own/lib.yaml', 'version: 1\nlibrary: true\nlocks: { vm_lock: mutex }\n');
    const own = fx.write('own/s.yaml', `version: 1\ninclude: [./${path.basename(lib)}]\npaths:\n  - name: p\n    steps: [{ mutex_lock: vm_lock }, { mutex_unlock: vm_lock }]\nexpect: clean\n`);
    expect(modelFilesReadBy('fixtures/lockdep/fence-lock-irq-fixed.yaml')).toEqual({ code: 0, read: [] });
    expect(modelFilesReadBy(own)).toEqual({ code: 0, read: [] });
    const withModel = modelFilesReadBy('fixtures/seeds/amdkfd-eviction-fence-lock-across-wait.yaml');
    expect(withModel.read).toContain('models.json');
  });
});

/** The modules a start of the bin builds node's output streams with, and node:fs/promises. */
const STREAMS_AND_FS_PROMISES = ['fs/promises', 'internal/fs/promises', 'stream', 'internal/streams/writable', 'net', 'internal/stream_base_commons', 'internal/fs/sync_write_stream', 'tty'];

/** The bin checking a scenario with its output where `how` sends it: its exit code, the lines of its stdout, the builtins it loaded. */
function binLoads(how: 'pipe' | 'socket' | 'file' | 'null device'): { code: number | null; lines: string[]; modules: string[] } {
  const built = (rel: string) => statSync(path.join(ROOT, rel), { throwIfNoEntry: false })?.mtimeMs ?? -1;
  if (built('dist/src/cli/main.js') > built('dist/bundle/main.cjs')) throw new Error('tsc ran after the bundle, so the bin runs the modules (and node\'s ES module loader): run npm run build');
  const list = path.join(fx.dir, `loaded-${how}.json`);
  const probe = fx.write(`probe-${how}.cjs`, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)))));\n`);
  const args = [process.execPath, '--require', probe, path.join(ROOT, 'bin', 'fencedep.js'), 'check', '--no-config', 'fixtures/lockdep/fence-lock-irq-fixed.yaml'];
  let code: number | null;
  let out: string;
  if (how === 'file' || how === 'null device') {
    const file = how === 'file' ? path.join(fx.dir, 'out.txt') : '/dev/null';
    const fd = openSync(file, 'w');
    code = spawnSync(args[0]!, args.slice(1), { cwd: ROOT, stdio: ['ignore', fd, fd] }).status;
    closeSync(fd);
    out = how === 'file' ? readFileSync(file, 'utf8') : '';
  } else {
    // A shell's pipeline is a pipe (a FIFO); node's spawn gives its child a socket.
    const r = how === 'pipe' ? spawnSync('bash', ['-c', 'set -o pipefail; "$@" 2>&1 | cat', 'bash', ...args], { cwd: ROOT, encoding: 'utf8' }) : spawnSync(args[0]!, args.slice(1), { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    code = r.status;
    out = r.stdout;
  }
  return { code, lines: out.split('\n'), modules: JSON.parse(readFileSync(list, 'utf8')) };
}

describe('a start of the bin', () => {
  for (const how of ['pipe', 'socket', 'file', 'null device'] as const) {
    it(`writes its report to a ${how} without building a stream or loading node:fs/promises`, () => {
      const r = binLoads(how);
      expect(r.code).toBe(0);
      if (how !== 'null device') expect(r.lines[0]).toMatch(/^✔ 1 file: 1 passed/);
      expect(r.modules).toContain('fs');
      expect(r.modules.filter((m) => STREAMS_AND_FS_PROMISES.includes(m))).toEqual([]);
    });
  }
});
