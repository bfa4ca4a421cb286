/**
 * The replayed state of a scenario's included paths, reused across the files of a process.
 *
 * A scenario's paths start with those of the models it includes (the kernel model's priming,
 * its reclaim and notifier paths, drm_sched's workers...), and every file that includes the
 * kernel model replayed them again before its own. Instead, the states they replay to (lock
 * classes with their usage, the dependency graph, chain keys), one after each path, are kept
 * once per process, and a later file's replay starts from a copy of the furthest one that is
 * the same in that file. That is the state after the first k paths when:
 *  - they are the same path objects (the loader shares the built-in models' converted paths
 *    between the files of a process, src/load/model-layer.ts; a user's own include is converted
 *    per file, so its paths never match and are replayed in each), with the same options and
 *    replay tuning;
 *  - every name they looked up while replayed (a lock, a fence, a function, the callbacks of a
 *    hook, a lock's declaration order: program-reads.ts) means the same in this file. The
 *    states are made with only the included files' hook callbacks, so the paths up to the first
 *    that calls a callback of the file's own (a shrinker under kswapd, a run_job under a
 *    drm_sched worker) are reused, and that path and the rest are replayed in the file;
 *  - and none of them detected anything or met an input error: what the models' paths find
 *    belongs to each file's report, so from such a path on every file replays them.
 * The states are made the second time a process meets the same paths (one more replay of
 * them), so a one-file check pays nothing for them.
 */
import type { PathDecl, Scenario } from '../model/scenario.js';
import type { DetectionSink } from './detections.js';
import { ProgramReads } from './program-reads.js';
import { Replayer, type ReplayTuning } from './replayer.js';

interface IncludedState {
  readonly paths: readonly PathDecl[];
  readonly options: string;
  readonly tuning: ReplayTuning;
  /** What replaying the paths read, in order. */
  readonly reads: ProgramReads;
  /** The state after the first k+1 paths, and how many reads replaying them made; while they detected nothing. */
  readonly stages: readonly { readonly replayer: Replayer; readonly reads: number }[];
}

/** By the first of the paths: how many times a file started with it (until its states are made). */
const met = new WeakMap<PathDecl, number>();
/** By the first of the paths. */
const states = new WeakMap<PathDecl, IncludedState[]>();

/** Counts, for the tests and the benchmark: runs of paths replayed to keep their states, files that started from one, paths not replayed. */
export const includedStateUse = { made: 0, reused: 0, paths: 0 };

/** How many of `scenario`'s paths come first from its includes. */
export function includedPathCount(scenario: Scenario): number {
  let n = 0;
  while (n < scenario.paths.length && scenario.paths[n]!.loc.file !== scenario.file) n++;
  return n;
}

/** The same knobs of the replay, the reuse itself aside (a knob added to ReplayTuning is compared too). */
function sameTuning(a: ReplayTuning, b: ReplayTuning): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof ReplayTuning)[]);
  keys.delete('reuseIncludedState');
  return [...keys].every((k) => a[k] === b[k]);
}

/**
 * Bring `replayer` (which has replayed nothing) to the state after as many of `scenario`'s
 * included paths as a kept state is the same for; returns how many paths that covers (0:
 * replay them all).
 */
export function resumeAfterIncludedPaths(replayer: Replayer, scenario: Scenario, tuning: ReplayTuning): number {
  const n = includedPathCount(scenario);
  if (n === 0) return 0;
  const first = scenario.paths[0]!;
  const options = JSON.stringify(scenario.options);
  const kept = states.get(first) ?? [];
  // One state per options and tuning: what a later file's paths share with it is its leading
  // run of the same path objects (a user's own include, converted per file, never is).
  let state = kept.find((s) => s.options === options && sameTuning(s.tuning, tuning));
  if (!state) {
    const times = (met.get(first) ?? 0) + 1;
    met.set(first, times);
    if (times < 2) return 0;
    state = replayAlone(scenario, n, options, tuning);
    kept.push(state);
    states.set(first, kept);
  }
  let k = 0;
  while (k < state.stages.length && k < n && state.paths[k] === scenario.paths[k]) k++;
  if (k === 0) return 0;
  // Only the reads of those paths matter: compare no further.
  const alike = replayer.readsAlike(state.reads, state.stages[k - 1]!.reads);
  while (k > 0 && state.stages[k - 1]!.reads > alike) k--;
  if (k === 0) return 0;
  replayer.adopt(state.stages[k - 1]!.replayer);
  includedStateUse.reused++;
  includedStateUse.paths += k;
  return k;
}

/**
 * The first `n` paths of `scenario` replayed with only its included files' hook callbacks,
 * keeping the state after each path until one detects something or meets an error.
 */
function replayAlone(scenario: Scenario, n: number, options: string, tuning: ReplayTuning): IncludedState {
  includedStateUse.made++;
  let detected = false;
  const sink: DetectionSink = {
    report: () => {
      detected = true;
    },
  };
  const included = (fn: string): boolean => {
    const steps = scenario.functions.get(fn);
    return steps !== undefined && steps.length > 0 && steps[0]!.loc.file !== scenario.file;
  };
  const hooks = new Map([...scenario.hooks].map(([hook, fns]) => [hook, fns.filter(included)]));
  const reads = new ProgramReads();
  const replayer = new Replayer({ ...scenario, hooks }, sink, tuning, reads);
  const stages: { replayer: Replayer; reads: number }[] = [];
  for (let k = 0; k < n; k++) {
    replayer.runPath(scenario.paths[k]!);
    if (detected || replayer.errorCount) break;
    const copy = new Replayer(scenario, sink, tuning);
    copy.adopt(replayer);
    stages.push({ replayer: copy, reads: reads.count });
  }
  return { paths: scenario.paths.slice(0, n), options, tuning, reads, stages };
}
