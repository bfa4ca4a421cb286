/**
 * fast-check generators of scenarios for the fuzz suite.
 *
 * A generated scenario is abstract: every name in it (locks, lockdep names, functions, paths,
 * fences, hooks, instances, ww contexts and classes, work items, queues, devices, irq-save
 * flags) is a reference `{$: kind, i}` that `render` turns into a concrete name through a
 * `Names` table. So one abstract scenario renders with plain names (`lk_0_`, ...) or with
 * hostile ones (`__proto__`, `toString`, `a: b`, `锁`, ...) and the two must give the same
 * report up to the names (the rename property).
 *
 * Generated scenarios are valid by construction (the loader accepts them), though replaying
 * one may still give an input error (a `hardirq` block where hard irqs are disabled, a fence
 * callback reaching its own fence...): the properties hold for those too.
 *
 * Functions only call functions declared before them, and only use hooks and fences whose
 * functions come before them, so no generated scenario recurses.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { LockType } from '../../src/model/scenario.js';
import { KERNEL_HOOK_NAMES } from '../../src/model/vocabulary.js';
import { RULE_IDS } from '../../src/model/rule-ids.js';

export type Kind = 'lock' | 'ld' | 'fn' | 'path' | 'fence' | 'hook' | 'inst' | 'ctx' | 'wc' | 'work' | 'queue' | 'dev' | 'sav';

/** A name in the abstract scenario; a lock reference may name an instance. */
export interface Ref {
  readonly $: Kind;
  readonly i: number;
  readonly inst?: number;
}

export interface AbsLock {
  readonly type: LockType;
  /** An explicit `lockdep:` name (not for ww_mutex). */
  readonly lockdep: boolean;
  /** ww_mutex: its ww class (index of a `wc` name), or null for the default reservation_ww_class. */
  readonly ww: number | null;
}

export interface AbsFence {
  /** A spinlock of the scenario (by lock index) or null for the fence's own `<name>->lock`. */
  readonly lock: number | null;
  readonly irq: boolean;
  readonly callbacks: readonly number[];
  readonly enable: number | null;
  readonly release: number | null;
}

/** Hooks the kernel model invokes (the vocabulary's), registered by a driver like any other hook. */
export { KERNEL_HOOK_NAMES };

export interface AbsHook {
  /** A kernel hook name, or null for the scenario's own hook `{$: hook, i}`. */
  readonly kernel: string | null;
  readonly fns: readonly number[];
}

export interface AbsPath {
  /** Which path name it has (`{$: path, i: id}`): the name travels with the path when paths are reordered. */
  readonly id: number;
  readonly context: 'process' | 'softirq' | 'hardirq' | null;
  readonly irqs: 'enabled' | 'disabled' | null;
  readonly work: { readonly item: number; readonly queue: number } | null;
  readonly steps: readonly unknown[];
}

export interface AbsExpectation {
  readonly rule: string;
  readonly involves: readonly number[];
  readonly path: number | null;
}

export interface AbsScenario {
  readonly kernel: boolean;
  readonly locks: readonly AbsLock[];
  readonly fences: readonly AbsFence[];
  readonly hooks: readonly AbsHook[];
  readonly functions: readonly (readonly unknown[])[];
  readonly paths: readonly AbsPath[];
  readonly expect: null | 'clean' | readonly AbsExpectation[];
  readonly options: { readonly kernel?: '5.10' | '6.13'; readonly fence_model?: 'lockdep' | 'precise'; readonly warn?: readonly string[] } | null;
}

// ---------------------------------------------------------------------------------------
// Names

export type Names = (kind: Kind, i: number) => string;

const PREFIX: Record<Kind, string> = {
  lock: 'lk', ld: 'ld', fn: 'fn', path: 'pa', fence: 'fe', hook: 'hk', inst: 'in', ctx: 'cx', wc: 'wc', work: 'wk', queue: 'qu', dev: 'dv', sav: 'sv',
};

/** Plain names, each a token that occurs nowhere else in a report (`lk_3_`, `fn_0_`...). */
export const plainNames: Names = (kind, i) => `${PREFIX[kind]}_${i}_`;

/**
 * Names that are legal but hostile: JavaScript's Object.prototype members, YAML indicators,
 * things that look like numbers, booleans or null, quotes and backslashes, non-ASCII.
 * No brackets, no control characters (those are invalid names), and none of the kernel
 * model's own names.
 */
export const HOSTILE_NAMES: readonly string[] = [
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'isPrototypeOf', '__defineGetter__',
  'then', 'length', 'a b', 'x: y', '#hash', '-dash', '*star', '&amp', '!bang', '%pct', '@at', '`tick`', '"dq"', "'sq'",
  'back\\slash', '0', '42', 'true', 'null', '~', '1e3', '-1', '.inf', '<<', '?q', '|pipe', '>gt', '{brace}', 'a,b',
  'a->b', 'λ-lock', '锁', '😀', 'ﬁ', ' lead', 'trail ', 'x/1', '*', '&', ':', '-', 'a#b', 'tab\u00a0nbsp', '$ref', '%TAG',
];

/** Hostile names, shuffled by `seed`, distinct within each kind. */
export function hostileNames(seed: number): Names {
  const cache = new Map<string, string>();
  const used = new Map<Kind, Set<string>>();
  return (kind, i) => {
    const key = `${kind}:${i}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let set = used.get(kind);
    if (!set) used.set(kind, (set = new Set()));
    let k = (seed * 31 + i * 17 + kind.length * 7) % HOSTILE_NAMES.length;
    let name = HOSTILE_NAMES[k]!;
    for (let n = 1; set.has(name); n++) {
      k = (k + 1) % HOSTILE_NAMES.length;
      name = n < HOSTILE_NAMES.length ? HOSTILE_NAMES[k]! : `${HOSTILE_NAMES[k]!}${n}`;
    }
    set.add(name);
    cache.set(key, name);
    return name;
  };
}

// ---------------------------------------------------------------------------------------
// Rendering

/** The order a `dict`'s keys were given in (JavaScript lists integer-like keys such as "42" first). */
const ORDER = Symbol('order');

/**
 * An object with exactly these own keys (`__proto__` included, as an own key), which
 * `toYaml` and `toJson` write in the order given.
 */
export function dict(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const order: string[] = [];
  for (const [k, v] of entries) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) order.push(k);
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  Object.defineProperty(o, ORDER, { value: order, enumerable: false });
  return o;
}

/** The entries of an object, in `dict` order when it is one. */
export function entriesOf(o: object): [string, unknown][] {
  const order = (o as { [ORDER]?: string[] })[ORDER];
  const own = Object.entries(o);
  if (!order) return own;
  const map = new Map(own);
  return [...order.filter((k) => map.has(k)).map((k) => [k, map.get(k)] as [string, unknown]), ...own.filter(([k]) => !order.includes(k))];
}

/** A document with its maps as Maps, so the YAML writer keeps the order. */
function ordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(ordered);
  if (v !== null && typeof v === 'object') return new Map(entriesOf(v).map(([k, x]) => [k, ordered(x)]));
  return v;
}

/** JSON text with keys in `dict` order. */
export function jsonText(v: unknown, indent = 2, level = 0): string {
  const pad = indent ? '\n' + ' '.repeat(indent * (level + 1)) : '';
  const end = indent ? '\n' + ' '.repeat(indent * level) : '';
  if (Array.isArray(v)) return v.length ? `[${v.map((x) => pad + jsonText(x, indent, level + 1)).join(',')}${end}]` : '[]';
  if (v !== null && typeof v === 'object') {
    const es = entriesOf(v);
    return es.length ? `{${es.map(([k, x]) => `${pad}${JSON.stringify(k)}:${indent ? ' ' : ''}${jsonText(x, indent, level + 1)}`).join(',')}${end}}` : '{}';
  }
  return JSON.stringify(v) ?? 'null';
}

function isRef(v: unknown): v is Ref {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Ref).$ === 'string' && typeof (v as Ref).i === 'number';
}

/** Replace every reference in `v` by its name. */
export function renderValue(v: unknown, names: Names): unknown {
  if (isRef(v)) {
    const base = names(v.$, v.i);
    return v.inst === undefined ? base : `${base}[${names('inst', v.inst)}]`;
  }
  if (Array.isArray(v)) return v.map((x) => renderValue(x, names));
  if (v !== null && typeof v === 'object') return dict(entriesOf(v).map(([k, x]) => [k, renderValue(x, names)] as const));
  return v;
}

const KERNEL_HOOK_SET: ReadonlySet<string> = new Set(KERNEL_HOOK_NAMES);

/** The hook's name. */
export function hookName(s: AbsScenario, k: number, names: Names): string {
  return s.hooks[k]!.kernel ?? names('hook', k);
}

/** The scenario as the document a user would write (a plain object, keys in the format's order). */
export function toDocument(s: AbsScenario, names: Names = plainNames, scenarioName = 'fuzz'): Record<string, unknown> {
  const doc: [string, unknown][] = [['name', scenarioName]];
  if (s.kernel) doc.push(['include', ['kernel']]);
  doc.push([
    'locks',
    dict(
      s.locks.map((l, i) => {
        if (l.type === 'ww_mutex') return [names('lock', i), l.ww === null ? 'ww_mutex' : { type: 'ww_mutex', ww_class: names('wc', l.ww) }] as const;
        return [names('lock', i), l.lockdep ? { type: l.type, lockdep: `&${names('ld', i)}->lock` } : l.type] as const;
      }),
    ),
  ]);
  if (s.fences.length) {
    doc.push([
      'fences',
      dict(
        s.fences.map((f, i) => {
          const o: [string, unknown][] = [];
          if (f.lock !== null) o.push(['lock', names('lock', f.lock)]);
          if (f.irq) o.push(['signalled_in', 'irq']);
          if (f.enable !== null) o.push(['enable_signaling', names('fn', f.enable)]);
          if (f.release !== null) o.push(['release', names('fn', f.release)]);
          if (f.callbacks.length) o.push(['callbacks', f.callbacks.map((c) => names('fn', c))]);
          return [names('fence', i), dict(o)] as const;
        }),
      ),
    ]);
  }
  if (s.hooks.length) {
    const hooks = new Map<string, string[]>();
    // A hook nothing invokes is an input error (docs/scenario-format.md §14): register only the invoked ones.
    const invoked = invokedHooks([s.functions.map((steps) => renderValue(steps, names)), s.paths.map((p) => renderValue(p.steps, names))]);
    s.hooks.forEach((h, k) => {
      const n = hookName(s, k, names);
      if (!invoked.has(n) && !KERNEL_HOOK_NAMES.includes(n)) return;
      const list = hooks.get(n) ?? [];
      for (const f of h.fns) if (!list.includes(names('fn', f))) list.push(names('fn', f));
      hooks.set(n, list);
    });
    doc.push(['hooks', dict([...hooks])]);
  }
  if (s.functions.length) doc.push(['functions', dict(s.functions.map((steps, i) => [names('fn', i), renderValue(steps, names)] as const))]);
  doc.push([
    'paths',
    s.paths.map((p) => {
      const o: [string, unknown][] = [['name', names('path', p.id)]];
      if (p.context) o.push(['context', p.context]);
      if (p.irqs) o.push(['irqs', p.irqs]);
      if (p.work) o.push(['work', dict([['item', names('work', p.work.item)], ['queue', names('queue', p.work.queue)]])]);
      o.push(['steps', renderValue(p.steps, names)]);
      return dict(o);
    }),
  ]);
  if (s.expect === 'clean') doc.push(['expect', 'clean']);
  else if (s.expect) {
    doc.push([
      'expect',
      s.expect.map((e) => {
        const o: [string, unknown][] = [['rule', e.rule]];
        if (e.involves.length) o.push(['involves', e.involves.map((l) => lockInvolves(s, l, names))]);
        if (e.path !== null) o.push(['path', names('path', e.path)]);
        return dict(o);
      }),
    ]);
  }
  if (s.options) {
    const o: [string, unknown][] = [];
    if (s.options.kernel) o.push(['kernel', s.options.kernel]);
    if (s.options.fence_model) o.push(['fence_model', s.options.fence_model]);
    if (s.options.warn) o.push(['warn', [...s.options.warn]]);
    doc.push(['options', dict(o)]);
  }
  return dict(doc);
}

function lockInvolves(s: AbsScenario, i: number, names: Names): string {
  return names('lock', i);
}

/** YAML as a person writes it: block style, one step a line, no folding (line numbers stay put under renaming). */
export function toYaml(s: AbsScenario, names: Names = plainNames, scenarioName = 'fuzz'): string {
  return stringify(ordered(toDocument(s, names, scenarioName)), { lineWidth: 0, minContentWidth: 0 });
}

export function toJson(s: AbsScenario, names: Names = plainNames, scenarioName = 'fuzz'): string {
  return `${jsonText(toDocument(s, names, scenarioName))}\n`;
}

/** A step as a JSONL event of task `path` (docs/scenario-format.md §10). */
export function stepToEvent(path: string, step: unknown): Record<string, unknown> {
  if (typeof step === 'string') return dict([['path', path], ['op', step]]);
  const o = step as Record<string, unknown>;
  if ('with' in o) {
    const w = o.with;
    const fields = typeof w === 'string' ? [['name', w] as const] : entriesOf(w as object);
    return dict([['path', path], ['op', 'with'], ...fields, ['do', o.do]]);
  }
  if ('if' in o) return dict([['path', path], ['op', 'if'], ['name', o.if], ...entriesOf(o).filter(([k]) => k !== 'if')]);
  const [op, arg] = entriesOf(o)[0]!;
  if (arg === null || arg === undefined) return dict([['path', path], ['op', op]]);
  if (typeof arg === 'string' || typeof arg === 'number') return dict([['path', path], ['op', op], ['name', arg]]);
  if (Array.isArray(arg)) return dict([['path', path], ['op', op], ['do', arg]]);
  return dict([['path', path], ['op', op], ...entriesOf(arg as object)]);
}

/**
 * The scenario as a JSON Lines stream: a header with its expectations and options, the
 * declarations, then each path's steps in turn. Only for scenarios `streamable` accepts.
 */
export function toJsonl(s: AbsScenario, names: Names = plainNames, scenarioName = 'fuzz'): string {
  const doc = toDocument(s, names, scenarioName) as Record<string, unknown>;
  const lines: unknown[] = [];
  const header: [string, unknown][] = [['decl', 'scenario'], ['name', scenarioName]];
  if (doc.expect !== undefined) header.push(['expect', doc.expect]);
  if (doc.options !== undefined) header.push(['options', doc.options]);
  lines.push(dict(header));
  if (s.kernel) lines.push(dict([['decl', 'include'], ['name', 'kernel']]));
  for (const [n, l] of entriesOf(doc.locks as object)) {
    const long = typeof l === 'string' ? { type: l } : (l as object);
    lines.push(dict([['decl', 'lock'], ['name', n], ...entriesOf(long)]));
  }
  // Each declaration before its first use: a fence after its functions, a function after the
  // fences it uses (which only use functions declared before it).
  const fences = entriesOf((doc.fences ?? {}) as object);
  const functions = entriesOf((doc.functions ?? {}) as object);
  const declared = new Set<number>();
  const declareFences = (upTo: number) => {
    s.fences.forEach((f, i) => {
      if (declared.has(i) || ![...f.callbacks, f.enable ?? -1, f.release ?? -1].every((fn) => fn < upTo)) return;
      declared.add(i);
      lines.push(dict([['decl', 'fence'], ['name', fences[i]![0]], ...entriesOf(fences[i]![1] as object)]));
    });
  };
  functions.forEach(([n, steps], i) => {
    declareFences(i);
    lines.push(dict([['decl', 'function'], ['name', n], ['steps', steps]]));
  });
  declareFences(Infinity);
  for (const [h, fns] of entriesOf((doc.hooks ?? {}) as object)) for (const fn of fns as string[]) lines.push(dict([['decl', 'hook'], ['hook', h], ['fn', fn]]));
  for (const p of doc.paths as Record<string, unknown>[]) for (const step of p.steps as unknown[]) lines.push(stepToEvent(p.name as string, step));
  return lines.map((l) => jsonText(l, 0)).join('\n') + '\n';
}

/** The hooks `invoke` steps name anywhere in rendered steps. */
function invokedHooks(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) invokedHooks(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'invoke') {
        if (typeof v === 'string') out.add(v);
        else if (v !== null && typeof v === 'object' && typeof (v as { hook?: unknown }).hook === 'string') out.add((v as { hook: string }).hook);
      } else invokedHooks(v, out);
    }
  }
  return out;
}

/** Whether a stream replays exactly as the file does: process-context paths, no work items, no back-off branches, no `return`. */
export function streamable(s: AbsScenario): boolean {
  if (s.paths.some((p) => (p.context && p.context !== 'process') || p.irqs === 'disabled' || p.work)) return false;
  const text = JSON.stringify([s.paths.map((p) => p.steps), s.functions]);
  return !text.includes('"on_edeadlk"') && !text.includes('"return"');
}

// ---------------------------------------------------------------------------------------
// Generators

const LOCK_TYPE_LIST: readonly LockType[] = ['mutex', 'rt_mutex', 'spinlock', 'raw_spinlock', 'rwlock', 'rwsem', 'percpu_rwsem', 'ww_mutex', 'semaphore', 'srcu', 'map'];
const SPINNING: ReadonlySet<LockType> = new Set(['spinlock', 'raw_spinlock', 'rwlock']);

const GFPS = ['GFP_KERNEL', 'GFP_NOFS', 'GFP_NOIO', 'GFP_ATOMIC', 'GFP_NOWAIT', 'GFP_USER', 'GFP_KERNEL | __GFP_NOWARN', 'GFP_KERNEL & ~__GFP_DIRECT_RECLAIM', 'GFP_KERNEL | __GFP_NOLOCKDEP', 'GFP_HIGHUSER_MOVABLE'];
const ALLOCS = ['kmalloc', 'kzalloc', 'kvmalloc', 'alloc_pages', 'might_alloc', 'alloc'];

interface GenCtx {
  readonly kernel: boolean;
  readonly locks: readonly AbsLock[];
  readonly fences: readonly AbsFence[];
  readonly hooks: readonly AbsHook[];
  readonly nFns: number;
}

type Builder = (r: Ref) => unknown;
type Pair = readonly [acquire: (r: Ref) => unknown[], release: Builder];

const one = (op: string): Builder => (r) => ({ [op]: r });
const pair = (acq: string, rel: string): Pair => [(r) => [{ [acq]: r }], one(rel)];
const nestedPair = (acq: string, rel: string): Pair => [(r) => [{ [acq]: { name: r, nested: 1 } }], one(rel)];
const modePair = (mode: string): Pair => [(r) => [{ lock: { name: r, mode } }], one('unlock')];

/** The ways to take and release a lock of each type (generic steps and the kernel spellings). */
function lockPairs(t: LockType): readonly Pair[] {
  const generic: Pair[] = [pair('lock', 'unlock'), pair('trylock', 'unlock'), [(r) => [{ lock: { name: r, nested: 2 } }], one('unlock')]];
  switch (t) {
    case 'mutex':
    case 'rt_mutex':
      return [...generic, pair('mutex_lock', 'mutex_unlock'), pair('mutex_lock_interruptible', 'mutex_unlock'), pair('mutex_trylock', 'mutex_unlock'), nestedPair('mutex_lock_nested', 'mutex_unlock')];
    case 'spinlock':
    case 'raw_spinlock': {
      const p = t === 'spinlock' ? 'spin' : 'raw_spin';
      return [
        ...generic, pair(`${p}_lock`, `${p}_unlock`), pair(`${p}_lock_irq`, `${p}_unlock_irq`), pair(`${p}_lock_irqsave`, `${p}_unlock_irqrestore`),
        pair(`${p}_lock_bh`, `${p}_unlock_bh`), pair(`${p}_trylock`, `${p}_unlock`), nestedPair(`${p}_lock_nested`, `${p}_unlock`),
      ];
    }
    case 'rwlock':
      return [
        ...generic, pair('read_lock', 'read_unlock'), pair('write_lock', 'write_unlock'), pair('read_lock_irqsave', 'read_unlock_irqrestore'),
        pair('write_lock_irq', 'write_unlock_irq'), pair('read_lock_bh', 'read_unlock_bh'), pair('read_trylock', 'read_unlock'),
        modePair('recursive_read'), modePair('read'),
      ];
    case 'rwsem':
      return [
        ...generic, pair('down_read', 'up_read'), pair('down_write', 'up_write'), pair('down_read_trylock', 'up_read'),
        nestedPair('down_write_nested', 'up_write'), modePair('read'), [(r) => [{ down_write: r }, { downgrade_write: r }], one('up_read')],
      ];
    case 'percpu_rwsem':
      return [...generic, pair('percpu_down_read', 'percpu_up_read'), pair('percpu_down_write', 'percpu_up_write'), modePair('read')];
    case 'ww_mutex':
      return [...generic, pair('ww_mutex_lock', 'ww_mutex_unlock'), pair('ww_mutex_trylock', 'ww_mutex_unlock')];
    case 'srcu':
      return [pair('srcu_read_lock', 'srcu_read_unlock'), modePair('recursive_read')];
    case 'map':
      return [...generic, pair('lock_map_acquire', 'lock_map_release'), pair('lock_map_acquire_read', 'lock_map_release'), pair('lock_map_acquire_tryread', 'lock_map_release'), modePair('read')];
    case 'semaphore':
      return generic;
  }
}

/** Functions a step may reach (calls, hooks, fence functions), so a function only uses earlier ones. */
function fenceFns(ctx: GenCtx, f: number, signal: boolean): number[] {
  const fence = ctx.fences[f]!;
  const fns = [...fence.callbacks, ...(fence.enable !== null ? [fence.enable] : []), ...(fence.release !== null ? [fence.release] : [])];
  if (signal) for (const h of ctx.hooks) if (h.kernel === 'dma_fence.callback') fns.push(...h.fns);
  return fns;
}

function kernelHookFns(ctx: GenCtx, names: readonly string[]): number[] {
  return ctx.hooks.filter((h) => h.kernel !== null && names.includes(h.kernel)).flatMap((h) => h.fns);
}

const below = (fns: readonly number[], limit: number) => fns.every((f) => f < limit);

/**
 * Step lists for a body `depth` levels from the bottom, in a function whose calls must stay
 * below `limit` (a path: every function). Memoised: the arbitraries of one scenario are built once.
 */
class StepGen {
  private readonly memo = new Map<string, fc.Arbitrary<unknown[]>>();

  constructor(private readonly ctx: GenCtx) {}

  lockRef(): fc.Arbitrary<Ref> {
    return fc.record({ i: fc.nat(this.ctx.locks.length - 1), inst: fc.option(fc.nat(2), { nil: undefined, freq: 3 }) }).map(({ i, inst }) =>
      inst === undefined ? { $: 'lock' as const, i } : { $: 'lock' as const, i, inst },
    );
  }

  list(limit: number, depth: number): fc.Arbitrary<unknown[]> {
    const key = `${limit}/${depth}`;
    let a = this.memo.get(key);
    if (!a) {
      a = fc.array(this.step(limit, depth), { maxLength: depth > 0 ? 5 : 3 }).map((xs) => xs.flat());
      this.memo.set(key, a);
    }
    return a;
  }

  /** One step (or a few that belong together, such as a lock, a body and its unlock). */
  private step(limit: number, depth: number): fc.Arbitrary<unknown[]> {
    const ctx = this.ctx;
    const opts: fc.WeightedArbitrary<unknown[]>[] = [];
    const add = (weight: number, arb: fc.Arbitrary<unknown>) => opts.push({ weight: Math.round(weight * 5), arbitrary: arb.map((x) => (Array.isArray(x) ? x : [x])) });
    const inner = depth > 0 ? this.list(limit, depth - 1) : fc.constant<unknown[]>([]);
    const lock = this.lockRef();

    // Locking: a pair around a body, `with`, and now and then a lone acquire or release.
    const pairArb = lock.chain((r) => fc.constantFrom(...lockPairs(ctx.locks[r.i]!.type)).map((p) => [r, p] as const));
    add(10, fc.tuple(pairArb, inner).map(([[r, [acq, rel]], body]) => [...acq(r), ...body, rel(r)]));
    add(4, fc.tuple(lock, inner, fc.boolean()).map(([r, body, read]) => {
      const t = ctx.locks[r.i]!.type;
      const arg = read && ['rwsem', 'percpu_rwsem', 'rwlock', 'map'].includes(t) ? { name: r, mode: 'read' } : r;
      return { with: arg, do: body };
    }));
    add(1, fc.tuple(pairArb, fc.boolean()).map(([[r, [acq, rel]], take]) => (take ? acq(r) : [rel(r)])));
    add(1, lock.map((r) => ({ might_lock: r })));
    add(1, lock.map((r) => ({ assert_held: r })));
    add(1, lock.chain((r): fc.Arbitrary<unknown> => {
      const t = ctx.locks[r.i]!.type;
      if (t === 'srcu') return fc.constant({ synchronize_srcu: r });
      if (SPINNING.has(t)) return fc.constant({ cond_resched_lock: r });
      return fc.constant({ might_lock: r });
    }));
    const ww = ctx.locks.map((l, i) => [l, i] as const).filter(([l]) => l.type === 'ww_mutex');
    if (ww.length || ctx.kernel) add(3, fc.tuple(fc.constantFrom(...(ww.length ? ww.map(([, i]) => i) : [-1])), fc.nat(3), fc.constantFrom('ok', 'unhandled', 'edeadlk', 'done'), inner).map(([w, c, how, body]) => this.transaction(w, c, how, body)));

    // Context.
    add(3, fc.constantFrom('might_sleep', 'cond_resched', 'schedule', 'wait_for_completion', { msleep: 1 }, 'preempt_disable', 'preempt_enable'));
    add(2, fc.tuple(fc.constantFrom(['preempt_disable', 'preempt_enable'], ['irq_disable', 'irq_enable'], ['local_bh_disable', 'local_bh_enable'], ['non_block_start', 'non_block_end'], ['rcu_read_lock', 'rcu_read_unlock'], ['rcu_read_lock_bh', 'rcu_read_unlock_bh'], ['memalloc_nofs_save', 'memalloc_nofs_restore'], ['memalloc_noreclaim_save', 'memalloc_noreclaim_restore'], ['dma_fence_begin_signalling', 'dma_fence_end_signalling']), inner).map(([[a, b], body]) => [a, ...body, b]));
    add(1, fc.tuple(fc.nat(1), inner).map(([k, body]) => [{ local_irq_save: { $: 'sav', i: k } }, ...body, { local_irq_restore: { $: 'sav', i: k } }]));

    // Memory.
    add(3, fc.tuple(fc.constantFrom(...ALLOCS), fc.constantFrom(...GFPS)).map(([op, gfp]) => ({ [op]: gfp })));
    add(1, fc.tuple(fc.constantFrom(...GFPS), inner).map(([gfp, body]) => [{ fs_reclaim_acquire: gfp }, ...body, { fs_reclaim_release: gfp }]));

    // Fences.
    const fences = ctx.fences.map((_, f) => f);
    const usable = (signal: boolean) => fences.filter((f) => below(fenceFns(ctx, f, signal), limit));
    if (usable(false).length) {
      add(3, fc.tuple(fc.constantFrom('dma_fence_wait', 'dma_fence_add_callback', 'dma_fence_enable_sw_signaling', 'dma_fence_put', 'dma_resv_wait_timeout'), fc.constantFrom(...usable(false))).map(([op, f]) => ({ [op]: { $: 'fence', i: f } })));
    }
    if (usable(true).length) add(2, fc.tuple(fc.constantFrom('signal', 'dma_fence_signal', 'dma_fence_signal_locked'), fc.constantFrom(...usable(true))).map(([op, f]) => ({ [op]: { $: 'fence', i: f } })));

    // Calls and hooks.
    if (limit > 0) add(3, fc.nat(limit - 1).map((f) => ({ call: { $: 'fn', i: f } })));
    const hooks = ctx.hooks.map((h, k) => [h, k] as const).filter(([h]) => below(h.kernel ? kernelHookFns(ctx, [h.kernel]) : h.fns, limit));
    if (hooks.length) {
      add(2, fc.tuple(fc.constantFrom(...hooks.map(([h, k]) => h.kernel ?? ({ $: 'hook', i: k } as Ref))), fc.boolean()).map(([hook, nb]) => ({ invoke: nb ? { hook, blockable: false } : hook })));
    }
    if (below(kernelHookFns(ctx, ['mmu_interval_notifier.invalidate', 'mmu_notifier.invalidate_range_start']), limit)) {
      add(1, fc.tuple(fc.boolean(), inner).map(([blockable, body]) => [blockable ? 'mmu_notifier_invalidate_range_start' : { mmu_notifier_invalidate_range_start: { blockable: false } }, ...body, 'mmu_notifier_invalidate_range_end']));
    }
    add(1, fc.constant('mmu_interval_read_begin'));
    if (below(kernelHookFns(ctx, ['pm_runtime.resume', 'pm_runtime.suspend']), limit)) {
      add(1, fc.tuple(fc.nat(1), inner).map(([d, body]) => [{ pm_runtime_get_sync: { $: 'dev', i: d } }, ...body, { pm_runtime_put_sync: { $: 'dev', i: d } }]));
    }

    // Workqueues.
    add(1, fc.tuple(fc.constantFrom('flush_work', 'cancel_work_sync'), fc.nat(1)).map(([op, w]) => ({ [op]: { $: 'work', i: w } })));
    add(1, fc.tuple(fc.constantFrom('flush_workqueue', 'drain_workqueue'), fc.nat(1)).map(([op, q]) => ({ [op]: { $: 'queue', i: q } })));

    // The kernel model's own locks.
    if (ctx.kernel) {
      add(2, fc.tuple(fc.constantFrom(['mmap_read_lock', 'mmap_read_unlock'], ['mmap_write_lock', 'mmap_write_unlock'], ['i_mmap_lock_read', 'i_mmap_unlock_read'], ['i_mmap_lock_write', 'i_mmap_unlock_write']), inner).map(([[a, b], body]) => [a, ...body, b]));
      add(1, fc.constantFrom('might_fault', 'copy_to_user', { get_user: 1 }));
      add(1, fc.constant(['mmap_read_lock', 'hmm_range_fault', 'mmap_read_unlock']));
    }

    // Blocks.
    if (depth > 0) {
      add(2, fc.tuple(fc.constantFrom('hardirq', 'softirq', 'rcu', 'non_block', 'memalloc_nofs', 'memalloc_noio', 'memalloc_noreclaim', 'reclaim', 'pagefault_disable', 'signalling'), inner).map(([op, body]) => ({ [op]: body })));
      add(1, inner.map((body) => ({ hardirq: { threaded: false, do: body } })));
      if (usable(false).length) add(1, fc.tuple(fc.subarray(usable(false)), inner).map(([fs, body]) => ({ signalling: { fences: fs.map((f) => ({ $: 'fence', i: f })), do: body } })));
      add(1, fc.tuple(inner, inner).map(([then, els]) => ({ if: 'blockable', then, else: els })));
    }
    add(0.2, fc.constant('return'));
    return fc.oneof(...opts);
  }

  /** A ww transaction on ww lock `w` (-1: the kernel model's dma_resv), with one of its endings. */
  private transaction(w: number, c: number, how: string, body: unknown[]): unknown[] {
    const ctxRef: Ref = { $: 'ctx', i: c };
    const lock = this.ctx.locks[w];
    const cls = w < 0 || lock?.ww == null ? 'reservation_ww_class' : { $: 'wc', i: lock.ww };
    const a: unknown = w < 0 ? 'dma_resv[a]' : { $: 'lock', i: w, inst: 0 };
    const b: unknown = w < 0 ? 'dma_resv[b]' : { $: 'lock', i: w, inst: 1 };
    const lockOp = w < 0 ? 'dma_resv_lock' : 'ww_mutex_lock';
    const unlockOp = w < 0 ? 'dma_resv_unlock' : 'ww_mutex_unlock';
    const slowOp = w < 0 ? 'dma_resv_lock_slow' : 'ww_mutex_lock_slow';
    const out: unknown[] = [{ ww_acquire_init: { ctx: ctxRef, class: cls } }, { [lockOp]: { name: a, ctx: ctxRef } }];
    if (how === 'unhandled') out.push({ [lockOp]: { name: b, ctx: ctxRef } });
    else if (how === 'edeadlk') {
      out.push({ [lockOp]: { name: b, ctx: ctxRef, result: 'edeadlk' } }, { [unlockOp]: a }, { [slowOp]: { name: b, ctx: ctxRef } }, { [lockOp]: { name: a, ctx: ctxRef } });
    } else {
      out.push({ [lockOp]: { name: b, ctx: ctxRef, on_edeadlk: [{ [unlockOp]: a }, { [slowOp]: { name: b, ctx: ctxRef } }, { [lockOp]: { name: a, ctx: ctxRef } }] } });
    }
    if (how === 'done') out.push({ ww_acquire_done: ctxRef });
    out.push(...body, { [unlockOp]: b }, { [unlockOp]: a }, { ww_acquire_fini: ctxRef });
    return out;
  }
}

export interface GenOptions {
  /** Nesting of blocks (default 2). */
  readonly depth?: number;
  readonly minPaths?: number;
  readonly maxPaths?: number;
}

/** Valid scenarios over every lock type, nested blocks, calls, hooks, irq blocks and the kernel-model steps. */
export function scenarioArb(opts: GenOptions = {}): fc.Arbitrary<AbsScenario> {
  const depth = opts.depth ?? 2;
  const lockArb: fc.Arbitrary<AbsLock> = fc.record({
    type: fc.constantFrom(...LOCK_TYPE_LIST),
    lockdep: fc.boolean(),
    ww: fc.option(fc.nat(1), { nil: null }),
  }).map((l) => (l.type === 'ww_mutex' ? { ...l, lockdep: false } : { ...l, ww: null }));
  const shape = fc.record({
    kernel: fc.boolean(),
    locks: fc.array(lockArb, { minLength: 1, maxLength: 5 }),
    nFns: fc.nat(4),
    nFences: fc.nat(2),
  });
  return shape.chain(({ kernel, locks, nFns, nFences }) => {
    const fnIdx = nFns > 0 ? fc.nat(nFns - 1) : fc.constant(-1);
    const fnList = nFns > 0 ? fc.uniqueArray(fc.nat(nFns - 1), { maxLength: 2 }) : fc.constant<number[]>([]);
    const spin = locks.map((l, i) => [l, i] as const).filter(([l]) => l.type === 'spinlock').map(([, i]) => i);
    const fenceArb: fc.Arbitrary<AbsFence> = fc.record({
      lock: spin.length ? fc.option(fc.constantFrom(...spin), { nil: null }) : fc.constant(null),
      irq: fc.boolean(),
      callbacks: fnList,
      enable: fc.option(fnIdx, { nil: null }).map((x) => (x === -1 ? null : x)),
      release: fc.option(fnIdx, { nil: null }).map((x) => (x === -1 ? null : x)),
    });
    const hookArb: fc.Arbitrary<AbsHook> = fc.record({
      kernel: fc.option(fc.constantFrom(...KERNEL_HOOK_NAMES), { nil: null }),
      fns: nFns > 0 ? fc.uniqueArray(fc.nat(nFns - 1), { minLength: 1, maxLength: 2 }) : fc.constant<number[]>([]),
    }).filter((h) => h.fns.length > 0);
    return fc.record({
      fences: fc.array(fenceArb, { minLength: nFences, maxLength: nFences }),
      hooks: nFns > 0 ? fc.array(hookArb, { maxLength: 3 }) : fc.constant<AbsHook[]>([]),
    }).chain(({ fences, hooks }) => {
      const ctx: GenCtx = { kernel, locks, fences, hooks, nFns };
      const gen = new StepGen(ctx);
      const functions = nFns > 0 ? fc.tuple(...Array.from({ length: nFns }, (_, i) => gen.list(i, depth))) : fc.constant<unknown[][]>([]);
      const pathArb: fc.Arbitrary<Omit<AbsPath, 'id'>> = fc.record({
        context: fc.constantFrom<AbsPath['context']>(null, null, null, null, 'process', 'softirq', 'hardirq'),
        irqs: fc.constantFrom<AbsPath['irqs']>(null, null, null, null, null, 'enabled', 'disabled'),
        work: fc.option(fc.record({ item: fc.nat(1), queue: fc.nat(1) }), { nil: null, freq: 6 }),
        steps: gen.list(nFns, depth),
      });
      const expectArb = fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constant('clean' as const) },
        {
          weight: 2,
          arbitrary: fc.array(
            fc.record({ rule: fc.constantFrom(...RULE_IDS), involves: fc.uniqueArray(fc.nat(locks.length - 1), { maxLength: 2 }), path: fc.constant(null) }),
            { minLength: 1, maxLength: 2 },
          ),
        },
      );
      const options = fc.option(
        fc.record({ kernel: fc.constantFrom('5.10', '6.13'), fence_model: fc.constantFrom('lockdep', 'precise'), warn: fc.constant(['ww-lock-between-reservations']) }, { requiredKeys: [] }),
        { nil: null, freq: 3 },
      );
      return fc.record({
        functions,
        paths: fc.array(pathArb, { minLength: opts.minPaths ?? 1, maxLength: Math.max(opts.minPaths ?? 1, opts.maxPaths ?? 4) }),
        expect: expectArb,
        options,
      }).map(({ functions: fns, paths, expect, options: o }): AbsScenario => ({
        kernel, locks, fences, hooks, functions: fns, paths: paths.map((p, id) => ({ ...p, id })), expect: expect as AbsScenario['expect'], options: o as AbsScenario['options'],
      }));
    });
  });
}

/** Paths kept, dropped, reordered: the scenario with `paths` replaced (expectations naming a path dropped). */
export function withPaths(s: AbsScenario, paths: readonly AbsPath[]): AbsScenario {
  return { ...s, paths };
}
