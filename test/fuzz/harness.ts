/**
 * The fuzz suite's harness: its budget and seed, and running the CLI on generated files.
 *
 * `npm test` runs every property with a fixed seed and a small number of runs. For a soak:
 *
 *     FENCEDEP_FUZZ_RUNS=2000 FENCEDEP_FUZZ_SEED=random npx vitest run test/fuzz
 *
 * (`npm run fuzz`). A failure prints fast-check's seed and path; replay it with
 * FENCEDEP_FUZZ_SEED=<seed>, then keep the shrunk counterexample in regressions.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main.js';
import { HANG_MS } from '../time-limit.js';

const env = process.env;

/** The seed of every property: fixed, unless FENCEDEP_FUZZ_SEED is a number or `random`. */
export const SEED: number =
  env.FENCEDEP_FUZZ_SEED === 'random'
    ? Math.floor(Math.random() * 0x7fffffff)
    : env.FENCEDEP_FUZZ_SEED
      ? Number(env.FENCEDEP_FUZZ_SEED)
      : 0x6f656e63;

const SOAK = env.FENCEDEP_FUZZ_RUNS !== undefined;

/** Runs of a property: its own small budget in `npm test`, FENCEDEP_FUZZ_RUNS in a soak. */
export function runs(budget: number): number {
  return SOAK ? Math.max(1, Number(env.FENCEDEP_FUZZ_RUNS)) : budget;
}

/** A test's hang guard, grown with the runs (a soak may take hours). */
export function timeout(budget: number, msPerRun = 150): number {
  return Math.max(HANG_MS, runs(budget) * msPerRun);
}

/** fast-check parameters for a property with this budget. */
export function params<T>(budget: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { seed: SEED, numRuns: runs(budget), endOnFailure: false, ...extra };
}

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** The CLI in-process (`main(argv, io)`), as a user runs it: no colour, no terminal, no config. */
export async function cli(args: readonly string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(['node', 'fencedep', ...args], {
    stdout: { write: (s: string) => ((out += s), true), isTTY: false },
    stderr: { write: (s: string) => ((err += s), true), isTTY: false },
    env: {},
  });
  return { code, out, err };
}

/** A scratch directory for one test file, removed by `cleanup`. */
export function scratch(tag: string): { dir: string; write(name: string, text: string | Buffer): string; sub(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `fencedep-fuzz-${tag}-`));
  return {
    dir,
    write(name, text) {
      const p = path.join(dir, name);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, text);
      return p;
    },
    sub(name) {
      const p = path.join(dir, name);
      rmSync(p, { recursive: true, force: true });
      mkdirSync(p, { recursive: true });
      return p;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A line of a stack trace (`    at f (file.js:1:2)`), which a user must never see. */
export const STACK_LINE = /^\s+at (?:.+ \()?(?:file:|node:|\/|[A-Za-z]:\\).*:\d+(?::\d+)?\)?$/m;

/** What every run must satisfy, whatever the input: an exit code of the contract, no stack, no internal error. */
export function assertSane(r: CliRun, what: string): void {
  const show = () => `${what}\nexit ${r.code}\n--- stdout\n${r.out.slice(0, 3000)}\n--- stderr\n${r.err.slice(0, 3000)}`;
  if (![0, 1, 2].includes(r.code)) throw new Error(`exit code ${r.code}: ${show()}`);
  if (STACK_LINE.test(r.out) || STACK_LINE.test(r.err)) throw new Error(`stack trace printed: ${show()}`);
  if (/internal error/i.test(r.out) || /internal error/i.test(r.err)) throw new Error(`internal error: ${show()}`);
}

export interface JsonError {
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export interface JsonFinding {
  readonly rule: string;
  readonly severity: string;
  readonly message: string;
  readonly expected: boolean;
  readonly path: string;
  readonly locks: readonly string[];
  readonly lockdep: readonly string[];
  readonly pattern?: string;
  /** The group of the findings one step caused: the fingerprint of its first finding. */
  readonly group?: string;
  readonly location: { readonly file: string; readonly line: number; readonly column: number };
  readonly chain: readonly unknown[];
}

export interface JsonResult {
  readonly file: string;
  readonly scenario: string;
  readonly status: 'pass' | 'fail' | 'error';
  readonly findings: readonly JsonFinding[];
  readonly unmet: readonly unknown[];
  readonly errors: readonly JsonError[];
}

export interface JsonReport {
  readonly results: readonly JsonResult[];
  readonly summary: Record<string, number>;
}

/** `fencedep check --format json` on `files`, parsed; the run must be sane. */
export async function checkJson(files: readonly string[], extra: readonly string[] = []): Promise<{ run: CliRun; report: JsonReport }> {
  const run = await cli(['check', '--no-config', '--format', 'json', ...extra, ...files]);
  assertSane(run, files.join(' '));
  return { run, report: JSON.parse(run.out) as JsonReport };
}

/** A finding's identity for the order-insensitive properties: its rule and its set of classes. */
export function ruleAndLocks(f: JsonFinding): string {
  return `${f.rule} {${[...new Set(f.lockdep)].sort().join(', ')}}`;
}
