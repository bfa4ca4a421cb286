// `npm run bundle` (the end of `npm run build`): the CLI as one file that starts fast.
//
// dist/bundle/main.cjs is the whole CLI, minified, written as one function expression taking
// CommonJS's arguments, so bin/bundle.js compiles it with vm.Script and V8's code cache
// without copying 700 kB of source into a wrapper. It is pure ASCII (checked here), so it is
// read as latin1, a plain copy. Then the bundle checks one bundled fixture (output dropped)
// and V8's compiled code of every function that ran is saved to main.cjs.cache: a start
// deserialises bytecode instead of parsing and compiling the source.
//
// dist/bundle/trace-worker.js is the JSONL reader thread (src/load/trace-worker.ts), an ES module.
//
// dist/models.json is every built-in model parsed, with its positions (src/load/model-cache.ts),
// made by the compiled loader (so `tsc` runs first: `npm run build`).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE, CODE_CACHE, loadBundle } from '../bin/bundle.js';
import { modelCacheFile } from '../dist/src/load/model-cache.js';
import { buildModelCache } from '../dist/src/load/model-cache-build.js';

const root = (rel) => fileURLToPath(new URL(`../${rel}`, import.meta.url));
writeFileSync(modelCacheFile(root('.')), JSON.stringify(buildModelCache()));
const common = { bundle: true, minify: true, platform: 'node', target: 'node20', logLevel: 'warning', charset: 'ascii' };

await build({
  ...common,
  entryPoints: [root('src/cli/main.ts')],
  outfile: BUNDLE,
  format: 'cjs',
  external: ['@viz-js/viz'],
  // import() becomes require(): a vm.Script has no module loader for dynamic imports.
  supported: { 'dynamic-import': false },
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

const text = readFileSync(BUNDLE);
const wide = text.findIndex((byte) => byte > 0x7f);
if (wide >= 0) {
  const line = text.subarray(0, wide).toString('latin1').split('\n').length;
  throw new Error(`${BUNDLE}:${line}: a non-ASCII byte (bin/bundle.js reads the bundle as latin1): write it as a \\u escape in the source`);
}

rmSync(CODE_CACHE, { force: true });
const { exports, script } = loadBundle();
const silent = { write: () => true, isTTY: false };
const code = await exports.main(['node', 'fencedep', 'check', '--no-config', root('fixtures/lockdep/fence-lock-irq-fixed.yaml')], { stdout: silent, stderr: silent, env: {} });
if (code !== 0) throw new Error(`the bundle's warm-up check exited ${code}`);
writeFileSync(CODE_CACHE, script.createCachedData());
