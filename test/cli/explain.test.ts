/** `fencedep explain <rule|pattern>` and the patterns in `fencedep rules`: output and exit codes. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callOf, renderMarkdown } from '../../src/cli/explain.js';
import { modelEntries, modelInfo } from '../../src/load/model-docs.js';
import { KERNEL_HOOK_TABLE, STEP_VOCABULARY } from '../../src/model/vocabulary.js';
import { PATTERNS } from '../../src/patterns/index.js';
import { RULES } from '../../src/rules/index.js';
import { cli, NO_STACK } from './helpers.js';

const root = path.join(import.meta.dirname, '../..');

describe('fencedep explain', () => {
  it('a rule: its doc for a terminal, exit 0', async () => {
    const r = await cli(['explain', 'circular-dependency']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('circular-dependency');
    expect(lines[1]).toBe('='.repeat('circular-dependency'.length));
    expect(r.out).toContain('WARNING: possible circular locking dependency detected');
    for (const h of ['WHAT IT MEANS', 'WHY IT DEADLOCKS', 'FAILS', 'PASSES', 'REMEDIES']) expect(lines).toContain(h);
    // Sections in order, code blocks indented without their fences, no markdown marks left.
    const at = ['WHAT IT MEANS', 'WHY IT DEADLOCKS', 'FAILS', 'PASSES', 'REMEDIES'].map((h) => lines.indexOf(h));
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(r.out).not.toContain('```');
    expect(r.out).not.toMatch(/^#/m);
    expect(r.out).toMatch(/^ {6}locks:$/m);
    expect(r.out).toMatch(/^ {6}paths:$/m);
  });

  it('a pattern: its doc, with its place in the priority order, exit 0', async () => {
    const r = await cli(['explain', 'alloc-in-signalling']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out.startsWith('alloc-in-signalling\n===================\n')).toBe(true);
    expect(r.out).toContain('a blocking allocation inside a fence signalling section');
    for (const h of ['WHAT IT MEANS', 'WHY IT DEADLOCKS', 'FAILS', 'PASSES', 'REMEDIES', 'PATTERN']) expect(r.out).toContain(`\n${h}\n`);
    expect(r.out).toMatch(/^ {6}include: \[kernel\]$/m);
    expect(r.out).toMatch(/^ {6} +- kmalloc: GFP_KERNEL/m);
    const i = PATTERNS.findIndex((p) => p.meta.id === 'alloc-in-signalling');
    expect(r.out).toContain(`number ${i + 1} of ${PATTERNS.length} in priority order`);
    expect(r.out).not.toContain('`');
  });

  it('every rule and pattern with a doc can be explained', async () => {
    for (const id of [...RULES.map((x) => x.meta.id), ...PATTERNS.map((p) => p.meta.id)]) {
      const r = await cli(['explain', id]);
      expect(r.code, id).toBe(0);
      expect(r.out.split('\n')[0]).toBe(id);
    }
  });

  it('an unknown id: exit 2 with a did-you-mean, nothing on stdout', async () => {
    const r = await cli(['explain', 'alloc-in-signaling']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('unknown rule, pattern, step or hook "alloc-in-signaling" (did you mean "alloc-in-signalling"?)');
    expect(r.err).toContain("fencedep rules");
    expect(r.err).not.toMatch(NO_STACK);
    const rule = await cli(['explain', 'circular-dependancy']);
    expect(rule.code).toBe(2);
    expect(rule.err).toContain('(did you mean "circular-dependency"?)');
  });

  it('every step spelling: its description, category, operation and argument from the vocabulary', async () => {
    for (const s of STEP_VOCABULARY) {
      const r = await cli(['explain', s.name]);
      expect(r.code, s.name).toBe(0);
      const lines = r.out.split('\n');
      expect(lines[0]).toBe(s.name);
      expect(r.out).toContain(`- category: ${s.category} (`);
      expect(r.out).toContain(`- replays as: ${s.op}\n`);
      expect(r.out).toContain('- argument: ');
      expect(r.out.replace(/\s+/g, ' ')).toContain(s.description.replace(/`/g, '').replace(/\s+/g, ' '));
      expect(r.out, s.name).not.toContain('`');
    }
  });

  it('a step: aliases both ways, and what replays like it', async () => {
    const wait = await cli(['explain', 'wait']);
    expect(wait.out).toContain('- another name for: dma_fence_wait\n');
    const canonical = await cli(['explain', 'dma_fence_wait']);
    expect(canonical.out).toMatch(/- also spelled: wait\n/);
    const kmem = await cli(['explain', 'kmem_cache_alloc']);
    expect(kmem.out).toMatch(/- category: allocation \(/);
    expect(kmem.out).toMatch(/- replays like: kmalloc, /);
    const pm = await cli(['explain', 'pm_runtime_get_sync']);
    expect(pm.out).toContain('Alone it only means "may sleep"');
  });

  it('every kernel hook: who runs it, its family', async () => {
    for (const h of KERNEL_HOOK_TABLE) {
      const r = await cli(['explain', h.name]);
      expect(r.code, h.name).toBe(0);
      expect(r.out.split('\n')[0]).toBe(h.name);
      expect(r.out).toContain(`- family: ${h.family} (`);
    }
  });

  it('a misspelt step or hook gets a did-you-mean', async () => {
    expect((await cli(['explain', 'kmem_cach_alloc'])).err).toContain('(did you mean "kmem_cache_alloc"?)');
    expect((await cli(['explain', 'shrinker.scn'])).err).toContain('(did you mean "shrinker.scan"?)');
  });

  it('a name that is a segment of known ones: each listed, the names ending in it first', async () => {
    const r = await cli(['explain', 'run_job']);
    expect(r.code).toBe(2);
    const m = /\(did you mean (.*)\?( \d+ more match)?\)/.exec(r.err);
    expect(m, r.err).not.toBeNull();
    const named = [...m![1]!.matchAll(/"([^"]+)"/g)].map((x) => x[1]);
    expect(named).toContain('drm_sched_backend_ops.run_job');
    expect(named.length).toBeGreaterThan(1);
    // the hooks named `….run_job` before the paths that run them
    expect(named.findIndex((n) => !n!.endsWith('.run_job'))).toBeGreaterThan(named.indexOf('drm_sched_backend_ops.run_job'));
    // and the spelling with the layer's words finds the path
    expect((await cli(['explain', 'drm_sched run_job_work'])).err).toContain('"drm_sched:drm_sched_run_job_work"');
  });

  it('a built-in model: how to include it, its functions, hooks and paths, each explainable', async () => {
    const r = await cli(['explain', 'drm/sched']);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')[0]).toBe('drm/sched');
    expect(r.out).toContain('include: [drm] or include: [drm/sched]');
    const entries = modelEntries().filter((e) => e.model === 'drm/sched');
    for (const kind of ['function', 'hook', 'path'] as const) expect(entries.some((e) => e.kind === kind)).toBe(true);
    for (const e of entries) expect(r.out).toContain(`  - ${e.kind === 'function' ? callOf(e) : e.name}\n`);
    const drm = await cli(['explain', 'drm']);
    expect(drm.out).toContain('INCLUDES\n');
    for (const m of modelInfo('drm').includes) expect(drm.out).toContain(`  - ${m}\n`);
    expect(modelInfo('drm').includes).toContain('drm/sched');
    const reclaim = await cli(['explain', 'kernel/reclaim']);
    expect(reclaim.out).toContain('include: [kernel] or include: [kernel/reclaim]');
    expect(reclaim.out).toContain('  - kernel:kswapd\n');
  });

  it('an unknown id far from any: exit 2 without a suggestion', async () => {
    const r = await cli(['explain', 'xyzzy']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown rule, pattern, step or hook "xyzzy";');
    expect(r.err).not.toContain('did you mean');
  });

  it('no id, or two: a usage error, exit 2', async () => {
    const none = await cli(['explain']);
    expect(none.code).toBe(2);
    expect(none.err).toContain("missing required argument 'id'");
    const two = await cli(['explain', 'circular-dependency', 'alloc-in-signalling']);
    expect(two.code).toBe(2);
  });

  it('is listed in --help', async () => {
    const r = await cli(['--help']);
    expect(r.out).toContain('explain');
  });
});

describe('renderMarkdown', () => {
  it('title underlined, sections in capitals, text indented by two, code by six, inline marks dropped', () => {
    const md = '# t\n\n> the `heading`\n\n## What it means\n\nSome **bold** `code`.\n\n```yaml\na: 1\n\nb: 2\n```\n\n- item\n  more\n';
    expect(renderMarkdown(md)).toBe(
      't\n=\n\n  the heading\n\nWHAT IT MEANS\n\n  Some bold code.\n\n      a: 1\n\n      b: 2\n\n  - item\n    more\n',
    );
  });

  it('code spans keep their content; emphasis loses its marks', () => {
    expect(renderMarkdown('`mmu_notifier.*` or `a*b*c`, *before* x\n')).toBe('  mmu_notifier.* or a*b*c, before x\n');
  });

  it('renders every shipped doc without a fence or a heading mark left', () => {
    for (const dir of ['src/rules', 'src/patterns']) {
      for (const id of dir === 'src/rules' ? RULES.map((r) => r.meta.id) : PATTERNS.map((p) => p.meta.id)) {
        const out = renderMarkdown(readFileSync(path.join(root, dir, `${id}.md`), 'utf8'));
        expect(out, id).not.toContain('```');
        expect(out, id).not.toMatch(/^#/m);
      }
    }
  });
});

describe('fencedep rules lists the patterns', () => {
  it('after the rules, in priority order, marked as patterns, with their summary', async () => {
    const r = await cli(['rules']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(RULES.length + PATTERNS.length);
    for (const [i, p] of PATTERNS.entries()) {
      expect(lines[RULES.length + i]).toMatch(new RegExp(`^${p.meta.id} +pattern: `));
      expect(lines[RULES.length + i]!.endsWith(p.meta.summary)).toBe(true);
    }
  });
});
