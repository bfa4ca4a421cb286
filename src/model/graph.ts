/**
 * The dependency graph a replay hands on: its classes and the dependencies between them, as
 * plain data for the reporters (`fencedep graph`, `diff`, `--stats`).
 */
import type { SourceLoc } from './location.js';

/** The dependency graph a replay built, for export and comparison (`fencedep graph`, `diff`). */
export interface GraphExport {
  /** Every class that took part in a dependency, by index. */
  readonly classes: readonly { readonly name: string; readonly lockdep: string; readonly type: string }[];
  /** Dependencies from → to (class indexes), with their kinds and where each was first recorded. */
  readonly dependencies: readonly {
    readonly from: number;
    readonly to: number;
    /** lockdep's dependency kinds: any of `SR`, `ER`, `SN`, `EN`. */
    readonly kinds: readonly string[];
    readonly path: string;
    readonly location: SourceLoc | null;
    readonly step: string | null;
    /**
     * The files of the steps on the recording's stack, outermost first, each once: a
     * dependency whose steps are all in built-in models is the model's own (its priming, or
     * what lockdep's rules make move there); one with a step in the scenario's files is the
     * scenario's. Empty when the recording has no step (a stream without locations).
     */
    readonly files: readonly string[];
  }[];
}
