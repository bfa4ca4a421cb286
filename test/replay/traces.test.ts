/** Traces: a path's context is their first step, where the kernel's show the irq entry frames. */
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/load/index.js';
import { analyzeScenario } from '../../src/analyze/index.js';
import { scratch } from '../fuzz/harness.js';

const fx = scratch('traces');
afterAll(() => fx.cleanup());

describe('traces of paths in an interrupt or with irqs off', () => {
  it('start at the path with `context: hardirq` / `irqs: disabled`', async () => {
    const file = fx.write('ctx.yaml', [
      'locks: {A: spinlock, B: spinlock}',
      'paths:',
      '  - name: in irq',
      '    context: softirq',
      '    irqs: disabled',
      '    steps: [{spin_lock: A}, {spin_lock: B}, {spin_unlock: B}, {spin_unlock: A}]',
      '  - name: process',
      '    steps: [{spin_lock_irqsave: B}, {spin_lock: A}, {spin_unlock: A}, {spin_unlock_irqrestore: B}]',
      '',
    ].join('\n'));
    const out = analyzeScenario(await loadScenario(file));
    const cycle = out.findings.find((f) => f.rule === 'circular-dependency')!;
    const fromIrq = cycle.chain.find((e) => e.path === 'in irq')!;
    expect(fromIrq.stack.map((s) => [s.line, s.column, s.step])).toEqual([[3, 5, 'context: softirq, irqs: disabled'], [6, 30, 'spin_lock: B']]);
    const fromProcess = cycle.chain.find((e) => e.path === 'process')!;
    expect(fromProcess.stack.map((s) => s.step)).toEqual(['spin_lock: A']);
  });
});
