/**
 * The loader's memory limit (MAX_VALUES): a scenario is refused, before any parser runs, when
 * its text holds more YAML/JSON values than a load can hold well under 1 GB. The figures of
 * the largest admitted scenarios are in `npm run bench` (section 6); nothing here is timed.
 */
import { describe, expect, it } from 'vitest';
import { InputErrors, loadScenarioText } from '../../src/load/index.js';
import { MAX_VALUES, parseText, scanStructure } from '../../src/load/source.js';

async function refusal(text: string, file: string): Promise<{ message: string; line?: number; column?: number }> {
  const e = await loadScenarioText(text, { file }).then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(InputErrors);
  return (e as InputErrors).errors[0]!.toInfo();
}

describe('counting values by a scan', () => {
  const cases: [string, number][] = [
    ['a: 1\n', 2],
    ['[a, b, c]', 4],
    ['[{lock: A}, {unlock: A}]', 7],
    ['- lock: A\n- unlock: A\n', 6],
    ['[]', 1],
    ['x: "a: b, c, [d]" # e: f, [g]\n', 2],
    ["x: 'it''s: [a, b]'\n", 2],
    ['{"a":["b","c"]}', 6],
  ];
  for (const [text, n] of cases) it(JSON.stringify(text), () => expect(scanStructure(text, 256, Infinity)).toEqual({ problem: null, at: -1, values: n }));

  it('stops where the count passes the limit', () => {
    const text = `steps: [${Array(100).fill('might_sleep').join(', ')}]`;
    const r = scanStructure(text, 256, 50);
    expect(r.problem).toBe('values');
    expect(r.values).toBe(51);
    expect(text.slice(r.at, r.at + 2)).toBe(', ');
  });
});

describe('a scenario past the limit is refused before it is parsed', () => {
  it('a million steps in 12 MB of flow YAML (the issue\'s file)', async () => {
    const text = `locks: {A: mutex}\npaths:\n  - name: p\n    steps: [${Array(500_000).fill('{lock: A}, {unlock: A}').join(', ')}]\n`;
    const e = await refusal(text, 'million.yaml');
    expect(e.message).toBe(
      `too many values: the scenario passes ${MAX_VALUES.toLocaleString('en-US')} YAML/JSON values (maps, lists, keys, scalars) here, the limit that keeps loading well under 1 GB of memory; write a long trace as a JSON Lines stream (.jsonl, read line by line)`,
    );
    expect(e.line).toBe(4);
    // Three values a step: near the 133,333rd of its million steps.
    const stepsBefore = text.slice(0, text.indexOf('\n    steps:') + e.column!).split('{').length - 2;
    expect(Math.abs(stepsBefore - MAX_VALUES / 3)).toBeLessThan(20);
  });

  it('in block YAML and in JSON too', async () => {
    const block = `paths:\n  - name: p\n    steps:\n${'      - might_sleep\n'.repeat(MAX_VALUES + 10)}`;
    // 7 values before the first step (paths: 2, - 1, name: 2, steps: 2), one a step from line 4.
    expect((await refusal(block, 'block.yaml')).line).toBe(4 + MAX_VALUES - 7);
    const json = JSON.stringify({ paths: [{ name: 'p', steps: Array(MAX_VALUES).fill('might_sleep') }] });
    expect((await refusal(json, 'big.json')).message).toMatch(/^too many values/);
  });

  it('the files of one load share the limit: an include is refused where the total passes it', () => {
    const text = `steps: [${Array(20).fill('might_sleep').join(', ')}]\n`;
    expect(() => parseText(text, 'inc.yaml', false, true, 10)).toThrow(InputErrors);
    try {
      parseText(text, 'inc.yaml', false, true, 10);
    } catch (e) {
      expect((e as InputErrors).errors[0]!.message).toMatch(/^too many values: the scenario with the files included before it passes/);
    }
    expect(parseText(text, 'inc.yaml', false, true, 30).values).toBe(23);
  });
});
