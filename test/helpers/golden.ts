/** Golden-file comparison; `UPDATE_GOLDEN=1 npx vitest run …` rewrites the files. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export function expectGoldenIn(dir: string, name: string, actual: string): void {
  const file = path.join(dir, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let golden: string;
  try {
    golden = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`golden file ${file} is missing: run the test with UPDATE_GOLDEN=1`);
  }
  expect(actual).toBe(golden);
}

/** A directory next to the calling test file, relative to the working directory (as a user types it). */
export function here(metaUrl: string, ...parts: string[]): string {
  return path.relative(process.cwd(), path.join(path.dirname(fileURLToPath(metaUrl)), ...parts));
}
