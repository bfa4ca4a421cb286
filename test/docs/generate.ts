/**
 * The generated parts of the documentation, so they cannot drift from the code they describe:
 * the rule, pattern and output-format tables (from the registries in src/rules, src/patterns
 * and src/report/registry.ts), the list of built-in models (from the model files in rules/),
 * and the step reference (from the step vocabulary and lock type table in src/model). Each
 * lives in a Markdown file between
 *
 *     <!-- BEGIN GENERATED: NAME (npm run docs) -->
 *     <!-- END GENERATED: NAME -->
 *
 * `npm run docs` rewrites every such block; test/docs/generated.test.ts fails while one is
 * stale. Run as a script (`node dist/test/docs/generate.js`) it writes the files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { builtinModelFile, builtinModelNames } from '../../src/load/models.js';
import { LOCK_TYPE_TABLE } from '../../src/model/lock-types.js';
import type { LockType } from '../../src/model/scenario.js';
import { HOOK_FAMILIES, KERNEL_HOOK_TABLE, STEP_ARGS, STEP_CATEGORIES, STEP_VOCABULARY, type StepCategory } from '../../src/model/vocabulary.js';
import { PATTERNS } from '../../src/patterns/index.js';
import { OUTPUTS, type OutputCommand } from '../../src/report/registry.js';
import { RULES } from '../../src/rules/index.js';

/** The repository root (this file is test/docs/generate.ts, or dist/test/docs/generate.js). */
export const ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (path.basename(dir) !== 'test') dir = path.dirname(dir);
  const up = path.dirname(dir);
  return path.basename(up) === 'dist' ? path.dirname(up) : up;
})();

/** Markdown table cell: no pipe or newline may break the row. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** Every rule: id, group, default severity, opt-in, lockdep heading, description. */
export function rulesTable(): string {
  const ordered = [...RULES].sort((a, b) => (a.meta.group === b.meta.group ? 0 : a.meta.group === 'lockdep' ? -1 : 1));
  return table(
    ['rule', 'kind', 'severity', 'heading', 'what it reports'],
    ordered.map(({ meta }) => [
      `[\`${meta.id}\`](../src/rules/${meta.id}.md)`,
      meta.group === 'lockdep' ? 'lockdep' : 'design',
      `${meta.defaultSeverity}${meta.optIn ? ' (opt-in)' : ''}`,
      meta.heading,
      meta.description,
    ]),
  );
}

/** The rules table of the README (links relative to the repository root). */
export function readmeRulesTable(): string {
  return rulesTable().replace(/\]\(\.\.\/src\//g, '](src/');
}

/** Every pattern in priority order: the rules it diagnoses, what it is. */
export function patternsTable(): string {
  return table(
    ['#', 'pattern', 'diagnoses', 'the mistake'],
    PATTERNS.map(({ meta }, i) => [String(i + 1), `[\`${meta.id}\`](../src/patterns/${meta.id}.md)`, meta.rules.map((r) => `\`${r}\``).join(', '), meta.summary]),
  );
}

/** The README's one-line list of patterns, in priority order. */
export function readmePatternList(): string {
  return PATTERNS.map(({ meta }) => `[\`${meta.id}\`](src/patterns/${meta.id}.md)`).join(', ') + '.';
}

/** Every output format of every command, from the output registry (the default first). */
export function formatsTable(): string {
  const rows: string[][] = [];
  for (const command of Object.keys(OUTPUTS) as OutputCommand[]) {
    OUTPUTS[command].forEach((f, i) => rows.push([`\`${command}\``, `\`${f.name}\`${i === 0 ? ' (default)' : ''}`, f.summary]));
  }
  return table(['command', '--format', 'what it writes'], rows);
}

type Yaml = unknown;

/** Every `invoke:` hook in a model's steps, in order of first appearance. */
function invokedHooks(node: Yaml, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) invokedHooks(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'invoke') out.add(typeof v === 'string' ? v : String((v as { hook?: unknown }).hook));
      else invokedHooks(v, out);
    }
  }
  return out;
}

/** The comment block at the top of a model file, as prose. */
function headerComment(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^#\s?(.*)$/.exec(line);
    if (!m) break;
    lines.push(m[1]!);
  }
  return lines.join('\n').trim();
}

const code = (s: string) => `\`${s}\``;

/** One section per built-in model, from its file. */
export function modelsList(): string {
  const out: string[] = [];
  for (const name of builtinModelNames()) {
    const file = builtinModelFile(name)!;
    const text = readFileSync(file, 'utf8');
    const doc = (parse(text) ?? {}) as Record<string, Yaml>;
    const rel = path.relative(ROOT, file).split(path.sep).join('/');
    const locks = Object.entries((doc.locks ?? {}) as Record<string, Yaml>).map(([k, v]) => {
      const d = (typeof v === 'string' ? { type: v } : v) as { type?: string; lockdep?: string };
      return `${code(k)} (${d.type}${d.lockdep ? `, lockdep ${code(d.lockdep)}` : ''})`;
    });
    const paths = ((doc.paths ?? []) as { name?: string }[]).map((p) => code(String(p.name)));
    const functions = Object.keys((doc.functions ?? {}) as object).map(code);
    const hooks = [...invokedHooks([doc.paths, doc.functions], new Set())].map(code);
    const includes = ((doc.include ?? []) as string[]).map(code);
    const facts: [string, string[]][] = [
      ['includes', includes],
      ['declares', locks],
      ['functions', functions],
      ['paths', paths],
      ['invokes the hooks', hooks],
    ];
    out.push(
      `### \`${name}\``,
      '',
      `[${rel}](../${rel}) — \`include: [${name}]\``,
      '',
      headerComment(text),
      '',
      ...facts.filter(([, v]) => v.length > 0).map(([k, v]) => `- ${k}: ${v.join(', ')}`),
      '',
    );
  }
  return out.join('\n').trimEnd();
}

const spellingsOf = (c: StepCategory) => STEP_VOCABULARY.filter((s) => s.category === c);

/** Every step spelling, by category: its argument and what the kernel (and the model) does for it. */
export function stepReference(): string {
  const out: string[] = [];
  for (const [category, what] of Object.entries(STEP_CATEGORIES) as [StepCategory, string][]) {
    out.push(
      `### ${category}`,
      '',
      `A step of this category ${what}.`,
      '',
      table(
        ['step', 'argument', 'what it does'],
        spellingsOf(category).map((s) => [code(s.name), STEP_ARGS[s.arg].text, s.description]),
      ),
      '',
    );
  }
  out.push(
    '### Lock types',
    '',
    'What each type under `locks:` implies (the steps that take it check the type).',
    '',
    table(
      ['type', 'sleeps', 'spins', 'modes', 'wait type (inner:outer)', 'what it is', 'steps'],
      (Object.entries(LOCK_TYPE_TABLE) as [LockType, (typeof LOCK_TYPE_TABLE)[LockType]][]).map(([type, t]) => [
        code(type),
        t.sleeping ? 'yes' : 'no',
        t.spinning ? 'yes' : 'no',
        t.modes.join(', '),
        `${t.waitInner}:${t.waitOuter}`,
        t.description,
        t.steps,
      ]),
    ),
    '',
    '### Kernel hooks',
    '',
    'Hooks the kernel model invokes: a scenario registers functions on them under `hooks:`, and may `invoke` them with nothing registered. A hook\'s other names (the ops-table field the DRM models use) are the same hook: functions registered under any of them run wherever any of them is invoked.',
    '',
    table(
      ['hook', 'also named', 'family', 'who runs it'],
      KERNEL_HOOK_TABLE.map((h) => [code(h.name), (h.aliases ?? []).map(code).join(', '), `${h.family}: ${HOOK_FAMILIES[h.family]}`, h.description]),
    ),
  );
  return out.join('\n').trimEnd();
}

/** The README's step list: each category with its spellings. */
export function readmeStepList(): string {
  return (Object.keys(STEP_CATEGORIES) as StepCategory[])
    .map((c) => `- **${c}**: ${spellingsOf(c).map((s) => code(s.name)).join(', ')}`)
    .join('\n');
}

/** Every generated block: the file it is in (from the root), its name, its content. */
export const GENERATED: readonly { readonly file: string; readonly name: string; readonly render: () => string }[] = [
  { file: 'docs/cli.md', name: 'rules', render: rulesTable },
  { file: 'docs/cli.md', name: 'patterns', render: patternsTable },
  { file: 'docs/cli.md', name: 'formats', render: formatsTable },
  { file: 'docs/models.md', name: 'models', render: modelsList },
  { file: 'README.md', name: 'rules', render: readmeRulesTable },
  { file: 'README.md', name: 'patterns', render: readmePatternList },
  { file: 'README.md', name: 'steps', render: readmeStepList },
  { file: 'docs/steps.md', name: 'steps', render: stepReference },
];

function markers(name: string): { begin: RegExp; end: string } {
  return { begin: new RegExp(`<!-- BEGIN GENERATED: ${name}\\b[^>]*-->\\n`), end: `<!-- END GENERATED: ${name} -->` };
}

/** The file's text with the block NAME replaced by `content`; throws if the markers are missing. */
export function fillBlock(text: string, name: string, content: string, file: string): string {
  const { begin, end } = markers(name);
  const b = begin.exec(text);
  const e = text.indexOf(end, b ? b.index : 0);
  if (!b || e < 0) throw new Error(`${file}: no generated block "${name}" (<!-- BEGIN GENERATED: ${name} --> ... ${end})`);
  return text.slice(0, b.index + b[0].length) + content + '\n' + text.slice(e);
}

/** Each file with generated blocks, as it is and as it should be. */
export function regenerate(): { file: string; current: string; expected: string }[] {
  const byFile = new Map<string, { current: string; expected: string }>();
  for (const g of GENERATED) {
    const abs = path.join(ROOT, g.file);
    const entry = byFile.get(g.file) ?? { current: readFileSync(abs, 'utf8'), expected: '' };
    entry.expected = fillBlock(entry.expected || entry.current, g.name, g.render(), g.file);
    byFile.set(g.file, entry);
  }
  return [...byFile].map(([file, v]) => ({ file, ...v }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const { file, current, expected } of regenerate()) {
    if (current === expected) continue;
    writeFileSync(path.join(ROOT, file), expected);
    console.log(`wrote ${file}`);
  }
}
