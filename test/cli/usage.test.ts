/** Usage errors, help, version, rules: exit codes and messages (no replay needed). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TOOL } from '../../src/report/tool.js';
import { RULES } from '../../src/rules/index.js';
import { c, cli, NO_STACK } from './helpers.js';

describe('usage errors exit 2 without a stack trace', () => {
  it('unknown format, with a did-you-mean', async () => {
    const r = await cli(['check', '--format', 'jsno', c('good')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown format "jsno" (did you mean "json"?)');
    expect(r.err).toContain('expected one of: text, json');
    expect(r.out).toBe('');
    expect(r.err).not.toMatch(NO_STACK);
  });

  it('unknown format far from any known one', async () => {
    const r = await cli(['--format', 'xml', c('good')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown format "xml"; expected one of: text, json');
  });

  it('unknown option, with commander\'s suggestion', async () => {
    const r = await cli(['check', '--frmat', 'json', c('good')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option '--frmat'");
    expect(r.err).toContain('--format');
    expect(r.err).not.toMatch(NO_STACK);
  });

  it('a mistyped command is not checked as a missing file', async () => {
    const r = await cli(['chekc', c('good')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('fencedep: unknown command "chekc" (did you mean "check"?), and no file or directory is called so');
    expect(r.out).toBe('');
    // A missing path that is not close to a command is a missing file, as before; so is any
    // path after an explicit `check`.
    const missing = await cli(['fixturez-missing', c('good')]);
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('fixturez-missing: error: no such file or directory');
    const named = await cli(['check', 'grpah', c('good')]);
    expect(named.code).toBe(2);
    expect(named.out).toContain('grpah: error: no such file or directory');
    expect(named.err).not.toContain('unknown command');
  });

  it('unknown option before the paths of the default command', async () => {
    const r = await cli(['--bogus', c('good')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option '--bogus'");
  });

  it('bad --kernel and --fence-model values', async () => {
    const k = await cli(['--kernel', '6.1x', c('good')]);
    expect(k.code).toBe(2);
    expect(k.err).toContain('kernel "6.1x" is not a release: expected "major.minor", such as "6.8" or "6.13".');
    const old = await cli(['--kernel', '4.19', c('good')]);
    expect(old.code).toBe(2);
    expect(old.err).toContain('releases from 5.10 on are modelled');
    const f = await cli(['--fence-model', 'precis', c('good')]);
    expect(f.code).toBe(2);
    expect(f.err).toContain('unknown fence model "precis" (did you mean "precise"?)');
  });

  it('no path at all', async () => {
    for (const args of [[], ['check'], ['check', '--quiet']]) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.err).toContain('no input: pass the scenario files or directories to check');
    }
  });

  it('a missing option argument', async () => {
    const r = await cli(['check', c('good'), '--format']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("option '--format <format>' argument missing");
  });
});

describe('help, version, rules', () => {
  it('--version prints the package version and exits 0', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${TOOL.version}\n`);
  });

  it('--help exits 0 and lists the commands', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('check');
    expect(r.out).toContain('rules');
    const h = await cli(['check', '--help']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('--fence-model <model>');
  });

  it('rules: one line per rule, id then heading (then the patterns, see explain.test.ts)', async () => {
    const r = await cli(['rules']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n').slice(0, RULES.length);
    for (const [i, rule] of RULES.entries()) {
      expect(lines[i]).toMatch(new RegExp(`^${rule.meta.id} +${rule.meta.heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    }
  });

  it('rules takes no arguments', async () => {
    const r = await cli(['rules', 'extra']);
    expect(r.code).toBe(2);
  });
});

describe('inputs that cannot be read exit 2', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'fencedep-cli-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('a missing file is an error result; the run goes on', async () => {
    const missing = c('does-not-exist.yaml');
    const r = await cli(['--format', 'json', missing]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.out);
    expect(report.results).toEqual([
      {
        file: missing,
        scenario: 'does-not-exist',
        status: 'error',
        findings: [],
        errors: [{ message: 'no such file or directory', file: missing }],
        unmet: [],
      },
    ]);
    expect(report.summary).toEqual({ files: 1, passed: 0, failed: 0, errors: 1, findings: 0 });
  });

  it('a missing file in text', async () => {
    const missing = c('nope');
    const r = await cli([missing]);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`${missing}: error: no such file or directory`);
    expect(r.out).toContain('✖ 1 file: 0 passed, 0 failed, 1 error; 0 findings');
  });

  it('a directory without scenario files', async () => {
    const r = await cli([tmp]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('no scenario files (*.yaml, *.yml, *.json, *.jsonl) in this directory');
  });

  it('an unwritable --output', async () => {
    const r = await cli(['-o', path.join(tmp, 'no', 'such', 'dir', 'out.json'), c('missing')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot write the report to');
  });
});
