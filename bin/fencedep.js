#!/usr/bin/env node
// Thin entry point: everything lives in src/cli. `npm run build` bundles it into one module
// (dist/bundle/main.js), so start-up loads one file instead of hundreds; the package ships
// only the bundle. In a checkout where `tsc` ran after the last bundle (dist/src is newer),
// the compiled modules are the current code: run those rather than a stale bundle.
import { statSync } from 'node:fs';

const mtime = (rel) => statSync(new URL(rel, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundle = mtime('../dist/bundle/main.js');
const compiled = mtime('../dist/src/cli/main.js');
const { main } = await import(compiled > bundle ? '../dist/src/cli/main.js' : '../dist/bundle/main.js');

process.exitCode = await main(process.argv);
