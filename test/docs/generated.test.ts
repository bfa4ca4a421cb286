/**
 * The generated parts of the docs match the code: the rule, pattern and format tables
 * (README.md, docs/cli.md), the step, lock-type and hook reference (docs/steps.md) and the
 * built-in models (docs/models.md). When this fails, run `npm run docs`.
 */
import { describe, expect, it } from 'vitest';
import { builtinModelNames } from '../../src/load/models.js';
import { KERNEL_HOOK_NAMES, STEP_VOCABULARY } from '../../src/model/vocabulary.js';
import { PATTERNS } from '../../src/patterns/index.js';
import { RULES } from '../../src/rules/index.js';
import { fillBlock, GENERATED, modelsList, patternsTable, regenerate, rulesTable, stepReference } from './generate.js';

describe('generated documentation', () => {
  it.each(regenerate().map((r) => [r.file, r]))('%s is up to date (npm run docs)', (_file, r) => {
    expect(r.current).toBe(r.expected);
  });

  it('lists every rule, pattern, model, step spelling and kernel hook', () => {
    const rules = rulesTable();
    for (const r of RULES) expect(rules).toContain(`[\`${r.meta.id}\`](../src/rules/${r.meta.id}.md)`);
    expect(rules.split('\n')).toHaveLength(RULES.length + 2);
    const patterns = patternsTable().split('\n').slice(2);
    expect(patterns.map((l) => /\[`([^`]+)`\]/.exec(l)![1])).toEqual(PATTERNS.map((p) => p.meta.id));
    const models = modelsList();
    expect([...models.matchAll(/^### `([^`]+)`$/gm)].map((m) => m[1])).toEqual(builtinModelNames());
    expect(models).toContain('`kernel:dma_resv_lockdep`');
    expect(models).toMatch(/### `kernel\/reclaim`[^#]*invokes the hooks: `shrinker.count`, `shrinker.scan`/);
    const reference = stepReference();
    const named = new Set([...reference.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]));
    for (const name of [...STEP_VOCABULARY.map((st) => st.name), ...KERNEL_HOOK_NAMES]) expect(named.has(name), name).toBe(true);
  });

  it('a stale or missing block is found', () => {
    const text = 'a\n<!-- BEGIN GENERATED: x (npm run docs) -->\nold\n<!-- END GENERATED: x -->\nb\n';
    expect(fillBlock(text, 'x', 'new', 'f.md')).toBe('a\n<!-- BEGIN GENERATED: x (npm run docs) -->\nnew\n<!-- END GENERATED: x -->\nb\n');
    expect(() => fillBlock('no markers\n', 'x', 'new', 'f.md')).toThrow('f.md: no generated block "x"');
    expect(GENERATED.length).toBeGreaterThan(0);
  });
});
