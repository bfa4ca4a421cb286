/**
 * Revision 1.1 in the outputs (docs/scenario-format.md §13, docs/cli.md): `at:` beside the
 * scenario position in text and JSON and as the location of SARIF, GitHub and JUnit; the branch
 * and iteration a trace took; `extern` calls in `--stats`; a library listed, not checked alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.js';
import { scratch } from '../fuzz/harness.js';

const LIBRARY = `version: 1
name: helpers
library: true
functions:
  foo_vm_lock:
    params: [vm]
    at: "drivers/gpu/drm/foo/foo_vm.c:40"
    steps:
      - {mutex_lock: "vm_lock[$vm]", at: "drivers/gpu/drm/foo/foo_vm.c:42"}
`;

// bind: bo_lock -> vm_lock on the else branch; evict: vm_lock -> bo_lock in a loop.
const DESIGN = `version: 1
name: design
include: [./lib/helpers.yaml]
locks:
  vm_lock: mutex
  bo_lock: mutex
paths:
  - name: bind ioctl
    steps:
      - {mutex_lock: bo_lock, at: "drivers/gpu/drm/foo/foo_bind.c:10"}
      - if: "flags & FOO_BIND_SYNC"
        at: "drivers/gpu/drm/foo/foo_bind.c:12"
        then: [{extern: "foo_flush(vm)"}]
        else: [{call: "foo_vm_lock(vm0)"}, {mutex_unlock: "vm_lock[vm0]"}]
      - extern: foo_trace
      - mutex_unlock: bo_lock
  - name: evict
    steps:
      - loop:
          - call: "foo_vm_lock(vm0)"
          - {mutex_lock: bo_lock, at: "drivers/gpu/drm/foo/foo_evict.c:77:5"}
          - mutex_unlock: bo_lock
          - mutex_unlock: "vm_lock[vm0]"
`;

const fx = scratch('outputs-1.1');
let dir: string;
let design: string;
beforeAll(() => {
  fx.write('lib/helpers.yaml', LIBRARY);
  design = fx.write('design.yaml', DESIGN);
  dir = fx.dir;
});
afterAll(() => fx.cleanup());

interface JsonStep {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly at?: { file: string; line: number; column?: number };
  readonly step: string;
}

describe('revision 1.1 outputs', () => {
  it('text: the C location, the step, then the scenario position; the branch and iteration taken', async () => {
    const r = await cli(['check', '--no-config', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`  (bo_lock){+.+.}-{4:4}, at: drivers/gpu/drm/foo/foo_evict.c:77:5 mutex_lock: bo_lock (${design}:21:14)`);
    expect(r.out).toContain(`       drivers/gpu/drm/foo/foo_bind.c:12  if: flags & FOO_BIND_SYNC (else)  (${design}:11:9)`);
    expect(r.out).toContain(`       ${design}:19:9  loop (iteration 1 of 1)`);
    // The function's instance, with the argument substituted, where the library takes it.
    expect(r.out).toMatch(/drivers\/gpu\/drm\/foo\/foo_vm\.c:42 {2}mutex_lock: vm_lock\[vm0\] {2}\(.*lib\/helpers\.yaml:9:10\)/);
  });

  it('JSON: at beside file/line/column in the location and in stack entries', async () => {
    const r = await cli(['check', '--no-config', '--format', 'json', dir]);
    const result = JSON.parse(r.out).results.find((x: { file: string }) => x.file === design);
    const f = result.findings[0];
    expect(f.location).toEqual({ file: design, line: 21, column: 14, at: { file: 'drivers/gpu/drm/foo/foo_evict.c', line: 77, column: 5 } });
    const steps: JsonStep[] = f.chain.flatMap((c: { stack: JsonStep[] }) => c.stack);
    expect(steps).toContainEqual({ file: design, line: 11, column: 9, at: { file: 'drivers/gpu/drm/foo/foo_bind.c', line: 12 }, step: 'if: flags & FOO_BIND_SYNC (else)' });
    expect(steps).toContainEqual({ file: design, line: 19, column: 9, step: 'loop (iteration 1 of 1)' });
  });

  it('SARIF, GitHub and JUnit locate the finding at the C code, as written', async () => {
    const sarif = JSON.parse((await cli(['check', '--no-config', '--format', 'sarif', dir])).out);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'drivers/gpu/drm/foo/foo_evict.c', uriBaseId: '%SRCROOT%' },
      region: { startLine: 77, startColumn: 5 },
    });
    const github = (await cli(['check', '--no-config', '--format', 'github', dir])).out;
    expect(github).toMatch(/^::error file=drivers\/gpu\/drm\/foo\/foo_evict\.c,line=77,col=5,/m);
    const junit = (await cli(['check', '--no-config', '--format', 'junit', dir])).out;
    expect(junit).toContain('<failure message="drivers/gpu/drm/foo/foo_evict.c:77:5: possible circular locking dependency');
  });

  it('--stats lists the extern calls met; a library found in a directory is listed, not checked', async () => {
    const json = JSON.parse((await cli(['check', '--no-config', '--stats', '--format', 'json', dir])).out);
    const byFile = new Map(json.results.map((x: { file: string }) => [x.file, x]));
    expect((byFile.get(design) as { stats: { extern: string[] } }).stats.extern).toEqual(['foo_flush', 'foo_trace']);
    const lib = byFile.get(`${dir}/lib/helpers.yaml`) as { status: string; findings: unknown[] };
    expect(lib.status).toBe('library');
    expect(lib.findings).toEqual([]);
    const text = (await cli(['check', '--no-config', '--stats', dir])).out;
    expect(text).toContain(`opaque (extern) calls in ${design}: foo_flush, foo_trace`);
    expect(text).toContain('1 library');
  });

  it('if: {since} names the branch its release took, as alternatives do', async () => {
    const file = fx.write('since.yaml', `version: 1\nname: since\nlocks: {A: mutex, B: mutex}\npaths:\n  - name: p\n    steps:\n      - mutex_lock: A\n      - if: {since: "6.8"}\n        then: [{mutex_lock: B}, {mutex_unlock: B}]\n        else: [{mutex_lock: B}, {mutex_unlock: B}]\n      - mutex_unlock: A\n  - name: q\n    steps: [{mutex_lock: B}, {mutex_lock: A}, {mutex_unlock: A}, {mutex_unlock: B}]\n`);
    const steps = async (kernel: string): Promise<string[]> => {
      const j = JSON.parse((await cli(['check', '--no-config', '--format', 'json', '--kernel', kernel, file])).out);
      return j.results[0].findings[0].chain.flatMap((c: { stack: JsonStep[] }) => c.stack.map((s) => s.step));
    };
    expect(await steps('6.6')).toContain('if: since 6.8 (else)');
    expect(await steps('6.8')).toContain('if: since 6.8 (then)');
    // the text report's header names the release, and the lockdep profile when it differs
    const header = async (kernel: string) => (await cli(['check', '--no-config', '--verbose', '--kernel', kernel, file])).out.split('\n').find((l) => l.endsWith('(fencedep)'));
    expect(await header('6.6')).toBe('6.6 kernel, 5.10 lockdep profile (fencedep)');
    expect(await header('6.13')).toBe('6.13 kernel profile (fencedep)');
  });

  it('a library checked by name loads (its includers\' names are not required)', async () => {
    const r = await cli(['check', '--no-config', `${dir}/lib/helpers.yaml`]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});
