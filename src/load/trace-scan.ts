/**
 * The first half of reading a JSONL stream: the file split into lines, and the shape
 * machines write most, `{"path":"P","op":"OP","name":"N"}` (no escapes, no spaces), read
 * without JSON.parse into integers: the task and the (op, name) pair, each numbered in order
 * of first appearance. Every other non-empty line is passed on as text, for jsonl.ts to read
 * (declarations, events of any other shape, broken lines).
 *
 * Nothing here knows the format beyond that: this module imports no loader code, so the
 * worker thread that runs it (trace-worker.ts) starts in milliseconds.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { firstInvalidUtf8 } from './utf8.js';
import { fileKind } from './source.js';

/** A line passed on as text, standing before the event numbered `at` of its batch. */
export interface RawLine {
  readonly at: number;
  readonly line: number;
  readonly text: string;
  /** The line's first byte that is not UTF-8 (`text` is then empty), and its column. */
  readonly notUtf8?: { readonly byte: number; readonly column: number };
}

/** What scanning a stream produces, in order. */
export type ScanMessage =
  /** The file could not be opened: why (the only message then). */
  | { readonly kind: 'open-error'; readonly why: string }
  | {
      readonly kind: 'batch';
      /** (task, key, line) per common event, in stream order. */
      readonly events: Int32Array;
      readonly raws: readonly RawLine[];
      /** Task names and (op, name) keys first seen in this batch, numbered on from the last. */
      readonly tasks: readonly string[];
      readonly ops: readonly string[];
      readonly names: readonly string[];
    }
  /** Reading failed after `line` lines (the batches before it stand). */
  | { readonly kind: 'read-error'; readonly message: string; readonly line: number }
  | { readonly kind: 'end' };

export type ScanBatch = Extract<ScanMessage, { kind: 'batch' }>;

const PATH_PREFIX = bytes('{"path":"');
const OP_SEP = bytes('","op":"');
const NAME_SEP = bytes('","name":"');
/** The shortest common event, `{"path":"","op":"","name":""}`. */
const MIN_LENGTH = PATH_PREFIX.length + OP_SEP.length + NAME_SEP.length + 2;
const QUOTE = 34;

function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Byte strings interned by a hash computed while scanning: no string per lookup. */
class Interner {
  private slots = new Int32Array(2 * 64);
  private mask = 63;
  /** The bytes of every entry, one after another. */
  private pool = new Uint8Array(4096);
  private poolLength = 0;
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];
  private readonly hashes: number[] = [];

  /** The id of buf[start, end) (whose hash is `hash`), or -1. */
  find(buf: Buffer, start: number, end: number, hash: number): number {
    const { slots, mask, pool } = this;
    const length = end - start;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const id = slots[2 * i + 1]! - 1;
      if (id < 0) return -1;
      if (slots[2 * i] !== hash || this.lengths[id] !== length) continue;
      const at = this.starts[id]!;
      let k = 0;
      while (k < length && buf[start + k] === pool[at + k]) k++;
      if (k === length) return id;
    }
  }

  /** Adds buf[start, end) (not there yet); its id. */
  add(buf: Buffer, start: number, end: number, hash: number): number {
    const id = this.starts.length;
    const length = end - start;
    if (this.poolLength + length > this.pool.length) {
      const bigger = new Uint8Array(Math.max(2 * this.pool.length, this.poolLength + length));
      bigger.set(this.pool.subarray(0, this.poolLength));
      this.pool = bigger;
    }
    this.pool.set(buf.subarray(start, end), this.poolLength);
    this.starts.push(this.poolLength);
    this.lengths.push(length);
    this.hashes.push(hash);
    this.poolLength += length;
    if (2 * this.starts.length > this.mask) {
      const size = 2 * (this.mask + 1);
      this.slots = new Int32Array(2 * size);
      this.mask = size - 1;
      for (let k = 0; k < this.starts.length; k++) this.put(this.hashes[k]!, k);
    } else {
      this.put(hash, id);
    }
    return id;
  }

  private put(hash: number, id: number): void {
    const { slots, mask } = this;
    let i = hash & mask;
    while (slots[2 * i + 1] !== 0) i = (i + 1) & mask;
    slots[2 * i] = hash;
    slots[2 * i + 1] = id + 1;
  }
}

/** buf[start, start + s.length) === s. */
function same(buf: Buffer, start: number, s: Uint8Array): boolean {
  for (let i = 0; i < s.length; i++) if (buf[start + i] !== s[i]) return false;
  return true;
}

/** A plain byte of a value: printable ASCII, not a quote or a backslash (anything else: JSON.parse decides). */
function plain(c: number): boolean {
  return c >= 32 && c < 127 && c !== QUOTE && c !== 92;
}

/** ASCII bytes as a string. */
function ascii(buf: Buffer, start: number, end: number): string {
  return buf.toString('latin1', start, end);
}

/**
 * Splits the stream's bytes into lines and batches them. Lines split on the newline byte
 * as the decoded text splits on "\n" (UTF-8 never has that byte inside a character); a
 * common event is pure ASCII, and any other line is decoded as UTF-8 on its own.
 */
export class TraceScanner {
  private readonly taskIds = new Interner();
  /** `","op":"OP","name":"NAME"}`: the rest of the line after the path. */
  private readonly keyIds = new Interner();
  private events = new Int32Array(3 * 8192);
  private n = 0;
  /** Events in the batch so far (n / 3). */
  private count = 0;
  private raws: RawLine[] = [];
  // Every task and key so far, as strings; a batch carries those it added.
  private readonly tasks: string[] = [];
  private readonly ops: string[] = [];
  private readonly names: string[] = [];
  private sentTasks = 0;
  private sentKeys = 0;
  /** Lines seen so far. */
  lineNo = 0;
  /** The start of a line the last chunks did not finish (copied: the stream may reuse its buffers). */
  private rest: Buffer[] = [];

  /** The next chunk of the stream. */
  chunk(buf: Buffer): void {
    let start = 0;
    if (this.rest.length) {
      // The line across the chunks, on its own (joined once, however many chunks it spans).
      const nl = buf.indexOf(10);
      if (nl < 0) {
        this.rest.push(Buffer.from(buf));
        return;
      }
      this.rest.push(buf.subarray(0, nl));
      const joined = Buffer.concat(this.rest);
      this.rest = [];
      this.line(joined, 0, joined.length > 0 && joined[joined.length - 1] === 13 ? joined.length - 1 : joined.length, ++this.lineNo);
      start = nl + 1;
    }
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      this.line(buf, start, end, ++this.lineNo);
      start = nl + 1;
    }
    if (start < buf.length) this.rest.push(Buffer.from(buf.subarray(start)));
  }

  /** The end of the stream: its last line, if it has no newline. */
  finish(): void {
    if (!this.rest.length) return;
    const rest = Buffer.concat(this.rest);
    this.rest = [];
    if (rest.length) this.line(rest, 0, rest[rest.length - 1] === 13 ? rest.length - 1 : rest.length, ++this.lineNo);
  }

  get empty(): boolean {
    return this.n === 0 && this.raws.length === 0;
  }

  take(): ScanBatch {
    const { tasks, ops, names } = this;
    const batch: ScanBatch = {
      kind: 'batch',
      events: this.events.slice(0, this.n),
      raws: this.raws,
      tasks: tasks.slice(this.sentTasks),
      ops: ops.slice(this.sentKeys),
      names: names.slice(this.sentKeys),
    };
    this.sentTasks = tasks.length;
    this.sentKeys = ops.length;
    this.n = 0;
    this.count = 0;
    this.raws = [];
    return batch;
  }

  private line(buf: Buffer, start: number, end: number, lineNo: number): void {
    if (end === start) return;
    if (this.common(buf, start, end, lineNo)) return;
    const bad = firstInvalidUtf8(buf.subarray(start, end));
    if (bad < 0) this.raws.push({ at: this.count, line: lineNo, text: buf.toString('utf8', start, end) });
    else {
      // Columns count characters after a first line's BOM, as the JSON errors do.
      const prefix = buf.toString('utf8', start, start + bad);
      const column = prefix.length + 1 - (lineNo === 1 && prefix.charCodeAt(0) === 0xfeff ? 1 : 0);
      this.raws.push({ at: this.count, line: lineNo, text: '', notUtf8: { byte: buf[start + bad]!, column } });
    }
  }

  /**
   * A common event in buf[start, end)? Recorded if so. The line is two interned pieces:
   * `{"path":"P` up to the first quote after the prefix, and `","op":"OP","name":"N"}`; a piece
   * seen before needs only comparing, a new one is checked for the shape once.
   */
  private common(buf: Buffer, start: number, end: number, lineNo: number): boolean {
    if (end - start < MIN_LENGTH || buf[start + 2] !== 112) return false;
    // FNV-style hashes, kept small integers (no heap numbers on the hot path).
    let i = start + PATH_PREFIX.length;
    let h = 0x1c9dc5;
    for (; i < end; i++) {
      const c = buf[i]!;
      if (c === QUOTE) break;
      h = Math.imul(h ^ c, 0x01000193) & 0x3fffffff;
    }
    const split = i;
    let k = 0x1c9dc5;
    for (; i < end; i++) k = Math.imul(k ^ buf[i]!, 0x01000193) & 0x3fffffff;
    let task = this.taskIds.find(buf, start, split, h);
    if (task < 0) {
      if (!pathPiece(buf, start, split)) return false;
      task = this.taskIds.add(buf, start, split, h);
      this.tasks.push(ascii(buf, start + PATH_PREFIX.length, split));
    }
    let key = this.keyIds.find(buf, split, end, k);
    if (key < 0) {
      const opEnd = keyPiece(buf, split, end);
      if (opEnd < 0) return false;
      key = this.keyIds.add(buf, split, end, k);
      this.ops.push(ascii(buf, split + OP_SEP.length, opEnd));
      this.names.push(ascii(buf, opEnd + NAME_SEP.length, end - 2));
    }
    if (this.n + 3 > this.events.length) {
      const bigger = new Int32Array(this.events.length * 2);
      bigger.set(this.events);
      this.events = bigger;
    }
    this.events[this.n++] = task;
    this.events[this.n++] = key;
    this.events[this.n++] = lineNo;
    this.count++;
    return true;
  }
}

/** Is buf[start, end) `{"path":"P` with P plain? */
function pathPiece(buf: Buffer, start: number, end: number): boolean {
  if (!same(buf, start, PATH_PREFIX)) return false;
  for (let i = start + PATH_PREFIX.length; i < end; i++) if (!plain(buf[i]!)) return false;
  return true;
}

/** Is buf[start, end) `","op":"OP","name":"N"}` with OP and N plain? Where OP ends if so, else -1. */
function keyPiece(buf: Buffer, start: number, end: number): number {
  if (end - start < OP_SEP.length + NAME_SEP.length + 2 || !same(buf, start, OP_SEP)) return -1;
  let i = start + OP_SEP.length;
  while (i < end && plain(buf[i]!)) i++;
  const opEnd = i;
  if (end - i < NAME_SEP.length + 2 || !same(buf, i, NAME_SEP)) return -1;
  for (i += NAME_SEP.length; i < end - 2; i++) if (!plain(buf[i]!)) return -1;
  return buf[end - 2] === QUOTE && buf[end - 1] === 125 ? opEnd : -1;
}

/** A stream is read this many bytes at a time. */
const CHUNK_BYTES = 1 << 18;

/** Why a file cannot be opened, as the reader says it. */
function openProblem(e: unknown): string {
  const code = (e as { code?: string }).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : e instanceof Error ? e.message : String(e);
}

/** Scan a stream: a batch per chunk of the file, then `end` (or why it stopped). */
export async function* scanTrace(file: string): AsyncGenerator<ScanMessage> {
  // A FIFO or a device would be waited on (or read forever): only a regular file is read.
  const kind = fileKind(file);
  if (kind !== null && kind !== 'file') {
    yield { kind: 'open-error', why: kind === 'directory' ? 'it is a directory' : `it is ${kind}, not a regular file` };
    return;
  }
  let stream: ReadStream;
  try {
    stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
    await new Promise<void>((res, rej) => {
      stream.once('open', () => res());
      stream.once('error', rej);
    });
  } catch (e) {
    yield { kind: 'open-error', why: openProblem(e) };
    return;
  }
  const scanner = new TraceScanner();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      scanner.chunk(chunk);
      if (!scanner.empty) yield scanner.take();
    }
    scanner.finish();
  } catch (e) {
    if (!scanner.empty) yield scanner.take();
    yield { kind: 'read-error', message: e instanceof Error ? e.message : String(e), line: scanner.lineNo };
    return;
  } finally {
    stream.destroy();
  }
  if (!scanner.empty) yield scanner.take();
  yield { kind: 'end' };
}

/** Scan a stream given as text, as `scanTrace` scans a file holding it. */
export async function* scanText(text: string): AsyncGenerator<ScanMessage> {
  const scanner = new TraceScanner();
  const buf = Buffer.from(text, 'utf8');
  // In chunks as a file is read, so batches stay as large as a file's.
  for (let at = 0; at < buf.length; at += CHUNK_BYTES) {
    scanner.chunk(buf.subarray(at, at + CHUNK_BYTES));
    if (!scanner.empty) yield scanner.take();
  }
  scanner.finish();
  if (!scanner.empty) yield scanner.take();
  yield { kind: 'end' };
}
