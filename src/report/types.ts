/** What every reporter receives besides the run. */
import type { RunResult } from '../model/finding.js';

export interface ReportOptions {
  /** ANSI colour (text reporter); decided by the caller, see color.ts. */
  readonly color: boolean;
  /** Only failing and erroneous files, their unexpected findings, unmet expectations and errors. */
  readonly quiet: boolean;
}

/** A reporter is a pure function of the run and the options. */
export type Reporter = (run: RunResult, opts: ReportOptions) => string;
