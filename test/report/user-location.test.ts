/**
 * A finding triggered inside a built-in model (`<fencedep>/rules/...`) is shown where the user
 * can open it: the text header, GitHub and SARIF all name the scenario step that led into the
 * model, with that step's `at:` (its own, or the enclosing function's) where it has one. The
 * JSON `location` stays the triggering step (the contract), the model's own file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers.js';
import { scratch } from '../fuzz/harness.js';

// An imported BO's destructor runs drm_prime_gem_destroy (dma_buf_detach takes the exporter's
// reservation without a context) while drm_exec holds another reservation.
const DESIGN = `version: 1
name: destroy-under-exec
include: [kernel, drm]
functions:
  foo_gem_free:
    at: "drivers/gpu/drm/foo/foo_gem.c:301"
    steps:
      - call: drm_prime_gem_destroy(imported)
hooks:
  drm_gem_object_funcs.free: [foo_gem_free]
paths:
  - name: unbind ioctl
    steps:
      - call: drm_exec_init(exec, 0, 1)
      - call: drm_exec_until_all_locked(exec)
      - call: drm_exec_lock_obj(exec, vm)
      - call: drm_gem_object_put(imported)
      - call: drm_exec_fini(exec)
`;

const fx = scratch('user-location');
afterAll(() => fx.cleanup());

describe('a finding triggered inside a model', () => {
  it('text header, GitHub and SARIF point into the user\'s files; JSON keeps the triggering step', async () => {
    const file = fx.write('destroy.yaml', DESIGN);
    const json = JSON.parse((await cli(['check', '--no-config', '--format', 'json', file])).out);
    const f = json.results[0].findings[0];
    expect(f.rule).toBe('recursive-locking');
    expect(f.location.file).toMatch(/^<fencedep>\/rules\/drm\//);

    const text = (await cli(['check', '--no-config', '--no-color', file])).out;
    // The header: the call in foo_gem_free (line 8), in the checked file.
    expect(text.split('\n')[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8:9: error: possible recursive locking`));

    const github = (await cli(['check', '--no-config', '--format', 'github', file])).out;
    // The function's at: is inherited by its steps.
    expect(github).toMatch(/^::error file=drivers\/gpu\/drm\/foo\/foo_gem\.c,line=301,title=/m);

    const sarif = JSON.parse((await cli(['check', '--no-config', '--format', 'sarif', file])).out);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('drivers/gpu/drm/foo/foo_gem.c');
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(301);
  });
});
