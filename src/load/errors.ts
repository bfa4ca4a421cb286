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

/** ` (did you mean "x"?)` when a candidate is close enough to be a plausible typo, else ''. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  if (word.length > SUGGEST_MAX) return '';
  const limit = Math.max(2, Math.floor(word.length / 3));
  // Only candidates whose length is within the limit can be close enough.
  const list = [...candidates].filter((c) => Math.abs(c.length - word.length) <= limit);
  if (list.length === 0) return '';
  const best = closest(word, list);
  return distance(word, best) <= limit ? ` (did you mean ${jsonText(best)}?)` : '';
}
