/**
 * Included files are parsed once per process while unchanged (src/load/source.ts): a run of
 * many scenarios including the same models reads them once. A changed file is read again, and
 * what one file registers (a shrinker, an mmu notifier) never reaches the next one's check.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/load/index.js';
import { scratch } from '../fuzz/harness.js';

const fx = scratch('include-cache');
afterAll(() => fx.cleanup());

const scenario = 'version: 1\nname: s\ninclude: [./lib.yaml]\npaths:\n  - name: p\n    steps: [{lock: L}, {unlock: L}]\n';

describe('the include cache', () => {
  it('a changed include is read again, whether its size or only its time changed', async () => {
    fx.write('lib.yaml', 'locks: {L: mutex}\n');
    const file = fx.write('s.yaml', scenario);
    expect((await loadScenario(file)).locks.get('L')?.type).toBe('mutex');
    fx.write('lib.yaml', 'locks: {L: spinlock}\n');
    expect((await loadScenario(file)).locks.get('L')?.type).toBe('spinlock');
    // Same size, later time.
    const lib = fx.write('lib.yaml', 'locks: {L: rwsem}   \n');
    utimesSync(lib, new Date(), new Date(Date.now() + 5000));
    expect((await loadScenario(file)).locks.get('L')?.type).toBe('rwsem');
  });

  it('an include that became invalid is reported, not served from the cache', async () => {
    fx.write('lib.yaml', 'locks: {L: mutex}\n');
    const file = fx.write('s.yaml', scenario);
    await loadScenario(file);
    fx.write('lib.yaml', 'locks: {L: mutexx}\n');
    await expect(loadScenario(file)).rejects.toThrow(/locks\.L: expected one of mutex/);
  });
});

describe('files sharing a model in one run', () => {
  const root = join(import.meta.dirname, '../..');
  /** The built CLI's JSON result of each of `files` (by file), checked in one process. */
  const results = (files: readonly string[]): Record<string, unknown> => {
    let out: string;
    try {
      out = execFileSync(process.execPath, [join(root, 'bin/fencedep.js'), 'check', '--no-config', '--format', 'json', ...files], { cwd: root, encoding: 'utf8' });
    } catch (e) {
      out = (e as { stdout: string }).stdout; // exit 1: a file has findings
    }
    return Object.fromEntries((JSON.parse(out) as { results: { file: string }[] }).results.map((r) => [r.file, r]));
  };

  // Each includes the kernel model, whose reclaim and notifier paths call the hooks the file
  // registers: a shrinker taking a lock (a finding), a shrinker and the drm models, an mmu
  // notifier, a shrinker that only trylocks (clean).
  const files = [
    'fixtures/seeds-drm/i915-shrinker-blocking-lock.yaml',
    'fixtures/drm/msm-shrinker-lru-ticket.yaml',
    'fixtures/seeds-drm/userptr-sync-notifier.yaml',
    'fixtures/lang/shrinker-trylock-fallback.yaml',
  ];

  it('give each file the JSON it gets checked alone, in either order', () => {
    expect(existsSync(join(root, 'dist/src/cli/main.js')), 'build first: npm run build').toBe(true);
    const alone = Object.assign({}, ...files.map((f) => results([f])));
    expect(Object.keys(alone)).toEqual(files);
    expect(Object.values(alone).some((r) => (r as { findings: unknown[] }).findings.length > 0)).toBe(true);
    expect(results(files)).toEqual(alone);
    expect(results([...files].reverse())).toEqual(alone);
  });
});
