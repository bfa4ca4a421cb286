/**
 * Long streams are read on a worker thread by the built CLI (the worker only exists as
 * compiled JavaScript). Its report must be byte-identical to reading in-process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInputs } from '../../src/check/run.js';
import { formatJson } from '../../src/report/json.js';
import { DEFAULT_SHAPE, writeTrace } from '../bench/generate.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'bin/fencedep.js');

describe('parallel stream reading', () => {
  it('gives the in-process report, byte for byte', async () => {
    expect(existsSync(join(root, 'dist/src/load/trace-worker.js')), 'build first: npm run build').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'fencedep-par-'));
    const file = join(dir, 'trace.jsonl');
    await writeTrace(file, { ...DEFAULT_SHAPE, classes: 400, events: 200_000 }); // > 8 MiB: the worker path
    const inProcess = formatJson(await checkInputs([file]));
    let viaWorker = '';
    try {
      viaWorker = execFileSync(process.execPath, [cli, 'check', file, '--format', 'json'], { encoding: 'utf8' });
    } catch (e) {
      viaWorker = (e as { stdout: string }).stdout; // exit 1: the trace has inversions
    }
    expect(JSON.parse(viaWorker).results[0].findings.length).toBeGreaterThan(0);
    rmSync(dir, { recursive: true, force: true });
    expect(viaWorker).toBe(inProcess);
  });
});
