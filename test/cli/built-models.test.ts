/**
 * The built CLI takes a built-in model's parse from dist/models.json without reading the model
 * while the model's file is the one the build read (src/load/model-cache.ts), by comparing its
 * text with the build's otherwise, and parses the model again once it is another file, even
 * one edited to the same size with its modification time set back. Run on a copy of the
 * package whose models.json records the copy's files (as a build made later would) and serves
 * a parse that names kswapd differently from the model's text: the name in the report says
 * where the model came from.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratch } from '../fuzz/harness.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const fx = scratch('built-models');
afterAll(() => fx.cleanup());

const RECLAIM = 'kernel/reclaim.yaml';
const FROM_BUILD = 'kernel:kswapd-as-built';
const BUILT_AT = 1_700_000_000;

/** JSON in ASCII, as the build writes it (the loader reads it as latin1). */
const ascii = (v: unknown) => JSON.stringify(v).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * A copy of the built package whose models.json records the copy's model files, with
 * `RECLAIM`'s kswapd renamed in its parse; its model-texts.json has the models' texts under
 * the build's id, under another build's id, or none.
 */
function builtCopy(texts: 'this build' | 'another build' | 'none'): string {
  const dir = fx.sub(`pkg-${Math.random().toString(36).slice(2)}`);
  for (const rel of ['bin', 'dist/bundle', 'rules', 'package.json']) cpSync(path.join(ROOT, rel), path.join(dir, rel), { recursive: true });
  const stored = JSON.parse(readFileSync(path.join(ROOT, 'dist', 'models.json'), 'latin1')) as { build: string; models: Record<string, { identity: number[] | null; parsed: string }> };
  expect(stored.models[RECLAIM]?.parsed, 'build first: npm run build').toContain('"kernel:kswapd"');
  const built: Record<string, string> = {};
  for (const [rel, m] of Object.entries(stored.models)) {
    const file = path.join(dir, 'rules', rel);
    utimesSync(file, BUILT_AT, BUILT_AT); // a time an edit can set back exactly
    const st = statSync(file);
    m.identity = [st.size, st.mtimeMs, st.ctimeMs, st.ino];
    built[rel] = readFileSync(file, 'utf8');
  }
  stored.models[RECLAIM]!.parsed = stored.models[RECLAIM]!.parsed.replace('"kernel:kswapd"', JSON.stringify(FROM_BUILD));
  writeFileSync(path.join(dir, 'dist', 'models.json'), ascii(stored));
  const build = texts === 'this build' ? stored.build : 'another build';
  writeFileSync(path.join(dir, 'dist', 'model-texts.json'), texts === 'none' ? '{}' : ascii({ build, texts: built }));
  return dir;
}

/** The text report of a fixture whose shrinker deadlocks against kswapd, checked by the copy's CLI. */
function report(dir: string): string {
  const fixture = path.join(ROOT, 'fixtures', 'seeds-drm', 'i915-shrinker-blocking-lock.yaml');
  const r = spawnSync(process.execPath, [path.join(dir, 'bin', 'fencedep.js'), 'check', '--no-config', '--verbose', '--no-color', fixture], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout;
}

/** Waits until the file system's clock has moved past `ctimeMs`, so that a write now gets another change time even where the clock ticks coarsely. */
function pastTick(ctimeMs: number): void {
  while (Date.now() < ctimeMs + 50) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
}

/** Makes the model's file another one the way an editor would: same size, the modification time set back. */
function editKeepingSizeAndTime(dir: string): void {
  const file = path.join(dir, 'rules', RECLAIM);
  const before = statSync(file);
  pastTick(before.ctimeMs);
  writeFileSync(file, readFileSync(file, 'utf8').replaceAll('kernel:kswapd', 'kernel:kswapX'));
  utimesSync(file, BUILT_AT, BUILT_AT);
  const after = statSync(file);
  expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino]);
  expect(after.ctimeMs).not.toBe(before.ctimeMs);
}

describe("the build's parse of a built-in model", () => {
  it('is taken without reading the model while its file is the one the build read', () => {
    const out = report(builtCopy('none'));
    expect(out).toContain(`path "${FROM_BUILD}"`);
    expect(out).not.toContain('path "kernel:kswapd"');
  });

  it('is not taken once the file is edited, even to the same size with its modification time set back', () => {
    const dir = builtCopy('this build');
    editKeepingSizeAndTime(dir);
    const out = report(dir);
    expect(out).toContain('path "kernel:kswapX"');
    expect(out).not.toContain(FROM_BUILD);
  });

  it("is taken, once the file is another, while its text is the one the build parsed; not by another build's texts", () => {
    for (const [texts, name] of [['this build', FROM_BUILD], ['another build', 'kernel:kswapd'], ['none', 'kernel:kswapd']] as const) {
      const dir = builtCopy(texts);
      const file = path.join(dir, 'rules', RECLAIM);
      utimesSync(file, BUILT_AT + 5, BUILT_AT + 5);
      const out = report(dir);
      expect(out, texts).toContain(`path "${name}"`);
      expect(out.includes(FROM_BUILD), texts).toBe(name === FROM_BUILD);
    }
  });
});
