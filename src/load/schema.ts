/**
 * The zod schema of a scenario file (YAML and JSON alike), docs/scenario-format.md §2–§8.
 *
 * `scenarioSchema` is the complete format, steps included (a union of single-key step
 * objects built from the step table), for generating the JSON Schema. The loader validates
 * with `fileSchema`, the same schema with step lists left to the step converter, which
 * dispatches on the step name for precise messages.
 */
import * as z from 'zod';
import { LOCK_TYPES } from '../model/scenario.js';
import { RULE_IDS } from '../model/rule-ids.js';
import { kernelOptionSchema } from '../model/kernel-release.js';
import { once } from '../model/once.js';
import { stepListSchema } from './steps.js';

const name = z.string().min(1);

export const lockTypeSchema = z.enum(LOCK_TYPES);

export const lockLongSchema = z.strictObject({
  type: lockTypeSchema,
  lockdep: name.optional(),
  ww_class: name.optional(),
  description: z.string().optional(),
});

/** `name: type` or `name: {type, lockdep, ww_class, description}`. */
export const lockSchema = z.union([lockTypeSchema, lockLongSchema]);

export const fenceSchema = z.strictObject({
  description: z.string().optional(),
  lock: name.optional(),
  signalled_in: z.enum(['irq', 'process']).optional(),
  enable_signaling: name.optional(),
  release: name.optional(),
  callbacks: z.array(name).optional(),
});

export type FenceInput = z.infer<typeof fenceSchema>;

export const ruleIdSchema = z.enum(RULE_IDS as [string, ...string[]]);

export const expectationSchema = z.strictObject({
  rule: ruleIdSchema,
  involves: z.array(name).optional(),
  path: name.optional(),
});

export const expectSchema = z.union([z.literal('clean'), z.array(expectationSchema)]);

export const optionsSchema = z.strictObject({
  kernel: kernelOptionSchema.optional(),
  lockdep_only: z.boolean().optional(),
  fence_model: z.enum(['lockdep', 'precise']).optional(),
  warn: z.array(ruleIdSchema).optional(),
});

/** A function: its steps, or (docs/scenario-format.md §12, §13) `{params, at, steps}`. */
export const functionSchema = (steps: z.ZodType) =>
  z.union([steps, z.strictObject({ params: z.array(name).optional(), at: z.string().optional(), steps })]);

function build(steps: z.ZodType) {
  const path = z.strictObject({
    name,
    context: z.enum(['process', 'softirq', 'hardirq']).optional(),
    irqs: z.enum(['enabled', 'disabled']).optional(),
    work: z.strictObject({ item: name, queue: name }).optional(),
    steps: steps.optional(),
  });
  return z.strictObject({
    version: z.literal(1).optional(),
    name: z.string().optional(),
    description: z.string().optional(),
    include: z.array(name).nullable().optional(),
    locks: z.record(z.string(), lockSchema).nullable().optional(),
    fences: z.record(z.string(), fenceSchema).nullable().optional(),
    functions: z.record(z.string(), functionSchema(steps)).nullable().optional(),
    hooks: z.record(z.string(), z.array(name)).nullable().optional(),
    paths: z.array(path).nullable().optional(),
    expect: expectSchema.optional(),
    options: optionsSchema.optional(),
    library: z.boolean().optional(),
  });
}

/** The whole format, steps included: the source of the JSON Schema (`fencedep schema`); built on first use. */
export const scenarioSchema = once(() => build(stepListSchema));

/** What the loader validates a file with: step lists are checked step by step afterwards. */
export const fileSchema = build(z.array(z.unknown()));

export type ScenarioFile = z.output<typeof fileSchema>;
export type LockInput = z.output<typeof lockSchema>;
export type PathInput = NonNullable<ScenarioFile['paths']>[number];
export type ExpectationInput = z.output<typeof expectationSchema>;
export type OptionsInput = z.output<typeof optionsSchema>;

/** The top-level keys, in the order of docs/scenario-format.md §2. */
export const TOP_LEVEL_KEYS = Object.keys(fileSchema.shape);
