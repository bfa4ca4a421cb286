/** What every reporter receives besides the run. */
import type { RunResult } from '../model/finding.js';

export interface ReportOptions {
  /** ANSI colour (text reporter); decided by the caller, see color.ts. */
  readonly color: boolean;
  /** Only failing and erroneous files, their unexpected findings, unmet expectations and errors. */
  readonly quiet: boolean;
  /**
   * Text only: every finding's full report and every file's status line. Without it a finding
   * the file expects is its header line alone, and a passing file with nothing unexpected has no
   * line of its own. `quiet` wins.
   */
  readonly verbose?: boolean;
  /**
   * The directory file names are made relative to (sarif, github, junit, markdown); the
   * process's working directory when absent. Tests pass it so output does not depend on it.
   */
  readonly cwd?: string;
}

/** A reporter is a pure function of the run and the options. */
export type Reporter = (run: RunResult, opts: ReportOptions) => string;
