/**
 * Reporter registry: format name → reporter module. A new format (sarif, junit, github,
 * markdown) is one module exporting a pure `(run, opts) => string` and one line here.
 */
import { formatJson } from './json.js';
import { formatText } from './text.js';
import type { Reporter } from './types.js';

export type { ReportOptions, Reporter } from './types.js';

export const REPORTERS: Readonly<Record<string, Reporter>> = Object.freeze({
  text: formatText,
  json: formatJson,
});

/** The format names `--format` accepts, in registry order. */
export const FORMATS: readonly string[] = Object.keys(REPORTERS);

export function getReporter(format: string): Reporter | undefined {
  return Object.hasOwn(REPORTERS, format) ? REPORTERS[format] : undefined;
}
