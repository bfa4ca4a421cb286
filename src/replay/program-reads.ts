/**
 * What a replay read of its program, in the order it read it: every lock, fence, function and
 * hook it looked up by name, with what it found, and the declaration order it asked of a lock.
 * A replay of the same steps in another program that holds the same under those names reaches
 * the same state; model-prefix.ts reuses a replayed state on that condition.
 */
import type { Program } from './machine.js';

type Table = 'locks' | 'fences' | 'functions' | 'hooks';

interface Read {
  readonly table: Table | 'order' | 'listed';
  readonly name: string;
  readonly value: unknown;
}

export class ProgramReads {
  private readonly reads: Read[] = [];
  private readonly seen = new Set<string>();

  /** How many reads so far: where a replay up to now stops depending on the program. */
  get count(): number {
    return this.reads.length;
  }

  /** `program` as the replay sees it, with every read recorded here. */
  watch(program: Program): Program {
    return {
      options: program.options,
      locks: new WatchedTable(program.locks, 'locks', this),
      fences: new WatchedTable(program.fences, 'fences', this),
      functions: new WatchedTable(program.functions, 'functions', this),
      hooks: new WatchedTable(program.hooks, 'hooks', this),
    };
  }

  /** A read of `name` in `table` that found `value` (the first read of a name is the one that counts). */
  record(table: Read['table'], name: string, value: unknown): void {
    const key = `${table}\u0000${name}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.reads.push({ table, name, value });
  }

  /** The declaration index `order` gave for `name`, recorded. */
  ordered(name: string, index: number): number {
    this.record('order', name, index);
    return index;
  }

  /**
   * How many of the first `upTo` reads, from the first, `program` (whose locks' declaration
   * indexes `order` gives) answers the same: declarations and function bodies with the very
   * objects, a hook with the same callbacks in the same order. A listed table never counts as
   * the same.
   */
  sameIn(program: Program, order: (name: string) => number, upTo: number): number {
    let n = 0;
    for (; n < Math.min(upTo, this.reads.length); n++) {
      const { table, name, value } = this.reads[n]!;
      if (table === 'listed') break;
      if (table === 'order') {
        if (order(name) !== value) break;
      } else if (table === 'hooks') {
        // No callbacks and an empty list are the same to the replay (`hooks.get(h) ?? []`).
        const was = (value as readonly string[] | undefined) ?? [];
        const now = program.hooks.get(name) ?? [];
        if (now.length !== was.length || now.some((fn, i) => fn !== was[i])) break;
      } else if (program[table].get(name) !== value) break;
    }
    return n;
  }
}

/** A program's table by name, recording each name looked up; listing it is recorded as such. */
class WatchedTable<V> implements ReadonlyMap<string, V> {
  constructor(
    private readonly table: ReadonlyMap<string, V>,
    private readonly name: Table,
    private readonly reads: ProgramReads,
  ) {}

  get(name: string): V | undefined {
    const value = this.table.get(name);
    this.reads.record(this.name, name, value);
    return value;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  private listed(): void {
    this.reads.record('listed', this.name, null);
  }

  get size(): number {
    this.listed();
    return this.table.size;
  }

  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    this.listed();
    this.table.forEach((value, key) => fn(value, key, this));
  }

  entries(): MapIterator<[string, V]> {
    this.listed();
    return this.table.entries();
  }

  keys(): MapIterator<string> {
    this.listed();
    return this.table.keys();
  }

  values(): MapIterator<V> {
    this.listed();
    return this.table.values();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}
