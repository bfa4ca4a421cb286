import { describe, expect, it } from 'vitest';
import { formatText, lockText, renderBlock } from '../../src/report/text.js';
import { expectGolden } from './golden.js';
import { PASSING, RUN } from './fixture.js';

const ESC = '\u001b[';

describe('text reporter', () => {
  it('verbose renders every file, the report of every finding and the summary (golden)', () => {
    expectGolden('run.txt', formatText(RUN, { color: false, quiet: false, verbose: true }));
  });

  it('by default, an expected finding is one line; unexpected ones keep their report (golden)', () => {
    const out = formatText(RUN, { color: false, quiet: false });
    expectGolden('run-default.txt', out);
    // The expected recursive locking: its header line, no lockdep banner.
    expect(out).toContain('[recursive-locking] (expected)\n');
    expect(out).not.toContain('WARNING: possible recursive locking detected');
    // The unexpected error that fails userptr.yaml, and the unexpected warning, in full.
    expect(out).toContain('WARNING: possible circular locking dependency detected');
    expect(out).toContain('WARNING: lock taken between reservations');
    // A passing file with nothing unexpected has no line; one with an unexpected warning does.
    expect(out).not.toContain('PASS fixtures/clean.yaml');
    expect(out).toContain('PASS fixtures/aa.yaml (aa): 2 findings, all expected or warnings');
    expect(out).toContain('FAIL fixtures/userptr.yaml');
    expect(out).toContain('ERROR fixtures/bad.yaml');
  });

  it('--quiet keeps only failing files, unexpected errors, unmet expectations and input errors (golden)', () => {
    const out = formatText(RUN, { color: false, quiet: true });
    expectGolden('run-quiet.txt', out);
    expect(out).not.toContain('PASS');
    expect(out).not.toContain('recursive locking');
    expect(out).toContain('expectation unmet');
  });

  it('verbose ends with a check mark when everything passed (golden)', () => {
    const out = formatText(PASSING, { color: false, quiet: false, verbose: true });
    expectGolden('passing.txt', out);
    expect(out.trimEnd().split('\n').at(-1)).toBe('✔ 2 files: 2 passed, 0 failed, 0 errors; 2 findings');
  });

  it('quiet wins over verbose', () => {
    expect(formatText(RUN, { color: false, quiet: true, verbose: true })).toBe(formatText(RUN, { color: false, quiet: true }));
  });

  it('quiet on a passing run prints only the summary', () => {
    expect(formatText(PASSING, { color: false, quiet: true })).toBe('✔ 2 files: 2 passed, 0 failed, 0 errors; 2 findings\n');
  });

  it('a library (only included by other files) has its line with --verbose only', () => {
    const library = { file: 'lib/helpers.yaml', scenario: 'helpers', status: 'library', findings: [], unmet: [], errors: [] } as const;
    const run = { results: [...PASSING.results, library], summary: { ...PASSING.summary, files: 3, libraries: 1 } };
    const line = 'LIBRARY lib/helpers.yaml (helpers): only included by other files, not checked alone';
    expect(formatText(run, { color: false, quiet: false, verbose: true })).toContain(`${line}\n`);
    for (const quiet of [false, true]) expect(formatText(run, { color: false, quiet })).not.toContain('LIBRARY');
  });

  it('is deterministic', () => {
    expect(formatText(RUN, { color: false, quiet: false })).toBe(formatText(RUN, { color: false, quiet: false }));
  });

  it('puts the CPU1 column where lockdep does (column 31)', () => {
    const lines = renderBlock({
      kind: 'scenario',
      title: ' Possible unsafe locking scenario:',
      columns: ['CPU0', 'CPU1'],
      rows: [
        ['lock(A);', ''],
        ['', 'lock(B);'],
      ],
    });
    expect(lines).toEqual([
      ' Possible unsafe locking scenario:',
      '',
      '       CPU0                    CPU1',
      '       ----                    ----',
      '  lock(A);',
      '                               lock(B);',
    ]);
    expect(lines[5].indexOf('lock(B)')).toBe(31);
    expect(lines[2].indexOf('CPU1')).toBe(31);
  });

  it('shows a lock instance where lockdep shows the pointer', () => {
    const at = { file: 'a.yaml', line: 3, column: 7, step: 'lock: dma_resv[bo_a]' };
    expect(lockText({ name: 'dma_resv', lockdep: 'reservation_ww_class_mutex', instance: 'bo_a', usage: '{+.+.}', wait: '{4:4}', at })).toBe(
      'dma_resv[bo_a] (reservation_ww_class_mutex){+.+.}-{4:4}, at: a.yaml:3:7 lock: dma_resv[bo_a]',
    );
    expect(lockText({ name: 'A', lockdep: 'A', instance: null, usage: '{+.+.}', wait: '{4:4}', at: null })).toBe('(A){+.+.}-{4:4}');
  });

  it('counts held locks like lockdep', () => {
    const l = { name: 'A', lockdep: '&a->lock', instance: null, usage: '{+.+.}', wait: '{4:4}', at: null };
    expect(renderBlock({ kind: 'held', owner: 't/1', locks: [l] })).toEqual(['1 lock held by t/1:', ' #0: (&a->lock){+.+.}-{4:4}']);
    expect(renderBlock({ kind: 'held', owner: 't/1', locks: [l, l] })[0]).toBe('2 locks held by t/1:');
    expect(renderBlock({ kind: 'held', owner: 't/1', locks: [] })).toEqual(['no locks held by t/1.']);
  });

  it('colours only when asked', () => {
    const plain = formatText(RUN, { color: false, quiet: false, verbose: true });
    const coloured = formatText(RUN, { color: true, quiet: false, verbose: true });
    expect(plain).not.toContain(ESC);
    expect(coloured).toContain(`${ESC}31merror${ESC}39m`);
    expect(coloured).toContain(`${ESC}33mwarning${ESC}39m`);
    expect(coloured).toContain(`${ESC}32mPASS${ESC}39m`);
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });
});
