/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning (docs/cli.md §6).
 *
 * - One run. `tool.driver.rules` has a reportingDescriptor for every rule (not only those that
 *   fired, so code scanning can tell "ran and found nothing" from "unknown rule" and close
 *   fixed alerts), each with the rule's doc as help, and one more, `unmet-expectation`.
 * - A finding is a result whose primary location is the step that triggered it (when that
 *   step is in the built-in kernel model, the innermost step of the checked file that led
 *   there: findings.ts `userLocation`); the other
 *   dependencies of its chain are `relatedLocations`, linked from the message; `codeFlows`
 *   has one threadFlow per path (lockdep's CPU0 / CPU1 columns), each walking that path's
 *   steps, outermost first, down to "takes X while holding Y".
 * - `partialFingerprints["fencedepFindingHash/v1"]` is `findingFingerprint`: rule and class
 *   set, so neither the lock a cycle was found from nor line moves change it.
 * - An expected finding (listed in the file's `expect`) is reported at level `note` with an
 *   `inSource` suppression (the `expect` block is the in-source suppression): viewers that
 *   honour suppressions hide it, and a consumer that ignores them still sees no error (GitHub's
 *   default pull-request check fails on `error` only). Warnings are `warning`, other findings
 *   `error`.
 * - An unmet expectation is an `error` result of the `unmet-expectation` rule at the `expect`
 *   entry, so the gate's other failure shows up in code scanning too.
 * - Input errors are `invocations[0].toolExecutionNotifications` (with their locations), and
 *   then `executionSuccessful` is false.
 * - URIs are relative to the working directory (`uriBaseId: "%SRCROOT%"`, forward slashes,
 *   percent-encoded); the built-in kernel model is under `uriBaseId: "FENCEDEP"`.
 *   Columns are UTF-16 code units, as the loader counts them.
 * No `helpUri`: the rule docs have no published pages; `help.markdown` carries the whole doc.
 */
import { closestText, type FileResult, type Finding, type InputErrorInfo, type RunResult, type TraceStep, type UnmetExpectation } from '../model/finding.js';
import { findingFingerprint, sha256Hex } from '../model/fingerprint.js';
import type { SourceLoc } from '../model/location.js';
import { byteOrder } from '../model/order.js';
import { RULES } from '../rules/index.js';
import type { RuleMeta } from '../rules/rule.js';
import { ruleDoc } from '../rules/docs.js';
import { docSection, firstParagraph, plainText } from './docs.js';
import { jsonText } from './escape.js';
import { closingIndex, dependencyText, pathFlows, userLocation } from './findings.js';
import { MODEL_ROOT, sarifArtifact, SRCROOT } from './paths.js';
import { TOOL } from './tool.js';
import type { ReportOptions } from './types.js';

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://www.npmjs.com/package/fencedep';
/** The key of `partialFingerprints`; bump the version if the hash ever changes. */
export const FINGERPRINT_KEY = 'fencedepFindingHash/v1';
export const UNMET_RULE_ID = 'unmet-expectation';
export const INPUT_ERROR_ID = 'input-error';

/**
 * GitHub's limits per result (docs/cli.md §6): 1,000 locations (100 shown) and 10,000
 * thread-flow locations (1,000 shown). A long cycle (a 100,000-class ring) keeps its first
 * related locations and steps, and its message links only the first few.
 */
export const SARIF_LIMITS = { relatedLocations: 1000, threadFlowLocations: 10000, messageLinks: 10 } as const;

type Json = Record<string, unknown>;
type Level = 'error' | 'warning' | 'note';

/**
 * SARIF message strings may embed links (`[text](id)`); a literal `[`, `]` or `\` of our own
 * text is escaped with a backslash (SARIF 2.1.0, section 3.11.6) so `dma_resv[bo_a]` stays text.
 */
export const escapeMessage = (s: string): string => s.replace(/[\\[\]]/g, (c) => `\\${c}`);

const message = (text: string): Json => ({ text });

function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** A heading or message as a sentence: a full stop unless it already ends in one. */
const sentence = (s: string): string => (/[.!?]$/.test(s) ? s : `${s}.`);

const levelOfSeverity = (s: 'error' | 'warn'): Level => (s === 'error' ? 'error' : 'warning');

function ruleDescriptor(meta: Pick<RuleMeta, 'id' | 'heading' | 'description' | 'group' | 'defaultSeverity' | 'optIn'>): Json {
  const doc = ruleDoc(meta.id);
  const means = doc ? docSection(doc, 'What it means') : null;
  const explain = `\`fencedep explain ${meta.id}\` shows this page in a terminal.`;
  const markdown = doc ? `${doc.trimEnd()}\n\n${explain}\n` : `# ${meta.id}\n\n> ${meta.heading}\n\n${meta.description}\n\n${explain}\n`;
  const tags = ['deadlock', 'concurrency', meta.group === 'lockdep' ? 'lockdep' : 'design-rule'];
  return {
    id: meta.id,
    name: pascal(meta.id),
    shortDescription: message(meta.description),
    fullDescription: message(`${sentence(meta.heading)} ${means ? firstParagraph(means) : sentence(meta.description)}`),
    help: { text: doc ? `${plainText(doc)}\n\n${plainText(explain)}` : plainText(markdown), markdown },
    defaultConfiguration: { enabled: meta.optIn !== true, level: levelOfSeverity(meta.defaultSeverity) },
    properties: {
      tags,
      precision: meta.group === 'lockdep' ? 'very-high' : 'high',
      'problem.severity': levelOfSeverity(meta.defaultSeverity),
      heading: meta.heading,
    },
  };
}

const UNMET_DESCRIPTOR: Json = {
  id: UNMET_RULE_ID,
  name: 'UnmetExpectation',
  shortDescription: message("an entry of the scenario's expect that no finding met"),
  fullDescription: message(
    "The scenario's expect block lists a finding (rule, locks involved, path) that the replay did not report: " +
      'the design no longer shows the deadlock the scenario documents, or the expectation is wrong.',
  ),
  help: {
    text:
      "An entry of the scenario's expect block that no finding met fails the file. Either the design changed " +
      '(the deadlock is gone: remove the entry) or the expectation names the wrong rule, locks or path.',
    markdown:
      "An entry of the scenario's `expect` block that no finding met fails the file.\n\n" +
      'Either the design changed (the deadlock is gone: remove the entry) or the expectation names the wrong ' +
      'rule, locks (`involves`) or `path`.\n',
  },
  defaultConfiguration: { enabled: true, level: 'error' },
  properties: { tags: ['fencedep', 'expectation'], precision: 'very-high', 'problem.severity': 'error' },
};

/** The driver's rules: every registered rule (by id), any other rule a finding names, then unmet-expectation. */
function descriptors(run: RunResult): { rules: Json[]; index: Map<string, number> } {
  const metas: Pick<RuleMeta, 'id' | 'heading' | 'description' | 'group' | 'defaultSeverity' | 'optIn'>[] = RULES.map((r) => r.meta);
  const known = new Set(metas.map((m) => m.id));
  const extra = new Map<string, Finding>();
  for (const r of run.results) for (const f of r.findings) if (!known.has(f.rule) && !extra.has(f.rule)) extra.set(f.rule, f);
  for (const [id, f] of [...extra].sort(([a], [b]) => byteOrder(a, b))) {
    metas.push({ id, heading: f.heading, description: f.heading, group: 'lockdep', defaultSeverity: 'error' });
  }
  const rules = [...metas.map(ruleDescriptor), UNMET_DESCRIPTOR];
  const index = new Map<string, number>();
  rules.forEach((r, i) => index.set(r.id as string, i));
  return { rules, index };
}

function region(line: number | undefined, column: number | undefined): Json | undefined {
  if (line === undefined || !(line >= 1)) return undefined;
  return column !== undefined && column >= 1 ? { startLine: line, startColumn: column } : { startLine: line };
}

function physical(file: string, cwd: string, line?: number, column?: number): Json {
  const out: Json = { artifactLocation: { ...sarifArtifact(file, cwd) } };
  const r = region(line, column);
  if (r) out.region = r;
  return out;
}

const locationOf = (l: SourceLoc | TraceStep, cwd: string, msg?: string, id?: number): Json => {
  const out: Json = {};
  if (id !== undefined) out.id = id;
  // Revision 1.1: a step's `at:` is where it is in the C code, as written (relative to the repository).
  out.physicalLocation = l.at ? physical(l.at.file, cwd, l.at.line, l.at.column) : physical(l.file, cwd, l.line, l.column);
  if (msg !== undefined) out.message = message(escapeMessage(msg));
  return out;
};

function findingMessage(f: Finding, related: readonly { id: number; text: string }[]): string {
  const parts = [escapeMessage(sentence(f.message))];
  if (related.length > 0) {
    const intro = f.chain.length > 0 ? 'The rest of the chain' : 'Held';
    const links = related.slice(0, SARIF_LIMITS.messageLinks).map((r) => `[${escapeMessage(r.text)}](${r.id})`);
    const more = related.length > links.length ? `; and ${related.length - links.length} more` : '';
    parts.push(`${intro}: ${links.join('; ')}${more}.`);
  }
  if (f.pattern !== undefined) parts.push(escapeMessage(`Pattern: ${f.pattern} (fencedep explain ${f.pattern}).`));
  if (f.remedy !== undefined) parts.push(escapeMessage(`Remedy: ${f.remedy}`));
  if (f.expected) parts.push("Expected: the scenario's expect lists this finding.");
  return parts.join(' ');
}

function codeFlows(f: Finding, cwd: string): Json[] | undefined {
  const flows = pathFlows(f);
  if (flows.length === 0) return undefined;
  let budget: number = SARIF_LIMITS.threadFlowLocations;
  const threadFlows = flows.map((flow) => {
    const locations: Json[] = [];
    for (const seg of flow.segments) {
      seg.stack.forEach((step, k) => {
        // Every flow keeps at least one location (the schema requires it); past the budget, no more.
        if (budget <= 0 && locations.length > 0) return;
        budget--;
        const last = k === seg.stack.length - 1;
        locations.push({
          location: locationOf(step, cwd, last ? `${step.step}: ${seg.message}` : step.step),
          nestingLevel: k,
          importance: last ? 'essential' : 'important',
        });
      });
    }
    return { id: flow.path === '' ? 'path' : flow.path, message: message(escapeMessage(`path "${flow.path}"`)), locations };
  });
  const msg = flows.length > 1 ? 'Possible unsafe locking scenario: one thread flow per path' : 'The steps that lead to the finding';
  return [{ message: message(msg), threadFlows }];
}

function findingResult(f: Finding, ruleIndex: number, cwd: string): Json {
  const closing = closingIndex(f);
  const related: { id: number; text: string; json: Json }[] = [];
  f.chain.forEach((c, i) => {
    if (i === closing) return;
    const id = related.length + 1;
    const text = `${c.from} -> ${c.to} on path "${c.path}"`;
    related.push({ id, text, json: locationOf(c.location, cwd, `${dependencyText(c)} (path "${c.path}")`, id) });
  });
  if (f.chain.length === 0) {
    // No chain: the locks held when it happened, where they were taken.
    for (const b of f.report) {
      if (b.kind !== 'held') continue;
      for (const l of b.locks) {
        if (!l.at) continue;
        const id = related.length + 1;
        related.push({ id, text: l.name, json: locationOf(l.at, cwd, `${l.name} held since here (${l.at.step})`, id) });
      }
      break;
    }
  }
  const out: Json = {
    ruleId: f.rule,
    ruleIndex,
    level: f.expected ? 'note' : levelOfSeverity(f.severity),
    message: message(findingMessage(f, related)),
    locations: [locationOf(userLocation(f), cwd)],
    partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(f) },
  };
  if (related.length > 0) out.relatedLocations = related.slice(0, SARIF_LIMITS.relatedLocations).map((r) => r.json);
  const flows = codeFlows(f, cwd);
  if (flows) out.codeFlows = flows;
  if (f.expected) {
    out.suppressions = [{ kind: 'inSource', status: 'accepted', justification: "listed in the scenario's expect" }];
  }
  const props: Json = {
    severity: f.severity,
    expected: f.expected,
    path: f.path,
    locks: [...f.locks],
    lockdep: [...f.lockdep],
    heading: f.heading,
  };
  if (f.pattern !== undefined) props.pattern = f.pattern;
  if (f.remedy !== undefined) props.remedy = f.remedy;
  out.properties = props;
  return out;
}

function unmetFingerprint(u: UnmetExpectation): string {
  const key = [UNMET_RULE_ID, u.rule, ...[...new Set(u.involves)].sort(), u.path ?? ''].join('\u0000');
  return sha256Hex(key).slice(0, 32);
}

function unmetResult(u: UnmetExpectation, ruleIndex: number, cwd: string): Json {
  const involves = u.involves.length > 0 ? ` involving ${u.involves.join(', ')}` : '';
  const on = u.path !== null ? ` on path "${u.path}"` : '';
  return {
    ruleId: UNMET_RULE_ID,
    ruleIndex,
    level: 'error',
    message: message(escapeMessage(`The scenario expects a ${u.rule} finding${involves}${on}, but none was reported${closestText(u)}.`)),
    locations: [locationOf(u.location, cwd)],
    partialFingerprints: { [FINGERPRINT_KEY]: unmetFingerprint(u) },
    properties: { rule: u.rule, involves: [...u.involves], path: u.path },
  };
}

function notification(e: InputErrorInfo, r: FileResult, cwd: string): Json {
  const file = e.file ?? r.file;
  return {
    level: 'error',
    message: message(escapeMessage(e.message)),
    locations: [{ physicalLocation: physical(file, cwd, e.line, e.column) }],
    descriptor: { id: INPUT_ERROR_ID, index: 0 },
  };
}

/** The SARIF log as a plain object (for tests). */
export function sarifLog(run: RunResult, opts: Pick<ReportOptions, 'cwd'> = {}): Json {
  const cwd = opts.cwd ?? process.cwd();
  const { rules, index } = descriptors(run);
  const results: Json[] = [];
  const notifications: Json[] = [];
  for (const r of run.results) {
    for (const f of r.findings) results.push(findingResult(f, index.get(f.rule)!, cwd));
    for (const u of r.unmet) results.push(unmetResult(u, index.get(UNMET_RULE_ID)!, cwd));
    for (const e of r.errors) notifications.push(notification(e, r, cwd));
  }
  const invocation: Json = { executionSuccessful: run.summary.errors === 0 && notifications.length === 0 };
  if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;
  return {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: TOOL.name,
            version: TOOL.version,
            semanticVersion: TOOL.version,
            informationUri: INFORMATION_URI,
            rules,
            notifications: [
              {
                id: INPUT_ERROR_ID,
                name: 'InputError',
                shortDescription: message('a file that cannot be read or is not a valid scenario'),
                defaultConfiguration: { level: 'error' },
              },
            ],
          },
        },
        invocations: [invocation],
        originalUriBaseIds: {
          [SRCROOT]: { description: message('The working directory fencedep ran in (the repository root in CI).') },
          [MODEL_ROOT]: { description: message("fencedep's built-in kernel model (the rules/ folder of the fencedep package).") },
        },
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          summary: {
            files: run.summary.files,
            passed: run.summary.passed,
            failed: run.summary.failed,
            errors: run.summary.errors,
            findings: run.summary.findings,
          },
          // `--baseline`: the known findings are not results; say how many were left out.
          ...(run.baseline ? { baseline: { file: run.baseline.file, ignored: run.baseline.ignored, stale: run.baseline.stale.length } } : {}),
        },
      },
    ],
  };
}

/** `--quiet` does not change SARIF: code scanning tracks what is fixed by what is no longer reported. */
export function formatSarif(run: RunResult, opts: ReportOptions): string {
  return `${jsonText(sarifLog(run, opts), 2)}\n`;
}
