import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputErrors, loadScenario } from '../../src/load/index.js';
import { findExcessiveNesting } from '../../src/load/source.js';
import { fixtures, load, loadErrors, oneError, scenarios } from './helpers.js';

/** Files on disk, for what is about reading files; everything else is loaded from its text. */
const files = fixtures();
const fx = scenarios();

describe('reading files', () => {
  it('keeps the path as given in every location', async () => {
    const abs = files.write('given.yaml', 'locks: {A: mutex}\npaths:\n  - name: p\n    steps: [{lock: A}, {unlock: A}]\n');
    const rel = relative(process.cwd(), abs);
    const s = await loadScenario(rel);
    expect(s.file).toBe(rel);
    expect(s.name).toBe('given');
    expect(s.paths[0].steps[0].loc).toEqual({ file: rel, line: 4, column: 14 });
    expect(s.locks.get('A')!.loc).toEqual({ file: rel, line: 1, column: 9 });
  });

  it('an empty file is "empty scenario"', async () => {
    const e = await oneError(fx.write('empty.yaml', '\n   \n'), 'empty scenario');
    expect(e).toMatchObject({ line: 1, column: 1 });
    await oneError(fx.write('comments.yaml', '# nothing here\n'), 'empty scenario');
    await oneError(fx.write('empty.json', ''), 'empty scenario');
  });

  it('refuses binary files', async () => {
    const e = await oneError(files.write('bin.yaml', Buffer.from('locks:\n  A: mu\0tex\n')), 'binary file');
    expect(e).toMatchObject({ line: 2, column: 8 });
  });

  it('refuses files over 16 MiB', async () => {
    const big = files.write('big.yaml', Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
    const e = await oneError(big, 'file too large');
    expect(e.message).toContain('16 MiB');
  });

  it('reports an unreadable file', async () => {
    const errs = await loadErrors(files.dir + '/nope.yaml');
    expect(errs).toHaveLength(1);
    expect(errs[0].message).toMatch(/cannot read .*nope\.yaml: no such file/);
  });

  it('YAML syntax errors have a position', async () => {
    const f = fx.write('syntax.yaml', 'locks:\n  A: [mutex\npaths: []\n');
    const errs = await loadErrors(f);
    expect(errs.length).toBeGreaterThan(0);
    for (const e of errs) {
      expect(e.file).toBe(f);
      expect(e.line).toBeGreaterThan(0);
      expect(e.message).not.toMatch(/at line \d+/); // the position is in line/column, not the text
    }
  });

  it('a step indented one space off is one error a line, which says so', async () => {
    // The parser says three things of the slipped line; the first is the one to act on.
    const text = 'paths:\n  - name: p\n    steps:\n      - might_sleep\n     - might_sleep\n      - might_sleep\n      - might_sleep\n';
    const errs = await loadErrors(fx.write('indent.yaml', text));
    expect(errs.map((e) => e.line)).toEqual([...new Set(errs.map((e) => e.line))]);
    expect(errs[0]).toMatchObject({ line: 5, column: 1 });
    expect(errs[0]!.message).toBe('A block sequence may not be used as an implicit map key (this line is indented 5 spaces and the line above 6: check the indentation)');
  });

  it('a tab says so, without measuring indentation in tabs, nor a key against a list item', async () => {
    const errs = await loadErrors(fx.write('tab.yaml', 'paths:\n  - name: p\n    steps:\n\t- might_sleep\n'));
    expect(errs.find((e) => e.line === 4)!.message).toBe('Tabs are not allowed as indentation (indent YAML with spaces)');
    expect(errs.every((e) => !e.message.includes('indented'))).toBe(true);
  });

  it('duplicate keys are errors at the duplicate', async () => {
    const e = await oneError(fx.write('dup.yaml', 'locks:\n  A: mutex\n  B: mutex\n  A: spinlock\n'), 'duplicate key');
    expect(e).toMatchObject({ line: 4, column: 3, message: 'duplicate key "A" (keys must be unique)' });
  });

  it('duplicate keys in JSON too', async () => {
    const e = await oneError(fx.write('dup.json', '{\n  "locks": {"A": "mutex", "A": "spinlock"}\n}\n'), 'duplicate key');
    expect(e).toMatchObject({ line: 2, column: 27 });
  });

  it('a second YAML document is an error', async () => {
    await oneError(fx.write('multi.yaml', 'locks: {}\n---\npaths: []\n'), 'one YAML document');
  });

  it('unknown tags, and YAML 1.1 typed tags, are errors', async () => {
    const errs = await loadErrors(fx.write('tag.yaml', 'locks:\n  A: !mytag mutex\n'));
    expect(errs[0]).toMatchObject({ line: 2, column: 6, message: expect.stringMatching(/^unsupported tag !mytag: a scenario holds only/) });
    // !!binary would otherwise be bytes, read as a map with keys 0, 1, 2, ...
    const bin = await oneError(fx.write('binary.yaml', 'locks:\n  A: !!binary aGVsbG8=\n'), 'unsupported tag !!binary');
    expect(bin).toMatchObject({ line: 2, column: 6 });
  });

  it('YAML 1.2: `<<` is a plain key, and a merge key says so', async () => {
    const e = await oneError(fx.write('merge.yaml', 'locks:\n  A: &m {type: mutex}\n  B: {<<: *m, lockdep: bee}\n'), 'unknown key "<<" in locks.B');
    expect(e.message).toMatch(/YAML merge keys are YAML 1\.1: a scenario is YAML 1\.2/);
    expect(e).toMatchObject({ line: 3, column: 7 });
    // A lock called `<<`, as yaml.stringify writes it.
    const s = await load(fx.write('lt.yaml', 'locks:\n  <<: mutex\npaths:\n  - name: p\n    steps:\n      - lock: <<\n      - unlock: <<\n'));
    expect([...s.locks.keys()]).toContain('<<');
  });

  it('the top level must be a map', async () => {
    const e = await oneError(fx.write('list.yaml', '- a\n- b\n'), 'a scenario is a map');
    expect(e).toMatchObject({ line: 1, column: 1 });
    await oneError(fx.write('scalar.json', '42'), 'a scenario is a map');
  });

  it('an alias bomb is refused with a clear error', async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    ].join('\n');
    const e = await oneError(fx.write('bomb.yaml', bomb), 'too many YAML aliases');
    expect(e).toMatchObject({ line: 2, column: 8 });
  });

  it('ordinary anchors and aliases work', async () => {
    const f = fx.write(
      'anchors.yaml',
      ['locks: {A: mutex}', 'functions:', '  f: &body', '    - lock: A', '    - unlock: A', 'paths:', '  - name: p', '    steps: *body'].join('\n'),
    );
    const s = await load(f);
    expect(s.paths[0].steps.map((x) => x.label)).toEqual(['lock: A', 'unlock: A']);
  });

  it('an alias cycle is a nesting error, not a hang', async () => {
    const e = await oneError(fx.write('circ.yaml', 'functions:\n  f: &x\n    - hardirq: *x\n'), 'steps nested too deeply');
    expect(e).toMatchObject({ line: 3, column: 7 });
  });
});

describe('nesting limits', () => {
  it('1000 levels of flow nesting: "nesting too deep", no crash', async () => {
    const text = 'paths: [{name: x, steps: ' + '[{hardirq: '.repeat(1000) + '[]' + '}]'.repeat(1000) + '}]\n';
    const e = await oneError(fx.write('flow1000.yaml', text), 'nesting too deep');
    expect(e.line).toBe(1);
    const plain = '[' .repeat(1000) + ']'.repeat(1000);
    await oneError(fx.write('flow1000.json', plain), 'nesting too deep');
    await oneError(fx.write('flow1000b.yaml', 'a: ' + plain + '\n'), 'nesting too deep');
  });

  it('100000 levels of flow or compact nesting do not crash', async () => {
    await oneError(fx.write('flow100k.yaml', '{a: '.repeat(100000) + '1' + '}'.repeat(100000)), 'nesting too deep');
    await oneError(fx.write('dash100k.yaml', '- '.repeat(100000) + 'x\n'), 'nesting too deep');
    await oneError(fx.write('deep.json', '['.repeat(100000) + ']'.repeat(100000)), 'nesting too deep');
  });

  it('deep block indentation is caught too', async () => {
    let text = '';
    for (let i = 0; i < 300; i++) text += ' '.repeat(i) + 'k:\n';
    await oneError(fx.write('indent.yaml', text), 'nesting too deep');
  });

  it('the pre-scan ignores brackets in quotes and comments', () => {
    const q = '"' + '['.repeat(500) + '"';
    expect(findExcessiveNesting(`a: ${q}\nb: '${'{'.repeat(500)}'\n# ${'['.repeat(500)}\n`)).toBeNull();
    expect(findExcessiveNesting('a: ' + '['.repeat(300))).not.toBeNull();
  });
});

describe('JSON', () => {
  it('JSON goes through the same schema with positions', async () => {
    const f = fx.write('s.json', '{\n  "locks": {"A": "mutex"},\n  "paths": [{"name": "p", "steps": [{"lock": "A"}, {"unlock": "B"}]}]\n}\n');
    const e = await oneError(f, 'undeclared lock "B"');
    expect(e).toMatchObject({ line: 3, column: 63 });
  });

  it('tabs are fine in JSON', async () => {
    const f = fx.write('tabs.json', '{\n\t"locks": {\n\t\t"A": "mutex"\n\t},\n\t"paths": [{"name": "p", "steps": [{"lock": "A"}, {"unlock": "B"}]}]\n}\n');
    const e = await oneError(f, 'undeclared lock "B"');
    expect(e).toMatchObject({ line: 5, column: 62 });
  });

  it('invalid JSON is reported with JSON.parse\'s position', async () => {
    const e = await oneError(fx.write('bad.json', '{\n  "locks": {"A": "mutex",}\n}\n'), 'invalid JSON');
    expect(e).toMatchObject({ line: 2, column: 26 });
  });

  it('long keys are fine in JSON (YAML limits implicit keys to 1024 characters)', async () => {
    const key = 'k'.repeat(1100);
    const f = fx.write('longkey.json', `{"locks": {"A": "mutex"}, "description": "x", "functions": {"${key}": []}}`);
    const s = await load(f);
    expect(s.functions.has(key)).toBe(true);
  });

  it('never throws anything but InputErrors', async () => {
    for (const text of ['{', '[1,', '"\\u12"', '\u0000', '{"a": 1e999999}', '{"version": 1, "paths": [null]}']) {
      const f = fx.write('weird.json', text);
      await expect(load(f)).rejects.toBeInstanceOf(InputErrors);
    }
  });
});
