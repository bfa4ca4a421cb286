/**
 * A property over every registered output format (src/report/registry.ts): names drawn from
 * the whole of Unicode — C0, C1, DEL, lone surrogates and their neighbours, noncharacters,
 * bidi overrides, line separators, and the syntax of every format we write (`::`, `%%{init}%%`,
 * `]]>`, `|`, backticks…) — put into every string of a check run, a diff and a dependency
 * graph never produce a raw control on a terminal, a line the GitHub runner reads as a
 * workflow command (other than `--format github`'s own), or a document its parser rejects.
 *
 * Runs are few and the data in-process so `npm test` stays fast; FENCEDEP_FUZZ_RUNS raises them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSides, summarizeDiff } from '../../src/diff/index.js';
import { buildGraph } from '../../src/graph/index.js';
import type { Finding, RunResult } from '../../src/model/finding.js';
import type { GraphExport } from '../../src/replay/index.js';
import { githubCommands } from '../../src/report/github.js';
import { formatNames, outputFormat, type OutputCommand } from '../../src/report/registry.js';
import { CI_RUN, CWD } from '../report/fixture-ci.js';
import { markdownBlocks, mermaidBlocks, mermaidParser, rawControl, workflowCommands, xmlError } from './escape-helpers.js';

const RUNS = Number(process.env.FENCEDEP_FUZZ_RUNS ?? 40);

/** Keys whose values are vocabulary (rule ids, statuses, kinds…), not names: kept. */
const VOCABULARY = new Set(['rule', 'severity', 'status', 'kind', 'usage', 'wait', 'pattern', 'heading', 'kernel', 'fingerprint']);

/** Every string of `v` (but vocabulary) with `name` mixed in: replaced, prefixed or suffixed in turn. */
function inject<T>(v: T, name: string, key = '', at = { n: 0 }): T {
  if (typeof v === 'string') {
    if (VOCABULARY.has(key)) return v;
    const i = at.n++ % 3;
    return (i === 0 ? name : i === 1 ? `${name}${v}` : `${v}${name}`) as T;
  }
  if (Array.isArray(v)) return v.map((x) => inject(x, name, key, at)) as T;
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, inject(x, name, k, at)])) as T;
  }
  return v;
}

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const codePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => (c >= 0xd800 && c <= 0xdfff ? String.fromCharCode(c) : String.fromCodePoint(c)));
const special = fc.constantFrom(
  '\u0000', '\u0007', '\u001b[31m', '\u001b]0;t\u0007', '\u007f', '\u0085', '\u009b2J', '\u009d', '\u00a0', '\u2028', '\u2029',
  '\u202a', '\u202e', '\u2066', '\u2069', '\ufeff', '\ufffe', '\uffff', '\ud7ff', '\ud800', '\udbff', '\udc00', '\udfff', '\ue000', '\ud83d\ude00',
  '\r', '\n', '\r\n', '\t', '\n::error::x', '\r  ::warning::y', '\u2003::notice::z', '::', ':', '%', '%%{init: {"theme":"forest"}}%%',
  '#', '|', '`', '```', '<', '>', '&', '&amp;', '"', "'", ']]>', '<!--', '--', '\\', '[', ']', '*', '_', '# ', '- ', '1. ', '> ',
);
const nameArb = fc.array(fc.oneof({ weight: 3, arbitrary: special }, { weight: 1, arbitrary: codeUnit }, { weight: 1, arbitrary: codePoint }), { minLength: 1, maxLength: 10 }).map((a) => a.join(''));

/** The check run of the reporters' fixture with `name` in every string; the failing findings are not expected. */
const checkRun = (name: string): RunResult => inject(CI_RUN, name);

/** A diff with a changed file (a finding and the dependencies introduced) and a removed one. */
function diffOf(name: string) {
  const side = (findings: readonly Finding[], graph: GraphExport) => ({ scenario: inject('scenario', name), findings, graph, errors: [] });
  const g = graphOf(name);
  const findings = inject(CI_RUN.results[0]!.findings, name);
  const changed = compareSides(inject('a.yaml', name), inject('b.yaml', name), side([], { classes: g.classes, dependencies: [] }), inject('a.yaml', name), side(findings, g));
  const removed = compareSides(inject('c.yaml', name), inject('c.yaml', name), side(findings, g), null, null);
  return summarizeDiff(inject('before', name), inject('after', name), [changed, removed]);
}

function graphOf(name: string): GraphExport {
  return inject(
    {
      classes: [
        { name: 'a', lockdep: '&a->lock', type: 'mutex' },
        { name: 'b', lockdep: 'b', type: 'map' },
      ],
      dependencies: [
        { from: 0, to: 1, kinds: ['EN'], path: 'p', location: { file: 'f.yaml', line: 1, column: 2 }, step: 'mutex_lock: a', files: ['f.yaml'] },
        { from: 1, to: 0, kinds: ['SR'], path: 'q', location: { file: 'g.yaml', line: 3, column: 4 }, step: null, files: ['g.yaml'] },
      ],
    },
    name,
  );
}

const findingsOf = (name: string): Finding[] => inject(CI_RUN.results[0]!.findings.slice(0, 1), name) as Finding[];

/** What each format must parse as. */
async function assertParses(command: OutputCommand, format: string, out: string): Promise<void> {
  if (format === 'json' || format === 'sarif') {
    JSON.parse(out);
  } else if (format === 'junit' || format === 'svg') {
    expect(xmlError(out), out).toBeNull();
  } else if (format === 'markdown') {
    const blocks = markdownBlocks(out);
    // The headings are ours: one top heading, and no name cut one of its own.
    const top = blocks.filter((b) => b.type === 'heading' && b.level === 2);
    expect(top, out).toHaveLength(1);
    expect(blocks.some((b) => b.type === 'thematic_break' || (b.type === 'heading' && b.level === 1)), out).toBe(false);
    const mermaid = await mermaidParser();
    for (const chart of mermaidBlocks(out)) expect((await mermaid.parse(chart)).config, chart).toEqual({});
  } else if (format === 'mermaid') {
    expect((await (await mermaidParser()).parse(out)).config, out).toEqual({});
  } else if (command === 'graph' && format === 'dot') {
    expect(out.startsWith('digraph "')).toBe(true);
  }
}

async function render(command: OutputCommand, format: string, name: string): Promise<{ out: string; own: number }> {
  if (command === 'check') {
    const run = checkRun(name);
    const out = outputFormat('check', format)!.write(run, { color: format === 'text', quiet: false, cwd: CWD });
    // --format github's own commands, and no other.
    return { out, own: format === 'github' ? githubCommands(run, CWD).length : 0 };
  }
  if (command === 'diff') return { out: outputFormat('diff', format)!.write(diffOf(name), { color: format === 'text' }), own: 0 };
  const graph = buildGraph({ file: inject('f.yaml', name), scenario: inject('s', name), graph: graphOf(name), findings: findingsOf(name) });
  return { out: await outputFormat('graph', format)!.write(graph), own: 0 };
}

const SLOW = new Set(['svg', 'mermaid', 'markdown']);

describe('every output format, names from the whole of Unicode', () => {
  for (const command of ['check', 'diff', 'graph'] as const) {
    for (const format of formatNames(command)) {
      it(`${command} --format ${format}`, async () => {
        await fc.assert(
          fc.asyncProperty(nameArb, async (name) => {
            const { out, own } = await render(command, format, name);
            expect(rawControl(out), out).toBeNull();
            expect(workflowCommands(out), out).toHaveLength(own);
            await assertParses(command, format, out);
          }),
          { numRuns: SLOW.has(format) ? Math.ceil(RUNS / 3) : RUNS },
        );
      }, 60_000);
    }
  }
});
