import { describe, expect, it } from 'vitest';
import { InputErrors } from '../../src/load/index.js';
import { load, loadErrors, scenarios, traceItems } from './helpers.js';

const fx = scenarios();

const BASE = `version: 1
name: fuzz base
locks:
  notifier_lock: mutex
  vm->lock: { type: mutex, lockdep: "&vm->lock" }
  S: spinlock
  R: rwlock
  resv: { type: ww_mutex }
hooks:
  mmu_interval_notifier.invalidate: [userptr_invalidate]
functions:
  userptr_invalidate:
    - if: blockable
      then:
        - with: notifier_lock
          do:
            - might_sleep
paths:
  - name: p1
    steps:
      - lock: vm->lock
      - spin_lock_irqsave: S
      - read_lock_bh: R
      - read_unlock_bh: R
      - spin_unlock_irqrestore: S
      - unlock: vm->lock
      - hardirq: [ {lock_map_acquire_read: dma_fence_map}, {lock_map_release: dma_fence_map} ]
      - dma_resv_lock: resv[bo1]
      - dma_resv_unlock: resv[bo1]
      - invoke: mmu_interval_notifier.invalidate
expect:
  - rule: circular-dependency
    involves: [dma_fence_map, reservation_ww_class_mutex]
`;

function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

describe('robustness', () => {
  it('the fuzz base loads', async () => {
    const s = await load(fx.write('base.yaml', BASE));
    expect(s.name).toBe('fuzz base');
  });

  it('mutated scenarios only ever fail with positioned InputErrors', async () => {
    const rnd = prng(42);
    const pieces = ['{', '}', '[', ']', ':', '-', ' ', '\n', '"', "'", '&a ', '*a', '!!str ', '#', ',', '\t', 'x', '1', '|', '? ', '<<: '];
    for (let i = 0; i < 300; i++) {
      let t = BASE;
      const n = 1 + Math.floor(rnd() * 4);
      for (let k = 0; k < n; k++) {
        const p = Math.floor(rnd() * t.length);
        const r = rnd();
        if (r < 0.4) t = t.slice(0, p) + pieces[Math.floor(rnd() * pieces.length)] + t.slice(p);
        else if (r < 0.7) t = t.slice(0, p) + t.slice(p + 1 + Math.floor(rnd() * 5));
        else {
          const q = Math.floor(rnd() * t.length);
          t = t.slice(0, p) + t.slice(q, q + 20) + t.slice(p);
        }
      }
      const f = fx.write(`m${i % 10}.yaml`, t);
      try {
        await load(f);
      } catch (e) {
        expect(e).toBeInstanceOf(InputErrors);
        for (const x of (e as InputErrors).errors) {
          expect(x.loc, x.message).not.toBeNull();
          expect(x.loc!.line).toBeGreaterThan(0);
          expect(x.message.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('mutated streams never throw', async () => {
    const rnd = prng(7);
    const base = [
      '{"decl":"lock","name":"A","type":"mutex"}',
      '{"decl":"function","name":"f","steps":[{"lock":"A"},{"unlock":"A"}]}',
      '{"decl":"hook","hook":"h","fn":"f"}',
      '{"path":"t","op":"lock","name":"A"}',
      '{"path":"t","op":"unlock","name":"A"}',
      '{"path":"t","op":"hardirq","do":[{"invoke":"h"}]}',
    ].join('\n');
    const pieces = ['{', '}', '[', ']', ':', '"', ',', '\n', 'x', 'null', '"decl"', '"op"', '"do"'];
    for (let i = 0; i < 200; i++) {
      let t = base;
      for (let k = 0; k < 3; k++) {
        const p = Math.floor(rnd() * t.length);
        t = rnd() < 0.5 ? t.slice(0, p) + pieces[Math.floor(rnd() * pieces.length)] + t.slice(p) : t.slice(0, p) + t.slice(p + 3);
      }
      const f = fx.write('m.jsonl', t);
      for (const it of await traceItems(f)) if (it.kind === 'error') expect(it.error.loc?.line).toBeGreaterThan(0);
    }
  });

  it('at most 100 errors per file, then a count', async () => {
    const lines = ['paths:', '  - name: p', '    steps:'];
    for (let i = 0; i < 150; i++) lines.push(`      - lock: X${i}`);
    const errs = await loadErrors(fx.write('many.yaml', lines.join('\n')));
    expect(errs).toHaveLength(101);
    expect(errs[100].message).toBe('... and 50 more errors');
  });

  it('keys that are lists or maps are errors; odd names are just names', async () => {
    const errs = await loadErrors(fx.write('ck.yaml', 'locks:\n  ? [a, b]\n  : mutex\n'));
    expect(errs[0]).toMatchObject({ line: 2, column: 5, message: 'a key must be a plain name, not a list or a map' });
    const s = await load(fx.write('proto.yaml', 'locks:\n  __proto__: mutex\n  constructor: spinlock\npaths:\n  - name: p\n    steps: [{lock: __proto__}, {unlock: __proto__}, {spin_lock: constructor}, {spin_unlock: constructor}]\n'));
    expect(s.locks.get('__proto__')!.type).toBe('mutex');
    expect(s.paths[0].steps).toHaveLength(4);
  });
});
