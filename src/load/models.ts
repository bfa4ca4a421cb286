/**
 * Built-in models: the YAML files in the package's top-level `rules/` folder, named by their
 * path without extension (`kernel` → rules/kernel.yaml, `kernel/reclaim` →
 * rules/kernel/reclaim.yaml).
 */
import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from '../model/once.js';
import { byteOrder } from '../model/order.js';

let root: string | null | undefined;

/** The package root: the nearest folder above this module with a package.json (src/load or dist/src/load). */
export function packageRoot(): string | null {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  root = null;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) {
      root = dir;
      break;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return root;
}

export function rulesDir(): string | null {
  const r = packageRoot();
  return r ? join(r, 'rules') : null;
}

/** How rules/ is shown in locations: stable across machines. */
const SHOWN_RULES_DIR = '<fencedep>/rules/';

/** How a model file is shown in locations. */
export function modelDisplayPath(name: string): string {
  return `${SHOWN_RULES_DIR}${name}.yaml`;
}

/** The built-in model a displayed location is in (`drm/gem`), or null for a user's file. */
export function builtinModelOf(file: string): string | null {
  return file.startsWith(SHOWN_RULES_DIR) && file.endsWith('.yaml') && file.length > SHOWN_RULES_DIR.length + '.yaml'.length ? file.slice(SHOWN_RULES_DIR.length, -'.yaml'.length) : null;
}

/**
 * Every built-in model's file by its name, read once per process: every file of a run includes
 * the same models, and looking each one up again was two file-system calls an include.
 */
const modelFiles = once((): ReadonlyMap<string, BuiltinModelFile> => {
  const dir = rulesDir();
  const out = new Map<string, BuiltinModelFile>();
  if (!dir || !existsSync(dir)) return out;
  const stack = [resolve(dir)];
  while (stack.length) {
    const d = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries.sort((a, b) => byteOrder(a.name, b.name))) {
      const p = join(d, e.name);
      // An entry's type comes with the listing; only a symbolic link needs a stat to follow it.
      let isDir = e.isDirectory();
      if (e.isSymbolicLink()) {
        try {
          isDir = statSync(p).isDirectory();
        } catch {
          continue;
        }
      }
      const rel = relative(dir, p).split(sep).join('/');
      const name = rel.replace(/\.ya?ml$/, '');
      if (isDir) stack.push(p);
      // `x.yaml` before `x.yml` (sorted), and the first is the model.
      else if (/\.ya?ml$/.test(e.name) && !out.has(name)) out.set(name, { file: p, display: `${SHOWN_RULES_DIR}${rel}` });
    }
  }
  return new Map([...out].sort(([a], [b]) => byteOrder(a, b)));
});

/** Every built-in model name, sorted. */
export function builtinModelNames(): string[] {
  return [...modelFiles().keys()];
}

/** A built-in model's file: its absolute path, and how locations show it (stable, whatever the install path). */
export interface BuiltinModelFile {
  readonly file: string;
  readonly display: string;
}

/** The file of a built-in model, or null if there is none by that name. */
export function builtinModel(name: string): BuiltinModelFile | null {
  return modelFiles().get(name) ?? null;
}

/** The absolute path of a built-in model's file, or null if there is none by that name. */
export function builtinModelFile(name: string): string | null {
  return builtinModel(name)?.file ?? null;
}

/** Is an include entry a built-in model name (rather than a path relative to the file)? */
export function isModelName(spec: string): boolean {
  if (spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/') || spec.startsWith('.\\') || spec.startsWith('..\\')) return false;
  if (/\.(ya?ml|json)$/i.test(spec)) return false;
  return true;
}
