/**
 * The built-in models' declarations, made once per process and shared by every file that
 * includes the same models: their locks, fences, hooks, functions and paths, with every step
 * converted (and every function a model path calls with arguments instantiated). A check of
 * many files, or an editor's repeated checks in one process, then declares and converts only
 * each file's own names; before, every file converted the kernel and drm models again.
 *
 * The models come first in a scenario's load order (includes before the file that includes
 * them), so the shared layer is that order's leading run of built-in models. It is used only
 * when those models declare and convert without an error on their own: then every name their
 * steps use is theirs, a file cannot redeclare one differently without an error of its own,
 * and converting them before the file's names are declared gives the steps converting them
 * after would. Otherwise the file is declared from scratch, so any error is the one it was.
 *
 * The first file of a process need not convert them either: the build converted the usual
 * runs of models (model-cache.ts), and those steps are taken while every model in the run is
 * the one the build read and the code running is the build's.
 */
import type { InputError } from './errors.js';
import { Declarations } from './decls.js';
import { builtConversion, isBuiltModel } from './model-cache.js';
import { builtinModelOf } from './models.js';
import type { Pos } from './pos.js';
import type { ScenarioFile } from './schema.js';

/** A file in load order, as the loader has it. */
export interface OrderedFile {
  readonly display: string;
  readonly data: ScenarioFile;
  readonly pos: Pos;
}

interface ModelLayer {
  /** The models' parsed contents it was made from (an edited model is parsed anew, so it differs). */
  readonly data: readonly ScenarioFile[];
  /** Null when the models have an error on their own. */
  readonly decls: Declarations | null;
}

/** By `layerKey`. */
const layers = new Map<string, ModelLayer>();

/** A run of models by their names as shown, in load order, one a line. */
export function layerKey(files: readonly OrderedFile[]): string {
  return files.map((f) => f.display).join('\n');
}

/** The models declared (not converted), and whether that reported an error. */
function declared(files: readonly OrderedFile[]): { decls: Declarations; clean: () => boolean } {
  let clean = true;
  const decls = new Declarations('file', () => {
    clean = false;
  });
  for (const f of files) decls.declareFile(f.data, f.pos);
  return { decls, clean: () => clean };
}

/** The models declared and converted by the loader; null when they have an error on their own. */
export function convertModels(files: readonly OrderedFile[]): Declarations | null {
  const { decls, clean } = declared(files);
  if (!clean()) return null;
  decls.convertPending();
  if (decls.dropUndeclaredHookFunctions().length || decls.recursion().length) return null;
  for (const name of decls.fences.keys()) if (decls.fenceProblems(name).length) return null;
  return clean() ? decls : null;
}

/** The models declared, their steps the build's when it converted exactly these. */
function declareModels(files: readonly OrderedFile[]): Declarations | null {
  const built = files.every((f) => isBuiltModel(f.data)) ? builtConversion(layerKey(files)) : null;
  if (built) {
    const { decls, clean } = declared(files);
    if (clean() && decls.adoptConverted(built)) return decls;
  }
  return convertModels(files);
}

/**
 * Declarations to load a scenario into, whose files in load order are `order`: a copy of the
 * shared layer of its leading built-in models (`from` of them, already declared), or empty
 * declarations (`from` 0). Errors go to `report`.
 */
export function declarationsFor(order: readonly OrderedFile[], report: (e: InputError) => void): { decls: Declarations; from: number } {
  let n = 0;
  while (n < order.length && builtinModelOf(order[n]!.display) !== null) n++;
  // The scenario itself is never shared: a model checked as a file has its own declarations.
  if (n === order.length) n--;
  if (n <= 0) return { decls: new Declarations('file', report), from: 0 };
  const files = order.slice(0, n);
  const key = layerKey(files);
  let layer = layers.get(key);
  if (!layer || layer.data.some((d, i) => d !== files[i]!.data)) {
    layer = { data: files.map((f) => f.data), decls: declareModels(files) };
    layers.set(key, layer);
  }
  return layer.decls ? { decls: layer.decls.fork(report), from: n } : { decls: new Declarations('file', report), from: 0 };
}
