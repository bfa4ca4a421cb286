/**
 * Included files are parsed once per process while unchanged (src/load/source.ts): a run of
 * many scenarios including the same models reads them once. A changed file is read again.
 */
import { utimesSync } from 'node:fs';
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
