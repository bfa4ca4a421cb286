/**
 * The analyze stage: between the replay (src/replay), which detects, and the reports. It
 * turns detections into findings with their diagnoses (findings.ts), groups the findings
 * one step triggered (groups.ts), applies a file's
 * expectations (expectations.ts), a config's severities (severity.ts) and a baseline
 * (baseline.ts), and sums a run up (summary.ts, stats.ts).
 */
import type { Finding } from '../model/finding.js';
import type { Scenario } from '../model/scenario.js';
import { Replayer, replayScenario, type ReplayerSetup, type ReplayOutput, type ReplayTuning } from '../replay/index.js';
import { FindingCollector } from './findings.js';
import { groupFindings } from './groups.js';

export { FindingCollector } from './findings.js';
export { applyExpectations, type ExpectationVerdict, type LockLookup } from './expectations.js';
export { groupFindings } from './groups.js';
export { applySeverities } from './severity.js';
export { applyBaseline } from './baseline.js';
export { summarize } from './summary.js';

/** A replay with the findings made of its detections. */
export interface Analysis extends ReplayOutput {
  /** In the order found; one per rule and lock set, grouped by step (groups.ts). `expected` is false here. */
  readonly findings: readonly Finding[];
}

/** A replay whose detections become findings as they are found: a stream feeds `replayer` event by event. */
export interface AnalyzedReplay {
  readonly replayer: Replayer;
  /** End of the input: the replay's output with its findings. */
  finish(): Analysis;
}

export function startAnalysis(setup: ReplayerSetup, tuning: ReplayTuning = {}): AnalyzedReplay {
  const collector = new FindingCollector(setup.options);
  const replayer = new Replayer(setup, collector, tuning);
  return { replayer, finish: () => ({ ...replayer.finish(), findings: groupFindings(collector.findings) }) };
}

/** Replay a whole scenario and make findings of what it detects. */
export function analyzeScenario(scenario: Scenario, tuning: ReplayTuning = {}): Analysis {
  const collector = new FindingCollector(scenario.options);
  return { ...replayScenario(scenario, collector, tuning), findings: groupFindings(collector.findings) };
}
