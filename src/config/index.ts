/**
 * The config file: `fencedep.config.json`, `fencedep.config.yaml` or `fencedep.config.yml`,
 * the nearest one upward from the working directory, or `--config FILE`.
 *
 * Parsed like a scenario (YAML or JSON, every value with its position) and validated with
 * zod; every problem is an InputError with file, line and column, and a "did you mean" for a
 * misspelt key, rule id, model or format. Paths in it are relative to the file.
 * Precedence: the command line, then the config, then each scenario's own `options`.
 */
import { releaseOf, type KernelRelease } from '../model/kernel-release.js';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, InputErrors, didYouMean } from '../load/errors.js';
import { validate } from '../load/issues.js';
import { resolveExtraInclude, type ExtraInclude } from '../load/scenario.js';
import { parseText, readText } from '../load/source.js';
import type { FenceModel } from '../model/scenario.js';
import { FORMATS } from '../report/index.js';
import { RULES } from '../rules/index.js';
import { RULE_IDS } from '../model/rule-ids.js';
import { configSchema, RULE_SEVERITIES, type ConfigFile, type RuleSeverity } from './schema.js';

export { RULE_SEVERITIES, type RuleSeverity } from './schema.js';

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The names a config file may have, in the order they are looked for in a directory. */
export const CONFIG_FILE_NAMES = ['fencedep.config.json', 'fencedep.config.yaml', 'fencedep.config.yml'] as const;

export interface Config {
  /** How messages name the file (relative to the working directory when inside it). */
  readonly file: string;
  /** The directory its paths are relative to (absolute). */
  readonly dir: string;
  readonly include: readonly ExtraInclude[];
  readonly kernel?: KernelRelease;
  readonly fenceModel?: FenceModel;
  /** `lockdep_only`: the models' documented rules off, lockdep's view only. */
  readonly lockdepOnly?: boolean;
  /** Severity per rule id, as written. */
  readonly rules: ReadonlyMap<string, RuleSeverity>;
  readonly format?: string;
  /** Absolute. */
  readonly baseline?: string;
  readonly failOnStaleBaseline?: boolean;
  /** Absolute. */
  readonly inputs?: readonly string[];
}

/** How a path is shown: relative to `cwd` when inside it, else absolute. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The nearest config file upward from `from` (absolute), or null. Two config files in one
 * directory are ambiguous: an InputErrors naming both.
 */
export function findConfig(from: string): string | null {
  let dir = path.resolve(from);
  for (;;) {
    const found = CONFIG_FILE_NAMES.map((n) => path.join(dir, n)).filter(isFile);
    if (found.length > 1) {
      throw new InputErrors([
        new InputError(`more than one config file in ${dir}: ${found.map((f) => path.basename(f)).join(', ')}; keep one (or pass --config FILE)`, null),
      ]);
    }
    if (found.length === 1) return found[0];
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Read, parse and validate a config file. `abs` is absolute; `cwd` decides how it is shown. Throws InputErrors. */
export async function loadConfig(abs: string, cwd: string): Promise<Config> {
  const file = displayPath(abs, cwd);
  if (!existsSync(abs)) throw new InputErrors([new InputError(`cannot read config ${file}: no such file`, null)]);
  const text = readText(file, abs);
  const loc1 = { file, line: 1, column: 1 };
  if (text.trim() === '') throw new InputErrors([new InputError('empty config file: expected a map of keys (include, kernel, fence_model, rules, format, baseline, ...)', loc1)]);
  const parsed = parseText(text, file, /\.json$/i.test(abs));
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputErrors([new InputError('a config file is a map of keys (include, kernel, fence_model, rules, format, baseline, ...)', parsed.pos.loc())]);
  }
  const r = validate(configSchema(), value, parsed.pos, '');
  // The checks zod cannot make (rule ids, models, formats) run on the raw value too, so one
  // run lists every problem.
  const errors: InputError[] = r.ok ? [] : [...r.errors];
  const raw = value as Record<string, unknown>;
  const dir = path.dirname(abs);

  const rules = new Map<string, RuleSeverity>();
  const rulesPos = parsed.pos.child('rules');
  if (isMap(raw.rules)) {
    for (const [id, severity] of Object.entries(raw.rules)) {
      if (!(RULE_IDS as readonly string[]).includes(id)) {
        errors.push(new InputError(`unknown rule "${id}" in rules${didYouMean(id, RULE_IDS)}; the rules are listed by 'fencedep rules'`, rulesPos.keyLoc(id)));
      } else if ((RULE_SEVERITIES as readonly unknown[]).includes(severity)) {
        rules.set(id, severity as RuleSeverity);
      }
    }
  }

  const include: ExtraInclude[] = [];
  if (Array.isArray(raw.include)) {
    raw.include.forEach((spec, i) => {
      if (typeof spec !== 'string' || spec === '') return;
      const x: ExtraInclude = { spec, base: dir, loc: parsed.pos.child('include').child(i).loc() };
      const res = resolveExtraInclude(x);
      if (res instanceof InputError) errors.push(res);
      else include.push(x);
    });
  }

  if (typeof raw.format === 'string' && raw.format !== '' && !FORMATS.includes(raw.format)) {
    errors.push(new InputError(`format: unknown format "${raw.format}"; expected one of ${FORMATS.join(', ')}${didYouMean(raw.format, FORMATS)}`, parsed.pos.child('format').loc()));
  }

  if (errors.length > 0 || !r.ok) {
    const at = (e: InputError) => [e.loc?.line ?? 0, e.loc?.column ?? 0];
    throw new InputErrors(errors.map((e, i) => ({ e, i })).sort((a, b) => at(a.e)[0] - at(b.e)[0] || at(a.e)[1] - at(b.e)[1] || a.i - b.i).map((x) => x.e));
  }
  const data = r.data;

  const config: Config = {
    file,
    dir,
    include,
    rules,
    ...(data.kernel !== undefined ? { kernel: releaseOf(data.kernel) } : {}),
    ...(data.fence_model !== undefined ? { fenceModel: data.fence_model } : {}),
    ...(data.lockdep_only !== undefined ? { lockdepOnly: data.lockdep_only } : {}),
    ...(data.format !== undefined ? { format: data.format } : {}),
    ...(data.baseline !== undefined ? { baseline: path.resolve(dir, data.baseline) } : {}),
    ...(data.fail_on_stale_baseline !== undefined ? { failOnStaleBaseline: data.fail_on_stale_baseline } : {}),
    ...(data.inputs !== undefined ? { inputs: data.inputs.map((p) => path.resolve(dir, p)) } : {}),
  };
  return config;
}

/**
 * The config of a run: `--config FILE` (relative to `cwd`), else the nearest one upward from
 * `cwd`, else none (`explicit === false`, i.e. `--no-config`, also gives none). Throws InputErrors.
 */
export async function resolveConfig(explicit: string | false | undefined, cwd: string): Promise<Config | null> {
  if (explicit === false) return null;
  if (explicit !== undefined) return loadConfig(path.resolve(cwd, explicit), cwd);
  const found = findConfig(cwd);
  return found ? loadConfig(found, cwd) : null;
}

/** Opt-in rules a config turns on by giving them a severity other than `off`. */
export function enabledOptInRules(rules: ReadonlyMap<string, RuleSeverity>): string[] {
  return RULES.filter((r) => r.meta.optIn && (rules.get(r.meta.id) ?? 'off') !== 'off').map((r) => r.meta.id);
}
