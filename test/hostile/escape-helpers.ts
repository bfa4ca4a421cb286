/**
 * Checks of our output by what is not ours: what a terminal would act on, what the GitHub
 * runner would read as a workflow command, and parsers of XML (jsdom's DOMParser, a strict
 * one: fast-xml-parser accepts U+FFFF), CommonMark (the `commonmark` package) and Mermaid
 * (mermaid's own parser, under jsdom).
 */
import * as commonmark from 'commonmark';
import { JSDOM } from 'jsdom';

/** Our own colours: SGR sequences chalk writes (`ESC[31m` … `ESC[39m`). */
const SGR = /\u001b\[[0-9;]*m/g;

/**
 * A character a terminal acts on or that hides or reorders text: C0 but tab and line feed,
 * DEL, C1 (8-bit CSI U+009B included), line/paragraph separators, bidi embeddings,
 * overrides and isolates, U+FEFF, the noncharacters U+FFFE/U+FFFF, an unpaired surrogate.
 */
const RAW =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first raw control of `text` (our colours removed), as `U+XXXX at N`, or null. */
export function rawControl(text: string): string | null {
  const plain = text.replace(SGR, '');
  const m = RAW.exec(plain);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at ${m.index}: ${JSON.stringify(plain.slice(Math.max(0, m.index - 30), m.index + 30))}` : null;
}

/**
 * The workflow commands the runner would read in a step's output: it splits on CR and LF,
 * trims leading whitespace (.NET's Char.IsWhiteSpace: U+0085 and the Unicode spaces too) and
 * takes a line that then starts with `::`.
 */
export function workflowCommands(output: string): string[] {
  return output
    .split(/\r\n|\r|\n/)
    .map((l) => l.replace(/^[\s\u0085]+/, ''))
    .filter((l) => l.startsWith('::'));
}

/** The runner's parse of `::name k=v,k=v::data` (unescaping as its toolkit escapes), or null. */
export function parseCommand(line: string): { command: string; props: Record<string, string>; data: string } | null {
  const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) return null;
  const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const props: Record<string, string> = {};
  for (const kv of (m[2] ?? '').split(',').filter((x) => x !== '')) {
    const i = kv.indexOf('=');
    props[kv.slice(0, i)] = unescape(kv.slice(i + 1));
  }
  return { command: m[1]!, props, data: unescape(m[3]!) };
}

const dom = new JSDOM('<!doctype html><html><body></body></html>');

/** null if `xml` is well-formed XML (jsdom's DOMParser), else the parser's complaint. */
export function xmlError(xml: string): string | null {
  const doc = new dom.window.DOMParser().parseFromString(xml, 'application/xml');
  const err = doc.getElementsByTagName('parsererror')[0];
  return err ? (err.textContent ?? 'parsererror') : null;
}

/** The text content of every element named `tag` of a well-formed document. */
export function xmlTexts(xml: string, tag: string): string[] {
  const doc = new dom.window.DOMParser().parseFromString(xml, 'application/xml');
  return [...doc.getElementsByTagName(tag)].map((e) => e.textContent ?? '');
}

export interface MdBlock {
  readonly type: string;
  readonly level?: number;
  readonly text: string;
}

/** The top-level blocks of a CommonMark document, with their text (headings' levels). */
export function markdownBlocks(md: string): MdBlock[] {
  const doc = new commonmark.Parser().parse(md);
  const out: MdBlock[] = [];
  for (let n = doc.firstChild; n; n = n.next) {
    let text = '';
    const w = n.walker();
    for (let e = w.next(); e; e = w.next()) if (e.entering && e.node.literal) text += e.node.literal;
    out.push({ type: n.type, ...(n.type === 'heading' ? { level: n.level } : {}), text });
  }
  return out;
}

type Mermaid = { initialize(c: object): void; parse(text: string): Promise<{ diagramType: string; config: object }> };
let mermaidP: Promise<Mermaid> | undefined;

/** Mermaid's own parser, under jsdom (it expects a browser). */
export function mermaidParser(): Promise<Mermaid> {
  mermaidP ??= (async () => {
    Object.assign(globalThis, { window: dom.window, document: dom.window.document });
    const m = (await import('mermaid')).default as unknown as Mermaid;
    m.initialize({ startOnLoad: false });
    return m;
  })();
  return mermaidP;
}

/** The ```mermaid blocks of a Markdown text. */
export function mermaidBlocks(md: string): string[] {
  return [...md.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);
}
