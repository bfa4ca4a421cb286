/**
 * What a start loads (README, "Why it starts fast"): the bundle's check of a scenario leaves
 * node:child_process unloaded (commander requires it for executable subcommands, which
 * fencedep has none of; scripts/bundle.js gives commander a stand-in that loads it on first
 * use), and node:os too (chalk's colour detection, which the bundle replaces: fencedep tells
 * its painters the level). Run in a fresh process on the built bundle.
 */
import { spawnSync } from 'node:child_process';
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
