/**
 * The zod schema of a scenario file (YAML and JSON alike), docs/scenario-format.md §2–§8.
 *
 * `scenarioSchema` is the complete format, steps included (a union of single-key step
 * objects built from the step table), for generating the JSON Schema. The loader validates
 * with `fileSchema`, the same schema with step lists left to the step converter, which
 * dispatches on the step name for precise messages.
 */
import * as z from 'zod/mini';
import { LOCK_TYPES } from '../model/scenario.js';
import { RULE_IDS } from '../model/rule-ids.js';
import { kernelOptionSchema } from '../model/kernel-release.js';
import { once } from '../model/once.js';
import { stepListSchema } from './steps.js';

const name = z.string().check(z.minLength(1));

export const lockTypeSchema = z.enum(LOCK_TYPES);

export const lockLongSchema = z.strictObject({
  type: lockTypeSchema,
  lockdep: z.optional(name),
  ww_class: z.optional(name),
  description: z.optional(z.string()),
});

/** `name: type` or `name: {type, lockdep, ww_class, description}`. */
export const lockSchema = z.union([lockTypeSchema, lockLongSchema]);

export const fenceSchema = z.strictObject({
  description: z.optional(z.string()),
  lock: z.optional(name),
  signalled_in: z.optional(z.enum(['irq', 'process'])),
  enable_signaling: z.optional(name),
  release: z.optional(name),
  callbacks: z.optional(z.array(name)),
});

export type FenceInput = z.infer<typeof fenceSchema>;

export const ruleIdSchema = z.enum(RULE_IDS as [string, ...string[]]);

export const expectationSchema = z.strictObject({
  rule: ruleIdSchema,
  involves: z.optional(z.array(name)),
  path: z.optional(name),
});

export const expectSchema = z.union([z.literal('clean'), z.array(expectationSchema)]);

export const optionsSchema = z.strictObject({
  kernel: z.optional(kernelOptionSchema),
  lockdep_only: z.optional(z.boolean()),
  fence_model: z.optional(z.enum(['lockdep', 'precise'])),
  warn: z.optional(z.array(ruleIdSchema)),
});

/** A function: its steps, or (docs/scenario-format.md §12, §13) `{params, at, steps}`. */
export const functionSchema = (steps: z.ZodMiniType) =>
  z.union([steps, z.strictObject({ params: z.optional(z.array(name)), at: z.optional(z.string()), steps })]);

function build(steps: z.ZodMiniType) {
  const path = z.strictObject({
    name,
    context: z.optional(z.enum(['process', 'softirq', 'hardirq'])),
    irqs: z.optional(z.enum(['enabled', 'disabled'])),
    work: z.optional(z.strictObject({ item: name, queue: name })),
    steps: z.optional(steps),
  });
  return z.strictObject({
    version: z.optional(z.literal(1)),
    name: z.optional(z.string()),
    description: z.optional(z.string()),
    include: z.optional(z.nullable(z.array(name))),
    locks: z.optional(z.nullable(z.record(z.string(), lockSchema))),
    fences: z.optional(z.nullable(z.record(z.string(), fenceSchema))),
    functions: z.optional(z.nullable(z.record(z.string(), functionSchema(steps)))),
    hooks: z.optional(z.nullable(z.record(z.string(), z.array(name)))),
    paths: z.optional(z.nullable(z.array(path))),
    expect: z.optional(expectSchema),
    options: z.optional(optionsSchema),
    library: z.optional(z.boolean()),
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
