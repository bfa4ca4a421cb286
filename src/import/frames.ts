/**
 * Stack frames and lock lines as the kernel (and `fencedep check`) print them.
 */
import type { PrintedFrame, ReportLock } from './report.js';

/** `.isra.0`, `.constprop.0`, `.part.0`, `.cold` and friends: compiler clones of one function. */
export function cleanFn(fn: string): string {
  let f = fn;
  for (let i = 0; i < 4; i++) {
    const g = f.replace(/\.(?:isra|constprop|part|cold|llvm|lto_priv|localalias|specialized)(?:\.\d+)*$/, '');
    if (g === f) break;
    f = g;
  }
  return f;
}

const ADDR = /^\[<[0-9a-fA-F]+>\]\s*/;
const SYMBOL = /^([A-Za-z_][\w.$]*)\+0x[0-9a-fA-F]+(?:\/0x[0-9a-fA-F]+)?(?:\s+\[([\w-]+)(?:\s+\w+)?\])?/;
const DECODED = /^([A-Za-z_][\w.$]*) \((?:[\w./-]+\.[chSs]:\d+|\?\?:\?)/;
const INLINE = /^([A-Za-z_][\w.$]*) \/?(?:[\w.-]+\/)*[\w.-]+\.[chS]:\d+(?: \[inline\])?$/;
/** fencedep's own traces: `file:line:col  step`. */
const STEP = /^(\S+:\d+:\d+)\s{2}(\S.*)$/;

export interface ParsedFrame {
  readonly frame: PrintedFrame;
  /** `? func+0x..`: a stale return address, not part of the call chain. */
  readonly unreliable: boolean;
}

/** A stack frame line, or null. */
export function parseFrame(line: string): ParsedFrame | null {
  let t = line.replace(ADDR, '');
  let unreliable = false;
  if (t.startsWith('? ')) {
    unreliable = true;
    t = t.slice(2);
  }
  let m = SYMBOL.exec(t);
  if (m) return { frame: { fn: cleanFn(m[1]!), module: m[2] ?? null }, unreliable };
  m = DECODED.exec(t);
  if (m) return { frame: { fn: cleanFn(m[1]!), module: null }, unreliable };
  m = INLINE.exec(t);
  if (m) return { frame: { fn: cleanFn(m[1]!), module: null }, unreliable };
  m = STEP.exec(line);
  if (m) return { frame: stepFrame(m[2]!, m[1]!), unreliable: false };
  return null;
}

/** A fencedep trace step as a frame: `call: f` / `invoke: h → f` are functions, the rest operations. */
export function stepFrame(written: string, where: string): PrintedFrame {
  // `[model rule]` marks a step a model adds from a documented rule: not part of the step.
  const step = written.replace(/\s+\[model rule\]$/, '');
  const call = /^call: (.+)$/.exec(step);
  if (call) return { fn: call[1]!, module: null, step, where };
  const inv = /^invoke: .*? \u2192 (.+)$/.exec(step);
  if (inv) return { fn: inv[1]!, module: null, step, where };
  const op = /^([a-z_]+)/.exec(step);
  return { fn: op ? op[1]! : step, module: null, step, where };
}

/** `func+0x1/0x2 [mod]`, `file:line:col step` or `func file.c:1 [inline]` after `at:`. */
export function parseAt(text: string): PrintedFrame | null {
  const t = text.trim();
  if (t === '') return null;
  const fd = /^(\S+:\d+:\d+) (\S.*)$/.exec(t);
  // A step (`mutex_lock: A`), or a path's own work (`work W on Q`, its queue and work maps).
  if (fd && /^[a-z_]+(?::|$)|^work \S+ on \S+$/.test(fd[2]!)) return stepFrame(fd[2]!, fd[1]!);
  const p = parseFrame(t);
  if (p) return p.frame;
  const bare = /^([A-Za-z_][\w.$]*)/.exec(t.replace(ADDR, ''));
  return bare ? { fn: cleanFn(bare[1]!), module: null } : null;
}

const LOCK = /^(.*?)\((.*)\)\{([-+.?]{1,4})\}(?:-\{(\d+):(\d+)\})?(?:,?\s*at:\s*(.*))?$/;

/**
 * A lock as print_lock() shows it. `line` may carry a prefix (`#0:`, `-> #1`) that the caller
 * removed; here: `[ptr or name[inst]] (class){usage}-{o:i}[, at: where]`.
 */
export function parseLock(line: string): ReportLock | null {
  const t = line.trim().replace(/\s*[:{]$/, '');
  const m = LOCK.exec(t);
  if (!m) {
    // Kernels before 3.x and some pastes: `(class), at: ...` without usage.
    const bare = /^([0-9a-f]{8,16}\s+)?\(([^()]*(?:\([^()]*\)[^()]*)*)\)(?:,?\s*at:\s*(.*))?$/.exec(t);
    if (!bare) return null;
    const at = bare[3] !== undefined ? parseAt(bare[3]) : null;
    return { name: bare[2]!, usage: null, wait: null, instance: bare[1]?.trim() ?? null, at: at ? [at] : [] };
  }
  const pre = m[1]!.trim();
  if (pre !== '' && !/^[0-9a-fA-F]{8,16}$/.test(pre) && !/^\S+\[[^\]]+\]$/.test(pre)) return null;
  const inst = /^\S+\[([^\]]+)\]$/.exec(pre);
  const at = m[6] !== undefined ? parseAt(m[6]) : null;
  return {
    name: m[2]!,
    usage: `{${m[3]!}}`,
    wait: m[4] !== undefined ? [Number(m[4]), Number(m[5])] : null,
    instance: inst ? inst[1]! : pre !== '' ? pre : null,
    at: at ? [at] : [],
  };
}

/** Merge the `at:` frames of a repeated lock line (syzbot prints one line per inlined frame). */
export function withAt(l: ReportLock, more: readonly PrintedFrame[]): ReportLock {
  return { ...l, at: [...l.at, ...more] };
}
