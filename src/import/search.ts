/**
 * Which cycle lockdep found. A circular-dependency report prints the first cycle lockdep found
 * when the task took its lock: a held lock above the cycle's that would have closed another
 * (shorter or earlier) cycle cannot have recorded that dependency. The report leaves open how
 * such a lock was taken (a trylock records no dependency into it; for read, a weaker one), and
 * the import takes the plain lock by default. When the replay closes a different cycle than the
 * report printed, the alternatives are replayed, fewest changes first, and the first that
 * reproduces the report is kept, with the choice said as a guess.
 */
import type { HeldChoices } from './builder.js';
import { framePrim } from './classify.js';
import type { Generated } from './doc.js';
import { reconstruct } from './reconstruct.js';
import type { KernelReport } from './report.js';
import { verify, type Verification } from './verify.js';

/** At most this many alternative scenarios are replayed for one report. */
const MAX_TRIES = 16;

interface Change {
  readonly held: number;
  readonly name: string;
  readonly how: 'trylock' | 'read';
}

/** The held locks taken after the cycle's held lock and outside the cycle: their `#N`, with the two ways each may have been taken. */
function openChoices(r: KernelReport, cycle: ReadonlySet<string>): Change[] {
  // fencedep's own reports print the step that took every held lock: nothing is open.
  if (r.fencedep) return [];
  const held = r.held ?? [];
  const prevAt = r.prev ? held.findIndex((h) => h.lock.name === r.prev!.name) : -1;
  const out: Change[] = [];
  for (const h of held.slice(prevAt + 1)) {
    if (cycle.has(h.lock.name) || h.lock.name.startsWith('(')) continue;
    // Open only where the report does not show the primitive that took it.
    const prim = h.lock.at.map(framePrim).find((p) => p !== null && p.op !== 'unlock');
    if (!prim) out.push({ held: h.index, name: h.lock.name, how: 'trylock' });
    if (!prim?.mode) out.push({ held: h.index, name: h.lock.name, how: 'read' });
  }
  return out;
}

/** Sets of `k` changes out of `all`, at most one per held lock, in order. */
function* combinations(all: readonly Change[], k: number, from = 0, taken: Change[] = []): Generator<Change[]> {
  if (taken.length === k) {
    yield [...taken];
    return;
  }
  for (let i = from; i < all.length; i++) {
    if (taken.some((c) => c.held === all[i]!.held)) continue;
    taken.push(all[i]!);
    yield* combinations(all, k, i + 1, taken);
    taken.pop();
  }
}

function choicesOf(changes: readonly Change[]): HeldChoices {
  return {
    trylock: new Set(changes.filter((c) => c.how === 'trylock').map((c) => c.held)),
    read: new Set(changes.filter((c) => c.how === 'read').map((c) => c.held)),
  };
}

/**
 * The alternative that reproduces a circular-dependency report the default reconstruction did
 * not (the replay closed another cycle), or null.
 */
export async function reproduceCycle(
  r: KernelReport,
  first: { generated: Generated; verification: Verification },
  edges: ReadonlySet<string>,
  source: string | null,
): Promise<{ generated: Generated; verification: Verification } | null> {
  const v = first.verification;
  if (r.kind !== 'circular-dependency' || v.reproduced || v.error !== null) return null;
  if (!v.found.some((f) => f.rule === 'circular-dependency')) return null;
  const cycle = new Set(first.generated.expected.lockdep);
  const open = openChoices(r, cycle);
  let tries = 0;
  for (let k = 1; k <= Math.min(open.length, 2); k++) {
    for (const changes of combinations(open, k)) {
      if (++tries > MAX_TRIES) return null;
      const generated = reconstruct(r, edges, source, choicesOf(changes));
      const verification = await verify(generated);
      if (!verification.reproduced) continue;
      const other = v.found.find((f) => f.rule === 'circular-dependency')!;
      for (const c of changes) {
        generated.guesses.push(
          `${c.name} (held #${c.held}) taken ${c.how === 'trylock' ? 'with a trylock' : 'for read'}: with the plain lock the replay closes the cycle over ${[...new Set(other.lockdep)].join(', ')}, not the one the report prints`,
        );
      }
      return { generated, verification };
    }
  }
  return null;
}
