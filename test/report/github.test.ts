import { describe, expect, it } from 'vitest';
import type { Finding, RunResult } from '../../src/model/finding.js';
import { commandData, commandProperty } from '../../src/report/escape.js';
import { formatGithub, githubCommands, workflowCommand } from '../../src/report/github.js';
import { expectGolden } from './golden.js';
import { ABSOLUTE_RUN, CI_RUN, CWD, OPTS } from './fixture-ci.js';
import { PASSING } from './fixture.js';

/** The runner's reading of a workflow command line (actions/runner ActionCommand.TryParseV2). */
function parseCommand(line: string): { command: string; props: Record<string, string>; data: string } | null {
  const m = /^::([a-z-]+)(?: ([^:]*(?::(?!:)[^:]*)*))?::(.*)$/.exec(line);
  if (!m) return null;
  const unData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const unProp = (s: string) => unData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));
  const props: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    props[pair.slice(0, eq)] = unProp(pair.slice(eq + 1));
  }
  return { command: m[1]!, props, data: unData(m[3]!) };
}

/** A run of one failing file with `errors` unexpected error findings and `warnings` warnings. */
function many(errors: number, warnings: number): RunResult {
  const base = CI_RUN.results[0]!.findings[0]!;
  const findings: Finding[] = [];
  for (let i = 0; i < errors; i++) findings.push({ ...base, location: { ...base.location, line: 100 + i }, lockdep: [`e${i}`] });
  for (let i = 0; i < warnings; i++) findings.push({ ...base, severity: 'warn', location: { ...base.location, line: 500 + i }, lockdep: [`w${i}`] });
  return {
    results: [{ file: 'fixtures/big.yaml', scenario: 'big', status: 'fail', findings, unmet: [], errors: [] }],
    summary: { files: 1, passed: 0, failed: 1, errors: 0, findings: findings.length },
  };
}

describe('github reporter', () => {
  it('renders the run (golden)', () => {
    expectGolden('run.github.txt', formatGithub(CI_RUN, OPTS));
  });

  it('annotates unexpected errors, unmet expectations and input errors as ::error, warnings as ::warning, not expected findings', () => {
    const cmds = githubCommands(CI_RUN, CWD).map((l) => parseCommand(l)!);
    expect(cmds.map((c) => [c.command, c.props.file, c.props.line, c.props.col, c.props.title])).toEqual([
      ['error', 'fixtures/userptr.yaml', '31', '13', 'WARNING: possible circular locking dependency detected [circular-dependency]'],
      ['error', 'fixtures/userptr.yaml', '45', '5', 'expectation unmet [sleep-in-atomic]'],
      ['warning', 'fixtures/aa.yaml', '12', '9', 'WARNING: lock taken between reservations [ww-lock-between-reservations]'],
      ['error', 'fixtures/bad.yaml', '3', '1', 'fencedep: input error'],
      ['error', 'fixtures/bad.yaml', undefined, undefined, 'fencedep: input error'],
    ]);
    expect(cmds[0]!.data.split('\n')).toEqual([
      'possible circular locking dependency: fs_reclaim -> mmu_notifier_invalidate_range_start -> dma_fence_map -> fs_reclaim',
      'pattern: alloc-in-signalling (fencedep explain alloc-in-signalling)',
      expect.stringMatching(/^remedy: Allocate before the fence is published/),
      'path: "scheduler run_job"',
    ]);
    expect(formatGithub(CI_RUN, OPTS)).not.toContain('recursive');
  });

  it('escapes % and LF in the message (a CR is visible text), and also : , in properties', () => {
    expect(commandData('100% done\r\nnext: a,b')).toBe('100%25 done\\r%0Anext: a,b');
    expect(commandProperty('100% done\r\nnext: a,b')).toBe('100%25 done\\r\\nnext%3A a%2Cb');
    const line = workflowCommand({ level: 'error', file: 'dir,x/a:b%.yaml', line: 3, col: 4, title: 'T: 1, 2', message: 'm::n\n%0A' });
    expect(line).toBe('::error file=dir%2Cx/a%3Ab%25.yaml,line=3,col=4,title=T%3A 1%2C 2::m::n%0A%250A');
    // and the runner reads back exactly what was meant
    expect(parseCommand(line)).toEqual({ command: 'error', props: { file: 'dir,x/a:b%.yaml', line: '3', col: '4', title: 'T: 1, 2' }, data: 'm::n\n%0A' });
  });

  it('round-trips every annotation of a hostile finding', () => {
    const f = CI_RUN.results[0]!.findings[0]!;
    const hostile: Finding = { ...f, message: 'a%b\r\nc::d, e', heading: 'T: x, y%', location: { ...f.location, file: 'fixtures/we,ird:name.yaml' } };
    const run: RunResult = { ...CI_RUN, results: [{ ...CI_RUN.results[0]!, findings: [hostile], unmet: [] }] };
    const [cmd] = githubCommands(run, CWD).map((l) => parseCommand(l)!);
    expect(cmd!.props).toMatchObject({ file: 'fixtures/we,ird:name.yaml', title: 'T: x, y% [circular-dependency]' });
    expect(cmd!.data.startsWith('a%b\\r\nc::d, e\n')).toBe(true); // a CR is visible, a LF the message's
    expect(githubCommands(run, CWD).every((l) => !/[\r\n]/.test(l))).toBe(true);
  });

  it('caps annotations at 10 errors and 10 warnings, then says how many more and where to read them', () => {
    const lines = githubCommands(many(25, 13), CWD);
    expect(lines.filter((l) => l.startsWith('::error ')).length).toBe(10);
    expect(lines.filter((l) => l.startsWith('::warning ')).length).toBe(10);
    expect(lines.at(-1)).toMatch(/^::notice title=fencedep%3A annotations capped::15 more errors and 3 more warnings not annotated/);
    expect(parseCommand(lines.at(-1)!)!.data).toContain('--format sarif');
    expect(parseCommand(lines.at(-1)!)!.data).toContain('--format markdown');
    // the first ten of each, in order
    expect(lines.filter((l) => l.startsWith('::error ')).map((l) => parseCommand(l)!.props.line)).toEqual(
      Array.from({ length: 10 }, (_, i) => String(100 + i)),
    );
  });

  it('does not add a notice under the cap, and honours other limits', () => {
    expect(githubCommands(many(10, 10), CWD).some((l) => l.startsWith('::notice'))).toBe(false);
    const lines = githubCommands(many(3, 0), CWD, { maxErrors: 2, maxWarnings: 2 });
    expect(lines.at(-1)).toMatch(/::1 more error not annotated/);
  });

  it('makes file names relative to the working directory', () => {
    expect(formatGithub(ABSOLUTE_RUN, OPTS)).toBe(formatGithub(CI_RUN, OPTS));
  });

  it('on a passing run, annotates only the unexpected warning, then the summary line', () => {
    expect(formatGithub(PASSING, OPTS).split('\n')).toEqual([
      expect.stringMatching(/^::warning file=fixtures\/aa.yaml,line=12,col=9,/),
      '✔ 2 files: 2 passed, 0 failed, 0 errors; 2 findings',
      '',
    ]);
    const clean: RunResult = { results: [PASSING.results[1]!], summary: { files: 1, passed: 1, failed: 0, errors: 0, findings: 0 } };
    expect(formatGithub(clean, OPTS)).toBe('✔ 1 file: 1 passed, 0 failed, 0 errors; 0 findings\n');
  });
});
