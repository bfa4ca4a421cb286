/**
 * JSON Lines event streams (docs/scenario-format.md §10), read line by line, never held whole.
 *
 * Each line is one JSON object:
 *   - an event `{"path": P, "op": OP, "name": ..., ...}`: step OP of task P. Its argument is
 *     `name` (or `gfp`) when that is the only other field (`{"op":"lock","name":"A"}` is
 *     `lock: A`), else the map of the other fields (`{"op":"lock","name":"A","mode":"read"}`
 *     is `lock: {name: A, mode: read}`); no other field: the bare step. Block steps carry
 *     their steps in `do` (or `steps`); `with` takes the lock fields plus `do`; `if` takes
 *     `name: blockable` plus `then`/`else`.
 *   - a declaration `{"decl": KIND, ...}` before first use:
 *       `{"decl":"lock","name":"A","type":"mutex"}` (+ `lockdep`, `ww_class`, `description`)
 *       `{"decl":"function","name":"f","steps":[...]}`
 *       `{"decl":"hook","hook":"h","fn":"f"}`
 *       `{"decl":"include","name":"kernel"}` (a built-in model, or a file relative to the stream)
 *     and, as our extension, the stream's own header:
 *       `{"decl":"scenario","name":"...","description":"...","expect":[...],"options":{...}}`
 * Blank lines are skipped. A broken or unknown line is an `error` item with its line number;
 * the following lines are still read. Locations are the line numbers of the stream, column 1.
 *
 * The built-in pseudo-locks (`builtinLockMap()`) are not emitted: every stream has them.
 */
import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import * as z from 'zod/mini';
import type { SourceLoc } from '../model/location.js';
import { LOCK_TYPES, type Expectation, type FenceDecl, type LockDecl, type Scenario, type ScenarioOptions, type Step } from '../model/scenario.js';
import { buildExpectations, buildOptions, Declarations, DEFAULT_OPTIONS } from './decls.js';
import { InputError, didYouMean } from './errors.js';
import { validate } from './issues.js';
import { quote, nameProblem } from './names.js';
import { FlatPos } from './pos.js';
import { checkExpansion, FileLoader, resolveExtraInclude, resolveInclude, type ExtraInclude, type Frame } from './scenario.js';
import { expectSchema, lockTypeSchema, optionsSchema, type ExpectationInput } from './schema.js';
import { isBlockStep } from './steps.js';
import type { WireMessage } from './trace-worker.js';
import { scanText, scanTrace, type ScanBatch, type ScanMessage } from './trace-scan.js';
import { notUtf8 } from './utf8.js';
import { canonicalHook } from '../model/vocabulary.js';
import { once } from '../model/once.js';

/** The `scenario` declaration of a stream (our extension of docs/scenario-format.md §10). */
export interface TraceMeta {
  readonly kind: 'meta';
  readonly name?: string;
  readonly description?: string;
  readonly expect?: 'clean' | readonly Expectation[];
  readonly loc: SourceLoc;
}

export type TraceItem =
  | { readonly kind: 'lock'; readonly decl: LockDecl }
  | { readonly kind: 'function'; readonly name: string; readonly steps: readonly Step[]; readonly loc: SourceLoc }
  | { readonly kind: 'hook'; readonly hook: string; readonly fn: string; readonly loc: SourceLoc }
  | { readonly kind: 'fence'; readonly decl: FenceDecl }
  /**
   * An included model: its locks, functions, hooks and paths (run its paths first). `preset`:
   * asked for from outside the stream (a config file), so it comes before the stream's header.
   */
  | { readonly kind: 'include'; readonly scenario: Scenario; readonly preset?: boolean }
  /** The stream's options, defaults filled in for what the line does not set. */
  | { readonly kind: 'options'; readonly options: ScenarioOptions }
  | TraceMeta
  /**
   * A step of task `path` at `loc`. From `readTraceBatches` the step may be shared by every
   * event of the same op and lock (its own `loc` is where it was first seen): use `loc`.
   */
  | { readonly kind: 'step'; readonly path: string; readonly step: Step; readonly loc: SourceLoc }
  | { readonly kind: 'error'; readonly error: InputError };

const DECL_KINDS = ['lock', 'function', 'hook', 'include', 'scenario', 'fence'];

/** The schemas of the declaration lines, built on first use (a check of a YAML file reads no stream). */
export const declLines = once(() => {
  const lock = z.strictObject({
    decl: z.literal('lock'),
    name: z.string(),
    type: lockTypeSchema,
    lockdep: z.optional(z.string().check(z.minLength(1))),
    ww_class: z.optional(z.string().check(z.minLength(1))),
    description: z.optional(z.string()),
  });
  const fn = z.strictObject({ decl: z.literal('function'), name: z.string(), steps: z.array(z.unknown()) });
  const fence = z.strictObject({
    decl: z.literal('fence'),
    name: z.string(),
    description: z.optional(z.string()),
    lock: z.optional(z.string().check(z.minLength(1))),
    signalled_in: z.optional(z.enum(['irq', 'process'])),
    enable_signaling: z.optional(z.string().check(z.minLength(1))),
    release: z.optional(z.string().check(z.minLength(1))),
    callbacks: z.optional(z.array(z.string().check(z.minLength(1)))),
  });
  const hook = z.strictObject({ decl: z.literal('hook'), hook: z.string(), fn: z.string() });
  const include = z.strictObject({ decl: z.literal('include'), name: z.string().check(z.minLength(1)) });
  const scenario = z.strictObject({
    decl: z.literal('scenario'),
    name: z.optional(z.string()),
    description: z.optional(z.string()),
    expect: z.optional(expectSchema),
    options: z.optional(optionsSchema),
  });
  return { lock, function: fn, fence, hook, include, scenario };
});

type LockDeclLine = z.output<ReturnType<typeof declLines>['lock']>;

const lockDeclKeys = once((): ReadonlySet<string> => new Set(Object.keys(declLines().lock.shape)));
const LOCK_TYPE_NAMES: ReadonlySet<string> = new Set(LOCK_TYPES);

/**
 * A lock declaration as `declLines().lock` would accept it, checked by hand (the common case of
 * a machine-written stream, thousands of times); null: let the schema judge and explain.
 */
export function plainLockDecl(obj: Record<string, unknown>): LockDeclLine | null {
  const keys = lockDeclKeys();
  for (const k in obj) if (!keys.has(k)) return null;
  const { decl, name, type, lockdep, ww_class, description } = obj;
  if (decl !== 'lock' || typeof name !== 'string' || typeof type !== 'string' || !LOCK_TYPE_NAMES.has(type)) return null;
  if (lockdep !== undefined && (typeof lockdep !== 'string' || lockdep.length === 0)) return null;
  if (ww_class !== undefined && (typeof ww_class !== 'string' || ww_class.length === 0)) return null;
  if (description !== undefined && typeof description !== 'string') return null;
  return obj as LockDeclLine;
}

/** At most this many (op, name) pairs keep a converted step (template) for reuse. */
const FAST_CACHE_LIMIT = 100_000;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The step as a YAML file would write it, from an event's fields. */
export function eventToStep(ev: Record<string, unknown>): unknown {
  const op = ev.op as string;
  const rest: Record<string, unknown> = {};
  let n = 0;
  for (const k in ev) {
    if (k === 'path' || k === 'op') continue;
    rest[k] = ev[k];
    n++;
  }
  if (op === 'with') {
    const { name, mode, nested, nest_lock, ctx, on_edeadlk, result, do: body, steps, ...others } = rest;
    const lock: Record<string, unknown> = { name, mode, nested, nest_lock, ctx, on_edeadlk, result };
    for (const k of Object.keys(lock)) if (lock[k] === undefined) delete lock[k];
    const lockArg = Object.keys(lock).length === 1 && 'name' in lock ? name : lock;
    return { with: lockArg, do: body ?? steps, ...others };
  }
  if (op === 'if') {
    const { name, ...others } = rest;
    return { if: name, ...others };
  }
  if (n === 0) return op;
  if (n === 1 && 'name' in rest) return { [op]: rest.name };
  if (n === 1 && 'gfp' in rest) return { [op]: rest.gfp };
  if (isBlockStep(op)) {
    const body = rest.do ?? rest.steps;
    if (n === 1 && body !== undefined) return { [op]: body };
    if (body !== undefined && ('do' in rest) !== ('steps' in rest)) {
      const { do: _d, steps: _s, ...others } = rest;
      return { [op]: { ...others, do: body } };
    }
  }
  return { [op]: rest };
}

/** A run of a stream: its events compactly, everything else as items between them. */
export interface TraceBatch {
  /** (task, template, line) per event, in stream order; task and template index the tables. */
  readonly events: Int32Array;
  /** Declarations, errors and one-off steps, each standing before the event numbered `at`. */
  readonly others: readonly { readonly at: number; readonly item: TraceItem }[];
  /** Step templates and task names first used in this batch, to append to the tables. */
  readonly templates: readonly Step[];
  readonly tasks: readonly string[];
}

/** Read batches in order, keeping the tables they index. */
export class TraceTables {
  readonly templates: Step[] = [];
  readonly tasks: string[] = [];

  /**
   * Calls `step` per event with its task and template as indexes into the tables (each
   * appended before its first use), and `item` per other item, in stream order.
   */
  replayIndexes(batch: TraceBatch, step: (task: number, template: number, line: number) => void, item: (item: TraceItem) => void): void {
    for (const t of batch.templates) this.templates.push(t);
    for (const t of batch.tasks) this.tasks.push(t);
    const { events, others } = batch;
    let o = 0;
    for (let i = 0, e = 0; ; i++, e += 3) {
      for (; o < others.length && others[o]!.at === i; o++) item(others[o]!.item);
      if (e >= events.length) break;
      step(events[e]!, events[e + 1]!, events[e + 2]!);
    }
  }

  /** Calls `step` per event and `item` per other item, in stream order. */
  replay(batch: TraceBatch, file: string, step: (task: string, template: Step, loc: SourceLoc) => void, item: (item: TraceItem) => void): void {
    for (const t of batch.templates) this.templates.push(t);
    for (const t of batch.tasks) this.tasks.push(t);
    const { events, others } = batch;
    const { templates, tasks } = this;
    let o = 0;
    for (let i = 0, e = 0; ; i++, e += 3) {
      for (; o < others.length && others[o]!.at === i; o++) item(others[o]!.item);
      if (e >= events.length) break;
      step(tasks[events[e]!]!, templates[events[e + 1]!]!, { file, line: events[e + 2]!, column: 1 });
    }
  }
}

/**
 * Read a JSONL event stream. Yields declarations, steps and errors in stream order;
 * never throws for bad input (an unreadable file is an `error` item).
 */
export async function* readTrace(file: string, opts: TraceReadOptions = {}): AsyncGenerator<TraceItem> {
  const tables = new TraceTables();
  for await (const batch of readTraceBatches(file, opts)) {
    const out: TraceItem[] = [];
    tables.replay(batch, file, (path, t, loc) => out.push({ kind: 'step', path, step: withLoc(t, loc), loc }), (item) => out.push(item));
    yield* out;
  }
}

/** Collects one batch. */
class BatchBuilder {
  private events = new Int32Array(3 * 4096);
  private n = 0;
  private others: { at: number; item: TraceItem }[] = [];
  templates: Step[] = [];
  tasks: string[] = [];

  event(task: number, template: number, line: number): void {
    if (this.n + 3 > this.events.length) {
      const bigger = new Int32Array(this.events.length * 2);
      bigger.set(this.events);
      this.events = bigger;
    }
    this.events[this.n++] = task;
    this.events[this.n++] = template;
    this.events[this.n++] = line;
  }

  item(item: TraceItem): void {
    this.others.push({ at: this.n / 3, item });
  }

  get empty(): boolean {
    return this.n === 0 && this.others.length === 0;
  }

  take(): TraceBatch {
    const batch = { events: this.events.slice(0, this.n), others: this.others, templates: this.templates, tasks: this.tasks };
    this.n = 0;
    this.others = [];
    this.templates = [];
    this.tasks = [];
    return batch;
  }
}

export interface TraceReadOptions {
  /** Includes added before the stream's own (a config file's `include`). */
  readonly include?: readonly ExtraInclude[];
  /** The stream's text, not read from `file` (which still names it and anchors its includes). */
  readonly text?: string;
}

/**
 * The stream in batches, one per chunk of the file: the stream is read in chunks and split
 * into lines (trace-scan.ts), so a million events cost a few hundred promises, not millions;
 * the events machines write most are read without JSON.parse and without an object each.
 */
export async function* readTraceBatches(file: string, opts: TraceReadOptions = {}): AsyncGenerator<TraceBatch> {
  yield* new TraceReader(file, opts).batches(opts.text === undefined ? scanTrace(file) : scanText(opts.text));
}

/**
 * The second half of reading a stream: the scanned lines (trace-scan.ts) into declarations,
 * steps and errors. A common event whose task and (op, name) were read before is a pair of
 * table indexes; anything else is read here, line by line, as the JSON it is.
 */
class TraceReader {
  private pending: InputError[] = [];
  private readonly decls = new Declarations('stream', (e) => this.pending.push(e));
  private readonly conv = this.decls.conv;
  /** Reads the scenario files the stream includes, each once. */
  private readonly loader = new FileLoader((e) => this.pending.push(e));
  private meta: TraceMeta | null = null;
  /** The header's expectations, checked at the end (they may name what is declared after it). */
  private expectInput: readonly ExpectationInput[] | null = null;
  private readonly b = new BatchBuilder();
  private readonly taskIds = new Map<string, number>();
  /** Templates by `OP","name":"NAME`, the tail of a common event line. */
  private readonly fastIds = new Map<string, number>();
  private templateCount = 0;
  /** The line being read. */
  private lineNo = 0;
  // The scanner's tasks and keys, and what they are here once known (-1 until then).
  private readonly scanTasks: string[] = [];
  private readonly scanOps: string[] = [];
  private readonly scanNames: string[] = [];
  private scanTaskIds: Int32Array = new Int32Array(64);
  private scanKeyIds: Int32Array = new Int32Array(1024);

  constructor(
    private readonly file: string,
    private readonly opts: TraceReadOptions,
  ) {}

  private takePending(): InputError[] {
    const p = this.pending;
    this.pending = [];
    return p;
  }

  /** A declaration other than an include, as the items it yields. */
  private declaration(obj: Record<string, unknown>, loc: SourceLoc): TraceItem[] {
    const { decls } = this;
    const pos = new FlatPos(loc);
    const check = <T extends z.ZodMiniType>(schema: T): z.output<T> | InputError[] => {
      const r = validate(schema, obj, pos, '');
      return r.ok ? r.data : r.errors;
    };
    const kind = obj.decl;
    switch (kind) {
      case 'lock': {
        const d = plainLockDecl(obj) ?? check(declLines().lock);
        if (Array.isArray(d)) return errs(d);
        const decl = decls.declareLock(d.name, { type: d.type, lockdep: d.lockdep, ww_class: d.ww_class, description: d.description }, loc, pos);
        const out = errs(this.takePending());
        if (decl) out.push({ kind: 'lock', decl });
        return out;
      }
      case 'function': {
        const d = check(declLines().function);
        if (Array.isArray(d)) return errs(d);
        if (!decls.declareFunction(d.name, d.steps, loc, pos)) return errs(this.takePending());
        const steps = decls.convertFunctionNow(d.name);
        // A function whose steps are wrong, or that reaches itself, is not declared.
        const problems = [...this.takePending(), ...decls.recursion()];
        if (problems.length) {
          decls.undeclareFunction(d.name);
          return errs(problems.map((e) => new InputError(e.message, loc)));
        }
        return [{ kind: 'function', name: d.name, steps, loc }];
      }
      case 'hook': {
        const d = check(declLines().hook);
        if (Array.isArray(d)) return errs(d);
        if (!decls.hasFunction(d.fn)) return errs([decls.undeclaredFunction(`hook ${quote(d.hook)}`, d.fn, loc)]);
        if (!decls.registerHook(d.hook, d.fn, loc, loc)) return errs(this.takePending());
        const rec = decls.recursion();
        if (rec.length) {
          decls.unregisterLastHook(d.hook);
          return errs(rec.map((e) => new InputError(e.message, loc)));
        }
        return [{ kind: 'hook', hook: canonicalHook(d.hook), fn: d.fn, loc }];
      }
      case 'scenario': {
        const d = check(declLines().scenario);
        if (Array.isArray(d)) return errs(d);
        const expect = d.expect === 'clean' ? 'clean' : d.expect ? buildExpectations(d.expect, () => loc) : undefined;
        const meta: TraceMeta = {
          kind: 'meta',
          loc,
          ...(d.name !== undefined ? { name: d.name } : {}),
          ...(d.description !== undefined ? { description: d.description } : {}),
          ...(expect !== undefined ? { expect } : {}),
        };
        this.meta = meta;
        this.expectInput = d.expect === 'clean' ? null : (d.expect ?? null);
        return d.options ? [meta, { kind: 'options', options: buildOptions(d.options) }] : [meta];
      }
      case 'fence': {
        const d = check(declLines().fence);
        if (Array.isArray(d)) return errs(d);
        const { decl: _kind, name, ...input } = d;
        const locksBefore = decls.locks.size;
        const fence = decls.declareFence(name, input, loc, pos);
        const problems = [...this.takePending(), ...(fence ? decls.fenceProblems(name, loc) : [])];
        if (!fence || problems.length) {
          if (fence) decls.undeclareFence(name);
          return errs(problems);
        }
        // Its own lock class, when it has no lock: declared with it.
        const own: TraceItem[] = decls.locks.size > locksBefore ? [{ kind: 'lock', decl: decls.locks.get(fence.lock.cls)! }] : [];
        return [...own, { kind: 'fence', decl: fence }];
      }
      default:
        return errs([
          new InputError(
            typeof kind === 'string'
              ? `unknown declaration ${quote(kind)}; expected one of ${DECL_KINDS.join(', ')}${didYouMean(kind, DECL_KINDS)}`
              : `"decl" must be a string, one of ${DECL_KINDS.join(', ')}`,
            loc,
          ),
        ]);
    }
  }

  /** `{"decl":"include",...}`: a built-in model, or a scenario file relative to the stream. */
  private async includeLine(obj: Record<string, unknown>, loc: SourceLoc): Promise<TraceItem[]> {
    const r = validate(declLines().include, obj, new FlatPos(loc), '');
    if (!r.ok) return errs(r.errors);
    const target = resolveInclude(r.data.name, { abs: resolve(this.file), display: this.file }, loc);
    if (target instanceof InputError) return errs([target]);
    return this.include(target, loc, false);
  }

  /**
   * A scenario file and what it includes, declared in the stream as a scenario's includes
   * are declared in it (the same `Declarations`): an `include` item with its paths, after its
   * errors. `preset`: asked for from outside the stream (a config file).
   */
  private async include(target: Frame, loc: SourceLoc, preset: boolean): Promise<TraceItem[]> {
    const { decls, loader } = this;
    if (loader.loaded(target.abs)) return [];
    const before = loader.order.length;
    await loader.load(target.display, target.abs, [{ abs: resolve(this.file), display: this.file }], [], loc);
    const files = loader.order.slice(before);
    const fencesBefore = new Set(decls.fences.keys());
    for (const f of files) decls.declareFile(f.data, f.pos);
    const paths = decls.convertPending();
    for (const e of decls.dropUndeclaredHookFunctions()) this.pending.push(e);
    for (const name of decls.fences.keys()) if (!fencesBefore.has(name)) for (const e of decls.fenceProblems(name)) this.pending.push(e);
    for (const e of decls.recursion()) this.pending.push(e);
    const scenario = decls.scenario({ file: target.display, name: basename(target.display, extname(target.display)), description: null, expect: null, options: DEFAULT_OPTIONS }, paths);
    if (!this.pending.length) checkExpansion(paths, scenario, (e) => this.pending.push(e));
    const out = errs(this.takePending());
    // A model with errors is not run (its declarations stand: later lines may use them).
    out.push({ kind: 'include', scenario: out.length ? { ...scenario, paths: [] } : scenario, ...(preset ? { preset } : {}) });
    return out;
  }

  private taskId(path: string): number {
    let k = this.taskIds.get(path);
    if (k === undefined) {
      this.taskIds.set(path, (k = this.taskIds.size));
      this.b.tasks.push(path);
    }
    return k;
  }

  async *batches(scan: AsyncIterable<ScanMessage>): AsyncGenerator<TraceBatch> {
    const { b, file } = this;
    let started = false;
    for await (const m of scan) {
      if (m.kind === 'open-error') {
        b.item({ kind: 'error', error: new InputError(`cannot read ${file}: ${m.why}`, null) });
        yield b.take();
        return;
      }
      if (!started) {
        started = true;
        for (const x of this.opts.include ?? []) {
          const target = resolveExtraInclude(x);
          if (target instanceof InputError) b.item({ kind: 'error', error: target });
          else for (const item of await this.include(target, x.loc ?? { file, line: 1, column: 1 }, true)) b.item(item);
        }
      }
      if (m.kind === 'end') break;
      try {
        if (m.kind === 'read-error') {
          this.lineNo = m.line;
          throw new Error(m.message);
        }
        await this.batch(m);
        if (this.decls.overClassLimit) {
          yield b.take();
          return;
        }
      } catch (e) {
        // A read that failed, or a line that broke the reader: the batches before it stand.
        const msg = e instanceof Error ? e.message : String(e);
        const lineNo = this.lineNo;
        b.item({ kind: 'error', error: new InputError(`cannot read ${file}: ${msg}`, lineNo > 0 ? { file, line: lineNo, column: 1 } : null) });
        yield b.take();
        return;
      }
      if (!b.empty) yield b.take();
    }
    // End of stream: `expect` may name locks and paths declared after the header.
    const { meta, expectInput } = this;
    if (meta && expectInput) {
      const paths = new Set([...this.decls.paths.keys(), ...this.taskIds.keys()]);
      for (const error of this.decls.expectProblems(expectInput, () => new FlatPos(meta.loc), paths)) b.item({ kind: 'error', error });
    }
    if (!b.empty) yield b.take();
  }

  /** One scanned batch, in stream order. */
  private async batch(m: ScanBatch): Promise<void> {
    this.learn(m);
    const { events, raws } = m;
    let e = 0;
    for (let r = 0; ; r++) {
      const until = r < raws.length ? 3 * raws[r]!.at : events.length;
      if (e < until) e = this.events(events, e, until);
      if (r === raws.length) return;
      const raw = raws[r]!;
      this.lineNo = raw.line;
      if (raw.notUtf8) {
        const { byte, column } = raw.notUtf8;
        this.b.item({ kind: 'error', error: new InputError(notUtf8(byte, 'a JSON Lines stream'), { file: this.file, line: raw.line, column }) });
        continue;
      }
      const decl = this.line(raw.text, raw.line);
      if (!decl) continue;
      const loc = { file: this.file, line: raw.line, column: 1 };
      const items = decl.decl === 'include' ? await this.includeLine(decl, loc) : this.declaration(decl, loc);
      for (const item of items) this.b.item(item);
      // Past the class limit the stream is not read further (its declarations said why).
      if (this.decls.overClassLimit) return;
    }
  }

  /** The common events events[e, until) (triples): most are table indexes known already. */
  private events(events: Int32Array, e: number, until: number): number {
    const { b, scanTaskIds, scanKeyIds } = this;
    for (; e < until; e += 3) {
      const task = events[e]!;
      const key = events[e + 1]!;
      const line = events[e + 2]!;
      const t = scanTaskIds[task]!;
      const k = scanKeyIds[key]!;
      if (t >= 0 && k >= 0) {
        b.event(t, k, line);
        continue;
      }
      // Read once as JSON.parse would read the line; known from then on if it converts.
      this.lineNo = line;
      const path = this.scanTasks[task]!;
      const op = this.scanOps[key]!;
      const name = this.scanNames[key]!;
      this.object({ path, op, name }, line);
      if (t < 0) scanTaskIds[task] = this.taskIds.get(path) ?? -1;
      if (k < 0) scanKeyIds[key] = this.fastIds.get(`${op}","name":"${name}`) ?? -1;
    }
    return e;
  }

  /** The batch's new tasks and keys, not known here yet. */
  private learn(m: ScanBatch): void {
    for (const t of m.tasks) this.scanTasks.push(t);
    for (const o of m.ops) this.scanOps.push(o);
    for (const n of m.names) this.scanNames.push(n);
    this.scanTaskIds = grown(this.scanTaskIds, this.scanTasks.length - m.tasks.length, this.scanTasks.length);
    this.scanKeyIds = grown(this.scanKeyIds, this.scanOps.length - m.ops.length, this.scanOps.length);
  }

  /** One line; a declaration comes back to be read asynchronously (an include loads a file). */
  private line(raw: string, lineNo: number): Record<string, unknown> | null {
    const line = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (line.length === 0 || (line.charCodeAt(0) !== 123 && /^\s*$/.test(line))) return null;
    const { b, file } = this;
    if (commonEvent(line)) {
      const k = this.taskIds.get(evPath);
      const t = k === undefined ? undefined : this.fastIds.get(evKey);
      if (t !== undefined) {
        b.event(k!, t, lineNo);
        return null;
      }
    }
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const m = /at position (\d+)/.exec(msg);
      const clean = msg.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
      b.item({ kind: 'error', error: new InputError(`invalid JSON: ${clean}`, { file, line: lineNo, column: m ? Number(m[1]) + 1 : 1 }) });
      return null;
    }
    if (!isPlainObject(obj)) {
      b.item({ kind: 'error', error: new InputError('expected a JSON object: an event {"path", "op", ...} or a declaration {"decl", ...}', { file, line: lineNo, column: 1 }) });
      return null;
    }
    if (obj.decl !== undefined) return obj;
    this.object(obj, lineNo);
    return null;
  }

  /** An event line as JSON.parse read it. */
  private object(obj: Record<string, unknown>, lineNo: number): void {
    const { b, file } = this;
    const loc: SourceLoc = { file, line: lineNo, column: 1 };
    const path = obj.path;
    const op = obj.op;
    if (typeof path !== 'string' || typeof op !== 'string') {
      const what = obj.path === undefined && obj.op === undefined ? 'an event needs "path" and "op" (or a declaration "decl")' : typeof path !== 'string' ? 'an event needs "path": the task name, a string' : 'an event needs "op": a step name, a string';
      b.item({ kind: 'error', error: new InputError(what, loc) });
      return;
    }
    if (!this.taskIds.has(path)) {
      const p = nameProblem(path);
      if (p) {
        b.item({ kind: 'error', error: new InputError(`invalid path name ${quote(path)}: ${p}`, loc) });
        return;
      }
    }
    const name = obj.name;
    let simple = typeof name === 'string';
    if (simple) {
      let n = 0;
      for (const _k in obj) n++;
      simple = n === 3;
    }
    const key = simple ? `${op}","name":"${name as string}` : '';
    const known = simple ? this.fastIds.get(key) : undefined;
    if (known !== undefined) {
      b.event(this.taskId(path), known, lineNo);
      return;
    }
    const step = this.conv.one(simple ? { [op]: name } : eventToStep(obj), new FlatPos(loc), 1);
    if (this.pending.length) {
      // A step with an error anywhere inside is not replayed.
      for (const error of this.takePending()) b.item({ kind: 'error', error });
      return;
    }
    if (!step) return;
    if (simple && !hasBody(step) && this.templateCount < FAST_CACHE_LIMIT) {
      const t = this.templateCount++;
      b.templates.push(step);
      this.fastIds.set(key, t);
      b.event(this.taskId(path), t, lineNo);
    } else {
      this.taskId(path);
      b.item({ kind: 'step', path, step, loc });
    }
  }
}

/** `ids` with room for indexes below `to`, those from `from` unknown (-1). */
function grown(ids: Int32Array, from: number, to: number): Int32Array {
  if (to > ids.length) {
    const bigger = new Int32Array(Math.max(to, 2 * ids.length));
    bigger.set(ids);
    ids = bigger;
  }
  ids.fill(-1, from, to);
  return ids;
}

const EVENT_PATH = '{"path":"';
const EVENT_OP = '","op":"';
const EVENT_NAME = '","name":"';
/** Escapes or control characters: JSON.parse must judge the line. */
const NOT_PLAIN = /[\\\u0000-\u001f]/;

/** The fields of the last line `commonEvent` accepted (no object per line on the hot path). */
let evPath = '';
/** `OP","name":"NAME`: the op and name together, the key of their step template. */
let evKey = '';

/**
 * The shape machines write most, `{"path":"P","op":"OP","name":"N"}` with no escapes and no
 * spaces, read without JSON.parse into evPath/evKey. False: let JSON.parse read it.
 */
function commonEvent(line: string): boolean {
  const last = line.length - 1;
  if (!line.startsWith(EVENT_PATH) || line.charCodeAt(last) !== 125 || line.charCodeAt(last - 1) !== 34) return false;
  const opAt = line.indexOf(EVENT_OP, EVENT_PATH.length);
  if (opAt < 0) return false;
  const nameAt = line.indexOf(EVENT_NAME, opAt + EVENT_OP.length);
  if (nameAt < 0 || NOT_PLAIN.test(line)) return false;
  evPath = line.slice(EVENT_PATH.length, opAt);
  evKey = line.slice(opAt + EVENT_OP.length, last - 1);
  // An unescaped quote inside a value is not JSON at all: JSON.parse will say why.
  const opLength = nameAt - opAt - EVENT_OP.length;
  return !evPath.includes('"') && evKey.indexOf('"') === opLength && evKey.indexOf('"', opLength + EVENT_NAME.length) < 0;
}

/** A cached step at another location (object literals for the common ops: the hot path). */
function withLoc(t: Step, loc: SourceLoc): Step {
  switch (t.op) {
    case 'acquire':
      return { op: 'acquire', loc, label: t.label, spelling: t.spelling, lock: t.lock, mode: t.mode, subclass: t.subclass, nestLock: t.nestLock, trylock: t.trylock, irq: t.irq };
    case 'release':
      return { op: 'release', loc, label: t.label, spelling: t.spelling, lock: t.lock, irq: t.irq };
    default:
      return { ...t, loc } as Step;
  }
}

function hasBody(s: Step): boolean {
  return 'body' in s || s.op === 'if_blockable';
}

function errs(list: readonly InputError[]): TraceItem[] {
  return list.map((error) => ({ kind: 'error', error }));
}

/**
 * `readTraceBatches` with the scanning on another thread (trace-worker.ts), for long
 * streams: the main thread is left with the rest of the reading and the replay. Falls back
 * to scanning here when the built worker is not available (running from the TypeScript sources).
 */
export async function* readTraceParallel(file: string, opts: TraceReadOptions = {}): AsyncGenerator<TraceBatch> {
  const workerFile = new URL('./trace-worker.js', import.meta.url);
  if (opts.text !== undefined || import.meta.url.endsWith('.ts') || !existsSync(workerFile)) {
    yield* readTraceBatches(file, opts);
    return;
  }
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(workerFile, { workerData: { file } });
  try {
    yield* new TraceReader(file, opts).batches(workerMessages(worker));
  } finally {
    await worker.terminate();
  }
}

/**
 * What the worker scans, as `scanTrace` would yield it (a worker that fails: as a file that
 * cannot be read); a batch is acknowledged when taken. Listens at once, not when first
 * iterated: nothing the worker posts meanwhile is missed.
 */
function workerMessages(worker: import('node:worker_threads').Worker): AsyncGenerator<ScanMessage> {
  const queue: WireMessage[] = [];
  let wake: (() => void) | null = null;
  const push = (m: WireMessage) => {
    queue.push(m);
    wake?.();
  };
  worker.on('message', push);
  worker.on('error', (e) => push({ kind: 'fatal', message: e.message }));
  return (async function* () {
    for (;;) {
      if (!queue.length) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      const m = queue.shift()!;
      if (m.kind === 'fatal') {
        yield { kind: 'open-error', why: m.message };
        return;
      }
      if (m.kind === 'batch') worker.postMessage('credit');
      yield m;
      if (m.kind !== 'batch') return;
    }
  })();
}
