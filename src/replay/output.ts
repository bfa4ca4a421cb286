/**
 * What a replay hands on besides its detections (those go to a `DetectionSink` as they are
 * found, see detections.ts): the dependency graph it built, the input errors it met and its
 * figures. The analyze stage (src/analyze) turns the detections into findings.
 */
import type { GraphExport } from '../model/graph.js';
import type { InputError } from '../load/errors.js';

export interface ReplayStats {
  readonly classes: number;
  readonly edges: number;
  readonly chains: number;
  readonly events: number;
  /** Names of the opaque (`extern`) calls met, sorted, and how many call sites (revision 1.1). */
  readonly externs: readonly string[];
  readonly externCalls: number;
}

export interface ReplayOutput {
  readonly graph: GraphExport;
  /** Input errors only found while replaying (e.g. a hardirq block while hard irqs are disabled). */
  readonly errors: readonly InputError[];
  readonly stats: ReplayStats;
}
