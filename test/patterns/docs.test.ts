/**
 * Every pattern has its documentation beside its code (src/patterns/<id>.md, as the rules do):
 * the sections in order, and examples that the replay and `diagnose` treat as they say — the
 * failing example yields a finding diagnosed as this pattern, the passing one none.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PATTERNS, diagnose } from '../../src/patterns/index.js';
import { RULE_IDS } from '../../src/model/rule-ids.js';
import { replayYaml } from '../rules/rule-tester.js';

const SECTIONS = ['What it means', 'Why it deadlocks', 'Fails', 'Passes', 'Remedies'];
const patternsDir = join(import.meta.dirname, '../../src/patterns');

function example(doc: string, section: string): string {
  const body = doc.split(`## ${section}\n`)[1]?.split('\n## ')[0] ?? '';
  const m = body.match(/```yaml\n([\s\S]*?)```/);
  if (!m) throw new Error(`no yaml example under "## ${section}"`);
  return m[1]!;
}

describe('pattern registry', () => {
  it('ids are unique and every pattern names contract rules', () => {
    const ids = PATTERNS.map((p) => p.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of PATTERNS) {
      expect(p.meta.rules.length).toBeGreaterThan(0);
      for (const r of p.meta.rules) expect(RULE_IDS).toContain(r);
      expect(p.meta.summary).not.toMatch(/\n/);
      expect(p.meta.remedy.length).toBeGreaterThan(20);
    }
  });

  it('has at least the patterns of issue 3', () => {
    const ids = PATTERNS.map((p) => p.meta.id);
    for (const id of [
      'alloc-in-signalling', 'lock-held-across-fence-wait', 'wait-in-signalling', 'resv-in-signalling',
      'fence-wait-in-notifier', 'sleep-in-nonblocking-notifier', 'fault-under-resv', 'shrinker-blocking-lock',
      'notifier-lock-across-alloc', 'fence-callback-sleeps',
    ]) expect(ids).toContain(id);
  });

  it('every doc in src/patterns belongs to a registered pattern', () => {
    const docs = readdirSync(patternsDir).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3));
    expect(docs.sort()).toEqual(PATTERNS.map((p) => p.meta.id).sort());
  });
});

describe('pattern documentation', () => {
  for (const pattern of PATTERNS) {
    const id = pattern.meta.id;
    describe(id, () => {
      const file = join(patternsDir, `${id}.md`);
      const doc = (): string => readFileSync(file, 'utf8');

      it('has a doc with its id, summary and sections in order', () => {
        expect(existsSync(file), `${file} is missing`).toBe(true);
        expect(doc().startsWith(`# ${id}\n`)).toBe(true);
        expect(doc()).toContain(`> ${pattern.meta.summary}\n`);
        const at = SECTIONS.map((s) => doc().indexOf(`\n## ${s}\n`));
        expect(at.every((i) => i > 0), `sections: ${SECTIONS.join(', ')}`).toBe(true);
        expect([...at].sort((a, b) => a - b)).toEqual(at);
      });

      it('its failing example yields a finding diagnosed as this pattern', async () => {
        const out = await replayYaml(example(doc(), 'Fails'));
        expect(out.errors.map((e) => e.message)).toEqual([]);
        const got = out.findings.map((f) => `${f.rule}: ${diagnose(f)?.pattern ?? '-'}`);
        expect(got).toContainEqual(expect.stringMatching(new RegExp(`^(${pattern.meta.rules.join('|')}): ${id}$`)));
      });

      it('its passing example yields no finding with this pattern', async () => {
        const out = await replayYaml(example(doc(), 'Passes'));
        expect(out.errors.map((e) => e.message)).toEqual([]);
        expect(out.findings.filter((f) => diagnose(f)?.pattern === id).map((f) => f.message)).toEqual([]);
      });

      it('its passing example is clean', async () => {
        const out = await replayYaml(example(doc(), 'Passes'));
        expect(out.findings.map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
      });
    });
  }
});
