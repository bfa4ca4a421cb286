/**
 * The built CLI takes a built-in model's parse from dist/models.json without reading the model
 * while the model's file is the one the build read (src/load/model-cache.ts), and parses the
 * model again once it is another file, even one edited to the same size with its modification
 * time set back. Run on a copy of the package whose models.json records the copy's files and
 * serves a parse that names kswapd differently from the model's text: the name in the report
 * says where the model came from. The copy's model-texts.json is empty, so a parse served by
 * comparing texts cannot be mistaken for one served by the file's identity.
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

/** A copy of the built package whose models.json records the copy's model files, with `RECLAIM`'s kswapd renamed in its parse. */
function builtCopy(): string {
  const dir = fx.sub(`pkg-${Math.random().toString(36).slice(2)}`);
  for (const rel of ['bin', 'dist/bundle', 'rules', 'package.json']) cpSync(path.join(ROOT, rel), path.join(dir, rel), { recursive: true });
  const stored = JSON.parse(readFileSync(path.join(ROOT, 'dist', 'models.json'), 'latin1')) as { models: Record<string, { identity: number[]; parsed: string }> };
  expect(stored.models[RECLAIM]?.parsed, 'build first: npm run build').toContain('"kernel:kswapd"');
  for (const [rel, m] of Object.entries(stored.models)) {
    utimesSync(path.join(dir, 'rules', rel), BUILT_AT, BUILT_AT); // a time an edit can set back exactly
    const st = statSync(path.join(dir, 'rules', rel));
    m.identity = [st.size, st.mtimeMs, st.ctimeMs, st.ino];
  }
  stored.models[RECLAIM]!.parsed = stored.models[RECLAIM]!.parsed.replace('"kernel:kswapd"', JSON.stringify(FROM_BUILD));
  const ascii = (v: unknown) => JSON.stringify(v).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeFileSync(path.join(dir, 'dist', 'models.json'), ascii(stored));
  writeFileSync(path.join(dir, 'dist', 'model-texts.json'), '{}');
  return dir;
}

/** The text report of a fixture whose shrinker deadlocks against kswapd, checked by the copy's CLI. */
function report(dir: string): string {
  const fixture = path.join(ROOT, 'fixtures', 'seeds-drm', 'i915-shrinker-blocking-lock.yaml');
  const r = spawnSync(process.execPath, [path.join(dir, 'bin', 'fencedep.js'), 'check', '--no-config', '--verbose', '--no-color', fixture], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout;
}

describe("the build's parse of a built-in model", () => {
  it('is taken without reading the model while its file is the one the build read', () => {
    const out = report(builtCopy());
    expect(out).toContain(`path "${FROM_BUILD}"`);
    expect(out).not.toContain('path "kernel:kswapd"');
  });

  it('is not taken once the file is edited, even to the same size with its modification time set back', () => {
    const dir = builtCopy();
    const file = path.join(dir, 'rules', RECLAIM);
    const before = statSync(file);
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('kernel:kswapd', 'kernel:kswapX'));
    utimesSync(file, BUILT_AT, BUILT_AT);
    const after = statSync(file);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    const out = report(dir);
    expect(out).toContain('path "kernel:kswapX"');
    expect(out).not.toContain(FROM_BUILD);
  });

  it('is not taken, without its text to compare, once the file was touched', () => {
    const dir = builtCopy();
    const file = path.join(dir, 'rules', RECLAIM);
    utimesSync(file, BUILT_AT + 5, BUILT_AT + 5);
    const out = report(dir);
    expect(out).toContain('path "kernel:kswapd"');
    expect(out).not.toContain(FROM_BUILD);
  });
});
