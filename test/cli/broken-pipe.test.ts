/**
 * `fencedep check fixtures | head -1`: the reader closes the pipe before the report is written.
 * The CLI drops the rest without a word (no EPIPE stack trace) and exits with the run's code.
 * Spawns the built bin (npm test builds first).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'fencedep.js');

/** Run the bin with its stdout pipe closed at once; its exit code and stderr. */
function withStdoutClosed(args: readonly string[]): Promise<{ code: number | null; signal: string | null; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, err }));
  });
}

describe('a reader that closes stdout early', () => {
  it('ends the text report quietly with the exit code of a passing run', async () => {
    const r = await withStdoutClosed(['check', '--no-config', 'fixtures']);
    expect(r.err).toBe('');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
  });

  it('keeps the exit code of a failing run (JSON report)', async () => {
    const r = await withStdoutClosed(['check', '--no-config', '--format', 'json', 'test/cli/cases/fail/abba.yaml']);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
  });
});
