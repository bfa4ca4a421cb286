/**
 * Input errors: everything wrong with a scenario is one of these, with file, line and
 * column, what was expected, and a "did you mean" where a valid name is close.
 * They are reported as `status: error`, never as a stack trace.
 */
import { closest, distance } from 'fastest-levenshtein';
import { jsonText } from '../model/escape.js';
import type { InputErrorInfo } from '../model/finding.js';
import type { SourceLoc } from '../model/location.js';

/** A message is cut here: whatever the input, an error stays a line a person can read. */
const MAX_MESSAGE = 1000;

/** Words longer than this get no "did you mean" (comparing huge names costs their product). */
const SUGGEST_MAX = 200;

export class InputError extends Error {
  readonly loc: SourceLoc | null;

  constructor(message: string, loc: SourceLoc | null) {
    super(message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}… (message shortened)` : message);
    this.name = 'InputError';
    this.loc = loc;
  }

  toInfo(): InputErrorInfo {
    return this.loc
      ? { message: this.message, file: this.loc.file, line: this.loc.line, column: this.loc.column }
      : { message: this.message };
  }
}

/** Several errors of one file, reported together. */
export class InputErrors extends Error {
  readonly errors: readonly InputError[];

  constructor(errors: readonly InputError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'InputErrors';
    this.errors = errors;
  }
}

/** The candidate close enough to `word` to be a plausible typo, or null. */
function nearest(word: string, candidates: Iterable<string>): string | null {
  if (word.length > SUGGEST_MAX) return null;
  const limit = Math.max(2, Math.floor(word.length / 3));
  // Only candidates whose length is within the limit can be close enough.
  const list = [...candidates].filter((c) => Math.abs(c.length - word.length) <= limit);
  if (list.length === 0) return null;
  const best = closest(word, list);
  return distance(word, best) <= limit ? best : null;
}

/** ` (did you mean "x"?)` when a candidate is close enough to be a plausible typo, else ''. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = nearest(word, candidates);
  return best === null ? '' : ` (did you mean ${jsonText(best)}?)`;
}

/**
 * The candidates naming every part of `word` (split at spaces, colons, dots and `->`) as whole
 * segments of their own name, segments ending at any character but a letter or digit:
 * `run_job` finds `drm_sched_backend_ops.run_job` and `drm_sched:drm_sched_run_job_work`.
 * Parts shorter than 3 characters are not looked for. Candidates ending in the last part come first.
 */
export function segmentMatches(word: string, candidates: Iterable<string>): string[] {
  if (word.length > SUGGEST_MAX) return [];
  const parts = word.split(/\s+|:|\.|->/).filter((p) => p.length >= 3);
  if (parts.length === 0) return [];
  const res = parts.map((p) => new RegExp(`(^|[^A-Za-z0-9])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9])`, 'i'));
  const found = [...candidates].filter((c) => c !== word && res.every((r) => r.test(c)));
  // Those ending in the word's last part first (`.run_job`: the hook itself, not a path running it).
  const last = parts[parts.length - 1]!.toLowerCase();
  const ends = (c: string): boolean => c.toLowerCase().endsWith(last) && !/[A-Za-z0-9]/.test(c.charAt(c.length - last.length - 1) || '.');
  return [...found.filter(ends), ...found.filter((c) => !ends(c))];
}

/** How many names a suggestion lists. */
const SUGGEST_LIST = 4;

/**
 * ` (did you mean "a" or "b"?)`: the candidate closest by edit distance (as `didYouMean`), then
 * those naming the word's parts as segments (`segmentMatches`), up to four; '' when none.
 */
export function didYouMeanAny(word: string, candidates: Iterable<string>): string {
  const list = [...candidates];
  const best = nearest(word, list);
  const near = best === null ? [] : [best];
  const all = [...new Set([...near, ...segmentMatches(word, list)])];
  if (all.length === 0) return '';
  const shown = all.slice(0, SUGGEST_LIST).map(jsonText);
  const names = shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
  const more = all.length - shown.length;
  return ` (did you mean ${names}?${more > 0 ? ` ${more} more match` : ''})`;
}
