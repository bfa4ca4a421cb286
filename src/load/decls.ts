/**
 * Declarations shared by the file loader and the JSONL reader: lock classes (§3), options
 * (§2), and comparing two declarations of one name.
 */
import type { FenceDecl, KernelProfile, LockDecl, ScenarioOptions } from '../model/scenario.js';
import type { SourceLoc } from '../model/location.js';
import { InputError } from './errors.js';
import { didYouMean } from './errors.js';
import { nameProblem, parseLockRef, printableProblem, quote } from './names.js';
import type { Pos } from './pos.js';
import type { FenceInput, LockInput, OptionsInput } from './schema.js';

export const DEFAULT_WW_CLASS = 'reservation_ww_class';

export const DEFAULT_OPTIONS: ScenarioOptions = Object.freeze({ kernel: '6.13', fenceModel: 'lockdep', warn: Object.freeze([]) as readonly string[] });

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
 * A fence declaration (§5). Without `lock:` the fence gets a spinlock class of its own,
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
  let kernel: KernelProfile = DEFAULT_OPTIONS.kernel;
  if (input.kernel !== undefined) kernel = input.kernel === 5.1 || input.kernel === '5.10' ? '5.10' : '6.13';
  return {
    kernel,
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
