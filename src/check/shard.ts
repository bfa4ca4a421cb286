/**
 * `--shard K/N`: a deterministic split of the expanded inputs for a CI matrix. Inputs are
 * dealt round-robin in the order of expansion (command-line order, directories in byte order):
 * shard K gets inputs K-1, K-1+N, K-1+2N, ... Every input is in exactly one shard, the shards'
 * sizes differ by at most one, and each shard keeps the run's order, so the N shards' results
 * together are the unsharded run's.
 */

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** `K/N` with 1 ≤ K ≤ N, or a message saying what is wrong. */
export function parseShard(text: string): Shard | { error: string } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return { error: `invalid shard "${text}": expected K/N, for example 1/4` };
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) return { error: `invalid shard "${text}": N must be at least 1` };
  if (index < 1 || index > count) return { error: `invalid shard "${text}": K must be between 1 and ${count}` };
  return { index, count };
}

/** The inputs of shard `shard` (all of them without one). */
export function selectShard<T>(items: readonly T[], shard: Shard | undefined): T[] {
  if (!shard || shard.count === 1) return [...items];
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}
