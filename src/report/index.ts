/**
 * Reporter registry: format name → reporter module. A format is one module exporting a pure
 * `(run, opts) => string` and one line here; `--format` accepts exactly these names.
 */
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';
import type { Reporter } from './types.js';

export type { ReportOptions, Reporter } from './types.js';

export const REPORTERS: Readonly<Record<string, Reporter>> = Object.freeze({
  text: formatText,
  json: formatJson,
  sarif: formatSarif,
  junit: formatJunit,
  github: formatGithub,
  markdown: formatMarkdown,
});

/** The format names `--format` accepts, in registry order. */
export const FORMATS: readonly string[] = Object.keys(REPORTERS);

export function getReporter(format: string): Reporter | undefined {
  return Object.hasOwn(REPORTERS, format) ? REPORTERS[format] : undefined;
}
