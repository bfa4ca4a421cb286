/**
 * Declarations, one implementation for scenario files and JSON Lines streams: lock classes
 * (docs/scenario-format.md §3), fences (docs/scenario-format.md §5), functions, hooks and paths, with their duplicates, undeclared names,
 * recursion and the class limit, and one set of messages for all of them.
 *
 * A scenario file declares everything first and converts steps afterwards (a name may be
 * used before it is declared); a stream declares line by line, each name before its use.
 * Both go through `Declarations`: declare, then `convertPending()`, then the checks.
 */
import { MAX_LOCK_CLASSES, tooManyDeclaredClasses } from '../model/limits.js';
import { RCU_LOCK_CLASSES } from '../model/lock-types.js';
import { profileOf, releaseOf } from '../model/kernel-release.js';
import type { CodeLoc, SourceLoc } from '../model/location.js';
import { canonicalHook, hookNames } from '../model/vocabulary.js';
import type { ConvertedModels } from './model-cache.js';
import { builtinModelOf } from './models.js';
import { DEFAULT_WW_CLASS, wwAcquireLock, type Expectation, type FenceDecl, type LockDecl, type PathContext, type PathDecl, type Scenario, type ScenarioOptions, type Step } from '../model/scenario.js';
import { InputError, didYouMean, didYouMeanAny } from './errors.js';
import { modelEntries, notIncludedHint } from './model-docs.js';
import { builtinLockMap, nameProblem, parseLockRef, printableProblem, quote, sameLockDecl } from './names.js';
import type { Pos } from './pos.js';
import type { ExpectationInput, FenceInput, LockInput, OptionsInput, PathInput, ScenarioFile } from './schema.js';
import { StepConverter, checkVariables, forEachStep, isKernelHook, parseAt, substitute, type StepEnv } from './steps.js';
import { formatCount } from './expansion.js';

/** Instances of functions with arguments (docs/scenario-format.md §12) one scenario may make: far beyond any real design. */
export const MAX_FUNCTION_INSTANCES = 20_000;


export const DEFAULT_OPTIONS: ScenarioOptions = Object.freeze({ kernel: '6.13', release: null, lockdepOnly: false, fenceModel: 'lockdep', warn: Object.freeze([]) as readonly string[] });

/**
 * A lock declaration from its validated input. `keyLoc` is where the name was written
 * (the declaration's location), `valuePos` the position of the value (for field errors).
 */
export function buildLockDecl(name: string, input: LockInput, keyLoc: SourceLoc, valuePos: Pos, errors: InputError[]): LockDecl | null {
  const np = nameProblem(name);
  if (np) {
    const hint = name.includes('[') ? ' (a lockdep-style name such as `&js->queue[j].lock` goes in `lockdep:`)' : '';
    errors.push(new InputError(`invalid lock name ${quote(name)}: ${np}${hint}`, keyLoc));
    return null;
  }
  const long = typeof input === 'string' ? { type: input } : input;
  const type = long.type;
  let ok = true;
  if (long.lockdep !== undefined) {
    const p = printableProblem(long.lockdep);
    if (p) {
      errors.push(new InputError(`lock ${quote(name)}: \`lockdep\` ${p}`, valuePos.child('lockdep').loc()));
      ok = false;
    }
  }
  if (long.ww_class !== undefined && type !== 'ww_mutex') {
    errors.push(new InputError(`lock ${quote(name)}: \`ww_class\` is only for a ww_mutex, and this is a ${type}`, valuePos.keyLoc('ww_class')));
    ok = false;
  }
  if (type === 'ww_mutex') {
    const wwClass = long.ww_class ?? DEFAULT_WW_CLASS;
    const np2 = nameProblem(wwClass);
    if (np2) {
      errors.push(new InputError(`lock ${quote(name)}: invalid \`ww_class\` ${quote(wwClass)}: ${np2}`, valuePos.child('ww_class').loc()));
      return null;
    }
    const lockdep = `${wwClass}_mutex`;
    if (long.lockdep !== undefined && long.lockdep !== lockdep) {
      errors.push(
        new InputError(
          `lock ${quote(name)}: every ww_mutex of a ww class is the one lockdep class \`<ww_class>_mutex\`, here ${quote(lockdep)}; remove \`lockdep\` (or set \`ww_class\`)`,
          valuePos.child('lockdep').loc(),
        ),
      );
      ok = false;
    }
    if (!ok) return null;
    return withOptional({ name, type, lockdep, wwClass, loc: keyLoc }, long.description);
  }
  if (!ok) return null;
  return withOptional({ name, type, lockdep: long.lockdep ?? name, loc: keyLoc }, long.description);
}

function withOptional(d: Omit<LockDecl, 'description'>, description: string | undefined): LockDecl {
  return description === undefined ? d : { ...d, description };
}

/**
 * A fence declaration (docs/scenario-format.md §5). Without `lock:` the fence gets a spinlock class of its own,
 * `<name>->lock`, which is declared in `locks` here. Its functions are checked by the caller.
 */
export function buildFenceDecl(
  name: string, input: FenceInput, keyLoc: SourceLoc, valuePos: Pos, locks: Map<string, LockDecl>, errors: InputError[],
): FenceDecl | null {
  const np = nameProblem(name);
  if (np) {
    errors.push(new InputError(`invalid fence name ${quote(name)}: ${np}`, keyLoc));
    return null;
  }
  let lock;
  if (input.lock === undefined) {
    const own = `${name}->lock`;
    if (!locks.has(own)) locks.set(own, { name: own, type: 'spinlock', lockdep: own, loc: keyLoc });
    lock = { cls: own, instance: null };
  } else {
    const ref = parseLockRef(input.lock);
    const at = valuePos.child('lock').loc();
    if ('error' in ref) {
      errors.push(new InputError(`fence ${quote(name)}: \`lock\` ${quote(input.lock)}: ${ref.error}`, at));
      return null;
    }
    const decl = locks.get(ref.cls);
    if (!decl) {
      errors.push(new InputError(`fence ${quote(name)}: undeclared lock ${quote(ref.cls)}${didYouMean(ref.cls, locks.keys()) || ' (declare it under `locks:`)'}`, at));
      return null;
    }
    if (decl.type !== 'spinlock' && decl.type !== 'raw_spinlock') {
      errors.push(new InputError(`fence ${quote(name)}: the lock passed to dma_fence_init is a spinlock, and ${quote(ref.cls)} is a ${decl.type}`, at));
      return null;
    }
    lock = ref;
  }
  const fence: FenceDecl = {
    name, lock, loc: keyLoc,
    signalledIn: input.signalled_in ?? 'process',
    enableSignaling: input.enable_signaling ?? null,
    release: input.release ?? null,
    callbacks: input.callbacks ?? [],
  };
  return input.description === undefined ? fence : { ...fence, description: input.description };
}

/** The functions a fence names (for the caller to check they exist). */
export function fenceFunctions(f: FenceDecl): { fn: string; field: string; index?: number }[] {
  const out: { fn: string; field: string; index?: number }[] = [];
  if (f.enableSignaling) out.push({ fn: f.enableSignaling, field: 'enable_signaling' });
  if (f.release) out.push({ fn: f.release, field: 'release' });
  f.callbacks.forEach((fn, index) => out.push({ fn, field: 'callbacks', index }));
  return out;
}

/** Options of a scenario, defaults filled in. */
export function buildOptions(input: OptionsInput | undefined): ScenarioOptions {
  if (!input) return DEFAULT_OPTIONS;
  const release = input.kernel !== undefined ? releaseOf(input.kernel) : null;
  return {
    kernel: release ? profileOf(release) : DEFAULT_OPTIONS.kernel,
    release,
    lockdepOnly: input.lockdep_only ?? false,
    fenceModel: input.fence_model ?? DEFAULT_OPTIONS.fenceModel,
    warn: input.warn ? [...new Set(input.warn)] : [],
  };
}

/** Structural equality of two plain values (JSON-like), without recursion; false past `limit` nodes. */
export function sameValue(a: unknown, b: unknown, limit = 1_000_000): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  let seen = 0;
  while (stack.length) {
    const [x, y] = stack.pop()!;
    if (++seen > limit) return false;
    if (x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x)) {
      const ya = y as unknown[];
      if (x.length !== ya.length) return false;
      for (let i = 0; i < x.length; i++) stack.push([x[i], ya[i]]);
      continue;
    }
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length) return false;
    for (const k of kx) {
      if (!Object.prototype.hasOwnProperty.call(y, k)) return false;
      stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]]);
    }
  }
  return true;
}

export function formatPlace(loc: SourceLoc): string {
  return loc.line > 0 ? `${loc.file}:${loc.line}:${loc.column}` : loc.file;
}

/** Scenario files declare under top-level keys; streams on `{"decl": ...}` lines. */
export type DeclFormat = 'file' | 'stream';

/** How to declare a missing name, in the words of the input's format. */
/**
 * Where the paths an expectation may name are, when none is close to the one it gives: the
 * file's own, and the included models' (which `fencedep explain <model>` lists).
 */
function knownPaths(paths: ReadonlySet<string>, format: DeclFormat): string {
  const modelOf = new Map(modelEntries().flatMap((e) => (e.kind === 'path' ? [[e.name, e.model] as const] : [])));
  const own = [...paths].filter((p) => !modelOf.has(p));
  const models = [...new Set([...paths].flatMap((p) => modelOf.get(p) ?? []))].sort();
  const file = format === 'file' ? 'scenario' : 'stream';
  const shown = own.slice(0, 4).map(quote).join(', ') + (own.length > 4 ? `, and ${own.length - 4} more` : '');
  const ownText = own.length ? ` of this ${file} (${shown})` : '';
  const modelText = models.length ? ` of an included model: ${models.join(', ')}, whose paths \`fencedep explain <model>\` lists` : '';
  if (!ownText && !modelText) return ` (this ${file} has no paths)`;
  return ` (expected a path${[ownText, modelText].filter(Boolean).join(' or')})`;
}

function declareHint(format: DeclFormat, kind: 'function'): string {
  return format === 'file' ? ` (declare it under \`${kind}s:\`)` : ` (declare it on a {"decl":"${kind}"} line before it is used)`;
}

/**
 * A function: its input (to compare a second declaration with), its parameters, `at` and
 * step list (long form, docs/scenario-format.md §12), and, once converted, its steps (a function with parameters is
 * converted per argument list, as an instance).
 */
interface FunctionEntry {
  readonly loc: SourceLoc;
  readonly raw: unknown;
  readonly pos: Pos;
  readonly params: readonly string[];
  readonly at: CodeLoc | undefined;
  readonly stepsRaw: unknown;
  readonly stepsPos: Pos;
  steps: readonly Step[] | null;
  /** Its `$` names checked (done once). */
  checked: boolean;
}

/** A function's steps, parameters and `at`, from its short (a list) or long form (docs/scenario-format.md §12). */
function functionForm(body: unknown, pos: Pos, report: (e: InputError) => void): Pick<FunctionEntry, 'params' | 'at' | 'stepsRaw' | 'stepsPos'> {
  if (Array.isArray(body) || body === null || typeof body !== 'object') return { params: [], at: undefined, stepsRaw: body, stepsPos: pos };
  const f = body as { params?: string[]; at?: string; steps: unknown };
  const params: string[] = [];
  (f.params ?? []).forEach((p, i) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) report(new InputError(`parameter ${quote(p)}: expected a C identifier (letters, digits, _), as \`$${p}\` names it in the steps`, pos.child('params').child(i).loc()));
    else if (params.includes(p)) report(new InputError(`parameter ${quote(p)} is declared twice`, pos.child('params').child(i).loc()));
    else params.push(p);
  });
  let at: CodeLoc | undefined;
  if (f.at !== undefined) {
    at = parseAt(f.at) ?? undefined;
    if (!at) report(new InputError(`\`at\`: expected "path:line" or "path:line:column" (where the function is in the C code), got ${quote(f.at)}`, pos.child('at').loc()));
  }
  return { params, at, stepsRaw: f.steps, stepsPos: pos.child('steps') };
}

interface FenceEntry {
  readonly fence: FenceDecl;
  readonly pos: Pos;
  readonly raw: unknown;
}

interface HookEntry {
  readonly fn: string;
  readonly loc: SourceLoc;
}

interface PathEntry {
  readonly raw: PathInput;
  readonly loc: SourceLoc;
  readonly pos: Pos;
  decl: PathDecl | null;
}

/**
 * The names of one scenario or stream. Every `declare*` reports what is wrong and returns
 * whether the name is newly declared; a name declared again identically is accepted (an
 * include shared by two models, a stream that repeats its declarations), except a path
 * written twice in one file; declared again differently, it is an error naming both places.
 */
export class Declarations implements StepEnv {
  readonly locks: Map<string, LockDecl> = builtinLockMap();
  readonly fences = new Map<string, FenceEntry>();
  readonly functions = new Map<string, FunctionEntry>();
  readonly hooks = new Map<string, HookEntry[]>();
  readonly paths = new Map<string, PathEntry>();
  readonly conv: StepConverter;
  /** Functions called with arguments: instance key (`fn(a, b)`) → its steps and the function it instantiates. */
  readonly instances = new Map<string, { readonly of: string; steps: readonly Step[] }>();
  private readonly instantiating = new Set<string>();
  /** Locks and fences declared (the built-in pseudo-locks not counted). */
  private classes = 0;
  /** While a stream's function is converted: the hooks it invokes may be registered later. */
  private anyHook = false;

  constructor(
    readonly format: DeclFormat,
    private readonly report: (e: InputError) => void,
  ) {
    this.conv = new StepConverter(this, report, { stream: format === 'stream' });
  }

  /**
   * A copy of these declarations, all converted, to declare more in (errors going to
   * `report`): the built-in models' declarations made once per process and shared by every
   * file that includes them (model-layer.ts). Entries are not changed once converted, so the
   * maps are copied and their entries shared; a hook's registrations are a list a later
   * file appends to, so those are copied.
   */
  fork(report: (e: InputError) => void): Declarations {
    const copy = new Declarations(this.format, report);
    for (const [name, d] of this.locks) copy.locks.set(name, d);
    for (const [name, e] of this.fences) copy.fences.set(name, e);
    for (const [name, f] of this.functions) copy.functions.set(name, f);
    for (const [hook, regs] of this.hooks) copy.hooks.set(hook, [...regs]);
    for (const [name, e] of this.paths) copy.paths.set(name, e);
    for (const [key, i] of this.instances) copy.instances.set(key, i);
    copy.classes = this.classes;
    return copy;
  }

  /**
   * Take the steps of every function and path declared so far from `converted` (the build's
   * conversion of the same models, model-layer.ts) instead of converting them; false, and
   * nothing taken, when it lacks one.
   */
  adoptConverted(converted: ConvertedModels): boolean {
    const has = (table: object, name: string): boolean => Object.hasOwn(table, name);
    for (const [name, f] of this.functions) if (f.params.length === 0 && !has(converted.functions, name)) return false;
    for (const name of this.paths.keys()) if (!has(converted.paths, name)) return false;
    for (const [name, f] of this.functions) {
      if (f.params.length === 0) f.steps = converted.functions[name]!;
      f.checked = true;
    }
    for (const [name, e] of this.paths) e.decl = converted.paths[name]!;
    for (const [key, i] of Object.entries(converted.instances)) this.instances.set(key, { of: i.of, steps: i.steps });
    return true;
  }

  /** What `adoptConverted` takes: the steps converted so far, as data. */
  converted(): ConvertedModels {
    // Keyed by names a file chose: no prototype for a `__proto__` to reach.
    const functions: Record<string, readonly Step[]> = Object.create(null);
    for (const [name, f] of this.functions) if (f.steps) functions[name] = f.steps;
    const paths: Record<string, PathDecl> = Object.create(null);
    for (const [name, e] of this.paths) if (e.decl) paths[name] = e.decl;
    const instances: Record<string, { of: string; steps: readonly Step[] }> = Object.create(null);
    for (const [key, i] of this.instances) instances[key] = i;
    return { functions, instances, paths };
  }

  /** Every path declared, converted, in declaration order (after `convertPending`). */
  convertedPaths(): PathDecl[] {
    return [...this.paths.values()].flatMap((e) => (e.decl ? [e.decl] : []));
  }

  /** Past MAX_LOCK_CLASSES: nothing more is declared (the limit is reported once). */
  get overClassLimit(): boolean {
    return this.classes > MAX_LOCK_CLASSES;
  }

  private countClass(loc: SourceLoc): boolean {
    if (++this.classes <= MAX_LOCK_CLASSES) return true;
    if (this.classes === MAX_LOCK_CLASSES + 1) {
      // A stream stops there; a file is not checked further either (the class names, unknown).
      const rest = this.format === 'stream' ? '; the rest of the stream is not checked' : '';
      this.report(new InputError(`${tooManyDeclaredClasses()}${rest}`, loc));
    }
    return false;
  }

  /** Declared twice in one scenario file, identically or not (a stream may repeat a declaration). */
  private twiceInOneFile(first: SourceLoc, second: SourceLoc): boolean {
    return this.format === 'file' && first.file === second.file;
  }

  /** Every declaration of a scenario file (its includes' before it). */
  declareFile(data: ScenarioFile, pos: Pos): void {
    const lp = pos.child('locks');
    for (const [name, input] of Object.entries(data.locks ?? {})) {
      if (this.overClassLimit) break;
      this.declareLock(name, input, lp.keyLoc(name), lp.child(name));
    }
    const fp = pos.child('fences');
    for (const [name, input] of Object.entries(data.fences ?? {})) {
      if (this.overClassLimit) break;
      this.declareFence(name, input, fp.keyLoc(name), fp.child(name));
    }
    const fnp = pos.child('functions');
    for (const [name, body] of Object.entries(data.functions ?? {})) this.declareFunction(name, body, fnp.keyLoc(name), fnp.child(name));
    const hp = pos.child('hooks');
    for (const [hook, fns] of Object.entries(data.hooks ?? {})) {
      const at = hp.child(hook);
      // `hook: []` declares an ops-table slot that a model invokes, with nothing registered yet
      if (fns.length === 0 && !nameProblem(hook) && !this.hooks.has(canonicalHook(hook))) this.hooks.set(canonicalHook(hook), []);
      fns.forEach((fn, i) => this.registerHook(hook, fn, hp.keyLoc(hook), at.child(i).loc()));
    }
    const pp = pos.child('paths');
    (data.paths ?? []).forEach((p, i) => this.declarePath(p, pp.child(i)));
  }

  /** A lock class: the new declaration, or null. */
  declareLock(name: string, input: LockInput, keyLoc: SourceLoc, valuePos: Pos): LockDecl | null {
    const errors: InputError[] = [];
    const decl = buildLockDecl(name, input, keyLoc, valuePos, errors);
    errors.forEach(this.report);
    if (!decl) return null;
    const prev = this.locks.get(name);
    if (prev) {
      if (!sameLockDecl(prev, decl)) this.report(duplicate('lock', name, prev.loc, keyLoc, false, describeBuiltin(prev)));
      return null;
    }
    if (!this.countClass(keyLoc)) return null;
    this.locks.set(name, decl);
    return decl;
  }

  /** A fence (and its own lock class when it has no `lock:`): the new declaration, or null. */
  declareFence(name: string, input: FenceInput, keyLoc: SourceLoc, valuePos: Pos): FenceDecl | null {
    const errors: InputError[] = [];
    const prev = this.fences.get(name);
    if (!prev && !this.countClass(keyLoc)) return null;
    // A second declaration is only compared: its own lock class (if any) is not declared.
    const fence = buildFenceDecl(name, input, keyLoc, valuePos, prev ? new Map(this.locks) : this.locks, errors);
    errors.forEach(this.report);
    if (!fence) return null;
    if (prev) {
      const same = sameValue(prev.raw, input);
      if (!same || this.twiceInOneFile(prev.fence.loc, keyLoc)) this.report(duplicate('fence', name, prev.fence.loc, keyLoc, same));
      return null;
    }
    this.fences.set(name, { fence, pos: valuePos, raw: input });
    return fence;
  }

  /** A function, its steps converted by `convertPending` (or at once, for a stream). */
  declareFunction(name: string, body: unknown, loc: SourceLoc, pos: Pos): boolean {
    const np = nameProblem(name);
    if (np) {
      this.report(new InputError(`invalid function name ${quote(name)}: ${np}`, loc));
      return false;
    }
    const prev = this.functions.get(name);
    if (prev) {
      const same = sameValue(prev.raw, body);
      const model = builtinModelOf(prev.loc.file);
      // A model grew a function of the name a driver file wrote itself: say how to use the model's.
      const extra = model && !same ? ` (the built-in model ${model} models it: drop yours and write \`call: ${prev.params.length ? `${name}(${prev.params.join(', ')})` : name}\` — \`fencedep explain ${name}\` — or give yours another name)` : '';
      if (!same || this.twiceInOneFile(prev.loc, loc)) this.report(duplicate('function', name, prev.loc, loc, same, extra));
      return false;
    }
    this.functions.set(name, { loc, raw: body, pos, steps: null, checked: false, ...functionForm(body, pos, this.report) });
    return true;
  }

  /** Forget a fence again (a stream's fence naming functions not declared). */
  undeclareFence(name: string): void {
    this.fences.delete(name);
  }

  /** Forget a function again (a stream's function whose steps are wrong or recurse). */
  undeclareFunction(name: string): void {
    this.functions.delete(name);
  }

  /** `fn` registered for `hook` (once); whether `fn` exists is for `hookProblems`. */
  registerHook(name: string, fn: string, keyLoc: SourceLoc, loc: SourceLoc): boolean {
    const np = nameProblem(name);
    if (np) {
      this.report(new InputError(`invalid hook name ${quote(name)}: ${np}`, keyLoc));
      return false;
    }
    const hook = canonicalHook(name);
    let list = this.hooks.get(hook);
    if (!list) this.hooks.set(hook, (list = []));
    if (list.some((r) => r.fn === fn)) return false;
    list.push({ fn, loc });
    return true;
  }

  /** Undo the last `registerHook(hook, ...)` (a stream's registration that recurses). */
  unregisterLastHook(name: string): void {
    const hook = canonicalHook(name);
    const list = this.hooks.get(hook);
    list?.pop();
    if (list?.length === 0) this.hooks.delete(hook);
  }

  declarePath(p: PathInput, pos: Pos): boolean {
    const nameLoc = pos.child('name').loc();
    const np = nameProblem(p.name);
    if (np) {
      this.report(new InputError(`invalid path name ${quote(p.name)}: ${np}`, nameLoc));
      return false;
    }
    const prev = this.paths.get(p.name);
    if (prev) {
      const same = sameValue(prev.raw, p);
      if (!same || this.twiceInOneFile(prev.loc, nameLoc)) this.report(duplicate('path', p.name, prev.loc, nameLoc, same));
      return false;
    }
    this.paths.set(p.name, { raw: p, loc: pos.loc(), pos, decl: null });
    return true;
  }

  /**
   * Convert the steps of every function and path declared since the last call, now that
   * the names they use are declared; the paths converted, in order.
   */
  convertPending(): PathDecl[] {
    for (const [name, f] of this.functions) {
      if (f.checked) continue;
      f.checked = true;
      if (checkVariables(f.stepsRaw, f.stepsPos, f.params, `function ${quote(name)}`, this.report) && f.params.length === 0)
        f.steps = this.conv.functionBody(f.stepsRaw, f.stepsPos, f.at);
    }
    const out: PathDecl[] = [];
    for (const e of this.paths.values()) {
      if (e.decl) continue;
      const p = e.raw;
      e.decl = {
        name: p.name,
        context: (p.context ?? 'process') as PathContext,
        irqsEnabled: (p.irqs ?? 'enabled') === 'enabled',
        ...(p.work ? { work: { item: p.work.item, queue: p.work.queue } } : {}),
        steps: p.steps && checkVariables(p.steps, e.pos.child('steps'), [], `path ${quote(p.name)}`, this.report) ? this.conv.functionBody(p.steps, e.pos.child('steps'), undefined) : [],
        loc: e.loc,
      };
      out.push(e.decl);
    }
    return out;
  }

  /**
   * A stream's function, converted at once: the hooks it invokes may be registered by later
   * lines. Declared while converted, so a call of itself is recursion, not an undeclared name.
   */
  convertFunctionNow(name: string): readonly Step[] {
    const f = this.functions.get(name)!;
    this.anyHook = true;
    try {
      f.checked = true;
      f.steps = this.conv.list(f.raw, f.pos, 1);
    } finally {
      this.anyHook = false;
    }
    return f.steps;
  }

  undeclaredFunction(owner: string, fn: string, at: SourceLoc): InputError {
    const hint = notIncludedHint(fn, this.format) || didYouMean(fn, this.functions.keys()) || declareHint(this.format, 'function');
    return new InputError(`${owner}: undeclared function ${quote(fn)}${hint}`, at);
  }

  /** Registrations naming a function that is not declared: forgotten, each reported once. */
  dropUndeclaredHookFunctions(): InputError[] {
    const out: InputError[] = [];
    for (const [hook, regs] of this.hooks) {
      const bad = regs.filter((r) => !this.functions.has(r.fn) || this.functions.get(r.fn)!.params.length > 0);
      if (!bad.length) continue;
      for (const r of bad) {
        const f = this.functions.get(r.fn);
        if (!f) out.push(this.undeclaredFunction(`hook ${quote(hook)}`, r.fn, r.loc));
        else if (f.params.length) out.push(new InputError(`hook ${quote(hook)}: function ${quote(r.fn)} has parameters (${f.params.join(', ')}); a function registered on a hook takes none`, r.loc));
      }
      this.hooks.set(hook, regs.filter((r) => this.functions.has(r.fn) && !this.functions.get(r.fn)!.params.length));
    }
    return out;
  }

  /** Functions a fence names that are not declared; `at` for a stream's line, else each field. */
  fenceProblems(name: string, at?: SourceLoc): InputError[] {
    const e = this.fences.get(name);
    if (!e) return [];
    const out: InputError[] = [];
    for (const { fn, field, index } of fenceFunctions(e.fence)) {
      const f = this.functions.get(fn);
      if (f && !f.params.length) continue;
      const loc = at ?? (index === undefined ? e.pos.child(field).loc() : e.pos.child(field).child(index).loc());
      if (f) out.push(new InputError(`fence ${quote(name)}: function ${quote(fn)} has parameters (${f.params.join(', ')}); the kernel calls fence operations with none`, loc));
      else out.push(this.undeclaredFunction(`fence ${quote(name)}`, fn, loc));
    }
    return out;
  }

  /** Functions reaching themselves through `call` or `invoke`. */
  recursion(): InputError[] {
    const out: InputError[] = [];
    checkRecursion(this.functionSteps(), this.hookMap(), (e) => out.push(e));
    return out;
  }

  /** The converted functions. */
  functionSteps(): Map<string, readonly Step[]> {
    const out = new Map<string, readonly Step[]>();
    for (const [name, f] of this.functions) if (f.steps) out.set(name, f.steps);
    for (const [key, i] of this.instances) out.set(key, i.steps);
    return out;
  }

  /** Hook → its registered functions that are declared, in registration order. */
  hookMap(): Map<string, readonly string[]> {
    const out = new Map<string, readonly string[]>();
    for (const [hook, regs] of this.hooks) out.set(hook, regs.filter((r) => this.functions.has(r.fn)).map((r) => r.fn));
    return out;
  }

  fenceDecls(): Map<string, FenceDecl> {
    return new Map([...this.fences].map(([n, f]) => [n, f.fence]));
  }

  /** The `involves` and `path` names of expectations that name nothing declared. */
  expectProblems(expect: readonly ExpectationInput[], pos: (i: number) => Pos, paths: ReadonlySet<string> = new Set(this.paths.keys())): InputError[] {
    const out: InputError[] = [];
    const known = involvableNames(this.locks);
    expect.forEach((x, i) => {
      const ip = pos(i);
      if (x.path !== undefined && !paths.has(x.path)) {
        const hint = didYouMeanAny(x.path, paths) || knownPaths(paths, this.format);
        out.push(new InputError(`expect: unknown path ${quote(x.path)}${hint}`, ip.child('path').loc()));
      }
      (x.involves ?? []).forEach((n, j) => {
        if (known.has(n) || isImplicitClass(n)) return;
        const what = `a declared lock by its name or lockdep name, a ww class lock, or ${RCU_LOCKS.join(', ')}`;
        out.push(new InputError(`expect: ${quote(n)} is not a lock of this ${this.format === 'file' ? 'scenario' : 'stream'} (${what})${didYouMean(n, known)}`, ip.child('involves').child(j).loc()));
      });
    });
    return out;
  }

  /** The scenario so far, with `paths`. */
  scenario(head: { file: string; name: string; description: string | null; expect: Scenario['expect']; options: ScenarioOptions }, paths: readonly PathDecl[]): Scenario {
    return { ...head, locks: this.locks, fences: this.fenceDecls(), functions: this.functionSteps(), hooks: this.hookMap(), paths };
  }

  // StepEnv
  lock(name: string): LockDecl | undefined {
    return this.locks.get(name);
  }
  lockNames(): Iterable<string> {
    return this.locks.keys();
  }
  hasFunction(name: string): boolean {
    return this.functions.has(name);
  }
  functionNames(): Iterable<string> {
    return this.functions.keys();
  }
  hasHook(name: string): boolean {
    const hook = canonicalHook(name);
    return this.anyHook || this.hooks.has(hook) || isKernelHook(hook);
  }
  hookNames(): Iterable<string> {
    return this.hooks.keys();
  }
  hasFence(name: string): boolean {
    return this.fences.has(name);
  }
  /**
   * Functions with parameters whose steps invoke `hook`: they run only when called, so a hook
   * they invoke is never invoked by a file that does not call them (said in that error).
   */
  templatesInvoking(hook: string): string[] {
    // `invoke: H` or `invoke: {hook: H, ...}`, as written under any of its names (the steps exist only per call).
    const needles = hookNames(hook).flatMap((h) => [JSON.stringify({ invoke: h }).slice(1, -1), JSON.stringify({ invoke: { hook: h } }).slice(1, -2)]);
    return [...this.functions]
      .filter(([, f]) => f.params.length > 0 && needles.some((n) => JSON.stringify(f.stepsRaw).includes(n)))
      .map(([name, f]) => `${name}(${f.params.join(', ')})`);
  }
  functionParams(name: string): readonly string[] {
    return this.functions.get(name)?.params ?? [];
  }
  /**
   * `name` called with `args` (docs/scenario-format.md §12): its steps with the arguments substituted, made once per
   * argument list. An error an argument produced is the call's, naming the parameter.
   */
  instantiate(name: string, args: readonly string[], call: SourceLoc): string | null {
    const key = `${name}(${args.join(', ')})`;
    if (this.instances.has(key) || this.instantiating.has(key)) return key;
    if (this.instances.size >= MAX_FUNCTION_INSTANCES) {
      this.report(new InputError(`too many different argument lists: more than ${formatCount(MAX_FUNCTION_INSTANCES)} calls of functions with distinct arguments`, call));
      return null;
    }
    const f = this.functions.get(name)!;
    const instance = { of: name, steps: [] as readonly Step[] };
    this.instances.set(key, instance);
    this.instantiating.add(key);
    // An argument's error is said once per call, at its first use in the function.
    const said = new Set<string>();
    const report = (e: InputError): void => {
      // The name the error is about (not one it suggests instead).
      const about = e.message.replace(/ \(did you mean .*\)/, '');
      const i = args.findIndex((a) => about.includes(quote(a)));
      if (i < 0) return this.report(e);
      const message = `call ${quote(key)}: parameter ${quote(f.params[i]!)} of function ${quote(name)} is ${quote(args[i]!)}: ${e.message}`;
      if (said.has(message)) return;
      said.add(message);
      this.report(new InputError(`${message}${e.loc ? ` (in the function at ${formatPlace(e.loc)})` : ''}`, call));
    };
    try {
      instance.steps = this.conv.functionBody(substitute(f.stepsRaw, new Map(f.params.map((p, i) => [p, args[i]!]))), f.stepsPos, f.at, report);
    } finally {
      this.instantiating.delete(key);
    }
    return key;
  }
  fenceNames(): Iterable<string> {
    return this.fences.keys();
  }
}

/** Expectations as the IR has them. */
export function buildExpectations(input: readonly ExpectationInput[], loc: (i: number) => SourceLoc): Expectation[] {
  return input.map((x, i) => ({ rule: x.rule, involves: x.involves ?? [], path: x.path ?? null, loc: loc(i) }));
}

function describeBuiltin(d: LockDecl): string {
  return d.loc.line === 0 ? ` (a built-in ${d.type}; declare it as \`${d.name}: ${d.type}\` or not at all)` : '';
}

/** `kind "name" is declared twice[, differently]: at FIRST and at SECOND`, at the second. */
function duplicate(kind: string, name: string, first: SourceLoc, second: SourceLoc, same: boolean, extra = ''): InputError {
  const how = same ? 'twice' : 'twice, differently';
  return new InputError(`${kind} ${quote(name)} is declared ${how}: at ${formatPlace(first)} and at ${formatPlace(second)}${extra}`, second);
}

const RCU_LOCKS: readonly string[] = Object.values(RCU_LOCK_CLASSES);

/**
 * Classes that exist without a declaration: the workqueue maps `(wq_completion)Q` and
 * `(work_completion)W`, and a fence's own class `fence:F` in the precise fence model.
 */
export function isImplicitClass(name: string): boolean {
  return name.startsWith('(wq_completion)') || name.startsWith('(work_completion)') || name.startsWith('fence:');
}

/** Every name an `involves` entry may use. */
export function involvableNames(locks: ReadonlyMap<string, LockDecl>): Set<string> {
  const s = new Set<string>(RCU_LOCKS);
  for (const d of locks.values()) {
    s.add(d.name);
    s.add(d.lockdep);
    if (d.wwClass) {
      s.add(`${d.wwClass}_mutex`);
      s.add(wwAcquireLock(d.wwClass));
    }
  }
  return s;
}

interface Edge {
  readonly to: string;
  readonly loc: SourceLoc;
  readonly hook: string | null;
}

/** A function reaching itself through `call` or `invoke` is an input error (iterative DFS). */
export function checkRecursion(
  functions: ReadonlyMap<string, readonly Step[]>,
  hooks: ReadonlyMap<string, readonly string[]>,
  report: (e: InputError) => void,
): void {
  const edges = new Map<string, Edge[]>();
  for (const [fn, steps] of functions) {
    const list: Edge[] = [];
    forEachStep(steps, (s) => {
      if (s.op === 'call') list.push({ to: s.fn, loc: s.loc, hook: null });
      else if (s.op === 'invoke') for (const to of hooks.get(s.hook) ?? []) list.push({ to, loc: s.loc, hook: s.hook });
    });
    edges.set(fn, list);
  }
  const colour = new Map<string, 1 | 2>();
  for (const start of functions.keys()) {
    if (colour.has(start)) continue;
    const stack: { fn: string; i: number; via: Edge | null }[] = [{ fn: start, i: 0, via: null }];
    colour.set(start, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const es = edges.get(top.fn) ?? [];
      if (top.i >= es.length) {
        colour.set(top.fn, 2);
        stack.pop();
        continue;
      }
      const e = es[top.i++];
      const c = colour.get(e.to);
      if (c === undefined) {
        if (!functions.has(e.to)) continue;
        colour.set(e.to, 1);
        stack.push({ fn: e.to, i: 0, via: e });
      } else if (c === 1) {
        const from = stack.findIndex((f) => f.fn === e.to);
        const cycle = stack.slice(from);
        const chain = [...cycle.map((f) => f.fn), e.to].join(' -> ');
        const viaHooks: string[] = [];
        for (const f of cycle.slice(1)) if (f.via?.hook) viaHooks.push(`${quote(f.fn)} through hook ${quote(f.via.hook)}`);
        if (e.hook) viaHooks.push(`${quote(e.to)} through hook ${quote(e.hook)}`);
        const note = viaHooks.length ? ` (${viaHooks.join(', ')})` : '';
        report(new InputError(`recursive call: ${chain}${note}; a function must not reach itself through \`call\` or \`invoke\``, e.loc));
      }
    }
  }
}
