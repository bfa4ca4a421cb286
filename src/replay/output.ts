/**
 * What a replay hands on besides its detections (those go to a `DetectionSink` as they are
 * found, see detections.ts): the dependency graph it built, the input errors it met and its
 * figures. The analyze stage (src/analyze) turns the detections into findings.
 */
import type { SourceLoc } from '../model/location.js';
import type { InputError } from '../load/errors.js';

export interface ReplayStats {
  readonly classes: number;
  readonly edges: number;
  readonly chains: number;
  readonly events: number;
}

/** The dependency graph a replay built, for export and comparison (`fencedep graph`, `diff`). */
export interface GraphExport {
  /** Every class that took part in a dependency, by index. */
  readonly classes: readonly { readonly name: string; readonly lockdep: string; readonly type: string }[];
  /** Dependencies from → to (class indexes), with their kinds and where each was first recorded. */
  readonly dependencies: readonly {
    readonly from: number;
    readonly to: number;
    /** lockdep's dependency kinds: any of `SR`, `ER`, `SN`, `EN`. */
    readonly kinds: readonly string[];
    readonly path: string;
    readonly location: SourceLoc | null;
    readonly step: string | null;
  }[];
}

export interface ReplayOutput {
  readonly graph: GraphExport;
  /** Input errors only found while replaying (e.g. a hardirq block while hard irqs are disabled). */
  readonly errors: readonly InputError[];
  readonly stats: ReplayStats;
}
