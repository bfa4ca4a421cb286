/**
 * An unmet expectation says which finding of its rule came closest and what it lacks: the
 * `involves` names none of its locks answers to, or the other path it was reported on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fencedep-closest-'));

/** A scenario with the cycles `cycles` (each a pair of locks, taken both ways on paths `<a>_<b>` and `<b>_<a>`), the locks `unused`, and `expect`. */
function scenario(name: string, cycles: [string, string][], expect: string[], unused: string[] = []): string {
  const locks = [...new Set([...cycles.flat(), ...unused])];
  const pathOf = (a: string, b: string): string[] => [`  - name: ${a}_${b}`, '    steps:', `      - mutex_lock: ${a}`, `      - mutex_lock: ${b}`, `      - mutex_unlock: ${b}`, `      - mutex_unlock: ${a}`];
  const text = [
    'version: 1',
    `name: ${name}`,
    'locks:',
    ...locks.map((l) => `  ${l}: { type: mutex }`),
    'paths:',
    ...cycles.flatMap(([a, b]) => [...pathOf(a, b), ...pathOf(b, a)]),
    'expect:',
    ...expect,
    '',
  ].join('\n');
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

interface JsonUnmet {
  rule: string;
  closest?: { location: { file: string; line: number; column: number }; locks: string[]; path: string; missing: string[]; otherPath: boolean };
}
interface JsonFinding {
  rule: string;
  path: string;
  location: { file: string; line: number; column: number };
}

async function run(file: string): Promise<{ text: string; unmet: JsonUnmet[]; findings: JsonFinding[] }> {
  const text = await cli(['check', file]);
  expect(text.code).toBe(1);
  const json = JSON.parse((await cli(['check', '--format', 'json', file])).out) as { results: { unmet: JsonUnmet[]; findings: JsonFinding[] }[] };
  return { text: text.out, ...json.results[0]! };
}

describe('an unmet expectation and the closest finding', () => {
  it('names the finding of its rule with the most of its locks, and the locks it lacks', async () => {
    const file = scenario('lacks', [['pm_lock', 'resv'], ['pm_lock', 'vm_lock']], ['  - rule: circular-dependency', '    involves: [pm_lock, vm_lock, mmap_lock]'], ['mmap_lock']);
    const { text, unmet, findings } = await run(file);
    const f = findings.find((x) => x.path.includes('vm_lock'))!;
    expect(unmet[0]!.closest).toEqual({ location: f.location, locks: ['pm_lock', 'vm_lock'], path: f.path, missing: ['mmap_lock'], otherPath: false });
    expect(text).toContain(
      `expectation unmet: circular-dependency involving pm_lock, vm_lock, mmap_lock; closest: circular-dependency at ${f.location.file}:${f.location.line}:${f.location.column} involving pm_lock, vm_lock (no mmap_lock)\n`,
    );
  });

  it('a finding with all the locks on another path: the path it was reported on', async () => {
    const file = scenario('path', [['a_lock', 'b_lock']], ['  - rule: circular-dependency', '    involves: [a_lock]', '    path: a_lock_b_lock']);
    const { text, unmet, findings } = await run(file);
    expect(findings[0]!.path).toBe('b_lock_a_lock');
    expect(unmet[0]!.closest).toMatchObject({ missing: [], otherPath: true, path: 'b_lock_a_lock' });
    expect(text).toMatch(/expectation unmet: circular-dependency involving a_lock on path "a_lock_b_lock"; closest: circular-dependency at \S+:\d+:\d+ involving (a_lock, b_lock|b_lock, a_lock) \(on path "b_lock_a_lock"\)\n/);
  });

  it('no finding of its rule: nothing closest', async () => {
    const file = scenario('none', [['a_lock', 'b_lock']], ['  - rule: circular-dependency', '  - rule: sleep-in-atomic']);
    const { text, unmet } = await run(file);
    expect(unmet).toHaveLength(1);
    expect(unmet[0]!.closest).toBeUndefined();
    expect(text).toMatch(/expectation unmet: sleep-in-atomic\n/);
  });
});
