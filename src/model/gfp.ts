/**
 * gfp flags as include/linux/gfp_types.h defines them, and the C expressions scenarios write
 * them in (`GFP_KERNEL`, `GFP_NOFS | __GFP_NOWARN`, `GFP_KERNEL & ~__GFP_DIRECT_RECLAIM`).
 * Only the bits' meanings matter here, not their kernel values.
 */

const BIT_NAMES = [
  '__GFP_DMA', '__GFP_HIGHMEM', '__GFP_DMA32', '__GFP_MOVABLE', '__GFP_RECLAIMABLE', '__GFP_HIGH', '__GFP_IO',
  '__GFP_FS', '__GFP_ZERO', '__GFP_DIRECT_RECLAIM', '__GFP_KSWAPD_RECLAIM', '__GFP_WRITE', '__GFP_NOWARN',
  '__GFP_RETRY_MAYFAIL', '__GFP_NOFAIL', '__GFP_NORETRY', '__GFP_MEMALLOC', '__GFP_COMP', '__GFP_NOMEMALLOC',
  '__GFP_HARDWALL', '__GFP_THISNODE', '__GFP_ACCOUNT', '__GFP_ZEROTAGS', '__GFP_SKIP_ZERO', '__GFP_SKIP_KASAN',
  '__GFP_NOLOCKDEP', '__GFP_NO_OBJ_EXT',
] as const;

const flags = new Map<string, number>(BIT_NAMES.map((n, i) => [n, 1 << i]));
const bit = (n: (typeof BIT_NAMES)[number]) => flags.get(n)!;

export const GFP_IO = bit('__GFP_IO');
export const GFP_FS = bit('__GFP_FS');
export const GFP_DIRECT_RECLAIM = bit('__GFP_DIRECT_RECLAIM');
export const GFP_NOLOCKDEP = bit('__GFP_NOLOCKDEP');

const RECLAIM = bit('__GFP_DIRECT_RECLAIM') | bit('__GFP_KSWAPD_RECLAIM');
const KERNEL = RECLAIM | GFP_IO | GFP_FS;
export const GFP_KERNEL = KERNEL;
const USER = KERNEL | bit('__GFP_HARDWALL');
const HIGHUSER_MOVABLE = USER | bit('__GFP_HIGHMEM') | bit('__GFP_MOVABLE') | bit('__GFP_SKIP_KASAN');
const TRANSHUGE_LIGHT = (HIGHUSER_MOVABLE | bit('__GFP_COMP') | bit('__GFP_NOMEMALLOC') | bit('__GFP_NOWARN')) & ~RECLAIM;

for (const [n, v] of [
  ['__GFP_RECLAIM', RECLAIM],
  ['GFP_ATOMIC', bit('__GFP_HIGH') | bit('__GFP_KSWAPD_RECLAIM')],
  ['GFP_KERNEL', KERNEL],
  ['GFP_KERNEL_ACCOUNT', KERNEL | bit('__GFP_ACCOUNT')],
  ['GFP_NOWAIT', bit('__GFP_KSWAPD_RECLAIM') | bit('__GFP_NOWARN')],
  ['GFP_NOIO', RECLAIM],
  ['GFP_NOFS', RECLAIM | GFP_IO],
  ['GFP_USER', USER],
  ['GFP_DMA', bit('__GFP_DMA')],
  ['GFP_DMA32', bit('__GFP_DMA32')],
  ['GFP_HIGHUSER', USER | bit('__GFP_HIGHMEM')],
  ['GFP_HIGHUSER_MOVABLE', HIGHUSER_MOVABLE],
  ['GFP_TRANSHUGE_LIGHT', TRANSHUGE_LIGHT],
  ['GFP_TRANSHUGE', TRANSHUGE_LIGHT | bit('__GFP_DIRECT_RECLAIM')],
] as const) flags.set(n, v);

/** Every flag name a scenario may use. */
export const GFP_NAMES: readonly string[] = [...flags.keys()];

export type GfpParse = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string; readonly offset: number; readonly word?: string };

/**
 * Parse `A | B & ~C & ~(D | E)`: names joined by `|`, then bits removed with `& ~NAME` or
 * `& ~(NAME | ...)`, as the kernel writes them. `offset` points into the text on error.
 */
export function parseGfp(text: string): GfpParse {
  const tokens = [...text.matchAll(/\s*([A-Za-z0-9_]+|[|&~()]|\S)/g)].map((m) => ({ t: m[1]!, at: m.index! + m[0].length - m[1]!.length }));
  let i = 0;
  const fail = (message: string, at = tokens[i]?.at ?? text.length, word?: string): GfpParse => ({ ok: false, message, offset: at, word });
  const name = (): number | GfpParse => {
    const tok = tokens[i];
    if (!tok || !/^[A-Za-z_]/.test(tok.t)) return fail(tok ? `expected a gfp flag, found "${tok.t}"` : 'expected a gfp flag');
    const v = flags.get(tok.t);
    if (v === undefined) return fail(`unknown gfp flag "${tok.t}"`, tok.at, tok.t);
    i++;
    return v;
  };
  const union = (): number | GfpParse => {
    let v = name();
    if (typeof v !== 'number') return v;
    while (tokens[i]?.t === '|') {
      i++;
      const w = name();
      if (typeof w !== 'number') return w;
      v |= w;
    }
    return v;
  };
  if (tokens.length === 0) return fail('expected gfp flags (e.g. GFP_KERNEL)', 0);
  let value = union();
  if (typeof value !== 'number') return value;
  while (tokens[i]?.t === '&') {
    i++;
    if (tokens[i]?.t !== '~') return fail('expected "~" after "&" (only bits can be removed: "& ~__GFP_FS")');
    i++;
    let removed: number | GfpParse;
    if (tokens[i]?.t === '(') {
      i++;
      removed = union();
      if (typeof removed !== 'number') return removed;
      if (tokens[i]?.t !== ')') return fail('expected ")"');
      i++;
    } else removed = name();
    if (typeof removed !== 'number') return removed;
    value &= ~removed;
  }
  if (i < tokens.length) return fail(`unexpected "${tokens[i]!.t}" (flags are joined with "|", removed with "& ~")`);
  return { ok: true, value };
}
