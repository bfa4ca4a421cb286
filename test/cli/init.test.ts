/** `fencedep init`: starter config and scenario with the schema modeline, never overwriting without --force. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runIn, sandbox } from './gate-helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function modeline(text: string): string {
  const m = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
  if (!m) throw new Error(`no modeline in:\n${text}`);
  return m[1];
}

describe('fencedep init', () => {
  it('writes fencedep.config.yaml and scenarios/example.yaml whose modelines reach the schemas; the result checks clean', async () => {
    const sb = sandbox('fencedep-init-');
    const r = await runIn(sb.dir, ['init']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toBe('wrote fencedep.config.yaml\nwrote scenarios/example.yaml\nnext: fencedep check   (checks scenarios/ as the config says)\n');
    const config = sb.read('fencedep.config.yaml');
    const scenario = sb.read('scenarios/example.yaml');
    expect(path.resolve(sb.dir, modeline(config))).toBe(path.join(ROOT, 'schema', 'config.schema.json'));
    expect(path.resolve(sb.p('scenarios'), modeline(scenario))).toBe(path.join(ROOT, 'schema', 'scenario.schema.json'));
    // Written as a driver is: the kernel and DRM models, revision 1.1's constructs.
    expect(scenario).toContain('include: [kernel, drm]');
    expect(scenario).toMatch(/\nexpect:\n  - rule: circular-dependency\n/);
    for (const construct of ['params: [vm]', 'at: "drivers/', '- if: ', '- loop:', '- extern: ', 'call: drm_sched_job_arm(job)', 'drm_sched_backend_ops.run_job: [foo_run_job]']) {
      expect(scenario).toContain(construct);
    }
    // The config's inputs point at the scenario: `fencedep check` with no path passes.
    const check = await runIn(sb.dir, ['check', '--format', 'json']);
    expect(check.code).toBe(0);
    const j = JSON.parse(check.out);
    expect(j.results.map((x: { file: string; status: string }) => [path.relative(sb.dir, x.file), x.status])).toEqual([[path.join('scenarios', 'example.yaml'), 'pass']]);
    expect(j.results[0].findings.map((f: { rule: string; pattern?: string; expected: boolean }) => [f.rule, f.pattern, f.expected])).toEqual([['circular-dependency', 'alloc-in-signalling', true]]);
    // `check .` (here the directory by name) walks it: the config file beside the scenarios is not a scenario.
    const dot = await runIn(sb.dir, ['check', '--format', 'json', sb.dir]);
    expect(dot.err).toBe('');
    expect(dot.code).toBe(0);
    expect(JSON.parse(dot.out).results.map((x: { file: string }) => path.basename(x.file))).toEqual(['example.yaml']);
  });

  it('into a directory given as an argument', async () => {
    const sb = sandbox('fencedep-init-');
    const r = await runIn(sb.dir, ['init', 'proj']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${path.join('proj', 'fencedep.config.yaml')}\n`);
    expect(existsSync(sb.p('proj', 'scenarios', 'example.yaml'))).toBe(true);
  });

  it('refuses to overwrite (exit 2, nothing written), unless --force', async () => {
    const sb = sandbox('fencedep-init-');
    sb.write('fencedep.config.yaml', 'format: json\n');
    const r = await runIn(sb.dir, ['init']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('fencedep: init: not overwriting fencedep.config.yaml (it exists); nothing was written. Use --force to overwrite.\n');
    expect(sb.read('fencedep.config.yaml')).toBe('format: json\n');
    expect(existsSync(sb.p('scenarios', 'example.yaml'))).toBe(false);

    sb.write('scenarios/example.yaml', 'mine\n');
    const both = await runIn(sb.dir, ['init']);
    expect(both.code).toBe(2);
    expect(both.err).toContain(`not overwriting fencedep.config.yaml, ${path.join('scenarios', 'example.yaml')} (they exist)`);

    const forced = await runIn(sb.dir, ['init', '--force']);
    expect(forced.code).toBe(0);
    expect(sb.read('scenarios/example.yaml')).not.toBe('mine\n');
    expect(readFileSync(sb.p('fencedep.config.yaml'), 'utf8')).toContain('inputs: [scenarios]');
  });
});
