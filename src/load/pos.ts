/**
 * Positions of values in a loaded file. The loader works on plain JS values (what zod
 * validates) and asks a `Pos` where a value, or a key of a map, was written.
 * `YamlPos` follows the YAML node tree (YAML and JSON files); `FlatPos` answers one fixed
 * location for everything (a JSONL line, or a JSON file that only JSON.parse could read).
 */
import { isAlias, isMap, isScalar, isSeq, isPair, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { SourceLoc } from '../model/location.js';

export type PathKey = string | number;

export interface Pos {
  /** Where the value starts. */
  loc(): SourceLoc;
  /** Where the key `key` of this map was written (the value's own position if unknown). */
  keyLoc(key: PathKey): SourceLoc;
  /** The position of the value under `key` (map key or list index). */
  child(key: PathKey): Pos;
}

/** Every value at one location (a JSONL line: column 1). */
export class FlatPos implements Pos {
  constructor(private readonly at: SourceLoc) {}
  loc(): SourceLoc {
    return this.at;
  }
  keyLoc(): SourceLoc {
    return this.at;
  }
  child(): Pos {
    return this;
  }
}

/** Shared by every YamlPos of one document. */
export class YamlSource {
  private readonly index = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lineCounter: LineCounter,
  ) {}

  locAt(offset: number): SourceLoc {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, column: col };
  }

  locOf(node: unknown, fallback: SourceLoc): SourceLoc {
    const range = (node as { range?: [number, number, number] | null } | null)?.range;
    return range ? this.locAt(range[0]) : fallback;
  }

  resolve(node: unknown): unknown {
    // Bounded: an alias chain cannot be longer than the number of anchors.
    let n = node;
    for (let i = 0; i < 64 && isAlias(n); i++) n = n.resolve(this.doc);
    return n;
  }

  pairOf(map: YAMLMap, key: string): Pair | undefined {
    const items = map.items as Pair[];
    if (items.length <= 16) {
      for (const p of items) if (keyString(p.key) === key) return p;
      return undefined;
    }
    let idx = this.index.get(map);
    if (!idx) {
      idx = new Map();
      for (const p of items) {
        const k = keyString(p.key);
        // With uniqueKeys the first is the one the value comes from… except that toJS keeps the
        // last; duplicates are input errors anyway.
        idx.set(k, p);
      }
      this.index.set(map, idx);
    }
    return idx.get(key);
  }

  root(): YamlPos {
    return new YamlPos(this, this.doc.contents as Node | null, { file: this.file, line: 1, column: 1 });
  }
}

function keyString(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return '';
  if (isPair(key)) return '';
  return String((key as { toString(): string }).toString());
}

export class YamlPos implements Pos {
  constructor(
    private readonly src: YamlSource,
    private readonly node: unknown,
    private readonly fallback: SourceLoc,
  ) {}

  loc(): SourceLoc {
    return this.src.locOf(this.node, this.fallback);
  }

  keyLoc(key: PathKey): SourceLoc {
    const n = this.src.resolve(this.node);
    if (isMap(n)) {
      const p = this.src.pairOf(n, String(key));
      if (p) return this.src.locOf(p.key, this.loc());
    } else if (isSeq(n) && typeof key === 'number') {
      return this.src.locOf(n.items[key], this.loc());
    }
    return this.loc();
  }

  child(key: PathKey): Pos {
    const n = this.src.resolve(this.node);
    const here = this.loc();
    if (isMap(n)) {
      const p = this.src.pairOf(n, String(key));
      if (p) {
        const keyAt = this.src.locOf(p.key, here);
        return new YamlPos(this.src, p.value, keyAt);
      }
    } else if (isSeq(n)) {
      const i = typeof key === 'number' ? key : Number(key);
      if (Number.isInteger(i) && i >= 0 && i < n.items.length) return new YamlPos(this.src, n.items[i], here);
    }
    return new YamlPos(this.src, null, here);
  }
}

/** Follow a path of keys from `pos`. */
export function posAt(pos: Pos, path: readonly PathKey[]): Pos {
  let p = pos;
  for (const k of path) p = p.child(k);
  return p;
}
