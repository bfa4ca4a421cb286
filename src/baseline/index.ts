/**
 * Baselines: the known findings of a suite, so a project can adopt the gate on existing
 * fixtures and fail only on new findings (dependency-cruiser's known-violations).
 *
 * A finding is known when the baseline has an entry with the same file (relative to the
 * baseline file, `/`-separated) and the same fingerprint (rule and class set: a cycle found
 * from another lock, or after lines moved, is the same finding). Entries are counted: two
 * entries match two findings with one fingerprint. Only findings that would fail a file
 * (unexpected, severity `error`) are written and matched; a matched finding leaves the
 * results, and its file is judged without it. An entry of a checked file that no finding
 * matches, or of a file that no longer exists, is stale.
 *
 * The file is deterministic JSON: entries sorted by file, rule, locks and fingerprint, with
 * the rule, the locks and the message beside the fingerprint for people reading a diff.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { InputError, InputErrors } from '../load/errors.js';
import { validate } from '../load/issues.js';
import { parseText } from '../load/source.js';
import type { BaselineEntry, Finding, RunResult } from '../model/finding.js';
import { findingFingerprint } from '../model/fingerprint.js';
import { once } from '../model/once.js';
import { byteOrder } from '../model/order.js';

export const BASELINE_VERSION = 1;

/** The default baseline file name (in the working directory). */
export const DEFAULT_BASELINE = 'fencedep-baseline.json';

export interface Baseline {
  readonly version: number;
  readonly findings: readonly BaselineEntry[];
}

/** A baseline file's schema, built when a baseline is first read. */
const baselineSchema = once(() =>
  z.strictObject({
    version: z.literal(BASELINE_VERSION),
    tool: z.optional(z.string()),
    findings: z.array(
      z.strictObject({
        file: z.string().check(z.minLength(1)),
        rule: z.string().check(z.minLength(1)),
        fingerprint: z.string().check(z.regex(/^[0-9a-f]{32}$/, 'a fingerprint is 32 hex digits')),
        locks: z.array(z.string()),
        message: z.string(),
      }),
    ),
  }),
);

/** Whether a finding fails its file, i.e. whether a baseline can hold it. */
export function isBaselinable(f: Finding): boolean {
  return f.severity === 'error' && !f.expected;
}

/** A result's file as a baseline names it: relative to the baseline's directory, with `/`. */
export function baselinePath(file: string, baseDir: string, cwd: string): string {
  return path.relative(baseDir, path.resolve(cwd, file)).split(path.sep).join('/');
}

function entryOf(file: string, f: Finding): BaselineEntry {
  return {
    file,
    rule: f.rule,
    fingerprint: findingFingerprint(f),
    locks: [...new Set(f.locks)].sort(),
    message: f.message,
  };
}

export function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return (
    byteOrder(a.file, b.file) ||
    byteOrder(a.rule, b.rule) ||
    byteOrder(a.locks.join('\u0000'), b.locks.join('\u0000')) ||
    byteOrder(a.fingerprint, b.fingerprint) ||
    byteOrder(a.message, b.message)
  );
}

/** The baseline of a run: every finding that fails its file. */
export function buildBaseline(run: RunResult, baseDir: string, cwd: string): Baseline {
  const findings: BaselineEntry[] = [];
  for (const r of run.results) {
    const file = baselinePath(r.file, baseDir, cwd);
    for (const f of r.findings) if (isBaselinable(f)) findings.push(entryOf(file, f));
  }
  return { version: BASELINE_VERSION, findings: findings.sort(compareEntries) };
}

/** The file's text: fixed key order, sorted entries, a final newline. */
export function formatBaseline(b: Baseline): string {
  const out = {
    version: b.version,
    tool: 'fencedep',
    findings: [...b.findings].sort(compareEntries).map((e) => ({ file: e.file, rule: e.rule, fingerprint: e.fingerprint, locks: [...e.locks], message: e.message })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Read and validate a baseline file; `display` is how messages name it. Throws InputErrors. */
export function readBaseline(abs: string, display: string): Baseline {
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as { code?: string } | null)?.code;
    const why = code === 'ENOENT' ? 'no such file (write one with --update-baseline)' : e instanceof Error ? e.message : String(e);
    throw new InputErrors([new InputError(`cannot read baseline ${display}: ${why}`, null)]);
  }
  if (text.trim() === '') throw new InputErrors([new InputError('empty baseline file (write one with --update-baseline)', { file: display, line: 1, column: 1 })]);
  const parsed = parseText(text, display, true);
  const r = validate(baselineSchema(), parsed.value, parsed.pos, '');
  if (!r.ok) throw new InputErrors(r.errors);
  return { version: r.data.version, findings: r.data.findings };
}
