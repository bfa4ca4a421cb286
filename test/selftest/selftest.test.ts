/**
 * The kernel's lockdep selftest matrix (lib/locking-selftest.c), ported cell by cell to
 * scenario files under this folder (see README.md). Every `*.yaml` here is one selftest cell
 * whose `expect` block carries the kernel's verdict (SUCCESS: `expect: clean`; FAILURE: the
 * rule lockdep reports, plus what fencedep finds after the point where lockdep stops). Each
 * file must pass its own expectations.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkInputs } from '../../src/check/run.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Every `*.yaml` below `dir`, recursively, in a stable order. */
function scenarioFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...scenarioFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.yaml')) out.push(full);
  }
  return out.sort();
}

const files = scenarioFiles(here);

describe('lib/locking-selftest.c ported to fencedep scenarios', () => {
  it('finds the ported cells', () => {
    // 356 cells at the time of porting; see README.md for the per-family counts.
    expect(files.length).toBeGreaterThanOrEqual(356);
  });

  for (const file of files) {
    const name = path.relative(here, file);
    it(name, async () => {
      const run = await checkInputs([file], {});
      expect(run.results).toHaveLength(1);
      const result = run.results[0]!;
      const detail = JSON.stringify(
        {
          file: name,
          status: result.status,
          errors: result.errors,
          unmet: result.unmet.map((u) => ({ rule: u.rule, involves: u.involves, path: u.path })),
          findings: result.findings.map((f) => ({
            rule: f.rule,
            locks: f.locks,
            lockdep: f.lockdep,
            path: f.path,
            expected: f.expected,
            message: f.message,
          })),
        },
        null,
        2,
      );
      expect(result.status, detail).toBe('pass');
    });
  }
});
