/** A parsed report → the scenario that reproduces it: the builder, filled by the report's kind. */
import { ScenarioBuilder, type HeldChoices } from './builder.js';
import type { Generated } from './doc.js';
import { RECONSTRUCT } from './kinds/index.js';
import type { KernelReport } from './report.js';
import type { YStep } from './yaml.js';
import { stepSpelling } from '../model/vocabulary.js';

/** Every step the scenario writes is a spelling of the step vocabulary (a bug of the import otherwise). */
function checkSpellings(steps: readonly YStep[]): void {
  for (const st of steps) {
    if (!stepSpelling(st.key)) throw new Error(`the import wrote a step "${st.key}" the step vocabulary does not have`);
    if (st.body) checkSpellings(st.body);
  }
}

export function reconstruct(report: KernelReport, kernelEdges: ReadonlySet<string>, source: string | null = null, choices: HeldChoices = {}): Generated {
  // The builder notes what the report lacks on it: a copy, so that a report is rebuilt alike.
  const b = new ScenarioBuilder({ ...report, notes: [...report.notes] }, kernelEdges, choices);
  RECONSTRUCT[report.kind](b);
  const generated = b.finish(source);
  for (const f of generated.doc.functions) checkSpellings(f.steps);
  for (const p of generated.doc.paths) checkSpellings(p.steps);
  return generated;
}
