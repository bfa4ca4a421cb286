import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FORMATS, getReporter } from '../../src/report/index.js';
import { sarifErrors } from './sarif-schema.js';

/** Run the CLI with buffers for stdout and stderr. */
async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['node', 'fencedep', ...args], {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s) },
    env: {},
  });
  return { code, out, err };
}

const FIXTURE = 'fixtures/lockdep/vm-lock-vs-bo-list.yaml';
const tmp = mkdtempSync(path.join(tmpdir(), 'fencedep-formats-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('--format', () => {
  it('accepts every registered reporter, and the help lists them', async () => {
    expect(FORMATS).toEqual(['text', 'json', 'sarif', 'junit', 'github', 'markdown']);
    for (const f of FORMATS) expect(getReporter(f)).toBeTypeOf('function');
    const r = await cli(['check', '--help']);
    expect(r.out.replace(/\s+/g, ' ')).toContain('text, json, sarif, junit, github, markdown');
  });

  it('sarif, junit, github and markdown through the CLI, to stdout and to a file', async () => {
    const sarif = await cli(['--format', 'sarif', FIXTURE]);
    expect(sarif.code).toBe(0);
    expect(sarifErrors(JSON.parse(sarif.out))).toEqual([]);

    const junit = await cli(['--format', 'junit', FIXTURE]);
    expect(junit.code).toBe(0);
    expect(XMLValidator.validate(junit.out)).toBe(true);

    const github = await cli(['--format', 'github', FIXTURE]);
    expect(github.code).toBe(0);
    expect(github.out).toBe('✔ 1 file: 1 passed, 0 failed, 0 errors; 1 finding\n');

    const file = path.join(tmp, 'summary.md');
    const md = await cli(['--format', 'markdown', '-o', file, FIXTURE]);
    expect(md.code).toBe(0);
    expect(md.out).toBe('');
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('## fencedep: ✔ the file passed');
  });

  it('keeps the exit codes whatever the format', async () => {
    const missing = path.join(tmp, 'nope.yaml');
    for (const f of ['sarif', 'junit', 'github', 'markdown']) {
      const r = await cli(['--format', f, FIXTURE, missing]);
      expect(r.code).toBe(2);
    }
    const gh = await cli(['--format', 'github', missing]);
    expect(gh.out).toMatch(/^::error file=.*nope\.yaml,title=fencedep%3A input error::/);
  });
});
