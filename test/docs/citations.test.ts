/**
 * Every citation in the repository resolves in the repository (docs/, the code, the tests):
 * a clone can follow each one. See test/docs/citations.ts for what counts as a citation.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCitations, indexDoc, slug } from './citations.js';
import { ROOT } from './generate.js';

describe('citations', () => {
  it('every citation in the repository resolves to a file, a section and an item of the repository', () => {
    const problems = checkCitations(ROOT).map((p) => `${p.file}:${p.line}: ${p.message}`);
    expect(problems).toEqual([]);
  });

  it('finds what a clone could not follow', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fencedep-cite-'));
    mkdirSync(path.join(dir, 'docs'));
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'docs', 'k.md'), '# K\n\n## 1. One\n\n### 1.2 Sub\n\n1. first\n2. second\n\n## 2. Two\n\nSee §1 and §3.\n');
    writeFileSync(
      path.join(dir, 'src', 'a.ts'),
      [
        '// docs/k.md §1.2 item 2 and docs/k.md §2 are fine',
        '// docs/k.md §1.2 item 3: no such item',
        '// docs/k.md §4: no such section',
        '// docs/nope.md §1: no such document',
        '// kernel-semantics §8.6: a § with no document',
        '// the spec: ../shared/spec/scenario-format.md',
        '// see src/missing.ts',
        'const s = "src/not-a-comment.ts";',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, 'docs', 'l.md'), '[k](k.md#1-one) [k](k.md#nope) [m](m.md) [up](../../x.md) [web](https://example.org/x.md)\n');
    const got = checkCitations(dir).map((p) => `${p.file}:${p.line}: ${p.message}`);
    expect(got).toEqual([
      'docs/k.md:12: §3 is not a section of docs/k.md',
      'docs/l.md:1: links to k.md#nope: docs/k.md has no heading #nope',
      'docs/l.md:1: links to m.md, which does not exist',
      'docs/l.md:1: links outside the repository: ../../x.md',
      'src/a.ts:2: cites docs/k.md §1.2 item 3, which has no such item',
      'src/a.ts:3: cites docs/k.md §4, which has no such section',
      'src/a.ts:4: cites docs/nope.md, which is not in the repository (sections are cited as docs/<name>.md §N)',
      'src/a.ts:5: a § that names no document (write docs/<name>.md §N): // kernel-semantics §8.6: a § with no document',
      'src/a.ts:6: cites a document outside the repository (\\.\\.\\/shared\\/): // the spec: ../shared/spec/scenario-format.md',
      'src/a.ts:6: cites a document outside the repository (\\bshared\\/(spec|reference|seeds)\\b): // the spec: ../shared/spec/scenario-format.md',
      'src/a.ts:7: names src/missing.ts, which is not in the repository',
    ]);
  });

  it('indexes numbered sections, their list items and GitHub heading anchors', () => {
    const idx = indexDoc('# T\n\n## 8. Model\n\n### 8.6 Edge cases\n\n1. a\n2. b\n\n```\n## 9. not a heading\n```\n## Built-in `models`\n');
    expect([...idx.sections.keys()]).toEqual(['8', '8.6']);
    expect([...idx.sections.get('8.6')!]).toEqual([1, 2]);
    expect(idx.anchors.has('86-edge-cases')).toBe(true);
    expect(idx.anchors.has('built-in-models')).toBe(true);
    expect(slug('3.5 The boot-time priming: `dma_resv_lockdep()`')).toBe('35-the-boot-time-priming-dma_resv_lockdep');
  });
});
