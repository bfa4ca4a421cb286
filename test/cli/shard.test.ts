/** `--shard K/N`: the N shards' results together are exactly the unsharded run's; shards are balanced and deterministic. */
import { describe, expect, it } from 'vitest';
import { parseShard, selectShard } from '../../src/check/shard.js';
import { c, cli } from './helpers.js';

const INPUTS = ['fixtures', c('good'), c('fail'), c('mixed'), c('errors'), 'no/such/dir'];

describe('--shard K/N', () => {
  it('the union of the N shards equals the unsharded run, for N = 1..5', async () => {
    const full = await cli(['--format', 'json', ...INPUTS]);
    const all = JSON.parse(full.out);
    const key = (r: unknown) => JSON.stringify(r);
    for (let n = 1; n <= 5; n++) {
      const union: unknown[] = [];
      const sizes: number[] = [];
      let worst = 0;
      const totals = { files: 0, passed: 0, failed: 0, errors: 0, findings: 0 };
      for (let k = 1; k <= n; k++) {
        const r = await cli(['--format', 'json', '--shard', `${k}/${n}`, ...INPUTS]);
        const j = JSON.parse(r.out);
        union.push(...j.results);
        sizes.push(j.results.length);
        worst = Math.max(worst, r.code);
        for (const f of Object.keys(totals) as (keyof typeof totals)[]) totals[f] += j.summary[f];
      }
      expect(union.map(key).sort(), `N=${n}`).toEqual(all.results.map(key).sort());
      expect(totals).toEqual(all.summary);
      expect(worst).toBe(full.code);
      expect(Math.max(...sizes) - Math.min(...sizes), `balanced, N=${n}`).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic and keeps the run\'s order', async () => {
    const a = await cli(['--format', 'json', '--shard', '2/3', 'fixtures']);
    const b = await cli(['--format', 'json', '--shard', '2/3', 'fixtures']);
    expect(a.out).toBe(b.out);
    const files = JSON.parse(a.out).results.map((r: { file: string }) => r.file);
    expect(files).toEqual([...files].sort());
  });

  it('a shard with no input is an empty, passing run', async () => {
    const r = await cli(['--format', 'json', '--shard', '3/3', 'fixtures/lockdep/vm-lock-vs-bo-list.yaml', 'fixtures/lockdep/gem-lock-nesting.yaml']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).summary.files).toBe(0);
  });

  it('a malformed shard is a usage error', async () => {
    for (const bad of ['0/3', '4/3', '1/0', '1-3', 'x/y', '1/3/4']) {
      const r = await cli(['--shard', bad, 'fixtures']);
      expect(r.code, bad).toBe(2);
      expect(r.err, bad).toMatch(/option '--shard <K\/N>' argument '.*' is invalid\. invalid shard/);
    }
    expect(parseShard(' 2 / 4 ')).toEqual({ index: 2, count: 4 });
    expect(parseShard('5/4')).toEqual({ error: 'invalid shard "5/4": K must be between 1 and 4' });
  });

  it('round-robin: shard K gets items K-1, K-1+N, ...', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(selectShard(items, { index: 1, count: 3 })).toEqual(['a', 'd', 'g']);
    expect(selectShard(items, { index: 3, count: 3 })).toEqual(['c', 'f']);
    expect(selectShard(items, undefined)).toEqual(items);
  });
});
