import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { InputErrors, loadScenario, loadScenarioText, readTrace, type TraceItem } from '../../src/load/index.js';
import type { Scenario, Step } from '../../src/model/scenario.js';

/** A fresh temp dir; `write(name, text)` puts a fixture in it and returns its path. */
export function fixtures(): { dir: string; write: (name: string, text: string | Buffer) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'fencedep-load-'));
  return {
    dir,
    write(name, text) {
      const p = join(dir, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
      return p;
    },
  };
}

/** Texts kept by `scenarios().write`, by the name they are loaded as. */
const texts = new Map<string, string>();

/**
 * Scenarios and streams in memory: `write(name, text)` keeps the text under `name` and
 * returns the name, which `load`, `loadErrors`, `oneError` and `traceItems` load from that
 * text (as a file of that name would be loaded) — nothing is written to disk. Files that
 * must exist (an include, a file's bytes) are `fixtures()`'.
 */
export function scenarios(): { write: (name: string, text: string) => string } {
  return {
    write(name, text) {
      texts.set(name, text);
      return name;
    },
  };
}

/** Load a scenario written by `scenarios()` (else the file of that name). */
export function load(file: string): Promise<Scenario> {
  const text = texts.get(file);
  return text === undefined ? loadScenario(file) : loadScenarioText(text, { file });
}

/** Every item of a stream written by `scenarios()` (else the file of that name). */
export async function traceItems(file: string): Promise<TraceItem[]> {
  const out: TraceItem[] = [];
  const text = texts.get(file);
  for await (const it of readTrace(file, text === undefined ? {} : { text })) out.push(it);
  return out;
}

export interface Err {
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** The input errors of loading `file` (fails the test if it loads). */
export async function loadErrors(file: string): Promise<Err[]> {
  try {
    await load(file);
  } catch (e) {
    expect(e).toBeInstanceOf(InputErrors);
    return (e as InputErrors).errors.map((x) => x.toInfo());
  }
  throw new Error(`${file} loaded without errors`);
}

/** The one error whose message matches, with its position. */
export async function oneError(file: string, match: RegExp | string): Promise<Err> {
  const errs = await loadErrors(file);
  const hits = errs.filter((e) => (typeof match === 'string' ? e.message.includes(match) : match.test(e.message)));
  if (hits.length !== 1) throw new Error(`expected one error matching ${String(match)}, got:\n${errs.map(fmt).join('\n')}`);
  return hits[0];
}

export function fmt(e: Err): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}

/** Steps without locations and spellings (for comparing IR; the label starts with the spelling). */
export function strip(steps: readonly Step[]): unknown[] {
  return JSON.parse(JSON.stringify(steps, (k, v) => (k === 'loc' || k === 'spelling' ? undefined : v))) as unknown[];
}

export function pathSteps(s: Scenario, name: string): readonly Step[] {
  const p = s.paths.find((x) => x.name === name);
  if (!p) throw new Error(`no path ${name}`);
  return p.steps;
}
