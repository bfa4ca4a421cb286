/**
 * How much `check`'s text report says: a passing run is one line per expected finding and the
 * summary; what fails a file keeps its full lockdep report; `--verbose` prints everything,
 * `--quiet` only what fails.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectGoldenIn, here } from '../helpers/golden.js';
import { cli } from './helpers.js';

const GOLDEN = here(import.meta.url, 'golden');
/** Two fixtures whose findings are all expected (three of them), and one without findings. */
const PASSING = [
  'fixtures/lockdep/mutex-under-job-spinlock.yaml',
  'fixtures/lockdep/fence-lock-irq-fixed.yaml',
  'fixtures/lockdep/vm-lock-vs-bo-list.yaml',
];
const BANNER = /^=+\n(WARNING|BUG): /m;
const BANNER_ALL = new RegExp(BANNER.source, 'gm');

const dir = mkdtempSync(path.join(tmpdir(), 'fencedep-verbosity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('check: a passing run is quiet', () => {
  it('one line per expected finding, then the summary (golden)', async () => {
    const r = await cli(['--no-config', ...PASSING]);
    expect(r.code).toBe(0);
    expectGoldenIn(GOLDEN, 'passing.txt', r.out);
    expect(r.out).not.toMatch(BANNER);
    expect(r.out).not.toContain('PASS');
    const lines = r.out.trimEnd().split('\n');
    expect(lines.filter((l) => l.endsWith('(expected)'))).toHaveLength(4);
    // The two findings of line 9's step are one group: the second under the first.
    expect(r.out).toMatch(/:9:7: error: .*\[sleep-in-atomic\] \(expected\)\n  also: .*:9:7: error: .*\[invalid-wait-context\] \(expected\)\n/);
    expect(lines.at(-1)).toBe('✔ 3 files: 3 passed, 0 failed, 0 errors; 4 findings');
  });

  it('--verbose prints every report and every file', async () => {
    const r = await cli(['--no-config', '--verbose', ...PASSING]);
    expect(r.code).toBe(0);
    // One report per group: line 9's two findings share one.
    expect(r.out.match(BANNER_ALL)).toHaveLength(3);
    for (const f of PASSING) expect(r.out).toContain(`PASS ${f}`);
    // Every line of the quiet run is in it.
    const quiet = (await cli(['--no-config', ...PASSING])).out;
    for (const l of quiet.split('\n')) expect(r.out.split('\n')).toContain(l);
  });

  it('--verbose and --quiet do not go together', async () => {
    const r = await cli(['--no-config', '--verbose', '--quiet', ...PASSING]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("option '--verbose' cannot be used with option '--quiet'");
  });
});

describe('check: the bundled fixtures, every one passing', () => {
  it('the lockdep and seed fixtures: one line per expected finding, then the summary (golden)', async () => {
    // (Two directories that do not grow with the models: the golden changes only with them.)
    const r = await cli(['--no-config', 'fixtures/lockdep', 'fixtures/seeds']);
    expect(r.code).toBe(0);
    expectGoldenIn(GOLDEN, 'fixtures-quiet.txt', r.out);
  });

  it('all of them: nothing but one header line per finding, each expected, and the summary', async () => {
    const r = await cli(['--no-config', 'fixtures']);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(BANNER);
    const lines = r.out.trimEnd().split('\n');
    const summary = lines.pop()!;
    expect(summary).toMatch(/^✔ \d+ files: \d+ passed, 0 failed, 0 errors(, \d+ librar(y|ies))?; \d+ findings$/);
    expect(lines.pop()).toBe('');
    // Nothing but header lines: one per finding of the JSON report, each expected.
    for (const l of lines) expect(l).toMatch(/^(  also: )?\S+:\d+:\d+: (error|warning): .* \[[a-z-]+\] \(expected\)$/);
    const json = JSON.parse((await cli(['--no-config', '--format', 'json', 'fixtures'])).out) as { results: { findings: unknown[] }[] };
    expect(lines).toHaveLength(json.results.reduce((n, x) => n + x.findings.length, 0));
  });
});

describe('check: what fails a file keeps its full report', () => {
  // mutex-under-job-spinlock.yaml without the expectation of its msleep (line 10).
  const file = path.join(dir, 'unexpected.yaml');
  const source = readFileSync(PASSING[0]!, 'utf8');
  const trimmed = source.replace('  - rule: sleep-in-atomic\n    involves: [job_list_lock]\n', '');
  writeFileSync(file, trimmed);
  const unexpected = /:10:7: (error|warning): sleeping function called from invalid context: msleep .*\[sleep-in-atomic\]\n\n=+\nBUG: sleeping function called from invalid context\n/;

  it('the unexpected finding in full, the expected ones as one line, the FAIL line', async () => {
    expect(trimmed).not.toBe(source);
    const r = await cli(['--no-config', file]);
    expect(r.code).toBe(1);
    expect(r.out.match(BANNER_ALL)).toHaveLength(1);
    expect(r.out).toMatch(unexpected);
    expect(r.out).toMatch(/:9:7: error: .*\[sleep-in-atomic\] \(expected\)\n  also: .*\[invalid-wait-context\] \(expected\)\n/);
    expect(r.out).toContain(`FAIL ${file} (mutex-under-job-list-lock): 3 findings, 1 unexpected`);
  });

  it('an unexpected warning (the config says warn) passes its file and still shows its report', async () => {
    const config = path.join(dir, 'fencedep.config.json');
    writeFileSync(config, JSON.stringify({ rules: { 'sleep-in-atomic': 'warn' } }));
    const r = await cli(['--config', config, file]);
    expect(r.code).toBe(0);
    expect(r.out.match(BANNER_ALL)).toHaveLength(1);
    expect(r.out).toMatch(unexpected);
    expect(r.out).toContain(`PASS ${file} (mutex-under-job-list-lock): 3 findings, all expected or warnings`);
  });
});
