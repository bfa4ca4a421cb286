/**
 * A RuleTester in the spirit of ESLint's: per rule, a table of scenarios that must not
 * trigger it and scenarios that must, with the locks and line of each finding.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/load/index.js';
import { analyzeScenario, type Analysis } from '../../src/analyze/index.js';

/** Strip the common indentation of a template literal, so a case reads as the file it is. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n') + '\n';
}

let counter = 0;

export async function replayYaml(source: string): Promise<Analysis> {
  return analyzeScenario(await loadScenarioText(source, { file: `case-${++counter}.yaml` }));
}

export interface ExpectedFinding {
  readonly locks: readonly string[];
  readonly line: number;
  readonly path?: string;
  readonly message?: RegExp;
}

export interface RuleCases {
  readonly valid: readonly { readonly name: string; readonly yaml: string }[];
  readonly invalid: readonly { readonly name: string; readonly yaml: string; readonly findings: readonly ExpectedFinding[] }[];
}

export function ruleTester(rule: string, cases: RuleCases): void {
  describe(rule, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, async () => {
        const out = await replayYaml(c.yaml);
        expect(out.errors.map((e) => e.message)).toEqual([]);
        expect(out.findings.filter((f) => f.rule === rule).map((f) => f.message)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, async () => {
        const out = await replayYaml(c.yaml);
        expect(out.errors.map((e) => e.message)).toEqual([]);
        const got = out.findings.filter((f) => f.rule === rule);
        expect(got.map((f) => ({ locks: [...f.locks].sort(), line: f.location.line }))).toEqual(
          c.findings.map((f) => ({ locks: [...f.locks].sort(), line: f.line })),
        );
        c.findings.forEach((f, i) => {
          if (f.path) expect(got[i]!.path).toBe(f.path);
          if (f.message) expect(got[i]!.message).toMatch(f.message);
        });
      });
    }
  });
}
