/**
 * Citations in the repository must resolve inside the repository: a clone has nothing beside
 * it. This module finds, in every source and documentation file,
 *
 *  - section citations, `docs/kernel-semantics.md §8.6 item 26` (or `kernel-semantics.md §3.5`
 *    inside docs/): the document must exist, the section must be a numbered heading of it, and
 *    an item must be an entry of the section's numbered list;
 *  - a `§` that names no document (outside docs/, where a bare `§` means the document itself);
 *  - Markdown links `[text](path#anchor)` in .md files: the path must exist, the anchor must be
 *    a heading of the linked Markdown file;
 *  - any path that leaves the repository for the design documents kept beside it
 *    (`../shared/…`) and the names of documents the repository does not have.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** This checker and its test: they quote citations to show what is caught. */
const SELF = /^test\/docs\/citations(\.test)?\.ts$/;

/** Directories never searched. */
const SKIP = new Set(['node_modules', 'dist', '.git', 'coverage']);
const TEXT = /\.(ts|js|mjs|cjs|md|ya?ml|json|jsonl)$/;

/** Every text file of the repository, relative, `/`-separated, sorted. */
export function repoFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      if (SKIP.has(e) || e.startsWith('.')) continue;
      const abs = path.join(dir, e);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (TEXT.test(e) && !SELF.test(path.relative(root, abs).split(path.sep).join('/'))) out.push(path.relative(root, abs).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out;
}

/** A numbered heading's number (`## 3. Locks` → `3`, `### 11.2 Loops` → `11.2`), or null. */
function headingNumber(line: string): string | null {
  const m = /^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/.exec(line);
  return m ? m[1]! : null;
}

/** GitHub's anchor for a heading text. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export interface DocIndex {
  /** Section number → the numbers of the numbered-list items in that section's own text. */
  readonly sections: ReadonlyMap<string, ReadonlySet<number>>;
  readonly anchors: ReadonlySet<string>;
}

/** The numbered sections, their list items, and the heading anchors of a Markdown text. */
export function indexDoc(text: string): DocIndex {
  const sections = new Map<string, Set<number>>();
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let current: Set<number> | null = null;
  let fence = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) fence = !fence;
    if (fence) continue;
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) {
      const base = slug(h[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
      const num = headingNumber(line);
      current = num ? new Set() : current;
      if (num) sections.set(num, current!);
      continue;
    }
    const item = /^(\d+)\.\s/.exec(line);
    if (item && current) current.add(Number(item[1]));
  }
  return { sections, anchors };
}

/** Documents that live beside the repository, never in it: citing them is always wrong. */
const OUTSIDE = [/\.\.\/shared\//, /\bshared\/(spec|reference|seeds)\b/, /\banchors\.md\b/, /\bdrm-helpers\.md\b/, /\bcli-and-output(\.md)?\b/];

/** A path from the repository's root: a top-level directory and a file with an extension. */
const REPO_PATH = /(?<![\w./<>$-])((?:src|test|docs|rules|fixtures|schema|bin)\/[\w./-]*\.(?:ts|js|md|ya?ml|jsonl?))(?![\w<>*{$-])/g;

/**
 * A citation: a document (`docs/x.md`, or `x.md` / `[x.md](x.md)` inside docs/), then one or
 * more sections (`§4`, `§2–§8`, `§4 and §5`), then optionally items (`item 26`, `items 1–8 and 21–25`).
 */
const CITATION =
  /((?:docs\/)?[A-Za-z0-9_-]+\.md)\)?,?\s+(§\d+(?:\.\d+)*(?:\s*(?:[–-]|,|and|or)\s*§\d+(?:\.\d+)*)*)((?:\s*,?\s*items?\s+\d+(?:\s*[–-]\s*\d+)?(?:\s*(?:,|and)\s*\d+(?:\s*[–-]\s*\d+)?)*)?)/g;

function expandItems(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/(\d+)(?:\s*[–-]\s*(\d+))?/g)) {
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

function expandSections(text: string): string[] {
  const parts = [...text.matchAll(/§(\d+(?:\.\d+)*)/g)].map((m) => m[1]!);
  // §2–§8: every top-level section between them.
  const range = /§(\d+)\s*[–-]\s*§(\d+)$/.exec(text.trim());
  if (range && parts.length === 2) {
    const out: string[] = [];
    for (let i = Number(range[1]); i <= Number(range[2]); i++) out.push(String(i));
    return out;
  }
  return parts;
}

export function checkCitations(root: string, files: readonly string[] = repoFiles(root)): Problem[] {
  const problems: Problem[] = [];
  const docs = new Map<string, DocIndex | null>();
  const doc = (rel: string): DocIndex | null => {
    if (!docs.has(rel)) {
      const abs = path.join(root, rel);
      docs.set(rel, existsSync(abs) && statSync(abs).isFile() ? indexDoc(readFileSync(abs, 'utf8')) : null);
    }
    return docs.get(rel)!;
  };

  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const inDocs = file.startsWith('docs/');
    const isMd = file.endsWith('.md');
    const lines = text.split('\n');
    let fence = false;
    lines.forEach((line, i) => {
      const at = { file, line: i + 1 };
      for (const re of OUTSIDE) {
        if (re.test(line)) problems.push({ ...at, message: `cites a document outside the repository (${re.source}): ${line.trim()}` });
      }
      if (isMd && /^\s*```/.test(line)) fence = !fence;

      // Section citations.
      let covered = line;
      for (const m of line.matchAll(CITATION)) {
        covered = covered.replace(m[0], ' '.repeat(m[0].length));
        const name = m[1]!;
        const rel = name.startsWith('docs/') ? name : inDocs ? `docs/${name}` : name;
        const index = doc(rel);
        if (!index) {
          problems.push({ ...at, message: `cites ${name}, which is not in the repository (sections are cited as docs/<name>.md §N)` });
          continue;
        }
        const sections = expandSections(m[2]!);
        for (const s of sections) {
          if (!index.sections.has(s)) problems.push({ ...at, message: `cites ${rel} §${s}, which has no such section` });
        }
        const items = m[3] ? expandItems(m[3]) : [];
        if (items.length > 0) {
          const last = sections[sections.length - 1]!;
          const have = index.sections.get(last);
          for (const n of items) {
            if (have && !have.has(n)) problems.push({ ...at, message: `cites ${rel} §${last} item ${n}, which has no such item` });
          }
        }
      }
      // A § naming no document: only a document may cite itself so.
      if (!inDocs && covered.includes('§')) {
        problems.push({ ...at, message: `a § that names no document (write docs/<name>.md §N): ${line.trim()}` });
      }
      if (inDocs && !fence) {
        for (const m of covered.matchAll(/§(\d+(?:\.\d+)*)/g)) {
          if (!doc(file)!.sections.has(m[1]!)) problems.push({ ...at, message: `§${m[1]} is not a section of ${file}` });
        }
      }

      // Repository paths named in documentation and in code comments.
      const prose = isMd ? !fence && !file.startsWith('test/') : /^\s*(\/\/|\/?\*)/.test(line);
      if (prose) {
        for (const m of covered.matchAll(REPO_PATH)) {
          // Comments show example output with made-up scenario files; code paths are real.
          if (!isMd && m[1]!.startsWith('fixtures/')) continue;
          const p = m[1]!.replace(/[.:,)]+$/, '');
          if (!existsSync(path.join(root, p))) problems.push({ ...at, message: `names ${p}, which is not in the repository` });
        }
      }

      // Markdown links.
      if (isMd && !fence) {
        for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
          const target = m[1]!;
          if (/^[a-z]+:/i.test(target)) continue;
          const [p, anchor] = target.split('#') as [string, string | undefined];
          const rel = p === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), p));
          if (rel.startsWith('..')) {
            problems.push({ ...at, message: `links outside the repository: ${target}` });
            continue;
          }
          if (!existsSync(path.join(root, rel))) {
            problems.push({ ...at, message: `links to ${target}, which does not exist` });
            continue;
          }
          if (anchor !== undefined && rel.endsWith('.md') && !doc(rel)!.anchors.has(anchor)) {
            problems.push({ ...at, message: `links to ${target}: ${rel} has no heading #${anchor}` });
          }
        }
      }
    });
  }
  return problems;
}
