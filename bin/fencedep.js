#!/usr/bin/env node
// Thin entry point: everything lives in src/cli. `npm run build` bundles it into one file
// (dist/bundle/main.cjs, loaded with its V8 code cache by ./bundle.js), so start-up reads one
// precompiled file instead of hundreds of modules; the package ships only the bundle. In a
// checkout where `tsc` ran after the last bundle (dist/src is newer), the compiled modules are
// the current code: run those rather than a stale bundle.
import { readdirSync, statSync } from 'node:fs';

const at = (rel) => new URL(rel, import.meta.url);
const mtime = (rel) => statSync(at(rel), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const compiled = mtime('../dist/src/cli/main.js');
const bundle = mtime('../dist/bundle/main.cjs');

// In a checkout, code older than src/ would check scenarios with yesterday's rules and reject
// today's syntax. A git pull or checkout replaces files, which touches their directories: only
// a directory changed since the build has its files looked at (an editor's swap file is not
// source), so the check stays cheap. A packaged install has no src/.
function newerSource(dir, built) {
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) return null;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const child = new URL(e.isDirectory() ? `${e.name}/` : e.name, dir);
    const found = e.isDirectory() ? newerSource(child, built) : st.mtimeMs > built && e.name.endsWith('.ts') && statSync(child).mtimeMs > built ? child : null;
    if (found) return found;
  }
  return null;
}
const stale = newerSource(at('../src/'), Math.max(compiled, bundle));
if (stale) {
  const where = decodeURIComponent(stale.pathname.slice(at('../').pathname.length)).replace(/\/$/, '');
  process.stderr.write(`fencedep: ${where} changed after the last build: run \`npm run build\` (the built code would not be what the checkout says)\n`);
  process.exit(2);
}

const { main } = compiled > bundle ? await import('../dist/src/cli/main.js') : (await import('./bundle.js')).loadBundle().exports;

process.exitCode = await main(process.argv);
