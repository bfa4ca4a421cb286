/**
 * What `npm run build` writes to dist/models.json (model-cache.ts): every built-in model
 * parsed as an include is, with the positions of everything in it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelCacheEntry } from './model-cache.js';
import { snapshot } from './model-cache.js';
import { builtinModelNames, modelDisplayPath, rulesDir } from './models.js';
import { parseText } from './source.js';

/** Every built-in model, keyed by its path under rules/. */
export function buildModelCache(): Record<string, ModelCacheEntry> {
  const dir = rulesDir();
  const out: Record<string, ModelCacheEntry> = {};
  if (!dir) return out;
  for (const name of builtinModelNames()) {
    const rel = `${name}.yaml`;
    const text = readFileSync(join(dir, ...rel.split('/')), 'utf8');
    const parsed = parseText(text, modelDisplayPath(name), false, true);
    out[rel] = { text, value: parsed.value, values: parsed.values, pos: snapshot(parsed.pos, parsed.value) };
  }
  return out;
}
