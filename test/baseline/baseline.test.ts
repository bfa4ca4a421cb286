/**
 * Baselines: --update-baseline writes the known findings, --baseline leaves them out of the
 * gate (also when the cycle closes on another lock and lines moved), counts them, and reports
 * stale entries; --fail-on-stale-baseline (or the config) makes those fail the run.
 */
import { existsSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyBaseline } from '../../src/analyze/index.js';
import { buildBaseline, formatBaseline } from '../../src/baseline/index.js';
import { checkInputs } from '../../src/check/run.js';
import { findingFingerprint } from '../../src/model/fingerprint.js';
import { ABBA, ABBA_ROTATED, CDDC, json, runIn, sandbox } from '../cli/gate-helpers.js';

const NO_STACK = /^\s+at .+\(.*:\d+:\d+\)$/m;

describe('--update-baseline', () => {
  it('writes every failing finding, sorted, with rule, fingerprint, locks and message; exits 0', async () => {
    const sb = sandbox();
    const b = sb.write('s/b.yaml', CDDC);
    const a = sb.write('s/a.yaml', ABBA);
    const r = await runIn(sb.dir, ['check', sb.p('s'), '--update-baseline']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('✔ wrote fencedep-baseline.json: 2 known findings in 2 files\n');
    const text = sb.read('fencedep-baseline.json');
    const data = JSON.parse(text);
    expect(Object.keys(data)).toEqual(['version', 'tool', 'findings']);
    expect(data.version).toBe(1);
    expect(data.findings).toEqual([
      {
        file: 's/a.yaml',
        rule: 'circular-dependency',
        fingerprint: findingFingerprint({ rule: 'circular-dependency', lockdep: ['A', 'B'] }),
        locks: ['A', 'B'],
        message: 'possible circular locking dependency: A -> B -> A',
      },
      {
        file: 's/b.yaml',
        rule: 'circular-dependency',
        fingerprint: findingFingerprint({ rule: 'circular-dependency', lockdep: ['C', 'D'] }),
        locks: ['C', 'D'],
        message: 'possible circular locking dependency: C -> D -> C',
      },
    ]);
    // Deterministic: the same run writes the same bytes, whatever the input order.
    const again = await runIn(sb.dir, ['check', b, a, '--update-baseline']);
    expect(again.code).toBe(0);
    expect(sb.read('fencedep-baseline.json')).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('writes where --baseline says, and only what fails: expected findings and warnings stay out', async () => {
    const sb = sandbox();
    sb.write('s/expected.yaml', `${ABBA}expect:\n  - rule: circular-dependency\n    involves: [A, B]\n`);
    sb.write('s/failing.yaml', CDDC);
    const r = await runIn(sb.dir, ['check', sb.p('s'), '--baseline', 'known/base.json', '--update-baseline']);
    // The directory must exist: writing fails with exit 2, saying where.
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot write the baseline to "known/base.json"');
    sb.write('known/.keep', '');
    const ok = await runIn(sb.dir, ['check', sb.p('s'), '--baseline', 'known/base.json', '--update-baseline']);
    expect(ok.code).toBe(0);
    const data = JSON.parse(sb.read('known/base.json'));
    // Paths are relative to the baseline file.
    expect(data.findings.map((f: { file: string }) => f.file)).toEqual(['../s/failing.yaml']);
  });

  it('refuses to write a shard\'s baseline (it would drop the other shards\' findings)', async () => {
    const sb = sandbox();
    sb.write('s/a.yaml', ABBA);
    const r = await runIn(sb.dir, ['check', sb.p('s'), '--update-baseline', '--shard', '1/2']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('fencedep: --update-baseline writes the baseline of the whole suite; run it without --shard\n');
    expect(existsSync(sb.p('fencedep-baseline.json'))).toBe(false);
  });

  it('files that cannot be checked are not baselined: exit 2, named; unmet expectations are mentioned', async () => {
    const sb = sandbox();
    sb.write('s/a.yaml', ABBA);
    sb.write('s/broken.yaml', 'lokcs: {A: mutex}\n');
    sb.write('s/unmet.yaml', 'locks: {A: mutex}\nexpect:\n  - rule: circular-dependency\n');
    const r = await runIn(sb.dir, ['check', sb.p('s'), '--update-baseline']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('wrote fencedep-baseline.json: 1 known finding in 1 file');
    expect(r.err).toContain('fencedep: not in the baseline, could not be checked: 1 file\n');
    expect(r.err).toMatch(/broken\.yaml:1:1: error: unknown key "lokcs"/);
    expect(r.err).toContain(`a baseline cannot hold unmet expectations; still failing: ${sb.p('s', 'unmet.yaml')}`);
    expect(r.err).not.toMatch(NO_STACK);
  });
});

describe('--baseline', () => {
  it('a known finding no longer fails its file; the report says how many were ignored', async () => {
    const sb = sandbox();
    const a = sb.write('s/a.yaml', ABBA);
    expect((await runIn(sb.dir, ['check', a])).code).toBe(1);
    expect((await runIn(sb.dir, ['check', a, '--update-baseline'])).code).toBe(0);
    const r = await runIn(sb.dir, ['check', a, '--baseline', 'fencedep-baseline.json']);
    expect(r.code).toBe(0);
    // Nothing left in the file: the quiet report is the summary and the baseline's line.
    expect(r.out).not.toContain('circular');
    expect(r.out.trimEnd().split('\n')).toEqual([
      '✔ 1 file: 1 passed, 0 failed, 0 errors; 0 findings',
      '‼ 1 known finding ignored (baseline fencedep-baseline.json)',
    ]);
    const j = json(await runIn(sb.dir, ['check', a, '--baseline', 'fencedep-baseline.json', '--format', 'json']));
    expect(j.baseline).toEqual({ file: 'fencedep-baseline.json', ignored: 1, stale: [] });
    expect(j.results[0]).toMatchObject({ status: 'pass', findings: [] });
    expect(j.summary).toMatchObject({ passed: 1, failed: 0, findings: 0 });
  });

  it('matches across a rotated cycle and moved lines', async () => {
    const sb = sandbox();
    const a = sb.write('s/a.yaml', ABBA);
    const before = json(await runIn(sb.dir, ['check', a, '--format', 'json'])).results[0].findings[0];
    await runIn(sb.dir, ['check', a, '--update-baseline']);
    writeFileSync(a, ABBA_ROTATED);
    const after = json(await runIn(sb.dir, ['check', a, '--format', 'json'])).results[0].findings[0];
    // Really rotated and moved: another closing lock, another line.
    expect(after.locks).not.toEqual(before.locks);
    expect(after.location.line).not.toBe(before.location.line);
    const r = await runIn(sb.dir, ['check', a, '--baseline', 'fencedep-baseline.json', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(json(r).baseline).toEqual({ file: 'fencedep-baseline.json', ignored: 1, stale: [] });
  });

  it('a new finding still fails, beside the ignored one', async () => {
    const sb = sandbox();
    const a = sb.write('s/a.yaml', ABBA);
    await runIn(sb.dir, ['check', a, '--update-baseline']);
    writeFileSync(a, `${ABBA.replace('{A: mutex, B: mutex}', '{A: mutex, B: mutex, C: mutex}')}  - name: three\n    steps: [{lock: A}, {lock: C}, {unlock: C}, {unlock: A}]\n  - name: four\n    steps: [{lock: C}, {lock: A}, {unlock: A}, {unlock: C}]\n`);
    const r = await runIn(sb.dir, ['check', a, '--baseline', 'fencedep-baseline.json', '--format', 'json']);
    expect(r.code).toBe(1);
    const j = json(r);
    expect(j.baseline.ignored).toBe(1);
    expect(j.results[0].status).toBe('fail');
    expect(j.results[0].findings.map((f: { locks: string[] }) => [...f.locks].sort())).toEqual([['A', 'C']]);
  });

  it('the same finding in another file is not known', async () => {
    const sb = sandbox();
    const a = sb.write('s/a.yaml', ABBA);
    await runIn(sb.dir, ['check', a, '--update-baseline']);
    const copy = sb.write('s/copy.yaml', ABBA);
    const r = await runIn(sb.dir, ['check', a, copy, '--baseline', 'fencedep-baseline.json', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(json(r).results.map((x: { status: string }) => x.status)).toEqual(['pass', 'fail']);
  });

  it('stale entries: a warning and exit 0; --fail-on-stale-baseline makes them exit 1', async () => {
    const sb = sandbox();
    const a = sb.write('s/a.yaml', ABBA);
    await runIn(sb.dir, ['check', a, '--update-baseline']);
    writeFileSync(a, `${ABBA}expect:\n  - rule: circular-dependency\n`); // now expected: the entry is no longer needed
    const r = await runIn(sb.dir, ['check', a, '--baseline', 'fencedep-baseline.json']);
    expect(r.code).toBe(0);
    const fp = findingFingerprint({ rule: 'circular-dependency', lockdep: ['A', 'B'] });
    expect(r.out).toContain(
      `⚠ 1 stale baseline entry (no longer found; rewrite the baseline with --update-baseline)\n  s/a.yaml: circular-dependency A, B (${fp.slice(0, 12)})\n`,
    );
    expect(r.out).not.toContain('known finding');
    const strict = await runIn(sb.dir, ['check', a, '--baseline', 'fencedep-baseline.json', '--fail-on-stale-baseline']);
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('✖ 1 stale baseline entry');
    const j = json(await runIn(sb.dir, ['check', a, '--baseline', 'fencedep-baseline.json', '--format', 'json']));
    expect(j.baseline.stale).toEqual([{ file: 's/a.yaml', rule: 'circular-dependency', fingerprint: fp, locks: ['A', 'B'], message: 'possible circular locking dependency: A -> B -> A' }]);
    // Non-text formats: the lines go to stderr.
    expect((await runIn(sb.dir, ['check', a, '--baseline', 'fencedep-baseline.json', '--format', 'json'])).err).toContain('⚠ 1 stale baseline entry');
    // Rewriting the baseline prunes it.
    await runIn(sb.dir, ['check', a, '--update-baseline']);
    expect(JSON.parse(sb.read('fencedep-baseline.json')).findings).toEqual([]);
  });

  it('entries of a deleted file are stale; of a file outside the run (another shard) are not', async () => {
    const sb = sandbox();
    const a = sb.write('s/a.yaml', ABBA);
    const b = sb.write('s/b.yaml', CDDC);
    await runIn(sb.dir, ['check', sb.p('s'), '--update-baseline']);
    const onlyA = json(await runIn(sb.dir, ['check', a, '--baseline', 'fencedep-baseline.json', '--format', 'json']));
    expect(onlyA.baseline).toMatchObject({ ignored: 1, stale: [] });
    unlinkSync(b);
    const gone = json(await runIn(sb.dir, ['check', a, '--baseline', 'fencedep-baseline.json', '--format', 'json']));
    expect(gone.baseline.stale.map((e: { file: string }) => e.file)).toEqual(['s/b.yaml']);
  });

  it('entries are counted: one entry hides one finding', async () => {
    const sb = sandbox();
    sb.write('s/a.yaml', ABBA);
    const run = await checkInputs([sb.p('s')]);
    const base = buildBaseline(run, sb.dir, process.cwd());
    const doubled = { ...base, findings: [...base.findings, ...base.findings] };
    const applied = applyBaseline(run, doubled, sb.dir, process.cwd(), 'b.json');
    expect(applied.baseline).toMatchObject({ ignored: 1 });
    expect(applied.baseline!.stale).toHaveLength(1);
    expect(formatBaseline(base)).toBe(formatBaseline({ ...base, findings: [...base.findings].reverse() }));
  });

  it('a missing or invalid baseline is exit 2 with the position, never a stack trace', async () => {
    const sb = sandbox();
    const a = sb.write('s/a.yaml', ABBA);
    const missing = await runIn(sb.dir, ['check', a, '--baseline', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('fencedep: cannot read baseline nope.json: no such file (write one with --update-baseline)\n');
    sb.write('bad.json', '{\n  "version": 1,\n  "findings": [\n    {"file": "s/a.yaml", "rule": "circular-dependency", "fingerprnt": "x"}\n  ]\n}\n');
    const bad = await runIn(sb.dir, ['check', a, '--baseline', 'bad.json']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^bad\.json:4:5: error: findings\[0\]: missing required key "fingerprint"/m);
    expect(bad.err).toMatch(/^bad\.json:4:\d+: error: unknown key "fingerprnt" in findings\[0\].*\(did you mean "fingerprint"\?\)/m);
    sb.write('syntax.json', '{"version": 1,,}');
    const syntax = await runIn(sb.dir, ['check', a, '--baseline', 'syntax.json']);
    expect(syntax.code).toBe(2);
    expect(syntax.err).toMatch(/^syntax\.json:1:\d+: error: invalid JSON/);
    for (const x of [missing, bad, syntax]) expect(x.err).not.toMatch(NO_STACK);
  });

  it('the config names the baseline (relative to the config file) and can fail on stale entries', async () => {
    const sb = sandbox();
    const a = sb.write('s/a.yaml', ABBA);
    sb.write('fencedep.config.yaml', 'baseline: ci/known.json\nfail_on_stale_baseline: true\n');
    sb.write('ci/.keep', '');
    const sub = sb.p('s');
    expect((await runIn(sub, ['check', a, '--update-baseline'])).code).toBe(0);
    expect(existsSync(sb.p('ci', 'known.json'))).toBe(true);
    expect(JSON.parse(sb.read('ci/known.json')).findings[0].file).toBe('../s/a.yaml');
    const r = await runIn(sub, ['check', a]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`‼ 1 known finding ignored (baseline ${path.join(sb.dir, 'ci', 'known.json')})`);
    writeFileSync(a, 'locks: {A: mutex}\n');
    expect((await runIn(sub, ['check', a])).code).toBe(1);
    // The command line wins over the config.
    sb.write('s/empty.json', '{"version": 1, "findings": []}\n');
    expect((await runIn(sub, ['check', a, '--baseline', 'empty.json'])).code).toBe(0);
    rmSync(sb.dir, { recursive: true, force: true });
  });
});
