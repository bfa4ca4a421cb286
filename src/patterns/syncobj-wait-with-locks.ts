/**
 * syncobj-wait-with-locks — waiting for a drm_syncobj fence to materialize
 * (DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT) while holding locks: the wait is for userspace to
 * submit, and userspace may need a page fault or the held lock itself to get there. The
 * drm/syncobj model records that wait as a fault and a fence wait; a finding whose trace
 * passes through one of those steps of the model is this mistake.
 */
import { modelDisplayPath } from '../load/models.js';
import type { TraceStep } from '../model/finding.js';
import { analyze } from './analysis.js';
import { definePattern } from './pattern.js';

const RULES = ['circular-dependency', 'recursive-locking'];
const SYNCOBJ_MODEL = modelDisplayPath('drm/syncobj');

/** A step of the drm/syncobj model's wait for userspace: the fault or the fence wait it records. */
const waitsForUserspace = (s: TraceStep | undefined): boolean =>
  s !== undefined && s.file === SYNCOBJ_MODEL && (s.category === 'fault' || s.category === 'fence wait');

export default definePattern({
  meta: {
    id: 'syncobj-wait-with-locks',
    rules: RULES,
    summary: 'waiting for a drm_syncobj fence to be submitted (WAIT_FOR_SUBMIT) while holding locks',
    remedy:
      'Resolve the in-syncobjs first, before taking any lock (drm_syncobj_find_fence at the start of ' +
      'the submit ioctl, as the kernel\'s lockdep_assert_none_held_once() demands); inside the locked ' +
      'section only look the fences up without DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, or return ' +
      '-EAGAIN/-ETIME to user space and let it retry.',
  },
  match(f) {
    if (!RULES.includes(f.rule)) return false;
    const a = analyze(f);
    return a.edges.some((e) => waitsForUserspace(e.step)) || waitsForUserspace(a.frames[a.frames.length - 1]);
  },
});
