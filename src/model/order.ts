/** Code-unit order of strings (never locale order): the same on every machine, so every listing sorted by it is deterministic. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
