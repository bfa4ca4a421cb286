/**
 * `fencedep explain <rule|pattern>`: the documentation beside a rule (src/rules/<id>.md) or a
 * pattern (src/patterns/<id>.md), rendered for a terminal. The .md files are read from the
 * package root, so this works from src (tests) and from dist (the built CLI) alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMean } from '../load/errors.js';
import { packageRoot } from '../load/models.js';
import { jsonText } from '../model/escape.js';
import { PATTERNS, patternById } from '../patterns/index.js';
import { RULE_IDS } from '../model/rule-ids.js';
import { RULES } from '../rules/index.js';

export type DocKind = 'rule' | 'pattern';

export type ExplainResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

/** Every id `explain` knows, rules first. */
export function explainIds(): string[] {
  return [...new Set([...RULES.map((r) => r.meta.id), ...RULE_IDS, ...PATTERNS.map((p) => p.meta.id)])];
}

function kindOf(id: string): DocKind | null {
  if (patternById(id)) return 'pattern';
  if (RULES.some((r) => r.meta.id === id) || (RULE_IDS as readonly string[]).includes(id)) return 'rule';
  return null;
}

/** Where the doc of a rule or pattern lives in the package, or null if the root is unknown. */
export function docFile(kind: DocKind, id: string): string | null {
  const root = packageRoot();
  return root ? join(root, 'src', kind === 'rule' ? 'rules' : 'patterns', `${id}.md`) : null;
}

export function explain(id: string): ExplainResult {
  const kind = kindOf(id);
  if (!kind) {
    return {
      ok: false,
      message: `unknown rule or pattern ${jsonText(id)}${didYouMean(id, explainIds())}; run 'fencedep rules' for the list`,
    };
  }
  const file = docFile(kind, id);
  if (!file || !existsSync(file)) {
    return { ok: false, message: `no documentation for the ${kind} ${jsonText(id)}${file ? ` (looked for ${file})` : ''}` };
  }
  let text = renderMarkdown(readFileSync(file, 'utf8'));
  if (kind === 'pattern') {
    const i = PATTERNS.findIndex((p) => p.meta.id === id);
    const p = PATTERNS[i]!;
    text +=
      `\nPATTERN\n\n  Diagnoses ${p.meta.rules.join(', ')} findings; number ${i + 1} of ${PATTERNS.length} in priority order\n` +
      `  (a finding gets the first pattern that matches; 'fencedep rules' lists them in that order).\n`;
  }
  return { ok: true, text };
}

/** Inline markdown, plainly: `code`, **bold** and *emphasis* lose their marks (code is left as is). */
function inline(line: string): string {
  return line
    .split(/(`[^`]*`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part.slice(1, -1)
        : part.replace(/\*\*([^*]+)\*\*/g, '$1').replace(/(^|[\s(])\*([^*\s][^*]*?)\*(?=[\s.,;:)]|$)/g, '$1$2'),
    )
    .join('');
}

/**
 * Markdown for a terminal, with no library: the title underlined, section headings in capitals,
 * text indented by two, code blocks by six, blank lines collapsed.
 */
export function renderMarkdown(md: string): string {
  const out: string[] = [];
  let code = false;
  for (const raw of md.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.replace(/\s+$/, '');
    if (/^\s*```/.test(line)) {
      code = !code;
      if (code && out.length && out[out.length - 1] !== '') out.push('');
      continue;
    }
    if (code) {
      out.push(line ? `      ${line}` : '');
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      const title = inline(h[2]!);
      if (out.length && out[out.length - 1] !== '') out.push('');
      if (h[1]!.length === 1) out.push(title, '='.repeat(title.length));
      else out.push(title.toUpperCase());
      out.push('');
      continue;
    }
    if (line === '') {
      if (out.length && out[out.length - 1] !== '') out.push('');
      continue;
    }
    const quote = /^>\s?(.*)$/.exec(line);
    out.push(`  ${inline(quote ? quote[1]! : line)}`);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}
