/**
 * The gaps a second set of real reports showed, each on a real report of the corpus (its source
 * in the file's first line): a paste without its headline, a headline wrapped after "at", the
 * cycle lockdep found behind a held trylock, a reservation lock taken without its acquire
 * context, and the kernel profile of the report's own release.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importLog, parseReports } from '../../src/import/index.js';
import { CORPUS, checkYaml } from './helpers.js';

const read = (f: string): string => readFileSync(path.join(CORPUS, f), 'utf8');

describe('a paste without its headline', () => {
  it('is a circular dependency because its body says "which lock already depends on the new lock"', async () => {
    const { reports } = await importLog(read('messy-headless-msm-dev-pm-qos.txt'));
    expect(reports).toHaveLength(1);
    const r = reports[0]!;
    expect(r.kind).toBe('circular-dependency');
    expect(r.title).toBe('WARNING: possible circular locking dependency detected');
    expect(r.guesses.some((g) => g.startsWith("the report's headline is missing") && g.includes('which lock already depends on the new lock.'))).toBe(true);
    expect(r.verification?.reproduced).toBe(true);
  });

  it('cut inside its first chain entry, closes the cycle with the lock being acquired as entry #0', async () => {
    const r = (await importLog(read('messy-headless-cut-in-chain-nouveau.txt'))).reports[0]!;
    expect(r.expected.lockdep).toEqual(['reservation_ww_class_mutex', '&cli->mutex']);
    expect(r.verification?.reproduced).toBe(true);
    expect((await checkYaml(r.yaml)).status).toBe('pass');
  });

  it('a body line alone (no report after it) is not a report', () => {
    expect(parseReports('foo/1 is trying to acquire lock:\nsomething else\n').reports).toEqual([]);
  });
});

describe('a headline wrapped after "at"', () => {
  it('keeps the first of two reports, with the file of its headline', async () => {
    const text = read('messy-wrapped-headline-two-reports.txt');
    const { reports } = parseReports(text);
    expect(reports.map((r) => r.kind)).toEqual(['sleep-in-atomic', 'recursive-locking']);
    expect(reports[0]!.title).toBe('BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580');
    expect(reports[0]!.sleep?.file).toBe('kernel/locking/mutex.c:580');
    const imported = await importLog(text);
    expect(imported.reports.map((r) => r.verification?.reproduced)).toEqual([true, true]);
  });
});

describe('which cycle lockdep found', () => {
  for (const [file, cycle] of [
    ['circular-amdgpu-gpu-reset-console-lock-trylock.txt', ['dma_fence_map', 'fs_reclaim', 'console_lock']],
    ['circular-amdgpu-gpu-reset-crtc-ww-trylock.txt', ['dma_fence_map', 'crtc_ww_class_mutex', 'crtc_ww_class_acquire']],
  ] as const) {
    it(`${file}: &adev->lock_reset is a trylock, so the replay closes the three-class cycle the report prints`, async () => {
      const r = (await importLog(read(file))).reports[0]!;
      expect(r.expected.lockdep).toEqual(cycle);
      expect(r.verification?.reproduced).toBe(true);
      expect(r.yaml).toMatch(/- mutex_trylock: adev->lock_reset {2}# guess: taken with a trylock/);
      const chosen = r.guesses.filter((g) => g.includes('taken with a trylock'));
      expect(chosen).toHaveLength(1);
      expect(chosen[0]).toMatch(/^&adev->lock_reset \(held #3\) taken with a trylock: with the plain lock the replay closes the cycle over .*&adev->lock_reset/);
      const result = await checkYaml(r.yaml);
      expect(result.status).toBe('pass');
      expect(result.findings.some((f) => f.rule === 'circular-dependency' && f.lockdep.includes('&adev->lock_reset'))).toBe(false);
    });
  }

  it('a report whose default reconstruction reproduces it gets no such guess', async () => {
    const r = (await importLog(read('circular-msm-dev-pm-qos.txt'))).reports[0]!;
    expect(r.guesses.some((g) => /taken (?:with a trylock|for read):/.test(g))).toBe(false);
  });
});

describe('recursive locking of reservation_ww_class_mutex without an acquire context', () => {
  it('takes the new lock without the transaction\'s ticket, so the replay reports recursive-locking', async () => {
    const r = (await importLog(read('recursive-xe-dma-buf-detach-resv-no-ctx.txt'))).reports[0]!;
    expect(r.yaml).toMatch(/- dma_resv_lock: \{name: "dma_resv\[p\w+\]", ctx: ticket\}/);
    expect(r.yaml).toMatch(/- dma_resv_lock: "dma_resv\[p\w+\]"\n/);
    const result = await checkYaml(r.yaml);
    expect(result.status).toBe('pass');
    expect(result.findings.map((f) => f.rule)).toContain('recursive-locking');
    expect(result.findings.map((f) => f.rule)).not.toContain('ww-edeadlk-unhandled');
  });
});

describe('the kernel profile of the report\'s own release', () => {
  const profileOf = (yaml: string): string => /^ {2}kernel: "([\d.]+)" {2}# (.*)$/m.exec(yaml)!.slice(1).join(' | ');

  it('6.10.0-rc2+ with mutexes printed {3:3}: the newest profile that applies, not the one {3:3} suggests', async () => {
    const r = (await importLog(read('recursive-xe-dma-buf-detach-resv-no-ctx.txt'))).reports[0]!;
    expect(profileOf(r.yaml)).toMatch(/^6\.13 \| kernel 6\.10\.0-rc2\+: the newest profile that applies/);
  });

  it('a release before v6.8 gets 5.10', async () => {
    const r = (await importLog(read('circular-msm-dev-pm-qos.txt'))).reports[0]!;
    expect(profileOf(r.yaml)).toMatch(/^5\.10 \| kernel 6\.2\.0-rc8-debug\+/);
  });

  it('a sleeping-function BUG takes its release from the CPU line', () => {
    const r = parseReports(read('messy-wrapped-headline-two-reports.txt')).reports[0]!;
    expect(r.version).toBe('6.5.0-11717-g9355ce8b2f50-dirty');
  });

  it('wait types printed with raw-spinlock nesting on a 5.7 kernel need the profile that checks it', async () => {
    const r = (await importLog(read('invalid-wait-mtk-sysirq.txt'))).reports[0]!;
    expect(profileOf(r.yaml)).toMatch(/^6\.13 \| .*PROVE_RAW_LOCK_NESTING.*kernel 5\.7\.0-rc7/);
    expect(r.verification?.reproduced).toBe(true);
  });
});
