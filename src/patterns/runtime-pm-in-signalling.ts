/**
 * runtime-pm-in-signalling — a synchronous runtime PM resume (or suspend) inside a fence
 * signalling section: the driver's runtime_resume runs in the caller's context, so whatever
 * it allocates or locks is done in the signalling path (msm's run_job, 2023).
 */
import { analyze, hasFence, inSignalling, isCycle, isRuntimePmFrame } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'runtime-pm-in-signalling',
    rules: ['circular-dependency'],
    summary: 'a synchronous runtime PM resume inside a fence signalling section',
    remedy:
      'Take the runtime PM reference before the fence is published (in the submit ioctl, before ' +
      'drm_sched_job_arm) and hold it until the job completes; in run_job, the timeout handler and ' +
      'other signalling code only assert the device is awake (a noresume get); make the resume path ' +
      'itself reclaim-safe (preallocate its requests) where it must run there.',
  },
  match(f) {
    if (!isCycle(f)) return false;
    const a = analyze(f);
    return hasFence(a) && a.edges.some((e) => inSignalling(a, e) && e.enclosing.some(isRuntimePmFrame));
  },
});
