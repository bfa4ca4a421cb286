/**
 * A model hook whose invoker passes an object by a fixed name (`object on <lru>`, `swapped bo`,
 * `ttm:deleted bo`): the hook's documentation gives that name, since a callback naming the
 * object otherwise names another instance. The names are read from the models' steps.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { modelEntries } from '../../src/load/model-docs.js';
import { builtinModelFile, builtinModelNames } from '../../src/load/models.js';
import { replayYaml } from '../rules/rule-tester.js';

/** Every string in a step list, and the hooks it invokes. */
function scan(steps: unknown, strings: string[], hooks: string[]): void {
  if (Array.isArray(steps)) for (const s of steps) scan(s, strings, hooks);
  else if (steps !== null && typeof steps === 'object') {
    for (const [k, v] of Object.entries(steps)) {
      if (k === 'invoke' && typeof v === 'string') hooks.push(v);
      else scan(v, strings, hooks);
    }
  } else if (typeof steps === 'string') strings.push(steps);
}

/** hook -> the fixed instance names (`dma_resv[X]`, X not a bare parameter) where a model function or path invokes it; `$p` shown as `<p>`. */
function fixedNames(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const model of builtinModelNames()) {
    const m = parse(readFileSync(builtinModelFile(model)!, 'utf8')) as { functions?: Record<string, unknown>; paths?: { steps?: unknown }[] };
    const bodies = [...Object.values(m.functions ?? {}).map((f) => (Array.isArray(f) ? f : (f as { steps?: unknown }).steps)), ...(m.paths ?? []).map((p) => p.steps)];
    for (const body of bodies) {
      const strings: string[] = [];
      const hooks: string[] = [];
      scan(body, strings, hooks);
      const names = strings.flatMap((s) => [...s.matchAll(/\[([^\]]+)\]/g)].map((x) => x[1]!)).filter((n) => !/^\$\w+$/.test(n));
      for (const h of hooks) for (const n of names) out.set(h, (out.get(h) ?? new Set()).add(n.replace(/\$(\w+)/g, '<$1>')));
    }
  }
  return out;
}

describe('hooks passing an object by a fixed name', () => {
  const names = fixedNames();

  it('are found in the models (the LRU walk, the TTM walks, the delayed delete)', () => {
    expect(names.get('drm_gem_lru.shrink')).toContain('object on <lru>');
    expect(names.get('ttm_device_funcs.swap_notify')).toContain('swapped bo');
    expect(names.get('ttm_device_funcs.delete_mem_notify')).toContain('ttm:deleted bo');
  });

  for (const [hook, fixed] of names) {
    const entry = modelEntries().find((e) => e.kind === 'hook' && e.name === hook);
    if (!entry) continue; // a kernel hook, documented in the vocabulary
    it(`${hook}: its documentation names ${[...fixed].join(', ')}`, () => {
      for (const n of fixed) expect(entry.doc).toContain(`"${n}"`);
    });
  }

  const shrinker = (arg: string): string =>
    [
      'version: 1',
      'name: t',
      'include: [kernel, drm]',
      'hooks:',
      '  shrinker.scan: [scan]',
      '  drm_gem_lru.shrink: [purge]',
      'functions:',
      '  scan:',
      '    - call: drm_gem_lru_scan(shrinkable, nr)',
      '  purge:',
      `    - call: drm_gem_shmem_unpin_locked(${arg})`,
      '',
    ].join('\n');

  it('a shrink callback naming the object as the walk does finds its reservation held', async () => {
    const out = await replayYaml(shrinker('object on shrinkable'));
    expect(out.errors).toEqual([]);
    expect(out.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('naming it otherwise, the assertion of the held reservation fails', async () => {
    const out = await replayYaml(shrinker('obj'));
    expect(out.findings.map((f) => f.message).join('\n')).toMatch(/dma_resv\[obj\]/);
  });
});
