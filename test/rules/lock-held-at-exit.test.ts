import { describe, expect, it } from 'vitest';
import { userLocation } from '../../src/report/findings.js';
import { replayYaml, ruleTester, yaml } from './rule-tester.js';

ruleTester('lock-held-at-exit', {
  valid: [
    {
      name: 'a return inside with/do releases the lock',
      yaml: yaml`
        locks: {A: mutex}
        functions:
          f:
            - with: A
              do:
                - return
                - lock: A
        paths:
          - name: t
            steps: [{call: f}]
      `,
    },
  ],
  invalid: [
    {
      name: 'a path that ends holding a lock (reported where it was taken)',
      yaml: yaml`
        locks: {A: mutex, B: mutex}
        paths:
          - name: t
            steps:
              - lock: A
              - lock: B
              - unlock: B
      `,
      findings: [{ locks: ['A'], line: 5, message: /ends holding A/ }],
    },
    {
      name: 'an RCU section left open',
      yaml: yaml`
        paths:
          - name: t
            steps:
              - rcu_read_lock
      `,
      findings: [{ locks: ['rcu_read_lock'], line: 4 }],
    },
    {
      name: 'a return that skips the unlock',
      yaml: yaml`
        locks: {A: mutex}
        functions:
          f:
            - lock: A
            - return
            - unlock: A
        paths:
          - name: t
            steps: [{call: f}]
      `,
      findings: [{ locks: ['A'], line: 4 }],
    },
  ],
});

describe('a lock a model helper took and the path never released', () => {
  it('is traced and located at the scenario step that called the helper', async () => {
    const out = await replayYaml(`version: 1
name: t
include: [kernel, drm]
paths:
  - name: ioctl
    steps:
      - call: drm_exec_init(exec, 0, 0)
      - call: drm_exec_until_all_locked(exec)
      - call: drm_exec_prepare_obj(exec, bo, 1)
`);
    const f = out.findings.find((x) => x.rule === 'lock-held-at-exit')!;
    expect(f.location.file).toMatch(/^<fencedep>\/rules\/drm\/exec\.yaml$/);
    const trace = f.report.find((b) => b.kind === 'trace');
    expect(trace).toMatchObject({ title: 'the first lock still held was taken at:', path: 'ioctl' });
    const at = userLocation(f);
    expect(at.file).toMatch(/^case-\d+\.yaml$/);
    expect(at.line).toBe(8); // call: drm_exec_until_all_locked(exec), whose ww_acquire_init took the first lock
  });
});
