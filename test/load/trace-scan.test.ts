/**
 * The scan of a JSONL stream (trace-scan.ts): lines split and the common event shape read into
 * integers, the same whatever the chunks the file arrives in; and the worker that runs it
 * reading a stream exactly as the main thread does.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTraceBatches, TraceTables, type TraceItem } from '../../src/load/jsonl.js';
import { TraceScanner, type ScanBatch } from '../../src/load/trace-scan.js';
import { fixtures } from './helpers.js';
import { rng } from '../rng.js';

const fx = fixtures();
const root = join(import.meta.dirname, '../..');

/** What a scan saw, in order: `E line task op name` per common event, `R line text` per other line. */
function scanned(bytes: Buffer, cuts: readonly number[]): string[] {
  const scanner = new TraceScanner();
  const tasks: string[] = [];
  const ops: string[] = [];
  const names: string[] = [];
  const out: string[] = [];
  const take = (b: ScanBatch) => {
    tasks.push(...b.tasks);
    ops.push(...b.ops);
    names.push(...b.names);
    let r = 0;
    for (let i = 0, e = 0; ; i++, e += 3) {
      for (; r < b.raws.length && b.raws[r]!.at === i; r++) out.push(`R ${b.raws[r]!.line} ${b.raws[r]!.text}`);
      if (e >= b.events.length) break;
      out.push(`E ${b.events[e + 2]} ${tasks[b.events[e]!]} ${ops[b.events[e + 1]!]} ${names[b.events[e + 1]!]}`);
    }
  };
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    scanner.chunk(bytes.subarray(at, cut));
    if (!scanner.empty) take(scanner.take());
    at = cut;
  }
  scanner.finish();
  if (!scanner.empty) take(scanner.take());
  return out;
}

/** Lines of every kind: common events, near misses, declarations, broken and blank lines. */
function tricky(random: () => number, n: number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(random() * a.length)]!;
  const lines: string[] = ['\ufeff{"decl":"lock","name":"A","type":"mutex"}'];
  for (let i = 0; i < n; i++) {
    const path = pick(['t', 'kworker/0:1', 'é', 'a b', '']);
    const op = pick(['lock', 'unlock', 'mutex_lock', '']);
    const name = pick(['A', 'B', 'L1[x]', 'ü', '😀', 'x'.repeat(Math.floor(random() * 3) * 200)]);
    lines.push(
      pick([
        `{"path":"${path}","op":"${op}","name":"${name}"}`,
        `{"path":"${path}","op":"${op}","name":"${name}"}`,
        `{"path":"${path}","op":"${op}","name":"${name}"}\r`,
        `{"path":"${path}", "op":"${op}","name":"${name}"}`,
        `{"path":"${path}","op":"${op}","name":"a\\"b"}`,
        `{"path":"${path}","op":"${op}","name":"\\u0041"}`,
        `{"path":"${path}","op":"${op}","name":"${name}","mode":"read"}`,
        `{"path":"${path}","op":"${op}","op":"x","name":"${name}"}`,
        `{"path":"${path}","op":"${op}","name":"tab\there"}`,
        `{"decl":"lock","name":"${name}","type":"mutex"}`,
        '',
        '   ',
        '\r',
        'not json',
        '{"path":"t","op":"lock","name":"A"',
      ]),
    );
  }
  return lines.join('\n') + (random() < 0.5 ? '\n' : '');
}

describe('TraceScanner', () => {
  it('reads the common shape into integers and passes every other line on as it stands', () => {
    const text = [
      '{"path":"t","op":"lock","name":"A"}',
      '',
      '{"path":"t","op":"unlock","name":"A"}\r',
      '{"path":"t", "op":"lock","name":"A"}',
      '{"path":"t","op":"lock","name":"ü"}',
      '{"path":"t","op":"lock","name":"a\\"b"}',
      '{"decl":"lock","name":"B","type":"mutex"}',
      '{"path":"u","op":"lock","name":"A"}',
    ].join('\n');
    expect(scanned(Buffer.from(text), [])).toEqual([
      'E 1 t lock A',
      'E 3 t unlock A',
      'R 4 {"path":"t", "op":"lock","name":"A"}',
      'R 5 {"path":"t","op":"lock","name":"ü"}',
      'R 6 {"path":"t","op":"lock","name":"a\\"b"}',
      'R 7 {"decl":"lock","name":"B","type":"mutex"}',
      'E 8 u lock A',
    ]);
  });

  it('sees the same lines however the file is cut into chunks', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = rng(seed);
      const bytes = Buffer.from(tricky(random, 200));
      const whole = scanned(bytes, []);
      const cuts: number[] = [];
      // Small chunks (a line across several, a CR and its LF apart, characters cut in two) and single bytes.
      for (let at = 0; at < bytes.length; ) {
        at += seed % 5 === 0 ? 1 : 1 + Math.floor(random() * 300);
        if (at < bytes.length) cuts.push(at);
      }
      expect(scanned(bytes, cuts), `seed ${seed}`).toEqual(whole);
    }
  });
});

describe('parallel reading', () => {
  async function items(read: (file: string) => AsyncIterable<import('../../src/load/jsonl.js').TraceBatch>, file: string): Promise<unknown[]> {
    const tables = new TraceTables();
    const out: TraceItem[] = [];
    for await (const batch of read(file)) tables.replay(batch, file, (path, step, loc) => out.push({ kind: 'step', path, step: { ...step, loc }, loc }), (item) => out.push(item));
    return out.map((i) => (i.kind === 'error' ? { kind: 'error', message: i.error.message, loc: i.error.loc } : i));
  }

  it('the worker reads a stream of every kind of line as the main thread does', async () => {
    const built = join(root, 'dist/src/load/jsonl.js');
    expect(existsSync(built), 'build first: npm run build').toBe(true);
    const { readTraceParallel } = (await import(built)) as typeof import('../../src/load/jsonl.js');
    const random = rng(7);
    // Several chunks of the file (256 KiB each), lines of every kind across their boundaries.
    const file = fx.write('tricky.jsonl', tricky(random, 40_000));
    const inProcess = await items(readTraceBatches, file);
    const kinds = new Set(inProcess.map((i) => (i as { kind: string }).kind));
    expect([...kinds].sort()).toEqual(['error', 'lock', 'step']);
    expect(await items(readTraceParallel, file)).toEqual(inProcess);
  });
});
