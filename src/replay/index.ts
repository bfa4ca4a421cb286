/**
 * Replay: runs a scenario's paths against the lockdep model and returns what it found.
 * `Replayer` is incremental so a JSONL stream can be fed one event at a time;
 * `replayScenario` is the whole-file convenience.
 */
import type { Finding } from '../model/finding.js';
import type { LockDecl, Scenario, ScenarioOptions, Step, PathDecl } from '../model/scenario.js';
import type { InputError } from '../load/errors.js';

export interface ReplayStats {
  readonly classes: number;
  readonly edges: number;
  readonly chains: number;
  readonly events: number;
}

export interface ReplayOutput {
  /** Sorted deterministically; deduplicated per rule and lock set. `expected` is false here. */
  readonly findings: readonly Finding[];
  /** Input errors only found while replaying (e.g. a hardirq block while hard irqs are disabled). */
  readonly errors: readonly InputError[];
  readonly stats: ReplayStats;
}

export interface ReplayerSetup {
  readonly options: ScenarioOptions;
  readonly locks: ReadonlyMap<string, LockDecl>;
  readonly functions: ReadonlyMap<string, readonly Step[]>;
  readonly hooks: ReadonlyMap<string, readonly string[]>;
}

export declare class Replayer {
  constructor(setup: ReplayerSetup);
  /** Declarations that arrive mid-stream (JSONL `decl` lines). */
  declareLock(decl: LockDecl): void;
  declareFunction(name: string, steps: readonly Step[]): void;
  registerHook(hook: string, fn: string): void;
  /** Run one step on the task named `path` (created on first use, process context). */
  step(path: string, step: Step): void;
  /** Run a whole path from its first step to its end. */
  runPath(path: PathDecl): void;
  /** End of the stream: every task still open ends (lock-held-at-exit checks). */
  finish(): ReplayOutput;
}

export declare function replayScenario(scenario: Scenario): ReplayOutput;
