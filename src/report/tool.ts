/** The tool's name and version, read once from the package's package.json. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ToolInfo {
  readonly name: string;
  readonly version: string;
}

function readTool(): ToolInfo {
  // src/report/tool.ts under vitest, dist/src/report/tool.js once built: walk up to the package.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'fencedep' && typeof pkg.version === 'string') return { name: pkg.name, version: pkg.version };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return { name: 'fencedep', version: '0.0.0' };
    dir = parent;
  }
}

export const TOOL: ToolInfo = readTool();
