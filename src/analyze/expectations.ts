/**
 * The CI gate (docs/scenario-format.md §8): which findings a file expects, which expectations no
 * finding met, and whether the file passes.
 *
 * An `involves` entry names a lock of the finding by its scenario name, its lockdep name, or
 * (for a ww_mutex) its ww class lock (`reservation_ww_class_mutex`, or the class itself,
 * `reservation_ww_class`). A finding is expected when one expectation matches it: same rule,
 * every `involves` entry names one of its locks, and the same path when the expectation gives
 * one. The findings one step triggered are one group (groups.ts): an expectation that matches
 * one finding of a group expects all of them, and is met. Only unexpected `error` findings
 * fail a file; `warn` findings never do. An unmet expectation carries the finding of its rule
 * that came closest to meeting it, and what that finding lacks.
 *
 * Under `fence_model: precise` a fence's class is `fence:F` where the kernel's model has
 * `dma_fence_map`: `dma_fence_map` in `involves` also names it, so that one suite's
 * expectations hold under both fence models.
 */
import type { ClosestFinding, Finding, UnmetExpectation } from '../model/finding.js';
import { DMA_FENCE_MAP, isPreciseFenceClass } from '../model/fence-class.js';
import type { Expectation, LockDecl, Scenario } from '../model/scenario.js';

export type LockLookup = (name: string) => LockDecl | undefined;

export interface ExpectationVerdict {
  /** The findings, in their order, with `expected` set. */
  readonly findings: readonly Finding[];
  readonly unmet: readonly UnmetExpectation[];
  readonly passed: boolean;
}

/** `dma_resv[bo_a]/1` → `dma_resv`: the class a displayed lock name refers to. */
function baseName(name: string): string {
  return name.replace(/\/\d+$/, '').replace(/\[[^\]]*\]$/, '');
}

/** Every name an `involves` entry may use for lock `i` of the finding. */
function namesOf(finding: Finding, i: number, lookup: LockLookup): Set<string> {
  const names = new Set<string>();
  const add = (n: string | undefined): void => {
    if (n === undefined || n === '') return;
    names.add(n);
    names.add(baseName(n));
  };
  const scenarioName = finding.locks[i];
  add(scenarioName);
  add(finding.lockdep[i]);
  if (scenarioName !== undefined) {
    const decl = lookup(scenarioName) ?? lookup(baseName(scenarioName));
    if (decl) {
      add(decl.name);
      add(decl.lockdep);
      if (decl.type === 'ww_mutex' && decl.wwClass) {
        add(`${decl.wwClass}_mutex`);
        add(decl.wwClass);
      }
    } else if (isPreciseFenceClass(scenarioName)) {
      add(DMA_FENCE_MAP);
    }
  }
  return names;
}

/** The expectation's `involves` names that none of the finding's locks answers to. */
function missingLocks(expectation: Expectation, finding: Finding, lookup: LockLookup): string[] {
  if (expectation.involves.length === 0) return [];
  const count = Math.max(finding.locks.length, finding.lockdep.length);
  const sets: Set<string>[] = [];
  for (let i = 0; i < count; i++) sets.push(namesOf(finding, i, lookup));
  return expectation.involves.filter((name) => !sets.some((s) => s.has(name)));
}

/** Whether `expectation` matches `finding`. */
export function matches(expectation: Expectation, finding: Finding, lookup: LockLookup): boolean {
  if (expectation.rule !== finding.rule) return false;
  if (expectation.path !== null && expectation.path !== finding.path) return false;
  return missingLocks(expectation, finding, lookup).length === 0;
}

/**
 * The finding of an unmet expectation's rule that comes closest to it: the fewest `involves`
 * names missing, then on the path it names, then the first reported.
 */
function closestFinding(expectation: Expectation, findings: readonly Finding[], lookup: LockLookup): ClosestFinding | undefined {
  let best: ClosestFinding | undefined;
  let bestScore = Infinity;
  for (const f of findings) {
    if (f.rule !== expectation.rule) continue;
    const missing = missingLocks(expectation, f, lookup);
    const otherPath = expectation.path !== null && expectation.path !== f.path;
    const score = missing.length * 2 + (otherPath ? 1 : 0);
    if (score < bestScore) {
      bestScore = score;
      best = { location: f.location, locks: f.locks, path: f.path, missing, otherPath };
    }
  }
  return best;
}

/** Apply a file's `expect` (null: no `expect` key) to its findings. */
export function applyExpectations(
  findings: readonly Finding[],
  expect: Scenario['expect'],
  lookup: LockLookup,
): ExpectationVerdict {
  if (expect === null || expect === 'clean') {
    const out = findings.map((f) => (f.expected ? { ...f, expected: false } : f));
    return { findings: out, unmet: [], passed: !out.some((f) => f.severity === 'error') };
  }
  const met = new Array<boolean>(expect.length).fill(false);
  const matched = findings.map((finding) => {
    let expected = false;
    expect.forEach((e, i) => {
      if (matches(e, finding, lookup)) {
        expected = true;
        met[i] = true;
      }
    });
    return expected;
  });
  // A group is expected as a whole.
  const expectedGroups = new Set(findings.filter((f, i) => matched[i] && f.group !== undefined).map((f) => f.group));
  const out = findings.map((finding, i) => {
    const expected = matched[i]! || (finding.group !== undefined && expectedGroups.has(finding.group));
    return finding.expected === expected ? finding : { ...finding, expected };
  });
  const unmet: UnmetExpectation[] = expect
    .filter((_, i) => !met[i])
    .map((e) => {
      const closest = closestFinding(e, findings, lookup);
      return { rule: e.rule, involves: [...e.involves], path: e.path, location: e.loc, ...(closest ? { closest } : {}) };
    });
  const passed = unmet.length === 0 && !out.some((f) => f.severity === 'error' && !f.expected);
  return { findings: out, unmet, passed };
}
