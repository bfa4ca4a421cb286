/**
 * Hostile report text: whatever a report holds (serial-console noise, terminal escape
 * sequences, a 100,000-character frame), `import` writes a scenario that loads — checked by a
 * YAML parser that is not ours (js-yaml) and by `check` — and nothing raw on the terminal.
 */
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runImport } from '../../src/cli/import.js';
import { importLog } from '../../src/import/index.js';
import { checkYaml } from './helpers.js';

/** A recursive-locking report with the lock class, task and function names given. */
function report(opts: { lock?: string; task?: string; fn?: string; frame?: string; trailer?: string }): string {
  const lock = opts.lock ?? '&obj->lock';
  const task = opts.task ?? 'kworker/0:1';
  const fn = opts.fn ?? 'obj_update';
  const frame = opts.frame ?? 'obj_ioctl';
  return [
    '============================================',
    'WARNING: possible recursive locking detected',
    '6.6.0 #1 Not tainted',
    '--------------------------------------------',
    `${task}/123 is trying to acquire lock:`,
    `ffff888100000000 (${lock}){+.+.}-{3:3}, at: ${fn}+0x10/0x20`,
    '',
    'but task is already holding lock:',
    `ffff888100000001 (${lock}){+.+.}-{3:3}, at: ${fn}+0x10/0x20`,
    '',
    'other info that might help us debug this:',
    '',
    ` *** DEADLOCK ***`,
    '',
    ` May be due to missing lock nesting notation`,
    '',
    `1 lock held by ${task}/123:`,
    ` #0: ffff888100000001 (${lock}){+.+.}-{3:3}, at: ${fn}+0x10/0x20`,
    '',
    'stack backtrace:',
    `CPU: 0 PID: 123 Comm: ${task} Not tainted 6.6.0 #1`,
    'Call Trace:',
    ' dump_stack_lvl+0x1/0x2',
    ' __lock_acquire+0x1/0x2',
    ' lock_acquire+0x1/0x2',
    ' mutex_lock_nested+0x1/0x2',
    ` ${fn}+0x10/0x20`,
    ` ${frame}+0x1/0x2`,
    ' do_syscall_64+0x1/0x2',
    opts.trailer ?? '',
  ].join('\n');
}

/** Characters that must never reach a terminal or a YAML document raw. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const CASES: readonly { readonly name: string; readonly text: string }[] = [
  { name: 'a 100,000-character stack frame', text: report({ frame: `f${'x'.repeat(100_000)}` }) },
  { name: 'a 100,000-character function holding the lock', text: report({ fn: `g${'y'.repeat(100_000)}` }) },
  { name: 'a 5,000-character lock class', text: report({ lock: `&${'z'.repeat(5000)}->lock` }) },
  { name: 'NUL and serial-console noise in a lock name', text: report({ lock: '&obj\u0000\u0085\u00ff\ufffd->lock' }) },
  { name: 'an ANSI colour sequence in a lock name', text: report({ lock: '&obj->\u001b[31mlock\u001b[0m' }) },
  { name: 'an OSC title sequence and BEL in the task name', text: report({ task: 'evil\u001b]0;pwned\u0007' }) },
  { name: 'the 8-bit CSI and DEL in a lock name', text: report({ lock: '&a\u009b2J\u007f->lock' }) },
  { name: 'a bidi override in the task name', text: report({ task: 'task\u202egnp.exe' }) },
  { name: 'a line separator, a BOM and a noncharacter in a lock name', text: report({ lock: '&a\u2028b\ufeffc\uffff->lock' }) },
  { name: 'a lone surrogate in a lock name', text: report({ lock: '&a\ud800b->lock' }) },
  { name: 'a carriage return inside a lock name', text: report({ lock: '&a\rb->lock' }) },
  { name: 'YAML syntax in names', text: report({ lock: '&a: [b], {c} #d "e" \\f \'g\'->lock', task: '- ? | > & * ! % @ `' }) },
  { name: 'brackets and a colon-space in a lock name', text: report({ lock: '&a[1]->lock: x' }) },
  { name: 'a workflow command as the task name', text: report({ task: '::error file=x::pwned' }) },
];

describe('import of hostile report text', () => {
  it.each(CASES)('$name: the scenario parses (js-yaml), loads and checks; nothing raw in it', async ({ text }) => {
    const { reports } = await importLog(text, { source: 'hostile.log' });
    expect(reports).toHaveLength(1);
    const r = reports[0]!;
    expect(r.error).toBeNull();
    expect(RAW.test(r.yaml)).toBe(false);
    expect(() => loadYaml(r.yaml)).not.toThrow();
    const result = await checkYaml(r.yaml);
    expect(result.errors, r.yaml.slice(0, 2000)).toEqual([]);
    expect(r.verification?.error ?? null).toBeNull();
  });

  it.each(CASES)('$name: nothing raw on the terminal (summary, YAML, errors)', async ({ text }) => {
    let out = '';
    let err = '';
    await runImport('-', { verify: true }, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, stdin: async () => text });
    expect(RAW.test(out)).toBe(false);
    expect(RAW.test(err)).toBe(false);
    expect(err).not.toMatch(/^\s*::/m);
  });

  it('says which lines had control characters and how they are written', async () => {
    const r = (await importLog(report({ lock: '&obj\u0000->lock' }))).reports[0]!;
    expect(r.guesses.some((g) => /^control or invisible characters .* on lines 6, 9, 18: \\u0000, written so/.test(g))).toBe(true);
  });

  it('an unreadable file name is escaped in the error', async () => {
    let err = '';
    const code = await runImport('/nonexistent/\u001b[31mred', { verify: true }, { stdout: { write: () => 0 }, stderr: { write: (s: string) => (err += s) } });
    expect(code).toBe(2);
    expect(RAW.test(err)).toBe(false);
    expect(err).toContain('\\u001B[31mred');
  });
});
