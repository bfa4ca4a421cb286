/**
 * A diagnosis pattern: a known design mistake of GPU memory management behind a generic
 * finding (a cycle through `dma_fence_map` and `fs_reclaim` is "an allocation inside a fence
 * signalling section"), with the usual remedy. One pattern per file in this folder, named by
 * its id; docs beside it as `<id>.md`. `match` is a pure function of the finding: its rule,
 * its classes (scenario and lockdep names), the dependencies of its chain with the steps that
 * recorded them, and the held locks and backtrace of its report.
 */
import type { Finding } from '../model/finding.js';

export interface PatternMeta {
  readonly id: string;
  /** The rule ids whose findings it may diagnose. */
  readonly rules: readonly string[];
  /** One line for `fencedep rules`. */
  readonly summary: string;
  /** One or two sentences: what to change. */
  readonly remedy: string;
}

/** What a pattern reads of a finding (a whole `Finding` is one). */
export type Diagnosable = Pick<Finding, 'rule' | 'message' | 'locks' | 'lockdep' | 'chain' | 'location'> & {
  readonly report?: Finding['report'];
  readonly atomic?: Finding['atomic'];
};

export interface Pattern {
  readonly meta: PatternMeta;
  /** Does the finding show this mistake? Pure and cheap; false for a rule not in `meta.rules`. */
  readonly match: (finding: Diagnosable) => boolean;
}

export function definePattern(pattern: Pattern): Pattern {
  return pattern;
}
