import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/report/json.js';
import { TOOL } from '../../src/report/tool.js';
import { expectGolden } from './golden.js';
import { RUN } from './fixture.js';

const opts = { color: false, quiet: false };

/** The golden file does not change with the package version. */
const normalise = (s: string) => s.replace(`"version": "${TOOL.version}"`, '"version": "<version>"');

describe('json reporter', () => {
  it('follows the contract (golden)', () => {
    expectGolden('run.json', normalise(formatJson(RUN, opts)));
  });

  it('is byte-identical across runs, 2-space indented, newline-terminated', () => {
    const a = formatJson(RUN, opts);
    expect(a).toBe(formatJson(RUN, opts));
    expect(a.endsWith('}\n')).toBe(true);
    expect(a.split('\n')[1]).toBe('  "version": 1,');
  });

  it('reads the tool version from package.json', () => {
    const report = JSON.parse(formatJson(RUN, opts));
    expect(report.tool).toEqual({ name: 'fencedep', version: TOOL.version });
    expect(TOOL.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('orders the fields as the contract does and keeps internal blocks out', () => {
    const report = JSON.parse(formatJson(RUN, opts));
    expect(Object.keys(report)).toEqual(['version', 'tool', 'results', 'summary']);
    const [fail, pass, , error] = report.results;
    expect(Object.keys(fail)).toEqual(['file', 'scenario', 'status', 'findings', 'errors', 'unmet']);
    expect(Object.keys(fail.findings[0])).toEqual([
      'rule', 'severity', 'message', 'expected', 'path', 'locks', 'lockdep', 'pattern', 'location', 'chain',
    ]);
    // no pattern: no key
    expect(Object.keys(pass.findings[0])).not.toContain('pattern');
    expect(Object.keys(fail.findings[0].chain[0])).toEqual(['from', 'to', 'path', 'location', 'stack']);
    expect(Object.keys(fail.findings[0].chain[0].stack[0])).toEqual(['file', 'line', 'column', 'step']);
    expect(error.errors[1]).toEqual({ message: 'not valid YAML', file: 'fixtures/bad.yaml' });
    expect(fail.unmet).toEqual([
      { rule: 'sleep-in-atomic', involves: [], path: 'oom reaper', location: { file: 'fixtures/userptr.yaml', line: 45, column: 5 } },
    ]);
    expect(report.summary).toEqual({ files: 4, passed: 2, failed: 1, errors: 1, findings: 3 });
    expect(JSON.stringify(report)).not.toMatch(/"heading"|"report"/);
  });

  it('ignores --quiet (the JSON report is a contract)', () => {
    expect(formatJson(RUN, { color: false, quiet: true })).toBe(formatJson(RUN, opts));
  });
});
