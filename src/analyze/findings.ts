/**
 * Detections → findings, as the replay finds them: each detection goes to the rule of the
 * same id (src/rules/<id>.ts), which words it as lockdep would; an opt-in rule only reports
 * when the scenario (or the command line, or the config) enables it; a rule reports once
 * per lock set; a finding that is a known design mistake gets its diagnosis
 * (src/patterns).
 */
import type { Finding, TraceStep } from '../model/finding.js';
import type { KernelProfile, ScenarioOptions } from '../model/scenario.js';
import { diagnose } from '../patterns/index.js';
import type { Detections, DetectionSink } from '../replay/detections.js';
import { ruleById } from '../rules/index.js';

/** The distinct `model_rule:`s of the steps in a finding's chain and traces, in report order. */
function modelRulesOf(f: Finding): string[] {
  const out = new Set<string>();
  const add = (stack: readonly TraceStep[]) => {
    for (const s of stack) if (s.modelRule !== undefined) out.add(s.modelRule);
  };
  for (const c of f.chain) add(c.stack);
  for (const b of f.report) {
    if (b.kind === 'chain') for (const e of b.entries) add(e.stack);
    else if (b.kind === 'trace') add(b.stack);
  }
  return [...out];
}

export class FindingCollector implements DetectionSink {
  /** In the order found; one per rule and lock set. `expected` is false here. */
  readonly findings: Finding[] = [];
  private readonly seen = new Set<string>();
  private readonly warn: ReadonlySet<string>;
  private readonly kernel: KernelProfile;
  private readonly release: string | null;

  constructor(options: Pick<ScenarioOptions, 'warn' | 'kernel' | 'release'>) {
    this.warn = new Set(options.warn);
    this.kernel = options.kernel;
    this.release = options.release;
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
      ...(this.release === null ? {} : { release: this.release }),
      expected: false,
      ...rest,
    };
    const rules = modelRulesOf(finding);
    const marked = rules.length > 0 ? { ...finding, modelRules: rules } : finding;
    // The design mistake behind it, when it is a known one.
    const diagnosis = diagnose(marked);
    this.findings.push(diagnosis ? { ...marked, pattern: diagnosis.pattern, remedy: diagnosis.remedy } : marked);
  }
}
