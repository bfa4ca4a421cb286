/**
 * The `kernel` option: a kernel release. It selects two things.
 *
 *  - lockdep's behaviour (the profile): the releases where lockdep itself changed, `5.10`
 *    (v5.10 to v6.12) and `6.13` (v6.13 and later);
 *  - the helper models' behaviour: a model step `if: {since: "6.8"}` takes its `then` branch
 *    on that release and later, its `else` branch before (drm_sched's workqueues, dma-buf's
 *    locking convention).
 *
 * Without the option the profile is `6.13` and every `since` holds: current mainline.
 */
import * as z from 'zod/mini';
import type { KernelProfile } from './scenario.js';

/** The lockdep profiles, oldest first: each applies from its release until the next one's. */
export const KERNEL_PROFILES: readonly KernelProfile[] = ['5.10', '6.13'];

/** A release as `major.minor`, both numbers. */
export type KernelRelease = string;

const RELEASE = /^(\d{1,2})\.(\d{1,3})$/;

function parts(release: KernelRelease): [number, number] {
  const m = RELEASE.exec(release)!;
  return [Number(m[1]), Number(m[2])];
}

/** Release order: negative when `a` is older than `b`. */
export function compareReleases(a: KernelRelease, b: KernelRelease): number {
  const [am, an] = parts(a);
  const [bm, bn] = parts(b);
  return am - bm || an - bn;
}

/** The lockdep profile a release falls in. */
export function profileOf(release: KernelRelease): KernelProfile {
  let out = KERNEL_PROFILES[0]!;
  for (const p of KERNEL_PROFILES) if (compareReleases(release, p) >= 0) out = p;
  return out;
}

/** Does a model's `since` hold on `release` (null: current mainline, where every one does)? */
export function releaseAtLeast(release: KernelRelease | null, since: KernelRelease): boolean {
  return release === null || compareReleases(release, since) >= 0;
}

/**
 * A release as written: a string `"6.8"`, or a YAML number where it cannot be misread. A
 * number loses trailing zeros (`6.10` reads as 6.1), so only the two historical spellings
 * `5.1` (for 5.10) and `6.13` are taken as numbers; the message says to quote the others.
 */
export function parseRelease(value: string | number): { release: KernelRelease } | { error: string } {
  if (typeof value === 'number') {
    if (value === 5.1) return { release: '5.10' };
    if (value === 6.13) return { release: '6.13' };
    return { error: `kernel ${value} is a YAML number, which drops trailing zeros (6.10 reads as 6.1): write the release as a string, "${value}"` };
  }
  if (!RELEASE.test(value)) return { error: `kernel "${value}" is not a release: expected "major.minor", such as "6.8" or "6.13"` };
  if (compareReleases(value, KERNEL_PROFILES[0]!) < 0) return { error: `kernel "${value}" is older than every profile: releases from ${KERNEL_PROFILES[0]} on are modelled` };
  return { release: value };
}

/** A string release from the first profile on, as a pattern for editors (5.10 and later). */
const EDITOR_PATTERN = '^(?:5\\.[1-9][0-9]{1,2}|(?:[6-9]|[1-9][0-9])\\.[0-9]{1,3})$';

/**
 * The zod schema of the option, for scenarios and the config file: a valid release, or the
 * reason it is not. Editors get the same set as a JSON Schema (the pattern, or the two numbers).
 */
export const kernelOptionSchema = z.union([z.string(), z.number()]).check(
  z.superRefine((v, ctx) => {
    const r = parseRelease(v);
    if ('error' in r) ctx.addIssue({ code: 'custom', message: r.error });
  }),
  z.meta({ anyOf: [{ type: 'string', pattern: EDITOR_PATTERN }, { const: 5.1 }, { const: 6.13 }] }),
);

/** A release known valid (the schema checked it). */
export function releaseOf(value: string | number): KernelRelease {
  const r = parseRelease(value);
  if ('error' in r) throw new Error(r.error);
  return r.release;
}
