/**
 * `fencedep diff`: a change that allocates inside a signalling section introduces the
 * alloc-in-signalling cycle and adds dma_fence_map → fs_reclaim; the reverse change fixes it;
 * identical inputs change nothing; directories pair files by relative path.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffInputs } from '../../src/cli/diff.js';
import { cli, NO_STACK } from '../cli/helpers.js';
import { expectGoldenIn, here } from '../helpers/golden.js';

const GOLDEN = here(import.meta.url, 'golden');
const BEFORE_DIR = here(import.meta.url, 'cases', 'before');
const AFTER_DIR = here(import.meta.url, 'cases', 'after');
const BEFORE = path.join(BEFORE_DIR, 'run-job.yaml');
const AFTER = path.join(AFTER_DIR, 'run-job.yaml');
const ESC = '\u001b[';

describe('fencedep diff: a patch that allocates inside the signalling section', () => {
  it('reports the introduced finding and the added dependency; exit 1', async () => {
    const r = await cli(['diff', BEFORE, AFTER]);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `introduced ${AFTER}:15:13: error: possible circular locking dependency: fs_reclaim -> mmu_notifier_invalidate_range_start -> dma_fence_map -> fs_reclaim [circular-dependency]`,
    );
    expect(r.out).toContain('pattern: alloc-in-signalling');
    expect(r.out).toContain(`adds      dma_fence_map → fs_reclaim [SN]: path "drm_sched run_job", ${AFTER}:15:13 kmalloc: GFP_KERNEL`);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe(
      '✖ 1 finding introduced, 0 fixed, 0 unchanged; 1 dependency added, 0 removed, 0 changed (1 file compared)',
    );
    expectGoldenIn(GOLDEN, 'introduced.txt', r.out);
  });

  it('JSON: the finding with its fingerprint, the dependency by lockdep and scenario names', async () => {
    const r = await cli(['diff', BEFORE, AFTER, '--format', 'json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.version).toBe(1);
    expect(j.files).toHaveLength(1);
    const f = j.files[0];
    expect(f).toMatchObject({ file: AFTER, before: BEFORE, after: AFTER, scenario: 'run-job', status: 'changed' });
    expect(f.findings.introduced).toHaveLength(1);
    expect(f.findings.introduced[0]).toMatchObject({
      rule: 'circular-dependency',
      pattern: 'alloc-in-signalling',
      lockdep: ['fs_reclaim', 'mmu_notifier_invalidate_range_start', 'dma_fence_map'],
      location: { file: AFTER, line: 15, column: 13 },
    });
    expect(f.findings.introduced[0].fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(f.findings.fixed).toEqual([]);
    expect(f.dependencies).toEqual({
      added: [
        {
          from: 'dma_fence_map', to: 'fs_reclaim', fromName: 'dma_fence_map', toName: 'fs_reclaim', kinds: ['SN'],
          path: 'drm_sched run_job', location: { file: AFTER, line: 15, column: 13 }, step: 'kmalloc: GFP_KERNEL', own: true,
        },
      ],
      removed: [],
      changed: [],
      hidden: 0,
    });
    expect(j.summary).toMatchObject({ files: 1, introduced: 1, failing: 1, fixed: 0, unchanged: 0, added: 1, removed: 0, errors: 0 });
    expectGoldenIn(GOLDEN, 'introduced.json', r.out);
  });

  it('Markdown: a review comment', async () => {
    const r = await cli(['diff', BEFORE, AFTER, '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('**✖ this change introduces findings**');
    expect(r.out).toContain('| added | `dma_fence_map` → `fs_reclaim` | SN | drm_sched run_job |');
    expect(r.out).toContain('| **introduced** | possible circular locking dependency');
    expectGoldenIn(GOLDEN, 'introduced.md', r.out);
  });

  it('the reverse change fixes it and removes the dependency; exit 0', async () => {
    const r = await cli(['diff', AFTER, BEFORE]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`fixed      ${AFTER}:15:13: error: possible circular locking dependency`);
    expect(r.out).toContain(`removes   dma_fence_map → fs_reclaim [SN]: path "drm_sched run_job", ${AFTER}:15:13 kmalloc: GFP_KERNEL`);
    expect(r.out).not.toContain('introduced ');
    expect(r.out.trimEnd().split('\n').at(-1)).toBe(
      '✔ 0 findings introduced, 1 fixed, 0 unchanged; 0 dependencies added, 1 removed, 0 changed (1 file compared)',
    );
    const j = JSON.parse((await cli(['diff', AFTER, BEFORE, '--format', 'json'])).out);
    expect(j.files[0].findings.fixed[0].rule).toBe('circular-dependency');
    expect(j.files[0].dependencies.removed.map((d: { from: string; to: string }) => `${d.from} → ${d.to}`)).toEqual(['dma_fence_map → fs_reclaim']);
  });

  it('identical inputs: nothing changed, exit 0', async () => {
    const r = await cli(['diff', AFTER, AFTER]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`unchanged  ${AFTER}:15:13`);
    expect(r.out).not.toMatch(/^ {2}(introduced|fixed|adds|removes|changes) /m);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe(
      '✔ 0 findings introduced, 0 fixed, 1 unchanged; 0 dependencies added, 0 removed, 0 changed (1 file compared)',
    );
    const clean = await cli(['diff', BEFORE, BEFORE]);
    expect(clean.code).toBe(0);
    expect(clean.out).toContain('no change');
    const j = JSON.parse((await cli(['diff', BEFORE, BEFORE, '--format', 'json'])).out);
    expect(j.files[0].status).toBe('unchanged');
  });

  it('a finding that AFTER expects is introduced but does not fail the gate', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'fencedep-diff-'));
    try {
      const expected = path.join(tmp, 'after.yaml');
      writeFileSync(
        expected,
        `${readFileSync(AFTER, 'utf8')}expect:\n  - rule: circular-dependency\n    involves: [dma_fence_map, fs_reclaim]\n`,
      );
      const r = await cli(['diff', BEFORE, expected]);
      expect(r.out).toContain('[circular-dependency] (expected)');
      expect(r.code).toBe(0);
      // The review comment does not call it "no new findings" while counting one introduced.
      const md = await cli(['diff', BEFORE, expected, '--format', 'markdown']);
      expect(md.code).toBe(0);
      expect(md.out).toContain('**✔ no new failing findings**: 1 finding introduced');
      expect(md.out).not.toContain('no new findings');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('fencedep diff: directories', () => {
  it('pairs files by relative path: changed, unchanged, added, removed', async () => {
    const d = await diffInputs(BEFORE_DIR, AFTER_DIR);
    expect(d.files.map((f) => [f.file, f.status])).toEqual([
      ['new.yaml', 'added'],
      ['retired.yaml', 'removed'],
      ['run-job.yaml', 'changed'],
      ['sub/abba.yaml', 'unchanged'],
    ]);
    const [added, removed, changed, same] = d.files;
    expect(added!.before).toBeNull();
    expect(added!.introduced).toEqual([]);
    expect(removed!.after).toBeNull();
    expect(removed!.fixed.map((x) => x.finding.locks)).toEqual([['x', 'y']]);
    expect(changed!.introduced.map((x) => x.finding.pattern)).toEqual(['alloc-in-signalling']);
    expect(changed!.added.map((x) => `${x.from} → ${x.to}`)).toEqual(['dma_fence_map → fs_reclaim']);
    expect(same!.unchanged).toHaveLength(1);
    expect(same!.added).toEqual([]);
    expect(d.summary).toMatchObject({ files: 4, addedFiles: 1, removedFiles: 1, changedFiles: 1, introduced: 1, fixed: 1, unchanged: 1 });
  });

  it('text lists what changed, exit 1; reversed, the retired design comes back as introduced', async () => {
    const r = await cli(['diff', BEFORE_DIR, AFTER_DIR]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('added new.yaml (new): 0 findings, 0 dependencies');
    expect(r.out).toContain('removed retired.yaml (retired): 1 finding gone, 2 dependencies');
    expect(r.out).toContain('changed run-job.yaml (run-job)');
    expect(r.out).not.toContain('sub/abba.yaml'); // unchanged: counted, not listed
    expect(r.out.trimEnd().split('\n').at(-1)).toBe(
      '✖ 1 finding introduced, 1 fixed, 1 unchanged; 1 dependency added, 0 removed, 0 changed (4 files compared: 1 added, 1 removed)',
    );
    expectGoldenIn(GOLDEN, 'directories.txt', r.out);
    const back = await cli(['diff', AFTER_DIR, BEFORE_DIR]);
    expect(back.code).toBe(1);
    expect(back.out).toContain('added retired.yaml (retired): 1 finding, 2 dependencies');
    expect(back.out).toMatch(/introduced .*retired\.yaml:16:9: error: possible circular locking dependency: x -> y -> x/);
  });

  it('the same directory on both sides: exit 0', async () => {
    const r = await cli(['diff', AFTER_DIR, AFTER_DIR, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.files.map((f: { status: string }) => f.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });
});

describe('fencedep diff: errors and colour', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'fencedep-diff-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('exit 2 for a file against a directory, a missing input, an invalid scenario', async () => {
    const mixed = await cli(['diff', BEFORE, AFTER_DIR]);
    expect(mixed.code).toBe(2);
    expect(mixed.err).toContain('must both be scenario files or both directories');
    const missing = await cli(['diff', path.join(tmp, 'nope.yaml'), AFTER]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read BEFORE');
    const broken = path.join(tmp, 'broken.yaml');
    writeFileSync(broken, 'name: broken\npaths:\n  - name: p\n    steps:\n      - mutex_lock: nosuchlock\n');
    const bad = await cli(['diff', BEFORE, broken]);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/broken\.yaml:5:\d+.*error: /);
    for (const r of [mixed, missing, bad]) expect(r.err + r.out).not.toMatch(NO_STACK);
  });

  it('a symbolic link loop is a usage error naming the input and what is wrong, not an errno string', async () => {
    const loop = path.join(tmp, 'loop.yaml');
    symlinkSync(loop, loop);
    for (const [args, which] of [[[loop, AFTER], 'BEFORE'], [[BEFORE, loop], 'AFTER']] as const) {
      const r = await cli(['diff', ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        `fencedep: cannot read ${which} ${JSON.stringify(loop)}: a loop of symbolic links (too many levels of symbolic links to resolve); expected a scenario file or a directory\n`,
      );
      expect(r.err).not.toMatch(/ELOOP|Error:/);
    }
  });

  it('an empty directory is a side with no files', async () => {
    const empty = path.join(tmp, 'empty');
    mkdirSync(empty);
    const r = await cli(['diff', empty, AFTER_DIR, '--format', 'json']);
    const j = JSON.parse(r.out);
    expect(j.files.map((f: { status: string }) => f.status)).toEqual(['added', 'added', 'added']);
    expect(r.code).toBe(1);
  });

  it('colours like the check report: FORCE_COLOR on, --no-color and NO_COLOR off', async () => {
    expect((await cli(['diff', BEFORE, AFTER], { env: { FORCE_COLOR: '1' } })).out).toContain(ESC);
    expect((await cli(['diff', BEFORE, AFTER, '--no-color'], { env: { FORCE_COLOR: '1' } })).out).not.toContain(ESC);
    expect((await cli(['diff', BEFORE, AFTER], { env: { NO_COLOR: '1' }, isTTY: true })).out).not.toContain(ESC);
    expect((await cli(['diff', BEFORE, AFTER], { isTTY: true })).out).toContain(ESC);
    expect((await cli(['diff', BEFORE, AFTER, '--format', 'json'], { env: { FORCE_COLOR: '1' } })).out).not.toContain(ESC);
  });

  it('-o writes the report', async () => {
    const out = path.join(tmp, 'diff.md');
    const r = await cli(['diff', BEFORE, AFTER, '--format', 'markdown', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(readFileSync(out, 'utf8')).toContain('## fencedep diff');
  });
});

describe("fencedep diff: the models' own dependencies", () => {
  // BEFORE has no model; AFTER includes the kernel model (its priming records dependencies of
  // its own) and takes a new lock under ring_lock: the design change is that one dependency.
  const dir = mkdtempSync(path.join(tmpdir(), 'fencedep-diff-model-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const base = 'name: job-alloc\nlocks: {ring_lock: mutex, job_lock: mutex}\npaths:\n  - name: run_job\n    steps:\n      - mutex_lock: ring_lock\n      - kmalloc: GFP_KERNEL\n';
  const before = path.join(dir, 'before.yaml');
  const after = path.join(dir, 'after.yaml');
  writeFileSync(before, `${base}      - mutex_unlock: ring_lock\n`);
  writeFileSync(after, `include: [kernel]\n${base}      - mutex_lock: job_lock\n      - mutex_unlock: job_lock\n      - mutex_unlock: ring_lock\n`);

  it("lists only the scenario's own changes, counts the model's (text, JSON, Markdown)", async () => {
    const r = await cli(['diff', before, after]);
    expect(r.code).toBe(0);
    const adds = r.out.split('\n').filter((l) => l.startsWith('  adds'));
    expect(adds).toEqual([`  adds      ring_lock → job_lock [EN]: path "run_job", ${after}:9:9 mutex_lock: job_lock`]);
    const j = JSON.parse((await cli(['diff', before, after, '--format', 'json'])).out);
    const hidden = j.summary.hidden as number;
    expect(hidden).toBeGreaterThan(0);
    expect(j.files[0].dependencies.hidden).toBe(hidden);
    expect(j.files[0].dependencies.added).toMatchObject([{ from: 'ring_lock', to: 'job_lock', own: true }]);
    expect(r.out).toContain(`  ${hidden} changes of the models' own dependencies not listed (--all-dependencies lists them)\n`);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe(
      `✔ 0 findings introduced, 0 fixed, 0 unchanged; 1 dependency added, 0 removed, 0 changed, ${hidden} changes of the models' own dependencies not listed (1 file compared)`,
    );
    expect((await cli(['diff', before, after, '--format', 'markdown'])).out).toContain(`${hidden} changes of the models' own dependencies not listed (--all-dependencies lists them).`);
  });

  it('--all-dependencies lists them all, each marked own or not', async () => {
    const j = JSON.parse((await cli(['diff', before, after, '--format', 'json'])).out);
    const all = JSON.parse((await cli(['diff', before, after, '--format', 'json', '--all-dependencies'])).out);
    expect(all.summary.hidden).toBe(0);
    const added = all.files[0].dependencies.added as { own: boolean; path: string; location: { file: string } }[];
    expect(added).toHaveLength(1 + (j.summary.hidden as number));
    const model = added.filter((d) => !d.own);
    expect(model).toHaveLength(j.summary.hidden);
    // Recorded by the model's own paths, at the model's own steps.
    for (const d of model) expect(d.path.startsWith('kernel:') && d.location.file.startsWith('<fencedep>/')).toBe(true);
  });

  it('the same model on both sides hides nothing', async () => {
    const r = await cli(['diff', after, after, '--format', 'json']);
    expect(JSON.parse(r.out).summary).toMatchObject({ added: 0, removed: 0, changed: 0, hidden: 0 });
  });
});
