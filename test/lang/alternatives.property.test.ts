/**
 * Properties of alternatives (docs/scenario-format.md §11.3): a path with `if`s stands for the
 * straight-line paths it expands to, an `if` whose branches are the same changes nothing, and
 * merging executions that meet in the same state loses no finding.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadScenario } from '../../src/load/index.js';
import { analyzeScenario } from '../../src/analyze/index.js';
import type { ReplayTuning } from '../../src/replay/index.js';
import { params, scratch, timeout } from '../fuzz/harness.js';

const fx = scratch('alternatives');
afterAll(() => fx.cleanup());

const LOCKS = { A: 'mutex', B: 'mutex', C: 'mutex', S: 'spinlock', T: 'spinlock' } as const;
type Lock = keyof typeof LOCKS;

/** A written step: a plain step, or an `if` with its two branches. */
type W = Record<string, unknown> | string;
type Alt = { if: string; then: W[]; else: W[] };

const lockArb = fc.constantFrom<Lock>('A', 'B', 'C', 'S', 'T');
const plainArb: fc.Arbitrary<W> = fc.oneof(
  lockArb.map((l) => ({ [LOCKS[l] === 'mutex' ? 'mutex_lock' : 'spin_lock']: l })),
  lockArb.map((l) => ({ [LOCKS[l] === 'mutex' ? 'mutex_unlock' : 'spin_unlock']: l })),
  fc.constantFrom<W>('might_sleep', 'local_irq_disable', 'local_irq_enable', 'local_bh_disable', 'local_bh_enable'),
  fc.constant<W>({ kmalloc: 'GFP_KERNEL' }),
);
const stepsArb: fc.Arbitrary<W[]> = fc.letrec<{ steps: W[]; step: W }>((tie) => ({
  // Nesting stays shallow: an if's branches are short lists of their own.
  step: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'if' },
    { weight: 4, arbitrary: plainArb },
    { weight: 1, arbitrary: fc.record({ if: fc.constantFrom('err', 'bo->pinned'), then: tie('steps'), else: tie('steps') }) as fc.Arbitrary<W> },
  ),
  steps: fc.array(tie('step'), { maxLength: 4 }),
})).steps;
const pathsArb = fc.array(stepsArb, { minLength: 1, maxLength: 3 });

/** How many straight-line paths a written path stands for. */
function count(steps: readonly W[]): number {
  let n = 1;
  for (const s of steps) if (typeof s === 'object' && 'if' in s) n *= count((s as unknown as Alt).then) + count((s as unknown as Alt).else);
  return n;
}

/** Every straight-line path a written path stands for, in replay order (`then` first). */
function expand(steps: readonly W[]): W[][] {
  let out: W[][] = [[]];
  for (const s of steps) {
    if (typeof s === 'object' && 'if' in s) {
      const a = s as unknown as Alt;
      const alts = [...expand(a.then), ...expand(a.else)];
      out = out.flatMap((prefix) => alts.map((alt) => [...prefix, ...alt]));
    } else out = out.map((prefix) => [...prefix, s]);
  }
  return out;
}

function scenario(paths: readonly W[][]): string {
  return stringify({ locks: LOCKS, paths: paths.map((steps, i) => ({ name: `p${i}`, steps })) }, { aliasDuplicateObjects: false });
}

async function findings(text: string, tuning: ReplayTuning = {}): Promise<string[]> {
  const out = analyzeScenario(await loadScenario(fx.write('alt.yaml', text)), tuning);
  expect(out.errors.map((e) => e.message)).toEqual([]);
  return out.findings.map((f) => `${f.rule}:${[...f.locks].sort().join(',')}`);
}

describe('alternatives (docs/scenario-format.md §11.3)', () => {
  it('a path with ifs gives the findings of the straight-line paths it expands to, in replay order', { timeout: timeout(40, 400) }, async () => {
    await fc.assert(
      fc.asyncProperty(pathsArb, async (paths) => {
        fc.pre(paths.reduce((n, p) => n + count(p), 0) <= 64);
        const expanded = paths.flatMap((p) => expand(p));
        const withIfs = await findings(scenario(paths));
        const straight = await findings(scenario(expanded));
        expect(new Set(withIfs)).toEqual(new Set(straight));
      }),
      params(40),
    );
  });

  it('an if with two identical branches changes nothing', { timeout: timeout(40, 300) }, async () => {
    await fc.assert(
      fc.asyncProperty(stepsArb, stepsArb, stepsArb, async (before, body, after) => {
        const plain = await findings(scenario([[...before, ...body, ...after]]));
        const doubled = await findings(scenario([[...before, { if: 'ret == -EAGAIN', then: body, else: body }, ...after]]));
        expect(doubled).toEqual(plain);
      }),
      params(40),
    );
  });

  it('merging executions that meet in the same state loses no finding', { timeout: timeout(40, 300) }, async () => {
    await fc.assert(
      fc.asyncProperty(pathsArb, async (paths) => {
        fc.pre(paths.reduce((n, p) => n + count(p), 0) <= 64);
        const text = scenario(paths);
        expect(await findings(text)).toEqual(await findings(text, { mergeStates: false }));
      }),
      params(40),
    );
  });
});
