/**
 * One declarations implementation (src/load/decls.ts) for scenario files and JSON Lines
 * streams: the same problem gets the same message from both, and what a stream includes is
 * declared in it exactly as a scenario's include is.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, loadErrors, scenarios, traceItems } from './helpers.js';

const fx = scenarios();

/** The messages of a stream's error items. */
async function streamErrors(name: string, lines: object[]): Promise<string[]> {
  const items = await traceItems(fx.write(name, lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
  return items.flatMap((i) => (i.kind === 'error' ? [i.error.message] : []));
}

describe('one set of messages for files and streams', () => {
  const cases: { what: string; yaml: string; stream: object[]; message: RegExp }[] = [
    {
      what: 'a hook registering an undeclared function',
      yaml: 'functions: {real_fn: []}\nhooks: {drv.hook: [real_fm]}\n',
      stream: [{ decl: 'function', name: 'real_fn', steps: [] }, { decl: 'hook', hook: 'drv.hook', fn: 'real_fm' }],
      message: /^hook "drv\.hook": undeclared function "real_fm" \(did you mean "real_fn"\?\)$/,
    },
    {
      what: 'a fence naming an undeclared function',
      yaml: 'functions: {sig_cb: []}\nfences: {job: {callbacks: [sig_bc]}}\n',
      stream: [{ decl: 'function', name: 'sig_cb', steps: [] }, { decl: 'fence', name: 'job', callbacks: ['sig_bc'] }],
      message: /^fence "job": undeclared function "sig_bc" \(did you mean "sig_cb"\?\)$/,
    },
    {
      what: 'a function calling itself',
      yaml: 'functions: {loop_fn: [{call: loop_fn}]}\n',
      stream: [{ decl: 'function', name: 'loop_fn', steps: [{ call: 'loop_fn' }] }],
      message: /^recursive call: loop_fn -> loop_fn; a function must not reach itself/,
    },
    {
      what: 'an invalid function name',
      yaml: 'functions: {"bad\\u0007name": []}\n',
      stream: [{ decl: 'function', name: 'bad\u0007name', steps: [] }],
      message: /^invalid function name "bad\\u0007name"/,
    },
    {
      what: 'a lock that is not one in `expect`',
      yaml: 'locks: {vm_lock: mutex}\nexpect: [{rule: circular-dependency, involves: [vm_lokc]}]\n',
      stream: [{ decl: 'scenario', expect: [{ rule: 'circular-dependency', involves: ['vm_lokc'] }] }, { decl: 'lock', name: 'vm_lock', type: 'mutex' }],
      message: /^expect: "vm_lokc" is not a lock of this (scenario|stream) \(a declared lock by its name or lockdep name.*\(did you mean "vm_lock"\?\)$/,
    },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const fromFile = (await loadErrors(fx.write(`${c.what}.yaml`, c.yaml))).map((e) => e.message);
      const fromStream = await streamErrors(`${c.what}.jsonl`, c.stream);
      expect(fromFile.filter((m) => c.message.test(m)), fromFile.join('\n')).toHaveLength(1);
      expect(fromStream.filter((m) => c.message.test(m)), fromStream.join('\n')).toHaveLength(1);
      // Word for word, but for what the input is called.
      expect(fromStream.find((m) => c.message.test(m))!.replace('this stream', 'this scenario')).toBe(fromFile.find((m) => c.message.test(m)));
    });
  }

  it('declared again: identical is accepted, different names both places', async () => {
    const errors = await streamErrors('twice.jsonl', [
      { decl: 'lock', name: 'A', type: 'mutex' },
      { decl: 'lock', name: 'A', type: 'mutex' },
      { decl: 'fence', name: 'F' },
      { decl: 'fence', name: 'F' },
      { decl: 'function', name: 'f', steps: ['might_sleep'] },
      { decl: 'function', name: 'f', steps: ['might_sleep'] },
      { decl: 'function', name: 'f', steps: [] },
      { decl: 'fence', name: 'F', signalled_in: 'irq' },
    ]);
    expect(errors).toEqual([
      'function "f" is declared twice, differently: at twice.jsonl:5:1 and at twice.jsonl:7:1',
      'fence "F" is declared twice, differently: at twice.jsonl:3:1 and at twice.jsonl:8:1',
    ]);
  });

  it('a stream includes a model as a scenario does: its fences, hooks and conflicts included', async () => {
    const files = fixtures();
    files.write('model.yaml', ['locks: {L: mutex, M: mutex}', 'fences: {job: {}}', 'functions: {f: [{lock: L}, {unlock: L}]}', 'hooks: {h: [f]}'].join('\n'));
    const stream = fx.write(
      join(files.dir, 's.jsonl'),
      [{ decl: 'lock', name: 'M', type: 'spinlock' }, { decl: 'include', name: './model.yaml' }, { path: 'p', op: 'dma_fence_signal', name: 'job' }, { path: 'p', op: 'invoke', name: 'h' }]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const items = await traceItems(stream);
    const errors = items.flatMap((i) => (i.kind === 'error' ? [i.error] : []));
    // The conflict is located at the included declaration, naming the stream's line.
    expect(errors.map((e) => `${e.loc!.file}:${e.loc!.line}:${e.loc!.column}: ${e.message}`)).toEqual([
      `${join(files.dir, 'model.yaml')}:1:19: lock "M" is declared twice, differently: at ${stream}:1:1 and at ${join(files.dir, 'model.yaml')}:1:19`,
    ]);
    expect(items.filter((i) => i.kind === 'step')).toHaveLength(2);
  });
});
