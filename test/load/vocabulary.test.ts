/**
 * The step vocabulary (src/model/vocabulary.ts) is the one list of step spellings: every entry
 * is complete, the loader converts exactly its spellings into the operation it names, and no
 * module under src/ keeps a list of step names of its own.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, STEP_NAMES } from '../../src/load/index.js';
import { LOCK_TYPE_TABLE } from '../../src/model/lock-types.js';
import { LOCK_TYPES, forEachStep, type Step } from '../../src/model/scenario.js';
import {
  HOOK_FAMILIES, KERNEL_HOOK_TABLE, STEP_ARGS, STEP_CATEGORIES, STEP_VOCABULARY, hookFamily, stepSpelling, type StepSpelling,
} from '../../src/model/vocabulary.js';
import { fixtures } from './helpers.js';

const fx = fixtures();
const ROOT = join(import.meta.dirname, '..', '..');

describe('every spelling is complete', () => {
  it.each(STEP_VOCABULARY.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    expect(Object.keys(STEP_CATEGORIES)).toContain(s.category);
    expect(Object.keys(STEP_ARGS)).toContain(s.arg);
    expect(s.description.trim().length, 'a description').toBeGreaterThan(10);
    expect(s.description, 'one line').not.toMatch(/\n/);
    expect(s.description, 'a sentence').toMatch(/[.)]$/);
    if (s.aliasOf !== undefined) expect(stepSpelling(s.aliasOf)?.op, `alias of ${s.aliasOf}`).toBe(s.op);
    if (s.op === 'acquire' || s.op === 'release') expect(s.lock, 'a lock step says which lock types it takes').toBeDefined();
  });

  it('the loader knows exactly the vocabulary, in its order', () => {
    expect(STEP_NAMES).toEqual(STEP_VOCABULARY.map((s) => s.name));
  });

  it('every category is used, and every argument kind', () => {
    expect(new Set(STEP_VOCABULARY.map((s) => s.category))).toEqual(new Set(Object.keys(STEP_CATEGORIES)));
    expect(new Set(STEP_VOCABULARY.map((s) => s.arg))).toEqual(new Set(Object.keys(STEP_ARGS)));
  });

  it('every lock type has its entry in the lock type table', () => {
    expect(Object.keys(LOCK_TYPE_TABLE).sort()).toEqual([...LOCK_TYPES].sort());
    for (const t of LOCK_TYPES) expect(LOCK_TYPE_TABLE[t].modes, t).toContain('write');
  });

  it('every kernel hook has a known family', () => {
    for (const h of KERNEL_HOOK_TABLE) {
      expect(hookFamily(h.name), h.name).toBe(h.family);
      expect(Object.keys(HOOK_FAMILIES)).toContain(h.family);
    }
  });
});

// ---------------------------------------------------------------------------------------
// Every spelling loads, into the operation its entry names

const LOCK_OF_TYPE = Object.fromEntries(LOCK_TYPES.map((t) => [t, `L_${t}`]));

/** A lock the spelling accepts. */
function lockFor(s: StepSpelling): string {
  return LOCK_OF_TYPE[s.lock?.types[0] ?? 'mutex']!;
}

/** The spelling written with a valid argument, as one YAML flow step. */
function written(s: StepSpelling): string {
  switch (s.arg) {
    case 'none':
    case 'instance':
    case 'flags':
    case 'ignored':
    case 'blockable':
      return s.name;
    case 'lock':
    case 'lock spec':
    case 'might lock':
    case 'ww lock':
      return `{${s.name}: ${lockFor(s)}}`;
    case 'nested lock':
      return `{${s.name}: {name: ${lockFor(s)}, nested: 1}}`;
    case 'ww slow lock':
      return `{${s.name}: {name: ${lockFor(s)}, ctx: ctx}}`;
    case 'gfp':
      return `{${s.name}: GFP_KERNEL}`;
    case 'fence':
      return `{${s.name}: F}`;
    case 'steps':
    case 'hardirq steps':
    case 'signalling steps':
      return `{${s.name}: [might_sleep]}`;
    case 'function':
      return `{${s.name}: fn}`;
    case 'loop':
      return `{${s.name}: [might_sleep]}`;
    case 'extern':
      return `{${s.name}: "foo_bind(bo)"}`;
    case 'hook':
      return `{${s.name}: shrinker.scan}`;
    case 'work':
    case 'queue':
    case 'device':
    case 'acquire context':
      return `{${s.name}: x}`;
    case 'acquire context init':
      return `{${s.name}: {ctx: ctx}}`;
    case 'with':
      return `{with: ${lockFor(s)}, do: [might_sleep]}`;
    case 'if':
      return '{if: blockable, then: [might_sleep]}';
  }
}

describe('every spelling loads into its operation', () => {
  it('one scenario with every spelling, each step with the op and spelling of its entry', async () => {
    const file = fx.write(
      'all.yaml',
      [
        'include: [kernel]',
        'locks:',
        ...LOCK_TYPES.map((t) => `  ${LOCK_OF_TYPE[t]}: ${t}`),
        'fences: {F: {}}',
        'functions: {fn: [might_sleep]}',
        'paths:',
        '  - name: every step',
        '    steps:',
        // Inside a loop, where `break` and `continue` belong.
        '      - loop:',
        ...STEP_VOCABULARY.map((s) => `          - ${written(s)}`),
      ].join('\n'),
    );
    const scenario = await loadScenario(file);
    const [loop] = scenario.paths.find((p) => p.name === 'every step')!.steps;
    if (loop?.op !== 'loop') throw new Error('expected the loop');
    const steps = loop.iterations[0];
    expect(steps.map((s) => s.spelling)).toEqual(STEP_VOCABULARY.map((s) => s.name));
    steps.forEach((step, i) => {
      const s = STEP_VOCABULARY[i]!;
      expect(step.op, s.name).toBe(s.op);
      expect(step.label.startsWith(s.name), s.name).toBe(true);
      const nested: Step[] = [];
      forEachStep([step], (x) => nested.push(x));
      for (const x of nested) expect(stepSpelling(x.spelling), `${s.name}: a nested step's spelling`).toBeDefined();
    });
  });
});

// ---------------------------------------------------------------------------------------
// No private lists: outside the vocabulary, src/ spells step names one at a time

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The operations of the replayable form: a list of them (`FLAT_OPS`) is not a list of spellings. */
const OPS: ReadonlySet<string> = new Set(STEP_VOCABULARY.map((s) => s.op));

/**
 * Literal lists in a source text (`[...]` holding only quoted strings, booleans, numbers and
 * nested such lists: a list of names, or a table of tuples) with at least `min` distinct step
 * spellings, unless every string in it is an operation.
 */
function stepLists(text: string, min: number): string[][] {
  const found: string[][] = [];
  const strings = /'(?:[^'\\\n]|\\.)*'/g;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) {
    let depth = 0;
    let j = i;
    for (; j < text.length; j++) {
      const c = text[j];
      if (c === "'") j = text.indexOf("'", j + 1);
      else if (c === '[') depth++;
      else if (c === ']' && --depth === 0) break;
      if (j < 0) break;
    }
    if (j < 0 || j >= text.length) continue;
    const body = text.slice(i, j + 1);
    if (!/^[\s,[\]]*$/.test(body.replace(strings, '').replace(/\b(?:true|false|\d+)\b/g, ''))) continue;
    const quoted = [...body.matchAll(strings)].map((m) => m[0].slice(1, -1));
    if (quoted.every((n) => OPS.has(n))) continue;
    const names = [...new Set(quoted.filter((n) => stepSpelling(n) !== undefined))];
    if (names.length >= min) found.push(names);
    i = j;
  }
  return found;
}

describe('no private lists of step names', () => {
  it('the scan finds the lists it should, and only those', () => {
    expect(stepLists("const ALLOC = new Set(['kmalloc', 'kzalloc', 'vmalloc']);", 3)).toEqual([['kmalloc', 'kzalloc', 'vmalloc']]);
    expect(stepLists("for (const [n, k] of [['flush_work', 'work'], ['cancel_work_sync', 'work'], ['flush_workqueue', 'queue']] as const)", 3)).toEqual([
      ['flush_work', 'cancel_work_sync', 'flush_workqueue'],
    ]);
    expect(stepLists("const X = ['write', 'read'];", 3)).toEqual([]);
    expect(stepLists("const OPS = new Set(['alloc', 'sleep', 'might_fault', 'acquire']);", 3)).toEqual([]);
    expect(stepLists("f(a[0], 'kmalloc'); g('kzalloc'); h('vmalloc', b[1]);", 3)).toEqual([]);
  });

  it('src/ has none outside the vocabulary', () => {
    const offenders: string[] = [];
    for (const f of sourceFiles(join(ROOT, 'src'))) {
      const rel = relative(ROOT, f).split('\\').join('/');
      if (rel === 'src/model/vocabulary.ts') continue;
      for (const list of stepLists(readFileSync(f, 'utf8'), 3)) offenders.push(`${rel}: [${list.join(', ')}]`);
    }
    expect(offenders).toEqual([]);
  });
});
