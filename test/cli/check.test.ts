/**
 * End to end through the loader and the replay: exit codes 0/1/2, reports of mixed
 * directories, JSON, --output, --quiet, colour, determinism.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { c, cli, NO_STACK } from './helpers.js';

const ESC = '\u001b[';

describe('fencedep check: exit codes', () => {
  it('0 when every file passes (yaml, json, jsonl; expected findings and clean)', async () => {
    const r = await cli(['--verbose', c('good')]);
    expect(r.err).toBe('');
    expect(r.out).toContain(`PASS ${c('good', 'abba-expected.yaml')} (abba-expected)`);
    expect(r.out).toContain(`PASS ${c('good', 'ordered.yaml')} (ordered)`);
    expect(r.out).toContain(`PASS ${c('good', 'trace.jsonl')} (trace)`);
    expect(r.out).toContain(`PASS ${c('good', 'trace-expected.jsonl')} (abba-stream)`);
    expect(r.out).toContain('(expected)');
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^✔ 4 files: 4 passed, 0 failed, 0 errors; 2 findings$/);
    expect(r.code).toBe(0);
  });

  it('check is the default command', async () => {
    const bare = await cli([c('good')]);
    const explicit = await cli(['check', c('good')]);
    expect(bare).toEqual(explicit);
  });

  it('1 when a file has an unexpected finding', async () => {
    const r = await cli([c('fail', 'abba.yaml')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/: error: .* \[circular-dependency\]/);
    expect(r.out).toContain('WARNING: possible circular locking dependency detected');
    expect(r.out).toContain(`FAIL ${c('fail', 'abba.yaml')} (abba): 1 finding, 1 unexpected`);
  });

  it('1 when an expectation is unmet, listing it with its location', async () => {
    const r = await cli([c('fail', 'unmet.yaml')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`FAIL ${c('fail', 'unmet.yaml')} (unmet): 0 findings, 0 unexpected, 1 expectation unmet`);
    expect(r.out).toMatch(/unmet\.yaml:\d+:\d+: expectation unmet: circular-dependency involving A, B/);
  });

  it('1 for an inversion in a JSON Lines stream', async () => {
    const r = await cli(['--format', 'json', c('fail', 'abba.jsonl')]);
    expect(r.code).toBe(1);
    const [result] = JSON.parse(r.out).results;
    expect(result.status).toBe('fail');
    expect(result.findings.map((f: { rule: string }) => f.rule)).toEqual(['circular-dependency']);
    expect([...result.findings[0].locks].sort()).toEqual(['A', 'B']);
  });

  it('2 for a directory mixing good and bad files; the good ones are still reported (--verbose)', async () => {
    const r = await cli(['--verbose', c('mixed')]);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`PASS ${c('mixed', 'a-good.yaml')}`);
    expect(r.out).toContain(`PASS ${c('mixed', 'c-good.json')} (json-clean)`);
    expect(r.out).toMatch(/b-bad\.yaml:3:1: error: .*lokcs.*\(did you mean "locks"\?\)/);
    expect(r.out).toContain(`ERROR ${c('mixed', 'b-bad.yaml')}`);
    expect(r.out).not.toContain('notes.txt');
    expect(r.out).toContain('✖ 3 files: 2 passed, 0 failed, 1 error');
    expect(r.out).not.toMatch(NO_STACK);
  });

  it('2 for a stream whose options come after its first event, with the line', async () => {
    const r = await cli([c('errors', 'late-options.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`${c('errors', 'late-options.jsonl')}:3:1: error: the stream's options`);
  });

  it('2 wins over 1', async () => {
    const r = await cli([c('fail', 'abba.yaml'), c('mixed')]);
    expect(r.code).toBe(2);
  });

  it('results follow the input order, directories expanded in byte order', async () => {
    const r = await cli(['--format', 'json', c('mixed'), c('good', 'ordered.yaml'), c('fail')]);
    const files = JSON.parse(r.out).results.map((x: { file: string }) => x.file);
    expect(files).toEqual([
      c('mixed', 'a-good.yaml'),
      c('mixed', 'b-bad.yaml'),
      c('mixed', 'c-good.json'),
      c('good', 'ordered.yaml'),
      c('fail', 'abba.jsonl'),
      c('fail', 'abba.yaml'),
      c('fail', 'unmet.yaml'),
    ]);
  });
});

describe('fencedep check: output', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'fencedep-out-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('JSON is byte-identical across runs', async () => {
    const args = ['--format', 'json', c('good'), c('fail'), c('mixed')];
    const a = await cli(args);
    const b = await cli(args);
    expect(a.out).toBe(b.out);
    const report = JSON.parse(a.out);
    expect(report.version).toBe(1);
    expect(report.summary).toEqual({ files: 10, passed: 6, failed: 3, errors: 1, findings: 4 });
    const expected = report.results.find((x: { scenario: string }) => x.scenario === 'abba-expected');
    expect(expected.findings[0]).toMatchObject({ rule: 'circular-dependency', severity: 'error', expected: true });
  });

  it('--output writes the report to a file and nothing to stdout', async () => {
    const file = path.join(tmp, 'report.json');
    const r = await cli(['--format', 'json', '-o', file, c('fail', 'abba.yaml')], { env: { FORCE_COLOR: '0' }, isTTY: true });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(JSON.parse(readFileSync(file, 'utf8')).results[0].status).toBe('fail');
  });

  it('--output text has no colour even from a terminal', async () => {
    const file = path.join(tmp, 'report.txt');
    await cli(['-o', file, c('fail', 'abba.yaml')], { isTTY: true });
    expect(readFileSync(file, 'utf8')).not.toContain(ESC);
  });

  it('--quiet prints only failing files and the summary', async () => {
    const r = await cli(['--quiet', c('good'), c('fail', 'abba.yaml')]);
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('PASS');
    expect(r.out).not.toContain('(expected)');
    expect(r.out).toContain('FAIL');
    const q = await cli(['--quiet', c('good')]);
    expect(q.out).toBe('✔ 4 files: 4 passed, 0 failed, 0 errors; 2 findings\n');
  });

  it('colour: on a terminal, off with NO_COLOR or --no-color, forced with FORCE_COLOR', async () => {
    const target = [c('fail', 'abba.yaml')];
    expect((await cli(target, { isTTY: true })).out).toContain(ESC);
    expect((await cli(target, { isTTY: false })).out).not.toContain(ESC);
    expect((await cli(target, { isTTY: true, env: { NO_COLOR: '1' } })).out).not.toContain(ESC);
    expect((await cli(['--no-color', ...target], { isTTY: true })).out).not.toContain(ESC);
    expect((await cli(target, { isTTY: false, env: { FORCE_COLOR: '1' } })).out).toContain(ESC);
    expect((await cli(['--no-color', ...target], { env: { FORCE_COLOR: '1' } })).out).not.toContain(ESC);
  });

  it('--kernel and --fence-model are accepted and override the scenario', async () => {
    const r = await cli(['--kernel', '5.10', '--fence-model', 'precise', c('good')]);
    expect(r.code).toBe(0);
  });

  it('--fence-model precise: an expectation involving dma_fence_map meets the fence\'s own class (fence:F)', async () => {
    const file = 'fixtures/seeds/userptr-job-allocates.yaml';
    const r = await cli(['--no-config', '--format', 'json', '--fence-model', 'precise', file]);
    const result = JSON.parse(r.out).results[0];
    expect(result.findings.some((f: { locks: string[] }) => f.locks.some((l) => l.startsWith('fence:')))).toBe(true);
    expect(result.unmet).toEqual([]);
    expect(r.code).toBe(0);
    // Every bundled fixture keeps its verdict under either fence model.
    expect((await cli(['--no-config', '--quiet', '--fence-model', 'precise', 'fixtures'])).code).toBe(0);
  });
});
