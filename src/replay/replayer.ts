/**
 * The replayer: a scenario's program (locks, fences, functions, hooks) and the lockdep state
 * its paths replay to, fed path by path (a scenario) or event by event (a JSONL stream).
 */
import { LOCKDEP_LIMITS, tableFull, type LockdepLimits } from '../model/limits.js';
import type { SourceLoc } from '../model/location.js';
import type { FenceDecl, LockDecl, Notice, PathDecl, ScenarioOptions, Step } from '../model/scenario.js';
import { InputError } from '../load/errors.js';
import type { DetectionSink } from './detections.js';
import { Interpreter, type PreparedStep } from './interpreter.js';
import { Lockdep } from './lockdep.js';
import type { ReplayOutput } from './output.js';
import type { ProgramReads } from './program-reads.js';
import type { Task } from './task.js';

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
  /**
   * Executions of a path that meet in the same state continue as one (default on, docs/scenario-format.md §11.3);
   * off only to show it loses no finding.
   */
  readonly mergeStates?: boolean;
  /**
   * A file starts from the state its included paths replayed to in an earlier file of the
   * process, where that state is the same (default on, model-prefix.ts); off only to show it
   * changes no result.
   */
  readonly reuseIncludedState?: boolean;
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
  private readonly errors: InputError[] = [];
  private events = 0;

  /** `sink` receives every detection as it is found; `reads`, when given, records what the replay reads of `setup`. */
  constructor(setup: ReplayerSetup, private readonly sink: DetectionSink, tuning: ReplayTuning = {}, reads: ProgramReads | null = null) {
    this.locks = new Map(setup.locks);
    this.fences = new Map(setup.fences);
    this.functions = new Map(setup.functions);
    this.hooks = new Map([...setup.hooks].map(([h, fns]) => [h, [...fns]]));
    for (const name of this.locks.keys()) this.declIndex.set(name, this.declIndex.size);
    const limits = tuning.limits ?? LOCKDEP_LIMITS;
    this.lockdep = new Lockdep(
      setup.options.kernel,
      sink,
      reads ? (name) => reads.ordered(name, this.declOrder(name)) : (name) => this.declOrder(name),
      tuning.chainCache ?? true,
      limits,
      (table, at) => this.errors.push(new InputError(tableFull(table, limits), at?.loc ?? null)),
    );
    const program = { locks: this.locks, fences: this.fences, functions: this.functions, hooks: this.hooks, options: setup.options };
    this.interpreter = new Interpreter(
      this.lockdep,
      reads ? reads.watch(program) : program,
      (e) => this.errors.push(e),
      sink,
      tuning.mergeStates ?? true,
    );
  }

  private declOrder(name: string): number {
    return this.declIndex.get(name) ?? -1;
  }

  /** How many of the first `upTo` reads `reads` recorded this replayer's program answers the same, from the first. */
  readsAlike(reads: ProgramReads, upTo: number): number {
    return reads.sameIn(this.interpreter.program, (name) => this.declOrder(name), upTo);
  }

  /**
   * Continue from the state `from` replayed to (this replayer has replayed nothing), as if its
   * paths had been replayed here: the caller makes sure they would have read the same
   * (`readsAlike`) and that `from` detected nothing.
   */
  adopt(from: Replayer): void {
    if (this.events) throw new Error('Replayer.adopt: this replayer has replayed already');
    this.interpreter.adopt(from.interpreter);
    this.events = from.events;
  }

  /** Input errors met so far. */
  get errorCount(): number {
    return this.errors.length;
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

  /** A warning the loader noticed in the scenario's text (revision 1.1). */
  notice(n: Notice): void {
    if (n.kind === 'unused-function') this.sink.report('unused-function', { name: n.name, location: n.loc });
    else this.sink.report('misspelled-condition', { condition: n.condition, keyword: n.keyword, location: n.loc, ...(n.at ? { at: n.at } : {}) });
  }

  /** End of the input: every task still open ends (lock-held-at-exit checks). */
  finish(): ReplayOutput {
    // A stream's task starts in process context with irqs and bottom halves enabled.
    for (const task of this.tasks.values()) this.interpreter.endTask(task, { irqs: true, bh: 0 });
    this.tasks.clear();
    return {
      graph: this.lockdep.exportGraph(),
      errors: this.errors,
      stats: {
        classes: this.lockdep.classes.all.length,
        edges: this.lockdep.graph.edges,
        chains: this.lockdep.chainCount,
        events: this.events,
        externs: [...this.interpreter.externs].sort(),
        externCalls: this.interpreter.externCalls,
      },
    };
  }
}

