/** A diagnosed finding carries its pattern and remedy through to the JSON and text reports. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInputs } from '../../src/check/run.js';
import { formatJson } from '../../src/report/json.js';
import { formatText } from '../../src/report/text.js';

describe('diagnosis in reports', () => {
  it('alloc-in-signalling with its remedy, in JSON and text', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fencedep-pat-')), 'run-job.yaml');
    writeFileSync(file, [
      'include: [kernel]',
      'fences: {job_fence: {}}',
      'paths:',
      '  - name: run_job',
      '    steps:',
      '      - signalling:',
      '          - kmalloc: GFP_KERNEL',
      '          - signal: job_fence',
    ].join('\n'));
    const run = await checkInputs([file]);
    const json = JSON.parse(formatJson(run));
    const f = json.results[0].findings[0];
    expect(f.rule).toBe('circular-dependency');
    expect(f.pattern).toBe('alloc-in-signalling');
    expect(f.remedy).toMatch(/GFP_NOWAIT/);
    expect(Object.keys(f).slice(0, 9)).toEqual(['rule', 'severity', 'message', 'expected', 'path', 'locks', 'lockdep', 'pattern', 'remedy']);
    const text = formatText(run, { color: false, quiet: false });
    expect(text).toContain('  pattern: alloc-in-signalling (fencedep explain alloc-in-signalling)');
  });
});
