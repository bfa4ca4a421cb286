/** Golden-file comparison; `UPDATE_GOLDEN=1 npx vitest run test/report` rewrites the files. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');

export function expectGolden(name: string, actual: string): void {
  const file = path.join(DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  let golden: string;
  try {
    golden = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`golden file ${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/report`);
  }
  expect(actual).toBe(golden);
}
