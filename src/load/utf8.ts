/**
 * UTF-8 validation with the offending byte (Node's isUtf8 says only yes or no). No imports
 * beyond node:buffer: the stream scanner's worker uses it.
 */
import { isUtf8 } from 'node:buffer';

/** The offset of the first byte that is not valid UTF-8 (overlong forms and surrogates included), or -1. */
export function firstInvalidUtf8(buf: Buffer, partialEnd = false): number {
  if (isUtf8(buf)) return -1;
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return partialEnd ? -1 : i; // a sequence cut by the end of the read
      const c = buf[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** The error for a byte that is not UTF-8, in `what` (a scenario, a JSON Lines stream). */
export function notUtf8(byte: number, what: string): string {
  return `not UTF-8 text (byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} here): ${what} must be UTF-8`;
}
