/**
 * The config file: discovery upward, --config / --no-config, precedence (command line >
 * config > scenario options), per-rule severity, default includes (scenarios and streams),
 * format and inputs, and validation errors with positions and "did you mean".
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfig, loadConfig } from '../../src/config/index.js';
import { InputErrors } from '../../src/load/errors.js';
import { builtinModelNames } from '../../src/load/models.js';
import { ABBA, json, runIn, sandbox } from '../cli/gate-helpers.js';

const NO_STACK = /^\s+at .+\(.*:\d+:\d+\)$/m;

/** Cycle A -> dma_fence_map -> A only in the 5.10 profile (6.13: the section's read acquisition is a trylock). */
const PROFILE = `locks: {A: mutex}
paths:
  - name: one
    steps: [{lock: A}, {signalling: [{might_sleep: }]}, {unlock: A}]
  - name: two
    steps: [{signalling: [{lock: A}, {unlock: A}]}]
`;

const status = (r: { out: string }) => json(r).results.map((x: { status: string }) => x.status);

describe('discovery', () => {
  it('is found upward from the working directory; the nearest wins; --no-config ignores it', async () => {
    const sb = sandbox();
    const a = sb.write('s/a.yaml', ABBA);
    const deep = sb.p('x', 'y', 'z');
    sb.write('x/y/z/.keep', '');
    expect((await runIn(deep, ['check', a])).code).toBe(1);
    sb.write('fencedep.config.yaml', 'rules:\n  circular-dependency: warn\n');
    const found = await runIn(deep, ['check', a]);
    expect(found.code).toBe(0);
    expect(found.out).toMatch(/: warning: possible circular locking dependency/);
    sb.write('x/fencedep.config.json', '{"rules": {"circular-dependency": "error"}}');
    expect((await runIn(deep, ['check', a])).code).toBe(1);
    expect((await runIn(sb.dir, ['check', a])).code).toBe(0);
    expect((await runIn(sb.dir, ['check', a, '--no-config'])).code).toBe(1);
    expect(findConfig(deep)).toBe(sb.p('x', 'fencedep.config.json'));
  });

  it('every name is looked for (.json, .yaml, .yml); two in one directory is an error', async () => {
    const sb = sandbox();
    const a = sb.write('a.yaml', ABBA);
    sb.write('fencedep.config.yml', 'rules: {circular-dependency: "off"}\n');
    expect((await runIn(sb.dir, ['check', a])).code).toBe(0);
    sb.write('fencedep.config.json', '{}');
    const r = await runIn(sb.dir, ['check', a]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`fencedep: more than one config file in ${sb.dir}: fencedep.config.json, fencedep.config.yml; keep one (or pass --config FILE)`);
  });

  it('--config FILE (relative to the working directory) replaces discovery', async () => {
    const sb = sandbox();
    const a = sb.write('a.yaml', ABBA);
    sb.write('fencedep.config.yaml', 'rules: {circular-dependency: "off"}\n');
    sb.write('strict/other.yaml', 'rules: {circular-dependency: error}\n');
    expect((await runIn(sb.dir, ['check', a, '--config', 'strict/other.yaml'])).code).toBe(1);
    const missing = await runIn(sb.dir, ['check', a, '--config', 'nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read config nope.yaml: no such file');
  });
});

describe('precedence: command line > config > scenario options', () => {
  it('kernel', async () => {
    const sb = sandbox();
    const s = sb.write('s/p.yaml', PROFILE);
    const s510 = sb.write('s/p510.yaml', `${PROFILE}options: {kernel: "5.10"}\n`);
    const noConfig = await runIn(sb.dir, ['check', s, s510, '--format', 'json']);
    expect(status(noConfig)).toEqual(['pass', 'fail']); // the scenario's own option
    sb.write('fencedep.config.yaml', 'kernel: "5.10"\n');
    expect(status(await runIn(sb.dir, ['check', s, s510, '--format', 'json']))).toEqual(['fail', 'fail']);
    sb.write('fencedep.config.yaml', 'kernel: 6.13\n');
    expect(status(await runIn(sb.dir, ['check', s, s510, '--format', 'json']))).toEqual(['pass', 'pass']);
    expect(status(await runIn(sb.dir, ['check', s, s510, '--format', 'json', '--kernel', '5.10']))).toEqual(['fail', 'fail']);
  });

  it('fence model', async () => {
    const sb = sandbox();
    // Driver A waits on its fence under its lock; driver B takes that lock while signalling
    // its own fence: tied through dma_fence_map in the lockdep model, not in the precise one.
    const s = sb.write('f.yaml', `locks: {a_lock: mutex}
fences: {a_fence: {}, b_fence: {}}
paths:
  - name: driver A waits
    steps: [{mutex_lock: a_lock}, {dma_fence_wait: a_fence}, {mutex_unlock: a_lock}]
  - name: driver B signals
    steps:
      - signalling:
          fences: [b_fence]
          do: [{mutex_lock: a_lock}, {mutex_unlock: a_lock}, {signal: b_fence}]
`);
    const lockdep = await runIn(sb.dir, ['check', s, '--format', 'json']);
    sb.write('fencedep.config.yaml', 'fence_model: precise\n');
    const precise = await runIn(sb.dir, ['check', s, '--format', 'json']);
    const cli = await runIn(sb.dir, ['check', s, '--format', 'json', '--fence-model', 'lockdep']);
    expect(status(lockdep)).toEqual(['fail']);
    expect(status(precise)).toEqual(['pass']);
    expect(status(cli)).toEqual(['fail']);
  });

  it('format: the config\'s unless --format is given', async () => {
    const sb = sandbox();
    const a = sb.write('a.yaml', `${ABBA}expect: [{rule: circular-dependency}]\n`);
    sb.write('fencedep.config.yaml', 'format: json\n');
    expect(json(await runIn(sb.dir, ['check', a])).summary.passed).toBe(1);
    const text = (await runIn(sb.dir, ['check', a, '--format', 'text'])).out;
    expect(text).toContain(`${a}:6:25: error: possible circular locking dependency: A -> B -> A [circular-dependency] (expected)\n`);
    expect(text.trimEnd().split('\n').at(-1)).toBe('✔ 1 file: 1 passed, 0 failed, 0 errors; 1 finding');
  });

  it('inputs: checked when no path is given, relative to the config file', async () => {
    const sb = sandbox();
    sb.write('suite/a.yaml', `${ABBA}expect: [{rule: circular-dependency}]\n`);
    sb.write('fencedep.config.yaml', 'inputs: [suite]\n');
    sb.write('sub/.keep', '');
    const r = await runIn(sb.p('sub'), ['check', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(json(r).results.map((x: { file: string }) => x.file)).toEqual([sb.p('suite', 'a.yaml')]);
  });
});

describe('rules: per-rule severity', () => {
  it('off drops the findings and the expectations of the rule; warn reports without failing', async () => {
    const sb = sandbox();
    const a = sb.write('a.yaml', ABBA);
    const expecting = sb.write('e.yaml', `locks: {A: mutex}\nexpect: [{rule: circular-dependency}]\n`);
    sb.write('fencedep.config.yaml', 'rules:\n  circular-dependency: off\n');
    const off = await runIn(sb.dir, ['check', a, expecting, '--format', 'json']);
    expect(off.code).toBe(0);
    expect(json(off).results.map((r: { findings: unknown[]; unmet: unknown[] }) => [r.findings.length, r.unmet.length])).toEqual([[0, 0], [0, 0]]);
    sb.write('fencedep.config.yaml', 'rules:\n  circular-dependency: warn\n');
    const warn = await runIn(sb.dir, ['check', a, '--format', 'json']);
    expect(warn.code).toBe(0);
    expect(json(warn).results[0].findings[0]).toMatchObject({ rule: 'circular-dependency', severity: 'warn', expected: false });
    expect(json(warn).summary.findings).toBe(1);
  });

  it('error or warn turns on an opt-in rule', async () => {
    const sb = sandbox();
    const s = sb.write('ww.yaml', `include: [kernel]
locks: {M: mutex}
paths:
  - name: t
    steps:
      - ww_acquire_init: {ctx: c, class: reservation_ww_class}
      - dma_resv_lock: {name: "dma_resv[a]", ctx: c}
      - mutex_lock: M
      - dma_resv_lock: {name: "dma_resv[b]", ctx: c, on_edeadlk: [return]}
      - mutex_unlock: M
      - dma_resv_unlock: "dma_resv[b]"
      - dma_resv_unlock: "dma_resv[a]"
      - ww_acquire_fini: c
`);
    const rules = (r: { out: string }) =>
      json(r)
        .results[0].findings.filter((f: { rule: string }) => f.rule === 'ww-lock-between-reservations')
        .map((f: { rule: string; severity: string }) => `${f.rule}:${f.severity}`);
    expect(rules(await runIn(sb.dir, ['check', s, '--format', 'json']))).toEqual([]);
    sb.write('fencedep.config.yaml', 'rules: {ww-lock-between-reservations: warn}\n');
    const warn = await runIn(sb.dir, ['check', s, '--format', 'json']);
    expect(rules(warn)).toEqual(['ww-lock-between-reservations:warn']);
    sb.write('fencedep.config.yaml', 'rules: {ww-lock-between-reservations: error}\n');
    const error = await runIn(sb.dir, ['check', s, '--format', 'json']);
    expect(rules(error)).toEqual(['ww-lock-between-reservations:error']);
    expect(json(error).results[0].status).toBe('fail');
  });
});

describe('include', () => {
  const USES_KERNEL = 'locks: {mine: mutex}\npaths:\n  - name: p\n    steps: [{mmap_read_lock: }, {mutex_lock: mine}, {mutex_unlock: mine}, {mmap_read_unlock: }]\nexpect: clean\n';
  const STREAM = [
    '{"decl":"scenario","name":"tr","expect":"clean","options":{"kernel":"5.10"}}',
    '{"decl":"lock","name":"mine","type":"mutex"}',
    '{"path":"p","op":"mmap_read_lock"}',
    '{"path":"p","op":"lock","name":"mine"}',
    '{"path":"p","op":"unlock","name":"mine"}',
    '{"path":"p","op":"mmap_read_unlock"}',
    '',
  ].join('\n');

  it('adds models to every scenario and stream (the stream\'s header may still come first)', async () => {
    const sb = sandbox();
    const s = sb.write('s/uses.yaml', USES_KERNEL);
    const also = sb.write('s/also.yaml', `include: [kernel]\n${USES_KERNEL}`);
    const t = sb.write('s/t.jsonl', STREAM);
    const t2 = sb.write('s/t2.jsonl', `{"decl":"include","name":"kernel"}\n${STREAM}`.replace('"options":{"kernel":"5.10"}', '"options":{}'));
    const without = await runIn(sb.dir, ['check', s, t, '--format', 'json']);
    expect(status(without)).toEqual(['error', 'error']);
    expect(json(without).results[0].errors[0].message).toContain('add `include: [kernel]`');
    sb.write('fencedep.config.yaml', 'include: [kernel]\n');
    const r = await runIn(sb.dir, ['check', s, also, t, t2, '--format', 'json', '--stats']);
    expect(json(r).results.flatMap((x: { errors: { message: string }[] }) => x.errors.map((e) => e.message))).toEqual([]);
    expect(status(r)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(r.code).toBe(0);
    // Included once: the scenario that includes the kernel itself replays the same events.
    const [a, b] = json(r).results;
    expect(a.stats.events).toBe(b.stats.events);
  });

  it('files are relative to the config file', async () => {
    const sb = sandbox();
    sb.write('models/extra.yaml', 'locks: {extra_lock: mutex}\n');
    const s = sb.write('s/x.yaml', 'paths:\n  - name: p\n    steps: [{lock: extra_lock}, {unlock: extra_lock}]\nexpect: clean\n');
    sb.write('fencedep.config.yaml', 'include: [./models/extra.yaml]\n');
    sb.write('s/deeper/.keep', '');
    const r = await runIn(sb.p('s', 'deeper'), ['check', s]);
    expect(r.code).toBe(0);
  });
});

describe('validation', () => {
  it('errors with file:line:column, what was expected and a "did you mean"; exit 2; nothing checked', async () => {
    const sb = sandbox();
    const a = sb.write('a.yaml', ABBA);
    sb.write('fencedep.config.yaml', ['include: [kernl]', 'kernal: "5.10"', 'rules:', '  circluar-dependency: off', '  recursive-locking: fatal', 'format: jsn', 'fence_model: exact', ''].join('\n'));
    const r = await runIn(sb.dir, ['check', a]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toEqual([
      // The model list is the files of rules/ (it grows with the models).
      `fencedep.config.yaml:1:11: error: unknown model "kernl"; built-in models: ${builtinModelNames().join(', ')} (did you mean "kernel"?)`,
      'fencedep.config.yaml:2:1: error: unknown key "kernal"; expected one of $schema, include, kernel, lockdep_only, fence_model, rules, format, baseline, fail_on_stale_baseline, inputs (did you mean "kernel"?)',
      'fencedep.config.yaml:4:3: error: unknown rule "circluar-dependency" in rules (did you mean "circular-dependency"?); the rules are listed by \'fencedep rules\'',
      'fencedep.config.yaml:5:22: error: rules["recursive-locking"]: expected one of error, warn, off',
      'fencedep.config.yaml:6:9: error: format: unknown format "jsn"; expected one of text, json, sarif, junit, github, markdown (did you mean "json"?)',
      'fencedep.config.yaml:7:14: error: fence_model: expected one of lockdep, precise',
      'fencedep: the config file is not valid (pass --no-config to run without it)',
      '',
    ]);
  });

  it('JSON config: positions too; syntax errors; empty and non-map files', async () => {
    const sb = sandbox();
    const cases: [string, string, RegExp][] = [
      ['{\n  "rules": {\n    "sleep-in-atomc": "warn"\n  }\n}\n', 'json', /^fencedep\.config\.json:3:5: error: unknown rule "sleep-in-atomc" in rules \(did you mean "sleep-in-atomic"\?\)/],
      ['{"include": ["kernel"],}', 'json', /^fencedep\.config\.json:1:\d+: error: invalid JSON/],
      ['', 'yaml', /^fencedep\.config\.yaml:1:1: error: empty config file/],
      ['- kernel\n', 'yaml', /^fencedep\.config\.yaml:1:1: error: a config file is a map of keys/],
      ['rules: [circular-dependency]\n', 'yaml', /^fencedep\.config\.yaml:1:8: error: rules: expected a map, got a list/],
      ['include: kernel\n', 'yaml', /^fencedep\.config\.yaml:1:10: error: include: expected a list, got the string "kernel"/],
      ['rules:\n  a: warn\n  a: off\n', 'yaml', /^fencedep\.config\.yaml:3:3: error: duplicate key "a"/],
    ];
    for (const [text, ext, want] of cases) {
      const box = sandbox();
      box.write(`fencedep.config.${ext}`, text);
      const r = await runIn(box.dir, ['check', sb.write('a.yaml', ABBA)]);
      expect(r.code, text).toBe(2);
      expect(r.err, text).toMatch(want);
      expect(r.err).not.toMatch(NO_STACK);
    }
  });

  it('loadConfig resolves paths against the file and maps kernel numbers', async () => {
    const sb = sandbox();
    const file = sb.write('cfg/fencedep.config.yaml', 'kernel: 5.10\nbaseline: known.json\ninputs: [../suite]\ninclude: [kernel/mm]\n');
    const c = await loadConfig(file, sb.dir);
    expect(c.file).toBe(path.join('cfg', 'fencedep.config.yaml'));
    expect(c.kernel).toBe('5.10');
    expect(c.baseline).toBe(sb.p('cfg', 'known.json'));
    expect(c.inputs).toEqual([sb.p('suite')]);
    expect(c.include.map((x) => x.spec)).toEqual(['kernel/mm']);
    await expect(loadConfig(sb.write('bad.yaml', 'kernel: 4.19\n'), sb.dir)).rejects.toBeInstanceOf(InputErrors);
  });
});
