/**
 * The step table (docs/scenario-format.md §4) and the conversion of written steps into IR `Step`s.
 *
 * The spellings, their categories and descriptions are the vocabulary's
 * (src/model/vocabulary.ts); this module walks it and gives every spelling its argument schema
 * (zod, keyed by the spelling's argument kind, so the JSON Schema of the format can be
 * generated from `stepSchema`) and its conversion (keyed by the operation it becomes; a new
 * operation without one fails to compile). The loader dispatches by the step's key itself (for
 * precise messages), validates the argument with that entry's schema, then converts. YAML,
 * JSON and JSONL go through the same converter.
 */
import * as z from 'zod/mini';
import { DEFAULT_WW_CLASS, wwAcquireLock, type AcquireMode, type AcquireStep, type LockDecl, type LockRef, type LockType, type Step, type StepOp } from '../model/scenario.js';
import { LOCK_TYPE_TABLE, aType, typeList, typeNames, typesWithMode } from '../model/lock-types.js';
import { KERNEL_HOOK_NAMES, STEP_ARGS, canonicalHook, STEP_VOCABULARY, stepSpelling, takesSteps, type LockUse, type StepArgKind, type StepSpelling } from '../model/vocabulary.js';
export { forEachStep } from '../model/scenario.js';
import type { CodeLoc, SourceLoc } from '../model/location.js';
import { GFP_NAMES, parseGfp } from '../model/gfp.js';
import { parseRelease } from '../model/kernel-release.js';
import { InputError, didYouMean } from './errors.js';
import { validate } from './issues.js';
import { notIncludedHint } from './model-docs.js';
import { nameProblem, parseLockRef, printableProblem, quote } from './names.js';
import type { Pos } from './pos.js';

/** `at:` values: `drivers/gpu/drm/xe/xe_vm.c:1234` or `...:1234:5`. */
const AT_FORM = /^(.+?):([1-9][0-9]*)(?::([1-9][0-9]*))?$/;

/** `$p` or `${p}`: a parameter or loop variable (docs/scenario-format.md §11.2, §12). */
const VAR_REF = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parse an `at:` value; null when malformed. */
export function parseAt(text: string): CodeLoc | null {
  const m = AT_FORM.exec(text);
  if (!m || nameProblem(m[1]!)?.includes('control')) return null;
  return m[3] === undefined ? { file: m[1]!, line: Number(m[2]) } : { file: m[1]!, line: Number(m[2]), column: Number(m[3]) };
}

/** A copy of a written value with `$name`/`${name}` replaced in every string where `vars` knows the name (keys unchanged). */
export function substitute(value: unknown, vars: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return value.includes('$') ? value.replace(VAR_REF, (m, a, b) => vars.get(a ?? b) ?? m) : value;
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: substitute(v, vars), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/**
 * Report every `$name` in written steps that names neither a parameter (`params`) nor the
 * variable of an enclosing `loop: {for: V}`, where one of those is in scope; `owner` says
 * whose steps they are.
 */
export function checkVariables(value: unknown, pos: Pos, params: readonly string[], owner: string, report: (e: InputError) => void): boolean {
  let ok = true;
  const walk = (v: unknown, p: Pos, scope: ReadonlySet<string>, depth: number): void => {
    if (depth > MAX_STEP_DEPTH * 4) return;
    if (typeof v === 'string') {
      // Where no parameter or loop variable is in scope, `$` is a name character as in version 1.
      if (!v.includes('$') || scope.size === 0) return;
      for (const m of v.matchAll(VAR_REF)) {
        const n = m[1] ?? m[2]!;
        if (scope.has(n)) continue;
        ok = false;
        const known = [...scope];
        const what = params.length ? `a parameter of ${owner} (its parameters: ${params.join(', ')})` : `a parameter of ${owner}, which has none`;
        report(new InputError(`\`$${n}\` is not ${what}${known.length > params.length ? ' nor an enclosing loop variable' : ''}${didYouMean(n, known)}`, p.loc()));
      }
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, p.child(i), scope, depth + 1));
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const loop = o.loop;
    for (const [k, x] of Object.entries(o)) {
      if (k === 'loop' && isPlainObject(loop) && typeof loop.for === 'string' && VAR_NAME.test(loop.for)) {
        // A parameter is substituted before the loop is read: `$V` in the body would be the
        // argument in every iteration, never V.1 and V.2.
        if (params.includes(loop.for)) {
          ok = false;
          report(new InputError(`loop variable ${quote(loop.for)} is also a parameter of ${owner}: in the body \`$${loop.for}\` would be the argument in every iteration; name this loop's objects differently`, p.child('loop').child('for').loc()));
          continue;
        }
        const inner = new Set(scope).add(loop.for);
        walk(loop.do, p.child('loop').child('do'), inner, depth + 1);
        continue;
      }
      walk(x, p.child(k), scope, depth + 1);
    }
  };
  walk(value, pos, new Set(params), 0);
  return ok;
}

/** Steps may nest (blocks inside blocks) at most this deep. */
export const MAX_STEP_DEPTH = 64;


// ---------------------------------------------------------------------------------------
// Argument schemas

const name = z.string().check(z.minLength(1));
export const acquireModeSchema = z.enum(['write', 'read', 'recursive_read']);
const subclass = z.int().check(z.minimum(0), z.maximum(7));

type Steps = z.ZodMiniType;

const lockFields = (steps: Steps) => ({
  name,
  mode: z.optional(acquireModeSchema),
  nested: z.optional(subclass),
  nest_lock: z.optional(name),
  ctx: z.optional(name),
  on_edeadlk: z.optional(steps),
  result: z.optional(z.enum(['edeadlk'])),
});
const lockSpec = (steps: Steps) => z.union([name, z.strictObject(lockFields(steps))]);
const lockRefArg = () => z.union([name, z.strictObject({ name })]);
const nestedArg = () => z.strictObject({ name, nested: subclass });
const wwArg = (steps: Steps) =>
  z.union([name, z.strictObject({ name, ctx: z.optional(name), on_edeadlk: z.optional(steps), result: z.optional(z.enum(['edeadlk'])) })]);
const mightLockArg = () => z.union([name, z.strictObject({ name, mode: z.optional(acquireModeSchema), nested: z.optional(subclass) })]);
const optionalScalar = () => z.union([z.string(), z.number()]);

/** The class part of `NAME[INSTANCE]`, or null when malformed. */
function r0(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const r = parseLockRef(text);
  return 'error' in r ? null : r.cls;
}

// ---------------------------------------------------------------------------------------
// The table: one conversion per spelling of the vocabulary (src/model/vocabulary.ts)

interface Ctx {
  readonly op: string;
  readonly arg: unknown;
  readonly argPos: Pos;
  readonly loc: SourceLoc;
  readonly label: string;
  readonly depth: number;
}

interface StepDef {
  readonly name: string;
  /** Argument schema, given the schema of a step list; null: the step takes no argument. */
  readonly arg: ((steps: Steps) => z.ZodMiniType) | null;
  /** May be written bare (`- might_sleep`) or with a null argument. */
  readonly bare: boolean;
  readonly convert: (c: StepConverter, x: Ctx) => Step | null;
}

// The two multi-key steps: their "argument" is the whole step map.
const withSchema = (steps: Steps) => z.strictObject({ with: lockSpec(steps), do: steps });
/** The trylock spellings: what `if: {X: lock}` accepts (docs/scenario-format.md §11.1). */
const TRYLOCKS: readonly StepSpelling[] = STEP_VOCABULARY.filter((s) => s.category === 'trylock');
// `if: COND` (free text; `blockable` is the model's keyword), `if: {TRYLOCK: lock}`, or
// `if: {since: "6.8"}` (the kernel release the helper models follow).
const ifCondition = (steps: Steps) =>
  z.union([name, z.strictObject({ since: z.union([z.string(), z.number()]) }), ...TRYLOCKS.map((s) => z.strictObject({ [s.name]: ARG_SCHEMAS[s.arg]!(steps) }))]);
const ifSchema = (steps: Steps) => z.strictObject({ if: ifCondition(steps), then: z.optional(steps), else: z.optional(steps) });
/** Steps of revision 1.1 only: a stream (one recorded execution) has none of them. */
const REVISION_11_OPS: ReadonlySet<StepOp> = new Set<StepOp>(['loop', 'break', 'continue', 'extern']);

/** The argument schema of each kind of argument the vocabulary names. */
const ARG_SCHEMAS: Readonly<Record<StepArgKind, ((steps: Steps) => z.ZodMiniType) | null>> = {
  none: null,
  lock: lockRefArg,
  'lock spec': lockSpec,
  'nested lock': nestedArg,
  'ww lock': wwArg,
  'ww slow lock': () => z.strictObject({ name, ctx: name }),
  'might lock': mightLockArg,
  instance: () => name,
  flags: () => name,
  ignored: optionalScalar,
  gfp: () => name,
  fence: () => name,
  steps: (steps) => steps,
  'hardirq steps': (steps) => z.union([steps, z.strictObject({ threaded: z.optional(z.boolean()), do: steps })]),
  'signalling steps': (steps) => z.union([steps, z.strictObject({ fences: z.optional(z.array(name)), do: steps })]),
  function: () => z.union([name, z.strictObject({ fn: name, args: z.optional(z.array(name)) })]),
  loop: (steps) => z.union([steps, z.strictObject({ for: name, do: steps })]),
  extern: () => name,
  hook: () => z.union([name, z.strictObject({ hook: name, blockable: z.optional(z.boolean()) })]),
  work: () => name,
  queue: () => name,
  device: () => name,
  'acquire context': () => name,
  'acquire context init': () => z.strictObject({ ctx: name, class: z.optional(name) }),
  blockable: () => z.strictObject({ blockable: z.optional(z.boolean()) }),
  with: withSchema,
  if: ifSchema,
};

/** The fields every step has, and the spelling's fixed ones. */
function base(s: StepSpelling, x: Ctx): { op: StepOp; loc: SourceLoc; label: string; spelling: string } {
  return { op: s.op, loc: x.loc, label: x.label, spelling: s.name, ...s.fields };
}

/**
 * How a spelling converts, by the operation it becomes. The IR types of scenario.ts describe
 * each operation's fields; the vocabulary gives the fixed ones (`fields`), the argument the rest.
 */
function converterOf(s: StepSpelling): StepDef['convert'] {
  const lock = s.lock ?? { types: ANY_TYPE };
  const body = (c: StepConverter, x: Ctx) => ({ ...base(s, x), body: c.body(x.arg, x.argPos, x) }) as Step;
  switch (s.op) {
    case 'acquire':
      return lock.fixed ? (c, x) => c.fixed(x, lock, 'acquire') : (c, x) => c.acquire(x, lock);
    case 'release':
      return lock.fixed ? (c, x) => c.fixed(x, lock, 'release') : (c, x) => c.release(x, lock);
    case 'downgrade_write':
      return lock.fixed ? (c, x) => c.fixed(x, lock, 'downgrade') : (c, x) => c.lockOp(x, s.op as 'downgrade_write', lock.types);
    case 'assert_held':
    case 'cond_resched_lock':
    case 'lock_sync': {
      const op = s.op;
      return (c, x) => c.lockOp(x, op, lock.types);
    }
    case 'might_lock':
      return (c, x) => c.mightLock(x);
    case 'with':
      return (c, x) => c.withStep(x);
    case 'if_blockable':
    case 'if_cond':
    case 'if_since':
    case 'if_trylock':
      return (c, x) => c.ifStep(x);
    case 'loop':
      return (c, x) => c.loopStep(x);
    case 'break':
    case 'continue': {
      const op = s.op;
      return (c, x) => c.loopControl(x, op);
    }
    case 'extern':
      return (c, x) => c.extern(x);
    case 'call':
      return (c, x) => c.call(x);
    case 'invoke':
      return (c, x) => c.invoke(x);
    case 'alloc':
    case 'fs_reclaim':
      return (c, x) => c.gfpStep(x, (gfp) => ({ ...base(s, x), gfp }) as Step);
    case 'fence_wait':
    case 'fence_signal':
    case 'fence_enable':
    case 'fence_put':
      return (c, x) => c.fenceStep(x, (fence) => ({ ...base(s, x), fence }) as Step);
    case 'signalling':
      return (c, x) => c.signalling(x);
    case 'irq_context':
      return (c, x) => {
        if (Array.isArray(x.arg)) return { ...base(s, x), threaded: true, body: c.body(x.arg, x.argPos, x) } as Step;
        const a = x.arg as { threaded?: boolean; do: unknown[] };
        return { ...base(s, x), threaded: a.threaded ?? true, body: c.body(a.do, x.argPos.child('do'), x) } as Step;
      };
    case 'non_block_section':
    case 'rcu_section':
    case 'memalloc_section':
    case 'reclaim':
    case 'pagefault_disable':
      return body;
    case 'hmm_range_fault':
    case 'might_fault':
      return (c, x) => c.needsMm(x, base(s, x) as Step);
    case 'workqueue_flush':
      return (_c, x) => ({ ...base(s, x), name: x.arg as string }) as Step;
    case 'mmu_notifier':
      return (_c, x) => ({ ...base(s, x), blockable: (x.arg as { blockable?: boolean } | null)?.blockable ?? true }) as Step;
    case 'pm_runtime':
      return (_c, x) => ({ ...base(s, x), device: x.arg as string }) as Step;
    case 'ww_acquire_init':
      return (_c, x) => {
        const a = x.arg as { ctx: string; class?: string };
        return { ...base(s, x), ctx: a.ctx, wwClass: a.class ?? DEFAULT_WW_CLASS } as Step;
      };
    case 'ww_acquire':
      return (_c, x) => ({ ...base(s, x), ctx: x.arg as string }) as Step;
    case 'return':
    case 'sleep':
    case 'hardirqs':
    case 'softirqs':
    case 'preempt':
    case 'non_block':
    case 'rcu':
    case 'memalloc':
    case 'signalling_annotation':
    case 'mmu_interval_read_begin':
      return (_c, x) => base(s, x) as Step;
    default: {
      const unhandled: never = s.op;
      throw new Error(`step ${s.name}: no conversion for the operation ${String(unhandled)}`);
    }
  }
}

const ANY_TYPE: readonly LockType[] = [];

const TABLE = new Map<string, StepDef>(
  STEP_VOCABULARY.map((s) => [s.name, { name: s.name, arg: ARG_SCHEMAS[s.arg], bare: STEP_ARGS[s.arg].bare, convert: converterOf(s) }]),
);

/** Every step name, aliases included. */
export const STEP_NAMES: readonly string[] = [...TABLE.keys()];

export function isStepName(n: string): boolean {
  return TABLE.has(n);
}

/** Steps whose whole argument is a step list (`hardirq: [...]`); JSONL `do`/`steps` fields map to it. */
export function isBlockStep(n: string): boolean {
  const s = stepSpelling(n);
  return s !== undefined && takesSteps(s);
}

// ---------------------------------------------------------------------------------------
// Schemas for the JSON Schema of the format

/** A step's hover text: its category and what it does (the vocabulary's). */
export function stepDescription(s: StepSpelling): string {
  return `[${s.category}] ${s.description}`;
}

const atSchema = z.string().check(z.regex(AT_FORM), z.describe('where the step is in the C code: "path:line" or "path:line:column"'));
const modelRuleSchema = z
  .string()
  .check(
    z.minLength(1),
    z.describe('the step stands for a documented rule, not a kernel annotation: the rule and where it is documented (skipped with --lockdep-only)'),
  );

function buildStepSchema(): z.ZodMiniType {
  const list: z.ZodMiniType = z.array(z.lazy(() => stepSchema));
  const bare: z.ZodMiniType[] = [];
  const options: z.ZodMiniType[] = [];
  // Any step written as a map may say where it is in the C code (docs/scenario-format.md §13),
  // and, in a model, which documented rule (not a kernel annotation) it stands for.
  const at = { at: z.optional(atSchema), model_rule: z.optional(modelRuleSchema) };
  for (const s of STEP_VOCABULARY) {
    const d = TABLE.get(s.name)!;
    const description = stepDescription(s);
    if (s.arg === 'with' || s.arg === 'if') {
      options.push(z.extend(d.arg!(list) as z.ZodMiniObject, at).check(z.describe(description)));
      continue;
    }
    if (d.bare) bare.push(z.literal(s.name).check(z.describe(description)));
    if (d.arg) options.push(z.strictObject({ [s.name]: d.bare ? z.nullable(d.arg(list)) : d.arg(list), ...at }).check(z.describe(description)));
    else options.push(z.strictObject({ [s.name]: z.null(), ...at }).check(z.describe(description)));
  }
  return z.union([...bare, ...options]);
}

/**
 * One step as written (for the JSON Schema of the format; the loader validates step by step).
 * Built when first used: a check never needs it, and building it is a tenth of start-up.
 */
let builtStepSchema: z.ZodMiniType | undefined;
export const stepSchema: z.ZodMiniType = z.lazy(() => (builtStepSchema ??= buildStepSchema()));

/** A list of steps (for the JSON Schema). */
export const stepListSchema = z.array(stepSchema);

// Argument validators used by the loader: nested step lists are checked step by step.
const looseList = z.array(z.unknown());
const VALIDATORS = new Map<string, z.ZodMiniType>();
function validatorOf(d: StepDef): z.ZodMiniType | null {
  if (!d.arg) return null;
  let v = VALIDATORS.get(d.name);
  if (!v) {
    v = d.arg(looseList);
    VALIDATORS.set(d.name, v);
  }
  return v;
}

// ---------------------------------------------------------------------------------------
// Labels

const LABEL_MAX = 60;
const BLOCK_KEYS = new Set(['do', 'then', 'else', 'on_edeadlk', 'steps']);

function renderScalar(v: unknown): string {
  if (typeof v === 'string') return v === '' || /^\s|\s$|[,{}\n]|: /.test(v) ? JSON.stringify(v) : v;
  if (v === null || v === undefined) return 'null';
  return String(v);
}

/** Render a value flow-style, giving up once `budget` characters are produced. */
function render(v: unknown, budget: number, depth = 0): string {
  if (v === null || typeof v !== 'object') return renderScalar(v);
  if (depth > 4) return '...';
  let out = '';
  if (Array.isArray(v)) {
    out = '[';
    for (let i = 0; i < v.length && out.length < budget; i++) out += (i ? ', ' : '') + render(v[i], budget - out.length, depth + 1);
    return out + ']';
  }
  out = '{';
  let first = true;
  for (const k of Object.keys(v)) {
    if (out.length >= budget) break;
    const val = (v as Record<string, unknown>)[k];
    if (BLOCK_KEYS.has(k) && Array.isArray(val)) continue;
    out += (first ? '' : ', ') + `${k}: ` + render(val, budget - out.length, depth + 1);
    first = false;
  }
  return out + '}';
}

function shorten(s: string): string {
  return s.length <= LABEL_MAX ? s : s.slice(0, LABEL_MAX - 3) + '...';
}

/** The label of a step as written: `spin_lock_irqsave: A`, `lock: {name: A, mode: read}`, `hardirq`. */
export function stepLabel(op: string, value: unknown): string {
  if (op === 'with') return shorten(`with: ${render((value as Record<string, unknown>).with, LABEL_MAX)}`);
  if (op === 'if') return shorten(`if: ${render((value as Record<string, unknown>).if, LABEL_MAX)}`);
  if (value === null || value === undefined || Array.isArray(value)) return op;
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => !(BLOCK_KEYS.has(k) && Array.isArray((value as Record<string, unknown>)[k])));
    if (keys.length === 0) return op;
  }
  return shorten(`${op}: ${render(value, LABEL_MAX)}`);
}

// ---------------------------------------------------------------------------------------
// The converter

/** What the converter needs to know about the scenario's declarations. */
export interface StepEnv {
  lock(name: string): LockDecl | undefined;
  lockNames(): Iterable<string>;
  hasFunction(name: string): boolean;
  functionNames(): Iterable<string>;
  /** Registered for in the scenario, or a hook the kernel model invokes. */
  hasHook(hook: string): boolean;
  hookNames(): Iterable<string>;
  hasFence(name: string): boolean;
  fenceNames(): Iterable<string>;
  /** A function's parameters (docs/scenario-format.md §12); empty for a function without. */
  functionParams?(name: string): readonly string[];
  /**
   * The function `name` called with `args` (as many as it has parameters), its steps made with
   * the arguments substituted: the key of that instance in the scenario's functions, or null
   * (errors reported, at `call`).
   */
  instantiate?(name: string, args: readonly string[], call: SourceLoc): string | null;
}

/** How the converter is used: scenario files have revision 1.1's steps, a stream has none (docs/scenario-format.md §10). */
export interface ConverterOptions {
  readonly stream?: boolean;
}


const KERNEL_HOOK_SET: ReadonlySet<string> = new Set(KERNEL_HOOK_NAMES);

/** What an instance of the mmap_* and i_mmap_* helpers' class is called. */
const FIXED_INSTANCE: Readonly<Record<NonNullable<LockUse['fixed']>, string>> = { mmap_lock: 'mm', i_mmap_rwsem: 'mapping' };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export class StepConverter {
  private readonly refs = new Map<string, LockRef | { error: string }>();
  /** The innermost enclosing `at:` (a block's, or the function's): steps without their own inherit it. */
  private at: CodeLoc | undefined = undefined;
  /** Loops open around the step being converted, in the current function or path. */
  private loops = 0;
  /** Loop variables of the enclosing loops. */
  private loopVars: string[] = [];
  private readonly reported = new Set<string>();
  private sink: (e: InputError) => void;

  constructor(
    readonly env: StepEnv,
    report: (e: InputError) => void,
    private readonly options: ConverterOptions = {},
  ) {
    this.sink = report;
  }

  /** Each error once (a loop body is converted per iteration, a function per argument list). */
  private report(e: InputError): void {
    const key = `${e.loc ? `${e.loc.file}:${e.loc.line}:${e.loc.column}` : ''}\u0000${e.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.sink(e);
  }

  /**
   * A function's steps (a top-level list): no loop is open and steps inherit the function's
   * `at`. Errors go to `report` when given (an instance with arguments rewrites them).
   */
  functionBody(value: unknown, pos: Pos, at: CodeLoc | undefined, report?: (e: InputError) => void): Step[] {
    const saved = { at: this.at, loops: this.loops, loopVars: this.loopVars, sink: this.sink };
    this.at = at;
    this.loops = 0;
    this.loopVars = [];
    if (report) this.sink = report;
    try {
      return this.list(value, pos, 1);
    } finally {
      Object.assign(this, saved);
    }
  }

  /** Revision 1.1's forms are for scenario files; a stream records one execution (docs/scenario-format.md §10). */
  private streamRefuses(what: string, loc: SourceLoc): boolean {
    if (!this.options.stream) return false;
    this.report(new InputError(`${what} is not available in a JSON Lines stream, which records one execution (write alternatives, loops and arguments in a YAML or JSON scenario)`, loc));
    return true;
  }

  /** A step taking gfp flags: parse them, or report where they go wrong. */
  gfpStep(x: Ctx, make: (gfp: number) => Step): Step | null {
    const text = x.arg as string;
    const r = parseGfp(text);
    if (r.ok) return make(r.value);
    const at = x.argPos.loc();
    const loc = { ...at, column: at.column + r.offset };
    this.report(new InputError(`\`${x.op}\`: ${r.message}${r.word ? didYouMean(r.word, GFP_NAMES) : ''}; expected flags such as GFP_KERNEL, GFP_NOFS | __GFP_NOWARN or GFP_KERNEL & ~__GFP_DIRECT_RECLAIM`, loc));
    return null;
  }

  /** A parsed lock reference, shared by every step that names it. */
  ref(text: string): LockRef | { error: string } {
    let r = this.refs.get(text);
    if (!r) {
      r = parseLockRef(text);
      this.refs.set(text, r);
    }
    return r;
  }

  /** Convert a list of steps at nesting level `depth` (a path's or function's own steps: 1). */
  list(value: unknown, pos: Pos, depth: number): Step[] {
    const out: Step[] = [];
    if (!Array.isArray(value)) {
      this.report(new InputError(`expected a list of steps, got ${describe(value)}`, pos.loc()));
      return out;
    }
    for (let i = 0; i < value.length; i++) {
      const s = this.one(value[i], pos.child(i), depth);
      if (s) out.push(s);
    }
    return out;
  }

  /** The body of a block step: one level deeper, bounded. */
  body(value: unknown, pos: Pos, x: Ctx): Step[] {
    if (x.depth + 1 > MAX_STEP_DEPTH) {
      this.report(new InputError(`steps nested too deeply (limit ${MAX_STEP_DEPTH})`, x.loc));
      return [];
    }
    return this.list(value, pos, x.depth + 1);
  }

  /** Convert one step; null (and an error reported) if it is not valid. */
  one(value: unknown, pos: Pos, depth: number): Step | null {
    if (isPlainObject(value) && ('at' in value || 'model_rule' in value)) {
      const keys = Object.keys(value);
      const beside = keys.filter((k) => k === 'at' || k === 'model_rule');
      if (keys.length === beside.length) {
        this.report(new InputError(`\`${beside[0]}\` is written beside a step (\`- {mutex_lock: vm_lock, ${beside[0]}: ...}\`)`, pos.keyLoc(beside[0]!)));
        return null;
      }
      let at: CodeLoc | undefined;
      if ('at' in value) {
        const raw = value.at;
        at = (typeof raw === 'string' ? parseAt(raw) : null) ?? undefined;
        if (!at) {
          this.report(new InputError(`\`at\`: expected "path:line" or "path:line:column" (where the step is in the C code), got ${describe(raw)}`, pos.child('at').loc()));
          return null;
        }
        if (this.streamRefuses('`at`', pos.keyLoc('at'))) return null;
      }
      let modelRule: string | undefined;
      if ('model_rule' in value) {
        const raw = value.model_rule;
        if (typeof raw !== 'string' || raw.trim() === '') {
          this.report(new InputError(`\`model_rule\`: expected the rule the step enforces and where it is documented, got ${describe(raw)}`, pos.child('model_rule').loc()));
          return null;
        }
        const problem = printableProblem(raw);
        if (problem) {
          this.report(new InputError(`\`model_rule\`: ${problem}`, pos.child('model_rule').loc()));
          return null;
        }
        modelRule = raw;
      }
      const rest: Record<string, unknown> = {};
      for (const k of keys) if (k !== 'at' && k !== 'model_rule') Object.defineProperty(rest, k, { value: value[k], enumerable: true, writable: true, configurable: true });
      const saved = this.at;
      if (at) this.at = at;
      try {
        const s = this.convertOne(rest, pos, depth);
        if (!s) return null;
        const withAt = at ? { ...s, at } : this.at && !s.at ? { ...s, at: this.at } : s;
        return modelRule ? { ...withAt, modelRule } : withAt;
      } finally {
        this.at = saved;
      }
    }
    const s = this.convertOne(value, pos, depth);
    return s && this.at && !s.at ? { ...s, at: this.at } : s;
  }

  private convertOne(value: unknown, pos: Pos, depth: number): Step | null {
    let op: string;
    let arg: unknown;
    let argPos: Pos;
    let loc: SourceLoc;
    if (typeof value === 'string') {
      op = value;
      loc = pos.loc();
      const d = this.lookup(op, loc);
      if (!d) return null;
      if (REVISION_11_OPS.has(stepSpelling(op)!.op) && this.streamRefuses(`\`${op}\``, loc)) return null;
      if (!d.bare) {
        this.report(new InputError(`\`${op}\` needs an argument (write \`${op}: ...\`)`, loc));
        return null;
      }
      return d.convert(this, { op, arg: undefined, argPos: pos, loc, label: op, depth });
    }
    if (!isPlainObject(value)) {
      this.report(new InputError(`expected a step (a step name, or a map of one step name to its argument), got ${describe(value)}`, pos.loc()));
      return null;
    }
    const keys = Object.keys(value);
    if (keys.length === 0) {
      this.report(new InputError('empty step: expected a step name with its argument', pos.loc()));
      return null;
    }
    if ('with' in value || 'if' in value) {
      op = 'with' in value ? 'with' : 'if';
      loc = pos.keyLoc(op);
      const d = TABLE.get(op)!;
      const r = validate(validatorOf(d)!, value, pos, op);
      if (!r.ok) {
        for (const e of r.errors) this.report(e);
        return null;
      }
      return d.convert(this, { op, arg: value, argPos: pos, loc, label: stepLabel(op, value), depth });
    }
    if (keys.length > 1) {
      const known = keys.filter((k) => TABLE.has(k));
      const extra = known.length > 0 ? keys.find((k) => k !== known[0])! : keys[1]!;
      // A misspelled key that goes beside a step (`atx` for `at`).
      const beside = didYouMean(extra, ['at', 'model_rule', 'do', 'then', 'else']);
      this.report(
        new InputError(
          `a step has exactly one step name, got ${keys.map((k) => `"${k}"`).join(', ')}${beside} (only \`with\`/\`do\`, \`if\`/\`then\`/\`else\` and \`loop: {for, do}\` combine, and any step takes \`at:\` and \`model_rule:\` beside it; write each step as its own list item)`,
          pos.keyLoc(extra),
        ),
      );
      return null;
    }
    op = keys[0];
    loc = pos.keyLoc(op);
    arg = value[op];
    argPos = pos.child(op);
    const d = this.lookup(op, loc);
    if (!d) return null;
    if (REVISION_11_OPS.has(stepSpelling(op)!.op) && this.streamRefuses(`\`${op}\``, loc)) return null;
    const label = stepLabel(op, arg);
    if (arg === null || arg === undefined) {
      if (!d.bare) {
        this.report(new InputError(`\`${op}\` needs an argument`, loc));
        return null;
      }
      return d.convert(this, { op, arg: undefined, argPos, loc, label: op, depth });
    }
    const validator = validatorOf(d);
    if (!validator) {
      this.report(new InputError(`\`${op}\` takes no argument, got ${describe(arg)} (write it bare: \`- ${op}\`)`, argPos.loc()));
      return null;
    }
    const r = validate(validator, arg, argPos, op);
    if (!r.ok) {
      for (const e of r.errors) this.report(e);
      return null;
    }
    return d.convert(this, { op, arg, argPos, loc, label, depth });
  }

  private lookup(op: string, loc: SourceLoc): StepDef | null {
    const d = TABLE.get(op);
    if (d) return d;
    if (op === 'do') this.report(new InputError('`do` without `with`: a `do` block belongs in the same step as its `with: LOCK`', loc));
    else if (op === 'then' || op === 'else') this.report(new InputError(`\`${op}\` without \`if\`: write \`if: blockable\` in the same step`, loc));
    else {
      // Far from every step: probably a kernel or driver function the vocabulary does not have.
      const close = didYouMean(op, TABLE.keys());
      const hint = close || (/^[A-Za-z_]\w*$/.test(op) ? ` (a call the scenario does not model is \`extern: ${op}\`; docs/steps.md lists the steps)` : '');
      this.report(new InputError(`unknown step ${quote(op)}${hint}`, loc));
    }
    return null;
  }

  // --- locks -----------------------------------------------------------------------------

  /** Resolve a lock reference written at `pos`, checking that its class is declared and fits. */
  resolveLock(text: string, pos: Pos, op: string, types: readonly LockType[]): { ref: LockRef; decl: LockDecl } | null {
    const ref = this.ref(text);
    if ('error' in ref) {
      this.report(new InputError(`invalid lock reference ${quote(text)}: ${ref.error}`, pos.loc()));
      return null;
    }
    const decl = this.env.lock(ref.cls);
    if (!decl) {
      this.report(new InputError(`undeclared lock ${quote(ref.cls)}${didYouMean(ref.cls, this.env.lockNames()) || ' (declare it under `locks:`)'}`, pos.loc()));
      return null;
    }
    if (types.length > 0 && !types.includes(decl.type)) {
      this.report(new InputError(`\`${op}\` takes ${typeList(types)}, but ${quote(ref.cls)} is ${aType(decl.type)} (use ${LOCK_TYPE_TABLE[decl.type].steps})`, pos.loc()));
      return null;
    }
    return { ref, decl };
  }

  /**
   * A `nest_lock`: a declared lock, or a ww acquire context C, which lockdep holds as the entry
   * C of the pseudo-lock `<ww_class>_acquire` (`mutex_lock_nest_lock(&obj->base, ctx)`). The
   * context is written as that entry, `<ww_class>_acquire[C]`, or, when the lock taken is a
   * ww_mutex, as the bare name C (a context of the lock's own ww class).
   */
  private nestLock(text: string, lock: LockDecl, pos: Pos, op: string): LockRef | null {
    const ref = this.ref(text);
    if (!('error' in ref) && !this.env.lock(ref.cls)) {
      if (ref.instance === null && lock.wwClass) return { cls: wwAcquireLock(lock.wwClass), instance: ref.cls };
      const contexts = this.wwAcquireLocks();
      if (ref.instance !== null && contexts.has(ref.cls)) return ref;
      const ctxHint = lock.wwClass ? '' : ' (a bare acquire context name is for a ww_mutex)';
      this.report(new InputError(
        `\`${op}\`: nest_lock ${quote(text)} is neither a declared lock nor a ww acquire context \`<ww_class>_acquire[ctx]\`${ctxHint}` +
          didYouMean(ref.cls, [...this.env.lockNames(), ...contexts]),
        pos.loc(),
      ));
      return null;
    }
    return this.resolveLock(text, pos, op, ANY_TYPE)?.ref ?? null;
  }

  /** The acquire-context pseudo-locks of the declared ww_mutexes' ww classes. */
  private wwAcquireLocks(): Set<string> {
    const locks = new Set<string>();
    for (const name of this.env.lockNames()) {
      const ww = this.env.lock(name)?.wwClass;
      if (ww) locks.add(wwAcquireLock(ww));
    }
    return locks;
  }

  private checkMode(mode: AcquireMode, decl: LockDecl, pos: Pos): boolean {
    const modes = LOCK_TYPE_TABLE[decl.type].modes;
    if (modes.includes(mode)) return true;
    const allowed =
      modes.length > 1
        ? `${[...modes].reverse().join(' or ')}`
        : `write (read modes are for ${typeNames(typesWithMode('read'), 'and')}; recursive_read for ${typeNames(typesWithMode('recursive_read'), 'and')})`;
    this.report(new InputError(`mode ${quote(mode)} is not valid for ${quote(decl.name)}, ${aType(decl.type)}: expected ${allowed}`, pos.loc()));
    return false;
  }

  /** `lock`, `trylock`, the acquire aliases, and the lock of `with`. */
  acquire(x: Ctx, spec: LockUse): AcquireStep | null {
    return this.acquireFrom(x.arg, x.argPos, x.op, x.loc, x.label, spec, x.depth);
  }

  /** The argument's shape was validated by the step's schema (string, or a map with `name`). */
  private acquireFrom(arg: unknown, argPos: Pos, op: string, loc: SourceLoc, label: string, spec: LockUse, depth: number): AcquireStep | null {
    const a: Record<string, unknown> = typeof arg === 'string' ? { name: arg } : (arg as Record<string, unknown>);
    const namePos = typeof arg === 'string' ? argPos : argPos.child('name');
    let ok = true;
    if (a.ctx !== undefined && r0(a.name) !== null && this.env.lock(r0(a.name)!)?.type !== 'ww_mutex') {
      this.report(new InputError(`\`${op}\`: \`ctx\` is a ww acquire context, for a ww_mutex only`, argPos.keyLoc('ctx')));
      ok = false;
    }
    for (const f of ['on_edeadlk', 'result']) {
      if (a[f] !== undefined && a.ctx === undefined) {
        this.report(new InputError(`\`${op}\`: \`${f}\` is about -EDEADLK, which only a ww_mutex locked in an acquire context (\`ctx\`) returns`, argPos.keyLoc(f)));
        ok = false;
      }
    }
    if (a.on_edeadlk !== undefined && a.result !== undefined) {
      this.report(new InputError(`\`${op}\`: \`on_edeadlk\` (a back-off path) and \`result: edeadlk\` (an attempt that fails) exclude each other`, argPos.keyLoc('result')));
      ok = false;
    }
    const backOff = a.on_edeadlk !== undefined ? this.body(a.on_edeadlk, argPos.child('on_edeadlk'), { op, arg: a, argPos, loc, label, depth }) : undefined;
    const r = this.resolveLock(a.name as string, namePos, op, spec.types);
    if (!r) return null;
    const mode = (a.mode as AcquireMode | undefined) ?? spec.mode ?? 'write';
    if (a.mode !== undefined && !this.checkMode(mode, r.decl, argPos.child('mode'))) ok = false;
    let nestLock: LockRef | null = null;
    if (typeof a.nest_lock === 'string') {
      nestLock = this.nestLock(a.nest_lock, r.decl, argPos.child('nest_lock'), op);
      if (!nestLock) ok = false;
    }
    if (!ok) return null;
    const step: AcquireStep = {
      op: 'acquire',
      loc,
      label,
      spelling: op,
      lock: r.ref,
      mode,
      subclass: (a.nested as number | undefined) ?? 0,
      nestLock,
      trylock: spec.trylock ?? false,
      irq: spec.irq ?? 'none',
    };
    if (typeof a.ctx !== 'string') return step;
    return {
      ...step,
      ctx: a.ctx,
      slow: spec.slow ?? false,
      ...(backOff ? { onEdeadlk: backOff } : {}),
      ...(a.result === 'edeadlk' ? { result: 'edeadlk' as const } : {}),
    };
  }

  release(x: Ctx, spec: LockUse): Step | null {
    const text = typeof x.arg === 'string' ? x.arg : ((x.arg as { name: string }).name);
    const pos = typeof x.arg === 'string' ? x.argPos : x.argPos.child('name');
    const r = this.resolveLock(text, pos, x.op, spec.types);
    if (!r) return null;
    return { op: 'release', loc: x.loc, label: x.label, spelling: x.op, lock: r.ref, irq: spec.irq ?? 'none' };
  }

  /** A step whose argument is just a lock: downgrade_write, assert_held, cond_resched_lock, lock_sync. */
  lockOp(x: Ctx, op: 'downgrade_write' | 'assert_held' | 'cond_resched_lock' | 'lock_sync', types: readonly LockType[]): Step | null {
    const text = typeof x.arg === 'string' ? x.arg : ((x.arg as { name: string }).name);
    const pos = typeof x.arg === 'string' ? x.argPos : x.argPos.child('name');
    const r = this.resolveLock(text, pos, x.op, types);
    if (!r) return null;
    return { op, loc: x.loc, label: x.label, spelling: x.op, lock: r.ref };
  }

  mightLock(x: Ctx): Step | null {
    const a: Record<string, unknown> = typeof x.arg === 'string' ? { name: x.arg } : (x.arg as Record<string, unknown>);
    const pos = typeof x.arg === 'string' ? x.argPos : x.argPos.child('name');
    const r = this.resolveLock(a.name as string, pos, x.op, ANY_TYPE);
    if (!r) return null;
    const mode = (a.mode as AcquireMode | undefined) ?? 'write';
    if (!this.checkMode(mode, r.decl, x.argPos.child('mode'))) return null;
    return { op: 'might_lock', loc: x.loc, label: x.label, spelling: x.op, lock: r.ref, mode, subclass: (a.nested as number | undefined) ?? 0 };
  }

  /** The mmap_* and i_mmap_* aliases, on the kernel model's classes. */
  fixed(x: Ctx, spec: LockUse, kind: 'acquire' | 'release' | 'downgrade'): Step | null {
    const cls = spec.fixed!;
    const decl = this.env.lock(cls);
    if (!decl) {
      this.report(new InputError(`\`${x.op}\` acts on the kernel model's \`${cls}\`, which is not declared: add \`include: [kernel]\``, x.loc));
      return null;
    }
    if (!spec.types.includes(decl.type)) {
      this.report(new InputError(`\`${x.op}\` takes ${typeList(spec.types)}, but ${quote(cls)} is declared as ${aType(decl.type)}`, x.loc));
      return null;
    }
    let instance: string | null = null;
    if (typeof x.arg === 'string') {
      const p = nameProblem(x.arg);
      if (p) {
        this.report(new InputError(`\`${x.op}\` takes the name of an ${FIXED_INSTANCE[cls]} instance: ${p}`, x.argPos.loc()));
        return null;
      }
      instance = x.arg;
    }
    const lock = this.ref(instance === null ? cls : `${cls}[${instance}]`) as LockRef;
    const at = { loc: x.loc, label: x.label, spelling: x.op };
    if (kind === 'release') return { op: 'release', ...at, lock, irq: 'none' };
    if (kind === 'downgrade') return { op: 'downgrade_write', ...at, lock };
    return { op: 'acquire', ...at, lock, mode: spec.mode ?? 'write', subclass: 0, nestLock: null, trylock: spec.trylock ?? false, irq: 'none' };
  }

  withStep(x: Ctx): Step | null {
    const v = x.arg as { with: unknown; do: unknown[] };
    const acquire = this.acquireFrom(v.with, x.argPos.child('with'), 'with', x.loc, x.label, { types: ANY_TYPE }, x.depth);
    const body = this.body(v.do, x.argPos.child('do'), x);
    if (!acquire) return null;
    return { op: 'with', loc: x.loc, label: x.label, spelling: x.op, acquire, body };
  }

  ifStep(x: Ctx): Step | null {
    const v = x.arg as { if: unknown; then?: unknown[]; else?: unknown[] };
    if (v.then === undefined && v.else === undefined) {
      this.report(new InputError('an `if` needs a `then` or an `else` branch (or both)', x.loc));
      return null;
    }
    let acquire: AcquireStep | null = null;
    if (typeof v.if === 'object' && v.if !== null && 'since' in v.if) return this.sinceStep(x, (v.if as { since: string | number }).since, v);
    if (typeof v.if !== 'string') {
      if (this.streamRefuses('`if: {trylock: ...}`', x.loc)) return null;
      const s = this.one(v.if, x.argPos.child('if'), x.depth);
      if (!s) return null;
      acquire = s as AcquireStep;
    } else if (v.if !== 'blockable' && this.streamRefuses(`\`if: ${v.if}\``, x.loc)) return null;
    const then = v.then ? this.body(v.then, x.argPos.child('then'), x) : [];
    const els = v.else ? this.body(v.else, x.argPos.child('else'), x) : [];
    if (acquire) return { op: 'if_trylock', loc: x.loc, label: x.label, spelling: x.op, acquire, then, else: els };
    if (v.if === 'blockable') return { op: 'if_blockable', loc: x.loc, label: x.label, spelling: x.op, then, else: els };
    return { op: 'if_cond', loc: x.loc, label: x.label, spelling: x.op, cond: v.if as string, then, else: els };
  }

  /** `if: {since: "6.8"}`: `then` on that kernel release and later, `else` before (one branch runs). */
  private sinceStep(x: Ctx, since: string | number, v: { then?: unknown[]; else?: unknown[] }): Step | null {
    const r = parseRelease(since);
    if ('error' in r) {
      this.report(new InputError(`if: {since}: ${r.error}`, x.argPos.child('if').child('since').loc()));
      return null;
    }
    const then = v.then ? this.body(v.then, x.argPos.child('then'), x) : [];
    const els = v.else ? this.body(v.else, x.argPos.child('else'), x) : [];
    return { op: 'if_since', loc: x.loc, label: `if: since ${r.release}`, spelling: x.op, since: r.release, then, else: els };
  }

  /** `loop: [steps]` or `loop: {for: V, do: [steps]}` (docs/scenario-format.md §11.2). */
  loopStep(x: Ctx): Step | null {
    if (this.streamRefuses('`loop`', x.loc)) return null;
    const inLoop = (body: unknown, pos: Pos): Step[] => {
      this.loops++;
      try {
        return this.body(body, pos, x);
      } finally {
        this.loops--;
      }
    };
    if (Array.isArray(x.arg)) {
      const body = inLoop(x.arg, x.argPos);
      return { op: 'loop', loc: x.loc, label: x.label, spelling: x.op, variable: null, iterations: [body, body] };
    }
    const a = x.arg as { for: string; do: unknown[] };
    const vpos = x.argPos.child('for');
    if (!VAR_NAME.test(a.for)) {
      this.report(new InputError(`loop variable ${quote(a.for)}: expected a C identifier (letters, digits, _), as \`$${a.for}\` names it in the body`, vpos.loc()));
      return null;
    }
    if (this.loopVars.includes(a.for)) {
      this.report(new InputError(`loop variable ${quote(a.for)} is already the variable of an enclosing loop: name this loop's objects differently`, vpos.loc()));
      return null;
    }
    const iteration = (n: 1 | 2): Step[] => {
      this.loopVars.push(a.for);
      try {
        return inLoop(substitute(a.do, new Map([[a.for, `${a.for}.${n}`]])), x.argPos.child('do'));
      } finally {
        this.loopVars.pop();
      }
    };
    return { op: 'loop', loc: x.loc, label: x.label, spelling: x.op, variable: a.for, iterations: [iteration(1), iteration(2)] };
  }

  /** `break` and `continue` belong in a loop of the same function or path. */
  loopControl(x: Ctx, op: 'break' | 'continue'): Step | null {
    if (this.loops > 0) return { op, loc: x.loc, label: x.label, spelling: x.op };
    this.report(new InputError(`\`${op}\` outside a loop: it must be inside a \`loop\` of the same function or path (\`return\` leaves a function from anywhere)`, x.loc));
    return null;
  }

  /** `extern: fn` or `extern: "fn(args)"`: a call to code the scenario does not model. */
  extern(x: Ctx): Step | null {
    const text = (x.arg as string).trim();
    const fn = text.includes('(') ? text.slice(0, text.indexOf('(')).trim() : text;
    if (!fn) {
      this.report(new InputError(`\`extern\`: expected the name of the function called (\`extern: fn\` or \`extern: "fn(args)"\`), got ${quote(text)}`, x.argPos.loc()));
      return null;
    }
    return { op: 'extern', loc: x.loc, label: x.label, spelling: x.op, fn };
  }

  // --- calls and hooks -------------------------------------------------------------------

  /** A step that uses the kernel model's `mmap_lock` (HMM, page faults). */
  needsMm(x: Ctx, step: Step): Step | null {
    if (this.env.lock('mmap_lock')) return step;
    this.report(new InputError(`\`${x.op}\` uses the kernel model's \`mmap_lock\`, which is not declared: add \`include: [kernel]\``, x.loc));
    return null;
  }

  /** A step naming a fence: it must be declared under `fences:`. */
  fenceStep(x: Ctx, make: (fence: string) => Step): Step | null {
    const fence = x.arg as string;
    if (this.env.hasFence(fence)) return make(fence);
    this.report(new InputError(`undeclared fence ${quote(fence)}${didYouMean(fence, this.env.fenceNames()) || ' (declare it under `fences:`)'}`, x.argPos.loc()));
    return null;
  }

  signalling(x: Ctx): Step | null {
    if (Array.isArray(x.arg)) return { op: 'signalling', loc: x.loc, label: x.label, spelling: x.op, fences: [], body: this.body(x.arg, x.argPos, x) };
    const a = x.arg as { fences?: string[]; do: unknown[] };
    const fences: string[] = [];
    (a.fences ?? []).forEach((f, i) => {
      if (this.env.hasFence(f)) fences.push(f);
      else this.report(new InputError(`undeclared fence ${quote(f)}${didYouMean(f, this.env.fenceNames()) || ' (declare it under `fences:`)'}`, x.argPos.child('fences').child(i).loc()));
    });
    return { op: 'signalling', loc: x.loc, label: x.label, spelling: x.op, fences, body: this.body(a.do, x.argPos.child('do'), x) };
  }

  /** `call: fn`, `call: fn(a, b)` or `call: {fn, args}` (docs/scenario-format.md §12). */
  call(x: Ctx): Step | null {
    let fn: string;
    let args: string[] | null = null;
    let fnPos = x.argPos;
    if (typeof x.arg === 'string' && this.env.hasFunction(x.arg)) {
      // A function whose name has parentheses (the importer's `shrink_node (kernel)`).
      fn = x.arg;
    } else if (typeof x.arg === 'string') {
      const m = /^\s*([^()]*?)\s*\(([^()]*)\)\s*$/.exec(x.arg);
      if (m) {
        fn = m[1]!;
        args = m[2]!.trim() === '' ? [] : m[2]!.split(',').map((a) => a.trim());
        if (args.some((a) => a === '')) {
          this.report(new InputError(`\`call\`: an empty argument in ${quote(x.arg)} (expected \`fn(a, b)\`)`, x.argPos.loc()));
          return null;
        }
      } else if (/[()]/.test(x.arg)) {
        this.report(new InputError(`\`call\`: expected \`fn\` or \`fn(a, b)\`, got ${quote(x.arg)} (an argument with parentheses or commas goes in the map form \`{fn: ..., args: [...]}\`)`, x.argPos.loc()));
        return null;
      } else fn = x.arg;
    } else {
      const a = x.arg as { fn: string; args?: string[] };
      fn = a.fn;
      args = a.args ?? null;
      fnPos = x.argPos.child('fn');
    }
    if (!this.env.hasFunction(fn)) {
      // `call: dma_resv_lock(bo)`: a step written as a call
      const step = stepSpelling(fn);
      const written = args?.length === 1 ? `${fn}: ${args[0]}` : !args?.length && STEP_ARGS[step?.arg ?? 'none'].bare ? fn : `${fn}: ...`;
      const hint =
        notIncludedHint(fn, this.options.stream ? 'stream' : 'file') ||
        (step
          ? ` (${quote(fn)} is a step, not a function: write \`${written}\`; \`fencedep explain ${fn}\` shows its argument)`
          : didYouMean(fn, this.env.functionNames()) || ' (declare it under `functions:`)');
      this.report(new InputError(`undeclared function ${quote(fn)}${hint}`, fnPos.loc()));
      return null;
    }
    const params = this.env.functionParams?.(fn) ?? [];
    const given = args ?? [];
    if (given.length !== params.length) {
      const takes = params.length === 0 ? 'takes no arguments' : `takes ${params.length} argument${params.length === 1 ? '' : 's'} (${params.join(', ')})`;
      this.report(new InputError(`\`call\`: function ${quote(fn)} ${takes}, got ${given.length}${given.length ? ` (${given.join(', ')})` : ''}`, x.argPos.loc()));
      return null;
    }
    for (const a of given) {
      const p = printableProblem(a);
      if (p) {
        this.report(new InputError(`\`call\`: argument ${quote(a)} ${p}`, x.argPos.loc()));
        return null;
      }
    }
    if (params.length === 0) return { op: 'call', loc: x.loc, label: x.label, spelling: x.op, fn };
    if (this.streamRefuses('a call with arguments', x.loc)) return null;
    const key = this.env.instantiate!(fn, given, x.loc);
    return key === null ? null : { op: 'call', loc: x.loc, label: x.label, spelling: x.op, fn: key };
  }

  invoke(x: Ctx): Step | null {
    const a = typeof x.arg === 'string' ? { hook: x.arg } : (x.arg as { hook: string; blockable?: boolean });
    const pos = typeof x.arg === 'string' ? x.argPos : x.argPos.child('hook');
    if (!this.env.hasHook(a.hook)) {
      const candidates = new Set<string>([...this.env.hookNames(), ...KERNEL_HOOK_SET]);
      this.report(
        new InputError(
          `unknown hook ${quote(a.hook)}: no function is registered for it under \`hooks:\` and the kernel does not invoke it${didYouMean(a.hook, candidates)}`,
          pos.loc(),
        ),
      );
      return null;
    }
    return { op: 'invoke', loc: x.loc, label: x.label, spelling: x.op, hook: canonicalHook(a.hook), blockable: a.blockable ?? null };
  }
}

export function isKernelHook(hook: string): boolean {
  return KERNEL_HOOK_SET.has(hook);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return `${typeof v} ${JSON.stringify(v)}`;
}
