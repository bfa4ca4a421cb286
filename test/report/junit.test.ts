import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { checkInputs } from '../../src/check/run.js';
import type { Finding, RunResult } from '../../src/model/finding.js';
import { xmlAttr as escapeAttr, xmlText as escapeText } from '../../src/report/escape.js';
import { formatJunit } from '../../src/report/junit.js';
import { expectGolden } from './golden.js';
import { ABSOLUTE_RUN, CI_RUN, OPTS } from './fixture-ci.js';
import { PASSING } from './fixture.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Validate (well-formedness) and parse; attributes as `@_name`, element text as `#text`. */
function parse(xml: string): Json {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`invalid XML: ${JSON.stringify(valid.err)}`);
  return new XMLParser({ ignoreAttributes: false, parseAttributeValue: false, trimValues: false, processEntities: true }).parse(xml);
}

/** The counts a dashboard reads, and what the testcases themselves say. */
function counts(xml: string) {
  const doc = parse(xml);
  const suites = asArray(doc.testsuites.testsuite);
  const cases = suites.flatMap((s: Json) => asArray(s.testcase));
  return {
    top: { tests: doc.testsuites['@_tests'], failures: doc.testsuites['@_failures'], errors: doc.testsuites['@_errors'] },
    suites: suites.map((s: Json) => ({ name: s['@_name'], tests: s['@_tests'], failures: s['@_failures'], errors: s['@_errors'] })),
    cases: cases.length,
    failed: cases.filter((c: Json) => c.failure !== undefined).length,
    errored: cases.filter((c: Json) => c.error !== undefined).length,
    failureElements: cases.reduce((n: number, c: Json) => n + asArray(c.failure).length, 0),
    doc,
    allCases: cases,
  };
}

describe('junit reporter', () => {
  it('renders the run (golden)', () => {
    expectGolden('run.junit.xml', formatJunit(CI_RUN, OPTS));
  });

  it('parses as XML and counts files as tests, failed files as failures, input-error files as errors', () => {
    const c = counts(formatJunit(CI_RUN, OPTS));
    expect(c.top).toEqual({ tests: '4', failures: '1', errors: '1' });
    expect(c.suites).toEqual([{ name: 'fencedep', tests: '4', failures: '1', errors: '1' }]);
    expect(c.cases).toBe(4);
    expect(c.failed).toBe(1);
    expect(c.errored).toBe(1);
    // one <failure> per unexpected finding and per unmet expectation
    expect(c.failureElements).toBe(2);
    const [fail, pass, clean, bad] = c.allCases;
    expect(fail['@_name']).toBe('fixtures/userptr.yaml');
    expect(fail['@_classname']).toBe('fixtures');
    const failures = asArray(fail.failure);
    expect(failures.map((f: Json) => f['@_type'])).toEqual(['circular-dependency', 'unmet-expectation']);
    expect(failures[0]['@_message']).toBe(
      'fixtures/userptr.yaml:31:13: possible circular locking dependency: fs_reclaim -> mmu_notifier_invalidate_range_start -> dma_fence_map -> fs_reclaim [circular-dependency]',
    );
    const body = failures[0]['#text'] as string;
    expect(body).toContain('WARNING: possible circular locking dependency detected');
    expect(body).toContain('pattern: alloc-in-signalling');
    expect(body).toContain('remedy: Allocate before the fence is published');
    expect(body).toContain('<fencedep>/rules/kernel/reclaim.yaml:40:9  mmu_notifier_invalidate_range_start');
    expect(failures[1]['@_message']).toBe('fixtures/userptr.yaml:45:5: expectation unmet: sleep-in-atomic on path "oom reaper"');
    // passing files are testcases too; the expected finding and the warning are kept in system-out
    expect(pass.failure).toBeUndefined();
    expect(pass['system-out']).toContain('[recursive-locking] (expected)');
    expect(pass['system-out']).toContain('warning: lock vm->lock taken');
    expect(clean['@_name']).toBe('fixtures/clean.yaml');
    expect(asArray(bad.error)[0]['@_type']).toBe('input-error');
    expect(asArray(bad.error)[0]['#text']).toContain('fixtures/bad.yaml: error: not valid YAML');
  });

  it('counts the bundled fixtures: every file a passing testcase', async () => {
    const run = await checkInputs(['fixtures']);
    const c = counts(formatJunit(run, OPTS));
    expect(c.top).toEqual({ tests: String(run.summary.files), failures: '0', errors: '0' });
    expect(c.cases).toBe(run.summary.files);
    expect(c.failed + c.errored).toBe(0);
  });

  it('keeps tests = passed + failures + errors on every run', () => {
    for (const run of [CI_RUN, PASSING]) {
      const c = counts(formatJunit(run, OPTS));
      expect(Number(c.top.tests)).toBe(run.summary.passed + run.summary.failed + run.summary.errors);
      expect(Number(c.top.failures)).toBe(run.summary.failed);
      expect(Number(c.top.errors)).toBe(run.summary.errors);
    }
  });

  it('escapes markup, quotes and line breaks, and writes the control characters XML 1.0 forbids as text', () => {
    expect(escapeText('a<b>&c]]>')).toBe('a&lt;b&gt;&amp;c]]&gt;');
    expect(escapeAttr(`"it's"\n\t<x>`)).toBe('&quot;it&apos;s&quot;\\n\\t&lt;x&gt;');
    expect(escapeText('bell\u0007 esc\u001b nul\u0000 tab\t ok')).toBe('bell\\u0007 esc\\u001B nul\\u0000 tab\t ok');
    expect(escapeText('lone \uD800 pair \uD83D\uDE00 \uFFFE')).toBe('lone \\uD800 pair \uD83D\uDE00 \\uFFFE');

    const f = CI_RUN.results[0]!.findings[0]!;
    const hostile: Finding = { ...f, message: 'cycle <a> & "b" \u0001\u001b[31m ]]> \uDC00', path: "it's" };
    const run: RunResult = {
      results: [{ ...CI_RUN.results[0]!, file: 'fixtures/a&b <c>.yaml', scenario: 'x"y', findings: [hostile], unmet: [] }],
      summary: { files: 1, passed: 0, failed: 1, errors: 0, findings: 1 },
    };
    const xml = formatJunit(run, OPTS);
    const c = counts(xml);
    expect(c.top).toEqual({ tests: '1', failures: '1', errors: '0' });
    const tc = c.allCases[0];
    expect(tc['@_name']).toBe('fixtures/a&b <c>.yaml');
    expect(asArray(tc.failure)[0]['@_message']).toBe(
      'fixtures/userptr.yaml:31:13: cycle <a> & "b" \\u0001\\u001B[31m ]]> \\uDC00 [circular-dependency]',
    );
    // eslint-disable-next-line no-control-regex
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  it('makes file names relative to the working directory', () => {
    expect(formatJunit(ABSOLUTE_RUN, OPTS)).toBe(formatJunit(CI_RUN, OPTS));
  });

  it('is deterministic and ignores --quiet (dashboards count the passing files)', () => {
    expect(formatJunit(CI_RUN, OPTS)).toBe(formatJunit(CI_RUN, OPTS));
    expect(formatJunit(CI_RUN, { ...OPTS, quiet: true })).toBe(formatJunit(CI_RUN, OPTS));
  });

  it('writes an empty suite for an empty run', () => {
    const xml = formatJunit({ results: [], summary: { files: 0, passed: 0, failed: 0, errors: 0, findings: 0 } }, OPTS);
    expect(counts(xml).top).toEqual({ tests: '0', failures: '0', errors: '0' });
  });
});
