/**
 * The diagnosis patterns read a step's category, so every spelling of a category gets the
 * pattern its canonical spelling gets: each scenario below is replayed once per spelling of the
 * vocabulary (src/model/vocabulary.ts) in the category, never from a list of its own.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInputs } from '../../src/check/run.js';
import type { Finding } from '../../src/model/finding.js';
import type { StepOp } from '../../src/model/scenario.js';
import { STEP_VOCABULARY, type StepCategory } from '../../src/model/vocabulary.js';

const dir = mkdtempSync(join(tmpdir(), 'fencedep-spellings-'));
let n = 0;

/** The findings of one scenario. */
async function findings(lines: readonly string[]): Promise<readonly Finding[]> {
  const file = join(dir, `s${n++}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const run = await checkInputs([file]);
  const r = run.results[0]!;
  expect(r.errors, r.errors.map((e) => e.message).join('\n')).toEqual([]);
  return r.findings;
}

const spellings = (category: StepCategory): string[] => STEP_VOCABULARY.filter((s) => s.category === category).map((s) => s.name);
const ofOp = (op: StepOp): string[] => STEP_VOCABULARY.filter((s) => s.op === op).map((s) => s.name);

/** The patterns of the findings of a rule. */
function diagnosed(fs: readonly Finding[], rule: string): (string | undefined)[] {
  return fs.filter((f) => f.rule === rule).map((f) => f.pattern);
}

describe('every allocation spelling', () => {
  const all = spellings('allocation');

  it('the category is the vocabulary\'s: the shipped spellings are all in it', () => {
    for (const s of ['kmalloc', 'kcalloc', 'kmalloc_array', 'kvzalloc', 'kmem_cache_alloc', 'kmem_cache_zalloc', 'alloc_page', '__get_free_pages'])
      expect(all).toContain(s);
  });

  it.each(all)('%s in a signalling section: alloc-in-signalling', async (s) => {
    const fs = await findings(['include: [kernel]', 'paths:', '  - name: run_job', '    steps:', '      - signalling:', `          - ${s}: GFP_KERNEL`]);
    expect(diagnosed(fs, 'circular-dependency')).toEqual(['alloc-in-signalling']);
  });

  it.each(all)('%s under a lock a signalling section takes: signalling-lock-across-alloc', async (s) => {
    const fs = await findings([
      'include: [kernel]',
      'locks: {A: mutex}',
      'paths:',
      '  - name: run_job',
      '    steps: [{signalling: [{with: A, do: []}]}]',
      '  - name: ioctl',
      `    steps: [{with: A, do: [{${s}: GFP_KERNEL}]}]`,
    ]);
    expect(diagnosed(fs, 'circular-dependency')).toEqual(['signalling-lock-across-alloc']);
  });

  it.each(all)('%s under a lock a notifier callback takes: notifier-lock-across-alloc', async (s) => {
    const fs = await findings([
      'include: [kernel]',
      'locks: {N: mutex}',
      'functions: {invalidate: [{with: N, do: []}]}',
      'hooks: {mmu_interval_notifier.invalidate: [invalidate]}',
      'paths:',
      '  - name: fault',
      `    steps: [{with: N, do: [{${s}: GFP_KERNEL}]}]`,
    ]);
    expect(diagnosed(fs, 'circular-dependency')).toEqual(['notifier-lock-across-alloc']);
  });

  it.each(all)('%s under a lock a shrinker takes: shrinker-blocking-lock', async (s) => {
    const fs = await findings([
      'include: [kernel]',
      'locks: {S: mutex}',
      'functions: {scan: [{with: S, do: []}]}',
      'hooks: {shrinker.scan: [scan]}',
      'paths:',
      '  - name: ioctl',
      `    steps: [{with: S, do: [{${s}: GFP_KERNEL}]}]`,
    ]);
    expect(diagnosed(fs, 'circular-dependency')).toEqual(['shrinker-blocking-lock']);
  });
});

describe('every fence wait spelling', () => {
  it.each(spellings('fence wait'))('%s holding a lock taken in the same section: wait-in-signalling', async (s) => {
    const fs = await findings(['locks: {A: mutex}', 'fences: {F: {}}', 'paths:', '  - name: run_job', `    steps: [{signalling: [{with: A, do: [{${s}: F}]}]}]`]);
    expect(diagnosed(fs, 'circular-dependency')).toEqual(['wait-in-signalling']);
  });

  it.each(spellings('fence wait'))('%s holding a lock a signalling section takes: lock-held-across-fence-wait', async (s) => {
    const fs = await findings([
      'locks: {A: mutex}',
      'fences: {F: {}}',
      'paths:',
      '  - name: run_job',
      '    steps: [{signalling: [{with: A, do: []}]}]',
      '  - name: ioctl',
      `    steps: [{with: A, do: [{${s}: F}]}]`,
    ]);
    expect(diagnosed(fs, 'circular-dependency')).toEqual(['lock-held-across-fence-wait']);
  });

  it.each(spellings('fence wait'))('%s in a notifier callback, holding its lock: fence-wait-in-notifier', async (s) => {
    const fs = await findings([
      'include: [kernel]',
      'locks: {N: mutex}',
      'fences: {F: {}}',
      `functions: {invalidate: [{with: N, do: [{${s}: F}]}]}`,
      'hooks: {mmu_interval_notifier.invalidate: [invalidate]}',
      'paths:',
      '  - name: run_job',
      '    steps: [{signalling: [{with: N, do: []}]}]',
    ]);
    expect(diagnosed(fs, 'circular-dependency')).toEqual(['fence-wait-in-notifier']);
  });
});

describe('every user-memory access spelling (might_fault)', () => {
  it.each(ofOp('might_fault'))('%s under a reservation: fault-under-resv', async (s) => {
    const fs = await findings(['include: [kernel]', 'paths:', '  - name: ioctl', `    steps: [{with: "dma_resv[bo]", do: [${s}]}]`]);
    expect(diagnosed(fs, 'circular-dependency')).toEqual(['fault-under-resv']);
  });
});

describe('every notifier spelling that waits for an invalidation', () => {
  it.each([...ofOp('mmu_interval_read_begin'), ...ofOp('mmu_notifier')])('%s in a signalling section: notifier-in-signalling', async (s) => {
    const fs = await findings(['include: [kernel]', 'paths:', '  - name: run_job', `    steps: [{signalling: [${s}]}]`]);
    expect(diagnosed(fs, 'circular-dependency')).toEqual(['notifier-in-signalling']);
  });
});

describe('every signal spelling', () => {
  const lines = (signal: readonly string[]): string[] => [
    'include: [kernel]',
    'locks: {F_lock: spinlock}',
    'fences: {F: {lock: F_lock, callbacks: [done]}}',
    'functions: {done: [{kmalloc: GFP_KERNEL}]}',
    'paths:',
    '  - name: irq',
    `    steps: [${signal.join(', ')}]`,
  ];

  it.each(spellings('signal'))('%s runs the callbacks in a signalling section: an allocation there is alloc-in-signalling', async (s) => {
    const fs = await findings(lines([`{${s}: F}`]));
    expect(diagnosed(fs, 'circular-dependency')).toEqual(['alloc-in-signalling']);
    expect(diagnosed(fs, 'sleep-in-atomic')).toEqual(['fence-callback-sleeps']);
  });

  it.each(spellings('signal with lock held'))('%s has no signalling annotation, but its callbacks are fence callbacks', async (s) => {
    const fs = await findings(lines(['{spin_lock_irqsave: F_lock}', `{${s}: F}`, '{spin_unlock_irqrestore: F_lock}']));
    expect(diagnosed(fs, 'circular-dependency')).not.toContain('alloc-in-signalling');
    expect(diagnosed(fs, 'sleep-in-atomic')).toEqual(['fence-callback-sleeps']);
  });
});

describe('every spelling that runs fence code under the fence lock', () => {
  it.each([...ofOp('fence_wait'), ...ofOp('fence_enable')])('%s: a sleeping enable_signaling is fence-callback-sleeps', async (s) => {
    const fs = await findings(['locks: {F_lock: spinlock}', 'fences: {F: {lock: F_lock, enable_signaling: enable}}', 'functions: {enable: [msleep]}', 'paths:', '  - name: p', `    steps: [{${s}: F}]`]);
    expect(diagnosed(fs, 'sleep-in-atomic')).toEqual(['fence-callback-sleeps']);
  });

  it.each(ofOp('fence_put'))('%s: a release that sleeps under a spinlock is fence-callback-sleeps', async (s) => {
    const fs = await findings(['locks: {S: spinlock}', 'fences: {F: {release: release}}', 'functions: {release: [msleep]}', 'paths:', '  - name: p', `    steps: [{with: S, do: [{${s}: F}]}]`]);
    expect(diagnosed(fs, 'sleep-in-atomic')).toEqual(['fence-callback-sleeps']);
  });
});
