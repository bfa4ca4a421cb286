/**
 * The escapers of every output format, in one place. Each starts from the terminal escaper
 * (src/model/escape.ts: controls, bidi overrides, noncharacters and lone surrogates made
 * visible as `\uXXXX`) and then quotes what its syntax would read:
 *
 * - terminal: `terminalText` (one line), `terminalLines` (text of several lines), and
 *   `disarmCommands` for a whole output (no line reads as a GitHub workflow command);
 * - JSON: `jsonText` (JSON.stringify with those characters as JSON escapes);
 * - Markdown (CommonMark / GitHub): `mdText`, `mdCode`;
 * - Mermaid: `mermaidText`, `mermaidLabel` (entity codes; `%` too, so no `%%{init}%%`);
 * - XML (JUnit, SVG): `xmlText`, `xmlAttr`;
 * - Graphviz DOT: `dotId`, `dotLabel`;
 * - GitHub workflow commands: `commandData`, `commandProperty`.
 * A reporter never writes an input string without one of these.
 */
import { escapeControls, terminalLines, terminalText } from '../model/escape.js';

export { codeOf, disarmCommands, escapeControls, jsonText, terminalLines, terminalText } from '../model/escape.js';

// ---------------------------------------------------------------- Markdown

/**
 * Inline Markdown text: a backslash before what GitHub-flavoured Markdown would read as markup
 * (code, emphasis, links, HTML, table pipes, strikethrough, entities, a block marker at the
 * start); `_` only at a word's edge, where it could start emphasis, and `>` only at the start,
 * so `fs_reclaim -> dma_fence_map` stays readable in a mail. Controls are visible (a bare `\r`
 * would end the line, a heading with it).
 */
export function mdText(s: string): string {
  return escapeControls(s)
    .replace(/[\\`*[\]<|~]/g, (c) => `\\${c}`)
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
    .replace(/^([#+\-=>]|\d+[.)])/, '\\$1');
}

/**
 * A code span that holds any text (a longer fence than any backtick run inside), controls
 * visible. In a table cell (`inTable`) a `|` is `\|`: GitHub splits cells before it reads
 * code spans.
 */
export function mdCode(s: string, inTable = false): string {
  const text = escapeControls(s);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') ? ' ' : '';
  const span = `${fence}${pad}${text}${pad}${fence}`;
  return inTable ? span.replace(/\|/g, '\\|') : span;
}

// ---------------------------------------------------------------- Mermaid

/**
 * Mermaid's entity codes for what its parser, its directive scanner (`%%{init: …}%%` is
 * applied wherever it appears, inside a quoted label or a comment too) or the HTML it renders
 * to would take.
 */
const MERMAID_ENTITIES: Readonly<Record<string, string>> = {
  '#': '#35;',
  '%': '#37;',
  '&': '#amp;',
  '<': '#lt;',
  '>': '#gt;',
  '"': '#quot;',
  '|': '#124;',
  '`': '#96;',
};

/** The inside of a Mermaid quoted label (or a comment): controls visible, entity codes for the rest. */
export function mermaidText(s: string): string {
  return escapeControls(s).replace(/[#%&<>"|`]/g, (c) => MERMAID_ENTITIES[c]!);
}

/** A quoted Mermaid label of one or more lines (`<br/>` between them). */
export function mermaidLabel(lines: readonly string[]): string {
  return `"${lines.map(mermaidText).join('<br/>')}"`;
}

// ---------------------------------------------------------------- XML

/** Character data (JUnit bodies): terminalLines (line feeds kept), then `&`, `<`, `>` (so `]]>` never appears). */
export function xmlText(s: string): string {
  return terminalLines(s).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

const XML_ATTR: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** An attribute value in double quotes: one line, every control visible, markup characters as references. */
export function xmlAttr(s: string): string {
  return escapeControls(s).replace(/[&<>"']/g, (c) => XML_ATTR[c]!);
}

// ---------------------------------------------------------------- Graphviz DOT

const dotEscape = (s: string): string => escapeControls(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** A DOT quoted string (an id): controls visible (Graphviz copies ids into the SVG), `\` and `"` quoted. */
export function dotId(s: string): string {
  return `"${dotEscape(s)}"`;
}

/** A DOT label (escString): lines joined by `\n`, `&` disarmed (Graphviz reads HTML entities in labels). */
export function dotLabel(lines: readonly string[]): string {
  return `"${lines.map((l) => dotEscape(l).replace(/&/g, '&amp;')).join('\\n')}"`;
}

// ---------------------------------------------------------------- GitHub workflow commands

/**
 * The message of a workflow command (`::error …::message`), as the runner's toolkit escapes
 * it: `%` and line feeds (the message's own line breaks, `%0A`); everything the terminal
 * escaper makes visible is visible (a CR as `\r`: the runner splits lines on it too).
 */
export function commandData(s: string): string {
  return escapeControls(s, true).replace(/%/g, '%25').replace(/\n/g, '%0A');
}

/** A property value of a workflow command (`file=`, `title=`): one line, also `:` and `,`. */
export function commandProperty(s: string): string {
  return escapeControls(s).replace(/%/g, '%25').replace(/:/g, '%3A').replace(/,/g, '%2C');
}
