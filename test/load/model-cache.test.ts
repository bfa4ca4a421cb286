/**
 * The built-in models parsed at build time (src/load/model-cache.ts): every position the
 * loader can ask of a model is the one the parsed YAML gives, and a model whose text changed
 * is parsed again rather than served from the build.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedModel, modelCacheFile, RACY_MS, recordedIdentity, sameFile, SnapshotPos } from '../../src/load/model-cache.js';
import { buildModelEntries } from '../../src/load/model-cache-build.js';
import { builtinModelNames, modelDisplayPath, packageRoot, rulesDir } from '../../src/load/models.js';
import type { PathKey, Pos } from '../../src/load/pos.js';
import { parseText } from '../../src/load/source.js';

/** Every answer of `pos` about `value`, recursively: loc, each key's and child's, and keys that are not there. */
function answers(pos: Pos, value: unknown, out: unknown[] = []): unknown[] {
  out.push(pos.loc());
  const keys: PathKey[] = Array.isArray(value) ? value.map((_, i) => i) : value !== null && typeof value === 'object' ? Object.keys(value) : [];
  const absent: PathKey[] = ['no such key', -1, 1e6, '0', 0, 'steps'];
  for (const k of [...keys, ...absent]) {
    out.push(k, pos.keyLoc(k), pos.child(k).loc(), pos.child(k).keyLoc('x'), pos.child(k).child(0).loc());
  }
  keys.forEach((k) => answers(pos.child(k), (value as Record<PathKey, unknown>)[k], out));
  return out;
}

describe('the built-in models parsed at build time', () => {
  const cache = buildModelEntries();

  it('has every built-in model', () => {
    expect(Object.keys(cache).sort()).toEqual(builtinModelNames().map((n) => `${n}.yaml`).sort());
  });

  it('answers every position as the parsed YAML does', () => {
    for (const [rel, entry] of Object.entries(cache)) {
      const display = modelDisplayPath(rel.replace(/\.yaml$/, ''));
      const parsed = parseText(entry.text, display, false, true);
      expect(entry.value).toEqual(parsed.value);
      expect(entry.values).toBe(parsed.values);
      const got = answers(new SnapshotPos(display, entry.value, entry.pos), entry.value);
      expect(got.length).toBeGreaterThan(100);
      expect(got, rel).toEqual(answers(parsed.pos, parsed.value));
    }
  });

  it('survives JSON, as dist/models.json stores it', () => {
    expect(JSON.parse(JSON.stringify(cache))).toEqual(cache);
  });

  it('is used for a model whose text is the built one, and not for an edited one', () => {
    expect(readFileSync(modelCacheFile(packageRoot()!), 'utf8'), 'build first: npm run build').not.toBe('');
    const abs = join(rulesDir()!, 'kernel', 'reclaim.yaml');
    const text = readFileSync(abs, 'utf8');
    const display = modelDisplayPath('kernel/reclaim');
    const hit = cachedModel(abs, text, display, Number.MAX_SAFE_INTEGER);
    expect(hit?.pos).toBeInstanceOf(SnapshotPos);
    expect(hit?.value).toEqual(parseText(text, display, false, true).value);
    expect(cachedModel(abs, text.replace('kernel:kswapd', 'kernel:kswapd0'), display, Number.MAX_SAFE_INTEGER)).toBeNull();
    expect(cachedModel(abs, text, display, 3)).toBeNull(); // over the value budget: the parser says so
    expect(cachedModel(join(rulesDir()!, '..', 'fixtures', 'x.yaml'), text, display, Number.MAX_SAFE_INTEGER)).toBeNull();
  });

  it("records a file's identity only where a later edit must change it, and knows the file by every field of it", () => {
    const st = statSync(join(rulesDir()!, 'kernel', 'reclaim.yaml'));
    const differing = (fields: Partial<Stats>): Stats => Object.assign(Object.create(Object.getPrototypeOf(st) as object) as Stats, st, fields);
    const changed = st.ctimeMs;
    const identity = recordedIdentity(st, changed + RACY_MS, 'linux');
    expect(identity).toEqual([st.size, st.mtimeMs, st.ctimeMs, st.ino]);
    // Within a tick of a coarse file-system clock, a second edit could leave every field as it was.
    expect(recordedIdentity(st, changed + RACY_MS - 1, 'linux')).toBeNull();
    expect(recordedIdentity(st, changed - 5000, 'linux')).toBeNull(); // a change time ahead of the clock
    expect(recordedIdentity(st, changed + 60_000, 'win32')).toBeNull(); // a program can set the change time there
    expect(sameFile(identity, st)).toBe(true);
    // An edit that keeps the size and sets the modification time back still changes the status change time.
    for (const field of ['size', 'mtimeMs', 'ctimeMs', 'ino'] as const) expect(sameFile(identity, differing({ [field]: st[field] + 1 })), field).toBe(false);
    expect(sameFile(null, st)).toBe(false);
    expect(sameFile(undefined, st)).toBe(false);
  });
});
