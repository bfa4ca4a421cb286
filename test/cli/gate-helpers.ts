/** Running the CLI in a directory of its own (config discovery, baselines, init), with captured output. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';

export interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runIn(
  cwd: string,
  args: readonly string[],
  { env = {}, stdoutTTY = false, stderrTTY = false }: { env?: Record<string, string>; stdoutTTY?: boolean; stderrTTY?: boolean } = {},
): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(['node', 'fencedep', ...args], {
    stdout: { write: (s: string) => ((out += s), true), isTTY: stdoutTTY },
    stderr: { write: (s: string) => ((err += s), true), isTTY: stderrTTY },
    env,
    cwd,
  });
  return { code, out, err };
}

/** A fresh temp dir: `write(name, text)` puts a file in it and returns its absolute path. */
export function sandbox(prefix = 'fencedep-gate-'): { dir: string; write: (name: string, text: string) => string; read: (name: string) => string; p: (...parts: string[]) => string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
    read: (name) => readFileSync(path.join(dir, name), 'utf8'),
    p: (...parts) => path.join(dir, ...parts),
  };
}

/** A scenario with an A/B inversion (no `expect`: it fails). */
export const ABBA = `locks: {A: mutex, B: mutex}
paths:
  - name: one
    steps: [{lock: A}, {lock: B}, {unlock: B}, {unlock: A}]
  - name: two
    steps: [{lock: B}, {lock: A}, {unlock: A}, {unlock: B}]
`;

/** The same design, paths in the other order and lines moved: lockdep closes the cycle on the other lock. */
export const ABBA_ROTATED = `# the same inversion, written differently
description: paths swapped and lines moved

locks:
  A: mutex
  B: mutex
paths:
  - name: two
    steps: [{lock: B}, {lock: A}, {unlock: A}, {unlock: B}]


  - name: one
    steps: [{lock: A}, {lock: B}, {unlock: B}, {unlock: A}]
`;

/** A second inversion, C/D. */
export const CDDC = `locks: {C: mutex, D: mutex}
paths:
  - name: three
    steps: [{lock: C}, {lock: D}, {unlock: D}, {unlock: C}]
  - name: four
    steps: [{lock: D}, {lock: C}, {unlock: C}, {unlock: D}]
`;

export const json = (r: { readonly out: string }) => JSON.parse(r.out);
