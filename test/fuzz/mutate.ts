/**
 * Invalid inputs for the fuzz suite: valid scenarios broken in their structure (a key dropped,
 * a value of the wrong kind, a misspelt step, a name with a control character...) or in their
 * text (bytes inserted, deleted or swapped: brackets, tabs, NUL, invalid UTF-8, a BOM...).
 */
import fc from 'fast-check';
import { dict } from './gen.js';

/** Values that are wrong almost anywhere. */
const WEIRD_VALUES: readonly unknown[] = [
  null, true, 0, -1, 1.5, 1e308, '', ' ', 'x', 'mutex', 'GFP_KERNEL', 'blockable', 'kernel', [], [[]], {}, { '': null },
  'a\u0000b', 'tab\there', 'line\nbreak', '\u001b[31mred', 'x'.repeat(3000), '[x]', 'a[b', 'A[b][c]', '__proto__', 'constructor',
  { lock: 'nope' }, ['might_sleep'], [{ call: 'nope' }], { hardirq: [{ hardirq: [] }] }, { name: 'x', mode: 'sideways' },
];

/** Keys that are wrong, or right in another place. */
const WEIRD_KEYS: readonly string[] = [
  '', 'lokc', 'lock', 'unlock', 'with', 'do', 'then', 'else', 'if', 'steps', 'paths', 'name', '__proto__', 'constructor',
  'toString', 'mutex_lock', 'spin_lock_irqsave', 'hardirq', 'call', 'invoke', 'on_edeadlk', 'ctx', 'x\u0000y', 'ünïcode',
];

type Node = { parent: unknown; key: string | number; value: unknown };

function nodes(root: unknown): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [{ parent: null, key: '', value: root }];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    const v = n.value;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ parent: v, key: i, value: x }));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push({ parent: v, key: k, value: x });
  }
  return out;
}

function set(parent: unknown, key: string | number, value: unknown): void {
  if (Array.isArray(parent)) parent[key as number] = value;
  else Object.defineProperty(parent as object, key, { value, enumerable: true, writable: true, configurable: true });
}

export interface StructOp {
  readonly at: number;
  readonly kind: 'delete' | 'replace' | 'rekey' | 'duplicate' | 'wrap' | 'deepen' | 'control' | 'huge';
  readonly pick: number;
}

export const structOpArb: fc.Arbitrary<StructOp> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'rekey', 'duplicate', 'wrap', 'deepen', 'control', 'huge'),
  pick: fc.nat(),
});

/** Apply `ops` to a deep copy of `doc`. */
export function mutateDoc(doc: unknown, ops: readonly StructOp[]): unknown {
  const root = { doc: clone(doc) };
  for (const op of ops) {
    const all = nodes(root.doc).filter((n) => n.parent !== null);
    if (all.length === 0) break;
    const n = all[op.at % all.length]!;
    switch (op.kind) {
      case 'delete':
        if (Array.isArray(n.parent)) n.parent.splice(n.key as number, 1);
        else delete (n.parent as Record<string, unknown>)[n.key as string];
        break;
      case 'replace':
        set(n.parent, n.key, clone(WEIRD_VALUES[op.pick % WEIRD_VALUES.length]));
        break;
      case 'rekey':
        if (!Array.isArray(n.parent)) {
          const p = n.parent as Record<string, unknown>;
          const entries = Object.entries(p).map(([k, v]) => [k === n.key ? WEIRD_KEYS[op.pick % WEIRD_KEYS.length]! : k, v] as const);
          for (const k of Object.keys(p)) delete p[k];
          for (const [k, v] of entries) set(p, k, v);
        }
        break;
      case 'duplicate':
        if (Array.isArray(n.parent)) n.parent.splice(n.key as number, 0, clone(n.value));
        break;
      case 'wrap':
        set(n.parent, n.key, op.pick % 2 ? [n.value] : { x: n.value });
        break;
      case 'deepen': {
        let v: unknown = n.value;
        const depth = 40 + (op.pick % 400);
        for (let i = 0; i < depth; i++) v = [{ hardirq: Array.isArray(v) ? v : [v] }];
        set(n.parent, n.key, v);
        break;
      }
      case 'control':
        if (typeof n.value === 'string') {
          const ch = String.fromCharCode([0, 1, 7, 8, 27, 127, 0x85, 0x2028][op.pick % 8]!);
          set(n.parent, n.key, `${n.value.slice(0, 2)}${ch}${n.value.slice(2)}`);
        }
        break;
      case 'huge':
        if (typeof n.value === 'string') set(n.parent, n.key, n.value.repeat(2 + (op.pick % 5000)));
        break;
    }
  }
  return root.doc;
}

function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (v !== null && typeof v === 'object') return dict(Object.entries(v).map(([k, x]) => [k, clone(x)] as const));
  return v;
}

const PIECES: readonly (string | Buffer)[] = [
  '{', '}', '[', ']', ':', ': ', '-', '- ', ' ', '\n', '\r\n', '\t', '"', "'", '&a ', '*a', '!!str ', '!!binary ', '!custom ', '#', ',',
  'x', '1', '|', '>', '? ', '<<: ', '---\n', '...\n', '%YAML 1.1\n', '\\', '\\u0000', '\u00a0', '\u2028', 'é', '😀', '\ufeff',
  Buffer.from([0]), Buffer.from([0xff, 0xfe]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0x1b]),
];

export interface TextOp {
  readonly at: number;
  readonly kind: 'insert' | 'delete' | 'copy' | 'truncate';
  readonly pick: number;
  readonly len: number;
}

export const textOpArb: fc.Arbitrary<TextOp> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('insert', 'insert', 'delete', 'copy', 'truncate'),
  pick: fc.nat(),
  len: fc.integer({ min: 1, max: 40 }),
});

/** Apply `ops` to the bytes of `text`. */
export function mutateText(text: string, ops: readonly TextOp[]): Buffer {
  let b = Buffer.from(text, 'utf8');
  for (const op of ops) {
    const at = b.length ? op.at % (b.length + 1) : 0;
    switch (op.kind) {
      case 'insert': {
        const p = PIECES[op.pick % PIECES.length]!;
        b = Buffer.concat([b.subarray(0, at), typeof p === 'string' ? Buffer.from(p, 'utf8') : p, b.subarray(at)]);
        break;
      }
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + op.len)]);
        break;
      case 'copy': {
        const from = b.length ? op.pick % b.length : 0;
        b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + op.len), b.subarray(at)]);
        break;
      }
      case 'truncate':
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}
