/**
 * `fencedep graph` views and drawing: `--hide-model` leaves out the built-in models' own
 * dependencies, `--finding` draws one finding's chain, labels name files relative to the
 * working directory even for an absolute input, and the SVG's boxes and canvas hold their text
 * (measured from the SVG itself).
 */
import path from 'node:path';
import { DirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import { GRAPH_FONT } from '../../src/graph/dot.js';
import { cli } from '../cli/helpers.js';
import { here } from '../helpers/golden.js';

const CYCLE = here(import.meta.url, 'cases', 'cycle.yaml');
/** The kernel model primed, a cycle closing through it, and the scenario's notifier callback run by kswapd. */
const USERPTR = 'fixtures/seeds/userptr-job-allocates.yaml';
/** Two findings of one group: the second's chain runs through drm/sched's work item. */
const PANFROST = 'fixtures/drm/panfrost-reset-resubmit.yaml';

interface Json {
  attributes: Record<string, unknown>;
  nodes: { key: string; attributes: Record<string, unknown> }[];
  edges: { source: string; target: string; attributes: Record<string, unknown> }[];
}
async function graphJson(args: readonly string[]): Promise<Json> {
  const r = await cli(['graph', '--format', 'json', ...args]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as Json;
}
const pairs = (j: Json): string[] => j.edges.map((e) => `${e.source} -> ${e.target}`).sort();

describe('graph --hide-model', () => {
  it("leaves out the models' own dependencies and the classes only they touch; the finding's chain stays whole", async () => {
    const all = await graphJson([USERPTR]);
    const hidden = await graphJson([USERPTR, '--hide-model']);
    expect(hidden.attributes.modelHidden).toBe(true);
    const own = all.edges.filter((e) => e.attributes.own === true || e.attributes.reported === true);
    expect(own.length).toBeGreaterThan(0);
    expect(own.length).toBeLessThan(all.edges.length);
    expect(pairs(hidden)).toEqual(own.map((e) => `${e.source} -> ${e.target}`).sort());
    // The kernel model's priming: gone (reservation_ww_class_acquire is only the model's).
    expect(hidden.nodes.map((n) => n.key)).not.toContain('reservation_ww_class_acquire');
    expect(all.nodes.map((n) => n.key)).toContain('reservation_ww_class_acquire');
    // The cycle closes through the model's fs_reclaim -> mmu_notifier dependency: kept.
    expect(pairs(hidden)).toContain('fs_reclaim -> mmu_notifier_invalidate_range_start');
    const fsToMmu = hidden.edges.find((e) => e.source === 'fs_reclaim' && e.target === 'mmu_notifier_invalidate_range_start')!;
    expect(fsToMmu.attributes).toMatchObject({ own: false, reported: true });
    // kswapd (a model path) running the scenario's notifier callback is the scenario's.
    const kswapd = hidden.edges.find((e) => e.source === 'mmu_notifier_invalidate_range_start' && e.target === '&adev->notifier_lock')!;
    expect(kswapd.attributes).toMatchObject({ path: 'kernel:kswapd', own: true });
    const dot = (await cli(['graph', USERPTR, '--hide-model'])).out;
    expect(dot).toContain('userptr-job-allocates (kernel model hidden)');
  });

  it('changes nothing in a scenario without a model', async () => {
    const all = await graphJson([CYCLE]);
    expect(pairs(await graphJson([CYCLE, '--hide-model']))).toEqual(pairs(all));
  });
});

describe('graph --finding', () => {
  it("by number: only that finding's chain", async () => {
    const check = JSON.parse((await cli(['--no-config', '--format', 'json', PANFROST])).out) as {
      results: { findings: { group?: string; chain: { from: string; to: string }[] }[] }[];
    };
    const findings = check.results[0]!.findings;
    expect(findings).toHaveLength(2);
    for (const [i, f] of findings.entries()) {
      const g = await graphJson([PANFROST, '--finding', String(i + 1)]);
      const name = new Map(g.nodes.map((n) => [n.attributes.name as string, n.key]));
      expect(pairs(g)).toEqual(f.chain.map((c) => `${name.get(c.from)} -> ${name.get(c.to)}`).sort());
      expect(g.edges.every((e) => e.attributes.reported === true)).toBe(true);
      expect(g.attributes.finding).toMatchObject({ index: i + 1, rule: 'circular-dependency' });
    }
    // The group's id is its first finding's fingerprint: --finding takes it, or a prefix of it.
    const group = findings[0]!.group!;
    expect(group).toMatch(/^[0-9a-f]{32}$/);
    expect(pairs(await graphJson([PANFROST, '--finding', group]))).toEqual(pairs(await graphJson([PANFROST, '--finding', '1'])));
    expect(pairs(await graphJson([PANFROST, '--finding', group.slice(0, 6)]))).toEqual(pairs(await graphJson([PANFROST, '--finding', '1'])));
    const mmd = (await cli(['graph', PANFROST, '--finding', '2', '--format', 'mermaid'])).out;
    // The title names the finding by number, rule and its own fingerprint (not the group's).
    const title = /^%% fencedep graph: panfrost-reset-resubmit \(finding 2: circular-dependency ([0-9a-f]{32})\) — (.*)$/.exec(mmd.split('\n')[0]!);
    expect(title?.[2]).toBe(PANFROST);
    expect(title?.[1]).not.toBe(group);
  });

  it('says what is wrong, with the findings there are (exit 2)', async () => {
    const out = async (id: string) => {
      const r = await cli(['graph', PANFROST, '--finding', id]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      return r.err;
    };
    expect(await out('3')).toMatch(/there is no finding 3; its findings: 1 circular-dependency [0-9a-f]{32}; 2 circular-dependency [0-9a-f]{32}\n$/);
    expect(await out('0123456789abcdef')).toContain('no finding has the id 0123456789abcdef');
    expect(await out('ab')).toContain('an id prefix needs at least 4 characters');
    expect(await out('cycle\u001b[31m')).toContain('expected a finding\'s number (1, 2, ...) or its id');
    expect(await out('cycle\u001b[31m')).not.toContain('\u001b');
    const sleep = await cli(['graph', 'fixtures/lockdep/mutex-under-job-spinlock.yaml', '--finding', '1']);
    expect(sleep.code).toBe(2);
    expect(sleep.err).toContain('finding 1 (sleep-in-atomic, at fixtures/lockdep/mutex-under-job-spinlock.yaml:9:7) has no dependency chain to draw');
  });
});

describe('graph labels of an absolute input', () => {
  it('name files relative to the working directory, in every format', async () => {
    const abs = path.resolve(USERPTR);
    for (const format of ['dot', 'mermaid', 'json', 'svg']) {
      const r = await cli(['graph', abs, '--format', format]);
      expect(r.code).toBe(0);
      expect(r.out, format).not.toContain(process.cwd());
      expect(r.out, format).toContain(format === 'svg' ? 'userptr&#45;job&#45;allocates.yaml' : USERPTR);
    }
  });
});

/** Undo the XML escaping of SVG text. */
const xmlText = (s: string): string =>
  s.replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

interface Box { x0: number; x1: number; y0: number; y1: number }

/**
 * Every text of an SVG that does not fit: a node's line wider than its box (the ellipse's
 * width at the line's height), or any line outside the canvas (the viewBox). A line's width is
 * what any fixed-width font draws: 0.6 em a character.
 */
function overflows(svg: string): string[] {
  const problems: string[] = [];
  const [, , vw, vh] = /viewBox="([\d.-]+) ([\d.-]+) ([\d.-]+) ([\d.-]+)"/.exec(svg)!.slice(1).map(Number) as [number, number, number, number];
  const [tx, ty] = /<g id="graph0" class="graph" transform="scale\(1 1\) rotate\(0\) translate\(([\d.-]+) ([\d.-]+)\)"/.exec(svg)!.slice(1).map(Number) as [number, number];
  const texts = (group: string) =>
    [...group.matchAll(/<text[^>]*text-anchor="(\w+)" x="([\d.-]+)" y="([\d.-]+)" font-family="([^"]*)" font-size="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => {
      const width = [...xmlText(m[6]!)].length * 0.6 * Number(m[5]);
      const x = Number(m[2]);
      const x0 = m[1] === 'middle' ? x - width / 2 : m[1] === 'end' ? x - width : x;
      return { text: xmlText(m[6]!), family: m[4]!, x0, x1: x0 + width, y: Number(m[3]), size: Number(m[5]) };
    });
  for (const t of texts(svg)) {
    if (!t.family.startsWith(GRAPH_FONT)) problems.push(`${t.text}: font ${t.family}`);
    if (t.x0 + tx < 0 || t.x1 + tx > vw || t.y + ty - t.size < 0 || t.y + ty > vh) problems.push(`${t.text}: outside the canvas`);
  }
  for (const m of svg.matchAll(/<g id="node\d+" class="node">([\s\S]*?)<\/g>/g)) {
    const body = m[1]!;
    const poly = /<polygon[^>]*points="([^"]+)"/.exec(body);
    const ell = /<ellipse[^>]*cx="([\d.-]+)" cy="([\d.-]+)" rx="([\d.]+)" ry="([\d.]+)"/.exec(body);
    for (const t of texts(body)) {
      let box: Box;
      if (poly) {
        const pts = poly[1]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
        box = { x0: Math.min(...pts.map((p) => p[0])), x1: Math.max(...pts.map((p) => p[0])), y0: 0, y1: 0 };
      } else {
        const [cx, cy, rx, ry] = ell!.slice(1).map(Number) as [number, number, number, number];
        // The ellipse's half-width at the text's mid-height.
        const dy = Math.min(Math.abs(t.y - t.size * 0.35 - cy), ry);
        const half = rx * Math.sqrt(1 - (dy / ry) ** 2);
        box = { x0: cx - half, x1: cx + half, y0: 0, y1: 0 };
      }
      if (t.x0 < box.x0 || t.x1 > box.x1) problems.push(`${t.text}: wider than its node (${(t.x1 - t.x0).toFixed(1)} > ${(box.x1 - box.x0).toFixed(1)})`);
    }
  }
  return problems;
}

describe('graph --format svg: the text fits', () => {
  it('every node line inside its box or ellipse, every label inside the canvas', async () => {
    for (const file of [USERPTR, CYCLE, PANFROST]) {
      const r = await cli(['graph', file, '--format', 'svg']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/<text/);
      expect(overflows(r.out), file).toEqual([]);
    }
  });

  it('the measure can fail: the same drawing with larger text overflows', async () => {
    const svg = (await cli(['graph', USERPTR, '--format', 'svg'])).out;
    const larger = svg.replace(/font-size="11.00"/g, 'font-size="14.00"').replace(/font-size="9.00"/g, 'font-size="30.00"');
    const problems = overflows(larger);
    expect(problems.some((p) => p.includes('wider than its node'))).toBe(true);
    expect(problems.some((p) => p.includes('outside the canvas'))).toBe(true);
  });
});

describe('graph JSON: own dependencies are marked', () => {
  it('own on edges and nodes, read back by Graph.from', async () => {
    const j = await graphJson([USERPTR]);
    const g = DirectedGraph.from(j as never);
    expect(g.getNodeAttribute('reservation_ww_class_acquire', 'own')).toBe(false);
    expect(g.getNodeAttribute('&ring->lock', 'own')).toBe(true);
  });
});
