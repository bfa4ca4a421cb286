/**
 * Exploring a path's alternatives (docs/scenario-format.md §11.3).
 *
 * A path with `if`s and loops stands for every execution they allow. The interpreter runs
 * one execution at a time, depth first in replay order (`then` before `else`, fewer loop
 * iterations before more); at each alternative it goes on with the first and defers the
 * others, each as a copy of the task's state and of the activation stack. Where executions
 * meet again — at an alternative step, or at the step after a branch or an iteration ends —
 * an execution that arrives in a replay state already seen at that point stops: the one
 * seen first (earlier in replay order) has replayed, or will replay, everything that
 * follows, and like lockdep every execution records into the one dependency graph. So `if`s
 * in sequence that end in the same state cost linear time, and a finding's trace is that of
 * the first execution that met it.
 */
import type { Frame, SourceLoc } from '../model/location.js';
import { forEachStep, type Step } from '../model/scenario.js';
import { InputError } from '../load/errors.js';
import type { Activation } from './machine.js';
import type { Task, TaskSnapshot } from './task.js';

/** Distinct replay states one point of a path may be reached in before the path is refused. */
export const MAX_STATES_PER_STEP = 4096;

/** A step with alternatives. */
export type AlternativeStep = Step & { readonly op: 'if_cond' | 'if_trylock' | 'loop' };

/** An alternative still to replay: the state before the step, and which alternative to take. */
export interface Deferred {
  readonly snap: TaskSnapshot;
  readonly stack: readonly Activation[];
  readonly step: AlternativeStep;
  readonly frame: Frame;
  readonly alt: number;
}

const listIds = new WeakMap<readonly Step[], number>();
let nextListId = 1;

function listId(steps: readonly Step[]): number {
  let id = listIds.get(steps);
  if (id === undefined) listIds.set(steps, (id = nextListId++));
  return id;
}

/** Where an execution is: every open activation's step list and position. */
function pointKey(stack: readonly Activation[]): string {
  let k = '';
  for (const a of stack) {
    // The kernel model's bookkeeping activations (a lock held around callbacks) have no steps
    // of their own: the step that opened them names them.
    const where = a.steps.length ? `${listId(a.steps)}` : `${a.parent?.loc.file}:${a.parent?.loc.line}:${a.parent?.loc.column}:${a.parent?.label}`;
    k += `${where}.${a.index}${a.blockable ? '' : 'n'}${a.boundary ? 'b' : ''}${a.loop ? 'l' : ''};`;
  }
  return k;
}

/** A copy of an activation stack (activations carry the mutable position). */
export function copyStack(stack: readonly Activation[]): Activation[] {
  return stack.map((a) => ({ ...a }));
}

/** How many `for: V` loops each variable has in these step lists. */
export function loopVariableCounts(lists: Iterable<readonly Step[]>): Map<string, number> {
  const count = new Map<string, number>();
  for (const steps of lists)
    forEachStep(steps, (s) => {
      if (s.op === 'loop' && s.variable !== null) count.set(s.variable, (count.get(s.variable) ?? 0) + 1);
    });
  return count;
}

/**
 * The loop variables whose chosen count can still matter in a path: those of more than one
 * `for` loop among the path's steps and the functions (a later loop over V takes V's count).
 */
export function sharedLoopVariables(functions: ReadonlyMap<string, number>, path: readonly Step[]): Set<string> {
  const count = new Map(functions);
  for (const [v, n] of loopVariableCounts([path])) count.set(v, (count.get(v) ?? 0) + n);
  return new Set([...count].filter(([, n]) => n > 1).map(([v]) => v));
}

export class Explorer {
  /** Set when a branch or iteration ends: the next step is a meeting point. */
  joinPending = false;
  /** The current execution stops here (it met an earlier one, or the limit was passed). */
  abandoned = false;
  private stopped = false;
  private readonly seen = new Set<string>();
  private readonly perPoint = new Map<string, number>();
  private readonly pending: Deferred[] = [];

  private loopVarsMemo: ReadonlySet<string> | null = null;

  /** `loopVars`: computed at the first meeting point, so a path without alternatives pays nothing. */
  constructor(
    private readonly loopVars: () => ReadonlySet<string>,
    private readonly onLimit: (error: InputError) => void,
    private readonly merge = true,
  ) {}

  /**
   * An execution reaches a meeting point (an alternative step, or the step after a branch or
   * iteration ends): true to go on, false when an execution already
   * reached it in the same state (or the path has too many states here; then it stops).
   */
  arrive(task: Task, stack: readonly Activation[], at: SourceLoc | null, where: 'alternative' | 'join'): boolean {
    // At an alternative step the position has already moved past it: the same numbers as
    // after the step, which is a different point.
    const point = `${where === 'alternative' ? 'a' : 'j'}${pointKey(stack)}`;
    const key = `${point}\u0001${task.stateKey((this.loopVarsMemo ??= this.loopVars()))}`;
    if (this.seen.has(key)) {
      if (this.merge) {
        this.abandoned = true;
        return false;
      }
    } else this.seen.add(key);
    const n = (this.perPoint.get(point) ?? 0) + 1;
    this.perPoint.set(point, n);
    if (n <= MAX_STATES_PER_STEP) return true;
    this.onLimit(
      new InputError(
        `too many alternatives: path ${JSON.stringify(task.name)} reaches this step in more than ${MAX_STATES_PER_STEP.toLocaleString('en-US')} distinct replay states ` +
          '(the limit of distinct states at one step); make branches end in the same state (release what they take), or split the path',
        at,
      ),
    );
    this.stopped = true;
    this.pending.length = 0;
    this.abandoned = true;
    return false;
  }

  defer(d: Deferred): void {
    if (!this.stopped) this.pending.push(d);
  }

  /** The next alternative to replay, in replay order. */
  next(): Deferred | undefined {
    return this.pending.pop();
  }
}
