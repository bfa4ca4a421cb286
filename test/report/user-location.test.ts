/**
 * A finding whose own step lies in the built-in kernel model (`<fencedep>/rules/…`) is
 * annotated (GitHub) and located (SARIF) at the step of the checked file that led into the
 * model, a file code scanning can resolve; the model's line stays in the message and in the
 * related locations.
 */
import { describe, expect, it } from 'vitest';
import type { Finding, RunResult } from '../../src/model/finding.js';
import { userLocation } from '../../src/report/findings.js';
import { githubCommands } from '../../src/report/github.js';
import { sarifLog } from '../../src/report/sarif.js';
import { parseCommand } from '../hostile/escape-helpers.js';
import { CI_RUN, CWD } from './fixture-ci.js';

const MODEL = '<fencedep>/rules/kernel/reclaim.yaml';
const base = CI_RUN.results[0]!.findings[0]!;
// The kswapd dependency of the fixture's chain is recorded in the model: make it the finding's own step.
const kswapd = base.chain.find((c) => c.location.file === MODEL)!;
const inModel: Finding = { ...base, path: kswapd.path, location: kswapd.location, chain: [kswapd, ...base.chain.filter((c) => c !== kswapd)] };
const user = { ...kswapd.stack[0]!, file: 'fixtures/userptr.yaml', line: 12, column: 7, step: 'call: shrink' };
const called: Finding = { ...inModel, chain: [{ ...kswapd, stack: [user, ...kswapd.stack] }, ...inModel.chain.slice(1)] };
const runOf = (f: Finding): RunResult => ({ ...CI_RUN, results: [{ ...CI_RUN.results[0]!, findings: [f], unmet: [] }] });

describe('findings located in the built-in model', () => {
  it('userLocation: the innermost step of the finding’s own trace in a checked file', () => {
    expect(userLocation(base)).toBe(base.location);
    expect(userLocation(called)).toEqual({ file: 'fixtures/userptr.yaml', line: 12, column: 7 });
    // No step of its own trace in a checked file: the innermost one of another trace.
    expect(userLocation(inModel).file).toBe('fixtures/userptr.yaml');
  });

  it('GitHub annotates the checked file and names the model line in the message', () => {
    const [cmd] = githubCommands(runOf(called), CWD).map((l) => parseCommand(l)!);
    expect(cmd!.props).toMatchObject({ file: 'fixtures/userptr.yaml', line: '12', col: '7' });
    expect(cmd!.data).toContain(`in the kernel model at ${MODEL}:${kswapd.location.line}:${kswapd.location.column}`);
  });

  it('SARIF: the primary location is in %SRCROOT%, the model only among the related locations', () => {
    const log = sarifLog(runOf(called), { cwd: CWD }) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }[] }[] }[] };
    const loc = log.runs[0]!.results[0]!.locations[0]!.physicalLocation;
    expect(loc.artifactLocation).toEqual({ uri: 'fixtures/userptr.yaml', uriBaseId: '%SRCROOT%' });
    expect(loc.region.startLine).toBe(12);
  });
});
