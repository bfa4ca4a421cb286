/**
 * The one terminal escaper: every string that came from input (names, file names, scenario
 * names, config and baseline values, report text) passes through it before it reaches a human,
 * colour on or off, and every other escaper (Markdown, Mermaid, XML, DOT, workflow commands,
 * src/report/escape.ts) starts from it.
 *
 * Made visible, as `\uXXXX` (`\t`, `\n`, `\r` for those three):
 * - C0 controls, DEL and C1 controls (U+0080–U+009F, the 8-bit CSI U+009B included): a
 *   terminal acts on them;
 * - the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the
 *   Unicode line and paragraph separators (U+2028, U+2029): they reorder or break what is
 *   shown around them ("Trojan Source");
 * - U+FEFF, the noncharacters U+FFFE and U+FFFF, and unpaired surrogates: invisible, or not
 *   characters at all (XML forbids them; UTF-8 cannot carry a lone surrogate).
 * And `disarmCommands`, applied to whole outputs: no line may read as a GitHub workflow command
 * (the runner reads `::command` at the start of any line of a step's output, stdout or
 * stderr, after trimming whitespace).
 *
 * Idempotent: its output contains nothing it escapes (a backslash is kept as it is), so text
 * escaped twice reads the same. Pure and dependency-free: the loader uses it too.
 */

const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
/** Unsafe, but a line break or a tab kept (multi-line text of our own). */
const UNSAFE_IN_LINES = new RegExp(`(?![\\n\\t])(?:${UNSAFE.source})`, 'g');

const SHORT: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** `\uXXXX` (upper-case hex), or `\t` `\n` `\r`. */
export function codeOf(ch: string): string {
  return SHORT[ch] ?? `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Whether `s` holds anything the terminal escaper would rewrite as a character. */
export const hasUnsafe = (s: string): boolean => UNSAFE.test(s);

/** Every unsafe character visible; with `keepLines`, line feeds and tabs are kept. */
export function escapeControls(s: string, keepLines = false): string {
  if (!UNSAFE.test(s)) return s;
  return s.replace(keepLines ? UNSAFE_IN_LINES : UNSAFE_ALL, codeOf);
}

/** One line of terminal text from input: every unsafe character visible (a line feed too). */
export function terminalText(s: string): string {
  return escapeControls(s);
}

/** Text of several lines from input: every unsafe character visible but line feeds and tabs. */
export function terminalLines(s: string): string {
  return escapeControls(s, true);
}

/**
 * A line the GitHub runner would read as a workflow command: `::` at its start after any
 * whitespace (it trims with .NET's Char.IsWhiteSpace, which U+0085 is too). The runner splits
 * a step's output on CR as well as LF.
 */
const COMMAND_LINE = /(^|[\r\n])([\s\u0085]*):(?=:)/g;

/**
 * Output with no line a runner could read as a workflow command: the first colon of such a
 * line is written `\u003A`. Our own lines never start with a colon, so only a line that an
 * input string begins (a file name, a path name) is touched; applied to whole output, it also
 * catches what concatenation makes (a file named `:` before our `:line:column`). Every output
 * but `--format github`'s own commands goes through it.
 */
export function disarmCommands(text: string): string {
  return text.replace(COMMAND_LINE, '$1$2\\u003A');
}

/** Non-ASCII characters JSON.stringify leaves raw that a terminal or a reader would act on. */
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]/g;

/**
 * JSON.stringify, with every character the terminal escaper makes visible written as a JSON
 * `\uXXXX` escape (JSON.stringify already escapes C0 controls and lone surrogates): the same
 * value, nothing raw on a terminal. Such characters occur only inside strings, so the
 * replacement is always a string escape.
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
