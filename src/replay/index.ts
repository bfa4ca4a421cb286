/**
 * Replay: runs a scenario's paths against the lockdep model. What it detects goes to a
 * `DetectionSink` as it is found (the analyze stage, src/analyze, makes findings of it); what
 * it returns is the dependency graph, the input errors it met and its figures.
 * `Replayer` (replayer.ts) is incremental so a JSONL stream can be fed one event at a time;
 * `replayScenario` is the whole-file convenience.
 */
import type { Scenario } from '../model/scenario.js';
import type { DetectionSink } from './detections.js';
import { resumeAfterIncludedPaths } from './model-prefix.js';
import type { ReplayOutput } from './output.js';
import { Replayer, type ReplayTuning } from './replayer.js';
export { Replayer, type ReplayerSetup, type ReplayTuning } from './replayer.js';
export type { PreparedStep } from './interpreter.js';
export type { ReplayOutput, ReplayStats } from './output.js';
export type { GraphExport } from '../model/graph.js';
export type { DetectionSink } from './detections.js';

export function replayScenario(scenario: Scenario, sink: DetectionSink, tuning: ReplayTuning = {}): ReplayOutput {
  const replayer = new Replayer(scenario, sink, tuning);
  const from = tuning.reuseIncludedState === false ? 0 : resumeAfterIncludedPaths(replayer, scenario, tuning);
  for (let i = from; i < scenario.paths.length; i++) replayer.runPath(scenario.paths[i]!);
  for (const n of scenario.notices ?? []) replayer.notice(n);
  return replayer.finish();
}
