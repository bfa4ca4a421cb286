/**
 * The built-in models, parsed at build time. `npm run build` writes dist/models.json: each
 * model's value and the position of every value, key and list item in it. A process that
 * includes a model then reads that one JSON file instead of parsing the YAML: the kernel and
 * drm models are about 85 kB of YAML, which was most of a one-file check's time when it
 * included them. An entry is used only while the model is the one it was made from; an
 * edited model is parsed like any file.
 *
 * The build also validates every model, and converts the steps of the models that the usual
 * includes (`[kernel]`, `[drm]`, `[kernel, drm]`) declare, as model-layer.ts would at the first
 * file including them: a check then starts from those steps while every model it includes is
 * the one the build read.
 *
 * Each model's parse and each conversion is stored as a JSON text of its own inside the file,
 * parsed when first used: a check parses the models it includes and the one conversion it
 * takes, not all of them.
 *
 * A model is known unchanged without reading it while its file is the one the build read
 * (`FileIdentity`: a checkout's models after `npm run build`). Otherwise (an installed package,
 * whose files carry the install's times) its text is read and compared with the text the
 * build parsed, kept apart in dist/model-texts.json so that a check whose models are unchanged
 * never reads those ~110 kB; the two files carry one build's id, so texts of one build never
 * vouch for another build's parses.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLoc } from '../model/location.js';
import type { PathDecl, Step } from '../model/scenario.js';
import { once } from '../model/once.js';
import { packageRoot, rulesDir } from './models.js';
import type { PathKey, Pos } from './pos.js';

/** Where a value starts; a map's keys (`k`, in `Object.keys` order) and its values or a list's items (`c`). */
export interface PosNode {
  readonly l: readonly [line: number, column: number];
  readonly k?: readonly (readonly [line: number, column: number])[];
  readonly c?: readonly PosNode[];
}

/**
 * What tells a file's contents without reading them, as the in-process cache of includes
 * does (source.ts), plus the status change time: on a POSIX system an edit or a replacement
 * changes the time of the file's last status change, which no program can set back (a copy
 * keeping the modification time still gets a new one).
 */
export type FileIdentity = readonly [size: number, mtimeMs: number, ctimeMs: number, ino: number];

/**
 * How long after its last status change a file's identity is not recorded. A file system's
 * clock ticks coarsely (every 1-10 ms on Linux before 6.13, each second on HFS+, every two on
 * FAT): an edit in the same tick as the build's look would leave every field the same (git's
 * "racily clean" index entries).
 */
export const RACY_MS = 3000;

/**
 * The identity the build records of a file of status `st` at time `now`; null where it would
 * not tell an edit: a file changed within RACY_MS, and on Windows, where a program can set the
 * change time. Such a model is compared by its text.
 */
export function recordedIdentity(st: Stats, now: number, platform: NodeJS.Platform = process.platform): FileIdentity | null {
  if (platform === 'win32' || !(now - st.ctimeMs >= RACY_MS)) return null;
  return [st.size, st.mtimeMs, st.ctimeMs, st.ino];
}

/** Is `st` the file of the identity the build recorded (null: none recorded)? */
export function sameFile(recorded: FileIdentity | null | undefined, st: Stats): boolean {
  return Array.isArray(recorded) && recorded.length === 4 && recorded[0] === st.size && recorded[1] === st.mtimeMs && recorded[2] === st.ctimeMs && recorded[3] === st.ino;
}

/** A model's parse as the build made it: its value, its count of values and its positions. */
interface ModelParse {
  readonly value: unknown;
  readonly values: number;
  readonly pos: PosNode;
}

/** One model as the build parsed it, with the text and file it read. */
export interface ModelCacheEntry extends ModelParse {
  readonly text: string;
  readonly identity: FileIdentity | null;
}

/**
 * The steps of a run of models in load order, converted: their functions without parameters,
 * the instances their paths call (`fn(a, b)`, docs/scenario-format.md §12), their paths.
 */
export interface ConvertedModels {
  readonly functions: Readonly<Record<string, readonly Step[]>>;
  readonly instances: Readonly<Record<string, { readonly of: string; readonly steps: readonly Step[] }>>;
  readonly paths: Readonly<Record<string, PathDecl>>;
}

/** What the build makes of the models (model-cache-build.ts). */
export interface ModelCache {
  /** The build's id, in both files it writes. */
  readonly build: string;
  /** By the model's path under rules/. */
  readonly models: Readonly<Record<string, ModelCacheEntry>>;
  /** By the models' names as shown, in load order, one a line (model-layer.ts). */
  readonly converted: Readonly<Record<string, ConvertedModels>>;
}

/** A model as dist/models.json stores it: its file's identity and size, and its value and positions as JSON (its text is in dist/model-texts.json). */
interface StoredModel {
  readonly identity: FileIdentity | null;
  readonly values: number;
  readonly parsed: string;
}

/** What dist/models.json holds: the build's `ModelCache` with each model's parse and each conversion as a JSON text. */
interface StoredModelCache {
  readonly build: string;
  readonly models: Readonly<Record<string, StoredModel>>;
  readonly converted: Readonly<Record<string, string>>;
}

/** JSON in ASCII (every other character as a `\u` escape): a start reads it as latin1, a plain copy, instead of decoding UTF-8. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What dist/model-texts.json holds: the models' texts by their path under rules/, and the id of the build that parsed them. */
interface StoredModelTexts {
  readonly build: string;
  readonly texts: Readonly<Record<string, string>>;
}

/** The texts of dist/models.json and dist/model-texts.json for `cache`. */
export function storedModelCache(cache: ModelCache): { models: string; texts: string } {
  const texts: StoredModelTexts = { build: cache.build, texts: Object.fromEntries(Object.entries(cache.models).map(([rel, { text }]) => [rel, text])) };
  const stored: StoredModelCache = {
    build: cache.build,
    models: Object.fromEntries(Object.entries(cache.models).map(([rel, { identity, values, value, pos }]) => [rel, { identity, values, parsed: JSON.stringify({ value, pos }) }])),
    converted: Object.fromEntries(Object.entries(cache.converted).map(([key, c]) => [key, JSON.stringify(c)])),
  };
  return { models: asciiJson(stored), texts: asciiJson(texts) };
}

/** The files `npm run build` writes, beside the compiled code. */
export function modelCacheFile(root: string): string {
  return join(root, 'dist', 'models.json');
}
export function modelTextsFile(root: string): string {
  return join(root, 'dist', 'model-texts.json');
}

/** A JSON file of the build's, or null when there is none (running from the sources) or it does not parse. */
function readBuilt(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'latin1'));
  } catch {
    return null;
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The positions `pos` gives for `value` and everything in it. */
export function snapshot(pos: Pos, value: unknown): PosNode {
  const { line, column } = pos.loc();
  const l = [line, column] as const;
  if (Array.isArray(value)) return { l, c: value.map((v, i) => snapshot(pos.child(i), v)) };
  if (isMap(value)) {
    const keys = Object.keys(value);
    return {
      l,
      k: keys.map((key) => {
        const at = pos.keyLoc(key);
        return [at.line, at.column] as const;
      }),
      c: keys.map((key) => snapshot(pos.child(key), value[key])),
    };
  }
  return { l };
}

/**
 * A `Pos` answering from a snapshot, as the parsed YAML's `YamlPos` answers: a key or index
 * that is not there is at the value's own position, and so is everything under it.
 */
export class SnapshotPos implements Pos {
  constructor(
    private readonly file: string,
    private readonly value: unknown,
    private readonly node: PosNode,
  ) {}

  private at(l: readonly [number, number]): SourceLoc {
    return { file: this.file, line: l[0], column: l[1] };
  }

  /** The index of `key` among the children, -1 if none; a list's key for `keyLoc` must be a number. */
  private index(key: PathKey, numberOnly: boolean): number {
    if (Array.isArray(this.value)) {
      const i = typeof key === 'number' ? key : numberOnly ? Number.NaN : Number(key);
      return Number.isInteger(i) && i >= 0 && i < this.value.length ? i : -1;
    }
    return isMap(this.value) ? Object.keys(this.value).indexOf(String(key)) : -1;
  }

  loc(): SourceLoc {
    return this.at(this.node.l);
  }

  keyLoc(key: PathKey): SourceLoc {
    const i = this.index(key, true);
    if (i < 0) return this.loc();
    return this.at(Array.isArray(this.value) ? this.node.c![i]!.l : this.node.k![i]!);
  }

  child(key: PathKey): Pos {
    const i = this.index(key, false);
    if (i < 0) return new SnapshotPos(this.file, undefined, { l: this.node.l });
    const value = Array.isArray(this.value) ? this.value[i] : (this.value as Record<string, unknown>)[Object.keys(this.value as object)[i]!];
    return new SnapshotPos(this.file, value, this.node.c![i]!);
  }
}

const NOT_BUILT: StoredModelCache = { build: '', models: {}, converted: {} };

/** dist/models.json's table, each part parsed when first asked for. */
const table = once(() => {
  const root = packageRoot();
  const stored = ((root ? readBuilt(modelCacheFile(root)) : null) ?? NOT_BUILT) as StoredModelCache;
  // The texts only of the build that made the parses (a file of an older build has no id).
  const texts = once((): Readonly<Record<string, unknown>> => {
    const t = (root ? readBuilt(modelTextsFile(root)) : null) as Partial<StoredModelTexts> | null;
    return typeof stored.build === 'string' && stored.build !== '' && t?.build === stored.build && t.texts !== null && typeof t.texts === 'object' ? t.texts : {};
  });
  const models = new Map<string, ModelParse>();
  const converted = new Map<string, ConvertedModels | null>();
  const parse = (rel: string, s: StoredModel): ModelParse => {
    let e = models.get(rel);
    if (!e) {
      const { value, pos } = JSON.parse(s.parsed) as Pick<ModelParse, 'value' | 'pos'>;
      e = { values: s.values, value, pos };
      models.set(rel, e);
    }
    return e;
  };
  // (A file of an older build stores another shape: then the model is parsed.)
  const storedModel = (rel: string): StoredModel | null => {
    const s = Object.hasOwn(stored.models ?? {}, rel) ? stored.models[rel]! : null;
    return s && typeof s.parsed === 'string' ? s : null;
  };
  return {
    /** The model at `rel` if its file, of status `st`, is the one the build read. */
    unchanged(rel: string, st: Stats): ModelParse | null {
      const s = storedModel(rel);
      return s && sameFile(s.identity, st) ? parse(rel, s) : null;
    },
    /** The model at `rel` if `text` is the text the build parsed. */
    withText(rel: string, text: string): ModelParse | null {
      const s = storedModel(rel);
      const built = texts();
      return s && Object.hasOwn(built, rel) && built[rel] === text ? parse(rel, s) : null;
    },
    converted(key: string): ConvertedModels | null {
      let c = converted.get(key);
      if (c === undefined) {
        const json = Object.hasOwn(stored.converted ?? {}, key) ? stored.converted[key] : null;
        c = typeof json === 'string' ? (JSON.parse(json) as ConvertedModels) : null;
        converted.set(key, c);
      }
      return c;
    },
  };
});

/**
 * The models `unchangedModel` and `cachedModel` served: a value is the build's only by coming
 * from there, so a file that includes no model is told so without reading dist/models.json.
 */
const served = new WeakSet<object>();

/**
 * Is the code running the build's (dist/), which converted the models, rather than the
 * sources a test runner compiles, which may convert them otherwise since the last build?
 */
const runningTheBuild = once((): boolean => {
  const root = packageRoot();
  return root !== null && relative(root, fileURLToPath(import.meta.url)).split(sep)[0] === 'dist';
});

/**
 * Is `value` a model as the build parsed and validated it, served to the build's code? Only
 * while the model is unchanged, since an edited model is parsed anew.
 */
export function isBuiltModel(value: unknown): boolean {
  return runningTheBuild() && served.has(value as object); // false for a value that is not an object
}

/**
 * The build's conversion of the models shown as `key` (their names in load order, one a
 * line), if it made one and this is the build's code.
 */
export function builtConversion(key: string): ConvertedModels | null {
  return runningTheBuild() ? table().converted(key) : null;
}

type CachedModel = { value: unknown; pos: Pos; values: number };

/** `abs`'s entry by `lookup` (its path under rules/), served as `file` within `budget` values. */
function serve(abs: string, file: string, budget: number, lookup: (rel: string) => ModelParse | null): CachedModel | null {
  const dir = rulesDir();
  if (!dir) return null;
  const rel = relative(dir, abs);
  // A file outside rules/ (a user's own include) is no model: dist/models.json is not read for it.
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  const entry = lookup(rel.split(sep).join('/'));
  if (!entry || entry.values > budget) return null;
  served.add(entry.value as object); // a mapping: the build validated every model
  return { value: entry.value, pos: new SnapshotPos(file, entry.value, entry.pos), values: entry.values };
}

/**
 * The status of the file at `abs` as opening it reports it (on NFS, an open revalidates what a
 * bare stat may answer from its cache), or undefined when it cannot be opened. Never blocks:
 * a FIFO put there meanwhile is opened non-blocking.
 */
function openedStatus(abs: string): Stats | undefined {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The parsed built-in model at `abs`, shown as `file`, without reading it: null when `abs` is
 * not a built-in model (then it is not even opened), the build has none for it, its file is
 * not the one the build read (then `cachedModel` compares its text), or it holds more than
 * `budget` values (the parser reports that).
 */
export function unchangedModel(abs: string, file: string, budget: number): CachedModel | null {
  return serve(abs, file, budget, (rel) => {
    const st = openedStatus(abs);
    return st?.isFile() ? table().unchanged(rel, st) : null;
  });
}

/**
 * The parsed built-in model at `abs` whose text is `text`, shown as `file`; null when `abs` is
 * not a built-in model, the build has none for it, it was made from another text, or it holds
 * more than `budget` values (the parser reports that).
 */
export function cachedModel(abs: string, text: string, file: string, budget: number): CachedModel | null {
  return serve(abs, file, budget, (rel) => table().withText(rel, text));
}
