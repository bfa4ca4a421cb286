/**
 * `fencedep init [dir]`: a starter `fencedep.config.yaml` and `scenarios/example.yaml`, each
 * with a `# yaml-language-server: $schema=…` modeline pointing at the installed package's
 * schema. Existing files are never overwritten without `--force`: if either file exists,
 * nothing is written (exit 2, naming them).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../config/index.js';
import { installedSchemaFile, SCHEMA_FILES, type SchemaKind } from './shared.js';

export const INIT_CONFIG = 'fencedep.config.yaml';
export const INIT_SCENARIO = 'scenarios/example.yaml';

/**
 * The modeline's schema reference from a file in `fromDir`, `/`-separated. When fencedep is a
 * dependency of the project (installed in a `node_modules` of `fromDir` or above), a relative
 * path: it holds on every checkout of the project. Otherwise (a global install, a clone run
 * from elsewhere) the installed schema's absolute path: it holds wherever the file is moved.
 */
export function schemaRef(kind: SchemaKind, fromDir: string): string {
  const file = installedSchemaFile(kind);
  if (!file) return `./node_modules/fencedep/${SCHEMA_FILES[kind]}`;
  const rel = path.relative(fromDir, file).split(path.sep).join('/');
  if (!/^(\.\.\/)*node_modules\//.test(rel)) return file.split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export function starterConfig(schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# fencedep configuration, found upward from the working directory (or: fencedep check --config FILE).
# The command line overrides it; it overrides each scenario's own options.

# What \`fencedep check\` checks when given no paths (relative to this file).
inputs: [scenarios]

# Models added to every scenario, before its own includes.
# include: [kernel]

# Kernel profile and fence model for every scenario.
# kernel: "6.13"
# fence_model: lockdep

# Severity per rule: error (fails a file unless expected), warn (reported, never fails), off.
rules:
  ww-lock-between-reservations: warn   # an opt-in warning, turned on here

# Default output format: text, json, ...
format: text

# Known findings to ignore (write it with: fencedep check --update-baseline).
# baseline: fencedep-baseline.json
`;
}

export function starterScenario(schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# A starter scenario: a driver's submit ioctl and its drm_sched run_job callback, written with
# the built-in kernel and DRM helper models. Check it with \`fencedep check\`; see
# \`fencedep explain drm_sched_backend_ops.run_job\` and \`fencedep explain alloc-in-signalling\`.
version: 1
name: example
description: >
  run_job allocates with GFP_KERNEL: it runs in the job's finished-fence signalling path, and
  reclaim may wait for that very fence (through an mmu notifier), a deadlock lockdep reports
  as fs_reclaim -> mmu_notifier_invalidate_range_start -> dma_fence_map -> fs_reclaim.
include: [kernel, drm]

locks:
  vm_lock: { type: mutex, lockdep: "&vm->lock" }

functions:
  # A helper with arguments: \`$vm\` is the VM it is called with.
  foo_vm_bind:
    params: [vm]
    at: "drivers/gpu/drm/foo/foo_vm.c:120"   # where it is in the C code: reports point there
    steps:
      - mutex_lock: "vm_lock[$vm]"
      - kzalloc: GFP_KERNEL                # fine: no fence is published yet
      - mutex_unlock: "vm_lock[$vm]"

  # drm_sched_backend_ops.run_job: the scheduler calls it from its submit work, in the
  # signalling path of the job's finished fence.
  foo_run_job:
    - if: "!job->hw_fence"                 # both branches are checked
      then:
        - kmalloc: GFP_KERNEL              # BUG: GFP_NOWAIT, or allocate in the ioctl
    - extern: foo_ring_emit                # code the scenario does not model

hooks:
  drm_sched_backend_ops.run_job: [foo_run_job]

paths:
  - name: submit ioctl
    steps:
      - call: drm_sched_job_init(job)
      - loop:                              # every BO of the submit: zero, one and two taken
          - call: foo_vm_bind(vm)
      - call: drm_sched_job_arm(job)       # from here to the push: the signalling path
      - call: drm_sched_entity_push_job(job)

# The CI gate: this file passes while it finds exactly this. Drop the block to see it fail.
expect:
  - rule: circular-dependency
    involves: [fs_reclaim, dma_fence_map]
`;
}

export interface InitResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Write the starter files into `dir` (absolute). `cwd` decides how paths are shown. */
export function runInit(dir: string, force: boolean, cwd: string): InitResult {
  const configFile = path.join(dir, INIT_CONFIG);
  const scenarioFile = path.join(dir, ...INIT_SCENARIO.split('/'));
  const show = (p: string) => displayPath(p, cwd);
  const existing = [configFile, scenarioFile].filter((f) => existsSync(f));
  if (existing.length > 0 && !force) {
    const list = existing.map(show).join(', ');
    return {
      code: 2,
      out: '',
      err: `fencedep: init: not overwriting ${list} (${existing.length === 1 ? 'it exists' : 'they exist'}); nothing was written. Use --force to overwrite.\n`,
    };
  }
  try {
    mkdirSync(path.dirname(scenarioFile), { recursive: true });
    writeFileSync(configFile, starterConfig(schemaRef('config', dir)));
    writeFileSync(scenarioFile, starterScenario(schemaRef('scenario', path.dirname(scenarioFile))));
  } catch (e) {
    return { code: 2, out: '', err: `fencedep: init: ${e instanceof Error ? e.message : String(e)}\n` };
  }
  const out =
    `wrote ${show(configFile)}\n` +
    `wrote ${show(scenarioFile)}\n` +
    `next: fencedep check   (checks ${INIT_SCENARIO.split('/')[0]}/ as the config says)\n`;
  return { code: 0, out, err: '' };
}
