/**
 * The documentation of the built-in helper models' functions and hooks (rules/drm*.yaml), and of
 * every built-in model's paths (the kernel's and the helpers' own code, `kernel:kswapd`,
 * `ttm:ttm_bo_delayed_delete`, as traces name them), for `fencedep explain <name>`: the comment
 * block written above it in the model file itself, so the model stays the one source of truth;
 * who invokes a hook is read from the model's steps.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import { builtinModelFile, builtinModelNames } from './models.js';

export interface ModelEntry {
  readonly name: string;
  readonly kind: 'function' | 'hook' | 'path';
  /** The model that declares it (`drm/sched`). */
  readonly model: string;
  readonly params: readonly string[];
  /** The comment above it in the model file. */
  readonly doc: string;
  /** For a hook: the model functions and paths that invoke it. */
  readonly invokedBy: readonly string[];
  /** For a path: where it runs (`work: ... on ...`, `context: hardirq`), as written. */
  readonly runs?: string;
}

/** Models whose functions and hooks `explain` documents: the DRM helper layers. */
function documentedModels(): string[] {
  return builtinModelNames().filter((m) => m === 'drm' || m.startsWith('drm/'));
}

interface ModelIndex {
  readonly entries: readonly ModelEntry[];
  /** model -> the models its `include:` names. */
  readonly includes: ReadonlyMap<string, readonly string[]>;
  /** model -> the comment at the top of its file. */
  readonly headers: ReadonlyMap<string, string>;
}

let cache: ModelIndex | null = null;

/** Every function and hook the helper models declare, and every model's paths, in model and file order. */
export function modelEntries(): readonly ModelEntry[] {
  return modelIndex().entries;
}

function modelIndex(): ModelIndex {
  if (cache) return cache;
  const out: ModelEntry[] = [];
  const includes = new Map<string, string[]>();
  const headers = new Map<string, string>();
  const helpers = new Set(documentedModels());
  for (const model of builtinModelNames()) {
    const file = builtinModelFile(model);
    if (!file) continue;
    const doc = parseDocument(readFileSync(file, 'utf8'));
    const root = doc.contents;
    if (!isMap(root)) continue;
    const inc = root.get('include', true);
    includes.set(model, isSeq(inc) ? inc.items.map((i) => String(isScalar(i) ? i.value : i)) : []);
    // The comment above a section's first entry is the section map's own (yaml attaches it there).
    const section = (key: string): { pair: Pair; doc: string }[] => {
      const v = root.get(key, true);
      return isMap(v) ? (v.items as Pair[]).map((pair, i) => ({ pair, doc: commentOf(pair) || (i === 0 ? tidy(v.commentBefore) : '') })) : [];
    };
    // The file's header comment: yaml attaches it to the document or to the first key.
    const first = (root.items[0] as Pair | undefined)?.key as Node | undefined;
    const header = tidy(doc.commentBefore) || tidy(first && 'commentBefore' in first ? first.commentBefore : null);
    headers.set(model, header);
    for (const p of pathsOf(root, header)) out.push({ ...p, model });
    if (!helpers.has(model)) continue;
    const invokers = invokersOf(root);
    for (const { pair: p, doc } of section('functions')) {
      const name = String(isScalar(p.key) ? p.key.value : p.key);
      const ps: unknown = isMap(p.value) ? p.value.get('params', true) : null;
      const params = isSeq(ps) ? ps.items.map((i) => String(isScalar(i) ? i.value : i)) : [];
      out.push({ name, kind: 'function', model, params, doc, invokedBy: [] });
    }
    for (const { pair: p, doc } of section('hooks')) {
      const name = String(isScalar(p.key) ? p.key.value : p.key);
      out.push({ name, kind: 'hook', model, params: [], doc, invokedBy: invokers.get(name) ?? [] });
    }
  }
  cache = { entries: out, includes, headers };
  return cache;
}

/** A built-in model's header comment and the models it includes. */
export function modelInfo(model: string): { readonly doc: string; readonly includes: readonly string[] } {
  const index = modelIndex();
  return { doc: index.headers.get(model) ?? '', includes: index.includes.get(model) ?? [] };
}

/**
 * How a scenario includes a built-in model: the top-level model including it (`drm` for
 * `drm/exec`), if one does, then the model itself.
 */
export function includeNames(model: string): string[] {
  const umbrella = [...modelIndex().includes].find(([m, inc]) => !m.includes('/') && inc.includes(model))?.[0];
  return umbrella ? [umbrella, model] : [model];
}

/**
 * For a name a scenario calls but does not declare: `: it is a function of the built-in model
 * drm/exec, which this scenario does not include (add ...)` when a built-in model declares it,
 * else ''. A stream includes with a `{"decl":"include"}` line.
 */
export function notIncludedHint(fn: string, format: 'file' | 'stream'): string {
  const e = modelEntries().find((x) => x.kind === 'function' && x.name === fn);
  if (!e) return '';
  const add = includeNames(e.model).map((m) => (format === 'file' ? `\`include: [${m}]\`` : `\`{"decl":"include","name":"${m}"}\``));
  return `: it is a function of the built-in model ${e.model}, which this ${format === 'file' ? 'scenario' : 'stream'} does not include (add ${add.join(' or ')})`;
}

/** A model's paths, each with the comment above it (else the model's header) and where it runs. */
function pathsOf(root: Node, header: string): Omit<ModelEntry, 'model'>[] {
  if (!isMap(root)) return [];
  const paths = root.get('paths', true);
  if (!isSeq(paths)) return [];
  return paths.items.flatMap((item, i) => {
    if (!isMap(item)) return [];
    const doc = tidy(item.commentBefore) || (i === 0 ? tidy(paths.commentBefore) : '') || header;
    const work = item.get('work', true);
    const runs = isMap(work)
      ? `work item ${String(work.get('item'))} on ${String(work.get('queue'))}`
      : item.get('context') !== undefined ? `context: ${String(item.get('context'))}` : undefined;
    return [{ name: String(item.get('name')), kind: 'path' as const, params: [], doc, invokedBy: [], ...(runs ? { runs } : {}) }];
  });
}

function commentOf(p: Pair): string {
  const key = p.key as Node | null;
  return tidy(key && 'commentBefore' in key ? key.commentBefore : null);
}

function tidy(c: string | null | undefined): string {
  return (c ?? '')
    .split('\n')
    .map((l) => l.replace(/^ ?/, ''))
    .join('\n')
    .trim();
}

/** hook -> the functions and paths of this model that `invoke:` it (anywhere in their steps). */
function invokersOf(root: Node): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (hook: string, by: string) => {
    const l = out.get(hook) ?? [];
    if (!l.includes(by)) l.push(by);
    out.set(hook, l);
  };
  const walk = (n: unknown, by: string) => {
    if (isSeq(n)) for (const i of n.items) walk(i, by);
    else if (isMap(n)) {
      for (const it of n.items as Pair[]) {
        const k = isScalar(it.key) ? String(it.key.value) : '';
        if (k === 'invoke' && isScalar(it.value)) add(String(it.value.value), by);
        else walk(it.value, by);
      }
    }
  };
  if (!isMap(root)) return out;
  const fns = root.get('functions', true);
  if (isMap(fns)) for (const p of fns.items as Pair[]) walk(p.value, `function ${String(isScalar(p.key) ? p.key.value : p.key)}`);
  const paths = root.get('paths', true);
  if (isSeq(paths))
    for (const p of paths.items) if (isMap(p)) walk(p.get('steps', true), `path ${String(p.get('name'))}`);
  return out;
}
