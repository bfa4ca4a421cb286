/**
 * What the kernel-model parts of the replay (src/replay/kernel/) need from the interpreter:
 * the lockdep model, the program, the activation stack and a few primitives.
 */
import type { Frame } from '../model/location.js';
import type { FenceDecl, LockDecl, ScenarioOptions, Step } from '../model/scenario.js';
import type { InputError } from '../load/errors.js';
import type { ReadKind } from './graph.js';
import type { DetectionSink } from './detections.js';
import type { Lockdep } from './lockdep.js';
import type { Task } from './task.js';

export interface Program {
  readonly locks: ReadonlyMap<string, LockDecl>;
  readonly fences: ReadonlyMap<string, FenceDecl>;
  readonly options: ScenarioOptions;
  readonly functions: ReadonlyMap<string, readonly Step[]>;
  readonly hooks: ReadonlyMap<string, readonly string[]>;
}

/** A running step list: a path, a function body, a hook callback or a block. */
export interface Activation {
  readonly steps: readonly Step[];
  index: number;
  /** The frame of the step that opened it (trace parent of its steps). */
  readonly parent: Frame | null;
  /** Runs when the activation ends or is unwound by `return` (releases a `with` lock, ...). */
  readonly exit: (() => void) | null;
  /** A function boundary: `return` unwinds up to and including it. */
  readonly boundary: boolean;
  /** mmu_notifier_range_blockable() as seen inside. */
  readonly blockable: boolean;
  /** An iteration of a loop (docs/scenario-format.md §11.2): the token shared by that loop's iterations, for `break`. */
  readonly loop?: object;
}

export interface Machine {
  readonly lockdep: Lockdep;
  readonly program: Program;
  /** Findings beyond lockdep (the ww design rules). */
  readonly sink: DetectionSink;
  inputError(error: InputError): void;
  /** Run `body` next (a block), then `exit`. */
  open(stack: Activation[], body: readonly Step[], parent: Frame, blockable: boolean, exit: (() => void) | null): void;
  /** Run functions next, in order, each a function boundary traced through `via`. */
  callFunctions(stack: Activation[], fns: readonly string[], frame: Frame, blockable: boolean, via: string, hook: string | null): void;
  /** A pseudo-lock every scenario has (`fs_reclaim`, `dma_fence_map`, ...). */
  builtin(name: string): LockDecl;
  /** A pseudo-lock the kernel code makes, created on first use (`reservation_ww_class_acquire`, ...). */
  pseudoLock(name: string): LockDecl;
  /** Acquire `decl` (no sleep check), release it, or both at once (`might_lock`-style). */
  take(task: Task, decl: LockDecl, read?: ReadKind, trylock?: boolean, instance?: string | null, nest?: { cls: string; instance: string | null } | null): void;
  drop(task: Task, decl: LockDecl, what: string, instance?: string | null): void;
  touch(task: Task, decl: LockDecl, what: string, read?: ReadKind): void;
  restoreHardirqs(task: Task): void;
  enterHardirq(task: Task, threaded: boolean): void;
  exitIrq(task: Task, context: 'hardirq' | 'softirq'): void;
}
