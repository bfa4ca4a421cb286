/**
 * `fencedep import`: kernel lockdep reports (and the sleeping-function BUG) pasted from a log,
 * a mail or CI, turned into scenarios that reproduce them. parse.ts reads the reports,
 * generate.ts builds a scenario per report, render.ts writes it; the scenario is then replayed
 * here (as `fencedep check` would) to confirm it reports the same rule over the same lockdep
 * classes, and to list anything else the replay finds in its `expect` block.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../model/finding.js';
import { builtinModelFile, loadScenario } from '../load/index.js';
import { replayScenario } from '../replay/index.js';
import { generate, involvesOf, type Generated } from './generate.js';
import { parseReports } from './parse.js';
import { renderScenario } from './render.js';
import type { KernelReport, ReportKind } from './report.js';

export { parseReports } from './parse.js';
export type { KernelReport } from './report.js';

export class NoReportError extends Error {}

export interface ImportOptions {
  /** 1-based: import only this report of the log. */
  readonly report?: number;
  /** The input's name, for the scenario's header comment. */
  readonly source?: string | null;
  /** Replay the generated scenario to confirm it (default true). */
  readonly verify?: boolean;
}

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

export interface ImportedReport {
  /** 1-based position of the report in the log. */
  readonly index: number;
  readonly kind: ReportKind;
  readonly title: string;
  readonly line: number;
  readonly yaml: string;
  readonly expected: { readonly rule: string; readonly lockdep: readonly string[] };
  readonly invented: readonly string[];
  readonly guesses: readonly string[];
  readonly verification: Verification | null;
  /** Why the report could not be imported (then `yaml` is empty). */
  readonly error: string | null;
}

/** What a report must show to be imported at all; null if it is all there. */
export function missingPart(r: KernelReport): string | null {
  if (r.kind === 'sleep-in-atomic') return r.sleep ? null : 'the in_atomic()/irqs_disabled() line';
  if (!r.next) {
    const what = r.kind === 'bad-unlock' ? 'the lock being released' : r.kind === 'irq-inversion' ? 'the lock whose state changed' : r.kind === 'inconsistent-lock-state' ? 'the lock taken' : 'the lock being acquired';
    return what;
  }
  if (r.kind === 'irq-inversion' && !r.other) return 'the other lock ("but this lock took another ..." / "was taken by another ...")';
  if (r.kind === 'safe-to-unsafe' && (!r.safe || !r.unsafe)) return 'the irq-safe and irq-unsafe locks';
  return null;
}

let kernelEdgesMemo: Promise<Set<string>> | null = null;

/** The dependencies the kernel model records by itself (priming and kernel paths), by lockdep name. */
export function kernelEdges(): Promise<Set<string>> {
  kernelEdgesMemo ??= (async () => {
    const file = builtinModelFile('kernel');
    const out = new Set<string>();
    if (!file) return out;
    const scenario = await loadScenario(file);
    const { graph } = replayScenario(scenario);
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

async function replayYaml(yaml: string, name: string): Promise<{ findings: readonly Finding[]; error: string | null }> {
  const dir = await mkdtemp(join(tmpdir(), 'fencedep-import-'));
  const file = join(dir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.yaml`);
  try {
    await writeFile(file, yaml);
    const scenario = await loadScenario(file);
    const out = replayScenario(scenario);
    if (out.errors.length > 0) return { findings: out.findings, error: out.errors.map((e) => e.message).join('; ') };
    return { findings: out.findings, error: null };
  } catch (err) {
    const e = err as { errors?: { message: string; loc?: { line: number } }[]; message?: string };
    const msg = e.errors ? e.errors.map((x) => `${x.loc ? `line ${x.loc.line}: ` : ''}${x.message}`).join('; ') : String(e.message ?? err);
    return { findings: [], error: msg };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function verify(g: Generated): Promise<Verification> {
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

function whyExtra(rule: string, mainRule: string): string {
  if (rule === 'invalid-wait-context' && mainRule === 'sleep-in-atomic') return 'lockdep checks the same acquisition (the kernel prints it after the BUG)';
  if (rule === 'sleep-in-atomic') return 'the same step sleeps where it may not (the kernel prints the sleeping-function BUG for it too)';
  if (rule === 'invalid-wait-context') return 'the same acquisition breaks the wait-type order';
  if (rule === 'circular-dependency') return 'the held locks close a cycle through the same acquisition (lockdep stops at its first report, the replay goes on)';
  return 'found by the replay as well (lockdep stops at its first report, the replay goes on)';
}

/** Import every report of a log (or the one chosen with `report`). Throws NoReportError when there is none. */
export async function importLog(text: string, opts: ImportOptions = {}): Promise<{ reports: ImportedReport[]; total: number }> {
  const { reports } = parseReports(text);
  if (reports.length === 0) {
    throw new NoReportError(
      'no lockdep report found: expected a line such as "WARNING: possible circular locking dependency detected", ' +
        '"WARNING: possible recursive locking detected", "WARNING: inconsistent lock state", "BUG: Invalid wait context", ' +
        '"WARNING: bad unlock balance detected!" or "BUG: sleeping function called from invalid context"',
    );
  }
  let chosen: { r: KernelReport; index: number }[] = reports.map((r, i) => ({ r, index: i + 1 }));
  if (opts.report !== undefined) {
    if (opts.report < 1 || opts.report > reports.length) {
      throw new NoReportError(`there is no report ${opts.report}: the log has ${reports.length} report${reports.length === 1 ? '' : 's'} (1-${reports.length})`);
    }
    chosen = [chosen[opts.report - 1]!];
  }
  const edges = await kernelEdges();
  const out: ImportedReport[] = [];
  for (const { r, index } of chosen) {
    const missing = missingPart(r);
    let g: Generated | null = null;
    let error: string | null = missing ? `the report is cut short or garbled: ${missing} is missing` : null;
    if (!error) {
      try {
        g = generate(r, edges, opts.source ?? null);
      } catch (err) {
        error = `internal error while generating the scenario: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    if (!g) {
      out.push({ index, kind: r.kind, title: r.title, line: r.startLine, yaml: '', expected: { rule: r.kind, lockdep: [] }, invented: [], guesses: [], verification: null, error });
      continue;
    }
    let verification: Verification | null = null;
    if (opts.verify !== false) {
      verification = await verify(g);
      if (verification.reproduced && verification.extra.length > 0) {
        const seen = new Set<string>();
        for (const x of verification.extra) {
          const key = `${x.rule}\u0000${[...x.lockdep].sort().join('\u0000')}`;
          if (seen.has(key)) continue;
          seen.add(key);
          g.doc.expect.push({ rule: x.rule, involves: involvesOf(x.lockdep), comment: `also reported: ${whyExtra(x.rule, g.expected.rule)}` });
        }
      }
    }
    out.push({
      index,
      kind: r.kind,
      title: r.title,
      line: r.startLine,
      yaml: renderScenario(g.doc),
      expected: g.expected,
      invented: g.invented,
      guesses: g.guesses,
      verification,
      error: null,
    });
  }
  return { reports: out, total: reports.length };
}
