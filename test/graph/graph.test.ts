/**
 * `fencedep graph`: golden DOT, Mermaid and JSON of a small cyclic scenario; `--cycles`; the
 * DOT parses (Graphviz renders it to SVG in-process); the SVG highlights the cycle; escaping of
 * the names lockdep prints; determinism; streams; errors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DirectedGraph } from 'graphology';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGraph, cyclesOnly, formatDot, formatMermaid, graphviz, renderSvg } from '../../src/graph/index.js';
import type { GraphExport } from '../../src/replay/index.js';
import { cli } from '../cli/helpers.js';
import { expectGoldenIn, here } from '../helpers/golden.js';

const GOLDEN = here(import.meta.url, 'golden');
const CYCLE = here(import.meta.url, 'cases', 'cycle.yaml');
const KERNEL_CASE = here(import.meta.url, '..', 'diff', 'cases', 'after', 'run-job.yaml');
const STREAM = here(import.meta.url, '..', 'cli', 'cases', 'fail', 'abba.jsonl');

const ODD = 'odd "name" [0] {x} <y> | #z `t` \\';
const CYCLE_CLASSES = ['&mm->mmap_lock', '(work_completion)(&w)', ODD];

/** Undo the XML escaping of SVG text. */
function xmlText(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text lines of an SVG's nodes and edges, unescaped. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => xmlText(m[1]!));
}

/** The edge groups of an SVG: their title (`from->to`) and whether they are drawn red. */
function svgEdges(svg: string): { title: string; red: boolean }[] {
  return [...svg.matchAll(/<g id="edge\d+" class="edge">\s*<title>([^<]*)<\/title>([\s\S]*?)<\/g>/g)].map((m) => ({
    title: xmlText(m[1]!),
    red: /<path[^>]*stroke="red"/.test(m[2]!),
  }));
}

describe('fencedep graph: golden outputs of a small cyclic scenario', () => {
  it('DOT (the default)', async () => {
    const r = await cli(['graph', CYCLE]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expectGoldenIn(GOLDEN, 'cycle.dot', r.out);
  });

  it('Mermaid', async () => {
    const r = await cli(['graph', CYCLE, '--format', 'mermaid']);
    expect(r.code).toBe(0);
    expectGoldenIn(GOLDEN, 'cycle.mmd', r.out);
  });

  it('JSON: graphology serialization, every attribute, read back by Graph.from', async () => {
    const r = await cli(['graph', CYCLE, '--format', 'json']);
    expect(r.code).toBe(0);
    expectGoldenIn(GOLDEN, 'cycle.json', r.out);
    const g = DirectedGraph.from(JSON.parse(r.out));
    expect(g.order).toBe(4);
    expect(g.size).toBe(4);
    expect(g.getAttribute('scenario')).toBe('flush-under-mmap-lock');
    const closing = g.edge(ODD, '&mm->mmap_lock')!;
    expect(g.getEdgeAttributes(closing)).toEqual({
      kinds: ['EN'],
      path: 'ioctl',
      location: { file: CYCLE, line: 27, column: 9 },
      step: 'down_read: mmap_lock',
      cycle: true,
      reported: true,
      rules: ['circular-dependency'],
      own: true,
    });
    expect(g.getNodeAttributes('(work_completion)(&w)')).toEqual({
      lockdep: '(work_completion)(&w)', name: 'work', type: 'map', cycle: true, reported: true, own: true,
    });
    expect(g.getNodeAttribute('&dev->list_lock', 'cycle')).toBe(false);
  });

  it('is deterministic (byte-identical across runs) in every format', async () => {
    for (const format of ['dot', 'mermaid', 'json', 'svg']) {
      const a = await cli(['graph', CYCLE, '--format', format]);
      const b = await cli(['graph', CYCLE, '--format', format]);
      expect(a.out, format).toBe(b.out);
    }
  });
});

describe('fencedep graph --cycles', () => {
  it('keeps exactly the strongly connected component', async () => {
    const r = await cli(['graph', CYCLE, '--cycles', '--format', 'json']);
    expect(r.code).toBe(0);
    const g = DirectedGraph.from(JSON.parse(r.out));
    expect(g.nodes().sort()).toEqual([...CYCLE_CLASSES].sort());
    expect(g.mapEdges((_e, _a, s, t) => `${s} -> ${t}`).sort()).toEqual(
      [`&mm->mmap_lock -> (work_completion)(&w)`, `(work_completion)(&w) -> ${ODD}`, `${ODD} -> &mm->mmap_lock`].sort(),
    );
    expect(g.getAttribute('cyclesOnly')).toBe(true);
  });

  it('of the kernel model: the fs_reclaim / notifier / dma_fence_map cycle and i_mmap_rwsem, nothing acyclic', async () => {
    const r = await cli(['graph', KERNEL_CASE, '--cycles', '--format', 'json']);
    const g = DirectedGraph.from(JSON.parse(r.out));
    expect(g.nodes()).toEqual(['&mapping->i_mmap_rwsem', 'dma_fence_map', 'fs_reclaim', 'mmu_notifier_invalidate_range_start']);
    expect(g.hasEdge('dma_fence_map', 'fs_reclaim')).toBe(true);
    expect(g.hasNode('&ring->lock')).toBe(false);
    expect(g.hasNode('reservation_ww_class_mutex')).toBe(false);
  });

  it('of an acyclic scenario is empty, and still valid DOT', async () => {
    const r = await cli(['graph', here(import.meta.url, '..', 'diff', 'cases', 'before', 'run-job.yaml'), '--cycles']);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('->');
    expect(svgTexts(await renderSvg(r.out))).toEqual(['run-job (cycles only)', here(import.meta.url, '..', 'diff', 'cases', 'before', 'run-job.yaml')]);
  });
});

describe('the DOT output parses: Graphviz (WebAssembly) renders it', () => {
  it('renders the full graph and the cycles, every name coming out as written', async () => {
    for (const args of [[CYCLE], [CYCLE, '--cycles'], [KERNEL_CASE]]) {
      const dot = (await cli(['graph', ...args])).out;
      const result = (await graphviz()).render(dot, { format: 'svg' });
      expect(result.errors, args.join(' ')).toEqual([]);
      expect(result.status).toBe('success');
    }
    const svg = await renderSvg((await cli(['graph', CYCLE])).out);
    const texts = svgTexts(svg);
    for (const name of [...CYCLE_CLASSES, '&dev->list_lock', '(work)', '(odd)']) expect(texts).toContain(name);
    expect(texts).toContain(`${CYCLE}:27`);
  });

  it('escapes whatever a class name holds: quotes, backslashes (trailing too), entities, escString sequences, newlines', async () => {
    const names = ['a"b', 'trailing\\', '\\N \\l \\G', '&amp; & &#92;', 'two\nlines', '<html> [b] {c} |d|', 'digraph', '->', ''];
    const graph: GraphExport = {
      classes: names.map((n) => ({ name: `n${names.indexOf(n)}`, lockdep: n, type: 'mutex' })),
      dependencies: names.map((_, i) => ({
        from: i, to: (i + 1) % names.length, kinds: ['EN'], path: `p "${i}" \\`, location: { file: 'f&g.yaml', line: i + 1, column: 1 }, step: null, files: [],
      })),
    };
    const g = buildGraph({ file: 'f&g.yaml', scenario: 'weird "one" \\', graph, findings: [] });
    const svg = await renderSvg(formatDot(g));
    const texts = svgTexts(svg);
    // A line break in a name is shown as `\n` (the terminal escaper's visible form), never drawn.
    for (const n of names) if (n !== '') expect(texts, JSON.stringify(n)).toContain(n.replace(/\n/g, '\\n'));
    expect(texts).toContain('p "3" \\');
    expect(texts).toContain('f&g.yaml:4');
    expect(texts).toContain('weird "one" \\');
    expect(svgEdges(svg)).toHaveLength(names.length);
    // And the same graph as Mermaid: one node line per class, labels without raw specials.
    const mmd = formatMermaid(g);
    const nodeLines = mmd.split('\n').filter((l) => /^ {2}n\d+\[/.test(l));
    expect(nodeLines).toHaveLength(names.length);
    for (const l of nodeLines) expect(l).toMatch(/^ {2}n\d+\["[^"<>&|`]*(<br\/>[^"<>&|`]*)*"\]$/);
  });
});

describe('fencedep graph --format svg', () => {
  it('draws the cycle edges red and only those', async () => {
    const r = await cli(['graph', CYCLE, '--format', 'svg']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^<\?xml/);
    expect(r.out).toContain('</svg>');
    const edges = svgEdges(r.out);
    expect(edges).toHaveLength(4);
    expect(edges.filter((e) => e.red).map((e) => e.title).sort()).toEqual(
      [`&mm->mmap_lock->(work_completion)(&w)`, `(work_completion)(&w)->${ODD.replace(/\\/g, '\\\\')}`, `${ODD.replace(/\\/g, '\\\\')}->&mm->mmap_lock`].sort(),
    );
    expect(edges.find((e) => e.title.endsWith('->&dev->list_lock'))!.red).toBe(false);
  });

  it('highlights the alloc-in-signalling cycle through the kernel model', async () => {
    const r = await cli(['graph', KERNEL_CASE, '--format', 'svg']);
    const red = svgEdges(r.out).filter((e) => e.red).map((e) => e.title).sort();
    expect(red).toEqual(['dma_fence_map->fs_reclaim', 'fs_reclaim->mmu_notifier_invalidate_range_start', 'mmu_notifier_invalidate_range_start->dma_fence_map']);
  });
});

describe('fencedep graph: Mermaid', () => {
  it('is a flowchart whose every line is a node, an edge or a style, and whose linkStyle indexes the cycle edges', async () => {
    const r = await cli(['graph', KERNEL_CASE, '--format', 'mermaid']);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^%% /);
    expect(lines[1]).toBe('flowchart TD');
    const edges: string[] = [];
    for (const l of lines.slice(2)) {
      const edge = /^ {2}(n\d+) -->\|"[^"]*"\| (n\d+)$/.exec(l);
      if (edge) edges.push(`${edge[1]}>${edge[2]}`);
      else expect(l).toMatch(/^ {2}(n\d+(\["[^"]*"\]|\(\["[^"]*"\]\))|classDef reported [a-z:,\-0-9]+|class [n\d,]+ reported|linkStyle [\d,]+ [a-z:,\-0-9]+)$/);
    }
    const ids = new Map(lines.filter((l) => /^ {2}n\d+[[(]/.test(l)).map((l) => [/"([^"<]*)/.exec(l)![1]!, /n\d+/.exec(l)![0]]));
    const link = /linkStyle ([\d,]+) /.exec(r.out)![1]!.split(',').map(Number);
    const red = link.map((i) => edges[i]).sort();
    const e = (a: string, b: string) => `${ids.get(a)}>${ids.get(b)}`;
    expect(red).toEqual(
      [e('dma_fence_map', 'fs_reclaim'), e('fs_reclaim', 'mmu_notifier_invalidate_range_start'), e('mmu_notifier_invalidate_range_start', 'dma_fence_map')].sort(),
    );
  });
});

describe('fencedep graph: inputs', () => {
  it('a JSONL stream', async () => {
    const r = await cli(['graph', STREAM]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('"A" -> "B" [label="EN\\nt1\\n');
    expect(r.out).toContain('"B" -> "A" [label="EN\\nt2\\n');
    expect(r.out.match(/ color=red/g)).toHaveLength(4); // two nodes, two edges
  });

  const tmp = mkdtempSync(path.join(tmpdir(), 'fencedep-graph-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('-o writes the file and nothing to stdout', async () => {
    const out = path.join(tmp, 'g.svg');
    const r = await cli(['graph', CYCLE, '--format', 'svg', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(readFileSync(out, 'utf8')).toContain('</svg>');
  });

  it('exit 2: a directory, a missing file, an invalid scenario, an unknown format', async () => {
    const dir = await cli(['graph', here(import.meta.url, 'cases')]);
    expect(dir.code).toBe(2);
    expect(dir.err).toContain('is a directory');
    const missing = await cli(['graph', path.join(tmp, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.yaml.*: error: /);
    expect(missing.out).toBe('');
    const bad = await cli(['graph', here(import.meta.url, '..', 'cli', 'cases', 'errors')]);
    expect(bad.code).toBe(2);
    const format = await cli(['graph', CYCLE, '--format', 'png']);
    expect(format.code).toBe(2);
    expect(format.err).toContain('did you mean "svg"');
  });
});

describe('the model', () => {
  it('cyclesOnly keeps keys and attributes', () => {
    const graph: GraphExport = {
      classes: [{ name: 'a', lockdep: 'A', type: 'mutex' }, { name: 'b', lockdep: 'B', type: 'mutex' }, { name: 'c', lockdep: 'C', type: 'mutex' }],
      dependencies: [
        { from: 0, to: 1, kinds: ['EN'], path: 'p', location: null, step: null, files: [] },
        { from: 1, to: 0, kinds: ['EN'], path: 'q', location: null, step: null, files: [] },
        { from: 1, to: 2, kinds: ['SN'], path: 'q', location: null, step: null, files: [] },
      ],
    };
    const g = buildGraph({ file: 'f', scenario: 's', graph, findings: [] });
    const c = cyclesOnly(g);
    expect(c.nodes()).toEqual(['A', 'B']);
    expect(c.edges()).toEqual(g.edges().filter((e) => g.getEdgeAttribute(e, 'cycle')));
    expect(c.getEdgeAttributes(c.edge('B', 'A')!)).toMatchObject({ path: 'q', reported: false, cycle: true });
  });

  it("adds a finding's closing dependency when the replay did not record it, and marks its chain", () => {
    const graph: GraphExport = {
      classes: [{ name: 'a', lockdep: 'A', type: 'mutex' }, { name: 'b', lockdep: 'B', type: 'mutex' }],
      dependencies: [{ from: 0, to: 1, kinds: ['EN'], path: 'p', location: null, step: null, files: [] }],
    };
    const loc = { file: 'f.yaml', line: 9, column: 3 };
    const finding = {
      rule: 'circular-dependency', severity: 'error', message: 'm', expected: false, path: 'q', locks: ['b', 'a'], lockdep: ['B', 'A'],
      location: loc, heading: 'h', report: [],
      chain: [
        { from: 'b', to: 'a', path: 'q', location: loc, stack: [{ ...loc, step: 'mutex_lock: a' }] },
        { from: 'a', to: 'b', path: 'p', location: loc, stack: [] },
      ],
    } as const;
    const g = buildGraph({ file: 'f.yaml', scenario: 's', graph, findings: [finding] });
    expect(g.getEdgeAttributes(g.edge('B', 'A')!)).toEqual({
      kinds: [], path: 'q', location: loc, step: 'mutex_lock: a', cycle: true, reported: true, rules: ['circular-dependency'], own: true,
    });
    expect(g.getEdgeAttribute(g.edge('A', 'B')!, 'reported')).toBe(true);
    expect(g.nodes().map((n) => g.getNodeAttribute(n, 'reported'))).toEqual([true, true]);
  });

  it('gives classes sharing a lockdep name distinct nodes, #2 after the first by scenario name', () => {
    const graph: GraphExport = {
      classes: [{ name: 'zz', lockdep: '&vm->lock', type: 'mutex' }, { name: 'aa', lockdep: '&vm->lock', type: 'mutex' }],
      dependencies: [{ from: 0, to: 1, kinds: ['EN'], path: 'p', location: null, step: null, files: [] }],
    };
    const g = buildGraph({ file: 'f', scenario: 's', graph, findings: [] });
    expect(g.nodes()).toEqual(['&vm->lock', '&vm->lock#2']);
    expect(g.getNodeAttribute('&vm->lock', 'name')).toBe('aa');
    expect(g.hasEdge('&vm->lock#2', '&vm->lock')).toBe(true);
  });
});
