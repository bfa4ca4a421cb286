#!/usr/bin/env node
// Thin entry point: everything lives in src/cli. `npm run build` bundles it into one file
// (dist/bundle/main.cjs, loaded with its V8 code cache by ./bundle.js), so start-up reads one
// precompiled file instead of hundreds of modules; the package ships only the bundle. In a
// checkout where `tsc` ran after the last bundle (dist/src is newer), the compiled modules are
// the current code: run those rather than a stale bundle.
//
// bin/ is CommonJS (bin/package.json): node starts a CommonJS entry without its ES module
// loader, which a start would otherwise pay for before reading the bundle.
'use strict';
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const root = join(__dirname, '..');
const mtime = (rel) => statSync(join(root, rel), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const compiled = mtime('dist/src/cli/main.js');
const bundle = mtime('dist/bundle/main.cjs');

// In a checkout, code older than src/ would check scenarios with yesterday's rules and reject
// today's syntax. A git pull or checkout replaces files, which touches their directories: only
// a directory changed since the build has its files looked at (an editor's swap file is not
// source), so the check stays cheap. The build lists src/'s directories
// (dist/bundle/source-dirs.json): each is looked at with one stat, and only a changed one is
// read, where a directory the list does not know (new since the build) is walked whole.
// Without the list, src/ is walked. A packaged install has no src/.
/**
 * The first .ts file in directory `dir` (status `st`) newer than `built`, its files looked at
 * only if the directory changed; a subdirectory is walked whole if `walk(child)`.
 */
function newerIn(dir, st, built, walk) {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const child = `${dir}/${e.name}`;
    const found = e.isDirectory() ? (walk(child) ? walkedSource(child, built) : null) : st.mtimeMs > built && e.name.endsWith('.ts') && statSync(join(root, child)).mtimeMs > built ? child : null;
    if (found) return found;
  }
  return null;
}
function walkedSource(dir, built) {
  const st = statSync(join(root, dir), { throwIfNoEntry: false });
  return st?.isDirectory() ? newerIn(dir, st, built, () => true) : null;
}
function listedSourceDirs() {
  try {
    const dirs = JSON.parse(readFileSync(join(root, 'dist', 'bundle', 'source-dirs.json'), 'utf8'));
    return Array.isArray(dirs) && dirs.every((d) => typeof d === 'string') ? dirs : null;
  } catch {
    return null;
  }
}
function newerSource(built) {
  const dirs = listedSourceDirs();
  if (!dirs) return walkedSource('src', built);
  const known = new Set(dirs);
  for (const dir of dirs) {
    const st = statSync(join(root, dir), { throwIfNoEntry: false });
    // (A directory removed since changed its parent; one added is walked from its parent.)
    const found = st?.isDirectory() && st.mtimeMs > built ? newerIn(dir, st, built, (child) => !known.has(child)) : null;
    if (found) return found;
  }
  return null;
}
const stale = newerSource(Math.max(compiled, bundle));
if (stale) {
  process.stderr.write(`fencedep: ${stale} changed after the last build: run \`npm run build\` (the built code would not be what the checkout says)\n`);
  process.exit(2);
}

// The CLI's io is the process's (src/cli/process-io.ts: a pipe or a file is written on its fd,
// without building node's stream); the process exits once that output is flushed.
function start(cli) {
  const io = cli.processIO();
  return cli.main(process.argv, io).then((code) => io.exit(code));
}
if (compiled > bundle) import(pathToFileURL(join(root, 'dist/src/cli/main.js')).href).then(start);
else start(require('./bundle.js').loadBundle().exports);
