/**
 * What `npm run build` writes to dist/models.json (model-cache.ts): every built-in model
 * parsed as an include is, with the positions of everything in it, validated; and the steps
 * of the runs of models the usual includes declare, converted (model-layer.ts).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatPlace } from './decls.js';
import { InputErrors } from './errors.js';
import { validate } from './issues.js';
import type { ConvertedModels, ModelCache, ModelCacheEntry } from './model-cache.js';
import { recordedIdentity, snapshot } from './model-cache.js';
import { convertModels, layerKey } from './model-layer.js';
import { builtinModelNames, modelDisplayPath, packageRoot, rulesDir } from './models.js';
import { FileLoader } from './scenario.js';
import { fileSchema } from './schema.js';
import { parseText } from './source.js';

/** Every built-in model, keyed by its path under rules/, validated. */
export function buildModelEntries(): Record<string, ModelCacheEntry> {
  const dir = rulesDir();
  const out: Record<string, ModelCacheEntry> = {};
  if (!dir) return out;
  for (const name of builtinModelNames()) {
    const rel = `${name}.yaml`;
    const file = join(dir, ...rel.split('/'));
    const identity = recordedIdentity(statSync(file), Date.now());
    const text = readFileSync(file, 'utf8');
    const parsed = parseText(text, modelDisplayPath(name), false, true);
    const r = validate(fileSchema, parsed.value, parsed.pos, '');
    if (!r.ok) throw new InputErrors(r.errors);
    out[rel] = { text, identity, value: parsed.value, values: parsed.values, pos: snapshot(parsed.pos, parsed.value) };
  }
  return out;
}

/**
 * The include lists whose models the build converts: each top-level model (`kernel`, `drm`)
 * alone and all of them in either order, what scenarios write.
 */
export function usualIncludes(): string[][] {
  const top = builtinModelNames().filter((n) => !n.includes('/'));
  return [...top.map((n) => [n]), top, [...top].reverse()];
}

/** The models `include` declares, in load order, converted; by their key (model-layer.ts). */
export async function buildConversions(): Promise<Record<string, ConvertedModels>> {
  const root = packageRoot();
  const out: Record<string, ConvertedModels> = {};
  if (!root) return out;
  for (const include of usualIncludes()) {
    const loader = new FileLoader((e) => {
      throw new InputErrors([e]);
    });
    const text = `include: [${include.join(', ')}]\n`;
    await loader.load('<build>.yaml', join(root, '<build>.yaml'), [], [], null, { text, json: false });
    const models = loader.order.slice(0, -1);
    const decls = convertModels(models);
    if (!decls) throw new Error(`the models of include: [${include.join(', ')}] have an error: check them with \`fencedep check\` (${models.map((m) => formatPlace({ file: m.display, line: 1, column: 1 })).join(', ')})`);
    out[layerKey(models)] = decls.converted();
  }
  return out;
}

/** What dist/models.json holds. */
export async function buildModelCache(): Promise<ModelCache> {
  return { build: randomUUID(), models: buildModelEntries(), converted: await buildConversions() };
}
