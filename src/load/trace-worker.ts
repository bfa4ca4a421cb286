/**
 * The reading half of a parallel JSONL check: runs in a worker thread, reads the stream with
 * `readTraceBatches` and posts its batches (events are already integers) to the main thread,
 * which only replays. At most a few batches are in flight, so memory stays bounded however
 * long the stream.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SourceLoc } from '../model/location.js';
import { readTraceBatches, type TraceBatch } from './jsonl.js';
import type { ExtraInclude } from './scenario.js';

/** What the worker posts: a batch (errors as plain data), the end, or why it stopped. */
export type WireMessage =
  | (Omit<TraceBatch, 'others'> & { readonly others: readonly { readonly at: number; readonly item: import('./jsonl.js').TraceItem | { kind: 'error'; error: { message: string; loc: SourceLoc | null } } }[] })
  | 'end'
  | { readonly fatal: string };

/** Batches the main thread may not have acknowledged yet. */
const IN_FLIGHT = 4;

async function main(): Promise<void> {
  const port = parentPort!;
  const { file, include } = workerData as { file: string; include?: readonly ExtraInclude[] };
  let credits = IN_FLIGHT;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits++;
    wake?.();
  });
  for await (const batch of readTraceBatches(file, { include })) {
    if (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    credits--;
    const others = batch.others.map(({ at, item }) => ({ at, item: item.kind === 'error' ? { kind: 'error' as const, error: { message: item.error.message, loc: item.error.loc } } : item }));
    const message: WireMessage = { ...batch, others };
    port.postMessage(message, [batch.events.buffer as ArrayBuffer]);
  }
  port.postMessage('end');
}

main().catch((e: unknown) => parentPort!.postMessage({ fatal: e instanceof Error ? e.message : String(e) }));
