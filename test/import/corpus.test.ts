/**
 * The corpus of real kernel reports (test/import/corpus, each file naming its source): every
 * report is imported, the scenario is checked as `fencedep check` checks a file, and the check
 * must pass (the generated `expect` is met, nothing unexpected) with a finding of the report's
 * rule over the report's lockdep classes. The rule and classes below are read from the reports
 * by hand, not from the importer.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importLog } from '../../src/import/index.js';
import { CORPUS, checkYaml, sameSet } from './helpers.js';

interface Case {
  readonly rule: string;
  /** lockdep classes the report shows for the finding. */
  readonly classes: readonly string[];
  /** The kernel report kind (title), for the coverage check. */
  readonly kind: string;
  /** Classes the report does not name that the import must invent (a sleeping lock of the BUG). */
  readonly invented?: number;
}

const CIRC_I915 = ['dma_fence_map', 'mmu_notifier_invalidate_range_start', 'fs_reclaim'];
const CIRC_MSM = ['&gpu->active_lock', 'dma_fence_map', 'mmu_notifier_invalidate_range_start', 'fs_reclaim', 'dev_pm_qos_mtx'];
const CIRC_SHRINKER = ['fs_reclaim', 'reservation_ww_class_mutex', 'reservation_ww_class_acquire'];
const CIRC_NOUVEAU = ['reservation_ww_class_mutex', '&cli->mutex'];
const CIRC_AMDGPU_CONSOLE = ['console_lock', 'fs_reclaim', 'dma_fence_map'];
const CIRC_AMDGPU_CRTC = ['crtc_ww_class_acquire', 'crtc_ww_class_mutex', 'dma_fence_map'];

const TABLE: Record<string, readonly Case[]> = {
  'bad-unlock-mt8186-gpio-mutex.txt': [{ rule: 'bad-unlock', kind: 'bad-unlock', classes: ['gpio_request_mutex'] }],
  'circular-amdgpu-gpu-reset-console-lock-trylock.txt': [{ rule: 'circular-dependency', kind: 'circular-chain', classes: CIRC_AMDGPU_CONSOLE }],
  'circular-amdgpu-gpu-reset-crtc-ww-trylock.txt': [{ rule: 'circular-dependency', kind: 'circular-chain', classes: CIRC_AMDGPU_CRTC }],
  'circular-i915-capture-fs-reclaim.txt': [{ rule: 'circular-dependency', kind: 'circular-chain', classes: CIRC_I915 }],
  'circular-msm-dev-pm-qos.txt': [{ rule: 'circular-dependency', kind: 'circular-chain', classes: CIRC_MSM }],
  'circular-msm-shrinker-ww-acquire.txt': [{ rule: 'circular-dependency', kind: 'circular-chain', classes: CIRC_SHRINKER }],
  'circular-nouveau-resv-cli-mutex-quoted.txt': [{ rule: 'circular-dependency', kind: 'circular', classes: CIRC_NOUVEAU }],
  'held-at-exit-bcachefs-fs-reclaim.txt': [{ rule: 'lock-held-at-exit', kind: 'held-at-exit', classes: ['fs_reclaim'] }],
  'held-at-exit-dattobd-ioctl-mutex.txt': [{ rule: 'lock-held-at-exit', kind: 'held-at-exit', classes: ['&ioctl_mutex'] }],
  'inconsistent-sync-timeline-syzbot.txt': [{ rule: 'inconsistent-lock-state', kind: 'inconsistent', classes: ['sync_timeline_list_lock'] }],
  'invalid-wait-mtk-sysirq.txt': [{ rule: 'invalid-wait-context', kind: 'invalid-wait', classes: ['&chip_data->lock', '&irq_desc_lock_class'] }],
  'irq-inversion-ndev-pgd-lock.txt': [{ rule: 'irq-inversion', kind: 'irq-inversion', classes: ['&ndev->lock', 'pgd_lock'] }],
  'recursive-cpu-hotplug-lock-xe-ci.txt': [{ rule: 'recursive-locking', kind: 'recursive', classes: ['cpu_hotplug_lock'] }],
  'recursive-xe-dma-buf-detach-resv-no-ctx.txt': [{ rule: 'recursive-locking', kind: 'recursive', classes: ['reservation_ww_class_mutex'] }],
  'recursive-sb-writers-ksmbd.txt': [{ rule: 'recursive-locking', kind: 'recursive', classes: ['sb_writers#5'] }],
  'safe-unsafe-port-lock-fs-reclaim-lkp.txt': [{ rule: 'irq-inversion', kind: 'safe-to-unsafe', classes: ['&port_lock_key', 'fs_reclaim'] }],
  'safe-unsafe-softirq-mlx5e-xfrm.txt': [{ rule: 'irq-inversion', kind: 'safe-to-unsafe-softirq', classes: ['&x->lock', '&xa->xa_lock#24'] }],
  'sleep-macb-clk-under-spinlock-quoted.txt': [{ rule: 'sleep-in-atomic', kind: 'sleep', classes: ['&bp->lock'], invented: 1 }],
  'messy-caller-tags-invalid-wait-mtk-sysirq.txt': [{ rule: 'invalid-wait-context', kind: 'invalid-wait', classes: ['&chip_data->lock', '&irq_desc_lock_class'] }],
  'messy-ci-prefix-msm-shrinker.txt': [{ rule: 'circular-dependency', kind: 'circular-chain', classes: CIRC_SHRINKER }],
  'messy-cpu-tags-sync-timeline.txt': [{ rule: 'inconsistent-lock-state', kind: 'inconsistent', classes: ['sync_timeline_list_lock'] }],
  'messy-quoted-wrapped-sb-writers.txt': [{ rule: 'recursive-locking', kind: 'recursive', classes: ['sb_writers#5'] }],
  'messy-syslog-msm-dev-pm-qos.txt': [{ rule: 'circular-dependency', kind: 'circular-chain', classes: CIRC_MSM }],
  'messy-truncated-i915-capture.txt': [{ rule: 'circular-dependency', kind: 'circular-chain', classes: CIRC_I915 }],
  'messy-headless-cut-in-chain-nouveau.txt': [{ rule: 'circular-dependency', kind: 'circular', classes: CIRC_NOUVEAU }],
  'messy-headless-msm-dev-pm-qos.txt': [{ rule: 'circular-dependency', kind: 'circular-chain', classes: CIRC_MSM }],
  'messy-wrapped-headline-two-reports.txt': [
    { rule: 'sleep-in-atomic', kind: 'sleep', classes: ['&bp->lock'], invented: 1 },
    { rule: 'recursive-locking', kind: 'recursive', classes: ['sb_writers#5'] },
  ],
  'messy-two-reports.txt': [
    { rule: 'bad-unlock', kind: 'bad-unlock', classes: ['gpio_request_mutex'] },
    { rule: 'circular-dependency', kind: 'circular', classes: CIRC_NOUVEAU },
  ],
};

const files = readdirSync(CORPUS).filter((f) => f.endsWith('.txt')).sort();

describe('the corpus', () => {
  it('has a table entry for every file and a source line in every file', () => {
    expect(files.filter((f) => !(f in TABLE))).toEqual([]);
    for (const f of files) {
      const first = readFileSync(path.join(CORPUS, f), 'utf8').split('\n')[0]!;
      expect(first, f).toMatch(/^# (?:source: (?:Message-I[Dd] <[^>]+>|.*https?:\/\/)|transformed)/);
    }
  });

  it('covers every report kind and the messy-paste forms', () => {
    const kinds = new Set(Object.values(TABLE).flat().map((c) => c.kind));
    for (const k of ['circular', 'circular-chain', 'recursive', 'inconsistent', 'safe-to-unsafe', 'safe-to-unsafe-softirq', 'irq-inversion', 'invalid-wait', 'bad-unlock', 'held-at-exit', 'sleep']) {
      expect(kinds.has(k), k).toBe(true);
    }
    expect(files.filter((f) => f.startsWith('messy-')).length).toBeGreaterThanOrEqual(7);
  });
});

describe.each(files)('import → check: %s', (file) => {
  it('reports the same rule over the same lockdep classes', async () => {
    const cases = TABLE[file]!;
    const text = readFileSync(path.join(CORPUS, file), 'utf8');
    const { reports } = await importLog(text, { source: file });
    expect(reports.length).toBe(cases.length);
    for (let i = 0; i < cases.length; i++) {
      const want = cases[i]!;
      const got = reports[i]!;
      expect(got.error).toBeNull();
      expect(got.expected.rule).toBe(want.rule);
      expect(got.invented.length).toBe(want.invented ?? 0);
      const result = await checkYaml(got.yaml, `${file}-${i}`);
      expect(result.errors, got.yaml).toEqual([]);
      expect(result.status, got.yaml).toBe('pass');
      const match = result.findings.find(
        (f) => f.rule === want.rule && sameSet(f.lockdep.filter((l) => !got.invented.includes(l)), want.classes) && f.lockdep.some((l) => got.invented.includes(l)) === (want.invented !== undefined),
      );
      expect(match, `${file}: ${result.findings.map((f) => `${f.rule} ${f.lockdep.join(',')}`).join(' | ')}\n${got.yaml}`).toBeDefined();
      // The finding is the one the scenario expects first (the report's own).
      expect(got.yaml).toContain(`- rule: ${want.rule}`);
    }
  });

  it('is deterministic', async () => {
    const text = readFileSync(path.join(CORPUS, file), 'utf8');
    const a = await importLog(text, { source: file });
    const b = await importLog(text, { source: file });
    expect(a.reports.map((r) => r.yaml)).toEqual(b.reports.map((r) => r.yaml));
  });
});
