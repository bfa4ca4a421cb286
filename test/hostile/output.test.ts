/**
 * Untrusted names in every output (issue: "untrusted names, files and logs"), one table per
 * class, each output checked by what is not ours: a terminal's view (no raw control), the
 * GitHub runner's command syntax, jsdom's XML parser, the `commonmark` parser, Mermaid's
 * parser. The payloads are run through the CLI on files written here.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.js';
import { scratch } from '../fuzz/harness.js';
import { markdownBlocks, mermaidBlocks, mermaidParser, parseCommand, rawControl, workflowCommands, xmlError, xmlTexts } from './escape-helpers.js';

const fx = scratch('escape');
const DIR = fx.dir;
const write = fx.write;
afterAll(() => fx.cleanup());

/** An AB-BA scenario (one circular-dependency finding, not expected) with the given names, as JSON. */
function abba(n: { scenario: string; a: string; b: string; p1: string; p2: string; lockdep?: string }): string {
  return JSON.stringify({
    name: n.scenario,
    locks: { [n.a]: { type: 'mutex', ...(n.lockdep ? { lockdep: n.lockdep } : {}) }, [n.b]: { type: 'mutex' } },
    paths: [
      { name: n.p1, steps: [{ mutex_lock: n.a }, { mutex_lock: n.b }, { mutex_unlock: n.b }, { mutex_unlock: n.a }] },
      { name: n.p2, steps: [{ mutex_lock: n.b }, { mutex_lock: n.a }, { mutex_unlock: n.a }, { mutex_unlock: n.b }] },
    ],
  });
}

const run = (args: string[], env: Record<string, string> = {}) => cli(args, { env });

describe('class 1: terminal escapes — every input string, colour on or off', () => {
  const cases: { what: string; file: string; content: string; args?: string[] }[] = [
    { what: 'scenario name (ESC, OSC title, C1 CSI, DEL)', file: 'name.json', content: abba({ scenario: 'x\u001b]0;owned\u0007 \u009b31m \u007f', a: 'A', b: 'B', p1: 'p1', p2: 'p2' }) },
    { what: 'lock and path names with bidi overrides and isolates', file: 'bidi.json', content: abba({ scenario: 's', a: 'A\u202eB', b: 'C\u2066D\u2069', p1: 'p\u202d1', p2: 'p\u2067' }) },
    { what: 'lockdep name with a noncharacter and U+FEFF', file: 'nonchar.json', content: abba({ scenario: 's', a: 'A', b: 'B', p1: 'p1', p2: 'p2', lockdep: '&a\uffff\ufeff' }) },
    { what: 'unknown key echoed in an error', file: 'key.json', content: JSON.stringify({ name: 's', 'loc\u009bks': {}, paths: [] }) },
    { what: 'include name echoed in a hint', file: 'include.json', content: JSON.stringify({ name: 's', include: ['kern\u009b2Jel\u001b[2J'], paths: [] }) },
    { what: 'work item and queue names', file: 'work.json', content: JSON.stringify({ name: 's', paths: [{ name: 'p', steps: [{ queue_work: { wq: 'q\u009bq', work: 'w\u202ew' } }] }] }) },
    { what: 'file name found by the directory walk (C1, DEL, bidi)', file: 'walk/f\u009b31m\u007f\u202e.json', content: abba({ scenario: 's', a: 'A', b: 'B', p1: 'p1', p2: 'p2' }), args: [path.join(DIR, 'walk')] },
    { what: 'a value echoed from the config', file: 'cfg/fencedep.config.json', content: JSON.stringify({ format: 'te\u009bxt\u001b[2J', kernel: '6\u202e13' }), args: ['--config', path.join(DIR, 'cfg/fencedep.config.json'), path.join(DIR, 'name.json')] },
  ];
  for (const c of cases) write(c.file, c.content);
  const stale = write(
    'stale.json',
    JSON.stringify({ version: 1, tool: 'fencedep', findings: [{ file: 'gone\u009b.yaml', rule: 'circular-dependency', fingerprint: '0123456789abcdef0123456789abcdef', locks: ['L\u001b[31m', 'M\u202e'], message: 'm\u0085' }] }),
  );
  cases.push({ what: 'entries of a stale baseline', file: 'name.json', content: '', args: ['--baseline', stale, path.join(DIR, 'name.json')] });

  for (const c of cases) {
    for (const format of ['text', 'json', 'sarif', 'junit', 'github', 'markdown']) {
      it(`${c.what} — ${format}`, async () => {
        const args = c.args ?? [path.join(DIR, c.file)];
        for (const env of [{}, { FORCE_COLOR: '1' }] as Record<string, string>[]) {
          const r = await run(['check', '--no-config', '--stats', '--format', format, ...args].filter((a, i, all) => !(a === '--no-config' && all.includes('--config'))), env);
          expect(r.code, r.err).toBeGreaterThan(0);
          expect(rawControl(r.out), r.out).toBeNull();
          expect(rawControl(r.err), r.err).toBeNull();
        }
      });
    }
  }

  it('the escaped forms are visible: \\u009B, \\u202E, \\u001B', async () => {
    const r = await run(['check', '--no-config', path.join(DIR, 'name.json'), path.join(DIR, 'bidi.json')]);
    expect(r.out).toContain('x\\u001B]0;owned\\u0007 \\u009B31m \\u007F');
    expect(r.out).toContain('A\\u202EB');
  });
});

describe('class 2: no workflow command from input, on stdout or stderr', () => {
  // File names that would start a command line, through every whitespace the runner trims.
  const names = ['a\n::error::pwned-lf.json', 'b\r::error::pwned-cr.json', '::error title=x::pwned-lead.json', '\u00a0::warning::pwned-nbsp.json', ' \u2003::notice::pwned-em.json'];
  const dir = path.join(DIR, 'gh');
  for (const n of names) write(path.join('gh', n), abba({ scenario: '\n::error::pwned-scenario', a: 'A', b: 'B', p1: '::error::pwned-path', p2: 'p2' }));
  const stale = write(
    'gh-stale.json',
    JSON.stringify({ version: 1, tool: 'fencedep', findings: [{ file: 'x\r::error::pwned-stale.yaml', rule: 'circular-dependency', fingerprint: 'ffffffffffffffffffffffffffffffff', locks: ['\n::error::pwned-lock'], message: 'm' }] }),
  );

  for (const format of ['github', 'text', 'json', 'sarif', 'junit', 'markdown']) {
    it(`--format ${format} --stats with a stale baseline: only the reporter's own annotations`, async () => {
      const r = await run(['check', '--no-config', '--stats', '--baseline', stale, '--format', format, dir]);
      expect(workflowCommands(r.err), r.err).toEqual([]);
      const commands = workflowCommands(r.out);
      if (format !== 'github') {
        expect(commands, r.out).toEqual([]);
        return;
      }
      // One error annotation per file (its unexpected cycle), at that file.
      expect(commands).toHaveLength(names.length);
      const files = new Set<string>();
      for (const line of commands) {
        const cmd = parseCommand(line);
        expect(cmd, line).not.toBeNull();
        expect(cmd!.command).toBe('error');
        files.add(path.basename(cmd!.props.file!));
        expect(cmd!.data).not.toMatch(/^::/m);
      }
      expect(files.size).toBe(names.length);
    });
  }

  it('diff and graph outputs and their errors carry no command either', async () => {
    const file = path.join(dir, names[0]!);
    for (const args of [['diff', file, file], ['diff', file, file, '--format', 'markdown'], ['graph', file], ['graph', file, '--format', 'mermaid'], ['graph', file, '--format', 'svg'], ['graph', path.join(DIR, '\n::error::missing.json')]]) {
      const r = await run(args);
      expect(workflowCommands(r.out + r.err), args.join(' ')).toEqual([]);
    }
  });
});

describe('class 3: XML that parses (SVG and JUnit), whatever the names', () => {
  // A JSON scenario can carry what YAML cannot: lone surrogates, noncharacters, any control.
  const payloads = [
    { what: 'U+FFFF and U+FFFE', scenario: 'g\uffff', a: 'A\uffff', b: 'B\ufffe' },
    { what: 'C0 controls in the scenario name (the SVG title and its comment)', scenario: 's\u0001\u0008\u000b\u001f--x--', a: 'A', b: 'B' },
    { what: 'lone surrogates', scenario: 'hi\ud800', a: 'A\udc00', b: 'B\ud83d' },
    { what: 'markup and a comment end', scenario: '<!-- --> ]]> &amp; "\'', a: 'A<&>', b: 'B--' },
  ];
  for (const [i, p] of payloads.entries()) {
    const file = write(`xml${i}.json`, abba({ scenario: p.scenario, a: p.a, b: p.b, p1: `p${i}\uffff`, p2: 'p2' }));
    it(`${p.what}: graph --format svg`, async () => {
      const r = await run(['graph', file, '--format', 'svg']);
      expect(r.code, r.err).toBe(0);
      expect(xmlError(r.out)).toBeNull();
      expect(rawControl(r.out)).toBeNull();
    });
    it(`${p.what}: check --format junit`, async () => {
      const r = await run(['check', '--no-config', '--format', 'junit', file]);
      expect(xmlError(r.out)).toBeNull();
      expect(xmlTexts(r.out, 'failure').join('')).toContain('possible circular locking dependency');
    });
  }

  it('the SVG shows the escaped names', async () => {
    const r = await run(['graph', path.join(DIR, 'xml0.json'), '--format', 'svg']);
    const texts = xmlTexts(r.out, 'text');
    expect(texts).toContain('A\\uFFFF');
    expect(texts).toContain('B\\uFFFE');
  });
});

describe('class 4: Markdown and Mermaid that keep their structure', () => {
  it('a bare CR (or LF) in a scenario name does not cut the heading of diff --format markdown', async () => {
    for (const [i, name] of ['run\r# injected heading', 'run\n# injected heading', 'run\r\n---\r\n# injected', 'run\u2028# injected'].entries()) {
      const before = write(`md${i}/before.json`, abba({ scenario: name, a: 'A', b: 'B', p1: 'p1', p2: 'p1' }));
      const after = write(`md${i}/after.json`, abba({ scenario: name, a: 'A', b: 'B', p1: 'p1', p2: 'p2' }));
      const r = await run(['diff', before, after, '--format', 'markdown']);
      const blocks = markdownBlocks(r.out);
      const headings = blocks.filter((b) => b.type === 'heading');
      expect(headings.map((h) => h.level), r.out).toEqual([2, 3]);
      expect(headings[1]!.text).toContain('injected'); // still inside the file's heading
      expect(blocks.some((b) => b.type === 'thematic_break')).toBe(false);
    }
  });

  it('the check report keeps its sections with hostile names (CommonMark)', async () => {
    const file = write('md-check.json', abba({ scenario: 'x\r## injected', a: '# A', b: '- B', p1: '> p1', p2: '1. p2' }));
    const r = await run(['check', '--no-config', '--format', 'markdown', file]);
    const headings = markdownBlocks(r.out).filter((b) => b.type === 'heading');
    expect(headings.map((h) => `${h.level} ${h.text.split(' ')[0]}`)).toEqual(['2 fencedep:', '3 1', '4 circular-dependency']);
  });

  const directive = "%%{init: {'theme':'forest', 'themeVariables': {'primaryColor':'#ff0000'}}}%%";
  it('a %%{init}%% directive in a lock, path or scenario name is not applied: graph --format mermaid', async () => {
    const mermaid = await mermaidParser();
    const file = write('mmd.json', abba({ scenario: `s\n${directive}`, a: directive, b: `B ${directive}`, p1: `p ${directive}`, p2: 'p2' }));
    const r = await run(['graph', file, '--format', 'mermaid']);
    expect(r.code, r.err).toBe(0);
    const parsed = await mermaid.parse(r.out);
    expect(parsed.config).toEqual({});
  });

  it('… nor in the markdown report’s flowcharts', async () => {
    const mermaid = await mermaidParser();
    const r = await run(['check', '--no-config', '--format', 'markdown', path.join(DIR, 'mmd.json')]);
    const blocks = mermaidBlocks(r.out);
    expect(blocks.length).toBe(1);
    for (const b of blocks) expect((await mermaid.parse(b)).config).toEqual({});
  });

  it('the parser would apply it unescaped (the check is real)', async () => {
    const mermaid = await mermaidParser();
    expect((await mermaid.parse(`%% ${directive}\nflowchart TD\n  n0["a"]`)).config).not.toEqual({});
  });
});
