/**
 * The seed designs that use the DRM helpers, re-expressed with the models (fixtures/seeds-drm/,
 * each beside its hand-written original in fixtures/seeds/ of the same name): the same verdict
 * — both pass their gate, the original's expectations met (a helper's inside may add findings of
 * the same verdict, expected after them) — now that run_job, drm_exec and the
 * dma-buf calls are the models' functions and hooks instead of hand-written steps.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInputs } from '../../src/check/run.js';
import { ROOT } from '../docs/generate.js';

const SEEDS = path.join(ROOT, 'fixtures', 'seeds');
const WITH_MODELS = path.join(ROOT, 'fixtures', 'seeds-drm');
const files = readdirSync(WITH_MODELS).filter((f) => f.endsWith('.yaml')).sort();

/** The rules of a file's expected findings, sorted. */
const expectedRules = (r: { findings: readonly { rule: string; expected: boolean }[] }) => r.findings.filter((f) => f.expected).map((f) => f.rule).sort();

describe('seeds re-expressed with the DRM models', () => {
  it('has the seeds that use drm_sched, drm_exec or dma-buf', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s: the same verdict as fixtures/seeds/%s', async (file) => {
    const original = path.join(SEEDS, file);
    const modelled = path.join(WITH_MODELS, file);
    expect(readFileSync(modelled, 'utf8')).toMatch(/^include: \[kernel, drm\]$/m);
    const run = await checkInputs([original, modelled]);
    const [a, b] = [run.results.find((r) => r.file === original)!, run.results.find((r) => r.file === modelled)!];
    expect([a.status, b.status]).toEqual(['pass', 'pass']);
    expect(expectedRules(b)).toEqual(expect.arrayContaining(expectedRules(a)));
    // The expect blocks say the same thing; the models may find more of the same verdict (a
    // dependency only the helper's inside creates), written after the original's entries.
    const expectBlock = (f: string) => readFileSync(f, 'utf8').slice(readFileSync(f, 'utf8').search(/^expect:/m));
    expect(expectBlock(modelled).startsWith(expectBlock(original))).toBe(true);
    if (expectBlock(original).trim() === 'expect: clean') expect(expectBlock(modelled).trim()).toBe('expect: clean');
  });

  it('a finding says it comes from a model\'s rule exactly when lockdep alone does not report it', async () => {
    for (const file of files) {
      const modelled = path.join(WITH_MODELS, file);
      const full = (await checkInputs([modelled])).results[0]!;
      const lockdepOnly = (await checkInputs([modelled], { lockdepOnly: true })).results[0]!;
      for (const f of full.findings) {
        const inLockdepView = lockdepOnly.findings.some((g) => g.rule === f.rule && g.lockdep.join() === f.lockdep.join());
        // marked exactly when lockdep alone does not make it
        expect((f.modelRules?.length ?? 0) > 0, `${file}: ${f.message}`).toBe(!inLockdepView);
      }
    }
  });
});
