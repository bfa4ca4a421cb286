#!/usr/bin/env node
// Thin entry point: everything lives in src/cli. `npm run build` bundles it into one file
// (dist/bundle/main.cjs, loaded with its V8 code cache by ./bundle.js), so start-up reads one
// precompiled file instead of hundreds of modules; the package ships only the bundle. In a
// checkout where `tsc` ran after the last bundle (dist/src is newer), the compiled modules are
// the current code: run those rather than a stale bundle.
import { statSync } from 'node:fs';

const mtime = (rel) => statSync(new URL(rel, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const { main } =
  mtime('../dist/src/cli/main.js') > mtime('../dist/bundle/main.cjs')
    ? await import('../dist/src/cli/main.js')
    : (await import('./bundle.js')).loadBundle().exports;

process.exitCode = await main(process.argv);
