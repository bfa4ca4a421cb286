/**
 * Output is byte-identical across runs (in-process and in a fresh process) and across
 * `--shard` splits re-joined.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { hostileNames, plainNames, scenarioArb, streamable, toJson, toJsonl, toYaml, type AbsScenario } from './gen.js';
import { assertSane, cli, params, scratch, timeout, type JsonReport } from './harness.js';
import { HANG_MS } from '../time-limit.js';
import { mutateText, textOpArb } from './mutate.js';

const fx = scratch('determinism');
afterAll(() => fx.cleanup());

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A file of a scenario in one of the three forms (a stream only where it replays as the file does). */
function write(dir: string, name: string, s: AbsScenario, form: number, hostile: boolean): string {
  const names = hostile ? hostileNames(form) : plainNames;
  if (form % 3 === 2 && streamable(s)) return fx.write(path.join(dir, `${name}.jsonl`), toJsonl(s, names));
  if (form % 3 === 1) return fx.write(path.join(dir, `${name}.json`), toJson(s, names));
  return fx.write(path.join(dir, `${name}.yaml`), toYaml(s, names));
}

describe('determinism', () => {
  it('the same input twice gives byte-identical output, in every format', { timeout: timeout(60, 300) }, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(), fc.nat(5), fc.boolean(), fc.constantFrom('text', 'json', 'sarif', 'junit', 'markdown', 'github'), async (s, form, hostile, format) => {
        const file = write('same', 'a', s, form, hostile);
        const a = await cli(['check', '--no-config', '--format', format, file]);
        const b = await cli(['check', '--no-config', '--format', format, file]);
        assertSane(a, file);
        expect(b.out).toBe(a.out);
        expect(b.err).toBe(a.err);
        expect(b.code).toBe(a.code);
      }),
      params(60),
    );
  });

  it('a fresh process gives the same bytes as the in-process run', async () => {
    const samples = fc.sample(fc.tuple(scenarioArb(), fc.nat(5), fc.boolean()), { numRuns: 6, seed: 5 });
    const dir = fx.sub('fresh');
    const files = samples.map(([s, form, hostile], i) => write('fresh', `s${i}`, s, form, hostile));
    files.push(fx.write('fresh/broken.yaml', mutateText(toYaml(samples[0]![0]), fc.sample(fc.array(textOpArb, { minLength: 2, maxLength: 2 }), { numRuns: 1, seed: 3 })[0]!)));
    for (const format of ['json', 'text']) {
      const inProcess = await cli(['check', '--no-config', '--format', format, dir]);
      const child = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'fencedep.js'), 'check', '--no-config', '--format', format, dir], { encoding: 'utf8', timeout: HANG_MS, cwd: process.cwd() });
      expect(child.status).toBe(inProcess.code);
      expect(child.stdout).toBe(inProcess.out);
    }
  });

  it('--shard K/N for every N: the shards re-joined are the unsharded run', { timeout: timeout(25, 1500) }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(scenarioArb({ depth: 1 }), fc.nat(5), fc.boolean()), { minLength: 1, maxLength: 5 }), fc.boolean(), async (inputs, broken) => {
        const dir = fx.sub('shard');
        inputs.forEach(([s, form, hostile], i) => write('shard', `f${i}`, s, form, hostile));
        if (broken) fx.write('shard/zz-broken.yaml', 'paths:\n  - name: p\n    steps: [{lock: nope}]\n');
        const full = await cli(['check', '--no-config', '--format', 'json', dir]);
        assertSane(full, dir);
        const all = JSON.parse(full.out) as JsonReport;
        const n = all.results.length;
        for (let count = 1; count <= n + 1; count++) {
          const joined: JsonReport['results'][number][] = [];
          let worst = 0;
          const totals: Record<string, number> = { files: 0, passed: 0, failed: 0, errors: 0, findings: 0 };
          for (let k = 1; k <= count; k++) {
            const r = await cli(['check', '--no-config', '--format', 'json', '--shard', `${k}/${count}`, dir]);
            assertSane(r, `${k}/${count}`);
            const j = JSON.parse(r.out) as JsonReport;
            joined.push(...j.results);
            worst = Math.max(worst, r.code);
            for (const key of Object.keys(totals)) totals[key]! += j.summary[key]!;
          }
          // Shard K holds inputs K-1, K-1+N, ...: dealing them back gives the run's order.
          const order = all.results.map((r) => r.file);
          joined.sort((x, y) => order.indexOf(x.file) - order.indexOf(y.file));
          expect(JSON.stringify(joined), `N=${count}`).toBe(JSON.stringify(all.results));
          expect(totals).toEqual(all.summary);
          expect(worst).toBe(full.code);
        }
      }),
      params(25),
    );
  });
});
