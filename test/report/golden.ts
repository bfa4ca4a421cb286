/** The reporters' golden files, in test/report/golden/. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectGoldenIn } from '../helpers/golden.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');

export function expectGolden(name: string, actual: string): void {
  expectGoldenIn(DIR, name, actual);
}
