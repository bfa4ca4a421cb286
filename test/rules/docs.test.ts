/**
 * Every rule has its documentation beside its code (src/rules/<id>.md, like ESLint's
 * checkRuleFiles): the sections in order, and examples that fail and pass as they say.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/index.js';
import { RULE_IDS } from '../../src/model/rule-ids.js';
import { replayYaml } from './rule-tester.js';

const SECTIONS = ['What it means', 'Why it deadlocks', 'Fails', 'Passes', 'Remedies'];
const rulesDir = join(import.meta.dirname, '../../src/rules');

function example(doc: string, section: string): string {
  const body = doc.split(`## ${section}\n`)[1]?.split('\n## ')[0] ?? '';
  const m = body.match(/```yaml\n([\s\S]*?)```/);
  if (!m) throw new Error(`no yaml example under "## ${section}"`);
  return m[1]!;
}

describe('rule documentation', () => {
  it('every registered rule is a contract rule id', () => {
    for (const rule of RULES) expect(RULE_IDS).toContain(rule.meta.id);
  });

  for (const rule of RULES) {
    const id = rule.meta.id;
    describe(id, () => {
      const file = join(rulesDir, `${id}.md`);
      it('has a doc with its id, heading and sections in order', () => {
        expect(existsSync(file), `${file} is missing`).toBe(true);
        const doc = readFileSync(file, 'utf8');
        expect(doc.startsWith(`# ${id}\n`)).toBe(true);
        expect(doc).toContain(rule.meta.heading);
        const at = SECTIONS.map((s) => doc.indexOf(`\n## ${s}\n`));
        expect(at.every((i) => i > 0), `sections: ${SECTIONS.join(', ')}`).toBe(true);
        expect([...at].sort((a, b) => a - b)).toEqual(at);
      });
      it('its failing example triggers it', async () => {
        const out = await replayYaml(example(readFileSync(file, 'utf8'), 'Fails'));
        expect(out.errors).toEqual([]);
        expect(out.findings.map((f) => f.rule)).toContain(id);
      });
      it('its passing example does not', async () => {
        const out = await replayYaml(example(readFileSync(file, 'utf8'), 'Passes'));
        expect(out.errors).toEqual([]);
        expect(out.findings.map((f) => f.rule)).not.toContain(id);
      });
    });
  }
});
