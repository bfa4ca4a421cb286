/**
 * The hand check of a JSONL lock declaration (the fast path) never accepts what the schema
 * rejects, and what it accepts is what the schema would produce.
 */
import { describe, expect, it } from 'vitest';
import { declLines, plainLockDecl } from '../../src/load/jsonl.js';
import { rng } from '../rng.js';

const values: readonly unknown[] = ['', 'm', 'mutex', 'spinlock', 'ww_mutex', 'rw_semaphore', 'nope', 0, 1, true, null, [], {}, undefined];
const keys = ['decl', 'name', 'type', 'lockdep', 'ww_class', 'description', 'extra'] as const;

describe('plainLockDecl agrees with the schema', () => {
  it('on declarations that fit', () => {
    const obj = { decl: 'lock', name: 'a', type: 'mutex', lockdep: '&a', description: 'x' };
    expect(plainLockDecl(obj)).toEqual(declLines().lock.parse(obj));
  });

  it('on random objects: accepted by hand implies accepted by the schema, with the same value', () => {
    const random = rng(11);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const obj: Record<string, unknown> = { decl: random() < 0.9 ? 'lock' : 'fence' };
      for (const k of keys) {
        if (random() < 0.5) continue;
        const v = values[Math.floor(random() * values.length)];
        if (v !== undefined) obj[k] = v;
      }
      if (random() < 0.7) obj.name = 'n';
      if (random() < 0.7) obj.type = ['mutex', 'spinlock', 'rwlock', 'nope'][Math.floor(random() * 4)];
      const fast = plainLockDecl(obj);
      if (fast === null) continue;
      accepted++;
      const parsed = declLines().lock.safeParse(obj);
      expect(parsed.success, JSON.stringify(obj)).toBe(true);
      expect(fast).toEqual(parsed.data);
    }
    expect(accepted).toBeGreaterThan(100);
  });
});
