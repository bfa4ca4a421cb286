/**
 * A small deterministic YAML writer for the generated scenario: block style for the document,
 * flow style for step arguments, a trailing `# comment` where the import guessed. Strings are
 * plain when that is unambiguous, double-quoted otherwise, with every character YAML does not
 * allow raw (controls, noncharacters, lone surrogates...) as an escape; comments show such
 * characters as `\uXXXX` text. A mapping key longer than YAML's 1,024-character limit for
 * implicit keys is written as an explicit one (`? key`).
 */
import { escapeControls, jsonText } from '../model/escape.js';

export type YVal = string | number | boolean | null | readonly YVal[] | { readonly [k: string]: YVal };

/** One step of a step list: `- key: arg`, `- key` (arg null), or a block `- key:` + body. */
export interface YStep {
  readonly key: string;
  readonly arg: YVal;
  readonly body?: readonly YStep[];
  readonly comment?: string;
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./>-]*$/;
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;

export function scalar(s: string): string {
  if (PLAIN.test(s) && !RESERVED.test(s) && !s.endsWith('-')) return s;
  return jsonText(s);
}

/** YAML reads an implicit key of at most 1,024 characters (with its quotes). */
const MAX_IMPLICIT_KEY = 1024;

/** `key:` at `indent` spaces, or `? key` + `:` on the next line for a key past the implicit limit. */
export function mappingKey(key: string, indent: number): string {
  const pad = ' '.repeat(indent);
  const k = scalar(key);
  return k.length <= MAX_IMPLICIT_KEY ? `${pad}${k}:` : `${pad}? ${k}\n${pad}:`;
}

export function flow(v: YVal): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return scalar(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  const o = v as { readonly [k: string]: YVal };
  return `{${Object.keys(o).map((k) => `${scalar(k)}: ${flow(o[k]!)}`).join(', ')}}`;
}

/** `  # comment` after a value on its line (empty for none). */
export function trailingComment(c: string | undefined | null): string {
  if (!c) return '';
  return `  # ${escapeControls(c.replace(/\s+/g, ' ').trim())}`;
}

/** Lines of a step list at `indent` spaces. */
export function stepLines(steps: readonly YStep[], indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const s of steps) {
    if (s.body !== undefined) {
      const arg = s.arg === null ? '' : ` ${flow(s.arg)}`;
      if (s.arg !== null) {
        // `signalling: {fences: [F], do: [...]}` style blocks are not generated; keep the simple form.
        out.push(`${pad}- ${scalar(s.key)}:${arg}${trailingComment(s.comment)}`);
      } else {
        out.push(`${pad}- ${scalar(s.key)}:${trailingComment(s.comment)}`);
      }
      out.push(...stepLines(s.body, indent + 4));
      continue;
    }
    if (s.arg === null) out.push(`${pad}- ${scalar(s.key)}${trailingComment(s.comment)}`);
    else out.push(`${pad}- ${scalar(s.key)}: ${flow(s.arg)}${trailingComment(s.comment)}`);
  }
  return out;
}

/** `# text` comment lines, wrapped at ~96 columns. */
export function commentLines(text: string, indent = 0, width = 96): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  for (const para of escapeControls(text, true).split('\n')) {
    const words = para.split(/\s+/).filter((w) => w !== '');
    let line = '';
    for (const w of words) {
      if (line !== '' && pad.length + 2 + line.length + 1 + w.length > width) {
        out.push(`${pad}# ${line}`);
        line = w;
      } else line = line === '' ? w : `${line} ${w}`;
    }
    out.push(line === '' ? `${pad}#` : `${pad}# ${line}`);
  }
  return out;
}
