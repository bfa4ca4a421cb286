/** A parsed report → the scenario that reproduces it: the builder, filled by the report's kind. */
import { ScenarioBuilder, type HeldChoices } from './builder.js';
import type { Generated } from './doc.js';
import { RECONSTRUCT } from './kinds/index.js';
import type { KernelReport } from './report.js';

export function reconstruct(report: KernelReport, kernelEdges: ReadonlySet<string>, source: string | null = null, choices: HeldChoices = {}): Generated {
  // The builder notes what the report lacks on it: a copy, so that a report is rebuilt alike.
  const b = new ScenarioBuilder({ ...report, notes: [...report.notes] }, kernelEdges, choices);
  RECONSTRUCT[report.kind](b);
  return b.finish(source);
}
