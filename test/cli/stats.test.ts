/** `--stats`: figures per file and in total, in JSON (a `stats` field) and as a table after the text report. */
import { describe, expect, it } from 'vitest';
import { countSccs, totalStats } from '../../src/analyze/stats.js';
import { c, cli } from './helpers.js';

const FIELDS = ['classes', 'dependencies', 'chains', 'sccs', 'events', 'timeMs'];

describe('--stats', () => {
  it('JSON: a stats field per result and the total in the summary', async () => {
    const r = await cli(['--format', 'json', '--stats', 'fixtures/lockdep', c('mixed', 'b-bad.yaml')]);
    const j = JSON.parse(r.out);
    const ok = j.results.filter((x: { status: string }) => x.status !== 'error');
    for (const x of ok) expect(Object.keys(x.stats)).toEqual(FIELDS);
    // A file that could not be loaded has none.
    expect(j.results.at(-1).stats).toBeUndefined();
    const vm = j.results.find((x: { scenario: string }) => x.scenario === 'vm-lock-vs-bo-list');
    expect(vm.stats).toMatchObject({ classes: 2, dependencies: 2, chains: 4, sccs: 1, events: 5 });
    const sum = (f: string) => ok.reduce((n: number, x: { stats: Record<string, number> }) => n + x.stats[f], 0);
    for (const f of FIELDS.filter((x) => x !== 'timeMs')) expect(j.summary.stats[f], f).toBe(sum(f));
    expect(j.summary.stats.timeMs).toBeGreaterThan(0);
  });

  it('without --stats the JSON report is unchanged (no stats anywhere)', async () => {
    const j = JSON.parse((await cli(['--format', 'json', 'fixtures/lockdep'])).out);
    expect(j.summary.stats).toBeUndefined();
    expect(j.results.every((x: object) => !('stats' in x))).toBe(true);
  });

  it('text: a table after the report, one row per file and the total', async () => {
    const r = await cli(['--stats', 'fixtures/lockdep/vm-lock-vs-bo-list.yaml', 'fixtures/lockdep/gem-lock-nesting.yaml']);
    const lines = r.out.trimEnd().split('\n');
    const table = lines.slice(lines.findIndex((l) => l.startsWith('file ')));
    expect(table).toHaveLength(4);
    expect(table[0]).toMatch(/^file\s+classes\s+dependencies\s+chains\s+SCCs\s+events\s+time$/);
    expect(table[1]).toMatch(/^fixtures\/lockdep\/vm-lock-vs-bo-list\.yaml\s+2\s+2\s+4\s+1\s+5\s+\d+\.\d ms$/);
    expect(table[3]).toMatch(/^total\s+\d+\s+\d+\s+\d+\s+1\s+\d+\s+\d+\.\d ms$/);
    expect(lines[lines.indexOf(table[0]) - 2]).toMatch(/^✔ 2 files/);
  });

  it('other formats: the table on stderr, the report untouched', async () => {
    const r = await cli(['--format', 'junit', '--stats', 'fixtures/lockdep/vm-lock-vs-bo-list.yaml']);
    expect(r.out.startsWith('<?xml')).toBe(true);
    expect(r.out).not.toContain('dependencies');
    expect(r.err).toMatch(/^file\s+classes\s+dependencies/);
  });
});

describe('countSccs', () => {
  const graph = (n: number, edges: [number, number][]) => ({
    classes: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, lockdep: `c${i}`, type: 'mutex' })),
    dependencies: edges.map(([from, to]) => ({ from, to, kinds: ['EN'], path: 'p', location: null, step: null, files: [] })),
  });

  it('counts components with more than one class', () => {
    expect(countSccs(graph(0, []))).toBe(0);
    expect(countSccs(graph(3, [[0, 1], [1, 2]]))).toBe(0);
    expect(countSccs(graph(2, [[0, 0], [1, 1]]))).toBe(0); // self-loops are not cycles of classes
    expect(countSccs(graph(6, [[0, 1], [1, 0], [2, 3], [3, 4], [4, 2], [4, 5], [1, 2]]))).toBe(2);
  });

  it('is iterative: a 200,000-class ring is one component', () => {
    const n = 200_000;
    const edges: [number, number][] = [];
    for (let i = 0; i < n; i++) edges.push([i, (i + 1) % n]);
    expect(countSccs(graph(n, edges))).toBe(1);
  });

  it('totalStats adds up, and is null with nothing to add', () => {
    expect(totalStats([undefined])).toBeNull();
    const s = { classes: 1, dependencies: 2, chains: 3, sccs: 0, events: 4, timeMs: 0.25 };
    expect(totalStats([s, undefined, s])).toEqual({ classes: 2, dependencies: 4, chains: 6, sccs: 0, events: 8, timeMs: 0.5 });
  });
});
