/**
 * The output registry is the one list of formats: the CLI's `--format` choices, help and "did
 * you mean", the config's `format`, and the README's usage lines all follow it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMATS, getReporter } from '../../src/report/index.js';
import { defaultFormat, formatHelp, formatNames, OUTPUTS, outputFormat, type OutputCommand } from '../../src/report/registry.js';
import { cli } from '../cli/helpers.js';

const COMMANDS = Object.keys(OUTPUTS) as OutputCommand[];

/** A name one letter off every format, so the CLI has a close candidate to suggest. */
const typo = (name: string): string => `${name.slice(0, -1)}${name.endsWith('x') ? 'y' : 'x'}`;

describe('output registry', () => {
  it('has the three commands, each format once, each with a summary', () => {
    expect(COMMANDS).toEqual(['check', 'diff', 'graph']);
    for (const cmd of COMMANDS) {
      const names = formatNames(cmd);
      expect(new Set(names).size, cmd).toBe(names.length);
      for (const f of OUTPUTS[cmd]) expect(f.summary.length, `${cmd} ${f.name}`).toBeGreaterThan(5);
      expect(outputFormat(cmd, 'toString')).toBeUndefined();
    }
    expect(FORMATS).toEqual(formatNames('check'));
    for (const name of FORMATS) expect(getReporter(name)).toBe(outputFormat('check', name)!.write);
  });

  it.each(COMMANDS)('%s: --help lists exactly the registered formats and the default', async (cmd) => {
    const r = await cli([cmd, '--help']);
    expect(r.out.replace(/\s+/g, ' ')).toContain(`${formatHelp(cmd)} (default: "${defaultFormat(cmd)}")`);
  });

  it.each(COMMANDS)('%s: a mistyped format gets a "did you mean" from the registry', async (cmd) => {
    for (const name of formatNames(cmd)) {
      if (name.length < 4) continue;
      const args = cmd === 'diff' ? [cmd, 'a', 'b'] : [cmd, 'x'];
      const r = await cli([...args, '--format', typo(name)]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`(did you mean "${name}"?); expected one of: ${formatNames(cmd).join(', ')}.`);
    }
  });

  it("the README's usage lines name exactly the registered formats", () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain(`fencedep graph PATH [--format ${formatNames('graph').join('|')}]`);
    expect(readme).toContain(`fencedep diff BEFORE AFTER [--format ${formatNames('diff').join('|')}]`);
    const check = /--format FORMAT\s+#([^\n]*\n(?:\s+#[^\n]*\n)*)/.exec(readme);
    expect(check).not.toBeNull();
    const named = [...check![1]!.matchAll(/(?:^|[\s#;,])([a-z]+) \(|(?:^|[\s#;,])([a-z]+):/g)].map((m) => m[1] ?? m[2]);
    expect(new Set(named)).toEqual(new Set(formatNames('check')));
  });
});
