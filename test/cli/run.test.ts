/** The orchestration's pure parts: input expansion and the expectation gate. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyExpectations, matches } from '../../src/analyze/expectations.js';
import { summarize } from '../../src/analyze/index.js';
import { defaultScenarioName, expandInputs } from '../../src/check/run.js';
import type { FileResult, Finding } from '../../src/model/finding.js';
import type { Expectation, LockDecl } from '../../src/model/scenario.js';

describe('expandInputs', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'fencedep-expand-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const touch = (rel: string) => {
    mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    writeFileSync(path.join(tmp, rel), '');
  };
  for (const f of ['b.yaml', 'a-c.yml', 'a/z.json', 'a/B.jsonl', 'a/x.txt', '.hidden/h.yaml', 'node_modules/m.yaml', 'é.yaml', 'Z.yaml'])
    touch(f);
  symlinkSync(path.join(tmp, 'a'), path.join(tmp, 'link-to-a'));
  symlinkSync(tmp, path.join(tmp, 'a', 'loop')); // a loop: not followed
  symlinkSync(path.join(tmp, 'nowhere'), path.join(tmp, 'dangling.yaml')); // skipped

  it('walks directories recursively in byte order, skipping hidden entries, node_modules and loops', async () => {
    const files = (await expandInputs([tmp])).map((x) => path.relative(tmp, x.file));
    expect(files).toEqual(['Z.yaml', 'a-c.yml', 'a/B.jsonl', 'a/z.json', 'b.yaml', 'link-to-a/B.jsonl', 'link-to-a/z.json', 'é.yaml']);
  });

  it('takes files as given, in input order, and reports missing paths', async () => {
    const got = await expandInputs([path.join(tmp, 'a/x.txt'), path.join(tmp, 'missing.yaml'), path.join(tmp, 'b.yaml')]);
    expect(got).toEqual([
      { file: path.join(tmp, 'a/x.txt') },
      { file: path.join(tmp, 'missing.yaml'), error: 'no such file or directory' },
      { file: path.join(tmp, 'b.yaml') },
    ]);
  });

  it('names a scenario after its file', () => {
    expect(defaultScenarioName('fixtures/abba.yaml')).toBe('abba');
    expect(defaultScenarioName('x/trace.jsonl')).toBe('trace');
    expect(defaultScenarioName('README')).toBe('README');
  });
});

const loc = { file: 'f.yaml', line: 1, column: 1 };

function finding(rule: string, locks: string[], lockdep = locks, over: Partial<Finding> = {}): Finding {
  return {
    rule,
    severity: 'error',
    message: rule,
    expected: false,
    path: 'p',
    locks,
    lockdep,
    location: loc,
    chain: [],
    heading: '',
    report: [],
    ...over,
  };
}

const exp = (rule: string, involves: string[], pathName: string | null = null, line = 10): Expectation => ({
  rule,
  involves,
  path: pathName,
  loc: { file: 'f.yaml', line, column: 5 },
});

const decls = new Map<string, LockDecl>([
  ['bo', { name: 'bo', type: 'ww_mutex', lockdep: 'reservation_ww_class_mutex', wwClass: 'reservation_ww_class', loc }],
  ['vm->lock', { name: 'vm->lock', type: 'mutex', lockdep: '&vm->lock', loc }],
]);
const lookup = (n: string) => decls.get(n);

describe('expectations', () => {
  const cycle = finding('circular-dependency', ['vm->lock', 'bo', 'fs_reclaim'], ['&vm->lock', 'reservation_ww_class_mutex', 'fs_reclaim']);

  it('matches by scenario name, lockdep name and ww class', () => {
    expect(matches(exp('circular-dependency', ['vm->lock', 'fs_reclaim']), cycle, lookup)).toBe(true);
    expect(matches(exp('circular-dependency', ['&vm->lock']), cycle, lookup)).toBe(true);
    expect(matches(exp('circular-dependency', ['reservation_ww_class_mutex']), cycle, lookup)).toBe(true);
    expect(matches(exp('circular-dependency', ['reservation_ww_class']), cycle, lookup)).toBe(true);
    expect(matches(exp('circular-dependency', ['bo', 'dma_fence_map']), cycle, lookup)).toBe(false);
    expect(matches(exp('recursive-locking', ['bo']), cycle, lookup)).toBe(false);
  });

  it('matches subclass and instance forms of a lock by their class', () => {
    const aa = finding('recursive-locking', ['bo/1'], ['reservation_ww_class_mutex/1']);
    expect(matches(exp('recursive-locking', ['bo']), aa, lookup)).toBe(true);
    expect(matches(exp('recursive-locking', ['reservation_ww_class_mutex']), aa, lookup)).toBe(true);
  });

  it('dma_fence_map also names a fence\'s precise class (fence:F), not a declared lock of that spelling', () => {
    const precise = finding('circular-dependency', ['vm->lock', 'fence:job'], ['&vm->lock', 'fence:job']);
    expect(matches(exp('circular-dependency', ['vm->lock', 'dma_fence_map']), precise, lookup)).toBe(true);
    expect(matches(exp('circular-dependency', ['fence:job']), precise, lookup)).toBe(true);
    const declared = new Map([...decls, ['fence:x', { name: 'fence:x', type: 'mutex', lockdep: 'fence:x', loc } as LockDecl]]);
    const named = finding('circular-dependency', ['vm->lock', 'fence:x']);
    expect(matches(exp('circular-dependency', ['dma_fence_map']), named, (n) => declared.get(n))).toBe(false);
  });

  it('checks the path when given', () => {
    expect(matches(exp('circular-dependency', ['bo'], 'p'), cycle, lookup)).toBe(true);
    expect(matches(exp('circular-dependency', ['bo'], 'q'), cycle, lookup)).toBe(false);
  });

  it('passes when every error finding is expected and every expectation met', () => {
    const v = applyExpectations([cycle], [exp('circular-dependency', ['bo'])], lookup);
    expect(v.passed).toBe(true);
    expect(v.findings[0].expected).toBe(true);
    expect(v.unmet).toEqual([]);
  });

  it('fails on an unexpected error finding, not on a warning', () => {
    const warn = finding('ww-lock-between-reservations', ['vm->lock'], ['&vm->lock'], { severity: 'warn' });
    const v = applyExpectations([cycle, warn], [exp('circular-dependency', ['bo'])], lookup);
    expect(v.passed).toBe(true);
    expect(v.findings.map((f) => f.expected)).toEqual([true, false]);
    const w = applyExpectations([cycle, warn, finding('sleep-in-atomic', [])], [exp('circular-dependency', ['bo'])], lookup);
    expect(w.passed).toBe(false);
  });

  it('reports each unmet expectation with its location', () => {
    const v = applyExpectations([cycle], [exp('circular-dependency', ['bo']), exp('sleep-in-atomic', [], 'oom', 12)], lookup);
    expect(v.passed).toBe(false);
    expect(v.unmet).toEqual([{ rule: 'sleep-in-atomic', involves: [], path: 'oom', location: { file: 'f.yaml', line: 12, column: 5 } }]);
  });

  it('no expect and expect: clean pass only without error findings', () => {
    for (const e of [null, 'clean'] as const) {
      expect(applyExpectations([], e, lookup).passed).toBe(true);
      expect(applyExpectations([cycle], e, lookup).passed).toBe(false);
      expect(applyExpectations([finding('x', [], [], { severity: 'warn' })], e, lookup).passed).toBe(true);
    }
  });

  it('summarises a run', () => {
    const r = (status: FileResult['status'], n: number): FileResult => ({
      file: 'f',
      scenario: 's',
      status,
      findings: Array.from({ length: n }, () => cycle),
      unmet: [],
      errors: [],
    });
    expect(summarize([r('pass', 1), r('fail', 2), r('error', 0), r('pass', 0)]).summary).toEqual({
      files: 4,
      passed: 2,
      failed: 1,
      errors: 1,
      findings: 3,
    });
  });
});
