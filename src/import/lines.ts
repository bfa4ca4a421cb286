/**
 * Normalising pasted kernel logs, one line at a time: what people paste is rarely what the
 * kernel printed. Stripped from the front of every line, in this order: one or more levels
 * of e-mail quoting (`> `, `| `), syslog / journal prefixes (`Sep 29 13:29:53 host kernel: `,
 * `2024-05-01T10:00:00+0000 host kernel: `), dmesg's `kern  :warn  : ` facility prefix, CI
 * console levels (`<4>`), dmesg timestamps (`[  234.842048]`, `[Mon Jan  1 12:00:00 2024]`)
 * and printk caller tags (`[  T1234]`, `[ C1]`). What remains is trimmed: the report parser
 * matches content, never indentation.
 *
 * Control and invisible characters (C0, DEL, C1, bidi controls, noncharacters, lone
 * surrogates) are written as `\uXXXX` escapes, the terminal escaper's (src/model/escape.ts).
 *
 * Every line keeps its caller tag (so the interleaved lines of another task can be told
 * apart) and its 1-based line number in the input (for messages).
 */
import { escapeControls } from '../model/escape.js';

export interface LogLine {
  /** 1-based line number in the input. */
  readonly no: number;
  /** The content, prefixes stripped, trimmed. Empty for a blank line. */
  readonly text: string;
  /** `T1234` / `C1` when the line carried a printk caller tag. */
  readonly tag: string | null;
  /** The line had a kernel log prefix (timestamp, level, syslog): it is a line the kernel printed. */
  readonly logged: boolean;
  /** A syslog line of another program than the kernel (`systemd[1]: ...`): never part of a report. */
  readonly foreignProgram: boolean;
  /** The control or invisible characters the line held, as the escapes written for them (`\u0000`). */
  readonly escaped: readonly string[];
}

const QUOTE = /^[ \t]{0,3}(?:[>|]+(?:[ \t]|$))+/;
const SYSLOG = /^(?:<\d+>)?(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) \S+ ([\w.@/-]+?)(?:\[\d+\])?: ?/;
const FACILITY = /^(?:kern|user|daemon|syslog|auth|local\d)\s*:\s*(?:emerg|alert|crit|err|warn|notice|info|debug)\s*:\s?/;
const LEVEL = /^<\d{1,2}>/;
const TIMESTAMP = /^\[\s*\d+\.\d+\]\s?/;
const DATE_STAMP = /^\[(?:[A-Z][a-z]{2} ){2}[ \d]\d \d\d:\d\d:\d\d \d{4}\]\s?/;
const CALLER = /^\[\s*([TC]\d+)\]\s?/;

/** Strip the prefixes of one raw line. */
export function normalizeLine(raw: string, no: number): LogLine {
  const untabbed = raw.replace(/\r$/, '').replace(/\t/g, '        ');
  // Serial-console noise, terminal escape sequences, NUL: visible from here on, so that no name
  // taken from the report can carry them into the scenario or onto a terminal.
  let s = escapeControls(untabbed);
  const escaped = s === untabbed ? [] : [...new Set([...untabbed].map((ch) => escapeControls(ch)).filter((e) => e.length > 1))];
  let logged = false;
  let foreignProgram = false;
  // Quoting first: a quoted log still carries its own prefixes after the quote marks.
  const q = QUOTE.exec(s);
  if (q) s = s.slice(q[0].length);
  for (let guard = 0; guard < 6; guard++) {
    const before = s;
    const t = s.replace(/^\s+/, '');
    let m: RegExpExecArray | null;
    if ((m = SYSLOG.exec(t))) {
      if (!/^(?:kernel|klogd|dmesg)$/.test(m[1]!)) foreignProgram = true;
      s = t.slice(m[0].length);
      logged = true;
    } else if ((m = FACILITY.exec(t))) {
      s = t.slice(m[0].length);
      logged = true;
    } else if ((m = LEVEL.exec(t))) {
      s = t.slice(m[0].length);
      logged = true;
    } else if ((m = TIMESTAMP.exec(t)) || (m = DATE_STAMP.exec(t))) {
      s = t.slice(m[0].length);
      logged = true;
    }
    if (s === before) break;
  }
  let tag: string | null = null;
  const c = CALLER.exec(s.replace(/^\s+/, ''));
  if (c) {
    tag = c[1]!;
    s = s.replace(/^\s+/, '').slice(c[0].length);
    logged = true;
  }
  return { no, text: s.trim(), tag, logged, foreignProgram, escaped };
}

/** Split a log into normalised lines (iteratively, no regex over the whole text). */
export function normalizeLog(text: string): LogLine[] {
  const out: LogLine[] = [];
  let start = 0;
  let no = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    out.push(normalizeLine(text.slice(start, end), no));
    no++;
    start = end + 1;
    if (end === text.length) break;
  }
  return out;
}
