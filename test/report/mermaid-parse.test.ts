/**
 * The Mermaid we emit (the markdown report's cycles and `fencedep graph --format mermaid`)
 * parses with Mermaid's own parser, run under jsdom since Mermaid expects a browser.
 */
import { JSDOM } from 'jsdom';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkInputs, inspectFile } from '../../src/check/run.js';
import { buildGraph, formatMermaid } from '../../src/graph/index.js';
import { formatMarkdown } from '../../src/report/markdown.js';

type Mermaid = { initialize(c: object): void; parse(text: string): Promise<unknown> };
let mermaid: Mermaid;

beforeAll(async () => {
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  mermaid = (await import('mermaid')).default as unknown as Mermaid;
  mermaid.initialize({ startOnLoad: false });
});

describe('Mermaid output parses', () => {
  it('rejects what is not Mermaid (the parser is real)', async () => {
    await expect(mermaid.parse('flowchart LR\n  n0[[[ -->')).rejects.toThrow();
  });

  it('every cycle in the markdown report of the fixtures', async () => {
    // The fixtures expect their findings; drop that so the report draws every cycle.
    const run = await checkInputs(['fixtures']);
    const results = run.results.map((r) => ({ ...r, status: r.findings.length ? ('fail' as const) : r.status, findings: r.findings.map((f) => ({ ...f, expected: false })) }));
    const md = formatMarkdown({ ...run, results }, { color: false, quiet: false });
    const blocks = [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks) await expect(mermaid.parse(block), block).resolves.toBeTruthy();
  });

  it('the dependency graph of a seed design, hostile names included', async () => {
    for (const file of ['fixtures/seeds/userptr-job-allocates.yaml', 'fixtures/seeds/amdkfd-eviction-fence-lock-across-wait.yaml']) {
      const { result, graph } = await inspectFile(file, {});
      const text = formatMermaid(buildGraph({ file, scenario: result.scenario, graph: graph!, findings: result.findings }));
      await expect(mermaid.parse(text), text).resolves.toBeTruthy();
    }
  });
});
