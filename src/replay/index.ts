/**
 * Replay: runs a scenario's paths against the lockdep model and returns what it found.
 * `Replayer` is incremental so a JSONL stream can be fed one event at a time;
 * `replayScenario` is the whole-file convenience.
 */
import type { Finding } from '../model/finding.js';
import { LOCKDEP_LIMITS, tableFull, type LockdepLimits } from '../model/limits.js';
import type { SourceLoc } from '../model/location.js';
import type { FenceDecl, KernelProfile, LockDecl, PathDecl, Scenario, ScenarioOptions, Step } from '../model/scenario.js';
import { InputError } from '../load/errors.js';
import { diagnose } from '../patterns/index.js';
import { ruleById } from '../rules/index.js';
import type { Detections } from './detections.js';
import { Interpreter, type PreparedStep } from './interpreter.js';
export type { PreparedStep } from './interpreter.js';
import { Lockdep } from './lockdep.js';
import type { Task } from './task.js';

export interface ReplayStats {
  readonly classes: number;
  readonly edges: number;
  readonly chains: number;
  readonly events: number;
}

/** The dependency graph a replay built, for export and comparison (`fencedep graph`, `diff`). */
export interface GraphExport {
  /** Every class that took part in a dependency, by index. */
  readonly classes: readonly { readonly name: string; readonly lockdep: string; readonly type: string }[];
  /** Dependencies from → to (class indexes), with their kinds and where each was first recorded. */
  readonly dependencies: readonly {
    readonly from: number;
    readonly to: number;
    /** lockdep's dependency kinds: any of `SR`, `ER`, `SN`, `EN`. */
    readonly kinds: readonly string[];
    readonly path: string;
    readonly location: SourceLoc | null;
    readonly step: string | null;
  }[];
}

export interface ReplayOutput {
  /** In the order found; one per rule and lock set. `expected` is false here. */
  readonly findings: readonly Finding[];
  readonly graph: GraphExport;
  /** Input errors only found while replaying (e.g. a hardirq block while hard irqs are disabled). */
  readonly errors: readonly InputError[];
  readonly stats: ReplayStats;
}

export interface ReplayerSetup {
  readonly options: ScenarioOptions;
  readonly locks: ReadonlyMap<string, LockDecl>;
  readonly fences: ReadonlyMap<string, FenceDecl>;
  readonly functions: ReadonlyMap<string, readonly Step[]>;
  readonly hooks: ReadonlyMap<string, readonly string[]>;
}

/** Knobs of the replay itself, not of the scenario. */
export interface ReplayTuning {
  /** lockdep's chain-key memo (default on); off only to show it changes no result. */
  readonly chainCache?: boolean;
  /** The sizes of lockdep's tables (default LOCKDEP_LIMITS); smaller only in tests. */
  readonly limits?: LockdepLimits;
}

export class Replayer {
  private readonly locks: Map<string, LockDecl>;
  private readonly fences: Map<string, FenceDecl>;
  private readonly declIndex = new Map<string, number>();
  private readonly functions: Map<string, readonly Step[]>;
  private readonly hooks: Map<string, string[]>;
  private readonly lockdep: Lockdep;
  private readonly interpreter: Interpreter;
  /** Open tasks of a stream, by path name. */
  private readonly tasks = new Map<string, Task>();
  private readonly findings: Finding[] = [];
  private readonly seen = new Set<string>();
  private readonly errors: InputError[] = [];
  private readonly warn: ReadonlySet<string>;
  private readonly kernel: KernelProfile;
  private events = 0;

  constructor(setup: ReplayerSetup, tuning: ReplayTuning = {}) {
    this.locks = new Map(setup.locks);
    this.fences = new Map(setup.fences);
    this.functions = new Map(setup.functions);
    this.hooks = new Map([...setup.hooks].map(([h, fns]) => [h, [...fns]]));
    this.warn = new Set(setup.options.warn);
    this.kernel = setup.options.kernel;
    for (const name of this.locks.keys()) this.declIndex.set(name, this.declIndex.size);
    const limits = tuning.limits ?? LOCKDEP_LIMITS;
    this.lockdep = new Lockdep(
      setup.options.kernel,
      { report: (rule, d) => this.report(rule, d) },
      (name) => this.declIndex.get(name) ?? -1,
      tuning.chainCache ?? true,
      limits,
      (table, at) => this.errors.push(new InputError(tableFull(table, limits), at?.loc ?? null)),
    );
    this.interpreter = new Interpreter(
      this.lockdep,
      { locks: this.locks, fences: this.fences, functions: this.functions, hooks: this.hooks, options: setup.options },
      (e) => this.errors.push(e),
      { report: (rule, d) => this.report(rule, d) },
    );
  }

  declareLock(decl: LockDecl): void {
    const prev = this.locks.get(decl.name);
    if (prev !== undefined && prev !== decl) this.interpreter.lockGeneration++;
    this.locks.set(decl.name, decl);
    if (!this.declIndex.has(decl.name)) this.declIndex.set(decl.name, this.declIndex.size);
  }

  declareFence(decl: FenceDecl): void {
    this.fences.set(decl.name, decl);
  }

  declareFunction(name: string, steps: readonly Step[]): void {
    this.functions.set(name, steps);
  }

  registerHook(hook: string, fn: string): void {
    const fns = this.hooks.get(hook);
    if (fns) fns.push(fn);
    else this.hooks.set(hook, [fn]);
  }

  /** Run one step on the task named `path` (created on first use, in process context), at `loc`. */
  step(path: string, step: Step, loc: SourceLoc = step.loc): void {
    this.events++;
    this.interpreter.runStep(this.task(path), step, loc);
  }

  /** The open task of a stream named `path` (created on first use, in process context). */
  task(path: string): Task {
    let task = this.tasks.get(path);
    if (!task) {
      task = this.interpreter.newTask(path);
      this.tasks.set(path, task);
    }
    return task;
  }

  /** A step a stream repeats, to run with `stepPrepared` (its lock is looked up once). */
  prepare(step: Step): PreparedStep {
    return { step, decl: null, cls: null, gen: -1 };
  }

  /** `step` on a task from `task()`, of a prepared step, at `file`:`line` (column 1). */
  stepPrepared(task: Task, prep: PreparedStep, file: string, line: number): void {
    this.events++;
    this.interpreter.runPrepared(task, prep, file, line);
  }

  runPath(path: PathDecl): void {
    this.events += path.steps.length;
    this.interpreter.runPath(path);
  }

  /** End of the input: every task still open ends (lock-held-at-exit checks). */
  finish(): ReplayOutput {
    for (const task of this.tasks.values()) this.lockdep.pathEnd(task);
    this.tasks.clear();
    return {
      findings: this.findings,
      graph: this.lockdep.exportGraph(),
      errors: this.errors,
      stats: {
        classes: this.lockdep.classes.all.length,
        edges: this.lockdep.graph.edges,
        chains: this.lockdep.chainCount,
        events: this.events,
      },
    };
  }

  private report<K extends keyof Detections>(id: K, detection: Detections[K]): void {
    const rule = ruleById(id);
    if (!rule) throw new Error(`no rule registered for detection "${id}"`);
    if (rule.meta.optIn && !this.warn.has(id)) return;
    const draft = rule.build(detection);
    // Once per rule and lock set.
    const key = `${id}\u0000${[...draft.locks].sort().join('\u0000')}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const { heading, ...rest } = draft;
    const finding: Finding = {
      rule: id,
      severity: rule.meta.defaultSeverity,
      heading: heading ?? rule.meta.heading,
      kernel: this.kernel,
      expected: false,
      ...rest,
    };
    // The design mistake behind it, when it is a known one.
    const diagnosis = diagnose(finding);
    this.findings.push(diagnosis ? { ...finding, pattern: diagnosis.pattern, remedy: diagnosis.remedy } : finding);
  }
}

export function replayScenario(scenario: Scenario, tuning: ReplayTuning = {}): ReplayOutput {
  const replayer = new Replayer(scenario, tuning);
  for (const path of scenario.paths) replayer.runPath(path);
  return replayer.finish();
}
