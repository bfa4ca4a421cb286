/**
 * The hostile-input corpus (corpus.ts) through the CLI: each input ends with the exit code
 * the spec gives, with a message naming the file and line, and no stack trace; in-process,
 * then all together through a child process.
 *
 * FENCEDEP_HOSTILE_TABLE=1 prints the README's table of hostile inputs from the runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertSane, cli, STACK_LINE } from '../fuzz/harness.js';
import { HANG_MS } from '../time-limit.js';
import { CASES, type HostileCase } from './corpus.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIR = mkdtempSync(path.join(tmpdir(), 'fencedep-hostile-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

for (const c of CASES) {
  for (const [name, content] of Object.entries(c.files)) {
    const p = path.join(DIR, name);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

/** What is checked for a case: its first file, or its `check` path (relative to the corpus). */
const target = (c: HostileCase) => c.check ?? Object.keys(c.files)[0]!;
const absolute = (c: HostileCase) => (c.check !== undefined && (c.check === 'no/such/file.yaml' || path.isAbsolute(c.check)) ? c.check : path.join(DIR, target(c)));

const table: string[] = [];
afterAll(() => {
  if (process.env.FENCEDEP_HOSTILE_TABLE === '1') console.log(['| input | exit | what it gives |', '|---|---|---|', ...table].join('\n'));
});

describe('hostile inputs', () => {
  it.each(CASES.map((c) => [c.what, c] as const))('%s', async (_what, c) => {
    const r = await cli(['check', '--no-config', '--no-color', absolute(c)]);
    assertSane(r, c.what);
    const all = `${r.out}${r.err}`;
    expect(r.code, all.slice(0, 2000)).toBe(c.exit);
    const outLines = all.split('\n');
    for (const re of c.lines) expect(outLines.some((l) => re.test(l)), `${re}\n${all.slice(0, 3000)}`).toBe(true);
    // Every input error of the report names its file and line.
    for (const l of outLines.filter((x) => /: error: /.test(x) && !/^\S+: error: (no such file|no scenario files)/.test(x))) {
      // (`  also: ` introduces a finding of the group of the finding above.)
      expect(l, 'an error names file:line:column').toMatch(/^(?: {2}also: )?\S.*:\d+:\d+: error: /);
    }
    const first = outLines.find((l) => c.lines[0]!.test(l)) ?? '';
    const shown = first.replace(DIR + path.sep, '').replace(/(.{160}).+/, '$1…');
    table.push(`| ${c.what} | ${r.code} | \`${shown.replace(/\|/g, '\\|').replace(/`/g, "'")}\` |`);
  });
});

describe('the corpus through a child process, all at once', () => {
  it('exit 2, every file named with its error, no stack trace', () => {
    // The light ones (the heavy ones were run above, one at a time).
    const quick = CASES.filter((c) => c.heavy !== true);
    const targets = quick.map((c) => (c.check === 'no/such/file.yaml' ? c.check : target(c)));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'fencedep.js'), 'check', '--no-config', ...targets], {
      cwd: DIR,
      encoding: 'utf8',
      timeout: HANG_MS,
      maxBuffer: 512 * 1024 * 1024,
    });
    expect(r.error, 'no timeout').toBeUndefined();
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    const all = `${r.stdout}${r.stderr}`;
    expect(all).not.toMatch(STACK_LINE);
    expect(all).not.toMatch(/internal error/);
    const outLines = all.split('\n');
    // (Summary lines are the whole run's here.)
    for (const c of quick) for (const re of c.lines.filter((x) => !/^[✔✖]/.test(x.source))) expect(outLines.some((l) => re.test(l)), `${c.what}: ${re}`).toBe(true);
  });
});
