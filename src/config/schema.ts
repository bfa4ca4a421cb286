/**
 * The zod schema of `fencedep.config.{json,yaml,yml}`. Two builds of one shape, like the
 * scenario schema: `configSchema` validates (rule ids are checked afterwards, for a
 * "did you mean"), `configJsonSchemaSource` names the rule ids so the JSON Schema completes
 * them in an editor.
 */
import * as z from 'zod/mini';
import { ruleIdSchema } from '../load/schema.js';
import { kernelOptionSchema } from '../model/kernel-release.js';
import { once } from '../model/once.js';

const name = z.string().check(z.minLength(1));

export const RULE_SEVERITIES = ['error', 'warn', 'off'] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];

export const ruleSeveritySchema = z.enum(RULE_SEVERITIES);

function build(rules: z.ZodMiniType) {
  return z.strictObject({
    $schema: z.optional(z.string()),
    include: z.optional(z.array(name)),
    kernel: z.optional(kernelOptionSchema),
    lockdep_only: z.optional(z.boolean()),
    fence_model: z.optional(z.enum(['lockdep', 'precise'])),
    rules: z.optional(rules),
    format: z.optional(name),
    baseline: z.optional(name),
    fail_on_stale_baseline: z.optional(z.boolean()),
    inputs: z.optional(z.array(name)),
  });
}

/** What the config loader validates with; built on first use (a run without a config file never does). */
export const configSchema = once(() => build(z.record(z.string(), ruleSeveritySchema)));

/** The source of `schema/config.schema.json`; built on first use. */
export const configJsonSchemaSource = once(() => build(z.partialRecord(ruleIdSchema, ruleSeveritySchema)));

export type ConfigFile = z.output<ReturnType<typeof configSchema>>;

/** Hover text for the config's keys in an editor. */
export const CONFIG_KEY_DESCRIPTIONS: Readonly<Record<keyof ConfigFile, string>> = {
  $schema: 'The JSON Schema of this file (for editors).',
  include: 'Models or files included in every scenario and stream before its own includes, e.g. [kernel]. Files are relative to this config file.',
  kernel: 'Kernel release for every scenario ("6.8"), overriding its options.kernel (the command line\'s --kernel overrides this).',
  lockdep_only: 'true: the built-in models\' documented rules that the kernel does not annotate (steps marked model_rule) are not replayed: lockdep\'s view only (--lockdep-only).',
  fence_model: 'Fence model for every scenario, overriding its options.fence_model (--fence-model overrides this).',
  rules: 'Severity per rule id: error (fails a file unless expected), warn (reported, never fails), off (not reported; expectations of the rule are dropped). error or warn also turns on an opt-in rule.',
  format: 'Default output format of fencedep check (--format overrides this).',
  baseline: 'Baseline file of known findings, relative to this config file (--baseline overrides this).',
  fail_on_stale_baseline: 'Fail the run (exit 1) when the baseline lists findings that are no longer found.',
  inputs: 'Files and directories fencedep check checks when none are given on the command line, relative to this config file.',
};
