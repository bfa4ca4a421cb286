/**
 * Findings of one step. One mistake often makes the replay report two or three findings: a
 * mutex taken in a fence callback is both `sleep-in-atomic` and `invalid-wait-context`; a work
 * item flushing its own queue is `recursive-locking` and a cycle; a user-memory access under a
 * reservation closes one cycle with the kernel model's dependencies and another with a fault
 * path the scenario writes out.
 *
 * A finding's trigger is the step the replay reported it at: its path and its location (the
 * innermost frame of that path's trace). A step causes a finding when it is the finding's
 * trigger or, for a cycle, the step that recorded one of the cycle's dependencies (a chain
 * entry's path and location): without that step the finding would not be there.
 *
 * In the order found, a finding leads a group unless the trigger of an earlier leader causes
 * it; then it joins that leader's group (the first such leader). Every finding of a group is
 * caused by its leader's trigger. A group's id is its leader's fingerprint; `group` is set only
 * on the findings of a group of two or more.
 */
import type { Finding } from '../model/finding.js';
import { findingFingerprint } from '../model/fingerprint.js';
import type { SourceLoc } from '../model/location.js';

const site = (path: string, l: SourceLoc): string => `${path}\u0000${l.file}\u0000${l.line}\u0000${l.column}`;

/** The steps that cause `f`: its trigger, then the steps that recorded its dependencies. */
function causes(f: Finding): Set<string> {
  const out = new Set([site(f.path, f.location)]);
  for (const c of f.chain) out.add(site(c.path, c.location));
  return out;
}

/** The findings, in their order, with `group` set on those that share their leader's trigger. */
export function groupFindings(findings: readonly Finding[]): readonly Finding[] {
  const leaders: { trigger: string; index: number; members: number[] }[] = [];
  const groupOf = new Array<number>(findings.length).fill(-1);
  findings.forEach((f, i) => {
    const mine = causes(f);
    const leader = leaders.findIndex((l) => mine.has(l.trigger));
    if (leader >= 0) {
      leaders[leader]!.members.push(i);
      groupOf[i] = leader;
    } else {
      groupOf[i] = leaders.length;
      leaders.push({ trigger: site(f.path, f.location), index: i, members: [i] });
    }
  });
  if (leaders.length === findings.length) return findings;
  const ids = leaders.map((l) => (l.members.length > 1 ? findingFingerprint(findings[l.index]!) : undefined));
  return findings.map((f, i) => {
    const group = ids[groupOf[i]!];
    return group === undefined ? f : { ...f, group };
  });
}
