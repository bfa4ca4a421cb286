/**
 * Synthetic JSONL traces for the benchmark: thousands of lock classes, tens of tasks whose
 * events interleave, mostly recurring nestings (as real workloads repeat their call paths)
 * plus a share of fresh ones, and a handful of inversions so the checker has work to report.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { rng } from '../rng.js';

export interface TraceShape {
  readonly events: number;
  readonly classes: number;
  readonly tasks: number;
  /** Share of nestings drawn fresh instead of from the recurring pool. */
  readonly freshShare: number;
  readonly seed: number;
}

export const DEFAULT_SHAPE: Omit<TraceShape, 'events'> = { classes: 3000, tasks: 32, freshShare: 0.1, seed: 42 };

/** xorshift32: deterministic, so every run measures the same trace. */
const TYPES = ['mutex', 'spinlock', 'rwsem', 'mutex', 'raw_spinlock'] as const;

export async function writeTrace(file: string, shape: TraceShape): Promise<void> {
  const random = rng(shape.seed);
  const out = createWriteStream(file);
  let buffer = '';
  const flush = async () => {
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  };
  // Sleeping locks first in the global order, then spinlock_t, then raw spinlocks, so nestings stay valid.
  const order: string[] = [];
  for (let i = 0; i < shape.classes; i++) order.push(`L${i}`);
  // As a recorder writes them: a class is declared just before its first event.
  const declared = new Uint8Array(shape.classes);
  const declare = (i: number) => {
    if (declared[i]) return;
    declared[i] = 1;
    buffer += `{"decl":"lock","name":"${order[i]}","type":"${TYPES[i % TYPES.length]}"}\n`;
  };
  const tier = { mutex: 0, rwsem: 0, spinlock: 1, raw_spinlock: 2 } as const;
  const rank = (i: number) => tier[TYPES[i % TYPES.length]!] * shape.classes + i;
  const sorted = [...order.keys()].sort((a, b) => rank(a) - rank(b));
  const nesting = (): number[] => {
    const depth = 1 + Math.floor(random() * 4);
    const start = Math.floor(random() * (sorted.length - 40));
    const picks: number[] = [];
    let at = start;
    for (let d = 0; d < depth; d++) {
      at += 1 + Math.floor(random() * 10);
      picks.push(sorted[at]!);
    }
    return picks;
  };
  const pool = Array.from({ length: 2000 }, nesting);
  // A few inversions against pool nestings.
  for (let i = 0; i < 5; i++) {
    const n = pool[i]!;
    if (n.length >= 2) pool.push([...n].reverse());
  }

  interface TaskState { name: string; plan: number[]; step: number }
  const tasks: TaskState[] = Array.from({ length: shape.tasks }, (_, i) => ({ name: `kworker/${i}:1`, plan: [], step: 0 }));
  let written = 0;
  while (written < shape.events) {
    const t = tasks[Math.floor(random() * tasks.length)]!;
    if (t.step >= t.plan.length * 2) {
      t.plan = random() < shape.freshShare ? nesting() : pool[Math.floor(random() * pool.length)]!;
      t.step = 0;
    }
    const n = t.plan.length;
    const op = t.step < n ? 'lock' : 'unlock';
    const idx = t.step < n ? t.plan[t.step]! : t.plan[2 * n - 1 - t.step]!;
    const name = order[idx]!;
    declare(idx);
    const read = TYPES[idx % TYPES.length] === 'rwsem' && op === 'lock' && idx % 2 === 0;
    buffer += read
      ? `{"path":"${t.name}","op":"down_read","name":"${name}"}\n`
      : `{"path":"${t.name}","op":"${TYPES[idx % TYPES.length] === 'rwsem' ? (op === 'lock' ? 'down_write' : idx % 2 === 0 ? 'up_read' : 'up_write') : op}","name":"${name}"}\n`;
    t.step++;
    written++;
    if (buffer.length > 1 << 20) await flush();
  }
  // Close every open nesting so the trace ends clean of lock-held-at-exit noise.
  for (const t of tasks) {
    const n = t.plan.length;
    const held = t.step <= n ? t.plan.slice(0, t.step) : t.plan.slice(0, 2 * n - t.step);
    for (const idx of held.reverse()) {
      const type = TYPES[idx % TYPES.length];
      const op = type === 'rwsem' ? (idx % 2 === 0 ? 'up_read' : 'up_write') : 'unlock';
      buffer += `{"path":"${t.name}","op":"${op}","name":"${order[idx]}"}\n`;
    }
  }
  await flush();
  out.end();
  await once(out, 'finish');
}
