import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkInputs } from '../../src/check/run.js';
import type { Finding, RunResult } from '../../src/model/finding.js';
import { findingFingerprint } from '../../src/model/fingerprint.js';
import { RULES } from '../../src/rules/index.js';
import { escapeMessage, FINGERPRINT_KEY, formatSarif, SARIF_LIMITS, sarifLog, UNMET_RULE_ID } from '../../src/report/sarif.js';
import { TOOL } from '../../src/report/tool.js';
import { expectGolden } from './golden.js';
import { ABSOLUTE_RUN, CI_RUN, CWD, OPTS } from './fixture-ci.js';
import { PASSING } from './fixture.js';
import { sarifErrors } from './sarif-schema.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The golden file does not change with the package version or the rule docs: each rule's
 * help and full description (read from src/rules/<id>.md) are checked against the docs below.
 */
function normalise(out: string): string {
  const log = JSON.parse(out) as Json;
  const driver = log.runs[0].tool.driver;
  driver.version = '<version>';
  driver.semanticVersion = '<version>';
  for (const r of driver.rules) {
    if (r.id === UNMET_RULE_ID) continue;
    r.fullDescription = { text: `<${r.id}: heading and "What it means">` };
    r.help = { text: `<src/rules/${r.id}.md as text>`, markdown: `<src/rules/${r.id}.md>` };
  }
  return `${JSON.stringify(log, null, 2)}\n`;
}

const run0 = (log: Json) => log.runs[0];

describe('sarif reporter', () => {
  it('renders the run (golden)', () => {
    expectGolden('run.sarif.json', normalise(formatSarif(CI_RUN, OPTS)));
  });

  it('validates against the official SARIF 2.1.0 schema', () => {
    expect(sarifErrors(sarifLog(CI_RUN, OPTS))).toEqual([]);
    expect(sarifErrors(sarifLog(PASSING, OPTS))).toEqual([]);
    expect(sarifErrors(sarifLog(ABSOLUTE_RUN, { cwd: '/elsewhere' }))).toEqual([]);
  });

  it("validates on the bundled fixtures' real findings", async () => {
    const run = await checkInputs(['fixtures']);
    expect(run.summary.files).toBeGreaterThan(20);
    const log = JSON.parse(formatSarif(run, { color: false, quiet: false, cwd: ROOT })) as Json;
    expect(sarifErrors(log)).toEqual([]);
    const results = run0(log).results as Json[];
    expect(results.length).toBe(run.summary.findings);
    // every fixture expects its findings: notes, suppressed in source
    expect(results.every((r) => r.level === 'note' && r.suppressions[0].kind === 'inSource')).toBe(true);
    // the kernel model's steps are under their own base, the rest under %SRCROOT%: a scenario
    // step, or the C code a step's `at:` names (fixtures/lang/error-path-keeps-lock.yaml)
    const uris = results.flatMap((r) => (r.codeFlows ?? []).flatMap((c: Json) => c.threadFlows.flatMap((t: Json) => t.locations.map((l: Json) => l.location.physicalLocation.artifactLocation))));
    expect(uris.some((a: Json) => a.uriBaseId === 'FENCEDEP' && a.uri.startsWith('rules/kernel/'))).toBe(true);
    expect(uris.some((a: Json) => a.uriBaseId === '%SRCROOT%' && a.uri === 'drivers/gpu/drm/foo/foo_gem.c')).toBe(true);
    expect(uris.every((a: Json) => (a.uriBaseId === '%SRCROOT%' && /^(fixtures|drivers)\//.test(a.uri)) || a.uriBaseId === 'FENCEDEP')).toBe(true);
    expect(run0(log).invocations[0].executionSuccessful).toBe(true);
  });

  it('describes every rule with its doc, and points each result at its rule', () => {
    const log = sarifLog(CI_RUN, OPTS) as Json;
    const rules = run0(log).tool.driver.rules as Json[];
    expect(rules.map((r) => r.id)).toEqual([...RULES.map((r) => r.meta.id), UNMET_RULE_ID]);
    for (const r of rules.slice(0, -1)) {
      const doc = readFileSync(path.join(ROOT, 'src/rules', `${r.id}.md`), 'utf8');
      expect(r.help.markdown.startsWith(doc.trimEnd())).toBe(true);
      expect(r.help.text).not.toContain('```');
      const meta = RULES.find((x) => x.meta.id === r.id)!.meta;
      expect(r.shortDescription.text).toBe(meta.description);
      expect(r.fullDescription.text.startsWith(meta.heading)).toBe(true);
      expect(r.defaultConfiguration.level).toBe(meta.defaultSeverity === 'error' ? 'error' : 'warning');
      expect(r.properties.tags).toContain(meta.group === 'lockdep' ? 'lockdep' : 'design-rule');
    }
    // opt-in rules are disabled by default
    expect(rules.find((r) => r.id === 'ww-lock-between-reservations').defaultConfiguration).toEqual({ enabled: false, level: 'warning' });
    for (const res of run0(log).results as Json[]) expect(rules[res.ruleIndex].id).toBe(res.ruleId);
    expect(run0(log).tool.driver).toMatchObject({ name: 'fencedep', version: TOOL.version, informationUri: expect.stringMatching(/^https:\/\//) });
  });

  it('maps levels: error, warning, and note with an inSource suppression for an expected finding', () => {
    const results = run0(sarifLog(CI_RUN, OPTS)).results as Json[];
    const by = (rule: string) => results.find((r) => r.ruleId === rule);
    expect(by('circular-dependency').level).toBe('error');
    expect(by('circular-dependency').suppressions).toBeUndefined();
    expect(by('ww-lock-between-reservations').level).toBe('warning');
    expect(by('recursive-locking').level).toBe('note');
    expect(by('recursive-locking').suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: "listed in the scenario's expect" }]);
    expect(by(UNMET_RULE_ID)).toMatchObject({
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'fixtures/userptr.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 45, startColumn: 5 } } }],
    });
  });

  it('puts the primary location on the triggering step, the rest of the chain in relatedLocations, linked from the message', () => {
    const r = run0(sarifLog(CI_RUN, OPTS)).results[0] as Json;
    expect(r.locations).toEqual([
      { physicalLocation: { artifactLocation: { uri: 'fixtures/userptr.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 31, startColumn: 13 } } },
    ]);
    expect(r.relatedLocations.map((l: Json) => [l.id, l.physicalLocation.artifactLocation, l.physicalLocation.region.startLine])).toEqual([
      [1, { uri: 'rules/kernel/reclaim.yaml', uriBaseId: 'FENCEDEP' }, 40],
      [2, { uri: 'fixtures/userptr.yaml', uriBaseId: '%SRCROOT%' }, 24],
    ]);
    expect(r.message.text).toContain('](1)');
    expect(r.message.text).toContain('](2)');
    expect(r.message.text).toContain('Pattern: alloc-in-signalling (fencedep explain alloc-in-signalling).');
    expect(r.message.text).toContain('Remedy: Allocate before the fence is published');
    expect(r.properties).toMatchObject({ pattern: 'alloc-in-signalling', remedy: expect.stringContaining('GFP_NOWAIT') });
  });

  it('walks the chain with one thread flow per path, the closing path first (CPU0, then CPU1…)', () => {
    const r = run0(sarifLog(CI_RUN, OPTS)).results[0] as Json;
    expect(r.codeFlows).toHaveLength(1);
    const flows = r.codeFlows[0].threadFlows as Json[];
    expect(flows.map((t) => t.id)).toEqual(['scheduler run_job', 'kswapd', 'invalidate']);
    const steps = flows.map((t) => t.locations.map((l: Json) => [l.nestingLevel, l.importance, l.location.message.text]));
    expect(steps[0]).toEqual([
      [0, 'important', 'signalling'],
      [1, 'essential', 'kmalloc: GFP_KERNEL: takes fs_reclaim while holding dma_fence_map'],
    ]);
    expect(steps[2].at(-1)).toEqual([2, 'essential', 'dma_fence_wait: job_fence: takes dma_fence_map while holding mmu_notifier_invalidate_range_start']);
  });

  it('groups the chain entries of one path into one thread flow', () => {
    const f = CI_RUN.results[0]!.findings[0]!;
    const twoPaths: Finding = { ...f, chain: f.chain.map((c) => (c.path === 'kswapd' ? { ...c, path: 'invalidate' } : c)) };
    const run: RunResult = { ...CI_RUN, results: [{ ...CI_RUN.results[0]!, findings: [twoPaths] }] };
    const flows = run0(sarifLog(run, OPTS)).results[0].codeFlows[0].threadFlows as Json[];
    expect(flows.map((t) => [t.id, t.locations.length])).toEqual([
      ['scheduler run_job', 2],
      ['invalidate', 5],
    ]);
  });

  it('reports input errors as tool execution notifications, and the run as unsuccessful', () => {
    const inv = run0(sarifLog(CI_RUN, OPTS)).invocations[0] as Json;
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: 'unknown key "lokcs" (did you mean "locks"?)' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'fixtures/bad.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 1 } } }],
        descriptor: { id: 'input-error', index: 0 },
      },
      {
        level: 'error',
        message: { text: 'not valid YAML' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'fixtures/bad.yaml', uriBaseId: '%SRCROOT%' } } }],
        descriptor: { id: 'input-error', index: 0 },
      },
    ]);
    expect(run0(sarifLog(PASSING, OPTS)).invocations).toEqual([{ executionSuccessful: true }]);
  });

  it('makes URIs relative to the working directory, with forward slashes and percent-encoding', () => {
    expect(formatSarif(ABSOLUTE_RUN, OPTS)).toBe(formatSarif(CI_RUN, OPTS));
    const f = CI_RUN.results[1]!.findings[0]!;
    const odd = (file: string): RunResult => ({
      ...CI_RUN,
      results: [{ ...CI_RUN.results[1]!, file, findings: [{ ...f, location: { ...f.location, file }, chain: [] }] }],
    });
    const uri = (file: string, cwd: string) => run0(sarifLog(odd(file), { cwd })).results[0].locations[0].physicalLocation.artifactLocation;
    expect(uri('./fixtures/a b#1.yaml', CWD)).toEqual({ uri: 'fixtures/a%20b%231.yaml', uriBaseId: '%SRCROOT%' });
    expect(uri('fixtures\\win\\x.yaml', CWD)).toEqual({ uri: 'fixtures/win/x.yaml', uriBaseId: '%SRCROOT%' });
    expect(uri('/repo/sub/ü.yaml', CWD)).toEqual({ uri: 'sub/%C3%BC.yaml', uriBaseId: '%SRCROOT%' });
    expect(uri('/other/x.yaml', CWD)).toEqual({ uri: 'file:///other/x.yaml' });
    expect(sarifErrors(sarifLog(odd('./fixtures/a b#1.yaml'), { cwd: CWD }))).toEqual([]);
  });

  it('escapes brackets in messages so they are not read as links', () => {
    expect(escapeMessage('dma_resv[bo_a] (x) \\')).toBe('dma_resv\\[bo_a\\] (x) \\\\');
    const r = run0(sarifLog(CI_RUN, OPTS)).results.find((x: Json) => x.ruleId === 'recursive-locking');
    expect(r.message.text).toContain('dma_resv\\[bo_b\\] while holding dma_resv\\[bo_a\\]');
  });

  it('says in the run properties how many known findings a baseline left out', () => {
    const log = sarifLog({ ...PASSING, baseline: { file: 'fencedep-baseline.json', ignored: 2, stale: [] } }, OPTS) as Json;
    expect(run0(log).properties.baseline).toEqual({ file: 'fencedep-baseline.json', ignored: 2, stale: 0 });
    expect(sarifErrors(log)).toEqual([]);
    expect(run0(sarifLog(PASSING, OPTS)).properties.baseline).toBeUndefined();
  });

  it("keeps a long cycle within GitHub's limits per result", () => {
    const f = CI_RUN.results[0]!.findings[0]!;
    const n = 1500;
    const names = Array.from({ length: n }, (_, i) => `L${i}`);
    const ring: Finding = {
      ...f,
      locks: names,
      lockdep: names,
      chain: names.map((name, i) => ({
        ...f.chain[2]!,
        from: name,
        to: names[(i + 1) % n]!,
        path: `p${i % 3}`,
        location: { ...f.location, line: i === 0 ? f.location.line : 1000 + i },
        stack: Array.from({ length: 8 }, (_, k) => ({ file: f.location.file, line: 1000 + i, column: k + 1, step: `s${k}` })),
      })),
    };
    const run: RunResult = { ...CI_RUN, results: [{ ...CI_RUN.results[0]!, findings: [ring], unmet: [] }] };
    const log = sarifLog(run, OPTS) as Json;
    const r = run0(log).results[0];
    expect(r.relatedLocations).toHaveLength(SARIF_LIMITS.relatedLocations);
    const flowLocations = r.codeFlows[0].threadFlows.reduce((k: number, t: Json) => k + t.locations.length, 0);
    expect(flowLocations).toBeLessThanOrEqual(SARIF_LIMITS.threadFlowLocations + 3);
    expect(r.codeFlows[0].threadFlows).toHaveLength(3);
    expect(r.message.text).toContain(`; and ${n - 1 - SARIF_LIMITS.messageLinks} more.`);
    expect(sarifErrors(log)).toEqual([]);
  });

  it('is deterministic and ignores --quiet', () => {
    expect(formatSarif(CI_RUN, OPTS)).toBe(formatSarif(CI_RUN, OPTS));
    expect(formatSarif(CI_RUN, { ...OPTS, quiet: true })).toBe(formatSarif(CI_RUN, OPTS));
  });
});

describe('sarif partialFingerprints', () => {
  /** A two-lock ABBA on `file`, found from `first`, with every line moved by `shift`. */
  function abba(first: 'A' | 'B', shift: number, file = 'fixtures/abba.yaml'): RunResult {
    const other = first === 'A' ? 'B' : 'A';
    const at = (line: number) => ({ file, line: line + shift, column: 9 });
    const step = (line: number, text: string) => ({ ...at(line), step: text });
    const finding: Finding = {
      rule: 'circular-dependency',
      severity: 'error',
      message: `possible circular locking dependency: ${first} -> ${other} -> ${first}`,
      expected: false,
      path: `t-${first}`,
      locks: [first, other],
      lockdep: [`&x->${first}`, `&x->${other}`],
      location: at(20),
      chain: [
        { from: other, to: first, path: `t-${first}`, location: at(20), stack: [step(19, `lock: ${other}`), step(20, `lock: ${first}`)] },
        { from: first, to: other, path: `t-${other}`, location: at(10), stack: [step(9, `lock: ${first}`), step(10, `lock: ${other}`)] },
      ],
      heading: 'WARNING: possible circular locking dependency detected',
      report: [],
    };
    return {
      results: [{ file, scenario: 'abba', status: 'fail', findings: [finding], unmet: [], errors: [] }],
      summary: { files: 1, passed: 0, failed: 1, errors: 0, findings: 1 },
    };
  }

  const fp = (run: RunResult) => run0(sarifLog(run, OPTS)).results[0].partialFingerprints as Record<string, string>;

  it('is the finding fingerprint (rule and class set) under a versioned key', () => {
    const run = abba('A', 0);
    expect(fp(run)).toEqual({ [FINGERPRINT_KEY]: findingFingerprint(run.results[0]!.findings[0]!) });
    expect(FINGERPRINT_KEY).toBe('fencedepFindingHash/v1');
  });

  it('does not depend on where the cycle starts nor on line shifts', () => {
    const base = abba('A', 0);
    const rotatedAndShifted = abba('B', 7);
    expect(run0(sarifLog(base, OPTS)).results[0].locations).not.toEqual(run0(sarifLog(rotatedAndShifted, OPTS)).results[0].locations);
    expect(fp(rotatedAndShifted)).toEqual(fp(base));
    expect(fp(abba('A', 100))).toEqual(fp(base));
  });

  it('changes with the rule or the classes', () => {
    const base = abba('A', 0);
    const f = base.results[0]!.findings[0]!;
    const withRule = (rule: string, lockdep = f.lockdep): RunResult => ({ ...base, results: [{ ...base.results[0]!, findings: [{ ...f, rule, lockdep }] }] });
    expect(fp(withRule('irq-inversion'))[FINGERPRINT_KEY]).not.toBe(fp(base)[FINGERPRINT_KEY]);
    expect(fp(withRule('circular-dependency', ['&x->A', '&x->C']))[FINGERPRINT_KEY]).not.toBe(fp(base)[FINGERPRINT_KEY]);
  });

  it('fingerprints unmet expectations by rule, classes and path', () => {
    const results = run0(sarifLog(CI_RUN, OPTS)).results as Json[];
    const unmet = results.find((r) => r.ruleId === UNMET_RULE_ID);
    expect(unmet.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{32}$/);
    const moved: RunResult = {
      ...CI_RUN,
      results: CI_RUN.results.map((r) => ({ ...r, unmet: r.unmet.map((u) => ({ ...u, location: { ...u.location, line: u.location.line + 3 } })) })),
    };
    const again = (run0(sarifLog(moved, OPTS)).results as Json[]).find((r) => r.ruleId === UNMET_RULE_ID);
    expect(again.partialFingerprints).toEqual(unmet.partialFingerprints);
  });
});
