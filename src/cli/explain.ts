/**
 * `fencedep explain <rule|pattern|step|hook>`: the documentation beside a rule
 * (src/rules/<id>.md) or a pattern (src/patterns/<id>.md), rendered for a terminal; or what the
 * vocabulary (src/model/vocabulary.ts) says of a step spelling or a kernel hook. The .md files
 * are read from the package root, so this works from src (tests) and from dist (the built CLI)
 * alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMeanAny } from '../load/errors.js';
import { includeNames, modelEntries, modelInfo, type ModelEntry } from '../load/model-docs.js';
import { builtinModelNames, packageRoot } from '../load/models.js';
import { jsonText } from '../model/escape.js';
import {
  HOOK_FAMILIES, KERNEL_HOOK_NAMES, KERNEL_HOOK_TABLE, STEP_ARGS, STEP_CATEGORIES, STEP_VOCABULARY, stepSpelling, type StepSpelling,
} from '../model/vocabulary.js';
import { PATTERNS, patternById } from '../patterns/index.js';
import { RULE_IDS } from '../model/rule-ids.js';
import { RULES } from '../rules/index.js';

export type DocKind = 'rule' | 'pattern';

export type ExplainResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

/** Every id `explain` knows: rules, patterns, step spellings, kernel hooks, built-in models, their functions, hooks and paths. */
export function explainIds(): string[] {
  return [...new Set([
    ...RULES.map((r) => r.meta.id), ...RULE_IDS, ...PATTERNS.map((p) => p.meta.id), ...STEP_VOCABULARY.map((s) => s.name), ...KERNEL_HOOK_NAMES,
    ...builtinModelNames(), ...modelEntries().map((e) => e.name),
  ])];
}

const code = (s: string): string => `\`${s}\``;

/** A step spelling, from the vocabulary: what it does, its category, its argument, its other spellings. */
function stepDoc(s: StepSpelling): string {
  const same = STEP_VOCABULARY.filter((x) => x.op === s.op && x.name !== s.name).map((x) => code(x.name));
  const aliases = STEP_VOCABULARY.filter((x) => x.aliasOf === s.name).map((x) => code(x.name));
  return [
    `# ${s.name}`,
    '',
    s.description,
    '',
    '## Step',
    '',
    `- category: ${s.category} (${STEP_CATEGORIES[s.category]})`,
    `- replays as: ${code(s.op)}`,
    `- argument: ${STEP_ARGS[s.arg].text}`,
    ...(s.lock && s.lock.types.length ? [`- lock types: ${s.lock.types.join(', ')}`] : []),
    ...(s.aliasOf ? [`- another name for: ${code(s.aliasOf)}`] : []),
    ...(aliases.length ? [`- also spelled: ${aliases.join(', ')}`] : []),
    ...(same.length ? [`- replays like: ${same.join(', ')}`] : []),
    '',
  ].join('\n');
}

/** A kernel hook: who runs its functions, and under what. */
function hookDoc(name: string): string {
  const h = KERNEL_HOOK_TABLE.find((x) => x.name === name)!;
  return [
    `# ${h.name}`,
    '',
    h.description,
    '',
    '## Hook',
    '',
    `- family: ${h.family} (${HOOK_FAMILIES[h.family]})`,
    `- context: ${h.context}`,
    `- holding: ${h.holding}`,
    `- register functions under \`hooks: {${h.name}: [...]}\`; the kernel model invokes them, and \`invoke: ${h.name}\` does too`,
    ...(h.aliases?.length ? [`- also named ${h.aliases.map((a) => `\`${a}\``).join(', ')}: the same hook (functions registered under either name run wherever either is invoked)`] : []),
    '',
  ].join('\n');
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
    // a helper model's function or hook; a function named like a step (`pm_runtime_get_sync`)
    // is documented after the step, as `call:` runs the one and a bare step the other
    const entry = modelEntries().find((e) => e.name === id);
    const model = entry ? renderMarkdown(modelEntryMarkdown(entry)) : '';
    const step = stepSpelling(id);
    if (step) return { ok: true, text: renderMarkdown(stepDoc(step)) + (model ? `\n${model}` : '') };
    if (entry) return { ok: true, text: model };
    if (KERNEL_HOOK_NAMES.includes(id)) return { ok: true, text: renderMarkdown(hookDoc(id)) };
    if (builtinModelNames().includes(id)) return { ok: true, text: renderMarkdown(modelMarkdown(id)) };
    return {
      ok: false,
      message: `unknown rule, pattern, step or hook ${jsonText(id)}${didYouMeanAny(id, explainIds())}; run 'fencedep rules' for the rules and patterns, see docs/steps.md for the steps and hooks, docs/models.md for the models (each also explained by name)`,
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

/** How a scenario calls a model function: `fn(a, b)`, or `fn` without parameters. */
export function callOf(e: ModelEntry): string {
  return e.params.length ? `${e.name}(${e.params.join(', ')})` : e.name;
}

/** The explain text (markdown) of a built-in model: what it models, how to include it, what it includes, its functions, hooks and paths. */
function modelMarkdown(model: string): string {
  const entries = modelEntries().filter((e) => e.model === model);
  const info = modelInfo(model);
  const list = (title: string, names: readonly string[]): string => (names.length ? `\n## ${title}\n\n${names.map((n) => `- \`${n}\``).join('\n')}\n` : '');
  const of = (kind: ModelEntry['kind']): string[] => entries.filter((e) => e.kind === kind).map((e) => (kind === 'function' ? callOf(e) : e.name));
  const how = includeNames(model).map((m) => `\`include: [${m}]\``).join(' or ');
  return (
    `# ${model}\n\n> a built-in model (${how}); \`fencedep explain <name>\` documents each model and name listed here\n\n` +
    `${info.doc || '(no comment in the model: read its file)'}\n` +
    list('Includes', info.includes) + list('Functions', of('function')) + list('Hooks', of('hook')) + list('Paths (names for `expect: path:`)', of('path')) +
    `\n## Model\n\nrules/${model}.yaml in the fencedep package.\n`
  );
}

/** The explain text (markdown) of a model function, hook or path. */
export function modelEntryMarkdown(e: ModelEntry): string {
  if (e.kind === 'path') {
    return (
      `# ${e.name}\n\n> a path of the built-in model \`${e.model}\`: the kernel's own code, replayed with every scenario that includes it\n\n` +
      `## What it replays\n\n${e.doc || '(no comment in the model: read its steps)'}\n\n${e.runs ? `Runs as: ${e.runs}.\n\n` : ''}` +
      `## Model\n\nrules/${e.model}.yaml in the fencedep package; \`graph --hide-model\` leaves its dependencies out of a drawing.\n`
    );
  }
  const signature = e.kind === 'function' ? `call: ${callOf(e)}` : `hooks: { ${e.name}: [your_callback] }`;
  const invoked = e.kind === 'hook' ? `\n## Invoked by\n\n${e.invokedBy.length ? e.invokedBy.map((b) => `- ${b}`).join('\n') : '- nothing in the model: a path of yours invokes it'}\n` : '';
  return (
    `# ${e.name}\n\n> a ${e.kind} of the built-in model \`${e.model}\` (${includeNames(e.model).reverse().map((m) => `\`include: [${m}]\``).join(', or ')})\n\n` +
    `## Use\n\n\`${signature}\`\n\n## What the kernel does, context, locks and sources\n\n${e.doc || '(undocumented)'}\n${invoked}\n` +
    `## Model\n\nrules/${e.model}.yaml in the fencedep package.\n`
  );
}
