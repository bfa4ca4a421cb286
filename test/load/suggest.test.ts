/** `didYouMeanAny`: the name closest by edit distance, then the names the word is a segment of. */
import { describe, expect, it } from 'vitest';
import { didYouMean, didYouMeanAny, segmentMatches } from '../../src/load/errors.js';

const NAMES = ['drm_sched:drm_sched_run_job_work', 'drm_sched_backend_ops.run_job', 'drm_sched_backend_ops.free_job', 'my_run_jobs', 'xrun_job'];

describe('suggestions by segment', () => {
  it('a word matches whole segments only, those ending in it first', () => {
    expect(segmentMatches('run_job', NAMES)).toEqual(['drm_sched_backend_ops.run_job', 'drm_sched:drm_sched_run_job_work']);
    // every part of a spaced or dotted word
    expect(segmentMatches('drm_sched run_job', NAMES)).toEqual(['drm_sched_backend_ops.run_job', 'drm_sched:drm_sched_run_job_work']);
    expect(segmentMatches('run_job_work', NAMES)).toEqual(['drm_sched:drm_sched_run_job_work']);
    expect(segmentMatches('ops.free_job', NAMES)).toEqual(['drm_sched_backend_ops.free_job']);
  });

  it('parts shorter than three characters are not looked for', () => {
    expect(segmentMatches('op', NAMES)).toEqual([]);
    expect(segmentMatches('a b', ['a_b', 'b_a'])).toEqual([]);
  });

  it('the edit-distance suggestion comes first, then the segment matches, each once', () => {
    expect(didYouMean('my_run_job', NAMES)).toBe(' (did you mean "my_run_jobs"?)');
    expect(didYouMeanAny('my_run_job', NAMES)).toBe(' (did you mean "my_run_jobs"?)');
    expect(didYouMeanAny('xrun_jobs', NAMES)).toBe(' (did you mean "xrun_job"?)');
    expect(didYouMeanAny('free_job', NAMES)).toBe(' (did you mean "drm_sched_backend_ops.free_job"?)');
    expect(didYouMeanAny('run_job', ['ops.run_job', 'run_jog'])).toBe(' (did you mean "run_jog" or "ops.run_job"?)');
    expect(didYouMeanAny('a.run_job', ['b.run_job'])).toBe(' (did you mean "b.run_job"?)');
    expect(didYouMeanAny('nothing_here', NAMES)).toBe('');
  });

  it('more than four: the first four and how many more', () => {
    const many = ['a.run_job', 'b.run_job', 'c.run_job', 'd.run_job', 'e.run_job', 'f.run_job'];
    expect(didYouMeanAny('run_job', many)).toBe(' (did you mean "a.run_job", "b.run_job", "c.run_job" or "d.run_job"? 2 more match)');
  });
});
