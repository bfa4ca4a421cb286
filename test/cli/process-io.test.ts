/**
 * The bin's output (src/cli/process-io.ts): a pipe, a socket or a file is written on its fd,
 * anything else through node's stream. What reaches the reader is the report main() wrote,
 * byte for byte and in order, whichever way: when the reader stops early, when a
 * non-blocking pipe is full, on a terminal. Spawns the built bin (npm test builds first).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { scratch } from '../fuzz/harness.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'fencedep.js');
const fx = scratch('process-io');
afterAll(() => fx.cleanup());

/** A preload recording the builtins the process loaded, at exit, in `file` (without touching stdout or stderr). */
const probe = (file: string): string =>
  fx.write(
    `probe-${path.basename(file)}.cjs`,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)))));\n`,
  );

/** What main() writes on stdout and stderr for `args`, in process, into strings; and its exit code. */
async function inProcess(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'fencedep', ...args], {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env,
    cwd: ROOT,
  });
  return { code, out, err };
}

/** The bin's run with stdout (and stderr) on regular files; their bytes and the exit code. */
function toFiles(args: readonly string[], env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const outFile = path.join(fx.dir, 'out.txt');
  const errFile = path.join(fx.dir, 'err.txt');
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', out, err], env: { PATH: process.env.PATH, ...env } });
  closeSync(out);
  closeSync(err);
  return { code: r.status, out: readFileSync(outFile, 'utf8'), err: readFileSync(errFile, 'utf8') };
}

/** The bytes process `pid` has handed to write(2) and its kin so far. */
function written(pid: number): number {
  return Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
}

const JSON_REPORT = ['check', '--no-config', '--format', 'json', 'fixtures'];

describe('output to a regular file', () => {
  it('is the report main() writes, byte for byte, with its exit code', async () => {
    const want = await inProcess(JSON_REPORT);
    expect(want.out.length).toBeGreaterThan(64 * 1024);
    expect(toFiles(JSON_REPORT)).toEqual({ code: want.code, out: want.out, err: want.err });
  });

  it('keeps stderr and the exit code of a usage error', async () => {
    const args = ['check', '--no-config', '--format', 'yaml', 'fixtures'];
    const want = await inProcess(args);
    expect(want.code).toBe(2);
    expect(want.err).toContain('yaml');
    expect(toFiles(args)).toEqual({ code: 2, out: '', err: want.err });
  });

  it('is not a terminal: no colour unless asked for', () => {
    const args = ['check', '--no-config', 'test/cli/cases/fail/abba.yaml'];
    const plain = toFiles(args);
    expect(plain.code).toBe(1);
    expect(plain.out).not.toContain('\x1b[');
    expect(toFiles(args, { FORCE_COLOR: '1' }).out).toContain('\x1b[');
  });
});

describe('output to a terminal', () => {
  it('stays node’s stream: a terminal, so the report is in colour', () => {
    // script(1) runs the bin on a pseudo-terminal and copies what it shows to its own stdout.
    const r = spawnSync('script', ['-qec', `"${process.execPath}" "${BIN}" check --no-config test/cli/cases/fail/abba.yaml`, '/dev/null'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, TERM: 'xterm' },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('\x1b[');
    expect(r.stdout).toContain('abba');
  });
});

describe('a reader that stops early', () => {
  it('on a socket (spawn’s stdio pipe): read one line of a report larger than the socket holds, close; the CLI ends quietly with the run’s exit code', async () => {
    const r = await new Promise<{ code: number | null; signal: string | null; err: string; first: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'check', '--no-config', '--format', 'sarif', 'fixtures'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let first = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        first += s;
        if (first.includes('\n')) child.stdout.destroy();
      });
      child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, err, first }));
    });
    expect(r.first.split('\n')[0]).toBe('{');
    expect(r.err).toBe('');
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
  });

  it('on a pipe (`| head -1`): one line arrives, nothing on stderr, the run’s exit code', () => {
    const r = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" check --no-config --verbose fixtures | head -1', process.execPath, BIN], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout).toMatch(/^PASS fixtures\/[^\n]*\n$/);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('a non-blocking pipe that is full', () => {
  it('gets the rest through node’s stream once a write would block: the whole report, in order', async () => {
    const want = await inProcess(JSON_REPORT);
    const fifo = path.join(fx.dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    // Fill the pipe, then free one page: the CLI's write takes part of the report, then would block.
    const page = Buffer.alloc(4096, 'x');
    let filled = 0;
    for (;;) {
      try {
        filled += writeSync(writer, page);
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('EAGAIN');
        break;
      }
    }
    expect(readSync(reader, Buffer.alloc(page.length))).toBe(page.length);
    const loaded = path.join(fx.dir, 'loaded-eagain.json');
    const child = spawn(process.execPath, ['--require', probe(loaded), BIN, ...JSON_REPORT], { cwd: ROOT, stdio: ['ignore', writer, 'pipe'] });
    // The spawn made the child's stdout blocking (libuv does that to a child's fds 0-2); a
    // sibling writing to the same pipe with node makes it non-blocking again, as here.
    new net.Socket({ fd: writer, readable: false, writable: true }).destroy();
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Nothing is read before the child has written the page the pipe had free (what the kernel
    // counts it wrote): its next write would block.
    while (written(child.pid!) < page.length) await new Promise((resolve) => setTimeout(resolve, 10));
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const pipe = new net.Socket({ fd: reader, readable: true, writable: false });
      pipe.on('data', (b: Buffer) => chunks.push(b)).on('end', resolve).on('error', reject);
    });
    expect(await exited).toBe(want.code);
    expect(err).toBe('');
    expect(Buffer.concat(chunks).toString('utf8')).toBe('x'.repeat(filled - page.length) + want.out);
    // The part that did not fit went through node's stream, which loads its net internals.
    expect(JSON.parse(readFileSync(loaded, 'utf8'))).toContain('net');
  });
});
