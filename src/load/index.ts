/**
 * The loader: scenario files (YAML, JSON) and JSONL event streams into the IR of
 * src/model/scenario.ts. Every problem with the input is an `InputErrors` with positions;
 * no other exception escapes for bad input.
 */
import { resolve } from 'node:path';
import type { Scenario } from '../model/scenario.js';
import { InputError, InputErrors } from './errors.js';
import { loadScenarioFile, type ExtraInclude } from './scenario.js';
import { isJsonName, MAX_NESTING } from './source.js';

export { InputError, InputErrors, didYouMean } from './errors.js';
export { scenarioSchema, fileSchema, lockSchema, expectationSchema, optionsSchema } from './schema.js';
export { stepSchema, stepListSchema, STEP_NAMES, isStepName, MAX_STEP_DEPTH, stepLabel } from './steps.js';
export { BUILTIN_LOCKS, BUILTIN_LOCK_NAMES, builtinLockMap, parseLockRef } from './names.js';
export { DEFAULT_OPTIONS } from './decls.js';
export { builtinModelNames, builtinModelFile } from './models.js';
export { readTrace, readTraceBatches, readTraceParallel, TraceTables, type TraceBatch, type TraceItem, type TraceMeta, type TraceReadOptions } from './jsonl.js';

export type { ExtraInclude } from './scenario.js';

export interface LoadOptions {
  /** Includes added before the file's own (a config file's `include`). */
  readonly include?: readonly ExtraInclude[];
}

/**
 * Load a scenario file (`.yaml`, `.yml`, `.json`) with its includes. `file` is used as given
 * in every location. Throws `InputErrors` on any problem with the input.
 */
export async function loadScenario(file: string, opts: LoadOptions = {}): Promise<Scenario> {
  try {
    return await loadScenarioFile(file, undefined, opts.include ?? []);
  } catch (e) {
    throw asInputErrors(e, file);
  }
}

export interface TextOptions extends LoadOptions {
  /** How locations name the scenario; its includes are relative to it. */
  readonly file: string;
  /** Default: JSON for a `.json` name, else YAML. */
  readonly format?: 'yaml' | 'json';
}

/**
 * Load a scenario from its text, exactly as `loadScenario` loads a file holding that text
 * (same limits, same errors; includes read relative to `file`). Throws `InputErrors`.
 * A JSON Lines stream from text: `readTrace(file, { text })`.
 */
export async function loadScenarioText(text: string, opts: TextOptions): Promise<Scenario> {
  const json = opts.format ? opts.format === 'json' : isJsonName(opts.file);
  try {
    return await loadScenarioFile(opts.file, resolve(opts.file), opts.include ?? [], { text, json });
  } catch (e) {
    throw asInputErrors(e, opts.file);
  }
}

/** Any exception while loading, as InputErrors (a RangeError is nesting too deep). */
export function asInputErrors(e: unknown, file: string): InputErrors {
  if (e instanceof InputErrors) return e;
  if (e instanceof InputError) return new InputErrors([e]);
  const loc = { file, line: 1, column: 1 };
  if (e instanceof RangeError && /call stack/i.test(e.message)) return new InputErrors([new InputError(`nesting too deep (more than ${MAX_NESTING} levels)`, loc)]);
  const msg = e instanceof Error ? e.message : String(e);
  return new InputErrors([new InputError(`cannot load ${file}: ${msg}`, loc)]);
}

