/**
 * Counterexamples the fuzz suite found, kept as tests (shrunk by hand), and the cases where
 * a property is false by design, pinned so that a change of behaviour is noticed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/load/index.js';
import { analyzeScenario } from '../../src/analyze/index.js';
import { checkJson, cli, ruleAndLocks, scratch } from './harness.js';

const fx = scratch('regress');
afterAll(() => fx.cleanup());

async function findings(name: string, text: string): Promise<string[]> {
  const { report } = await checkJson([fx.write(name, text)]);
  return report.results[0]!.findings.map(ruleAndLocks);
}

describe('counterexamples found by the fuzz suite', () => {
  it('a 2,000-character name in an error is shortened, with its length (structural mutation "huge")', async () => {
    const name = 'fn_3_'.repeat(400);
    const file = fx.write('huge-name.yaml', `fences:\n  F:\n    callbacks: [${name}]\npaths:\n  - name: p\n    steps: []\n`);
    const { report } = await checkJson([file]);
    const [e] = report.results[0]!.errors;
    expect(e!.message).toMatch(/^fence "F": undeclared function "(fn_3_)+…" \(2000 characters\)/);
    expect(e!.message.length).toBeLessThan(200);
    expect(e).toMatchObject({ line: 3, column: 17 });
  });

  it('a stream includes the kernel model first and declares its hooks after: the model\'s paths still call them', async () => {
    // Found by "a scenario and its JSON Lines stream give the same findings": the model's
    // paths (munmap, migration... invoking mmu_interval_notifier.invalidate) ran at the
    // include line, before the driver registered its callback.
    const yaml = [
      'include: [kernel]',
      'locks: {A: mutex, W: {type: ww_mutex, ww_class: wc}}',
      'hooks:',
      '  mmu_interval_notifier.invalidate: [inv]',
      'functions:',
      '  inv: [{lock: A}, {assert_held: W}, {unlock: A}]',
      'paths:',
      '  - name: p',
      '    steps: []',
    ].join('\n');
    const jsonl = [
      { decl: 'include', name: 'kernel' },
      { decl: 'lock', name: 'A', type: 'mutex' },
      { decl: 'lock', name: 'W', type: 'ww_mutex', ww_class: 'wc' },
      { decl: 'function', name: 'inv', steps: [{ lock: 'A' }, { assert_held: 'W' }, { unlock: 'A' }] },
      { decl: 'hook', hook: 'mmu_interval_notifier.invalidate', fn: 'inv' },
    ].map((l) => JSON.stringify(l)).join('\n');
    const a = await findings('hooks.yaml', yaml);
    expect(a).toContain('assert-held {wc_mutex}');
    expect(await findings('hooks.jsonl', jsonl)).toEqual(a);
  });

  it('the same input error at the same place is listed once, whichever paths reach it', async () => {
    // Found by "reordering paths": a function with an input error only the replay sees
    // (then a hardirq block where irqs were disabled; now a ww lock in a context the path never
    // initialised), called by two paths, gave two identical errors or one, depending on the
    // order of the paths.
    const text = [
      'functions:',
      '  f:',
      '    - ww_mutex_lock: {name: W, ctx: c}',
      'paths:',
      '  - name: a',
      '    steps: [{call: f}]',
      '  - name: b',
      '    steps: [might_sleep]',
      '  - name: c',
      '    steps: [{call: f}]',
      'locks: {W: ww_mutex}',
    ].join('\n');
    const { report } = await checkJson([fx.write('twice.yaml', text)]);
    const errors = report.results[0]!.errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 3, column: 7 });
    expect(errors[0]!.message).toMatch(/^ww acquire context "c" is not initialised on this path/);
  });

  it('names render in labels as written: a long name shortens a label, a name with ": " is quoted in it', async () => {
    // Found by the rename property: labels are display text (at most 60 characters, names
    // quoted where flow style needs it), so they are compared up to that.
    const { report } = await checkJson([fx.write('labels.yaml', 'locks:\n  "x: y": mutex\npaths:\n  - name: p\n    steps: [{lock: "x: y"}, {lock: "x: y[1e3]"}]\n')]);
    const f = report.results[0]!.findings.find((x) => x.rule === 'recursive-locking')!;
    expect(f.message).toContain('x: y');
    expect(JSON.stringify(f.chain)).toContain('lock: \\"x: y[1e3]\\"');
  });
});

describe('properties that are false by design (the test states what holds instead)', () => {
  const abc = (order: string[]) =>
    [
      'locks: {A: mutex, B: mutex, C: mutex}',
      'paths:',
      ...order.map((p) => `  - name: ${p}\n    steps: [{lock: ${p[0]!.toUpperCase()}}, {lock: ${p[2]!.toUpperCase()}}, {unlock: ${p[2]!.toUpperCase()}}, {unlock: ${p[0]!.toUpperCase()}}]`),
    ].join('\n');

  it('reordering paths changes which cycles are reported: each new dependency reports the shortest cycle it closes', async () => {
    // b-c, c-a, a-b: a-b closes A→B→C→A; then b-a closes A→B→A.
    expect(await findings('abc1.yaml', abc(['b-c', 'c-a', 'a-b', 'b-a']))).toEqual([
      'circular-dependency {A, B, C}',
      'circular-dependency {A, B}',
    ]);
    // b-a first: a-b closes the shorter A→B→A, and the three-lock cycle is never checked again.
    expect(await findings('abc2.yaml', abc(['b-a', 'b-c', 'c-a', 'a-b']))).toEqual(['circular-dependency {A, B}']);
  });

  it('adding a path before others can remove a reported cycle for the same reason (and at the end never does)', async () => {
    expect(await findings('abc3.yaml', abc(['b-c', 'c-a', 'a-b']))).toEqual(['circular-dependency {A, B, C}']);
    expect(await findings('abc4.yaml', abc(['b-a', 'b-c', 'c-a', 'a-b']))).toEqual(['circular-dependency {A, B}']);
    expect(await findings('abc5.yaml', abc(['b-c', 'c-a', 'a-b', 'b-a']))).toEqual(['circular-dependency {A, B, C}', 'circular-dependency {A, B}']);
  });

  /** Three paths: a plain chain X → A(recursive read) → B, the same chain with A trylocked, and B → X. */
  const trylock = (first: 'plain' | 'try') => {
    const path = (name: string, op: string) =>
      `  - name: ${name}\n    steps: [{lock: X}, {${op}: {name: A, mode: recursive_read}}, {lock: B}, {unlock: B}, {unlock: A}, {unlock: X}]`;
    const paths = first === 'plain' ? [path('plain', 'lock'), path('try', 'trylock')] : [path('try', 'trylock'), path('plain', 'lock')];
    return ['locks: {X: mutex, A: map, B: mutex}', 'paths:', ...paths, '  - name: inverse', '    steps: [{lock: B}, {lock: X}, {unlock: X}, {unlock: B}]'].join('\n');
  };

  it('lockdep\'s chain cache keys a chain by its classes, not by which were trylocked: the first of two such chains decides the dependencies', async () => {
    // The trylocked chain records X → B (check_prevs_add goes past a trylock); the plain one
    // records only A → B, and X → A → B is not a strong path (A is a recursive reader). So
    // the cycle with B → X is found only when the trylocked chain comes first, as in the kernel.
    expect(await findings('try-first.yaml', trylock('try'))).toEqual(['circular-dependency {B, X}']);
    expect(await findings('plain-first.yaml', trylock('plain'))).toEqual([]);
    // Without the chain cache both orders record X → B.
    for (const first of ['plain', 'try'] as const) {
      const out = analyzeScenario(await loadScenario(fx.write(`nocache-${first}.yaml`, trylock(first))), { chainCache: false });
      expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency']);
    }
  });

  it('a read-held lock that becomes irq-safe before or after it takes an irq-unsafe one: the kernel finds the inversion only after', async () => {
    // check_irq_usage() starts its backward search at prev with only_xr = (prev->read != 0),
    // masking prev's own _READ usage; mark_lock_irq()'s forward search from a reader of read
    // 1 does not. So M (read) -> B, then M HARDIRQ-READ-safe, is found; the reverse is not.
    // (Shrunk by hand from a soak of the reordering property.)
    const b = '  - name: b\n    steps: [{mutex_lock: B}, {mutex_unlock: B}]';
    const reader = '  - name: reader\n    irqs: disabled\n    steps: [{lock: {name: M, mode: read}}, {mutex_lock: B}, {mutex_unlock: B}, {unlock: M}]';
    const irq = '  - name: irq\n    context: hardirq\n    steps: [{lock: {name: M, mode: read}}, {unlock: M}]';
    const text = (paths: string[]) => ['locks: {M: map, B: mutex}', 'paths:', ...paths, ''].join('\n');
    expect(await findings('read-safe-after.yaml', text([b, reader, irq]))).toEqual(['sleep-in-atomic {B}', 'irq-inversion {B, M}']);
    expect(await findings('read-safe-before.yaml', text([irq, b, reader]))).toEqual(['sleep-in-atomic {B}']);
  });

  it('an inconsistent usage is not also checked for an irq inversion (mark_lock_irq stops at the first): which of the two is reported depends on the order', async () => {
    const text = (paths: string[]) => ['paths:', ...paths].join('\n');
    const q1 = '  - name: w1\n    work: {item: w1, queue: q}\n    steps: []';
    const irq = '  - name: irq\n    context: hardirq\n    work: {item: w0, queue: q}\n    steps: []';
    expect(await findings('irq1.yaml', text([irq, q1]))).toEqual([
      'inconsistent-lock-state {(wq_completion)q}',
      'irq-inversion {(work_completion)w1, (wq_completion)q}',
    ]);
    expect(await findings('irq2.yaml', text([q1, irq, q1.replace('name: w1', 'name: w1-again')]))).toEqual(['inconsistent-lock-state {(wq_completion)q}']);
  });
});

describe('the CLI on the shrunk counterexamples', () => {
  it('prints no stack trace and exits 0, 1 or 2', async () => {
    for (const f of ['huge-name.yaml', 'hooks.jsonl', 'twice.yaml', 'abc1.yaml', 'try-first.yaml']) {
      const r = await cli(['check', '--no-config', `${fx.dir}/${f}`]);
      expect([0, 1, 2]).toContain(r.code);
    }
  });
});
