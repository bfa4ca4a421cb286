/**
 * Verifying an imported scenario by replaying it, as `fencedep check` would: does it report the
 * report's rule over the report's lockdep classes, and what else does it find?
 */
import type { Finding } from '../model/finding.js';
import { builtinModelFile, loadScenario, loadScenarioText } from '../load/index.js';
import { analyzeScenario } from '../analyze/index.js';
import type { Generated } from './doc.js';
import { renderScenario } from './render.js';

export interface Verification {
  /** The replay reported the report's rule over the same classes. */
  readonly reproduced: boolean;
  /** What the replay found instead, when it did not reproduce it. */
  readonly found: readonly { rule: string; lockdep: readonly string[] }[];
  /** Findings besides the report's own (listed in `expect`). */
  readonly extra: readonly { rule: string; lockdep: readonly string[]; message: string }[];
  /** The scenario could not be loaded (a bug of the import): the message. */
  readonly error: string | null;
}

let kernelEdgesMemo: Promise<Set<string>> | null = null;

/** The dependencies the kernel model records by itself (priming and kernel paths), by lockdep name. */
export function kernelEdges(): Promise<Set<string>> {
  kernelEdgesMemo ??= (async () => {
    const file = builtinModelFile('kernel');
    const out = new Set<string>();
    if (!file) return out;
    const scenario = await loadScenario(file);
    const { graph } = analyzeScenario(scenario);
    for (const d of graph.dependencies) {
      const from = graph.classes[d.from]!.lockdep.replace(/\/\d$/, '');
      const to = graph.classes[d.to]!.lockdep.replace(/\/\d$/, '');
      out.add(`${from}\u0000${to}`);
    }
    return out;
  })();
  return kernelEdgesMemo;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size !== sb.size) return false;
  for (const x of sa) if (!sb.has(x)) return false;
  return true;
}

/** Does a finding report what the report shows? Same rule, same classes by lockdep name. */
export function reproduces(f: { rule: string; lockdep: readonly string[] }, expected: { rule: string; lockdep: readonly string[] }): boolean {
  return f.rule === expected.rule && sameSet(f.lockdep, expected.lockdep);
}

/** Load the scenario from its text, as `check` would load the file, and replay it. */
async function replayYaml(yaml: string, name: string): Promise<{ findings: readonly Finding[]; error: string | null }> {
  try {
    // Named as a file would be (messages only; its one include is the built-in kernel model).
    const scenario = await loadScenarioText(yaml, { file: `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.yaml` });
    const out = analyzeScenario(scenario);
    if (out.errors.length > 0) return { findings: out.findings, error: out.errors.map((e) => e.message).join('; ') };
    return { findings: out.findings, error: null };
  } catch (err) {
    const e = err as { errors?: { message: string; loc?: { line: number } }[]; message?: string };
    const msg = e.errors ? e.errors.map((x) => `${x.loc ? `line ${x.loc.line}: ` : ''}${x.message}`).join('; ') : String(e.message ?? err);
    return { findings: [], error: msg };
  }
}

export async function verify(g: Generated): Promise<Verification> {
  const first = await replayYaml(renderScenario(g.doc), g.doc.name);
  if (first.error !== null) return { reproduced: false, found: [], extra: [], error: first.error };
  const reproduced = first.findings.some((f) => reproduces(f, g.expected));
  const extra = first.findings
    .filter((f) => !reproduces(f, g.expected))
    .map((f) => ({ rule: f.rule, lockdep: [...new Set(f.lockdep)], message: f.message }));
  return {
    reproduced,
    found: reproduced ? [] : first.findings.map((f) => ({ rule: f.rule, lockdep: f.lockdep })),
    extra: reproduced ? extra : [],
    error: null,
  };
}

export function whyExtra(rule: string, mainRule: string): string {
  if (rule === 'invalid-wait-context' && mainRule === 'sleep-in-atomic') return 'lockdep checks the same acquisition (the kernel prints it after the BUG)';
  if (rule === 'sleep-in-atomic') return 'the same step sleeps where it may not (the kernel prints the sleeping-function BUG for it too)';
  if (rule === 'invalid-wait-context') return 'the same acquisition breaks the wait-type order';
  if (rule === 'circular-dependency') return 'the held locks close a cycle through the same acquisition (lockdep stops at its first report, the replay goes on)';
  return 'found by the replay as well (lockdep stops at its first report, the replay goes on)';
}

