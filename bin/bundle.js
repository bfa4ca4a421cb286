// Loads the CLI's bundle, dist/bundle/main.cjs (see scripts/bundle.js, which writes it), with
// V8's code cache: `npm run build` saves the compiled code beside the bundle (main.cjs.cache),
// so a start reads bytecode instead of compiling 700 kB of JavaScript. V8 checks the cache
// against the source, its own version and its flags; when it does not fit (another Node
// release, node run with other V8 flags) V8 ignores it and compiles the source, only slower.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'bundle', 'main.cjs');
const CODE_CACHE = `${BUNDLE}.cache`;

/** Evaluates the bundle: its exports, and the script (whose `createCachedData` the build saves). */
function loadBundle() {
  let cachedData;
  try {
    cachedData = readFileSync(CODE_CACHE);
  } catch {
    cachedData = undefined; // not built yet: compile from the source
  }
  // The bundle is one function expression of CommonJS's arguments, in ASCII (latin1 is a plain copy).
  const script = new vm.Script(readFileSync(BUNDLE, 'latin1'), { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE));
  return { exports: module.exports, script };
}

exports.BUNDLE = BUNDLE;
exports.CODE_CACHE = CODE_CACHE;
exports.loadBundle = loadBundle;
