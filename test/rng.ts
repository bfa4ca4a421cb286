/** xorshift32 in [0, 1): deterministic, so a failing seed in a property test or bench is reproducible. */
export function rng(seed: number): () => number {
  let x = seed | 0 || 1; // xorshift stays at 0 forever from a zero state
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
