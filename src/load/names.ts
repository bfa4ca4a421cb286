/**
 * Names (docs/scenario-format.md §7): locks, fences, functions, hooks and paths are non-empty strings of printable
 * characters without brackets; lock references are `class` or `class[instance]`.
 */
import type { LockDecl, LockRef } from '../model/scenario.js';
import { jsonText } from '../model/escape.js';
import type { SourceLoc } from '../model/location.js';

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code === 0) return 'a NUL character';
  return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** null if `name` is a valid name, else why not. */
export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'a name cannot be empty';
  const m = CONTROL.exec(name);
  if (m) return `a name cannot contain ${describeChar(m[0])}`;
  if (name.includes('[') || name.includes(']')) return 'a name cannot contain brackets';
  return null;
}

/** null if `text` is printable (lockdep names and descriptions may contain brackets). */
export function printableProblem(text: string): string | null {
  const m = CONTROL.exec(text.replace(/[\n\t]/g, ' '));
  return m ? `contains ${describeChar(m[0])}` : null;
}

/** Names longer than this are shortened in messages (a 100,000-character name is not read). */
const QUOTE_MAX = 120;

/** The name shown for a string in messages (quoted, as a JSON string whose invisible characters are all escapes; a huge one shortened, with its length). */
export function quote(name: string): string {
  if (name.length <= QUOTE_MAX) return jsonText(name);
  return `${jsonText(name.slice(0, QUOTE_MAX - 40)).slice(0, -1)}…" (${name.length} characters)`;
}

const REF = /^([^[\]]+)\[([^[\]]+)\]$/;

/** Parse `class[instance]` or `class`; null if malformed (the caller says why). */
export function parseLockRef(text: string): LockRef | { error: string } {
  if (!text.includes('[') && !text.includes(']')) {
    const p = nameProblem(text);
    return p ? { error: p } : { cls: text, instance: null };
  }
  const m = REF.exec(text);
  if (!m) return { error: `expected NAME or NAME[INSTANCE]` };
  const p = nameProblem(m[1]) ?? nameProblem(m[2]);
  if (p) return { error: p };
  return { cls: m[1], instance: m[2] };
}

export const BUILTIN_LOC: SourceLoc = Object.freeze({ file: '<builtin>', line: 0, column: 0 });

/** The kernel's pseudo-locks, present in every scenario. */
export const BUILTIN_LOCK_NAMES = ['fs_reclaim', 'mmu_notifier_invalidate_range_start', 'dma_fence_map'] as const;

export const BUILTIN_LOCKS: readonly LockDecl[] = BUILTIN_LOCK_NAMES.map((name) =>
  Object.freeze({ name, type: 'map' as const, lockdep: name, loc: BUILTIN_LOC }),
);

/** A fresh map of the built-in locks (the starting point of every scenario and JSONL stream). */
export function builtinLockMap(): Map<string, LockDecl> {
  return new Map(BUILTIN_LOCKS.map((d) => [d.name, d]));
}

export function sameLockDecl(a: LockDecl, b: LockDecl): boolean {
  return a.name === b.name && a.type === b.type && a.lockdep === b.lockdep && a.wwClass === b.wwClass && a.description === b.description;
}
