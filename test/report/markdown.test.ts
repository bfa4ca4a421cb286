import { describe, expect, it } from 'vitest';
import { checkInputs } from '../../src/check/run.js';
import type { Finding, RunResult } from '../../src/model/finding.js';
import { mdCode, mdText, mermaidText } from '../../src/report/escape.js';
import { formatMarkdown, MARKDOWN_LIMITS } from '../../src/report/markdown.js';
import { chainFlowchart } from '../../src/report/mermaid.js';
import { expectGolden } from './golden.js';
import { ABSOLUTE_RUN, CI_RUN, OPTS } from './fixture-ci.js';
import { PASSING } from './fixture.js';
import { decodeLabel, mermaidBlocks, parseFlowchart } from './mermaid-check.js';

/** Every finding of the run unexpected (the fixtures with their `expect` blocks dropped). */
function allUnexpected(run: RunResult): RunResult {
  return {
    ...run,
    results: run.results.map((r) => ({ ...r, status: r.findings.length > 0 ? 'fail' : r.status, findings: r.findings.map((f) => ({ ...f, expected: false })) })),
  };
}

describe('markdown reporter', () => {
  it('renders the run (golden)', () => {
    expectGolden('run.md', formatMarkdown(CI_RUN, OPTS));
  });

  it('renders a passing run (golden) and leaves passing files out with --quiet', () => {
    expectGolden('passing.md', formatMarkdown(PASSING, OPTS));
    const quiet = formatMarkdown(CI_RUN, { ...OPTS, quiet: true });
    expect(quiet).not.toContain('`fixtures/aa.yaml` |');
    expect(quiet).toContain('| **fail** | `fixtures/userptr.yaml` |');
    expect(quiet).toContain('| **error** | `fixtures/bad.yaml` |');
  });

  it('has a headline with the counts and a table of the files', () => {
    const md = formatMarkdown(CI_RUN, OPTS);
    const lines = md.split('\n');
    expect(lines[0]).toBe('## fencedep: ✖ 2 of 4 files did not pass');
    expect(lines[2]).toBe('4 files: 2 passed, 1 failed, 1 error · 3 findings (1 unexpected, 1 expected, 1 warning) · 1 expectation unmet');
    expect(lines).toContain('| status | file | scenario | findings | unexpected | unmet |');
    expect(lines).toContain('| pass | `fixtures/clean.yaml` | clean | 0 | 0 | 0 |');
    expect(formatMarkdown(PASSING, OPTS).split('\n')[0]).toBe('## fencedep: ✔ all 2 files passed');
  });

  it('draws each failing cycle as a Mermaid flowchart that parses, nodes = lockdep classes, the closing edge highlighted', () => {
    const md = formatMarkdown(CI_RUN, OPTS);
    const blocks = mermaidBlocks(md);
    expect(blocks).toHaveLength(1); // the expected recursive-locking finding is not a failing one
    const g = parseFlowchart(blocks[0]!);
    expect([...g.nodes.values()]).toEqual(['fs_reclaim', 'mmu_notifier_invalidate_range_start', 'dma_fence_map']);
    expect(g.edges.map((e) => [g.nodes.get(e.from), g.nodes.get(e.to), e.label, e.thick])).toEqual([
      ['fs_reclaim', 'mmu_notifier_invalidate_range_start', 'kswapd · <fencedep>/rules/kernel/reclaim.yaml:40', false],
      ['mmu_notifier_invalidate_range_start', 'dma_fence_map', 'invalidate · fixtures/userptr.yaml:24', false],
      ['dma_fence_map', 'fs_reclaim', 'scheduler run_job · fixtures/userptr.yaml:31 · closes the cycle', true],
    ]);
    expect(g.linkStyles).toEqual([{ indices: [2], style: 'stroke:#d73a49,stroke-width:3px' }]);
  });

  it('shows pattern, remedy and the CPU0/CPU1 scenario as a table', () => {
    const md = formatMarkdown(CI_RUN, OPTS);
    expect(md).toContain('- pattern: `alloc-in-signalling` (`fencedep explain alloc-in-signalling`)');
    expect(md).toContain('- remedy: Allocate before the fence is published');
    expect(md).toContain(
      [
        '| CPU0 | CPU1 |',
        '|---|---|',
        '| `rlock(dma_fence_map);` |   |',
        '|   | `lock(fs_reclaim);` |',
        '|   | `lock(mmu_notifier_invalidate_range_start);` |',
        '| `lock(fs_reclaim);` |   |',
      ].join('\n'),
    );
  });

  it("draws every fixture's chain as a flowchart that parses, when the fixtures' expect blocks are dropped", async () => {
    const run = allUnexpected(await checkInputs(['fixtures']));
    const md = formatMarkdown(run, OPTS);
    const withChain = run.results.flatMap((r) => r.findings).filter((f) => f.chain.length > 0);
    const blocks = mermaidBlocks(md);
    expect(blocks.length).toBe(withChain.length);
    expect(blocks.length).toBeGreaterThan(10);
    blocks.forEach((b, i) => {
      const g = parseFlowchart(b);
      const f = withChain[i]!;
      expect(g.edges.length).toBe(f.chain.length);
      expect(g.edges.filter((e) => e.thick)).toHaveLength(1);
      for (const label of g.nodes.values()) expect(f.lockdep).toContain(label);
    });
  });

  it('quotes hostile class names so they parse and read back unchanged', () => {
    const base = CI_RUN.results[0]!.findings[0]!;
    const names = ['a"b', '#x;', '&vm->lock', '<script>', 'q`t`', 'p|q]', 'l1\nl2', '%% c', 'end'];
    const f: Finding = {
      ...base,
      locks: names,
      lockdep: names,
      path: 'p"ath',
      chain: names.map((n, i) => ({ ...base.chain[0]!, from: n, to: names[(i + 1) % names.length]!, path: `path "${i}" #1` })),
    };
    const g = parseFlowchart(chainFlowchart(f)!);
    expect([...g.nodes.values()]).toEqual(names.map((n) => n.replace(/\n/g, '\\n')));
    expect(g.edges[0]!.label).toBe('path "0" #1 · <fencedep>/rules/kernel/reclaim.yaml:40 · closes the cycle');
    expect(decodeLabel(mermaidText('x#y"z'))).toBe('x#y"z');
    // and the markdown around it stays valid: one mermaid block, closed
    const run: RunResult = { ...CI_RUN, results: [{ ...CI_RUN.results[0]!, findings: [f] }] };
    expect(mermaidBlocks(formatMarkdown(run, OPTS))).toHaveLength(1);
  });

  it('escapes markdown in text and code', () => {
    expect(mdText('fs_reclaim -> *x* [a](b) <b> a|b _e_ &amp;')).toBe('fs_reclaim -> \\*x\\* \\[a\\](b) \\<b> a\\|b \\_e\\_ \\&amp;');
    expect(mdText('# not a heading')).toBe('\\# not a heading');
    expect(mdText('> not a quote')).toBe('\\> not a quote');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdCode('a|b', true)).toBe('`a\\|b`');
    const run: RunResult = { ...PASSING, results: [{ ...PASSING.results[1]!, file: 'fix|tures/`odd`.yaml', scenario: 'a|b' }] };
    expect(formatMarkdown(run, OPTS)).toContain('| pass | ``fix\\|tures/`odd`.yaml`` | a\\|b | 0 | 0 | 0 |');
  });

  it('says how many known findings a baseline left out, and how many of its entries are stale', () => {
    const stale = { file: 'fixtures/old.yaml', rule: 'circular-dependency', fingerprint: '0'.repeat(32), locks: ['A', 'B'], message: 'gone' };
    const md = formatMarkdown({ ...PASSING, baseline: { file: 'fencedep-baseline.json', ignored: 3, stale: [stale] } }, OPTS);
    expect(md.split('\n')[4]).toBe('3 known findings ignored (baseline `fencedep-baseline.json`); 1 stale entry (no longer found)');
    expect(formatMarkdown(PASSING, OPTS)).not.toContain('baseline');
  });

  it('lists a long cycle in part and does not draw it; counts the findings past the first 50', () => {
    const f = CI_RUN.results[0]!.findings[0]!;
    const names = Array.from({ length: 80 }, (_, i) => `L${i}`);
    const ring: Finding = { ...f, locks: names, lockdep: names, chain: names.map((n, i) => ({ ...f.chain[0]!, from: n, to: names[(i + 1) % 80]! })) };
    const one = formatMarkdown({ ...CI_RUN, results: [{ ...CI_RUN.results[0]!, findings: [ring] }] }, OPTS);
    expect(mermaidBlocks(one)).toHaveLength(0);
    expect(one).toContain('(80 dependencies: too long a cycle to draw)');
    expect(one).toContain(`${MARKDOWN_LIMITS.chainEntries}. \`L${MARKDOWN_LIMITS.chainEntries}\` under`);
    expect(one).toContain(`… and ${80 - MARKDOWN_LIMITS.chainEntries} more dependencies`);
    const many = Array.from({ length: 60 }, (_, i) => ({ ...f, lockdep: [`x${i}`] }));
    const md = formatMarkdown({ ...CI_RUN, results: [{ ...CI_RUN.results[0]!, findings: many }] }, OPTS);
    expect(mermaidBlocks(md)).toHaveLength(MARKDOWN_LIMITS.findings);
    expect(md).toContain('… and 10 more unexpected findings: see the text or SARIF report for them.');
  });

  it('makes file names relative to the working directory', () => {
    expect(formatMarkdown(ABSOLUTE_RUN, OPTS)).toBe(formatMarkdown(CI_RUN, OPTS));
  });

  it('is deterministic', () => {
    expect(formatMarkdown(CI_RUN, OPTS)).toBe(formatMarkdown(CI_RUN, OPTS));
  });
});

describe('the Mermaid subset checker', () => {
  it('rejects what is outside the subset', () => {
    const ok = 'flowchart LR\n  n0["a"]\n  n1["b"]\n  n0 -->|"x"| n1\n  linkStyle 0 stroke:#d73a49,stroke-width:3px';
    expect(() => parseFlowchart(ok)).not.toThrow();
    expect(() => parseFlowchart('graph LR\n  n0["a"]')).toThrow(/line 1/);
    expect(() => parseFlowchart('flowchart LR\n  n0["a"b"]')).toThrow(/line 2/);
    expect(() => parseFlowchart('flowchart LR\n  n0["a#b"]')).toThrow(/line 2/);
    expect(() => parseFlowchart('flowchart LR\n  n0["a"]\n  n0 -->|"x"| n1')).toThrow(/undeclared node n1/);
    expect(() => parseFlowchart('flowchart LR\n  n0["a"]\n  n0["b"]')).toThrow(/twice/);
    expect(() => parseFlowchart('flowchart LR\n  n0["a"]\n  n0 -->|"x"| n0\n  linkStyle 1 stroke:red')).toThrow(/linkStyle 1/);
    expect(() => parseFlowchart('flowchart LR\n  n0["a"]\n  n0 --> n0')).toThrow(/not in the flowchart subset/);
  });
});
