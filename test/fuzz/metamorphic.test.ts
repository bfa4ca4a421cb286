/**
 * Metamorphic properties: transformations of a scenario that must not change its report
 * (or must change it only in a known way).
 */
import fc from 'fast-check';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { hostileNames, plainNames, scenarioArb, streamable, toJsonl, toYaml, withPaths, type AbsScenario, type Kind, type Names } from './gen.js';
import { loadScenario } from '../../src/load/index.js';
import { analyzeScenario } from '../../src/analyze/index.js';
import { checkJson, params, ruleAndLocks, scratch, timeout, type JsonFinding, type JsonReport, type JsonResult } from './harness.js';

const fx = scratch('meta');
afterAll(() => fx.cleanup());

async function report(name: string, text: string): Promise<JsonResult> {
  const file = fx.write(name, text);
  const { report: r } = await checkJson([file]);
  return r.results[0]!;
}

/** A report with `file` and every location removed (what does not depend on where the text is). */
function located(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === 'location' || k === 'line' || k === 'column' || k === 'file' ? undefined : v)));
}

const KINDS: readonly Kind[] = ['lock', 'ld', 'fn', 'path', 'fence', 'hook', 'inst', 'ctx', 'wc', 'work', 'queue', 'dev', 'sav'];

/**
 * Rewrite every plain name token of `text` (`lk_3_`, `fn_0_`...) to its name under `names`.
 * A token quoted as a JSON string in a message (`"lk_3_"`) becomes the quoted new name.
 */
function renameTokens(text: string, names: Names): string {
  return text.replace(/("?)\b(lk|ld|fn|pa|fe|hk|in|cx|wc|wk|qu|dv|sv)_(\d+)_("?)/g, (_m, q1: string, p: string, i: string, q2: string) => {
    const kind = KINDS.find((k) => plainNames(k, 0).startsWith(`${p}_`))!;
    const name = names(kind, Number(i));
    return q1 && q2 ? JSON.stringify(name) : `${q1}${name}${q2}`;
  });
}

function renamed(x: unknown, names: Names): unknown {
  if (typeof x === 'string') return renameTokens(x, names);
  if (Array.isArray(x)) return x.map((v) => renamed(v, names));
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, renamed(v, names)]));
  return x;
}

/**
 * The result with each finding's `group` (a fingerprint of lockdep names, which a renaming
 * changes) as the index of the group's first finding: the same grouping, name-free.
 */
function groupsByIndex(r: JsonResult): JsonResult {
  const first = (g: string) => r.findings.findIndex((f) => f.group === g);
  return { ...r, findings: r.findings.map((f) => (f.group === undefined ? f : { ...f, group: String(first(f.group)) })) };
}

/**
 * Warnings about the file as a whole (a function nothing runs): another path may run it, and
 * a stream, which records one execution, has none.
 */
const FILE_RULES: ReadonlySet<string> = new Set(['unused-function', 'misspelled-condition']);
const pathFindings = (r: JsonResult) => r.findings.filter((f) => !FILE_RULES.has(f.rule));
const keys = (r: JsonResult) => pathFindings(r).map(ruleAndLocks);

/** Rules decided by one path's own state (its held locks, its context), not by the dependency graph or usage history. */
const GRAPH_RULES: ReadonlySet<string> = new Set(['circular-dependency', 'irq-inversion', 'inconsistent-lock-state', 'recursive-locking']);
const localKeys = (r: JsonResult) => pathFindings(r).filter((f) => !GRAPH_RULES.has(f.rule)).map(ruleAndLocks);

/**
 * What kinds of graph finding a scenario's replay reports at all, without lockdep's chain
 * cache: `cycle`, `recursive`, and `irq` for an irq inversion or an inconsistent lock state
 * (one or the other: as in lockdep's mark_lock_irq(), a usage that is already inconsistent
 * is not also checked for an inversion, so which of the two is found depends on the order).
 */
async function graphRules(s: AbsScenario): Promise<string[]> {
  const file = fx.write('nocache.yaml', toYaml(s));
  const out = analyzeScenario(await loadScenario(file), { chainCache: false });
  const kind = (r: string) => (r === 'circular-dependency' ? 'cycle' : r === 'recursive-locking' ? 'recursive' : 'irq');
  return [...new Set(out.findings.map((f) => f.rule).filter((r) => GRAPH_RULES.has(r)).map(kind))].sort();
}

describe('metamorphic properties', () => {
  it('renaming every name consistently (to __proto__, toString, "a: b", 锁...) changes no finding but its names', { timeout: timeout(50, 300) }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.nat(1000), async (s, seed) => {
        const names = hostileNames(seed);
        const plain = await report('rename.yaml', toYaml(s));
        const hostile = await report('rename.yaml', toYaml(s, names));
        // Column positions may move (a longer name before a step on its line): compare the
        // whole result with lines only, names rewritten.
        // Step labels are shortened to 60 characters, so a longer name may cut one sooner.
        // Labels and messages quote a name that needs it (`with: "{brace}"`, `"x: y[1e3]"`):
        // compare without quotes and escapes.
        const unquote = (x: unknown) => unquoted(x);
        const diff = firstDifference(unquote(stripColumns(renamed(groupsByIndex(plain), names))), unquote(stripColumns(groupsByIndex(hostile))));
        expect(diff, `${diff}\n${toYaml(s, names)}`).toBeNull();
      }),
      params(50),
    );
  });

  it('a scenario and its JSON re-serialisation give the same report', { timeout: timeout(50, 300) }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.boolean(), async (s, hostile) => {
        const yaml = toYaml(s, hostile ? hostileNames(7) : plainNames);
        const a = await report('same.yaml', yaml);
        const json = JSON.stringify(parse(yaml), null, fc.sample(fc.nat(4), 1)[0]);
        const b = await report('same.json', json);
        expect(located(b)).toEqual(located(a));
      }),
      params(50),
    );
  });

  it('a scenario and its JSON Lines stream give the same findings', { timeout: timeout(50, 300) }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb().filter(streamable), fc.boolean(), async (s, hostile) => {
        const names = hostile ? hostileNames(9) : plainNames;
        const a = await report('stream.yaml', toYaml(s, names));
        const b = await report('stream.jsonl', toJsonl(s, names));
        expect(b.status).toBe(a.status);
        // A function declared on one line of a stream has all its steps on that line: the
        // same error at two of its steps is one error at that line.
        expect(new Set(b.errors.map((e) => e.message))).toEqual(new Set(a.errors.map((e) => e.message)));
        expect(new Set(keys(b))).toEqual(new Set(keys(a)));
      }),
      params(50),
    );
  });

  // Reordering paths or adding one can change which cycles are reported, by design: a new
  // dependency is checked once, for the shortest cycle it closes, so whichever dependency comes
  // last closes the cycle that is reported (A→B, B→C, C→A closed by C→A reports {A,B,C}; with
  // B→A earlier, A→B closes {A,B} first and {A,B,C} is never reported). And lockdep's chain
  // cache keys a chain by its classes, not by which were trylocked, so the first of two such
  // chains decides which dependencies are recorded (regressions.test.ts keeps both cases).
  // What holds: the findings of one path's own state are the same, and, without the chain
  // cache, whether a cycle or an irq inversion is found at all — but for the kernel's own
  // asymmetry between check_irq_usage() and mark_lock_irq() on a read-held lock, which a
  // soak found (regressions.test.ts keeps it; rare enough that the property stays).
  it('reordering paths changes no path-local finding, nor (without the chain cache) whether a cycle or irq inversion is found', { timeout: timeout(50, 300) }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb().chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray([...s.paths], { minLength: s.paths.length, maxLength: s.paths.length }))), async ([s, order]) => {
        const a = await report('order.yaml', toYaml(s));
        const b = await report('order.yaml', toYaml(withPaths(s, order)));
        expect(b.errors.map((e) => e.message).sort()).toEqual(a.errors.map((e) => e.message).sort());
        expect(new Set(localKeys(b))).toEqual(new Set(localKeys(a)));
        if (a.status === 'error') return;
        const [ga, gb] = [await graphRules(s), await graphRules(withPaths(s, order))];
        expect(gb, `${toYaml(s)}\n--- reordered:\n${toYaml(withPaths(s, order))}`).toEqual(ga);
      }),
      params(50),
    );
  });

  it('adding a path at the end keeps every finding, in order; anywhere, every path-local finding and (without the chain cache) every cycle and irq inversion', { timeout: timeout(50, 400) }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb({ minPaths: 2, maxPaths: 5 }), fc.nat(), async (s, pick) => {
        const k = pick % s.paths.length;
        const without = withPaths(s, s.paths.filter((_, i) => i !== k));
        const last = withPaths(s, [...without.paths, s.paths[k]!]);
        const a = await report('add.yaml', toYaml(without));
        const atEnd = await report('add.yaml', toYaml(last));
        // A finding of the added path may join an earlier finding's group, and an expectation
        // of it then expects the whole group: compare grouped findings without `group` and `expected`.
        const atEndPath = pathFindings(atEnd);
        const strip = (f: JsonFinding, i: number) => {
          const { group: _group, ...rest } = f;
          return atEndPath[i]!.group !== undefined ? { ...rest, expected: null } : rest;
        };
        if (a.status !== 'error') expect(located(atEndPath.slice(0, pathFindings(a).length).map(strip))).toEqual(located(pathFindings(a).map(strip)));
        const b = await report('add.yaml', toYaml(s));
        const after = new Set(localKeys(b));
        for (const key of localKeys(a)) expect(after.has(key), key).toBe(true);
        if (a.status === 'error' || b.status === 'error') return;
        const [ga, gb] = [await graphRules(without), await graphRules(s)];
        for (const rule of ga) expect(gb, rule).toContain(rule);
      }),
      params(50),
    );
  });
});

/**
 * Where `b` differs from `a` (null if nowhere), a string shortened with `...` matching any
 * string it is a prefix of.
 */
function firstDifference(a: unknown, b: unknown, at = '$'): string | null {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return null;
    // `...` in one stands for whatever the other has there.
    const pattern = (x: string) => new RegExp(`^${x.split('...').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^]*')}$`);
    if ((a.includes('...') && pattern(a).test(b)) || (b.includes('...') && pattern(b).test(a))) return null;
    return `${at}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: length ${a.length} != ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.join() !== kb.join()) return `${at}: keys ${ka.join()} != ${kb.join()}`;
    for (const k of ka) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${at}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
}

/** Every string of `x` without double quotes and backslashes. */
function unquoted(x: unknown): unknown {
  if (typeof x === 'string') return x.replace(/["\\]/g, '');
  if (Array.isArray(x)) return x.map(unquoted);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, unquoted(v)]));
  return x;
}

function stripColumns(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === 'column' ? undefined : v)));
}


export type { JsonFinding, JsonReport };
