/**
 * Loading a scenario file with its includes into the IR (`Scenario`).
 *
 * 1. read, parse and validate (zod) the file and, depth first, every file it includes;
 * 2. declare every file's names (includes first, each file once) in one `Declarations`;
 * 3. convert every function's and path's steps, now that every name is known;
 *    the built-in models included first are declared and converted once per process and
 *    shared (model-layer.ts): a file starts from a copy of them;
 * 4. check hooks, recursion, `expect` and `options` of the file itself.
 * Structural problems of step 1 stop there; the later steps collect every problem.
 * The JSON Lines reader includes scenario files with the same `FileLoader` and `Declarations`.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { SourceLoc } from '../model/location.js';
import type { Notice, PathDecl, Scenario, Step } from '../model/scenario.js';
import { InputError, InputErrors, didYouMean } from './errors.js';
import { buildExpectations, buildOptions, formatPlace } from './decls.js';
import { isBuiltModel } from './model-cache.js';
import { declarationsFor } from './model-layer.js';
import { validate } from './issues.js';
import { builtinModel, builtinModelNames, isModelName } from './models.js';
import { quote } from './names.js';
import { KERNEL_HOOK_NAMES, hookNames } from '../model/vocabulary.js';
import { forEachStep } from './steps.js';
import type { Pos } from './pos.js';
import { fileSchema, TOP_LEVEL_KEYS, type ScenarioFile } from './schema.js';
import { checkGivenText, fileKind, MAX_VALUES, parseText, readScenarioFile } from './source.js';
import { Expansion, formatCount, heaviestStep, MAX_EXPANDED_STEPS, stepCallees, stepHooks, type ExpansionEnv } from './expansion.js';

/** A keyword of the model that an `if` condition gives a meaning to (docs/scenario-format.md §11.1). */
const CONDITION_KEYWORDS = ['blockable'] as const;

/** Errors about names a library's includers declare (docs/scenario-format.md §13): not reported when the library is checked alone. */
const SUPPLIED_BY_INCLUDER = /^(undeclared (lock|fence|function)|unknown hook)|: undeclared function /;

/** At most this many errors are reported for one file (then a count of the rest). */
export const MAX_ERRORS = 100;

export interface LoadedFile {
  readonly display: string;
  readonly abs: string;
  readonly data: ScenarioFile;
  readonly pos: Pos;
}

/** A file to read: where from (`abs`) and how locations name it (`display`). */
export interface Frame {
  readonly abs: string;
  readonly display: string;
}

class ErrorSink {
  readonly list: InputError[] = [];
  push = (e: InputError): void => {
    this.list.push(e);
  };
  get any(): boolean {
    return this.list.length > 0;
  }
  /** Throw the errors, each file's together (in the order files were reported), by position. */
  throwIfAny(): void {
    if (this.list.length === 0) return;
    const fileRank = new Map<string, number>();
    for (const e of this.list) if (e.loc && !fileRank.has(e.loc.file)) fileRank.set(e.loc.file, fileRank.size);
    const rank = (e: InputError) => (e.loc ? fileRank.get(e.loc.file)! : -1);
    const sorted = this.list
      .map((e, i) => ({ e, i }))
      .sort((a, b) => rank(a.e) - rank(b.e) || (a.e.loc?.line ?? 0) - (b.e.loc?.line ?? 0) || (a.e.loc?.column ?? 0) - (b.e.loc?.column ?? 0) || a.i - b.i)
      .map((x) => x.e);
    this.list.length = 0;
    for (const e of sorted) this.list.push(e);
    if (this.list.length > MAX_ERRORS) {
      const rest = this.list.length - MAX_ERRORS;
      const next = this.list[MAX_ERRORS];
      throw new InputErrors([...this.list.slice(0, MAX_ERRORS), new InputError(`... and ${rest} more error${rest === 1 ? '' : 's'}`, next.loc)]);
    }
    throw new InputErrors(this.list);
  }
}

/**
 * Reads scenario files and, depth first, the files they include, each once (a scenario's,
 * or every include of one stream), reporting what is wrong.
 */
/** Included files' parsed contents that passed validation. */
const validatedIncludes = new WeakSet<object>();

export class FileLoader {
  /** Files completely loaded, by absolute path. */
  private readonly done = new Set<string>();
  /** Post-order: every file after the files it includes. */
  readonly order: LoadedFile[] = [];
  /** Values parsed so far, of every file: all are held until the scenario is built (MAX_VALUES). */
  private values = 0;

  constructor(private readonly report: (e: InputError) => void) {}

  /** Has this file been loaded already (an include seen before)? */
  loaded(abs: string): boolean {
    return this.done.has(abs);
  }

  /**
   * `at`: where the file is included from, the place of an error that has none of its own;
   * `text`: the file's text, not read from `abs`.
   */
  async load(display: string, abs: string, stack: readonly Frame[], extra: readonly ExtraInclude[] = [], at: SourceLoc | null = null, text?: RootText): Promise<LoadedFile | null> {
    // Every file but the one asked for is reached through an include: it may be anything.
    const foreign = stack.length > 0;
    let parsed;
    try {
      if (text) checkGivenText(text.text, display);
      const budget = MAX_VALUES - this.values;
      parsed = text ? parseText(text.text, display, text.json, foreign, budget) : readScenarioFile(display, abs, foreign, budget);
    } catch (e) {
      if (!(e instanceof InputErrors)) throw e;
      for (const x of e.errors) {
        if (!at) this.report(x);
        else if (!x.loc) this.report(new InputError(`include ${quote(display)}: ${x.message}`, at));
        else this.report(new InputError(`${x.message} (included at ${formatPlace(at)})`, x.loc));
      }
      return null;
    }
    this.values += parsed.values;
    const notScenario = (why: string): null => {
      this.report(foreign ? new InputError(`include ${quote(display)}: not a scenario: ${why}`, at ?? parsed.pos.loc()) : new InputError(`a scenario is a map of keys (version, name, locks, functions, paths, ...), ${why}`, parsed.pos.loc()));
      return null;
    };
    const value = parsed.value;
    // Said without the value: an included file may hold anything (a private key, whole).
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return notScenario(foreign ? `its content is ${kindOfValue(value)}, not a map; the file's text is not shown` : `got ${kindOfValue(value)}`);
    const keys = Object.keys(value);
    if (foreign && keys.length > 0 && !keys.some((k) => TOP_LEVEL_KEYS.includes(k))) {
      return notScenario(`none of its ${keys.length} top-level key${keys.length === 1 ? ' is' : 's is'} a scenario key (${TOP_LEVEL_KEYS.join(', ')}); the file's text is not shown`);
    }
    // fencedep's own JSON report, saved where scenarios are checked (`check DIR` finds it)
    const tool = (value as { tool?: { name?: unknown } }).tool;
    if (!foreign && tool?.name === 'fencedep' && 'results' in value) {
      return notScenario('got a fencedep report (`--format json` output): keep reports out of the checked directories, or write them with `--output` elsewhere');
    }
    // An include is parsed once per process (source.ts), and so validated once; a built-in
    // model the build parsed, by the build (model-cache.ts).
    if (!validatedIncludes.has(value) && !isBuiltModel(value)) {
      const r = validate(fileSchema, value, parsed.pos, '');
      if (!r.ok) {
        r.errors.forEach(this.report);
        return null;
      }
      if (foreign) validatedIncludes.add(value);
    }
    // The schema has no transforms or defaults, so the validated value is the parsed value
    // itself; zod's copy would lose an own `__proto__` key of a record.
    const file: LoadedFile = { display, abs, data: value as ScenarioFile, pos: parsed.pos };
    const here: Frame[] = [...stack, { abs, display }];
    // Includes asked for from outside the file (a config file's `include`) come first.
    for (const x of extra) {
      const target = resolveExtraInclude(x);
      if (target instanceof InputError) this.report(target);
      else if (target.abs !== abs && !this.done.has(target.abs)) await this.load(target.display, target.abs, here);
    }
    const includes = file.data.include ?? [];
    for (let i = 0; i < includes.length; i++) {
      const at = parsed.pos.child('include').child(i).loc();
      const target = resolveInclude(includes[i], file, at);
      if (target instanceof InputError) {
        this.report(target);
        continue;
      }
      const cycleStart = here.findIndex((f) => f.abs === target.abs);
      if (cycleStart >= 0) {
        const chain = [...here.slice(cycleStart).map((f) => f.display), here[cycleStart].display];
        this.report(new InputError(`include cycle: ${chain.join(' -> ')}`, at));
        continue;
      }
      if (this.done.has(target.abs)) continue;
      await this.load(target.display, target.abs, here, [], at);
    }
    this.done.add(abs);
    this.order.push(file);
    return file;
  }
}

/** What a value is, in words, without showing it. */
function kindOfValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `a string of ${v.length} character${v.length === 1 ? '' : 's'}`;
  return `a ${typeof v}`;
}

/**
 * Where an include written in `from` (a scenario file, or a stream) is read from and how
 * locations name it: a built-in model by its name, or a scenario file relative to `from`.
 */
export function resolveInclude(spec: string, from: Frame, at: SourceLoc | null): Frame | InputError {
  if (isModelName(spec)) return resolveModel(spec, at, ` (a file needs a path such as ./${spec}.yaml)`);
  const abs = resolve(dirname(from.abs), spec);
  const display = isAbsolute(spec) ? spec : join(dirname(from.display), spec);
  if (!existsSync(abs)) {
    const stem = basename(spec, extname(spec));
    return new InputError(`include not found: ${quote(spec)} (no file ${display})${didYouMean(stem, builtinModelNames())}`, at);
  }
  const problem = includeProblem(spec, abs);
  return problem ? new InputError(problem, at) : { abs, display };
}

function resolveModel(spec: string, at: SourceLoc | null, hint: string): Frame | InputError {
  const m = builtinModel(spec);
  if (m) return { abs: m.file, display: m.display };
  const names = builtinModelNames();
  const known = names.length ? `; built-in models: ${names.join(', ')}` : '; no built-in model is installed';
  return new InputError(`unknown model ${quote(spec)}${known}${didYouMean(spec, names)}${hint}`, at);
}

/** Why `abs` (named `spec`) cannot be included, or null: only scenario files (.yaml, .yml, .json) can. */
function includeProblem(spec: string, abs: string): string | null {
  const kind = fileKind(abs);
  if (kind === 'directory') return `cannot include ${quote(spec)}: it is a directory (include its scenario files one by one)`;
  if (/\.jsonl$/i.test(abs)) return `cannot include ${quote(spec)}: a JSON Lines stream is not a model (an include is a scenario: .yaml, .yml or .json)`;
  if (!/\.(ya?ml|json)$/i.test(abs)) return `cannot include ${quote(spec)}: not a scenario file (an include is a .yaml, .yml or .json file)`;
  if (kind !== 'file' && kind !== null) return `cannot include ${quote(spec)}: it is ${kind}, not a regular file`;
  return null;
}

/**
 * An include added to a scenario from outside it (a config file's `include: [kernel]`): a
 * built-in model name, or a file relative to `base`; `loc` is where it was asked for.
 */
export interface ExtraInclude {
  readonly spec: string;
  readonly base: string;
  readonly loc: SourceLoc | null;
}

/** Where an extra include is read from and how locations name it, or why it cannot be. */
export function resolveExtraInclude(x: ExtraInclude): Frame | InputError {
  if (isModelName(x.spec)) return resolveModel(x.spec, x.loc, '');
  const abs = resolve(x.base, x.spec);
  if (!existsSync(abs)) return new InputError(`include not found: ${quote(x.spec)} (no file ${abs})`, x.loc);
  const problem = includeProblem(x.spec, abs);
  if (problem) return new InputError(problem, x.loc);
  return { abs, display: relative(process.cwd(), abs) || abs };
}

/** Where a scenario's text comes from when it is not read from its file (`loadScenarioText`). */
export interface RootText {
  readonly text: string;
  readonly json: boolean;
}

/**
 * Load a scenario (YAML or JSON) and everything it includes. `file` is how locations name
 * it, `abs` where it is read from (default: `file` resolved; its includes are relative to
 * it); `extra` are includes added before the file's own (each file is still loaded once);
 * `text`: the scenario's text, not read from `abs`. Throws InputErrors.
 */
export async function loadScenarioFile(file: string, abs: string = resolve(file), extra: readonly ExtraInclude[] = [], text?: RootText): Promise<Scenario> {
  const errors = new ErrorSink();
  const loader = new FileLoader(errors.push);
  const root = await loader.load(file, abs, [], extra, null, text);
  errors.throwIfAny();
  if (!root) throw new InputErrors([new InputError(`cannot load ${file}`, null)]);

  // A library checked alone may use names its includers declare (docs/scenario-format.md §13).
  const library = root.data.library === true;
  const report = library
    ? (e: InputError): void => {
        if (!(e.loc?.file === root.display && SUPPLIED_BY_INCLUDER.test(e.message))) errors.push(e);
      }
    : errors.push;
  if (library)
    for (const key of ['paths', 'expect'] as const)
      if (root.data[key] !== undefined)
        errors.push(new InputError(`a library (\`library: true\`) is only included: it declares locks, fences, functions and hooks, and has no \`${key}\``, root.pos.keyLoc(key)));
  const { decls, from } = declarationsFor(loader.order, report);
  for (const f of loader.order.slice(from)) decls.declareFile(f.data, f.pos);
  // Past the class limit, every use of a lock not declared would be one more error: stop here.
  if (decls.overClassLimit) errors.throwIfAny();
  decls.convertPending();
  const paths = decls.convertedPaths();
  for (const e of decls.dropUndeclaredHookFunctions()) report(e);
  for (const e of decls.recursion()) errors.push(e);
  for (const name of decls.fences.keys()) for (const e of decls.fenceProblems(name)) errors.push(e);

  const input = root.data.expect;
  let expect: Scenario['expect'] = null;
  if (input !== undefined && input !== 'clean') {
    const ep = root.pos.child('expect');
    for (const e of decls.expectProblems(input, (i) => ep.child(i))) errors.push(e);
    expect = buildExpectations(input, (i) => ep.child(i).loc());
  } else if (input === 'clean') expect = 'clean';
  const built = decls.scenario(
    { file, name: root.data.name ?? basename(file, extname(file)), description: root.data.description ?? null, expect, options: buildOptions(root.data.options) },
    paths,
  );
  if (!library) {
    const own = [...decls.hooks].flatMap(([hook, regs]) => regs.filter((r) => r.loc.file === root.display).slice(0, 1).map((r) => ({ hook, loc: r.loc })));
    checkHooksInvoked(own, paths, built.functions, decls.hookNames(), (hook) => decls.templatesInvoking(hook), errors.push);
  }
  if (!errors.any) checkExpansion(paths, built, errors.push);
  errors.throwIfAny();
  const notices: Notice[] = [...misspelledConditions(paths, built.functions)];
  if (!library) {
    const ownFunctions = [...decls.functions].filter(([, f]) => f.loc.file === root.display).map(([name, f]) => ({ name, loc: f.loc }));
    const instanceOf = new Map([...decls.instances].map(([key, i]) => [key, i.of]));
    notices.push(...unusedFunctions(ownFunctions, paths, built, instanceOf));
  }
  return { ...built, ...(library ? { library } : {}), ...(notices.length ? { notices } : {}) };
}

/**
 * Refuse a scenario whose paths, calls and hooks expanded, run more than MAX_EXPANDED_STEPS
 * steps (functions calling functions several times each multiply), at its heaviest step.
 */
export function checkExpansion(paths: readonly PathDecl[], env: ExpansionEnv, report: (e: InputError) => void): void {
  const expansion = new Expansion(env);
  let total = 0;
  for (const p of paths) {
    const n = expansion.ofSteps(p.steps);
    total += n;
    if (total <= MAX_EXPANDED_STEPS) continue;
    const heavy = heaviestStep(p.steps, expansion, env);
    const step = heavy ? ` (\`${heavy.step.label}\` here runs ${formatCount(heavy.size)} steps)` : '';
    report(
      new InputError(
        `too many steps to replay: path ${quote(p.name)} runs ${formatCount(n)} steps once its calls, hooks and fence callbacks are expanded${step}; ` +
          `the limit is ${formatCount(MAX_EXPANDED_STEPS)} per file (functions that each call the next several times multiply)`,
        heavy ? heavy.step.loc : p.loc,
      ),
    );
    return;
  }
}


/**
 * docs/scenario-format.md §14: a hook the file registers functions for must be invoked somewhere — by a path or a
 * function (`invoke`, or a kernel step that runs the hook), or by the kernel model.
 */
function checkHooksInvoked(
  own: readonly { hook: string; loc: SourceLoc }[],
  paths: readonly PathDecl[],
  functions: ReadonlyMap<string, readonly Step[]>,
  declared: Iterable<string>,
  uncalledInvokers: (hook: string) => readonly string[],
  report: (e: InputError) => void,
): void {
  const invoked = new Set<string>(KERNEL_HOOK_NAMES);
  const visit = (s: Step): void => {
    for (const h of stepHooks(s)) invoked.add(h);
  };
  for (const p of paths) forEachStep(p.steps, visit);
  for (const body of functions.values()) forEachStep(body, visit);
  // What the message offers: every hook invoked or declared by an included model (an ops-table
  // slot a model function runs when called), under each of its names.
  const uninvoked = new Set(own.map((o) => o.hook).filter((h) => !invoked.has(h)));
  const known = new Set([...invoked, ...declared].filter((h) => !uninvoked.has(h)).flatMap((h) => hookNames(h)));
  for (const { hook, loc } of own) {
    if (invoked.has(hook)) continue;
    // A model function that invokes it but is never called (a step of the same name is not it).
    const uncalled = uncalledInvokers(hook);
    const why = uncalled.length
      ? `: ${uncalled.join(', ')} invoke${uncalled.length === 1 ? 's' : ''} it, but nothing calls ${uncalled.length === 1 ? 'it' : 'them'} (write \`call: ${uncalled[0]}\`; a step of the same name is the kernel model's, not this function)`
      : `: no path, function or included model invokes it, and the kernel model does not, so its functions never run${didYouMean(hook, known) || ` (the kernel and the included models invoke: ${[...known].sort().join(', ')})`}`;
    report(new InputError(`hook ${quote(hook)} is never invoked${why}`, loc));
  }
}

/** docs/scenario-format.md §11.1: a free-text condition a small edit away from a keyword of the model is probably that keyword. */
function* misspelledConditions(paths: readonly PathDecl[], functions: ReadonlyMap<string, readonly Step[]>): Generator<Notice> {
  const seen = new Set<Step>();
  const visit = (s: Step): void => {
    if (s.op !== 'if_cond' || seen.has(s)) return;
    seen.add(s);
  };
  for (const p of paths) forEachStep(p.steps, visit);
  for (const body of functions.values()) forEachStep(body, visit);
  for (const s of seen) {
    if (s.op !== 'if_cond') continue;
    const near = didYouMean(s.cond.trim(), CONDITION_KEYWORDS);
    const keyword = CONDITION_KEYWORDS.find((k) => near.includes(JSON.stringify(k)));
    if (keyword) yield { kind: 'misspelled-condition', condition: s.cond, keyword, loc: s.loc, ...(s.at ? { at: s.at } : {}) };
  }
}

/**
 * docs/scenario-format.md §14: the file's own functions that nothing runs: not reached from a path (calls, hooks,
 * fence operations followed), not registered on a hook, not a fence operation.
 */
function unusedFunctions(
  own: readonly { name: string; loc: SourceLoc }[],
  paths: readonly PathDecl[],
  env: ExpansionEnv,
  instanceOf: ReadonlyMap<string, string>,
): Notice[] {
  const used = new Set<string>();
  const todo: string[] = [];
  const use = (fn: string): void => {
    if (used.has(fn)) return;
    used.add(fn);
    todo.push(fn);
  };
  for (const fns of env.hooks.values()) fns.forEach(use);
  for (const f of env.fences.values()) for (const fn of [f.enableSignaling, f.release, ...f.callbacks]) if (fn) use(fn);
  const visit = (s: Step): void => {
    for (const fn of stepCallees(s, env)) use(fn);
  };
  for (const p of paths) forEachStep(p.steps, visit);
  while (todo.length) forEachStep(env.functions.get(todo.pop()!) ?? [], visit);
  const reached = new Set([...used].map((k) => instanceOf.get(k) ?? k));
  return own.filter((f) => !reached.has(f.name)).map((f) => ({ kind: 'unused-function' as const, name: f.name, loc: f.loc }));
}

