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
  const out = replayScenario(scenario, collector, tuning);
  return { ...out, findings: groupFindings(dependingOnModelRules(scenario, collector.findings, tuning)) };
}

/**
 * `modelRules` only on the findings that need them: a trace that merely passes through a
 * model's rule (a cycle of two driver locks inside run_job's section) is a finding lockdep
 * makes without the rule. Decided by replaying lockdep's view (`lockdepOnly`) once, only for a
 * scenario with a finding marked.
 */
function dependingOnModelRules(scenario: Scenario, findings: readonly Finding[], tuning: ReplayTuning): readonly Finding[] {
  if (scenario.options.lockdepOnly || !findings.some((f) => f.modelRules)) return findings;
  const options = { ...scenario.options, lockdepOnly: true };
  const lockdep = new FindingCollector(options);
  replayScenario({ ...scenario, options }, lockdep, tuning);
  const key = (f: Finding): string => `${f.rule}\u0000${[...f.lockdep].sort().join('\u0000')}`;
  const alsoWithout = new Set(lockdep.findings.map(key));
  return findings.map((f) => {
    if (!f.modelRules || !alsoWithout.has(key(f))) return f;
    const { modelRules: _modelRules, ...rest } = f;
    return rest;
  });
}
