/**
 * The kernel's lockdep selftest matrix (lib/locking-selftest.c), ported cell by cell to
 * scenario files under this folder (see README.md). Every `*.yaml` here is one selftest cell
 * whose `expect` block carries the kernel's verdict (SUCCESS: `expect: clean`; FAILURE: the
 * rule lockdep reports, plus what fencedep finds after the point where lockdep stops). Each
 * file must pass its own expectations. The cells under `literal/` are the irq cells again with
 * HARDIRQ_ENTER()/SOFTIRQ_ENTER() written out step by step (irq_disable, bh_disable, the block).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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
const literalDir = path.join(here, 'literal');

/** An interrupt block anywhere in a file's steps (as written: `hardirq:` or `softirq:`). */
const IRQ_BLOCK = /^\s*- (?:hard|soft)irq:/m;

describe('lib/locking-selftest.c ported to fencedep scenarios', () => {
  it('finds the ported cells', () => {
    // 356 cells at the time of porting; see README.md for the per-family counts.
    expect(files.length).toBeGreaterThanOrEqual(356);
  });

  it('every irq cell has a literal twin under literal/ that expects the same', () => {
    const irqCells = files.filter((f) => !f.startsWith(literalDir + path.sep) && IRQ_BLOCK.test(readFileSync(f, 'utf8')));
    const literal = files.filter((f) => f.startsWith(literalDir + path.sep));
    expect(irqCells.length).toBeGreaterThanOrEqual(226);
    expect(literal.map((f) => path.relative(literalDir, f))).toEqual(irqCells.map((f) => path.relative(here, f)));
    for (const file of literal) {
      const text = readFileSync(file, 'utf8');
      const twin = readFileSync(path.join(here, path.relative(literalDir, file)), 'utf8');
      // Each interrupt block comes after the local_irq_disable() of its entry macro.
      const blocks = text.match(/^\s*- (?:hard|soft)irq:/gm)?.length ?? 0;
      const entries = text.match(/^\s*- local_irq_disable\s+#\s*(?:HARDIRQ_ENTER\(\)|guard\(NOTTHREADED_HARDIRQ\)|local_irq_disable\(\);)/gm)?.length ?? 0;
      expect(blocks, file).toBeGreaterThan(0);
      expect(entries, file).toBe(blocks);
      expect(parse(text).expect, file).toEqual(parse(twin).expect);
    }
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
