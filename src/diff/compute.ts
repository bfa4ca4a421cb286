/**
 * `fencedep diff BEFORE AFTER`: what a change to a design does to its findings and to its
 * dependency graph, computed from the two sides' check results and graphs (the command,
 * src/cli/diff.ts, loads and replays them). Findings are matched by
 * their fingerprint (rule and class set: a cycle found from another lock, or moved lines, is
 * the same finding); dependencies by their two classes' lockdep names.
 *
 * The dependencies listed are by default the scenario's own (recorded with a step of its
 * files on the stack, src/graph/keys.ts `ownDependency`): the built-in models' own
 * dependencies — their priming, which lockdep's rules (a trylock records no dependency on the
 * locks held) can make appear, vanish or change kinds when the scenario changes — are only
 * counted (`hidden`), unless `allDependencies`.
 */
import type { Finding, InputErrorInfo } from '../model/finding.js';
import { findingFingerprint } from '../model/fingerprint.js';
import type { SourceLoc } from '../model/location.js';
import type { GraphExport } from '../replay/index.js';
import { byteOrder } from '../model/order.js';
import { classKeys, ownDependency } from '../graph/keys.js';

/** One dependency, by the lockdep names of its classes (`#2`… for a shared name). */
export interface DiffDependency {
  readonly from: string;
  readonly to: string;
  /** The scenario's names of the two classes. */
  readonly fromName: string;
  readonly toName: string;
  readonly kinds: readonly string[];
  /** The path that first recorded it, where, and the step there. */
  readonly path: string;
  readonly location: SourceLoc | null;
  readonly step: string | null;
  /** Recorded by the scenario, not by a built-in model alone. */
  readonly own: boolean;
}

export interface ChangedDependency {
  readonly before: DiffDependency;
  readonly after: DiffDependency;
}

export interface DiffFinding {
  readonly fingerprint: string;
  readonly finding: Finding;
}

export type FileDiffStatus = 'changed' | 'unchanged' | 'added' | 'removed' | 'error';

export interface FileDiff {
  /** The relative path (directories), or the AFTER file (two files). */
  readonly file: string;
  readonly before: string | null;
  readonly after: string | null;
  readonly scenario: string;
  readonly status: FileDiffStatus;
  /** In AFTER, not in BEFORE (as AFTER reports them). */
  readonly introduced: readonly DiffFinding[];
  /** In BEFORE, not in AFTER (as BEFORE reported them). */
  readonly fixed: readonly DiffFinding[];
  /** In both (as AFTER reports them). */
  readonly unchanged: readonly DiffFinding[];
  /** Dependencies AFTER records and BEFORE did not (where AFTER first records them), sorted. */
  readonly added: readonly DiffDependency[];
  /** Dependencies BEFORE recorded and AFTER does not (where BEFORE did), sorted. */
  readonly removed: readonly DiffDependency[];
  /** Recorded by both, with other kinds (e.g. a read acquisition became a write). */
  readonly changed: readonly ChangedDependency[];
  /** The dependencies of a file present on one side only (not listed one by one). */
  readonly dependencies: number;
  /** Dependencies added, removed or changed that are the built-in models' own, not listed (without `allDependencies`). */
  readonly hidden: number;
  readonly errors: readonly InputErrorInfo[];
}

export interface DiffSummary {
  readonly files: number;
  readonly changedFiles: number;
  readonly addedFiles: number;
  readonly removedFiles: number;
  readonly introduced: number;
  /** Introduced findings that fail the gate: errors that AFTER does not expect. */
  readonly failing: number;
  readonly fixed: number;
  readonly unchanged: number;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  /** The models' own dependency changes left out of the lists. */
  readonly hidden: number;
  readonly errors: number;
}

export interface DiffResult {
  readonly before: string;
  readonly after: string;
  readonly files: readonly FileDiff[];
  readonly summary: DiffSummary;
}

/** One side of a file's comparison: what its check found, and its dependency graph. */
export interface Side {
  readonly scenario: string;
  readonly findings: readonly Finding[];
  readonly graph: GraphExport | null;
  readonly errors: readonly InputErrorInfo[];
}

function dependencies(graph: GraphExport | null): Map<string, DiffDependency> {
  const out = new Map<string, DiffDependency>();
  if (graph === null) return out;
  const keys = classKeys(graph);
  for (const d of graph.dependencies) {
    const dep: DiffDependency = {
      from: keys[d.from]!,
      to: keys[d.to]!,
      fromName: graph.classes[d.from]!.name,
      toName: graph.classes[d.to]!.name,
      kinds: [...d.kinds],
      path: d.path,
      location: d.location,
      step: d.step,
      own: ownDependency(d),
    };
    const key = `${dep.from}\u0000${dep.to}`;
    if (!out.has(key)) out.set(key, dep);
  }
  return out;
}

const depOrder = (a: DiffDependency, b: DiffDependency) => byteOrder(a.from, b.from) || byteOrder(a.to, b.to);

/** Findings of `a` whose fingerprint `b` lacks (as a multiset), and those it has. */
function split(a: readonly Finding[], b: readonly Finding[]): { only: DiffFinding[]; both: DiffFinding[] } {
  const counts = new Map<string, number>();
  for (const f of b) {
    const fp = findingFingerprint(f);
    counts.set(fp, (counts.get(fp) ?? 0) + 1);
  }
  const only: DiffFinding[] = [];
  const both: DiffFinding[] = [];
  for (const finding of a) {
    const fingerprint = findingFingerprint(finding);
    const left = counts.get(fingerprint) ?? 0;
    if (left > 0) {
      counts.set(fingerprint, left - 1);
      both.push({ fingerprint, finding });
    } else {
      only.push({ fingerprint, finding });
    }
  }
  return { only, both };
}

export interface CompareOptions {
  /** List the built-in models' own dependency changes too (`--all-dependencies`). */
  readonly allDependencies?: boolean;
}

/** Compare one file's two versions (either may be missing, not both). */
export function compareSides(
  file: string, beforeFile: string | null, before: Side | null, afterFile: string | null, after: Side | null, opts: CompareOptions = {},
): FileDiff {
  const scenario = after?.scenario ?? before?.scenario ?? '';
  const errors = [...(before?.errors ?? []), ...(after?.errors ?? [])];
  const base = { file, before: beforeFile, after: afterFile, scenario };
  const none = { introduced: [], fixed: [], unchanged: [], added: [], removed: [], changed: [], dependencies: 0, hidden: 0 };
  if (errors.length > 0) return { ...base, ...none, status: 'error', errors };
  if (before === null || after === null) {
    const side = (after ?? before)!;
    const findings = side.findings.map((finding) => ({ fingerprint: findingFingerprint(finding), finding }));
    return {
      ...base,
      ...none,
      status: after ? 'added' : 'removed',
      introduced: after ? findings : [],
      fixed: after ? [] : findings,
      dependencies: side.graph?.dependencies.length ?? 0,
      errors: [],
    };
  }
  const introduced = split(after.findings, before.findings);
  const fixed = split(before.findings, after.findings).only;
  const b = dependencies(before.graph);
  const a = dependencies(after.graph);
  const added: DiffDependency[] = [];
  const changed: ChangedDependency[] = [];
  for (const [key, dep] of a) {
    const old = b.get(key);
    if (!old) added.push(dep);
    else if ([...old.kinds].sort().join() !== [...dep.kinds].sort().join()) changed.push({ before: old, after: dep });
  }
  const gone = [...b].filter(([key]) => !a.has(key)).map(([, dep]) => dep);
  // A change is the scenario's when either side recorded it so.
  const listed = <T>(xs: T[], own: (x: T) => boolean): T[] => (opts.allDependencies === true ? xs : xs.filter(own));
  const shownAdded = listed(added, (d) => d.own).sort(depOrder);
  const removed = listed(gone, (d) => d.own).sort(depOrder);
  const shownChanged = listed(changed, (ch) => ch.before.own || ch.after.own).sort((x, y) => depOrder(x.after, y.after));
  const hidden = added.length + gone.length + changed.length - shownAdded.length - removed.length - shownChanged.length;
  const status =
    introduced.only.length + fixed.length + shownAdded.length + removed.length + shownChanged.length > 0 ? 'changed' : 'unchanged';
  return {
    ...base,
    status,
    introduced: introduced.only,
    fixed,
    unchanged: introduced.both,
    added: shownAdded,
    removed,
    changed: shownChanged,
    dependencies: 0,
    hidden,
    errors: [],
  };
}

export function summarizeDiff(before: string, after: string, files: readonly FileDiff[]): DiffResult {
  const sum = (f: (d: FileDiff) => number) => files.reduce((n, d) => n + f(d), 0);
  return {
    before,
    after,
    files,
    summary: {
      files: files.length,
      changedFiles: sum((d) => (d.status === 'changed' ? 1 : 0)),
      addedFiles: sum((d) => (d.status === 'added' ? 1 : 0)),
      removedFiles: sum((d) => (d.status === 'removed' ? 1 : 0)),
      introduced: sum((d) => d.introduced.length),
      failing: sum((d) => d.introduced.filter((x) => x.finding.severity === 'error' && !x.finding.expected).length),
      fixed: sum((d) => d.fixed.length),
      unchanged: sum((d) => d.unchanged.length),
      added: sum((d) => d.added.length),
      removed: sum((d) => d.removed.length),
      changed: sum((d) => d.changed.length),
      hidden: sum((d) => d.hidden),
      errors: sum((d) => (d.status === 'error' ? 1 : 0)),
    },
  };
}
