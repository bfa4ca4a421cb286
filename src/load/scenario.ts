/**
 * Loading a scenario file with its includes into the IR (`Scenario`).
 *
 * 1. read, parse and validate (zod) the file and, depth first, every file it includes;
 * 2. merge the declarations (includes first, each file once) and check duplicates;
 * 3. convert every function's and path's steps, now that every name is known;
 * 4. check hooks, recursion, `expect` and `options` of the file itself.
 * Structural problems of step 1 stop there; the later steps collect every problem.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { MAX_LOCK_CLASSES, tooManyDeclaredClasses } from '../model/limits.js';
import type { SourceLoc } from '../model/location.js';
import type { Expectation, FenceDecl, LockDecl, PathContext, PathDecl, Scenario, Step } from '../model/scenario.js';
import { InputError, InputErrors, didYouMean } from './errors.js';
import { buildFenceDecl, buildLockDecl, buildOptions, fenceFunctions, formatPlace, sameValue } from './decls.js';
import { validate } from './issues.js';
import { builtinModelFile, builtinModelNames, isModelName, packageRoot } from './models.js';
import { builtinLockMap, nameProblem, quote, sameLockDecl } from './names.js';
import type { Pos } from './pos.js';
import { fileSchema, type ScenarioFile } from './schema.js';
import { readScenarioFile } from './source.js';
import { Expansion, formatCount, heaviestStep, MAX_EXPANDED_STEPS, type ExpansionEnv } from './expansion.js';
import { StepConverter, forEachStep, isKernelHook, type StepEnv } from './steps.js';

/** At most this many errors are reported for one file (then a count of the rest). */
export const MAX_ERRORS = 100;


const RCU_LOCKS = ['rcu_read_lock', 'rcu_read_lock_bh', 'rcu_read_lock_sched'];

interface LoadedFile {
  readonly display: string;
  readonly abs: string;
  readonly data: ScenarioFile;
  readonly pos: Pos;
}

interface Frame {
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

/** How a built-in model file is shown in locations: stable, whatever the install path. */
export function modelDisplay(abs: string): string {
  const root = packageRoot();
  return root ? `<fencedep>/${relative(root, abs).split(sep).join('/')}` : abs;
}

class FileLoader {
  readonly errors = new ErrorSink();
  /** Files completely loaded, by absolute path. */
  private readonly done = new Set<string>();
  /** Post-order: every file after the files it includes. */
  readonly order: LoadedFile[] = [];

  /** `at`: where the file is included from, the place of an error that has none of its own. */
  async load(display: string, abs: string, stack: readonly Frame[], extra: readonly ExtraInclude[] = [], at: SourceLoc | null = null): Promise<LoadedFile | null> {
    let parsed;
    try {
      parsed = await readScenarioFile(display, abs);
    } catch (e) {
      if (e instanceof InputErrors) for (const x of e.errors) this.errors.push(x.loc || !at ? x : new InputError(`include ${quote(display)}: ${x.message}`, at));
      else throw e;
      return null;
    }
    if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
      const got = Array.isArray(parsed.value) ? 'a list' : `${typeof parsed.value} ${JSON.stringify(parsed.value)}`;
      this.errors.push(new InputError(`a scenario is a map of keys (version, name, locks, functions, paths, ...), got ${got}`, parsed.pos.loc()));
      return null;
    }
    const r = validate(fileSchema, parsed.value, parsed.pos, '');
    if (!r.ok) {
      for (const x of r.errors) this.errors.push(x);
      return null;
    }
    // The schema has no transforms or defaults, so the validated value is the parsed value
    // itself; zod's copy would lose an own `__proto__` key of a record.
    const file: LoadedFile = { display, abs, data: parsed.value as ScenarioFile, pos: parsed.pos };
    const here: Frame[] = [...stack, { abs, display }];
    // Includes asked for from outside the file (a config file's `include`) come first.
    for (const x of extra) {
      const target = this.resolveExtra(x);
      if (!target || target.abs === abs || this.done.has(target.abs)) continue;
      await this.load(target.display, target.abs, here);
    }
    const includes = file.data.include ?? [];
    for (let i = 0; i < includes.length; i++) {
      const spec = includes[i];
      const at = parsed.pos.child('include').child(i).loc();
      const target = this.resolveInclude(spec, file, at);
      if (!target) continue;
      const cycleStart = here.findIndex((f) => f.abs === target.abs);
      if (cycleStart >= 0) {
        const chain = [...here.slice(cycleStart).map((f) => f.display), here[cycleStart].display];
        this.errors.push(new InputError(`include cycle: ${chain.join(' -> ')}`, at));
        continue;
      }
      if (this.done.has(target.abs)) continue;
      await this.load(target.display, target.abs, here, [], at);
    }
    this.done.add(abs);
    this.order.push(file);
    return file;
  }

  private resolveExtra(x: ExtraInclude): Frame | null {
    const r = resolveExtraInclude(x);
    if (r instanceof InputError) {
      this.errors.push(r);
      return null;
    }
    return r;
  }

  private resolveInclude(spec: string, from: LoadedFile, at: SourceLoc): Frame | null {
    if (isModelName(spec)) {
      const f = builtinModelFile(spec);
      if (f) return { abs: resolve(f), display: modelDisplay(f) };
      const names = builtinModelNames();
      const known = names.length ? `; built-in models: ${names.join(', ')}` : '; no built-in model is installed';
      this.errors.push(new InputError(`unknown model ${quote(spec)}${known}${didYouMean(spec, names)} (a file needs a path such as ./${spec}.yaml)`, at));
      return null;
    }
    const abs = resolve(dirname(from.abs), spec);
    const display = isAbsolute(spec) ? spec : join(dirname(from.display), spec);
    if (!existsSync(abs)) {
      const stem = basename(spec, extname(spec));
      this.errors.push(new InputError(`include not found: ${quote(spec)} (no file ${display})${didYouMean(stem, builtinModelNames())}`, at));
      return null;
    }
    const problem = includeProblem(spec, abs);
    if (problem) {
      this.errors.push(new InputError(problem, at));
      return null;
    }
    return { abs, display };
  }
}

/** Why `abs` (named `spec`) cannot be included, or null: only scenario files (.yaml, .yml, .json) can. */
function includeProblem(spec: string, abs: string): string | null {
  let dir = false;
  try {
    dir = statSync(abs).isDirectory();
  } catch {
    return null; // unreadable: reading it says why
  }
  if (dir) return `cannot include ${quote(spec)}: it is a directory (include its scenario files one by one)`;
  if (/\.jsonl$/i.test(abs)) return `cannot include ${quote(spec)}: a JSON Lines stream is not a model (an include is a scenario: .yaml, .yml or .json)`;
  if (!/\.(ya?ml|json)$/i.test(abs)) return `cannot include ${quote(spec)}: not a scenario file (an include is a .yaml, .yml or .json file)`;
  return null;
}

interface Origin {
  readonly loc: SourceLoc;
  readonly file: string;
  readonly raw: unknown;
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
export function resolveExtraInclude(x: ExtraInclude): { abs: string; display: string } | InputError {
  if (isModelName(x.spec)) {
    const f = builtinModelFile(x.spec);
    if (f) return { abs: resolve(f), display: modelDisplay(f) };
    const names = builtinModelNames();
    return new InputError(`unknown model ${quote(x.spec)}${names.length ? `; built-in models: ${names.join(', ')}` : ''}${didYouMean(x.spec, names)}`, x.loc);
  }
  const abs = resolve(x.base, x.spec);
  if (!existsSync(abs)) return new InputError(`include not found: ${quote(x.spec)} (no file ${abs})`, x.loc);
  const problem = includeProblem(x.spec, abs);
  if (problem) return new InputError(problem, x.loc);
  return { abs, display: relative(process.cwd(), abs) || abs };
}

/**
 * Load a scenario (YAML or JSON) and everything it includes. `file` is how locations name
 * it, `abs` where it is read from (default: `file` resolved); `extra` are includes added
 * before the file's own (each file is still loaded once). Throws InputErrors.
 */
export async function loadScenarioFile(file: string, abs: string = resolve(file), extra: readonly ExtraInclude[] = []): Promise<Scenario> {
  const loader = new FileLoader();
  const root = await loader.load(file, abs, [], extra);
  const errors = loader.errors;
  errors.throwIfAny();
  if (!root) throw new InputErrors([new InputError(`cannot load ${file}`, null)]);
  const files = loader.order;

  // --- 2. declarations -------------------------------------------------------------------
  const locks = builtinLockMap();
  const fences = new Map<string, { fence: FenceDecl; pos: Pos; raw: unknown; file: string }>();
  const functionsRaw = new Map<string, Origin & { pos: Pos }>();
  const hooks = new Map<string, { fn: string; loc: SourceLoc }[]>();
  const pathsRaw: { file: LoadedFile; index: number; origin: Origin }[] = [];
  const pathNames = new Map<string, Origin>();

  let classes = 0;
  const tooMany = (loc: SourceLoc): boolean => {
    if (++classes <= MAX_LOCK_CLASSES) return false;
    if (classes === MAX_LOCK_CLASSES + 1) {
      errors.push(new InputError(tooManyDeclaredClasses(), loc));
    }
    return true;
  };
  for (const f of files) {
    const d = f.data;
    for (const [name, input] of Object.entries(d.locks ?? {})) {
      const lp = f.pos.child('locks');
      if (tooMany(lp.keyLoc(name))) break;
      const decl = buildLockDecl(name, input, lp.keyLoc(name), lp.child(name), errors.list);
      if (!decl) continue;
      const prev = locks.get(name);
      if (!prev) locks.set(name, decl);
      else if (!sameLockDecl(prev, decl)) errors.push(duplicate('lock', name, prev.loc, decl.loc, describeLock(prev)));
    }
    for (const [name, input] of Object.entries(d.fences ?? {})) {
      const fp = f.pos.child('fences');
      if (tooMany(fp.keyLoc(name))) break;
      const fence = buildFenceDecl(name, input, fp.keyLoc(name), fp.child(name), locks, errors.list);
      if (!fence) continue;
      const prev = fences.get(name);
      if (!prev) fences.set(name, { fence, pos: fp.child(name), raw: input, file: f.display });
      else if (prev.file === f.display || !sameValue(prev.raw, input)) errors.push(duplicate('fence', name, prev.fence.loc, fence.loc));
    }
    for (const [name, body] of Object.entries(d.functions ?? {})) {
      const fp = f.pos.child('functions');
      const loc = fp.keyLoc(name);
      const np = nameProblem(name);
      if (np) {
        errors.push(new InputError(`invalid function name ${quote(name)}: ${np}`, loc));
        continue;
      }
      const prev = functionsRaw.get(name);
      if (!prev) functionsRaw.set(name, { loc, file: f.display, raw: body, pos: fp.child(name) });
      else if (prev.file === f.display || !sameValue(prev.raw, body)) errors.push(duplicate('function', name, prev.loc, loc));
    }
    for (const [hook, fns] of Object.entries(d.hooks ?? {})) {
      const hp = f.pos.child('hooks');
      const np = nameProblem(hook);
      if (np) {
        errors.push(new InputError(`invalid hook name ${quote(hook)}: ${np}`, hp.keyLoc(hook)));
        continue;
      }
      let list = hooks.get(hook);
      if (!list) hooks.set(hook, (list = []));
      fns.forEach((fn, i) => {
        if (!list.some((r) => r.fn === fn)) list.push({ fn, loc: hp.child(hook).child(i).loc() });
      });
    }
    (d.paths ?? []).forEach((p, index) => {
      const pp = f.pos.child('paths').child(index);
      const loc = pp.loc();
      const np = nameProblem(p.name);
      if (np) {
        errors.push(new InputError(`invalid path name ${quote(p.name)}: ${np}`, pp.child('name').loc()));
        return;
      }
      const origin: Origin = { loc, file: f.display, raw: p };
      const prev = pathNames.get(p.name);
      if (prev) {
        if (prev.file === f.display || !sameValue(prev.raw, p)) errors.push(duplicate('path', p.name, prev.loc, pp.child('name').loc()));
        return;
      }
      pathNames.set(p.name, origin);
      pathsRaw.push({ file: f, index, origin });
    });
  }

  // Past the class limit, every use of a lock not declared would be one more error: stop here.
  if (classes > MAX_LOCK_CLASSES) errors.throwIfAny();

  // --- 3. steps --------------------------------------------------------------------------
  const env: StepEnv = {
    lock: (n) => locks.get(n),
    lockNames: () => locks.keys(),
    hasFunction: (n) => functionsRaw.has(n),
    functionNames: () => functionsRaw.keys(),
    hasHook: (h) => hooks.has(h) || isKernelHook(h),
    hookNames: () => hooks.keys(),
    hasFence: (n) => fences.has(n),
    fenceNames: () => fences.keys(),
  };
  const conv = new StepConverter(env, errors.push);
  const functions = new Map<string, readonly Step[]>();
  for (const [name, f] of functionsRaw) functions.set(name, conv.list(f.raw, f.pos, 1));
  const paths: PathDecl[] = [];
  for (const { file: f, index, origin } of pathsRaw) {
    const p = f.data.paths![index];
    const pp = f.pos.child('paths').child(index);
    paths.push({
      name: p.name,
      context: (p.context ?? 'process') as PathContext,
      irqsEnabled: (p.irqs ?? 'enabled') === 'enabled',
      ...(p.work ? { work: { item: p.work.item, queue: p.work.queue } } : {}),
      steps: p.steps ? conv.list(p.steps, pp.child('steps'), 1) : [],
      loc: origin.loc,
    });
  }

  // --- 4. checks -------------------------------------------------------------------------
  const hookMap = new Map<string, readonly string[]>();
  for (const [hook, regs] of hooks) {
    const fns: string[] = [];
    for (const r of regs) {
      if (functionsRaw.has(r.fn)) fns.push(r.fn);
      else errors.push(new InputError(`hook ${quote(hook)}: undeclared function ${quote(r.fn)}${didYouMean(r.fn, functionsRaw.keys()) || ' (declare it under `functions:`)'}`, r.loc));
    }
    hookMap.set(hook, fns);
  }
  checkRecursion(functions, hookMap, errors.push);
  for (const { fence, pos } of fences.values())
    for (const { fn, field, index } of fenceFunctions(fence))
      if (!functionsRaw.has(fn)) {
        const at = index === undefined ? pos.child(field).loc() : pos.child(field).child(index).loc();
        errors.push(new InputError(`fence ${quote(fence.name)}: undeclared function ${quote(fn)}${didYouMean(fn, functionsRaw.keys()) || ' (declare it under `functions:`)'}`, at));
      }

  const expect = buildExpect(root, locks, pathNames, errors.push);
  const options = buildOptions(root.data.options);
  const fenceDecls = new Map([...fences].map(([n, f]) => [n, f.fence]));
  if (!errors.any) checkExpansion(paths, { functions, hooks: hookMap, fences: fenceDecls }, errors.push);

  errors.throwIfAny();
  return {
    file,
    name: root.data.name ?? basename(file, extname(file)),
    description: root.data.description ?? null,
    locks,
    fences: fenceDecls,
    functions,
    hooks: hookMap,
    paths,
    expect,
    options,
  };
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

function describeLock(d: LockDecl): string {
  return d.loc.line === 0 ? ` (a built-in ${d.type}; declare it as \`${d.name}: ${d.type}\` or not at all)` : '';
}

function duplicate(kind: string, name: string, first: SourceLoc, second: SourceLoc, extra = ''): InputError {
  const how = first.file === second.file ? 'twice' : 'twice, differently';
  return new InputError(`${kind} ${quote(name)} is declared ${how}: at ${formatPlace(first)} and at ${formatPlace(second)}${extra}`, second);
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

function buildExpect(
  root: LoadedFile,
  locks: ReadonlyMap<string, LockDecl>,
  pathNames: ReadonlyMap<string, Origin>,
  report: (e: InputError) => void,
): Scenario['expect'] {
  const input = root.data.expect;
  if (input === undefined) return null;
  if (input === 'clean') return 'clean';
  const known = involvableNames(locks);
  const ep = root.pos.child('expect');
  return input.map((x, i) => {
    const ip = ep.child(i);
    if (x.path !== undefined && !pathNames.has(x.path)) {
      report(new InputError(`expect: unknown path ${quote(x.path)}${didYouMean(x.path, pathNames.keys())}`, ip.child('path').loc()));
    }
    (x.involves ?? []).forEach((n, j) => {
      if (!known.has(n) && !isImplicitClass(n)) {
        report(
          new InputError(
            `expect: ${quote(n)} is not a lock of this scenario (a declared lock by its name or lockdep name, a ww class lock, or ${RCU_LOCKS.join(', ')})${didYouMean(n, known)}`,
            ip.child('involves').child(j).loc(),
          ),
        );
      }
    });
    const e: Expectation = { rule: x.rule, involves: x.involves ?? [], path: x.path ?? null, loc: ip.loc() };
    return e;
  });
}

/** Every name an `involves` entry may use. */
/**
 * Classes that exist without a declaration: the workqueue maps `(wq_completion)Q` and
 * `(work_completion)W`, and a fence's own class `fence:F` in the precise fence model.
 */
export function isImplicitClass(name: string): boolean {
  return name.startsWith('(wq_completion)') || name.startsWith('(work_completion)') || name.startsWith('fence:');
}

export function involvableNames(locks: ReadonlyMap<string, LockDecl>): Set<string> {
  const s = new Set<string>(RCU_LOCKS);
  for (const d of locks.values()) {
    s.add(d.name);
    s.add(d.lockdep);
    if (d.wwClass) {
      s.add(`${d.wwClass}_mutex`);
      s.add(`${d.wwClass}_acquire`);
    }
  }
  return s;
}
