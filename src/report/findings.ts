/**
 * What the CI reporters (sarif, junit, github, markdown) read alike off a finding: whether it
 * fails the gate, which dependency of its chain closed the cycle, and its steps grouped by
 * path (one group per task: lockdep's CPU0 / CPU1 columns). Pure.
 */
import type { ChainEntry, FileResult, Finding, LockLine, ReportBlock, RunResult, TraceStep } from '../model/finding.js';
import type { SourceLoc } from '../model/location.js';
import { isModelFile } from './paths.js';

/** Fails its file: an `error` finding the file's `expect` does not list (warnings never fail). */
export const isFailing = (f: Finding): boolean => !f.expected && f.severity === 'error';

/** An unexpected warning: shown, never failing. */
export const isUnexpectedWarning = (f: Finding): boolean => !f.expected && f.severity === 'warn';

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

const sameLoc = (a: { file: string; line: number; column: number }, b: { file: string; line: number; column: number }): boolean =>
  a.file === b.file && a.line === b.line && a.column === b.column;

/**
 * The chain entry recorded at the finding's own step (the dependency that closed the cycle):
 * the entry on the finding's path at its location, else one at its location, else the first
 * (the contract puts the new dependency first). -1 for a finding without a chain.
 */
export function closingIndex(f: Finding): number {
  if (f.chain.length === 0) return -1;
  const onPath = f.chain.findIndex((c) => c.path === f.path && sameLoc(c.location, f.location));
  if (onPath >= 0) return onPath;
  const at = f.chain.findIndex((c) => sameLoc(c.location, f.location));
  return at >= 0 ? at : 0;
}

/** Scenario name → lockdep name, from the finding's parallel `locks` / `lockdep` lists. */
export function lockdepNamer(f: Finding): (name: string) => string {
  const map = new Map<string, string>();
  f.locks.forEach((name, i) => {
    const ld = f.lockdep[i];
    if (ld !== undefined && !map.has(name)) map.set(name, ld);
  });
  return (name) => map.get(name) ?? name;
}

/** `takes B while holding A` (or `takes A again` for a same-class dependency). */
export function dependencyText(c: Pick<ChainEntry, 'from' | 'to'>): string {
  return c.from === c.to ? `takes ${c.to} again while holding ${c.from}` : `takes ${c.to} while holding ${c.from}`;
}

/** A run of steps of one path, ending at `message` (what happened at the last step). */
export interface FlowSegment {
  readonly stack: readonly TraceStep[];
  readonly message: string;
  /** The segment of the closing dependency, or the finding's own backtrace. */
  readonly closing: boolean;
}

export interface PathFlow {
  readonly path: string;
  readonly segments: readonly FlowSegment[];
}

const backtraceTitle = (title: string): string => title.trim().replace(/:$/, '');

/**
 * The finding's steps, one flow per path: the chain's dependencies (the closing one's path
 * first, then the others in chain order), or for a finding without a chain, the traces of its
 * report (`stack backtrace:`, `… state was registered at:`).
 */
export function pathFlows(f: Finding): PathFlow[] {
  const segs: { path: string; seg: FlowSegment }[] = [];
  const closing = closingIndex(f);
  if (f.chain.length > 0) {
    const order = [closing, ...f.chain.map((_, i) => i).filter((i) => i !== closing)];
    for (const i of order) {
      const c = f.chain[i]!;
      if (c.stack.length === 0) continue;
      segs.push({ path: c.path, seg: { stack: c.stack, message: dependencyText(c), closing: i === closing } });
    }
  } else {
    const traces = f.report.filter((b): b is Extract<ReportBlock, { kind: 'trace' }> => b.kind === 'trace' && b.stack.length > 0);
    // The finding's own path first: it is where the primary location is.
    const own = traces.filter((t) => t.path === f.path);
    for (const t of [...own, ...traces.filter((t) => t.path !== f.path)]) {
      const isOwn = t.path === f.path;
      segs.push({ path: t.path, seg: { stack: t.stack, message: isOwn ? `${f.heading} (${backtraceTitle(t.title)})` : backtraceTitle(t.title), closing: isOwn } });
    }
  }
  const flows: { path: string; segments: FlowSegment[] }[] = [];
  for (const { path, seg } of segs) {
    let flow = flows.find((x) => x.path === path);
    if (!flow) flows.push((flow = { path, segments: [] }));
    // The same steps twice on one path (a report's two traces) are one segment.
    if (flow.segments.some((s) => s.stack.length === seg.stack.length && s.stack.every((st, k) => sameLoc(st, seg.stack[k]!)))) continue;
    flow.segments.push(seg);
  }
  return flows;
}

/**
 * Where a finding is shown in the user's repository (the text report's header line, GitHub
 * annotations, SARIF's primary location): its own location, unless that lies in the built-in kernel model
 * (`<fencedep>/rules/…`, a file code scanning cannot resolve); then the innermost step of the
 * finding's own trace that is in a checked file — the scenario line that called into the
 * model — or, failing that, the innermost such step of any of its traces.
 */
export function userLocation(f: Finding): SourceLoc {
  if (!isModelFile(f.location.file)) return f.location;
  const flows = pathFlows(f).flatMap((p) => p.segments);
  for (const seg of [...flows.filter((s) => s.closing), ...flows.filter((s) => !s.closing)]) {
    for (let i = seg.stack.length - 1; i >= 0; i--) {
      const s = seg.stack[i]!;
      // With the step's `at:` (its own or the enclosing block's or function's) where it has one.
      if (!isModelFile(s.file)) return { file: s.file, line: s.line, column: s.column, ...(s.at ? { at: s.at } : {}) };
    }
  }
  return f.location;
}

/** The lockdep "Possible unsafe locking scenario" table of the report, if any. */
export function scenarioBlock(f: Finding): Extract<ReportBlock, { kind: 'scenario' }> | null {
  return f.report.find((b): b is Extract<ReportBlock, { kind: 'scenario' }> => b.kind === 'scenario') ?? null;
}

/**
 * The run with every file name (results, findings, chains, steps, report blocks, errors)
 * passed through `rel`: the junit, github and markdown reporters show names relative to the
 * working directory.
 */
export function mapFiles(run: RunResult, rel: (file: string) => string): RunResult {
  const loc = <T extends { readonly file: string }>(l: T): T => ({ ...l, file: rel(l.file) });
  const lockLine = (l: LockLine): LockLine => ({ ...l, at: l.at ? loc(l.at) : null });
  const block = (b: ReportBlock): ReportBlock => {
    switch (b.kind) {
      case 'lock':
        return { ...b, lock: lockLine(b.lock) };
      case 'chain':
        return { ...b, entries: b.entries.map((e) => ({ ...e, lock: lockLine(e.lock), stack: e.stack.map(loc) })) };
      case 'held':
        return { ...b, locks: b.locks.map(lockLine) };
      case 'trace':
        return { ...b, stack: b.stack.map(loc) };
      default:
        return b;
    }
  };
  const finding = (f: Finding): Finding => ({
    ...f,
    location: loc(f.location),
    chain: f.chain.map((c) => ({ ...c, location: loc(c.location), stack: c.stack.map(loc) })),
    report: f.report.map(block),
  });
  const result = (r: FileResult): FileResult => ({
    ...r,
    file: rel(r.file),
    findings: r.findings.map(finding),
    unmet: r.unmet.map((u) => ({ ...u, location: loc(u.location), ...(u.closest ? { closest: { ...u.closest, location: loc(u.closest.location) } } : {}) })),
    errors: r.errors.map((e) => (e.file !== undefined ? { ...e, file: rel(e.file) } : e)),
  });
  return { ...run, results: run.results.map(result) };
}
