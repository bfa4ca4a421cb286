/** A parsed report → the scenario that reproduces it: the builder, filled by the report's kind. */
import { ScenarioBuilder } from './builder.js';
import type { Generated } from './doc.js';
import { RECONSTRUCT } from './kinds/index.js';
import type { KernelReport } from './report.js';

export function reconstruct(report: KernelReport, kernelEdges: ReadonlySet<string>, source: string | null = null): Generated {
  const b = new ScenarioBuilder(report, kernelEdges);
  RECONSTRUCT[report.kind](b);
  return b.finish(source);
}
