/**
 * What a check produces: findings per file, in the shape of the JSON report contract
 * (docs/cli.md), plus the lockdep-style layout blocks the text and
 * markdown reporters render. Reporters only format these; they never compute.
 */
import { formatLoc, type CodeLoc, type SourceLoc } from './location.js';
import type { KernelProfile, StepOp } from './scenario.js';
import type { StepCategory } from './vocabulary.js';

export type Severity = 'error' | 'warn';

/** One step of a trace, outermost first. */
export interface TraceStep {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The step's `at:` source location in the C code (revision 1.1), if it has one. */
  readonly at?: CodeLoc;
  /** The step's `model_rule:`: a documented rule a model enforces, not a kernel annotation. */
  readonly modelRule?: string;
  /** The step as written, shortened (for people: never parsed). */
  readonly step: string;
  /**
   * What the step is, from the vocabulary (absent for a frame of no step: a path's context, a
   * work item): the operation it replays as and its category. A callback's frame has those of
   * the step that runs it, and the hook it runs for. Reports do not print these; the
   * diagnosis patterns read them.
   */
  readonly op?: StepOp;
  readonly category?: StepCategory;
  readonly hook?: string;
}

/** One dependency of a cycle (or one step chain of another finding). */
export interface ChainEntry {
  readonly from: string;
  readonly to: string;
  readonly path: string;
  readonly location: SourceLoc;
  readonly stack: readonly TraceStep[];
}

/** A lock as lockdep's print_lock() shows it: `(class){usage}-{outer:inner}, at: …`. */
export interface LockLine {
  /** Scenario name, with `/N` for a subclass. */
  readonly name: string;
  /** lockdep class name, with `/N` for a subclass. */
  readonly lockdep: string;
  /** Instance name when the scenario named one (`bo_a` of `dma_resv[bo_a]`). */
  readonly instance: string | null;
  /** `{+.+.}`: HARDIRQ-write, HARDIRQ-read, SOFTIRQ-write, SOFTIRQ-read. */
  readonly usage: string;
  /** `{4:4}`: outer and inner wait type. */
  readonly wait: string;
  /** Where it was taken (the innermost step), if known. */
  readonly at: TraceStep | null;
}

/** The lockdep-style report body of a finding, rendered by the text and markdown reporters. */
export type ReportBlock =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'lock'; readonly lock: LockLine }
  | {
      readonly kind: 'chain';
      readonly entries: readonly {
        readonly index: number;
        readonly lock: LockLine;
        readonly path: string;
        readonly stack: readonly TraceStep[];
      }[];
    }
  | { readonly kind: 'scenario'; readonly title: string; readonly columns: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: 'held'; readonly owner: string; readonly locks: readonly LockLine[] }
  | { readonly kind: 'trace'; readonly title: string; readonly path: string; readonly stack: readonly TraceStep[] };

/** Why a context is atomic, as the scheduler's sleep check reports it. */
export type AtomicReason = 'irq_context' | 'in_atomic' | 'rcu' | 'irqs_disabled' | 'non_block';

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly expected: boolean;
  readonly path: string;
  /** Scenario names of the classes involved (cycle order for a cycle, starting with the lock being acquired). */
  readonly locks: readonly string[];
  /** The same classes by lockdep name. */
  readonly lockdep: readonly string[];
  /** The known design mistake behind the finding (`fencedep explain <pattern>`), and its remedy. */
  readonly pattern?: string;
  readonly remedy?: string;
  readonly location: SourceLoc;
  readonly chain: readonly ChainEntry[];
  /**
   * The findings one step triggered share this id (the fingerprint of the group's first
   * finding; src/analyze/groups.ts); absent on a finding no other shares its step with.
   */
  readonly group?: string;
  /**
   * The model rules (`model_rule:` steps) the finding's traces pass through, when lockdep
   * alone (the replay without them) would not make it: it comes from a documented rule rather
   * than a kernel annotation.
   */
  readonly modelRules?: readonly string[];
  /** The lockdep heading, e.g. `WARNING: possible circular locking dependency detected`. */
  readonly heading: string;
  /** The kernel profile replayed (printed under the heading, where the kernel prints its release). */
  readonly kernel?: KernelProfile;
  /** The release `options.kernel` named (`"7.0"`), when one did: the models followed it. */
  readonly release?: string;
  readonly report: readonly ReportBlock[];
  /** sleep-in-atomic: why the context was atomic (for the diagnosis patterns; not in the JSON report). */
  readonly atomic?: readonly AtomicReason[];
}

export interface InputErrorInfo {
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** An expectation of the file's `expect` that no finding met. */
export interface UnmetExpectation {
  readonly rule: string;
  readonly involves: readonly string[];
  readonly path: string | null;
  readonly location: SourceLoc;
  /** The finding of its rule that came closest to meeting it, when the file has one. */
  readonly closest?: ClosestFinding;
}

/** A finding an unmet expectation came closest to, and what of the expectation it lacks. */
export interface ClosestFinding {
  readonly location: SourceLoc;
  /** The finding's locks, as the report names them. */
  readonly locks: readonly string[];
  readonly path: string;
  /** The expectation's `involves` names none of the finding's locks answers to. */
  readonly missing: readonly string[];
  /** Whether the expectation names another path. */
  readonly otherPath: boolean;
}

/**
 * `; closest: circular-dependency at f.yaml:9:7 involving gpu->pm_lock, dma_resv (no mmap_lock)`:
 * what an unmet expectation's report line adds, '' when no finding of its rule was reported.
 */
export function closestText(u: UnmetExpectation): string {
  const c = u.closest;
  if (!c) return '';
  const involving = c.locks.length > 0 ? ` involving ${c.locks.join(', ')}` : '';
  const lacks = [...(c.missing.length > 0 ? [`no ${c.missing.join(', ')}`] : []), ...(c.otherPath ? [`on path "${c.path}"`] : [])];
  return `; closest: ${u.rule} at ${formatLoc(c.location)}${involving}${lacks.length > 0 ? ` (${lacks.join('; ')})` : ''}`;
}

/** `library` (revision 1.1): a `library: true` file found in a directory, only included by others, not checked alone. */
export type FileStatus = 'pass' | 'fail' | 'error' | 'library';

export interface FileResult {
  readonly file: string;
  readonly scenario: string;
  readonly status: FileStatus;
  readonly findings: readonly Finding[];
  readonly unmet: readonly UnmetExpectation[];
  readonly errors: readonly InputErrorInfo[];
  /** `--stats`: the size of the replay (absent for a file that could not be loaded). */
  readonly stats?: CheckStats;
}

/** `--stats`: what a replay built and how long the file took (`timeMs` is the one non-deterministic figure). */
export interface CheckStats {
  readonly classes: number;
  /** Dependencies (edges of the lock graph). */
  readonly dependencies: number;
  /** Distinct lock chains (lockdep's chain-key cache). */
  readonly chains: number;
  /** Strongly connected components of the lock graph with more than one class. */
  readonly sccs: number;
  readonly events: number;
  readonly timeMs: number;
  /** Revision 1.1: names of the opaque (`extern`) calls met, sorted (absent: none). */
  readonly extern?: readonly string[];
}

export interface RunSummary {
  readonly files: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly findings: number;
  /** Library files skipped by a directory check (revision 1.1; absent: none). */
  readonly libraries?: number;
  /** `--stats`: the files' figures added up. */
  readonly stats?: CheckStats;
}

/** A baseline entry: a known finding, by file (relative to the baseline) and fingerprint. */
export interface BaselineEntry {
  readonly file: string;
  readonly rule: string;
  readonly fingerprint: string;
  readonly locks: readonly string[];
  readonly message: string;
}

/** `--baseline`: how many known findings were left out of the results, and the stale entries. */
export interface BaselineOutcome {
  /** The baseline file as given. */
  readonly file: string;
  readonly ignored: number;
  /** Entries no finding matched any more. */
  readonly stale: readonly BaselineEntry[];
}

export interface RunResult {
  readonly results: readonly FileResult[];
  readonly summary: RunSummary;
  readonly baseline?: BaselineOutcome;
}
