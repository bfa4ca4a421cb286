/**
 * `model_rule:` beside a step: a model's documented rule that the kernel does not annotate.
 * Reports say which part of a finding comes from such a rule; `--lockdep-only` (or
 * `options.lockdep_only`, or the config's `lockdep_only`) replays lockdep's view without it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.js';
import { scratch } from '../fuzz/harness.js';
import { replayYaml } from '../rules/rule-tester.js';

const RULE = 'run_job is in the finished fence signalling path (dma-buf.rst, DMA Fence Signalling Annotations)';

/** run_job allocating with GFP_KERNEL inside a section that only the model's rule opens. */
const MARKED_BLOCK = `version: 1
name: t
include: [kernel]
functions:
  run_job: [{kmalloc: GFP_KERNEL}]
paths:
  - name: run_job work
    steps:
      - signalling: [{call: run_job}]
        model_rule: "${RULE}"
`;

/** The same with the annotation steps, both marked. */
const MARKED_STEPS = `version: 1
name: t
include: [kernel]
paths:
  - name: submit
    steps:
      - {dma_fence_begin_signalling: null, model_rule: "arm to push is the signalling path"}
      - kmalloc: GFP_KERNEL
      - {dma_fence_end_signalling: null, model_rule: "arm to push is the signalling path"}
`;

/** A section the kernel annotates itself: never skipped. */
const ANNOTATED = `version: 1
name: t
include: [kernel]
paths:
  - name: reset
    steps:
      - signalling: [{kmalloc: GFP_KERNEL}]
`;

const fx = scratch('model-rule');
afterAll(() => fx.cleanup());

describe('model_rule', () => {
  it('a finding through a marked section names the rule; its stack entry carries it', async () => {
    const out = await replayYaml(MARKED_BLOCK);
    expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency']);
    const f = out.findings[0]!;
    expect(f.modelRules).toEqual([RULE]);
    const marked = f.chain.flatMap((c) => c.stack).filter((s) => s.modelRule !== undefined);
    expect(marked.map((s) => [s.step, s.line])).toEqual([['signalling', 9]]);
  });

  it('a finding whose trace only passes through a marked section names no rule: lockdep makes it alone', async () => {
    // A -> B inside the model's section, B -> A elsewhere: the cycle needs no signalling section
    const out = await replayYaml(`version: 1
name: t
include: [kernel]
locks: {A: mutex, B: mutex}
functions:
  run_job: [{mutex_lock: A}, {mutex_lock: B}, {mutex_unlock: B}, {mutex_unlock: A}]
paths:
  - name: run_job work
    steps:
      - signalling: [{call: run_job}]
        model_rule: "${RULE}"
  - name: ioctl
    steps: [{mutex_lock: B}, {mutex_lock: A}, {mutex_unlock: A}, {mutex_unlock: B}]
`);
    expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency']);
    expect(out.findings[0]!.modelRules).toBeUndefined();
    // the frame still says it is the model's rule
    expect(out.findings[0]!.chain.flatMap((c) => c.stack).some((s) => s.modelRule === RULE)).toBe(true);
  });

  it('a finding through an annotated section names no rule', async () => {
    const out = await replayYaml(ANNOTATED);
    expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency']);
    expect(out.findings[0]!.modelRules).toBeUndefined();
  });

  it('options.lockdep_only: the marked block is not replayed, its steps still are', async () => {
    const clean = await replayYaml(MARKED_BLOCK.replace('include: [kernel]', 'include: [kernel]\noptions: {lockdep_only: true}'));
    expect(clean.findings).toEqual([]);
    // The allocation itself still runs: under a spinlock it would still sleep.
    const still = await replayYaml(
      MARKED_BLOCK.replace('include: [kernel]', 'include: [kernel]\noptions: {lockdep_only: true}\nlocks: {S: spinlock}').replace(
        '- signalling: [{call: run_job}]',
        '- signalling: [{spin_lock: S}, {call: run_job}, {spin_unlock: S}]',
      ),
    );
    expect(still.findings.map((f) => f.rule)).toEqual(['sleep-in-atomic']);
  });

  it('options.lockdep_only: marked begin/end annotations are both skipped; an annotated section stays', async () => {
    expect((await replayYaml(MARKED_STEPS)).findings.map((f) => f.rule)).toEqual(['circular-dependency']);
    expect((await replayYaml(MARKED_STEPS.replace('include: [kernel]', 'include: [kernel]\noptions: {lockdep_only: true}'))).findings).toEqual([]);
    expect((await replayYaml(ANNOTATED.replace('include: [kernel]', 'include: [kernel]\noptions: {lockdep_only: true}'))).findings.map((f) => f.rule)).toEqual([
      'circular-dependency',
    ]);
  });

  it('text: the rule under the header, [model rule] on the marked step; --lockdep-only turns it off', async () => {
    const file = fx.write('marked.yaml', MARKED_BLOCK);
    const r = await cli(['check', '--no-config', file]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`  model rule, not a kernel annotation (--lockdep-only for lockdep's view): ${RULE}`);
    expect(r.out).toMatch(/marked\.yaml:9:9 {2}signalling {2}\[model rule\]/);
    const lockdep = await cli(['check', '--no-config', '--lockdep-only', file]);
    expect(lockdep.code).toBe(0);
    expect(lockdep.out).not.toContain('model rule');
  });

  it('--lockdep-only with an expectation left unmet: a note says the option skipped the models\' rules', async () => {
    const file = fx.write('marked-expected.yaml', `${MARKED_BLOCK}expect:\n  - rule: circular-dependency\n    involves: [fs_reclaim, dma_fence_map]\n`);
    const NOTE = /^note: --lockdep-only skipped the steps the models mark model_rule/m;
    const full = await cli(['check', '--no-config', file]);
    expect(full.code).toBe(0);
    expect(full.out).not.toMatch(NOTE);
    const lockdep = await cli(['check', '--no-config', '--lockdep-only', file]);
    expect(lockdep.code).toBe(1);
    expect(lockdep.out).toMatch(NOTE);
    // other formats: on stderr, the report stays machine-readable
    const json = await cli(['check', '--no-config', '--lockdep-only', '--format', 'json', file]);
    expect(() => JSON.parse(json.out)).not.toThrow();
    expect(json.err).toMatch(NOTE);
  });

  it('json: modelRules on the finding, modelRule on the stack entry', async () => {
    const file = fx.write('marked-json.yaml', MARKED_BLOCK);
    const r = await cli(['check', '--no-config', '--format', 'json', file]);
    const f = JSON.parse(r.out).results[0].findings[0];
    expect(f.modelRules).toEqual([RULE]);
    const entries = f.chain.flatMap((c: { stack: { modelRule?: string; step: string }[] }) => c.stack).filter((s: { modelRule?: string }) => s.modelRule);
    expect(entries).toEqual([expect.objectContaining({ step: 'signalling', modelRule: RULE })]);
  });

  it('the config file\'s lockdep_only', async () => {
    const dir = fx.sub('with-config');
    fx.write('with-config/fencedep.config.json', '{"lockdep_only": true}');
    const file = fx.write('with-config/marked.yaml', MARKED_BLOCK);
    const r = await cli(['check', '--config', `${dir}/fencedep.config.json`, file]);
    expect(r.code).toBe(0);
  });

  it('input errors: alone, empty, not text', async () => {
    await expect(replayYaml('version: 1\nname: t\npaths:\n  - name: p\n    steps:\n      - model_rule: "x"\n')).rejects.toThrow(/`model_rule` is written beside a step/);
    await expect(replayYaml('version: 1\nname: t\npaths:\n  - name: p\n    steps:\n      - {might_sleep: null, model_rule: ""}\n')).rejects.toThrow(/`model_rule`: expected the rule/);
    await expect(replayYaml('version: 1\nname: t\npaths:\n  - name: p\n    steps:\n      - {might_sleep: null, model_rule: [a]}\n')).rejects.toThrow(/`model_rule`: expected the rule/);
  });
});
