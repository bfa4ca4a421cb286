/**
 * The reporters' fixture (fixture.ts) as the CI formats see it: the circular finding also
 * carries its remedy (the pipeline attaches it with the pattern), and the kswapd dependency
 * lies in the built-in kernel model (`<fencedep>/rules/…`), as real ones do. It has a finding
 * with a pattern and remedy, an expected finding, an unexpected warning, an unmet
 * expectation, an input-error file, a passing file and a clean one.
 */
import type { FileResult, RunResult } from '../../src/model/finding.js';
import { patternById } from '../../src/patterns/index.js';
import { mapFiles } from '../../src/report/findings.js';
import { RUN } from './fixture.js';

const [fail, ...rest] = RUN.results as FileResult[];
const circular = fail!.findings[0]!;

const withRemedy: RunResult = {
  ...RUN,
  results: [{ ...fail!, findings: [{ ...circular, remedy: patternById(circular.pattern!)!.meta.remedy }] }, ...rest],
};

export const CI_RUN: RunResult = mapFiles(withRemedy, (f) => (f === 'kernel/reclaim.yaml' ? '<fencedep>/rules/kernel/reclaim.yaml' : f));

/** What the tests pass as the working directory (the fixture's names are relative to it). */
export const CWD = '/repo';

export const OPTS = { color: false, quiet: false, cwd: CWD } as const;

/** The same run with every scenario file named by its absolute path under CWD. */
export const ABSOLUTE_RUN: RunResult = mapFiles(CI_RUN, (f) => (f.startsWith('<') ? f : `${CWD}/${f}`));
