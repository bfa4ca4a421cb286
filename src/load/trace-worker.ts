/**
 * The reading half of a parallel JSONL check: runs in a worker thread, splits the stream into
 * lines and reads its common events into integers (trace-scan.ts), and posts the batches to
 * the main thread, which reads the rest and replays. It imports no loader code, so it starts
 * at once. At most a few batches are in flight, so memory stays bounded however long the stream.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { scanTrace, type ScanMessage } from './trace-scan.js';

/** What the worker posts: what the scan produced, or why it stopped. */
export type WireMessage = ScanMessage | { readonly kind: 'fatal'; readonly message: string };

/**
 * Batches the main thread may not have acknowledged yet: enough for the scan to run well
 * ahead while the main thread is slow (the start of a stream, dense with declarations and
 * first-seen locks), still a few MB at most.
 */
const IN_FLIGHT = 64;

async function main(): Promise<void> {
  const port = parentPort!;
  const { file } = workerData as { file: string };
  let credits = IN_FLIGHT;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits++;
    wake?.();
  });
  for await (const m of scanTrace(file)) {
    if (m.kind !== 'batch') {
      port.postMessage(m);
      continue;
    }
    if (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
    credits--;
    port.postMessage(m, [m.events.buffer as ArrayBuffer]);
  }
}

main().catch((e: unknown) => parentPort!.postMessage({ kind: 'fatal', message: e instanceof Error ? e.message : String(e) } satisfies WireMessage));
