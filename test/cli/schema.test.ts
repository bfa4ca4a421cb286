/**
 * `fencedep schema`: the committed schema/*.schema.json are what the command prints (else:
 * regenerate with `node bin/fencedep.js schema > schema/scenario.schema.json` and
 * `node bin/fencedep.js schema config > schema/config.schema.json`), they are valid draft-07,
 * every scenario of fixtures/, test/selftest/ and the built-in models validates against the
 * scenario schema, and a typo does not.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { starterConfig, starterScenario } from '../../src/cli/init.js';
import { cli } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');

function scenarioFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [path.join(ROOT, dir)];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) stack.push(p);
      else if (/\.(ya?ml|json)$/.test(e)) out.push(p);
    }
  }
  return out.sort();
}

function compile(rel: string) {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  const schema = JSON.parse(read(rel));
  expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
  return ajv.compile(schema);
}

describe('fencedep schema', () => {
  it('prints the committed schema/scenario.schema.json (regenerate: node bin/fencedep.js schema > schema/scenario.schema.json)', async () => {
    const r = await cli(['schema']);
    expect(r.code).toBe(0);
    expect(r.out, 'schema/scenario.schema.json is stale: run node bin/fencedep.js schema > schema/scenario.schema.json').toBe(read('schema/scenario.schema.json'));
  });

  it('prints the committed schema/config.schema.json (regenerate: node bin/fencedep.js schema config > schema/config.schema.json)', async () => {
    const r = await cli(['schema', 'config']);
    expect(r.code).toBe(0);
    expect(r.out, 'schema/config.schema.json is stale: run node bin/fencedep.js schema config > schema/config.schema.json').toBe(read('schema/config.schema.json'));
  });

  it('is draft-07 with an $id, a title, a description and hover text for the top-level keys', () => {
    const s = JSON.parse(read('schema/scenario.schema.json'));
    expect(s.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(s).toMatchObject({ $id: 'urn:fencedep:schema:scenario:1', title: 'fencedep scenario', type: 'object', additionalProperties: false });
    expect(s.description).toMatch(/fencedep scenario/);
    for (const key of ['include', 'locks', 'fences', 'functions', 'hooks', 'paths', 'expect', 'options']) expect(s.properties[key].description, key).toBeTypeOf('string');
    // io: 'input': nothing is required at the top level.
    expect(s.required).toBeUndefined();
  });

  it('an unknown kind is a usage error', async () => {
    const r = await cli(['schema', 'scenarios']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("'scenarios' is invalid for argument 'kind'. Allowed choices are scenario, config.");
  });
});

describe('the scenario schema validates', () => {
  const validate = compile('schema/scenario.schema.json');
  const files = [...scenarioFiles('fixtures'), ...scenarioFiles('test/selftest'), ...scenarioFiles('rules')];

  it(`every fixture, selftest scenario and built-in model (${files.length} files)`, () => {
    expect(files.length).toBeGreaterThan(380);
    const bad: string[] = [];
    for (const f of files) {
      const value = f.endsWith('.json') ? JSON.parse(readFileSync(f, 'utf8')) : parse(readFileSync(f, 'utf8'));
      if (!validate(value)) bad.push(`${path.relative(ROOT, f)}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
    expect(bad).toEqual([]);
  });

  it('the starter scenario of fencedep init', () => {
    expect(validate(parse(starterScenario('x')))).toBe(true);
  });

  it('but not a typo: a top-level key, a lock type, a step, a step argument, a rule id', () => {
    const base = parse(read('fixtures/lockdep/vm-lock-vs-bo-list.yaml'));
    expect(validate(base)).toBe(true);
    const typos: [string, unknown][] = [
      ['lokcs', (() => { const { locks, ...rest } = base; return { ...rest, lokcs: locks }; })()],
      ['lock type', { ...base, locks: { ...base.locks, vm_lock: { type: 'mutx' } } }],
      ['step name', { ...base, paths: [{ name: 'p', steps: [{ mutex_lokc: 'vm_lock' }] }] }],
      ['with key', { ...base, paths: [{ name: 'p', steps: [{ with: 'vm_lock', doo: [] }] }] }],
      ['kmalloc arg', { ...base, paths: [{ name: 'p', steps: [{ kmalloc: ['GFP_KERNEL'] }] }] }],
      ['path key', { ...base, paths: [{ name: 'p', setps: [] }] }],
      ['rule id', { ...base, expect: [{ rule: 'circular-dependence' }] }],
      ['options', { ...base, options: { kernel: '5.4' } }],
    ];
    for (const [what, value] of typos) expect(validate(value), what).toBe(false);
  });
});

describe('the config schema validates', () => {
  const validate = compile('schema/config.schema.json');

  it('the starter config and a full one, not a typo', () => {
    expect(validate(parse(starterConfig('x')))).toBe(true);
    const full = { $schema: 'x', include: ['kernel'], kernel: '5.10', fence_model: 'precise', rules: { 'circular-dependency': 'warn', 'ww-misuse': 'off' }, format: 'json', baseline: 'b.json', fail_on_stale_baseline: true, inputs: ['fixtures'] };
    expect(validate(full)).toBe(true);
    expect(validate({ ...full, kernal: '5.10' })).toBe(false);
    expect(validate({ ...full, rules: { 'circular-dependence': 'warn' } })).toBe(false);
    expect(validate({ ...full, rules: { 'circular-dependency': 'warning' } })).toBe(false);
  });
});
