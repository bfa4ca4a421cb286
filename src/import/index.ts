/**
 * `fencedep import`: kernel lockdep reports (and the sleeping-function BUG) pasted from a log,
 * a mail or CI, turned into scenarios that reproduce them. parse.ts reads the reports;
 * reconstruct.ts rebuilds a scenario per report, one module per report kind (kinds/) sharing
 * the builder (builder.ts, acquire.ts); render.ts writes it as YAML; verify.ts replays it (as
 * `fencedep check` would) to confirm it reports the same rule over the same lockdep classes.
 * Anything else the replay finds is listed in its `expect` block.
 */
import { involvesOf, type Generated } from './doc.js';
import { parseReports } from './parse.js';
import type { QuietFinding } from './quiet.js';
import { reconstruct } from './reconstruct.js';
import { renderScenario } from './render.js';
import { reproduceCycle } from './search.js';
import { missingPart, type KernelReport, type ReportKind } from './report.js';
import { kernelEdges, verify, whyExtra, type Verification } from './verify.js';

export { parseReports } from './parse.js';
export type { KernelReport } from './report.js';
export type { QuietFinding } from './quiet.js';
export type { Verification } from './verify.js';

export class NoReportError extends Error {}

export interface ImportOptions {
  /** 1-based: import only this report of the log. */
  readonly report?: number;
  /** The input's name, for the scenario's header comment. */
  readonly source?: string | null;
  /** Replay the generated scenario to confirm it (default true). */
  readonly verify?: boolean;
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

/** Import every report of a log (or the one chosen with `report`). Throws NoReportError when there is none. */
export async function importLog(text: string, opts: ImportOptions = {}): Promise<{ reports: ImportedReport[]; total: number; quiet: QuietFinding[] }> {
  const { reports, quiet } = parseReports(text);
  if (reports.length === 0 && quiet.length > 0) throw new NoReportError(quietMessage(quiet));
  if (reports.length === 0) {
    throw new NoReportError(
      'no lockdep report found: expected a line such as "WARNING: possible circular locking dependency detected", ' +
        '"WARNING: possible recursive locking detected", "WARNING: inconsistent lock state", "BUG: Invalid wait context", ' +
        '"WARNING: bad unlock balance detected!", "WARNING: lock held when returning to user space!" or ' +
        '"BUG: sleeping function called from invalid context"',
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
        g = reconstruct(r, edges, opts.source ?? null);
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
      const other = await reproduceCycle(r, { generated: g, verification }, edges, opts.source ?? null);
      if (other) ({ generated: g, verification } = other);
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
  return { reports: out, total: reports.length, quiet };
}

/** `fencedep check --verbose`: what prints the reports a quiet text report leaves out. */
const RERUN = 'rerun fencedep check with --verbose, which prints every finding with its report, and import that';

/**
 * Why a quiet finding is not imported, and what to do: the first line of each, then how to get
 * the reports. Shared by the error (nothing else in the input) and the note (beside reports).
 */
export function quietMessage(quiet: readonly QuietFinding[]): string {
  const where = quiet.map((q) => `line ${q.line} (${q.rules.join(', ')})`).join('; ');
  const n = quiet.length === 1 ? 'a finding' : `${quiet.length} findings`;
  return `${n} of fencedep's quiet text report, without a lockdep report to import: ${where}; an expected finding is printed as its header line alone; ${RERUN}`;
}
