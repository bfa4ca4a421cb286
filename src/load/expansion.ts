/**
 * How many steps a replay runs once calls, hooks and fence callbacks are expanded.
 *
 * No function may reach itself, but a function may call another twice, which calls another
 * twice...: thirty such functions are a billion steps from a file of a hundred lines (a
 * "billion laughs" of calls). The loader refuses a scenario whose expansion passes
 * `MAX_EXPANDED_STEPS` instead of replaying it for minutes. The count is an upper bound of
 * what the replay runs: both branches of an `if`, every back-off path, every function a
 * hook or a fence may run.
 */
import type { FenceDecl, Step } from '../model/scenario.js';
import { forEachStep } from '../model/scenario.js';

/** Steps one scenario file (or one event of a stream) may run, calls and hooks expanded. */
export const MAX_EXPANDED_STEPS = 10_000_000;

/** What a stream's events may add to the stream's own length by expanding calls and hooks. */
export const MAX_STREAM_EXPANSION = 100_000_000;

/** Where the functions a step may run are looked up. */
export interface ExpansionEnv {
  readonly functions: ReadonlyMap<string, readonly Step[]>;
  readonly hooks: ReadonlyMap<string, readonly string[]>;
  readonly fences: ReadonlyMap<string, FenceDecl>;
}

/** The hooks one step invokes, explicitly (`invoke`) or as the kernel does (notifiers, runtime PM, fence signalling). */
export function stepHooks(step: Step): readonly string[] {
  switch (step.op) {
    case 'invoke':
      return [step.hook];
    case 'fence_signal':
      return ['dma_fence.callback'];
    case 'mmu_notifier':
      return step.phase === 'start'
        ? ['mmu_notifier.invalidate_range_start', 'mmu_interval_notifier.invalidate']
        : ['mmu_notifier.invalidate_range_end'];
    case 'pm_runtime':
      return [step.action === 'get' ? 'pm_runtime.resume' : 'pm_runtime.suspend'];
    default:
      return [];
  }
}

const hookFunctions = (step: Step, env: ExpansionEnv): string[] => stepHooks(step).flatMap((h) => env.hooks.get(h) ?? []);

/** The functions one step runs besides its own body (in the order the replay may run them). */
export function stepCallees(step: Step, env: ExpansionEnv): readonly string[] {
  switch (step.op) {
    case 'call':
      return [step.fn];
    case 'invoke':
    case 'mmu_notifier':
    case 'pm_runtime':
      return hookFunctions(step, env);
    case 'fence_wait':
    case 'fence_enable': {
      const f = env.fences.get(step.fence);
      return f?.enableSignaling ? [f.enableSignaling] : [];
    }
    case 'fence_signal': {
      const f = env.fences.get(step.fence);
      return [...(f?.callbacks ?? []), ...hookFunctions(step, env)];
    }
    case 'fence_put': {
      const f = env.fences.get(step.fence);
      return f?.release ? [f.release] : [];
    }
    default:
      return [];
  }
}

/** Saturate here: the exact size of a bomb does not matter. */
const CAP = 1e15;

/**
 * Expanded sizes, memoised per function. A function reached again while it is being sized
 * (a cycle through a fence callback, which the loader cannot rule out) counts as one step:
 * the replay stops such a cycle itself.
 */
export class Expansion {
  private readonly sizes = new Map<string, number>();

  constructor(private readonly env: ExpansionEnv) {}

  /** Steps run by this list (each step, its nested blocks and everything it calls). */
  ofSteps(steps: readonly Step[]): number {
    let n = 0;
    forEachStep(steps, (s) => {
      n += 1;
      for (const fn of stepCallees(s, this.env)) n += this.ofFunction(fn);
    });
    return Math.min(n, CAP);
  }

  /** Steps run by one call of `fn` (iterative: a chain of 100,000 calls costs no stack). */
  ofFunction(fn: string): number {
    const known = this.sizes.get(fn);
    if (known !== undefined) return known;
    // Size the callees first, depth first with an explicit stack, then `fn` from them.
    const onStack = new Set<string>();
    const stack: { fn: string; callees: string[]; i: number }[] = [];
    const enter = (name: string) => {
      const body = this.env.functions.get(name);
      if (!body) {
        this.sizes.set(name, 0);
        return;
      }
      const callees: string[] = [];
      forEachStep(body, (s) => {
        for (const c of stepCallees(s, this.env)) callees.push(c);
      });
      onStack.add(name);
      stack.push({ fn: name, callees, i: 0 });
    };
    enter(fn);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.callees.length) {
        const next = top.callees[top.i++]!;
        if (!this.sizes.has(next) && !onStack.has(next)) enter(next);
        continue;
      }
      stack.pop();
      onStack.delete(top.fn);
      let n = 0;
      forEachStep(this.env.functions.get(top.fn)!, (s) => {
        n += 1;
        for (const c of stepCallees(s, this.env)) n += this.sizes.get(c) ?? 1;
      });
      this.sizes.set(top.fn, Math.min(n, CAP));
    }
    return this.sizes.get(fn) ?? 0;
  }

  /** Forget every size (a stream declared a function, hook or fence). */
  clear(): void {
    this.sizes.clear();
  }
}

/** The step of `steps` (at any depth) whose calls expand the most, with that size. */
export function heaviestStep(steps: readonly Step[], expansion: Expansion, env: ExpansionEnv): { step: Step; size: number } | null {
  let best: { step: Step; size: number } | null = null;
  forEachStep(steps, (s) => {
    let n = 0;
    for (const fn of stepCallees(s, env)) n += expansion.ofFunction(fn);
    if (n > 0 && (!best || n > best.size)) best = { step: s, size: n };
  });
  return best;
}

/** `1,234,567` */
export function formatCount(n: number): string {
  return n >= CAP ? 'more than 10^15' : Math.round(n).toLocaleString('en-US');
}
