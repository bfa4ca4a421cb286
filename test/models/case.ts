/**
 * What a case of the DRM helper model tests is: one per model function and hook, a scenario
 * that misuses it (with the findings lockdep or the model's rule gives, in order) and one that
 * uses it as the kernel documentation says (clean). Each layer's cases are in cases/<layer>.ts;
 * the scenario bodies are replayed with `include: [kernel, drm]`.
 */
export interface Case {
  /** The model function or hook, optionally followed by a space and what the case shows. */
  readonly name: string;
  readonly bad: string;
  readonly badRules: readonly string[];
  readonly good: string;
}

/** A submit ioctl around `between` (steps run between drm_sched_job_arm and drm_sched_entity_push_job). */
export function submit(before: string, between: string): string {
  return `paths:
  - name: submit ioctl
    steps:
      - call: drm_sched_job_init(job)
${before}      - call: drm_sched_job_arm(job)
${between}      - call: drm_sched_entity_push_job(job)
`;
}

/** A driver callback registered on `hook`, with `steps`, plus a plain submit. */
export function callback(hook: string, steps: string, extra = ''): string {
  return `functions:
  driver_cb:
${steps}${extra}hooks:
  ${hook}: [driver_cb]
${submit('', '')}`;
}

