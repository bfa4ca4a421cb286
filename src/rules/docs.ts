/**
 * The documentation beside each rule (`src/rules/<id>.md`, shipped in the package): read once
 * per process and kept, so a report is still a function of the run (the docs are part of the
 * tool, like its version).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../load/models.js';

const cache = new Map<string, string | null>();

/** The markdown of a rule's doc, or null when the package has none. */
export function ruleDoc(id: string): string | null {
  if (cache.has(id)) return cache.get(id)!;
  const root = packageRoot();
  const file = root ? join(root, 'src', 'rules', `${id}.md`) : null;
  const text = file && existsSync(file) ? readFileSync(file, 'utf8').replace(/\r\n?/g, '\n') : null;
  cache.set(id, text);
  return text;
}
