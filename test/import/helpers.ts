/** Helpers for the import tests: check a generated scenario the way `fencedep check` does. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkFile } from '../../src/check/run.js';
import type { FileResult } from '../../src/model/finding.js';

export const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');

/** Write `yaml` to a temporary file and run `fencedep check`'s per-file check on it. */
export async function checkYaml(yaml: string, name = 'imported'): Promise<FileResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fencedep-import-test-'));
  try {
    const file = path.join(dir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.yaml`);
    await writeFile(file, yaml);
    return await checkFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function sameSet(a: Iterable<string>, b: Iterable<string>): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
