/**
 * One step, several findings (a group): the text report prints the first in full and the others
 * as `also:` lines. When another finding of the group has a diagnosis the first lacks, it is
 * printed under its `also:` line: it is often the one that explains the mistake.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.js';
import { scratch } from '../fuzz/harness.js';

// A GEM LRU shrink callback blocking on a reservation: the walk holds the object's (trylock),
// so this is recursive locking and, through reclaim, a cycle the shrinker pattern explains.
const DESIGN = `version: 1
name: lru-shrink-blocks
include: [kernel, drm]
functions:
  scan: [{call: "drm_gem_lru_scan(lru, nr)"}]
  evict_one: [{dma_resv_lock: "dma_resv[vm]"}, {dma_resv_unlock: "dma_resv[vm]"}]
hooks:
  shrinker.scan: [scan]
  drm_gem_lru.shrink: [evict_one]
paths:
  - name: ioctl
    steps: [{dma_resv_lock: "dma_resv[vm]"}, {kmalloc: GFP_KERNEL}, {dma_resv_unlock: "dma_resv[vm]"}]
`;

const fx = scratch('group-diagnosis');
afterAll(() => fx.cleanup());

describe('a group whose other finding has the diagnosis', () => {
  it('prints that pattern and remedy under its also: line', async () => {
    const file = fx.write('lru.yaml', DESIGN);
    const json = JSON.parse((await cli(['check', '--no-config', '--format', 'json', file])).out);
    const findings = json.results[0].findings as { rule: string; group?: string; pattern?: string }[];
    const lead = findings[0]!;
    const other = findings.find((f) => f !== lead && f.group !== undefined && f.group === lead.group && f.pattern !== undefined && f.pattern !== lead.pattern);
    expect(other, JSON.stringify(findings)).toBeDefined();
    const lines = (await cli(['check', '--no-config', '--no-color', file])).out.split('\n');
    const at = lines.findIndex((l) => l.startsWith('  also: ') && l.endsWith(`[${other!.rule}]`));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe(`    pattern: ${other!.pattern} (fencedep explain ${other!.pattern})`);
    expect(lines[at + 2]).toMatch(/^ {4}remedy: /);
  });
});
