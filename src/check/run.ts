/**
 * Orchestration of `fencedep check`: expand the inputs into files, load and replay each one,
 * apply its expectations, and collect a RunResult for the reporters. One file's failure
 * (an input error, or even a bug) never stops the others.
 */
import { profileOf, type KernelRelease } from '../model/kernel-release.js';
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { builtinLockMap, DEFAULT_OPTIONS, InputError, InputErrors, loadScenario, readTraceBatches, readTraceParallel, TraceTables, type TraceItem } from '../load/index.js';
import type { FileResult, Finding, InputErrorInfo, RunResult, UnmetExpectation } from '../model/finding.js';
import type { SourceLoc } from '../model/location.js';
import type { FenceDecl, FenceModel, LockDecl, PathDecl, Scenario, ScenarioOptions, Step } from '../model/scenario.js';
import { analyzeScenario, applyExpectations, startAnalysis, summarize, type Analysis, type AnalyzedReplay } from '../analyze/index.js';
import type { GraphExport } from '../model/graph.js';
import type { PreparedStep } from '../replay/index.js';
import type { Task } from '../replay/task.js';
import type { ExtraInclude } from '../load/index.js';
import { selectShard, type Shard } from './shard.js';
import { fileStats } from '../analyze/stats.js';
import { Expansion, formatCount, MAX_EXPANDED_STEPS, MAX_STREAM_EXPANSION } from '../load/expansion.js';
import { MAX_ERRORS } from '../load/scenario.js';
import { notText } from '../load/source.js';
import { CONFIG_FILE_NAMES } from '../config/index.js';

export interface CheckOptions {
  /** `--kernel`: overrides the scenario's `options.kernel`. */
  readonly kernel?: KernelRelease;
  /** `--fence-model`: overrides the scenario's `options.fence_model`. */
  readonly fenceModel?: FenceModel;
  /** `--lockdep-only`: overrides the scenario's `options.lockdep_only` when set. */
  readonly lockdepOnly?: boolean;
  /** Includes added to every scenario and stream, before its own (a config file's `include`). */
  readonly include?: readonly ExtraInclude[];
  /** Opt-in rules to report (added to the scenario's `options.warn`). */
  readonly enable?: readonly string[];
  /** `--stats`: each result gets its replay's figures. */
  readonly stats?: boolean;
  /** Called as a long stream is read: the events replayed so far. */
  readonly onTraceProgress?: (file: string, events: number) => void;
}

/** Options of a whole run. */
export interface RunOptions extends CheckOptions {
  /** `--shard K/N`: only this share of the expanded inputs. */
  readonly shard?: Shard;
  /** Called after each file: how many are done of how many. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The extensions a directory is searched for. */
/** Streams longer than this are read on a worker thread (starting one costs ~30 ms). */
const PARALLEL_READ_BYTES = 8 << 20;

export const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json', '.jsonl'] as const;

/** One input after expansion: a file to check, or a path that could not be read. */
/** A file to check (`fromDirectory`: found by searching a directory), or why an input cannot be. */
export type InputFile = { readonly file: string; readonly fromDirectory?: boolean } | { readonly file: string; readonly error: string };

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

const CONFIG_FILES: ReadonlySet<string> = new Set(CONFIG_FILE_NAMES);

function isScenarioFile(name: string): boolean {
  return SCENARIO_EXTENSIONS.some((ext) => name.endsWith(ext));
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'not a directory';
  return err instanceof Error ? err.message : String(err);
}

/**
 * Every scenario file under `dir`, recursively, sorted by byte order of the whole path.
 * Hidden entries (`.git`, `.cache`…), `node_modules` and the config file (`check .` beside
 * the `fencedep.config.yaml` that `init` wrote) are skipped; symlinks are followed, except a
 * link back to a directory being walked (a loop).
 */
function walk(dir: string, ancestors: ReadonlySet<string>, out: string[]): void {
  const real = realpathSync(dir);
  if (ancestors.has(real)) return;
  const inside = new Set(ancestors).add(real);
  const entries = readdirSync(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || CONFIG_FILES.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const s = statSync(full);
        isDir = s.isDirectory();
        isFile = s.isFile();
      } catch {
        continue; // dangling link
      }
    }
    if (isDir) walk(full, inside, out);
    else if (isFile && isScenarioFile(entry.name)) out.push(full);
  }
}

/** Expand the command line's paths: directories recursively, files as given, in input order. */
export function expandInputs(inputs: readonly string[]): InputFile[] {
  const out: InputFile[] = [];
  for (const input of inputs) {
    let s;
    try {
      s = statSync(input);
    } catch (err) {
      out.push({ file: input, error: describeFsError(err) });
      continue;
    }
    if (!s.isDirectory()) {
      out.push({ file: input });
      continue;
    }
    const files: string[] = [];
    try {
      walk(input, new Set(), files);
    } catch (err) {
      out.push({ file: input, error: describeFsError(err) });
      continue;
    }
    if (files.length === 0) {
      out.push({ file: input, error: `no scenario files (${SCENARIO_EXTENSIONS.map((e) => `*${e}`).join(', ')}) in this directory` });
      continue;
    }
    files.sort(byteOrder);
    for (const file of files) out.push({ file, fromDirectory: true });
  }
  return out;
}

/** The default scenario name: the file name without its extension. */
export function defaultScenarioName(file: string): string {
  const base = path.basename(file);
  const ext = path.extname(base);
  return ext ? base.slice(0, -ext.length) : base;
}

function withOverrides(options: ScenarioOptions, opts: CheckOptions): ScenarioOptions {
  return {
    ...options,
    ...(opts.kernel !== undefined ? { kernel: profileOf(opts.kernel), release: opts.kernel } : {}),
    fenceModel: opts.fenceModel ?? options.fenceModel,
    lockdepOnly: opts.lockdepOnly ?? options.lockdepOnly,
    warn: opts.enable?.length ? [...new Set([...options.warn, ...opts.enable])] : options.warn,
  };
}

function errorInfos(err: unknown): InputErrorInfo[] | null {
  if (err instanceof InputErrors) return err.errors.map((e) => e.toInfo());
  if (err instanceof InputError) return [err.toInfo()];
  return null;
}

/** What a file's checking produced before its expectations are applied. */
interface Checked {
  readonly scenario: string;
  readonly output: Analysis;
  readonly expect: Scenario['expect'];
  readonly lookup: (name: string) => LockDecl | undefined;
  /** Errors met while reading a stream (the rest of the stream is still checked). */
  readonly errors: ErrorList;
  /** `library: true` (revision 1.1). */
  readonly library: boolean;
}

async function checkScenarioFile(file: string, opts: CheckOptions): Promise<Checked> {
  const loaded = await loadScenario(file, { include: opts.include });
  const scenario: Scenario = { ...loaded, options: withOverrides(loaded.options, opts) };
  const output = analyzeScenario(scenario);
  return {
    scenario: scenario.name,
    output,
    expect: scenario.expect,
    lookup: (name) => scenario.locks.get(name),
    errors: new ErrorList(),
    library: loaded.library === true,
  };
}

async function checkTraceFile(file: string, opts: CheckOptions): Promise<Checked> {
  let name: string | undefined;
  let expect: Scenario['expect'] = null;
  let options: ScenarioOptions = DEFAULT_OPTIONS;
  // Declarations are collected until the first event, so the stream's options may come after
  // them (not after an include or an event); from then on they go to the replayer as they
  // arrive. An included model's paths run just before the next event (or at the end), as a
  // scenario's includes run before its own paths: with every hook declared up to there, so
  // the kernel model's reclaim and notifier paths call the driver's hooks.
  const locks = builtinLockMap(); // every stream has the built-in pseudo-locks
  const fences = new Map<string, FenceDecl>();
  const functions = new Map<string, readonly Step[]>();
  const hooks = new Map<string, string[]>();
  let analysis: AnalyzedReplay | null = null;
  let metaLoc: SourceLoc | null = null;

  /** Included models' paths not run yet (a config file's includes come even before the header). */
  const pendingPaths: PathDecl[] = [];
  /** An event or an include was seen: the options can no longer change. */
  let started = false;
  const ensure = (): AnalyzedReplay => {
    const a = (analysis ??= startAnalysis({ options: withOverrides(options, opts), locks, fences, functions, hooks }));
    if (pendingPaths.length) for (const p of pendingPaths.splice(0)) a.replayer.runPath(p);
    return a;
  };
  const errors = new ErrorList();
  /** Set when the stream passes a limit: the rest of it is not checked. */
  let stopped = false;
  const stop = (message: string, loc: SourceLoc | null): void => {
    errors.last(new InputError(`${message}; the rest of the stream is not checked`, loc).toInfo());
    stopped = true;
  };
  // Calls, hooks and fence callbacks expanded: each event at most MAX_EXPANDED_STEPS, the
  // whole stream at most MAX_STREAM_EXPANSION more than its own events.
  const expansion = new Expansion({ functions, hooks, fences });
  let expanded = 0;
  /** Whether an event may run (false: refused, with an error). */
  const admit = (step: Step, loc: SourceLoc): boolean => {
    const n = expansion.ofSteps([step]);
    if (n <= 1) return true;
    if (n > MAX_EXPANDED_STEPS) {
      errors.push(new InputError(`too many steps to replay: this event runs ${formatCount(n)} steps once its calls, hooks and fence callbacks are expanded; the limit is ${formatCount(MAX_EXPANDED_STEPS)} per event (functions that each call the next several times multiply)`, loc).toInfo());
      return false;
    }
    expanded += n - 1;
    if (expanded <= MAX_STREAM_EXPANSION) return true;
    stop(`too many steps to replay: the stream's calls, hooks and fence callbacks expand to more than ${formatCount(MAX_STREAM_EXPANSION)} steps besides its events`, loc);
    return false;
  };
  // The stream's declarations are counted against MAX_LOCK_CLASSES by the reader (it stops there).
  const declareLock = (decl: LockDecl): void => {
    if (locks.has(decl.name)) return;
    locks.set(decl.name, decl);
    analysis?.replayer.declareLock(decl);
  };
  const declareFence = (decl: FenceDecl): void => {
    if (fences.has(decl.name)) return;
    fences.set(decl.name, decl);
    expansion.clear();
    analysis?.replayer.declareFence(decl);
  };
  const declareFunction = (fn: string, steps: readonly Step[]): void => {
    if (functions.has(fn)) return;
    functions.set(fn, steps);
    expansion.clear();
    analysis?.replayer.declareFunction(fn, steps);
  };
  const registerHook = (hook: string, fn: string): void => {
    let fns = hooks.get(hook);
    if (!fns) hooks.set(hook, (fns = []));
    if (fns.includes(fn)) return;
    fns.push(fn);
    expansion.clear();
    analysis?.replayer.registerHook(hook, fn);
  };

  // A stream that is not text at all is one error, not one per line.
  const head = readHead(file, STREAM_SNIFF_BYTES);
  const notAStream = head && notText(head, file, 'a JSON Lines stream', true);
  if (notAStream) throw new InputErrors([notAStream]);
  if (head && head.length < STREAM_SNIFF_BYTES && head.toString('utf8').trim() === '') {
    throw new InputErrors([new InputError('empty stream: the file has no events or declarations', { file, line: 1, column: 1 })]);
  }

  // A long stream is read on another thread while this one replays.
  const reader = statSync(file).size > PARALLEL_READ_BYTES ? readTraceParallel : readTraceBatches;
  const readOptions = { include: opts.include };
  const onItem = (item: TraceItem): void => {
    if (stopped) return;
    switch (item.kind) {
      case 'error':
        errors.push(item.error.toInfo());
        break;
      case 'meta':
        metaLoc = item.loc;
        if (item.name !== undefined) name = item.name;
        if (item.expect !== undefined) expect = item.expect;
        break;
      case 'options':
        if (started) {
          const message = 'the stream\'s options (its "scenario" line) must come before its first event or include';
          errors.push(new InputError(message, metaLoc ?? { file, line: 1, column: 1 }).toInfo());
        } else {
          options = item.options;
        }
        break;
      case 'lock':
        declareLock(item.decl);
        break;
      case 'function':
        declareFunction(item.name, item.steps);
        break;
      case 'hook':
        registerHook(item.hook, item.fn);
        break;
      case 'fence':
        declareFence(item.decl);
        break;
      case 'include': {
        const inc = item.scenario;
        for (const decl of inc.locks.values()) declareLock(decl);
        for (const decl of inc.fences.values()) declareFence(decl);
        for (const [fn, steps] of inc.functions) declareFunction(fn, steps);
        for (const [hook, fns] of inc.hooks) for (const fn of fns) registerHook(hook, fn);
        if (!item.preset) started = true;
        for (const p of inc.paths) pendingPaths.push(p);
        break;
      }
      case 'step':
        started = true;
        if (admit(item.step, item.loc)) ensure().replayer.step(item.path, item.step, item.loc);
        break;
    }
  };
  // Most events are a task and a step template by their index in the tables: each looked up once.
  const tables = new TraceTables();
  const tasks: Task[] = [];
  const prepared: PreparedStep[] = [];
  /** Per template: 1 if its op may run functions (sized before it runs), 0 if not, undefined until seen. */
  const expanding: (0 | 1)[] = [];
  const onEvent = (task: number, template: number, line: number): void => {
    if (stopped) return;
    started = true;
    const step = tables.templates[template]!;
    // The common events (a lock, an unlock) call nothing: only calls and hooks are sized.
    if ((expanding[template] ??= EXPANDING_OPS.has(step.op) ? 1 : 0) === 1 && !admit(step, { file, line, column: 1 })) return;
    const r = (analysis !== null && pendingPaths.length === 0 ? analysis : ensure()).replayer;
    r.stepPrepared(tasks[task] ?? (tasks[task] = r.task(tables.tasks[task]!)), prepared[template] ?? (prepared[template] = r.prepare(step)), file, line);
  };
  let events = 0;
  for await (const batch of reader(file, readOptions)) {
    tables.replayIndexes(batch, onEvent, onItem);
    events += batch.events.length / 3;
    opts.onTraceProgress?.(file, events);
    if (stopped) break;
  }

  // A broken line is reported with its number; the rest of the stream is still checked.
  const output = ensure().finish();
  return {
    scenario: name ?? defaultScenarioName(file),
    output,
    expect,
    lookup: (n) => locks.get(n),
    errors,
    library: false,
  };
}

/** Steps that may run functions (calls, hooks, fence callbacks): a stream's events of these are sized. */
const EXPANDING_OPS: ReadonlySet<Step['op']> = new Set<Step['op']>(['call', 'invoke', 'fence_wait', 'fence_enable', 'fence_signal', 'fence_put', 'mmu_notifier', 'pm_runtime']);

/** How much of a stream is looked at for binary content before it is read. */
const STREAM_SNIFF_BYTES = 64 * 1024;

/** The first `n` bytes of a file, or null if it cannot be read (the reader reports why). */
function readHead(file: string, n: number): Buffer | null {
  let fd;
  try {
    // Without blocking: a FIFO is not waited on (the stream reader refuses what is not a regular file).
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return null;
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * A file's input errors as they are found: an error already listed (same message and place)
 * is dropped, and past MAX_ERRORS errors are only counted (a stream of a million broken lines is a hundred errors
 * and a count, not a million).
 */
class ErrorList {
  private readonly kept: InputErrorInfo[] = [];
  private more = 0;
  private firstMore: InputErrorInfo | null = null;
  private final: InputErrorInfo | null = null;

  /** The error that ended the reading: always listed, last. */
  last(e: InputErrorInfo): void {
    this.final = e;
  }

  private readonly seen = new Set<string>();

  push(e: InputErrorInfo): void {
    if (this.kept.length < MAX_ERRORS) {
      // The same error at the same place (a function called from several paths) once.
      const key = `${e.file}\u0000${e.line}\u0000${e.column}\u0000${e.message}`;
      if (this.seen.has(key)) return;
      this.seen.add(key);
      this.kept.push(e);
    } else if (this.more++ === 0) this.firstMore = e;
  }

  list(): InputErrorInfo[] {
    const out = [...this.kept];
    if (this.more > 0) {
      const { message: _m, ...loc } = this.firstMore!;
      out.push({ ...loc, message: `... and ${this.more} more error${this.more === 1 ? '' : 's'}` });
    }
    if (this.final) out.push(this.final);
    return out;
  }
}

function errorResult(file: string, scenario: string, errors: InputErrorInfo[]): FileResult {
  return { file, scenario, status: 'error', findings: [], unmet: [], errors };
}

/** Check one file: never throws. */
export async function checkFile(file: string, opts: CheckOptions = {}, fromDirectory = false): Promise<FileResult> {
  return (await inspectFile(file, opts, fromDirectory)).result;
}

/** A file's check result with the dependency graph its replay built (`fencedep graph`, `diff`). */
export interface InspectedFile {
  readonly result: FileResult;
  /** null when the file could not be loaded. */
  readonly graph: GraphExport | null;
}

/** Check one file (a scenario or a stream) and keep its dependency graph: never throws. */
export async function inspectFile(file: string, opts: CheckOptions = {}, fromDirectory = false): Promise<InspectedFile> {
  // Node loads `performance` on first use (~2 ms of a one-file check's start): read only for --stats.
  const started = opts.stats ? performance.now() : 0;
  let checked: Checked;
  try {
    checked = file.endsWith('.jsonl') ? await checkTraceFile(file, opts) : await checkScenarioFile(file, opts);
  } catch (err) {
    const infos = errorInfos(err);
    if (infos) return { result: errorResult(file, defaultScenarioName(file), infos), graph: null };
    if (process.env.FENCEDEP_DEBUG === '1' && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    const message = err instanceof Error ? err.message : String(err);
    return { result: errorResult(file, defaultScenarioName(file), [{ message: `internal error: ${message}`, file }]), graph: null };
  }
  // A library found by searching a directory is only included by others: listed, not checked alone (docs/scenario-format.md §13).
  if (checked.library && fromDirectory && checked.output.errors.length === 0)
    return { result: { file, scenario: checked.scenario, status: 'library', findings: [], unmet: [], errors: [] }, graph: null };
  const verdict = applyExpectations(checked.output.findings, checked.expect, checked.lookup);
  // The replay's errors after the stream's, at most MAX_ERRORS in all.
  for (const e of checked.output.errors) checked.errors.push(e.toInfo());
  const errors = checked.errors.list();
  const findings: readonly Finding[] = verdict.findings;
  const unmet: readonly UnmetExpectation[] = verdict.unmet;
  const status = errors.length > 0 ? 'error' : verdict.passed ? 'pass' : 'fail';
  const result: FileResult = { file, scenario: checked.scenario, status, findings, unmet, errors };
  const { stats, graph } = checked.output;
  return { result: opts.stats ? { ...result, stats: fileStats(stats, graph, performance.now() - started) } : result, graph };
}

/** `fencedep check`: every input, in order; directories expanded in byte order. */
export async function checkInputs(inputs: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const files = selectShard(expandInputs(inputs), opts.shard);
  const results: FileResult[] = [];
  for (const input of files) {
    if ('error' in input) {
      results.push(errorResult(input.file, defaultScenarioName(input.file), [{ message: input.error, file: input.file }]));
    } else {
      results.push(await checkFile(input.file, opts, input.fromDirectory === true));
    }
    opts.onProgress?.(results.length, files.length);
  }
  return summarize(results);
}
