/**
 * The check command's reporters, as the output registry (registry.ts) lists them: a format is
 * one module exporting a pure `(run, opts) => string` and one entry there.
 */
import { formatNames, outputFormat } from './registry.js';
import type { Reporter } from './types.js';

export type { ReportOptions, Reporter } from './types.js';

/** The format names `check --format` (and the config's `format`) accept, in registry order. */
export const FORMATS: readonly string[] = formatNames('check');

export function getReporter(format: string): Reporter | undefined {
  return outputFormat('check', format)?.write;
}
