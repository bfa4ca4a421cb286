/**
 * Detections → findings, as the replay finds them: each detection goes to the rule of the
 * same id (src/rules/<id>.ts), which words it as lockdep would; an opt-in rule only reports
 * when the scenario (or the command line, or the config) enables it; a rule reports once
 * per lock set; a finding that is a known design mistake gets its diagnosis
 * (src/patterns).
 */
import type { Finding } from '../model/finding.js';
import type { KernelProfile, ScenarioOptions } from '../model/scenario.js';
import { diagnose } from '../patterns/index.js';
import type { Detections, DetectionSink } from '../replay/detections.js';
import { ruleById } from '../rules/index.js';

export class FindingCollector implements DetectionSink {
  /** In the order found; one per rule and lock set. `expected` is false here. */
  readonly findings: Finding[] = [];
  private readonly seen = new Set<string>();
  private readonly warn: ReadonlySet<string>;
  private readonly kernel: KernelProfile;

  constructor(options: Pick<ScenarioOptions, 'warn' | 'kernel'>) {
    this.warn = new Set(options.warn);
    this.kernel = options.kernel;
  }

  report<K extends keyof Detections>(id: K, detection: Detections[K]): void {
    const rule = ruleById(id);
    if (!rule) throw new Error(`no rule registered for detection "${id}"`);
    if (rule.meta.optIn && !this.warn.has(id)) return;
    const draft = rule.build(detection);
    // Once per rule and lock set (and subject, for findings about no lock: a function, a path).
    const key = `${id}\u0000${[...draft.locks].sort().join('\u0000')}${draft.distinct === undefined ? '' : `\u0001${draft.distinct}`}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const { heading, distinct: _distinct, ...rest } = draft;
    const finding: Finding = {
      rule: id,
      severity: rule.meta.defaultSeverity,
      heading: heading ?? rule.meta.heading,
      kernel: this.kernel,
      expected: false,
      ...rest,
    };
    // The design mistake behind it, when it is a known one.
    const diagnosis = diagnose(finding);
    this.findings.push(diagnosis ? { ...finding, pattern: diagnosis.pattern, remedy: diagnosis.remedy } : finding);
  }
}
