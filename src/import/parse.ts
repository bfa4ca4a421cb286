/**
 * The report parser: normalised log lines (lines.ts) → KernelReport[]. Line-oriented and
 * iterative: a report starts at its title line and runs to the next title (or the end); inside
 * it, a small state machine reads the blocks lockdep prints (docs/kernel-semantics.md §1.14), and
 * skips whatever does not fit (another task's lines, a mailer's signature, a truncated tail).
 */
import type { KernelProfile } from '../model/scenario.js';
import { normalizeLog, type LogLine } from './lines.js';
import { quietFindings, type QuietFinding } from './quiet.js';
import { parseAt, parseFrame, parseLock, withAt } from './frames.js';
import { emptyReport, type ReportChainEntry, type DependencyBlock, type PrintedFrame, type KernelReport, type ReportLock, type ReportKind, type UsageTrace } from './report.js';

interface Title {
  readonly kind: ReportKind;
  readonly state?: string;
  readonly file?: string;
}

const T = {
  circular: /^(?:\[ )?(?:WARNING|INFO): possible circular locking dependency detected(?: \])?$/,
  recursive: /^(?:\[ )?(?:WARNING|INFO): possible recursive locking detected(?: \])?$/,
  inconsistent: /^(?:\[ )?(?:WARNING|INFO): inconsistent lock state(?: \])?$/,
  safeUnsafe: /^(?:\[ )?(?:WARNING|INFO): ((?:HARD|SOFT)IRQ(?:-READ)?)-safe -> (?:HARD|SOFT)IRQ(?:-READ)?-unsafe lock order detected(?: \])?$/i,
  inversion: /^(?:\[ )?(?:WARNING|INFO): possible irq lock inversion dependency detected(?: \])?$/,
  invalidWait: /^(?:\[ )?BUG: Invalid wait context(?: \])?$/,
  badUnlock: /^(?:\[ )?(?:WARNING|BUG): bad unlock balance detected!(?: \])?$/,
  heldAtExit: /^(?:\[ )?(?:WARNING|BUG): lock held when returning to user space!(?: \])?$/,
  sleep: /^BUG: sleeping function called from invalid context(?: at (\S+))?$/,
};

/**
 * A report pasted without its headline starts at its first body line; the body says what kind
 * it is. Each kind by the line only its body prints (kernel/locking/lockdep.c), with the
 * headline the kernel prints for it.
 */
const BODY_START = /^(?:.*? is trying to (?:acquire(?: lock)?|lock|release lock \(.*\) at):|.*? just changed the state of lock:)$/;
const BODY_KIND: readonly { readonly says: RegExp; readonly kind: ReportKind; readonly title: string }[] = [
  { says: /^which lock already depends on the new lock\.$/, kind: 'circular-dependency', title: 'WARNING: possible circular locking dependency detected' },
  { says: /^May be due to missing lock nesting notation$/, kind: 'recursive-locking', title: 'WARNING: possible recursive locking detected' },
  { says: /^which would create a new lock dependency:$/, kind: 'safe-to-unsafe', title: 'WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected' },
  { says: /^but this lock (?:took another|was taken by another)/, kind: 'irq-inversion', title: 'WARNING: possible irq lock inversion dependency detected' },
  { says: /^\{[A-Z-]+\} state was registered at:$/, kind: 'inconsistent-lock-state', title: 'WARNING: inconsistent lock state' },
  { says: /^context-\{\d+:\d+\}$/, kind: 'invalid-wait-context', title: 'BUG: Invalid wait context' },
  { says: /^but there are no more locks to release!$/, kind: 'bad-unlock', title: 'WARNING: bad unlock balance detected!' },
  { says: /^.* is leaving the kernel with locks still held!$/, kind: 'lock-held-at-exit', title: 'WARNING: lock held when returning to user space!' },
];

/** The kind of a headless report, from the line of its body that says it; null when none does. */
function inferKind(body: readonly LogLine[]): { kind: ReportKind; title: string; from: string; state?: string } | null {
  for (const l of body) {
    const k = BODY_KIND.find((b) => b.says.test(l.text));
    if (!k) continue;
    if (k.kind === 'safe-to-unsafe') {
      // "the dependencies between SOFTIRQ-irq-safe lock and the holding lock:" names the state.
      const st = body.map((x) => /^the dependencies between ((?:HARD|SOFT)IRQ)(-READ)?-(?:irq-)?safe lock/i.exec(x.text)).find((m) => m);
      const state = st ? `${st[1]!.toUpperCase()}${st[2] ?? ''}` : 'HARDIRQ';
      return { kind: k.kind, title: `WARNING: ${state}-safe -> ${state}-unsafe lock order detected`, from: l.text, state };
    }
    return { kind: k.kind, title: k.title, from: l.text };
  }
  return null;
}

export function matchTitle(text: string): Title | null {
  if (T.circular.test(text)) return { kind: 'circular-dependency' };
  if (T.recursive.test(text)) return { kind: 'recursive-locking' };
  if (T.inconsistent.test(text)) return { kind: 'inconsistent-lock-state' };
  let m = T.safeUnsafe.exec(text);
  if (m) return { kind: 'safe-to-unsafe', state: m[1]!.toUpperCase() };
  if (T.inversion.test(text)) return { kind: 'irq-inversion' };
  if (T.invalidWait.test(text)) return { kind: 'invalid-wait-context' };
  if (T.badUnlock.test(text)) return { kind: 'bad-unlock' };
  if (T.heldAtExit.test(text)) return { kind: 'lock-held-at-exit' };
  m = T.sleep.exec(text);
  if (m) return { kind: 'sleep-in-atomic', ...(m[1] ? { file: m[1] } : {}) };
  return null;
}

// ------------------------------------------------------------------ wrapped lines

const PTR_ONLY = /^(?:#\d+:\s+)?[0-9a-fA-F]{8,16}$/;
const LOCKISH = /^(?:#\d+:\s+|->\s+#?\d*\s*|[0-9a-fA-F]{8,16}\s+)?\S*\s*\(/;

function parenBalance(s: string): number {
  let n = 0;
  for (const ch of s) {
    if (ch === '(') n++;
    else if (ch === ')') n--;
  }
  return n;
}

/** How `cur` continues on a later line, if it was wrapped: ' ' (join with a space), '' (join as is). */
function wrapKind(cur: string): { sep: string; want: (next: string) => boolean } | null {
  if (/,?\s*at:$/.test(cur) && /\)\{[-+.?]{1,4}\}/.test(cur)) {
    return { sep: ' ', want: (n) => parseAt(n) !== null && !/^(?:#\d+:|->|\(|[0-9a-f]{8,16}\s+\()/.test(n) };
  }
  if (/\)\{[-+.?]{1,4}\}(?:-\{\d+:\d+\})?,$/.test(cur)) return { sep: ' ', want: (n) => n.startsWith('at:') };
  if (/\)\{[-+.?]{1,4}\}(?:-\{\d+:\d+\})?$/.test(cur) && LOCKISH.test(cur)) return { sep: ' ', want: (n) => /^,?\s*at:/.test(n) };
  if (PTR_ONLY.test(cur)) return { sep: ' ', want: (n) => n.startsWith('(') };
  if (/\)\{[-+.?]{1,4}\}-$/.test(cur)) return { sep: '', want: (n) => /^\{\d+:\d+\}/.test(n) };
  if (LOCKISH.test(cur) && parenBalance(cur) > 0 && !/\)\{/.test(cur)) return { sep: '', want: (n) => /\)\{[-+.?]{1,4}\}/.test(n) };
  if (/^(?:but this lock was taken by another|but this lock took another)/.test(cur) && !/in the past:$/.test(cur)) {
    return { sep: ' ', want: (n) => /in the past:$/.test(n) };
  }
  if (/^BUG: sleeping function called from invalid context$/.test(cur)) return { sep: ' ', want: (n) => /^at \S+$/.test(n) };
  if (/^BUG: sleeping function called from invalid context at$/.test(cur)) return { sep: ' ', want: (n) => /^\S+:\d+$/.test(n) };
  if (/^the dependencies between the lock to be acquired$/.test(cur)) return { sep: ' ', want: (n) => /^and \S+ lock:$/.test(n) };
  if (/^Chain exists of:$/.test(cur)) return null;
  return null;
}

/** Rejoin lines a mailer or a console wrapped; another task's lines in between are kept, after. */
export function joinWrapped(lines: readonly LogLine[]): LogLine[] {
  const out: LogLine[] = [];
  const used = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    if (used.has(i)) continue;
    let cur = lines[i]!;
    for (let guard = 0; guard < 4; guard++) {
      const w = wrapKind(cur.text);
      if (!w) break;
      let joined = false;
      for (let j = i + 1; j < lines.length && j <= i + 3; j++) {
        if (used.has(j)) continue;
        const n = lines[j]!.text;
        if (n === '') continue;
        if (w.want(n)) {
          cur = { ...cur, text: `${cur.text}${w.sep}${n}`.replace(/\s+$/, '') };
          used.add(j);
          joined = true;
          break;
        }
        if (matchTitle(n)) break;
      }
      if (!joined) break;
    }
    // A frame wrapped before its module name: `func+0x1/0x2` + `[nouveau]`.
    const nx = lines[i + 1];
    if (nx && /^\[[\w-]+\]$/.test(nx.text) && parseFrame(cur.text) && !used.has(i + 1)) {
      cur = { ...cur, text: `${cur.text} ${nx.text}` };
      used.add(i + 1);
    }
    out.push(cur);
  }
  return out;
}

// ------------------------------------------------------------------ the parser

type Mode =
  | 'none' | 'next' | 'prev' | 'safe' | 'unsafe' | 'other' | 'notAllowed'
  | 'chain' | 'chainExists' | 'scenario' | 'held' | 'backtrace' | 'registered'
  | 'safeAt' | 'unsafeAt' | 'deps' | 'release' | 'done';

const IRQ_STATE = /\[HC(\d)\[(\d+)\]:SC(\d)\[(\d+)\]:HE(\d):SE(\d)\]/;

function irqState(s: string): KernelReport['irq'] {
  const m = IRQ_STATE.exec(s);
  if (!m) return null;
  return {
    hardirq: m[1] === '1',
    softirq: m[3] === '1',
    hardirqsEnabled: m[5] === '1',
    softirqsEnabled: m[6] === '1',
    bhDisabled: m[3] === '0' && Number(m[4]) > 0,
  };
}

class ReportParser {
  private mode: Mode = 'none';
  private entry: { index: number; lock: ReportLock; frames: PrintedFrame[]; path?: string } | null = null;
  private usage: { usage: string; frames: PrintedFrame[]; path?: string } | null = null;
  private block: { lock: ReportLock; usages: UsageTrace[]; acquiredAt: PrintedFrame[]; inAcquired: boolean } | null = null;
  private depsTarget: DependencyBlock[] | null = null;
  /** Where fencedep's `-> #N` entries go: the chain, or a safe→unsafe report's backward one. */
  private chainTarget: ReportChainEntry[];
  private fdTrace: PrintedFrame[] | null = null;
  private seenHeader = 0;

  constructor(readonly r: KernelReport) {
    this.chainTarget = r.chain;
  }

  /** Set `lock` or extend its `at:` frames when the same class is printed again (syzbot inlines). */
  private setLock(current: ReportLock | null, l: ReportLock): ReportLock {
    if (current && current.name === l.name) return withAt(current, l.at);
    return l;
  }

  private finishEntry(): void {
    if (this.entry) {
      const frames = this.entry.path !== undefined ? [...this.entry.frames].reverse() : this.entry.frames;
      const e: ReportChainEntry = { index: this.entry.index, lock: this.entry.lock, frames, ...(this.entry.path !== undefined ? { path: this.entry.path } : {}) };
      this.chainTarget.push(e);
      this.entry = null;
    }
  }

  private finishUsage(): void {
    if (this.usage && this.block) {
      const frames = this.usage.path !== undefined ? [...this.usage.frames].reverse() : this.usage.frames;
      this.block.usages.push({ usage: this.usage.usage, frames, ...(this.usage.path !== undefined ? { path: this.usage.path } : {}) });
    }
    this.usage = null;
  }

  private finishBlock(): void {
    this.finishUsage();
    if (this.block && this.depsTarget) {
      this.depsTarget.push({ lock: this.block.lock, usages: this.block.usages, acquiredAt: this.block.acquiredAt });
    }
    this.block = null;
  }

  private trace(): UsageTrace {
    return { usage: '', frames: [] };
  }

  private pushFrame(target: PrintedFrame[], line: string, fencedepPath: { set(p: string): void } | null): boolean {
    const p = /^path "(.*)"$/.exec(line);
    if (p && fencedepPath) {
      fencedepPath.set(p[1]!);
      this.r.fencedep = true;
      return true;
    }
    const f = parseFrame(line);
    if (!f) return false;
    if (!f.unreliable) target.push(f.frame);
    return true;
  }

  line(text: string): void {
    const r = this.r;
    if (this.mode === 'done') return;
    if (text === '') {
      if (this.mode === 'chain') this.finishEntry();
      if (this.mode === 'registered' || this.mode === 'safeAt' || this.mode === 'unsafeAt') this.mode = 'none';
      if (this.mode === 'held' && r.held !== null && r.held.length > 0) this.mode = 'none';
      if (this.mode === 'chainExists' && r.chainExists) this.mode = 'none';
      return;
    }
    // The ident line right after the title.
    if (this.seenHeader < 3 && r.version === null) {
      this.seenHeader++;
      const v = /^(\d+\.\d+\S*)\s+#\S+\s+(?:Not tainted|Tainted:)/.exec(text);
      if (v) {
        r.version = v[1]!;
        return;
      }
      // fencedep prints the kernel profile it replayed there.
      const fd = /^(5\.10|6\.13) kernel profile \(fencedep\)$/.exec(text);
      if (fd) {
        r.profile = fd[1] as KernelProfile;
        return;
      }
    }
    if (/^[-=]{6,}$/.test(text)) return;

    let m: RegExpExecArray | null;
    // ---- lines that switch the block, whatever the current one
    if ((m = /^(.*?)(?: (\[HC\d\[\d+\]:SC\d\[\d+\]:HE\d:SE\d\]))? is trying to acquire(?: lock)?:$/.exec(text))) {
      r.task = m[1]!;
      if (m[2]) r.irq = irqState(m[2]);
      this.mode = 'next';
      return;
    }
    if ((m = /^(.*?) is trying to lock:$/.exec(text))) {
      r.task = m[1]!;
      this.mode = 'next';
      return;
    }
    if ((m = /^(.*?) is trying to release lock \((.*)\) at:$/.exec(text))) {
      r.task = m[1]!;
      r.next = { name: m[2]!, usage: null, wait: null, instance: null, at: [] };
      this.mode = 'release';
      return;
    }
    if ((m = /^(.*?) is trying to release lock:$/.exec(text))) {
      r.task = m[1]!;
      this.mode = 'next';
      return;
    }
    if ((m = /^(.*?) is leaving the kernel with locks still held!$/.exec(text))) {
      r.task = m[1]!;
      return;
    }
    if ((m = /^(.*?) just changed the state of lock:$/.exec(text))) {
      r.task = m[1]!;
      this.mode = 'next';
      return;
    }
    if ((m = /^(.*?)(?: (\[HC\d\[\d+\]:SC\d\[\d+\]:HE\d:SE\d\]))? takes:$/.exec(text))) {
      r.task = m[1]!;
      if (m[2]) r.irq = irqState(m[2]);
      this.mode = 'next';
      return;
    }
    if (/^(?:but task is already holding lock|and this task is already holding):$/.test(text)) {
      this.mode = 'prev';
      return;
    }
    if ((m = /^inconsistent \{(.*)\} -> \{(.*)\} usage\.$/.exec(text))) {
      r.oldUsage = m[1]!;
      r.newUsage = m[2]!;
      r.state = /SOFTIRQ/.test(m[2]!) ? 'SOFTIRQ' : 'HARDIRQ';
      return;
    }
    if ((m = /^\{(.*)\} state was registered at:$/.exec(text))) {
      r.registered = { usage: m[1]!, frames: [] };
      this.mode = 'registered';
      return;
    }
    if (/^(?:irq event stamp:|hardirqs last|softirqs last)/.test(text)) {
      if (this.mode === 'registered') this.mode = 'none';
      return;
    }
    if (/^which lock already depends on the new lock\.$/.test(text) || /^which would create a new lock dependency:$/.test(text)) {
      this.mode = 'none';
      return;
    }
    if (/^the existing dependency chain \(in reverse order\) is:$/.test(text)) {
      this.mode = 'chain';
      return;
    }
    if ((m = /^-> #(\d+) (.*):$/.exec(text))) {
      this.finishEntry();
      const l = parseLock(m[2]!);
      if (l) {
        this.entry = { index: Number(m[1]), lock: l, frames: [] };
        this.mode = 'chain';
      }
      return;
    }
    if ((m = /^but this new dependency connects a (\S+)-irq-safe lock:$/.exec(text))) {
      r.state = r.state ?? m[1]!;
      this.mode = 'safe';
      return;
    }
    if (/^\.\.\. which became \S+-irq-safe at:$/.test(text)) {
      r.safeAt = this.trace();
      this.mode = 'safeAt';
      return;
    }
    if (/^to a \S+-irq-unsafe lock:$/.test(text)) {
      this.mode = 'unsafe';
      return;
    }
    if (/^\.\.\. which became \S+-irq-unsafe at:$/.test(text)) {
      r.unsafeAt = this.trace();
      this.mode = 'unsafeAt';
      return;
    }
    if ((m = /^but this lock (took another|was taken by another), (\S+)-(?:unsafe|safe) lock in the past:$/.exec(text))) {
      r.direction = m[1] === 'took another' ? 'took-unsafe' : 'taken-by-safe';
      r.state = m[2]!;
      this.mode = 'other';
      return;
    }
    if (/^and interrupts could create inverse lock ordering between them\.$/.test(text)) {
      this.mode = 'none';
      return;
    }
    if (/^the dependencies between \S+-irq-safe lock and the holding lock:$/.test(text)) {
      this.finishBlock();
      this.finishEntry();
      this.depsTarget = r.backwardDeps;
      this.chainTarget = r.backwardChain;
      this.mode = r.fencedep ? 'chain' : 'deps';
      return;
    }
    if (/^the dependencies between the lock to be acquired(?: and \S+ lock:)?$/.test(text) || /^the shortest dependencies between 2nd lock and 1st lock:$/.test(text)) {
      this.finishBlock();
      this.finishEntry();
      this.depsTarget = r.forwardDeps;
      this.chainTarget = r.chain;
      this.mode = r.fencedep ? 'chain' : 'deps';
      return;
    }
    if (/^other info that might help us debug this:$/.test(text)) {
      this.finishEntry();
      this.mode = 'none';
      return;
    }
    if (/^Chain exists of:$/.test(text)) {
      this.mode = 'chainExists';
      return;
    }
    if (/^Possible (?:interrupt )?unsafe locking scenario:$/.test(text)) {
      this.mode = 'scenario';
      return;
    }
    if (/^\*\*\* DEADLOCK \*\*\*$/.test(text) || /^May be due to missing lock nesting notation$/.test(text)) {
      this.mode = 'none';
      return;
    }
    if ((m = /^context-\{(\d+):(\d+)\}$/.exec(text))) {
      r.context = Number(m[1]);
      return;
    }
    if (/^which is not allowed inside:$/.test(text)) {
      this.mode = 'notAllowed';
      return;
    }
    if (/^but (?:there are no more locks to release!|it is not held in this context:)$/.test(text)) {
      this.mode = 'none';
      return;
    }
    if ((m = /^in_atomic\(\): (\d+), irqs_disabled\(\): (\d+), non_block: (\d+), (?:pid: \d+, )?name: (.*)$/.exec(text))) {
      r.sleep = {
        file: r.sleep?.file ?? null,
        inAtomic: m[1] !== '0',
        irqsDisabled: m[2] !== '0',
        nonBlock: Number(m[3]),
        preemptCount: 0,
        rcuDepth: 0,
        what: r.sleep?.what ?? null,
      };
      r.task = r.task ?? m[4]!;
      return;
    }
    if ((m = /^preempt_count: ([0-9a-fx]+), expected: /.exec(text))) {
      if (r.sleep) r.sleep.preemptCount = parseInt(m[1]!, 16) || 0;
      return;
    }
    if ((m = /^RCU nest depth: (\d+), expected: /.exec(text))) {
      if (r.sleep) r.sleep.rcuDepth = Number(m[1]);
      return;
    }
    if ((m = /^at (\S+:\d+:\d+) (.*)$/.exec(text)) && r.kind === 'sleep-in-atomic') {
      r.fencedep = true;
      r.sleep = r.sleep ?? { file: m[1]!, inAtomic: false, irqsDisabled: false, nonBlock: 0, preemptCount: 0, rcuDepth: 0, what: null };
      r.sleep.what = m[2]!;
      r.sleep.file = m[1]!;
      return;
    }
    if ((m = /^at (\S+)$/.exec(text)) && r.kind === 'sleep-in-atomic' && r.sleep !== null && r.sleep.file === null) {
      r.sleep.file = m[1]!;
      return;
    }
    if ((m = /^(\d+) locks? held by (.*):$/.exec(text))) {
      this.finishEntry();
      r.held = [];
      // The held-locks line names the task as comm/pid even where the BUG line gives only comm.
      if (r.task === null || (!/\/\d+$/.test(r.task) && m[2]!.startsWith(`${r.task}/`))) r.task = m[2]!;
      this.mode = 'held';
      return;
    }
    if ((m = /^no locks held by (.*?)\.?$/.exec(text))) {
      r.held = [];
      r.task = r.task ?? m[1]!;
      this.mode = 'none';
      return;
    }
    if (/^(?:stack backtrace|Call Trace|Call trace|Backtrace):?$/.test(text)) {
      this.finishEntry();
      this.finishBlock();
      if (this.mode !== 'backtrace' || r.backtrace.length === 0) {
        this.mode = 'backtrace';
        this.fdTrace = [];
      }
      return;
    }
    if ((m = /^Workqueue: (\S+) (\S+)/.exec(text))) {
      r.workqueue = { queue: m[1]!, fn: m[2]! };
      return;
    }
    if ((m = /^CPU: \d+ .*?PID: \d+ .*?Comm: (\S+)/.exec(text))) {
      // The release is printed here too (the only place a sleeping-function BUG prints it).
      const v = / (\d+\.\d+[\w.+~-]*) #\S+/.exec(text.slice(m[0].length));
      if (v && r.version === null) r.version = v[1]!;
      return;
    }
    if (/^(?:Hardware name:|Tainted: \[|INFO: lockdep is turned off)/.test(text)) return;
    if (/^Preemption disabled at:$/.test(text)) {
      this.mode = 'none';
      return;
    }

    // ---- the block being read
    switch (this.mode) {
      case 'next':
      case 'prev':
      case 'safe':
      case 'unsafe':
      case 'other':
      case 'notAllowed': {
        const l = parseLock(text);
        if (!l) return;
        if (this.mode === 'next') r.next = this.setLock(r.next, l);
        else if (this.mode === 'prev') r.prev = this.setLock(r.prev, l);
        else if (this.mode === 'safe') r.safe = this.setLock(r.safe, l);
        else if (this.mode === 'unsafe') r.unsafe = this.setLock(r.unsafe, l);
        else if (this.mode === 'other') r.other = this.setLock(r.other, l);
        else r.notAllowedInside = this.setLock(r.notAllowedInside, l);
        return;
      }
      case 'release': {
        const f = parseAt(text);
        if (f && !/^but /.test(text)) r.releaseAt.push(f);
        return;
      }
      case 'chain': {
        if (!this.entry) return;
        const e = this.entry;
        this.pushFrame(e.frames, text, { set: (p) => (e.path = p) });
        return;
      }
      case 'chainExists': {
        if (/-->/.test(text) || (r.chainExists !== null && /^\S+$/.test(text))) {
          const parts = text.split(/\s*-->\s*/).map((s) => s.trim()).filter((s) => s !== '');
          r.chainExists = [...(r.chainExists ?? []), ...parts];
        }
        return;
      }
      case 'scenario': {
        if (r.prev && !r.prevRead && (text === `rlock(${r.prev.name});`)) r.prevRead = true;
        return;
      }
      case 'held': {
        const h = /^#(\d+):\s+(.*)$/.exec(text);
        if (!h) return;
        const l = parseLock(h[2]!);
        if (!l) return;
        const index = Number(h[1]);
        const list = r.held!;
        const last = list[list.length - 1];
        if (last && last.index === index) list[list.length - 1] = { index, lock: withAt(last.lock, l.at) };
        else list.push({ index, lock: l });
        return;
      }
      case 'registered':
      case 'safeAt':
      case 'unsafeAt': {
        const t = this.mode === 'registered' ? r.registered : this.mode === 'safeAt' ? r.safeAt : r.unsafeAt;
        if (!t) return;
        const frames = t.frames as PrintedFrame[];
        let path: string | null = null;
        const ok = this.pushFrame(frames, text, { set: (p) => (path = p) });
        if (path !== null) {
          const withPath = { ...t, path: path as string };
          if (this.mode === 'registered') r.registered = withPath;
          else if (this.mode === 'safeAt') r.safeAt = withPath;
          else r.unsafeAt = withPath;
        }
        if (!ok && text !== '...') this.mode = 'none';
        return;
      }
      case 'deps': {
        if ((m = /^-> (\(.*?)(?:\s+ops: \d+)?\s\{$/.exec(text))) {
          this.finishBlock();
          const l = parseLock(m[1]!);
          if (l) this.block = { lock: l, usages: [], acquiredAt: [], inAcquired: false };
          return;
        }
        if (!this.block) return;
        if ((m = /^((?:IN-)?(?:HARDIRQ|SOFTIRQ)(?:-ON)?-[WR]|INITIAL (?:READ )?USE) at:$/.exec(text))) {
          this.finishUsage();
          this.usage = { usage: m[1]!, frames: [] };
          return;
        }
        if (/^\}$/.test(text)) {
          this.finishUsage();
          return;
        }
        if (/^\.\.\. key\s+at:/.test(text)) return;
        if (/^\.\.\. acquired at:$/.test(text)) {
          this.finishUsage();
          this.block.inAcquired = true;
          return;
        }
        if (this.block.inAcquired) {
          this.pushFrame(this.block.acquiredAt, text, null);
        } else if (this.usage) {
          const u = this.usage;
          this.pushFrame(u.frames, text, { set: (p) => (u.path = p) });
        }
        return;
      }
      case 'backtrace': {
        if (text === '<IRQ>') {
          if (r.backtrace.length === 0) r.backtraceInIrq = true;
          return;
        }
        if (text === '</IRQ>' || /^RIP: /.test(text) || /^---\[ end trace/.test(text)) {
          if (r.backtrace.length > 0 || this.fdTrace?.length) this.mode = 'done';
          return;
        }
        if (/^<\/?(?:TASK|NMI|SOFTIRQ)>$/.test(text)) return;
        const p = /^path "(.*)"$/.exec(text);
        if (p) {
          r.fencedep = true;
          r.backtracePath = p[1]!;
          return;
        }
        const f = parseFrame(text);
        if (!f) return;
        if (f.frame.where !== undefined) this.fdTrace!.push(f.frame);
        else if (!f.unreliable) r.backtrace.push(f.frame);
        return;
      }
      default:
        return;
    }
  }

  finish(): KernelReport {
    this.finishEntry();
    this.finishBlock();
    const r = this.r;
    if (this.fdTrace && this.fdTrace.length > 0) r.backtrace = [...this.fdTrace].reverse();
    // fencedep prints its traces outermost first; every stack here is innermost first.
    const innermostFirst = (t: UsageTrace | null): UsageTrace | null => (t?.path !== undefined ? { ...t, frames: [...t.frames].reverse() } : t);
    r.registered = innermostFirst(r.registered);
    r.safeAt = innermostFirst(r.safeAt);
    r.unsafeAt = innermostFirst(r.unsafeAt);
    r.chain.sort((a, b) => b.index - a.index);
    return r;
  }
}

export interface ParseResult {
  readonly reports: KernelReport[];
  /** Findings of fencedep's quiet text report: header lines without a report to read. */
  readonly quiet: QuietFinding[];
}

/** Every report in a log, in order. */
export function parseReports(text: string): ParseResult {
  const all = normalizeLog(text);
  const reports: KernelReport[] = [];
  let i = 0;
  while (i < all.length) {
    // A headline wrapped after "at" (`... invalid context at` + `kernel/locking/mutex.c:580`).
    const wrapped = wrapKind(all[i]!.text);
    const next = all[i + 1];
    const headline = wrapped && next && wrapped.want(next.text) ? `${all[i]!.text}${wrapped.sep}${next.text}` : all[i]!.text;
    let title: Title | null = matchTitle(headline);
    const headless = !title && BODY_START.test(all[i]!.text);
    if (!title && !headless) {
      i++;
      continue;
    }
    const tag = all[i]!.tag;
    // A headless report's body starts at its first line; it ends where a headline or another body starts.
    let j = headless ? i : headline === all[i]!.text ? i + 1 : i + 2;
    const body: LogLine[] = [];
    while (j < all.length && !matchTitle(all[j]!.text) && !(j > i && BODY_START.test(all[j]!.text) && body.some((l) => BODY_START.test(l.text)))) {
      const l = all[j]!;
      // Another task's lines (a different caller tag) and other programs' syslog lines are not part of it.
      if (!(l.foreignProgram || (tag !== null && l.tag !== null && l.tag !== tag))) body.push(l);
      j++;
    }
    let missingHeadline: string | null = null;
    let titleText = headline.replace(/^\[ | \]$/g, '');
    if (!title) {
      const inferred = inferKind(body);
      if (!inferred) {
        i = j;
        continue;
      }
      title = { kind: inferred.kind, ...(inferred.state ? { state: inferred.state } : {}) };
      titleText = inferred.title;
      missingHeadline = `the report's headline is missing (the paste starts at "${all[i]!.text}"): ${inferred.title}, as "${inferred.from}" says`;
    }
    const report = emptyReport(title.kind, titleText, all[i]!.no, false);
    if (missingHeadline) report.notes.push(missingHeadline);
    if (title.state) report.state = title.state;
    if (title.kind === 'sleep-in-atomic') {
      report.sleep = { file: title.file ?? null, inAtomic: false, irqsDisabled: false, nonBlock: 0, preemptCount: 0, rcuDepth: 0, what: null };
    }
    const noisy = [all[i]!, ...body].filter((l) => l.escaped.length > 0);
    if (noisy.length > 0) {
      const at = noisy.map((l) => l.no);
      const lines = at.length > 5 ? `${at.slice(0, 5).join(', ')} and ${at.length - 5} more` : at.join(', ');
      const codes = [...new Set(noisy.flatMap((l) => l.escaped))];
      report.notes.push(`control or invisible characters (serial-console noise, terminal escapes) on line${at.length === 1 ? '' : 's'} ${lines}: ${codes.slice(0, 8).join(' ')}${codes.length > 8 ? ' ...' : ''}, written so, as text, in the names taken from them too`);
    }
    const parser = new ReportParser(report);
    const joined = joinWrapped(body);
    for (const l of joined) {
      parser.line(l.text);
      report.endLine = l.no;
    }
    reports.push(parser.finish());
    i = j;
  }
  // fencedep's reports name a lock by its scenario name in steps (`mutex_lock: reset_lock`) and by
  // its lockdep name in lock lines: learn the pairs from every lock line of the log.
  const aliases = new Map<string, string>();
  const learn = (l: ReportLock | null): void => {
    for (const f of l?.at ?? []) {
      const m = f.step !== undefined ? /^[a-z_]+: (?:\{name: )?([^,{}[\]]+)/.exec(f.step) : null;
      if (m && !aliases.has(m[1]!.trim())) aliases.set(m[1]!.trim(), l!.name.replace(/\/\d$/, ''));
    }
  };
  for (const r of reports) {
    for (const l of [r.next, r.prev, r.safe, r.unsafe, r.other, r.notAllowedInside, ...(r.held ?? []).map((h) => h.lock)]) learn(l);
  }
  for (const r of reports) if (r.fencedep || r.sleep?.what) r.aliases = aliases;
  return { reports, quiet: quietFindings(all) };
}
