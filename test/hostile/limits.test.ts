/**
 * The limits (README, "Limits"): each is reached with a clear error, and none is reached by
 * a kernel-sized graph (5,000 classes, 25,000 dependencies, 100,000 chains) or by a big
 * but legitimate scenario. What is asserted is work (events replayed, classes, dependencies,
 * chains, steps counted), never time: test/time-limit.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/load/index.js';
import { Expansion, MAX_EXPANDED_STEPS, MAX_STREAM_EXPANSION } from '../../src/load/expansion.js';
import { MAX_ERRORS } from '../../src/load/scenario.js';
import { MAX_LOCK_CHAINS, MAX_LOCK_CLASSES, MAX_LOCK_DEPENDENCIES } from '../../src/model/limits.js';
import { MAX_ALIAS_COUNT, MAX_FILE_BYTES, MAX_NESTING } from '../../src/load/source.js';
import { MAX_STEP_DEPTH } from '../../src/load/steps.js';
import { checkJson, cli, scratch } from '../fuzz/harness.js';

const fx = scratch('limits');
afterAll(() => fx.cleanup());

/** A deterministic pseudo-random sequence. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

/**
 * A stream of `classes` locks and a DAG of about `deps` dependencies among them, taken by
 * `paths` paths of 1 to 5 nested locks following the DAG; and how many events it has.
 */
function kernelSized(classes: number, deps: number, paths: number): { text: string; events: number } {
  const rnd = prng(2024);
  const out: string[] = [];
  for (let i = 0; i < classes; i++) out.push(`{"decl":"lock","name":"&c${i}->lock","type":"${i % 5 === 0 ? 'spinlock' : 'mutex'}"}`);
  const next: number[][] = Array.from({ length: classes }, () => []);
  for (let k = 0; k < deps; k++) {
    const a = Math.floor(rnd() * (classes - 1));
    const b = a + 1 + Math.floor(rnd() * Math.min(200, classes - a - 1));
    next[a]!.push(b);
  }
  for (let p = 0; p < paths; p++) {
    const task = `task${p % 64}`;
    let a = Math.floor(rnd() * classes);
    const held: number[] = [];
    for (let depth = 0; depth < 5; depth++) {
      held.push(a);
      out.push(`{"path":"${task}","op":"lock","name":"&c${a}->lock"}`);
      const n = next[a]!;
      if (!n.length || (depth >= 1 && rnd() < 0.3)) break;
      a = n[Math.floor(rnd() * n.length)]!;
    }
    for (const h of held.reverse()) out.push(`{"path":"${task}","op":"unlock","name":"&c${h}->lock"}`);
  }
  return { text: out.join('\n') + '\n', events: out.length - classes };
}

describe('limits', () => {
  it('are the documented values', () => {
    expect({ MAX_FILE_BYTES, MAX_NESTING, MAX_STEP_DEPTH, MAX_ALIAS_COUNT, MAX_LOCK_CLASSES, MAX_LOCK_DEPENDENCIES, MAX_LOCK_CHAINS, MAX_EXPANDED_STEPS, MAX_STREAM_EXPANSION, MAX_ERRORS }).toEqual({
      MAX_FILE_BYTES: 16 * 1024 * 1024,
      MAX_NESTING: 256,
      MAX_STEP_DEPTH: 64,
      MAX_ALIAS_COUNT: 64,
      MAX_LOCK_CLASSES: 100_000,
      MAX_LOCK_DEPENDENCIES: 1_000_000,
      MAX_LOCK_CHAINS: 4_000_000,
      MAX_EXPANDED_STEPS: 10_000_000,
      MAX_STREAM_EXPANSION: 100_000_000,
      MAX_ERRORS: 100,
    });
  });

  it('a kernel-sized graph (5,000 classes, 25,000 dependencies, 100,000 chains) reaches none, and every event is replayed', async () => {
    const stream = kernelSized(5000, 40_000, 130_000);
    const { report } = await checkJson([fx.write('kernel-sized.jsonl', stream.text)], ['--stats']);
    const r = report.results[0]! as unknown as { errors: unknown[]; stats: { classes: number; dependencies: number; chains: number; events: number } };
    expect(r.errors).toEqual([]);
    expect(r.stats.events).toBe(stream.events);
    expect(r.stats.classes).toBeGreaterThanOrEqual(5000);
    expect(r.stats.dependencies).toBeGreaterThanOrEqual(25_000);
    expect(r.stats.chains).toBeGreaterThanOrEqual(100_000);
  });

  it('steps: counted before anything is replayed; 8,388,607 once calls are expanded is within the limit, past 10,000,000 is refused at the heaviest call', async () => {
    // f0 = 2 steps; fk = 2 calls of f(k-1), each a step: fk runs 2^(k+2) - 2 steps, the path 1 more.
    const scenario = (n: number) =>
      `locks: {A: mutex}\nfunctions:\n  f0: [{lock: A}, {unlock: A}]\n${Array.from({ length: n - 1 }, (_, i) => `  f${i + 1}: [{call: f${i}}, {call: f${i}}]\n`).join('')}paths:\n  - name: p\n    steps: [{call: f${n - 1}}]\n`;
    const within = await loadScenario(fx.write('calls-ok.yaml', scenario(22)));
    expect(new Expansion(within).ofSteps(within.paths[0]!.steps)).toBe(2 ** 23 - 1);
    const small = await cli(['check', '--no-config', fx.write('calls-small.yaml', scenario(4))]);
    expect(small.code).toBe(0);
    const refused = await cli(['check', '--no-config', fx.write('calls-refused.yaml', scenario(23))]);
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/calls-refused\.yaml:28:14: error: too many steps to replay: path "p" runs 16,777,215 steps once its calls, hooks and fence callbacks are expanded \(`call: f22` here runs 16,777,214 steps\); the limit is 10,000,000 per file/);
  });

  it('lock classes: 100,000 declared is fine, one more is refused at its declaration', async () => {
    const decls = (n: number) => Array.from({ length: n }, (_, i) => `{"decl":"lock","name":"L${i}","type":"mutex"}`).join('\n') + '\n{"path":"t","op":"lock","name":"L0"}\n{"path":"t","op":"unlock","name":"L0"}\n';
    const ok = await checkJson([fx.write('classes-ok.jsonl', decls(MAX_LOCK_CLASSES))]);
    expect(ok.report.results[0]!.errors).toEqual([]);
    const yaml = `locks:\n${Array.from({ length: MAX_LOCK_CLASSES + 1 }, (_, i) => `  L${i}: mutex\n`).join('')}`;
    const refused = await checkJson([fx.write('classes.yaml', yaml)]);
    expect(refused.report.results[0]!.errors).toEqual([
      { message: 'too many lock classes: more than 100,000 locks and fences declared (lockdep itself tracks at most 8,192)', file: refused.report.results[0]!.file, line: MAX_LOCK_CLASSES + 2, column: 3 },
    ]);
  });

  it('errors: at most 100 per file, then how many more, for scenarios and streams alike', async () => {
    const yaml = `paths:\n  - name: p\n    steps:\n${Array.from({ length: 150 }, (_, i) => `      - lock: X${i}\n`).join('')}`;
    const stream = Array.from({ length: 150 }, (_, i) => `{"path":"t","op":"lock","name":"X${i}"}`).join('\n');
    for (const [name, text] of [['errors.yaml', yaml], ['errors.jsonl', stream]] as const) {
      const { report } = await checkJson([fx.write(name, text)]);
      const errors = report.results[0]!.errors;
      expect(errors).toHaveLength(101);
      expect(errors[100]!.message).toBe('... and 50 more errors');
    }
  });
});
