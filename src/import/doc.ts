/**
 * The scenario an import reconstructs, as data (the builder fills it, render.ts writes it as
 * YAML, verify.ts replays it), and the finding it must reproduce.
 */
import type { LockType } from '../model/scenario.js';
import type { ProfileChoice } from './classes.js';
import { splitSubclass } from './classes.js';
import type { Context } from './classify.js';
import type { KernelReport } from './report.js';
import type { YStep } from './yaml.js';

export interface ExpectEntry {
  readonly rule: string;
  readonly involves: readonly string[];
  readonly comment?: string;
}

export interface DocPath {
  name: string;
  readonly comment: string[];
  context: Context;
  irqsDisabled: boolean;
  work: { item: string; queue: string } | null;
  steps: YStep[];
}

export interface ScenarioDoc {
  readonly header: string[];
  readonly name: string;
  readonly description: string;
  readonly include: string[];
  readonly profile: ProfileChoice;
  readonly locks: { key: string; type: LockType; lockdep: string | null; wwClass?: string; comment: string | null }[];
  readonly fences: { key: string; description: string }[];
  readonly functions: { name: string; steps: YStep[] }[];
  readonly notes: string[];
  readonly paths: DocPath[];
  expect: ExpectEntry[];
}

export interface Generated {
  readonly report: KernelReport;
  readonly doc: ScenarioDoc;
  /** The rule and lockdep classes the report shows (invented classes included). */
  readonly expected: { readonly rule: string; readonly lockdep: readonly string[] };
  /** lockdep names the import made up (a sleeping lock the BUG does not name). */
  readonly invented: readonly string[];
  readonly guesses: string[];
}

/** `involves` names: the class names without subclass (an entry also matches `name/1`), once each. */
export function involvesOf(lockdep: readonly string[]): string[] {
  return [...new Set(lockdep.map((l) => splitSubclass(l)[0]))];
}
