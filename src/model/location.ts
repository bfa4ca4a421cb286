/** A position in a scenario file (1-based line and column), or in a JSONL stream (column 1). */
export interface SourceLoc {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** A finding's primary location: the step's `at:` in the C code (revision 1.1), if it has one. */
  readonly at?: CodeLoc;
}

/**
 * Where a step is in the code the scenario describes (a driver's C file, a patch): the
 * `at: "path:line[:column]"` of revision 1.1, as written (relative to the repository).
 */
export interface CodeLoc {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

/**
 * One frame of a replay trace: the step being executed and the frame that led to it
 * (the enclosing block, call or hook invocation). Frames form an immutable linked list,
 * so a trace snapshot is just a reference — no copying on the hot path.
 */
export interface Frame {
  readonly loc: SourceLoc;
  /** The step as the user wrote it, shortened: `kmalloc: GFP_KERNEL`, `call: run_job`. */
  readonly label: string;
  /**
   * The step's spelling (its vocabulary entry, vocabulary.ts); a callback's frame keeps the
   * spelling of the step that runs it. null: a frame of no step (a path's context, a work item).
   */
  readonly spelling: string | null;
  /** The hook whose callback runs in this frame (`invoke: shrinker.scan → my_scan`), if any. */
  readonly hook: string | null;
  readonly parent: Frame | null;
  /** The step's `at:` source location, if it has one. */
  readonly at?: CodeLoc;
  /** The step's `model_rule:`: it stands for a documented rule, not a kernel annotation. */
  readonly modelRule?: string;
}

/** Outermost first, as reports print them. */
export function framesOf(frame: Frame | null): Frame[] {
  const out: Frame[] = [];
  for (let f = frame; f; f = f.parent) out.push(f);
  return out.reverse();
}

export function formatLoc(loc: SourceLoc): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}


/** `drivers/gpu/drm/xe/xe_vm.c:1234` or `...:1234:5`. */
export function formatCodeLoc(at: CodeLoc): string {
  return at.column === undefined ? `${at.file}:${at.line}` : `${at.file}:${at.line}:${at.column}`;
}
