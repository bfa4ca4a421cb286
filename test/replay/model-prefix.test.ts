/**
 * The included models' paths are replayed once per process and their states reused by the
 * next files (src/replay/model-prefix.ts). Shown here: a file that starts from a kept state
 * gets exactly the report it gets replaying every path (over every scenario that includes a
 * model, in one process, so states are made and reused), the state it starts from is the state
 * those paths replay to in that file (every field of the lockdep state, the interpreter's
 * pseudo-locks and extern calls), a copy shares nothing its replay changes with the state it
 * was copied from, and a file's own callback on a hook a model path calls stops the reuse
 * before that path.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeScenario, type Analysis } from '../../src/analyze/index.js';
import { expandInputs } from '../../src/check/run.js';
import { loadScenario, loadScenarioText } from '../../src/load/index.js';
import type { Scenario } from '../../src/model/scenario.js';
import { Replayer } from '../../src/replay/index.js';
import { includedPathCount, includedStateUse, resumeAfterIncludedPaths } from '../../src/replay/model-prefix.js';

const here = import.meta.dirname;
const inputs = await expandInputs([resolve(here, '../../fixtures'), resolve(here, '..')]);
const withModels = inputs.map((f) => f.file).filter((f) => /\.ya?ml$/.test(f) && /^include:/m.test(readFileSync(f, 'utf8')));

async function scenarios(): Promise<Scenario[]> {
  const out: Scenario[] = [];
  for (const file of withModels) {
    try {
      out.push(await loadScenario(file));
    } catch {
      // an input error under test/: it has no paths to replay
    }
  }
  return out;
}

/** Everything of an analysis a report shows, as text. */
function report(a: Analysis): string {
  return JSON.stringify({ findings: a.findings, stats: a.stats, graph: a.graph, errors: a.errors.map((e) => e.message) });
}

/**
 * An object graph as canonical text: own fields (private ones too), typed arrays, maps and sets,
 * objects met again by their first place (so what is shared stays visible). Functions (the
 * sink, callbacks) are left out, and so is the chain set's copy-on-write flag.
 */
function dump(root: unknown): string {
  const seen = new Map<object, number>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'function') return '<fn>';
    if (v === null || typeof v !== 'object') return v;
    const at = seen.get(v);
    if (at !== undefined) return `<#${at}>`;
    seen.set(v, seen.size);
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
    if (Array.isArray(v)) return Array.from(v, walk);
    if (v instanceof Map) return { map: [...v].map(([k, x]) => [walk(k), walk(x)]) };
    if (v instanceof Set) return { set: [...v].map(walk) };
    return Object.fromEntries(Object.entries(v).filter(([k, x]) => typeof x !== 'function' && k !== 'shared').map(([k, x]) => [k, walk(x)]));
  };
  return JSON.stringify(walk(root));
}

/** The state a replayer carries from path to path: the lockdep model's and the interpreter's (its program aside). */
function replayState(r: Replayer): string {
  const { interpreter } = r as unknown as { interpreter: Record<string, unknown> & { lockdep: unknown } };
  const { program: _program, sink: _sink, lockdep, ...rest } = interpreter;
  return dump({ lockdep, rest });
}

describe('the included models’ replayed state, reused across files', () => {
  it('gives every file the report it gets replaying every path', async () => {
    const all = await scenarios();
    expect(all.length).toBeGreaterThan(60);
    const before = { ...includedStateUse };
    for (let round = 0; round < 2; round++) {
      for (const s of all) expect(report(analyzeScenario(s)), s.file).toBe(report(analyzeScenario(s, { reuseIncludedState: false })));
    }
    // Not vacuous: most files started from a kept state, past many paths.
    expect(includedStateUse.reused - before.reused).toBeGreaterThan(all.length);
    expect(includedStateUse.paths - before.paths).toBeGreaterThan(5 * all.length);
  });

  it.each([
    ['the precise fence model', { fenceModel: 'precise' }],
    ['the 5.10 profile', { kernel: '5.10', release: '5.10' }],
    ["lockdep's view only", { lockdepOnly: true }],
  ] as const)('does so under %s, each options keeping states of their own', async (_, change) => {
    const all = (await scenarios()).map((s) => ({ ...s, options: { ...s.options, ...change } }) as Scenario);
    const before = { ...includedStateUse };
    for (let round = 0; round < 2; round++) {
      for (const s of all) expect(report(analyzeScenario(s)), s.file).toBe(report(analyzeScenario(s, { reuseIncludedState: false })));
    }
    expect(includedStateUse.reused - before.reused).toBeGreaterThan(all.length / 2);
  });

  it('starts a file from the very state its included paths replay to in it', async () => {
    const all = await scenarios();
    const sink = { report: () => undefined };
    let compared = 0;
    for (const s of [...all, ...all]) {
      const resumed = new Replayer(s, sink);
      const k = resumeAfterIncludedPaths(resumed, s, {});
      if (k === 0) continue;
      const fresh = new Replayer(s, sink);
      for (let i = 0; i < k; i++) fresh.runPath(s.paths[i]!);
      expect(replayState(resumed), s.file).toBe(replayState(fresh));
      // And both go on alike: the file's own paths make the same findings from either.
      compared++;
    }
    expect(compared).toBeGreaterThan(all.length);
  });

  it('copies a state that the copy’s replay leaves as it was', async () => {
    // The state copied has irq usage and an extern call; what the copy replays then changes
    // every part of it: a known dependency gains a kind (a read a → b, then a write), classes
    // gain usage and chains, new classes and pseudo-locks are made (the ww class's acquire map).
    const s = await loadScenarioText(
      `
locks:
  a: rwlock
  b: spinlock
  c: { type: ww_mutex, ww_class: reservation_ww_class }
paths:
  - name: first
    steps: [{ read_lock: a }, { spin_lock: b }, { spin_unlock: b }, { read_unlock: a }, { extern: helper }]
  - name: irq
    context: hardirq
    steps: [{ spin_lock: b }, { spin_unlock: b }]
  - name: then
    steps:
      - write_lock_irq: a
      - spin_lock: b
      - spin_unlock: b
      - write_unlock_irq: a
      - ww_acquire_init: { ctx: t, class: reservation_ww_class }
      - ww_mutex_lock: { name: c, ctx: t }
      - ww_mutex_unlock: c
      - ww_acquire_fini: t
`,
      { file: 'copy.yaml' },
    );
    const sink = { report: () => undefined };
    const replayed = (paths: number): Replayer => {
      const r = new Replayer(s, sink);
      for (const p of s.paths.slice(0, paths)) r.runPath(p);
      return r;
    };
    const from = replayed(2);
    const before = replayState(from);
    const copy = new Replayer(s, sink);
    copy.adopt(from);
    expect(replayState(copy)).toBe(before);
    copy.runPath(s.paths[2]!);
    // The copy went on as a replay of all three paths, and left the state it came from alone.
    const all = replayState(replayed(3));
    expect(replayState(copy)).toBe(all);
    expect(all).not.toBe(before);
    expect(replayState(from)).toBe(before);
    from.runPath(s.paths[2]!);
    expect(replayState(from)).toBe(all);
  });

  it('keeps one state for files that include the models and an include of their own, and replays that include in each', async () => {
    // Each file's own include is converted for it, so its paths are new objects every time:
    // the kernel model's paths are reused from one kept state, the include's are replayed.
    const dir = mkdtempSync(join(tmpdir(), 'fencedep-model-prefix-'));
    try {
      writeFileSync(join(dir, 'common.yaml'), 'locks:\n  common_lock: mutex\npaths:\n  - name: common\n    steps: [{ mutex_lock: common_lock }, { mutex_unlock: common_lock }]\n');
      const files = [1, 2, 3, 4, 5].map((i) => {
        const file = join(dir, `user${i}.yaml`);
        writeFileSync(file, `include: [kernel, ./common.yaml]\nlocks:\n  mine${i}: mutex\npaths:\n  - name: own\n    steps: [{ mutex_lock: mine${i} }, { kmalloc: GFP_KERNEL }, { mutex_unlock: mine${i} }]\n`);
        return file;
      });
      const before = { ...includedStateUse };
      const sink = { report: () => undefined };
      const covered: number[] = [];
      for (const file of files) {
        const s = await loadScenario(file);
        const common = s.paths.findIndex((p) => p.name === 'common');
        expect(common).toBeGreaterThan(0);
        expect(includedPathCount(s)).toBe(common + 1);
        covered.push(resumeAfterIncludedPaths(new Replayer(s, sink), s, {}));
        expect(report(analyzeScenario(s))).toBe(report(analyzeScenario(s, { reuseIncludedState: false })));
        expect(covered.at(-1)).toBeLessThanOrEqual(common);
      }
      // Made once (at the second replay of these paths, the first file's analysis), then every later
      // file starts past the kernel model's paths and replays its own include.
      expect(includedStateUse.made - before.made).toBeLessThanOrEqual(1);
      expect(covered.slice(2).every((k) => k > 0)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replays, from a model path that calls a callback of the file’s own, every path itself', async () => {
    const base = (shrinker: string): string => `
include: [kernel]
locks:
  obj_lock: mutex
${shrinker}
paths:
  - name: ioctl
    steps:
      - mutex_lock: obj_lock
      - kmalloc: GFP_KERNEL
      - mutex_unlock: obj_lock
`;
    const plain = base('');
    const shrinking = base('hooks:\n  shrinker.scan: [my_scan]\nfunctions:\n  my_scan: [{ mutex_lock: obj_lock }, { mutex_unlock: obj_lock }]');
    const sink = { report: () => undefined };
    const covered = async (text: string): Promise<{ k: number; n: number; firstShrinking: number; s: Scenario }> => {
      const s = await loadScenarioText(text, { file: 'mine.yaml' });
      const r = new Replayer(s, sink);
      const k = resumeAfterIncludedPaths(r, s, {});
      const firstShrinking = s.paths.findIndex((p) => /kswapd|direct reclaim/.test(p.name));
      return { k, n: includedPathCount(s), firstShrinking, s };
    };
    // The states are made at the second file with these paths: the first replays them all.
    for (let i = 0; i < 2; i++) await covered(plain);
    const p = await covered(plain);
    const sh = await covered(shrinking);
    expect(p.firstShrinking).toBeGreaterThanOrEqual(0);
    // A file with no callback of its own starts past the reclaim paths; one with a shrinker, before them.
    expect(p.k).toBeGreaterThan(p.firstShrinking);
    expect(sh.k).toBeLessThanOrEqual(sh.firstShrinking);
    // The verdict is the one a full replay gives: the shrinker's lock is taken under fs_reclaim, and allocating under it is a cycle.
    const found = analyzeScenario(sh.s);
    expect(report(found)).toBe(report(analyzeScenario(sh.s, { reuseIncludedState: false })));
    expect(found.findings.map((f) => f.rule)).toContain('circular-dependency');
    expect(analyzeScenario(p.s).findings).toEqual([]);
  });
});
