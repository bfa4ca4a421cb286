import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyExpectations } from '../../src/analyze/index.js';
import { checkFile } from '../../src/check/run.js';
import type { FileResult, Finding } from '../../src/model/finding.js';
import type { Expectation } from '../../src/model/scenario.js';
import { jsonReport } from '../../src/report/json.js';
import { summarize } from '../../src/analyze/index.js';
import { formatText } from '../../src/report/text.js';
import { expectGoldenIn, here } from '../helpers/golden.js';

const GOLDEN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const cases = (name: string): string => here(import.meta.url, 'cases', name);
const check = (name: string): Promise<FileResult> => checkFile(cases(name));
const byRule = (r: FileResult, rule: string): Finding[] => r.findings.filter((f) => f.rule === rule);
const noLookup = () => undefined;
const expectation = (rule: string, fields: Partial<Expectation> = {}): Expectation =>
  ({ rule, involves: [], path: null, loc: { file: 'x.yaml', line: 1, column: 1 }, ...fields }) as Expectation;

describe('findings one step triggers are one group', () => {
  it('a mutex in a fence callback: sleep-in-atomic and invalid-wait-context, one expectation; an unrelated ABBA stays apart', async () => {
    const r = await check('fence-callback-mutex.yaml');
    const [sleep] = byRule(r, 'sleep-in-atomic');
    const [wait] = byRule(r, 'invalid-wait-context');
    const [abba] = byRule(r, 'circular-dependency');
    expect(sleep?.group).toMatch(/^[0-9a-f]{32}$/);
    expect(wait?.group).toBe(sleep?.group);
    expect(abba).toBeDefined();
    expect(abba!.group).toBeUndefined();
    // `expect` names only invalid-wait-context: its group (sleep-in-atomic) is expected with it,
    // the unrelated cycle is not, and no expectation is unmet.
    expect(sleep!.expected).toBe(true);
    expect(wait!.expected).toBe(true);
    expect(abba!.expected).toBe(false);
    expect(r.unmet).toEqual([]);
    expect(r.status).toBe('fail');
  });

  it('a work item flushing its own queue: recursive-locking and the cycle are one group', async () => {
    const r = await check('work-flushes-own-queue.yaml');
    expect(r.findings.map((f) => f.rule)).toEqual(['recursive-locking', 'circular-dependency']);
    expect(new Set(r.findings.map((f) => f.group)).size).toBe(1);
    expect(r.findings[0]!.group).toBeDefined();
    expect(r.findings.every((f) => f.expected)).toBe(true);
    expect(r.status).toBe('pass');
  });

  it('a fault under a reservation: the cycle closed at the fault path through the copy\'s dependency joins the copy\'s group', async () => {
    const r = await check('fault-under-resv.yaml');
    expect(r.findings.map((f) => f.path)).toEqual(['ioctl', 'page fault']);
    expect(r.findings[1]!.group).toBe(r.findings[0]!.group);
    expect(r.findings[0]!.group).toBeDefined();
    // `path: ioctl` matches only the first; the group carries the second.
    expect(r.findings.map((f) => f.expected)).toEqual([true, true]);
    expect(r.status).toBe('pass');
  });

  it('without an expectation every finding of a group is unexpected; an expectation matching none stays unmet', async () => {
    const r = await check('work-flushes-own-queue.yaml');
    const clean = applyExpectations(r.findings, 'clean', noLookup);
    expect(clean.findings.filter((f) => !f.expected)).toHaveLength(2);
    expect(clean.passed).toBe(false);
    const v = applyExpectations(r.findings, [expectation('recursive-locking'), expectation('sleep-in-atomic')], noLookup);
    expect(v.findings.every((f) => f.expected)).toBe(true);
    expect(v.unmet.map((u) => u.rule)).toEqual(['sleep-in-atomic']);
    expect(v.passed).toBe(false);
    // Listing every member, as before groups, still passes with nothing unmet.
    const both = applyExpectations(r.findings, [expectation('recursive-locking'), expectation('circular-dependency')], noLookup);
    expect(both.unmet).toEqual([]);
    expect(both.passed).toBe(true);
  });

  it('JSON keeps every finding and links a group by `group`; text shows the others as also: lines (golden)', async () => {
    const results = await Promise.all(['fence-callback-mutex.yaml', 'work-flushes-own-queue.yaml', 'fault-under-resv.yaml'].map(check));
    const run = summarize(results);
    const json = jsonReport(run);
    expect(json.results.map((r) => r.findings.length)).toEqual([3, 2, 2]);
    const groups = json.results[0]!.findings.map((f) => f.group);
    expect(groups[0]).toBe(groups[1]);
    expect(groups[2]).toBeUndefined();
    // The full report (--verbose): one lockdep report per group.
    const text = formatText(run, { color: false, quiet: false, verbose: true });
    expectGoldenIn(GOLDEN, 'grouped.txt', text);
    // One report per group: the second finding is an `also:` line under the first.
    expect(text.match(/BUG: sleeping function called from invalid context/g)).toHaveLength(1);
    expect(text).not.toContain('BUG: Invalid wait context');
    expect(text).toMatch(/\[sleep-in-atomic\] \(expected\)\n {2}pattern: .*\n {2}remedy: .*\n {2}also: .*\[invalid-wait-context\] \(expected\)\n/);
    expect(text.match(/WARNING: possible recursive locking detected/g)).toHaveLength(1);
    expect(text).toMatch(/ {2}also: \S+work-flushes-own-queue\.yaml:8:9: error: possible circular locking dependency/);
    // By default an expected group is its header lines alone, the others still under the first.
    const quiet = formatText(run, { color: false, quiet: false });
    expect(quiet).toMatch(/\[sleep-in-atomic\] \(expected\)\n {2}also: .*\[invalid-wait-context\] \(expected\)\n/);
    expect(quiet).not.toContain('BUG: sleeping function called from invalid context');
    expect(quiet).not.toContain('WARNING: possible recursive locking detected');
    // The unexpected cycle of fence-callback-mutex.yaml keeps its report.
    expect(quiet.match(/WARNING: possible circular locking dependency detected/g)).toHaveLength(1);
  });
});
