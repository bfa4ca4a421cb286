/** `fencedep import` on the command line: output, summary, exit codes. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runImport } from '../../src/cli/import.js';
import { CORPUS } from './helpers.js';

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'fencedep', ...args], {
    stdout: { write: (s: string) => ((out += s), true) },
    stderr: { write: (s: string) => ((err += s), true) },
    env: {},
  });
  return { code, out, err };
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('fencedep import', () => {
  it('writes the scenario to stdout and a summary to stderr', async () => {
    const r = await cli(['import', path.join(CORPUS, 'circular-msm-shrinker-ww-acquire.txt')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# Imported by `fencedep import`/);
    expect(r.out).toContain('include: [kernel]');
    expect(r.out).toContain('- rule: circular-dependency');
    expect(r.err).toContain('reproduced: fencedep check reports circular-dependency over the same classes');
  });

  it('writes -o FILE, one file per report when the log has several', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fencedep-import-cli-'));
    dirs.push(dir);
    const one = path.join(dir, 'splat.yaml');
    const r = await cli(['import', path.join(CORPUS, 'messy-two-reports.txt'), '-o', one]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(await readFile(path.join(dir, 'splat.1.yaml'), 'utf8')).toContain('- rule: bad-unlock');
    expect(await readFile(path.join(dir, 'splat.2.yaml'), 'utf8')).toContain('- rule: circular-dependency');
    const only = await cli(['import', path.join(CORPUS, 'messy-two-reports.txt'), '--report', '2', '-o', one]);
    expect(only.code).toBe(0);
    expect(await readFile(one, 'utf8')).toContain('- rule: circular-dependency');
  });

  it('separates several reports on stdout', async () => {
    const r = await cli(['import', '--quiet', path.join(CORPUS, 'messy-two-reports.txt')]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n---\n').length).toBe(2);
    expect(r.err).toBe('');
  });

  it('reads stdin', async () => {
    let out = '';
    let err = '';
    const text = await readFile(path.join(CORPUS, 'bad-unlock-mt8186-gpio-mutex.txt'), 'utf8');
    const code = await runImport(undefined, { verify: true }, {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      stdin: async () => text,
    });
    expect(code).toBe(0);
    expect(out).toContain('mutex_unlock: gpio_request_mutex');
    expect(err).toContain('report (line 2): WARNING: bad unlock balance detected!');
  });

  it('exits 2 with a clear message when there is no report, or no file', async () => {
    const none = await cli(['import', path.join(CORPUS, '..', 'helpers.ts')]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no lockdep report found/);
    expect(none.err).not.toMatch(/at .*\.js:\d+/);
    const missing = await cli(['import', path.join(CORPUS, 'nope.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*nope\.txt: no such file/);
    const bad = await cli(['import', '--report', 'x', path.join(CORPUS, 'messy-two-reports.txt')]);
    expect(bad.code).toBe(2);
  });
});
