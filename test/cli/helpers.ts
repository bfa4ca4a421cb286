/** Run the CLI in-process with captured output. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

/** The test cases, relative to the working directory (as a user would type them). */
export const CASES = path.relative(process.cwd(), path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases'));

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function cli(
  args: readonly string[],
  { env = {}, isTTY = false }: { env?: Record<string, string>; isTTY?: boolean } = {},
): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(['node', 'fencedep', ...args], {
    stdout: {
      write: (s: string) => {
        out += s;
        return true;
      },
      isTTY,
    },
    stderr: {
      write: (s: string) => {
        err += s;
        return true;
      },
    },
    env,
  });
  return { code, out, err };
}

export const c = (...parts: string[]): string => path.join(CASES, ...parts);

/** No stack trace in what a user sees. */
export const NO_STACK = /^\s+at .+\(.*:\d+:\d+\)$/m;
