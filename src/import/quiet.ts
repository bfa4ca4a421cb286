/**
 * fencedep's own quiet text report: by default `fencedep check` prints a finding its file
 * expects as its header line alone (`file:line:col: error: message [rule] (expected)`, the
 * others of its group as `also:` lines under it), without the lockdep report the import reads
 * (src/report/text.ts). Such a line is recognised here so that the import can say what it is
 * and how to get the report (`fencedep check --verbose`), instead of finding no report.
 */
import { RECONSTRUCT } from './kinds/index.js';
import type { LogLine } from './lines.js';

/** A finding printed without its report. */
export interface QuietFinding {
  /** 1-based line of its header in the input. */
  readonly line: number;
  /** Its rule, and those of the `also:` lines under it. */
  readonly rules: readonly string[];
}

/** A finding's header line as the text report prints it (lines arrive trimmed: `also: ` has lost its indent). */
const HEADER = /^(also: )?\S.*:\d+:\d+: (?:error|warning): .* \[([a-z][a-z0-9-]*)\](?: \(expected\))?$/;
/** What the text report prints between a header and its report (`also:` lines aside). */
const ANNOTATION = /^(?:pattern: |remedy: |model rule, )/;

/**
 * Every finding of a fencedep text report printed as header lines only, whose group holds a
 * rule the import reads back (a report the kernel prints, src/import/kinds). A header followed
 * (after its pattern, remedy and `also:` lines) by a blank line and a banner has its report.
 */
export function quietFindings(lines: readonly LogLine[]): QuietFinding[] {
  const out: QuietFinding[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = HEADER.exec(lines[i]!.text);
    if (!head || head[1] !== undefined) continue;
    const rules = [head[2]!];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const also = HEADER.exec(lines[j]!.text);
      if (also?.[1] !== undefined) rules.push(also[2]!);
      else if (!ANNOTATION.test(lines[j]!.text)) break;
    }
    const reported = lines[j]?.text === '' && /^=+$/.test(lines[j + 1]?.text ?? '');
    if (!reported && rules.some((r) => Object.hasOwn(RECONSTRUCT, r))) out.push({ line: lines[i]!.no, rules });
    i = j - 1;
  }
  return out;
}
