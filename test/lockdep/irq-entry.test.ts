/**
 * Interrupt entry as the kernel writes it. lockdep's `__irq_enter()` and
 * `lockdep_softirq_enter()` only count the irq context up; what a lock records is the irq
 * state at its acquisition (mark_usage(): IN-HARDIRQ/IN-SOFTIRQ from the context, HARDIRQ-ON /
 * SOFTIRQ-ON from whether hard irqs / softirqs are enabled). So an interrupt block is replayed
 * wherever it is written, with irqs or bottom halves disabled around it or not.
 */
import { describe, expect, it } from 'vitest';
import { replayYaml, yaml } from '../rules/rule-tester.js';

async function findings(source: string): Promise<string[]> {
  const out = await replayYaml(source);
  expect(out.errors.map((e) => e.message)).toEqual([]);
  return out.findings.map((f) => `${f.rule} ${[...f.locks].sort().join(',')}`);
}

const onePath = (locks: string, steps: string) => yaml`
  locks: ${locks}
  paths:
    - name: p
      steps: ${steps}
`;

/** HARDIRQ_ENTER()/HARDIRQ_EXIT() and SOFTIRQ_ENTER()/SOFTIRQ_EXIT() of lib/locking-selftest.c. */
const hardirqEntered = (body: string) => `irq_disable, {hardirq: ${body}}, irq_enable`;
const softirqEntered = (body: string) => `bh_disable, irq_disable, {softirq: ${body}}, irq_enable, bh_enable`;

describe('interrupt entry as the kernel writes it', () => {
  it('irq_disable, a hardirq block, irq_enable: replayed, with the verdict of the block alone', async () => {
    const inIrq = '[{spin_lock: A}, {spin_unlock: A}]';
    const later = '{spin_lock: A}, {spin_unlock: A}';
    expect(await findings(onePath('{A: spinlock}', `[${hardirqEntered(inIrq)}, ${later}]`))).toEqual(['inconsistent-lock-state A']);
    expect(await findings(onePath('{A: spinlock}', `[{hardirq: ${inIrq}}, ${later}]`))).toEqual(['inconsistent-lock-state A']);
    expect(await findings(onePath('{A: spinlock}', `[${hardirqEntered(inIrq)}, {spin_lock_irq: A}, {spin_unlock_irq: A}]`))).toEqual([]);
  });

  it('bh_disable, irq_disable, a softirq block: replayed; its locks are softirq-safe', async () => {
    const inIrq = '[{spin_lock: A}, {spin_unlock: A}]';
    expect(await findings(onePath('{A: spinlock}', `[${softirqEntered(inIrq)}, {spin_lock: A}, {spin_unlock: A}]`))).toEqual(['inconsistent-lock-state A']);
    expect(await findings(onePath('{A: spinlock}', `[${softirqEntered(inIrq)}, {spin_lock_bh: A}, {spin_unlock_bh: A}]`))).toEqual([]);
  });

  it('a lock taken in a softirq entered with hard irqs off is not HARDIRQ-ON, unlike one taken in a softirq running with irqs on', async () => {
    // The selftest's SOFTIRQ_ENTER() disables hard irqs, so D records IN-SOFTIRQ only and may
    // then be taken in a hardirq. A real softirq runs with hard irqs on: D becomes HARDIRQ-ON
    // there, and taking it in a hardirq is the {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} deadlock.
    const d = '[{spin_lock: D}, {spin_unlock: D}]';
    expect(await findings(onePath('{D: spinlock}', `[${softirqEntered(d)}, ${hardirqEntered(d)}]`))).toEqual([]);
    expect(await findings(onePath('{D: spinlock}', `[{softirq: ${d}}, {hardirq: ${d}}]`))).toEqual(['inconsistent-lock-state D']);
  });

  it('irq_enable after the handler marks the locks the interrupted path still holds HARDIRQ-ON', async () => {
    // Taken with irqs off, so not HARDIRQ-ON until local_irq_enable() (mark_held_locks()).
    const steps = `[irq_disable, {spin_lock: B}, {hardirq: [{spin_lock: A}, {spin_unlock: A}]}, irq_enable, {spin_unlock: B}, {hardirq: [{spin_lock: B}, {spin_unlock: B}]}]`;
    expect(await findings(onePath('{A: spinlock, B: spinlock}', steps))).toEqual(['inconsistent-lock-state B']);
  });

  it('an interrupt where the path holds a lock it took with irqs off gets lockdep\'s verdict, not an input error', async () => {
    // It cannot happen on one CPU; lockdep, given these events, still validates the handler's
    // chain. Its check_deadlock() scans the held stack across irq contexts: A held below B by the
    // interrupted path and taken in the handler is recursive locking...
    const handler = '{hardirq: [{spin_lock: A}, {spin_unlock: A}]}';
    expect(await findings(onePath('{A: spinlock, B: spinlock}', `[{spin_lock_irq: B}, {spin_lock: A}, ${handler}, {spin_unlock: A}, {spin_unlock_irq: B}]`))).toEqual(['recursive-locking A']);
    // ...unless the handler's chain [A] is the cached chain of the path's own [A] (the chain key
    // restarts in a new irq context), so it is not validated again: silent, as in the kernel.
    expect(await findings(onePath('{A: spinlock}', `[{spin_lock_irq: A}, ${handler}, {spin_unlock_irq: A}]`))).toEqual([]);
  });

  it('nested interrupt blocks count the context up and down', async () => {
    const steps = `[{hardirq: [irq_disable, {hardirq: [{spin_lock: A}, {spin_unlock: A}]}]}, {spin_lock: A}, {spin_unlock: A}, {softirq: [bh_disable, {softirq: [{spin_lock: B}, {spin_unlock: B}]}, bh_enable]}, {spin_lock: B}, {spin_unlock: B}]`;
    expect(await findings(onePath('{A: spinlock, B: spinlock}', steps))).toEqual(['inconsistent-lock-state A', 'inconsistent-lock-state B']);
  });
});
