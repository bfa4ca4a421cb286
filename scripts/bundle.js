// `npm run bundle` (the end of `npm run build`): the CLI as one file that starts fast.
//
// dist/bundle/main.cjs is the whole CLI, minified, written as one function expression taking
// CommonJS's arguments, so bin/bundle.js compiles it with vm.Script and V8's code cache
// without copying 700 kB of source into a wrapper. It is pure ASCII (checked here), so it is
// read as latin1, a plain copy. Then the bundle checks two small scenarios of its own (output
// dropped) and V8's compiled code of every function that ran is saved to main.cjs.cache: a
// start deserialises bytecode instead of parsing and compiling the source.
//
// dist/bundle/trace-worker.js is the JSONL reader thread (src/load/trace-worker.ts), an ES module.
//
// dist/bundle/source-dirs.json lists src/'s directories, for bin/fencedep.js to see whether the
// checkout's sources changed since this build with a stat of each rather than reading them all.
//
// dist/models.json is every built-in model parsed, with its positions and the identity of its
// file, and the steps of the usual includes' models converted; dist/model-texts.json the texts
// those parses were made from (src/load/model-cache.ts). Made by the compiled loader (so `tsc`
// runs first: `npm run build`).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE, CODE_CACHE, loadBundle } from '../bin/bundle.js';
import { modelCacheFile, modelTextsFile, storedModelCache } from '../dist/src/load/model-cache.js';
import { buildModelCache } from '../dist/src/load/model-cache-build.js';

const root = (rel) => fileURLToPath(new URL(`../${rel}`, import.meta.url));
// The loader reads dist/models.json while the build converts the models: never the last build's.
rmSync(modelCacheFile(root('.')), { force: true });
rmSync(modelTextsFile(root('.')), { force: true });
const stored = storedModelCache(await buildModelCache());
writeFileSync(modelCacheFile(root('.')), stored.models);
writeFileSync(modelTextsFile(root('.')), stored.texts);
const common = { bundle: true, minify: true, platform: 'node', target: 'node20', logLevel: 'warning', charset: 'ascii' };

// commander requires node:child_process at its top, for executable subcommands (fencedep has
// none), and loading that builtin is ~8 ms of a start: commander gets a stand-in that loads it
// when a property is first read.
const LAZY = 'lazy-builtin';
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.namespace === LAZY ? { path: args.path, external: true } : /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: args.path, namespace: LAZY } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: LAZY }, (args) => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require(${JSON.stringify(args.path)}))[key] });`,
      loader: 'js',
    }));
  },
};

// chalk detects at its import whether stdout and stderr take colour (reading the environment,
// loading node:os and node:tty), for its default instances; fencedep never uses those (its
// painters are told the level: src/report/color.ts), so the bundle gives chalk a detection
// that finds none.
const NO_DETECTION = 'chalk-no-detection';
const noColorDetection = {
  name: 'chalk-no-color-detection',
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, (args) => (/[\\/]node_modules[\\/]chalk[\\/]/.test(args.importer) ? { path: args.path, namespace: NO_DETECTION } : undefined));
    b.onLoad({ filter: /.*/, namespace: NO_DETECTION }, () => ({ contents: 'export default { stdout: false, stderr: false };', loader: 'js' }));
  },
};

await build({
  ...common,
  entryPoints: [root('src/cli/main.ts')],
  outfile: BUNDLE,
  format: 'cjs',
  external: ['@viz-js/viz'],
  // import() becomes require(): a vm.Script has no module loader for dynamic imports.
  supported: { 'dynamic-import': false },
  plugins: [lazyChildProcess, noColorDetection],
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: `(function (exports, require, module, __filename, __dirname) {"use strict";const __import_meta_url=require("node:url").pathToFileURL(__filename).href;` },
  footer: { js: '\n})' },
});
await build({
  ...common,
  entryPoints: [root('src/load/trace-worker.ts')],
  outfile: root('dist/bundle/trace-worker.js'),
  format: 'esm',
  // CommonJS code among its dependencies calls require(): give the module one.
  banner: { js: `import{createRequire}from"node:module";const require=createRequire(import.meta.url);` },
});

// Every directory under src/, as bin/fencedep.js names them (`src/load`), in a stable order.
const sourceDirs = [];
const listDirs = (rel) => {
  sourceDirs.push(rel);
  for (const e of readdirSync(root(rel), { withFileTypes: true })) if (e.isDirectory()) listDirs(`${rel}/${e.name}`);
};
listDirs('src');
sourceDirs.sort();
writeFileSync(root('dist/bundle/source-dirs.json'), `${JSON.stringify(sourceDirs)}\n`);

const text = readFileSync(BUNDLE);
const wide = text.findIndex((byte) => byte > 0x7f);
if (wide >= 0) {
  const line = text.subarray(0, wide).toString('latin1').split('\n').length;
  throw new Error(`${BUNDLE}:${line}: a non-ASCII byte (bin/bundle.js reads the bundle as latin1): write it as a \\u escape in the source`);
}

// The warm-up: clean checks of two small scenarios, each in a check of its own, the common
// cases of an editor or a CI job checking the file it changed: one of its own (locks of three
// types, irqs, a call), and a design written with the DRM helpers (the kernel and drm models,
// helpers called with arguments, a run_job hook, a work item). The second makes the cache
// ~70 kB larger, ~2 ms more on a start that includes no model and ~7 ms less on one that
// includes the models (7 Dec 2026, interleaved medians of 21): most real designs include them.
const WARM_UP = {
  'own.yaml': `locks:
  vm_lock: mutex
  fence_lock: { type: spinlock, lockdep: "&fctx->lock" }
  resv: { type: ww_mutex, ww_class: reservation_ww_class }
functions:
  signal: [{ spin_lock_irqsave: fence_lock }, { spin_unlock_irqrestore: fence_lock }]
paths:
  - name: ioctl
    steps:
      - mutex_lock: vm_lock
      - ww_acquire_init: { ctx: ticket, class: reservation_ww_class }
      - dma_resv_lock: { name: resv, ctx: ticket }
      - call: signal
      - dma_resv_unlock: resv
      - ww_acquire_fini: ticket
      - mutex_unlock: vm_lock
  - name: irq
    context: hardirq
    steps: [{ call: signal }]
expect: clean
`,
  'helpers.yaml': `include: [kernel, drm]
functions:
  job_run:
    - might_sleep
  job_free:
    params: [bo]
    steps:
      - call: drm_exec_init(exec, 0, 0)
      - call: drm_exec_until_all_locked(exec)
      - call: drm_exec_lock_obj(exec, $bo)
      - call: drm_exec_fini(exec)
hooks:
  drm_sched_backend_ops.run_job: [job_run]
paths:
  - name: submit
    steps:
      - kmalloc: GFP_KERNEL
      - call: drm_exec_init(exec, DRM_EXEC_INTERRUPTIBLE_WAIT, 0)
      - call: drm_exec_until_all_locked(exec)
      - call: drm_exec_prepare_obj(exec, bo, 1)
      - call: drm_sched_job_init(job)
      - call: drm_sched_job_arm(job)
      - call: drm_sched_entity_push_job(job)
      - call: drm_exec_fini(exec)
  - name: cleanup
    work: { item: "(&job->free_work)", queue: cleanup }
    steps:
      - call: job_free(bo)
expect: clean
`,
};
rmSync(CODE_CACHE, { force: true });
const { exports, script } = loadBundle();
const dir = mkdtempSync(join(tmpdir(), 'fencedep-warm-up-'));
const silent = { write: () => true, isTTY: false };
for (const [name, text] of Object.entries(WARM_UP)) {
  const scenario = join(dir, name);
  writeFileSync(scenario, text);
  const code = await exports.main(['node', 'fencedep', 'check', '--no-config', scenario], { stdout: silent, stderr: silent, env: {} });
  if (code !== 0) throw new Error(`the bundle's warm-up check of ${name} exited ${code}`);
}
rmSync(dir, { recursive: true, force: true });
writeFileSync(CODE_CACHE, script.createCachedData());
