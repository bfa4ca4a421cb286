/**
 * `fencedep import` given fencedep's own quiet text report: an expected finding is its header
 * line alone, with no lockdep report to read. The import says so and how to get the report
 * (`check --verbose`); beside full reports it imports those and names the quiet ones.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src/cli/import.js';
import { importLog, parseReports } from '../../src/import/index.js';
import { cli } from '../cli/helpers.js';

/** Two fixtures whose findings are all expected: three groups (line 9's two findings are one). */
const PASSING = ['fixtures/lockdep/vm-lock-vs-bo-list.yaml', 'fixtures/lockdep/mutex-under-job-spinlock.yaml'];

const dir = mkdtempSync(path.join(tmpdir(), 'fencedep-import-quiet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function importText(text: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runImport(undefined, { verify: false }, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, stdin: async () => text });
  return { code, out, err };
}

describe('import of a quiet text report', () => {
  it('only quiet lines: exit 2, says the report is quiet, where, and to rerun with --verbose', async () => {
    const quiet = (await cli(['--no-config', ...PASSING])).out;
    expect(quiet).not.toMatch(/^=+$/m);
    const r = await importText(quiet);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).not.toContain('no lockdep report found');
    expect(r.err).toContain("3 findings of fencedep's quiet text report, without a lockdep report to import");
    expect(r.err).toContain('line 1 (circular-dependency); line 2 (sleep-in-atomic, invalid-wait-context); line 4 (sleep-in-atomic)');
    expect(r.err).toContain('rerun fencedep check with --verbose');
    expect(r.err.split('\n').filter((l) => l !== '')).toHaveLength(1);
  });

  it('the same run with --verbose imports one report per group, and nothing is quiet', async () => {
    const verbose = (await cli(['--no-config', '--verbose', ...PASSING])).out;
    const imported = await importLog(verbose, { verify: false });
    expect(imported.quiet).toEqual([]);
    expect(imported.reports.map((r) => r.expected.rule)).toEqual(['circular-dependency', 'sleep-in-atomic', 'sleep-in-atomic']);
  });

  it('quiet lines beside a full report: the report is imported, the quiet finding named', async () => {
    // mutex-under-job-spinlock.yaml without the expectation of its msleep (line 10): that finding
    // is printed in full, line 9's expected group stays one line (and its also: line).
    const file = path.join(dir, 'unexpected.yaml');
    const source = readFileSync(PASSING[1]!, 'utf8');
    writeFileSync(file, source.replace('  - rule: sleep-in-atomic\n    involves: [job_list_lock]\n', ''));
    const text = (await cli(['--no-config', file])).out;
    const imported = await importLog(text, { verify: false });
    expect(imported.reports).toHaveLength(1);
    expect(imported.reports[0]!.title).toBe('BUG: sleeping function called from invalid context');
    expect(imported.quiet).toEqual([{ line: 1, rules: ['sleep-in-atomic', 'invalid-wait-context'] }]);
    const r = await importText(text);
    expect(r.code).toBe(0);
    expect(r.out).toContain('msleep');
    expect(r.err).toContain("fencedep import: stdin: not imported: a finding of fencedep's quiet text report");
    expect(r.err).toContain('line 1 (sleep-in-atomic, invalid-wait-context)');
  });

  it('a header whose report follows its pattern, remedy, model-rule and also: lines is not quiet', () => {
    const head = 'a.yaml:3:5: error: possible circular locking dependency: A -> B -> A [circular-dependency] (expected)';
    const annotations = ['  pattern: p (fencedep explain p)', '  remedy: r', "  model rule, not a kernel annotation (--lockdep-only for lockdep's view): m", '  also: a.yaml:3:5: error: x [sleep-in-atomic] (expected)'];
    const banner = ['', '=====', 'WARNING: possible circular locking dependency detected'];
    expect(parseReports([head, ...annotations, ...banner].join('\n')).quiet).toEqual([]);
    expect(parseReports([head, ...annotations, ''].join('\n')).quiet).toEqual([{ line: 1, rules: ['circular-dependency', 'sleep-in-atomic'] }]);
  });

  it('a header line of a rule the kernel prints no report for is not called quiet', async () => {
    const line = 'a.yaml:3:5: warning: lock vm->lock taken inside a ww transaction between two reservations [ww-lock-between-reservations] (expected)\n';
    await expect(importLog(line)).rejects.toThrow(/no lockdep report found/);
  });
});
