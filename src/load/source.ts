/**
 * Reading a scenario file and parsing it (YAML or JSON, both through the `yaml` package so
 * every value has a position) into a plain value plus a `Pos` for locating it.
 * Everything that can go wrong becomes an InputError with file, line and column.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { LineCounter, isCollection, isScalar, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { SourceLoc } from '../model/location.js';
import { InputError, InputErrors } from './errors.js';
import { quote } from './names.js';
import { cachedModel, unchangedModel } from './model-cache.js';
import { FlatPos, YamlSource, type Pos } from './pos.js';
import { firstInvalidUtf8, notUtf8 } from './utf8.js';

export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Nesting of YAML/JSON collections beyond this is refused before parsing. */
export const MAX_NESTING = 256;
/** `maxAliasCount` for the yaml package: alias expansion beyond this is an alias bomb. */
export const MAX_ALIAS_COUNT = 64;

/**
 * YAML and JSON values (maps, lists, keys, scalars) one scenario may hold with its includes.
 * The `yaml` package keeps a syntax tree and a document node with source ranges per value
 * (about a kilobyte each, at its peak): past this many the loader would need gigabytes (a
 * million steps in 12 MB took 3 GB). At the limit a load peaks at about 650 MB (`npm run
 * bench`, section 6); longer traces belong in a JSON Lines stream, read line by line.
 */
export const MAX_VALUES = 400_000;

export interface ParsedFile {
  readonly value: unknown;
  readonly pos: Pos;
  /** The values counted in the text (see MAX_VALUES). */
  readonly values: number;
}

function fileLoc(file: string): SourceLoc {
  return { file, line: 1, column: 1 };
}

/**
 * What is at `abs` (symlinks followed): a regular `file`, a `directory`, something else as
 * words ("a FIFO", "a character device", ...), or null if it cannot be looked at.
 */
export function fileKind(abs: string): string | null {
  let st;
  try {
    st = statSync(abs);
  } catch {
    return null;
  }
  return kindOf(st);
}

function kindOf(st: Stats): string {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Read a file, refusing what cannot be a scenario (too big, binary, unreadable, not a
 * regular file). Opened without blocking, so a FIFO or a device is refused, never waited on.
 * Synchronous: a scenario is small and read whole, and a one-file check reads it and its
 * includes one after another, where each asynchronous step would cost a trip through the
 * thread pool (fifteen files for `include: [kernel, drm]`).
 */
export function readText(file: string, abs: string): string {
  const fail = (why: string): InputErrors => new InputErrors([new InputError(`cannot read ${file}: ${why}`, null)]);
  const notRegular = (kind: string) => new InputErrors([new InputError(`cannot read ${file}: it is ${kind}, not a regular file`, fileLoc(file))]);
  // Looked at first: a socket cannot even be opened.
  const kind = fileKind(abs);
  if (kind !== null && kind !== 'file' && kind !== 'directory') throw notRegular(kind);
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw fail(ioMessage(e));
  }
  try {
    let st: Stats;
    try {
      st = fstatSync(fd);
    } catch (e) {
      throw fail(ioMessage(e));
    }
    if (st.isDirectory()) throw fail('it is a directory');
    if (!st.isFile()) throw notRegular(kindOf(st));
    if (st.size > MAX_FILE_BYTES) {
      throw new InputErrors([new InputError(`file too large: ${st.size} bytes (the limit is 16 MiB)`, fileLoc(file))]);
    }
    let buf: Buffer;
    try {
      buf = readAtMost(fd, st.size, MAX_FILE_BYTES + 1);
    } catch (e) {
      throw fail(ioMessage(e));
    }
    if (buf.length > MAX_FILE_BYTES) {
      // A file that grew since it was looked at.
      throw new InputErrors([new InputError('file too large: more than 16 MiB (the limit)', fileLoc(file))]);
    }
    const bad = notText(buf, file, 'a scenario', false);
    if (bad) throw new InputErrors([bad]);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * The first `max` bytes of a file, or all of it if shorter; `size` is what the file held when
 * looked at (a byte more is asked for, to see it has not grown).
 */
function readAtMost(fd: number, size: number, max: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  let want = Math.min(size + 1, max);
  while (total < max) {
    const chunk = Buffer.allocUnsafe(want);
    const bytesRead = readSync(fd, chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    want = Math.min(1 << 20, max - total);
  }
  return Buffer.concat(chunks, total);
}

/** Where byte `offset` of `buf` is, as line and column (columns count characters after a BOM). */
function byteLoc(buf: Buffer, offset: number, file: string): SourceLoc {
  const text = withoutBom(buf.subarray(0, offset).toString('utf8'));
  const line = text.split('\n').length;
  return { file, line, column: text.length - text.lastIndexOf('\n') };
}

/** The text after its UTF-8 byte order mark, if it has one (columns are counted after it). */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Why `buf` (a whole file, or the start of a stream when `partial`) is not text, as an input
 * error at the offending byte: NUL bytes (binary), UTF-16, or bytes that are not UTF-8.
 */
export function notText(buf: Buffer, file: string, what: string, partial: boolean): InputError | null {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    return new InputError(`UTF-16 text: ${what} must be UTF-8 (save the file as UTF-8)`, { file, line: 1, column: 1 });
  }
  const nul = buf.indexOf(0);
  if (nul >= 0) return new InputError(`binary file (contains NUL bytes): not ${what}`, byteLoc(buf, nul, file));
  const bad = firstInvalidUtf8(buf, partial);
  if (bad >= 0) {
    return new InputError(notUtf8(buf[bad]!, what), byteLoc(buf, bad, file));
  }
  return null;
}

function ioMessage(e: unknown): string {
  const code = (e as { code?: string } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Where collections nest deeper than `MAX_NESTING` (flow brackets, block indentation levels
 * and compact `- ` entries), found by a linear scan before the parser recurses. It errs on
 * the side of counting a bracket too few (inside scalars), never of refusing a sane file.
 */
export function findExcessiveNesting(text: string, limit = MAX_NESTING): number | null {
  const r = scanStructure(text, limit, Infinity);
  return r.problem === 'nesting' ? r.at : null;
}

/** Does a collection (or `also`) start at the next significant character from `i` on the line? */
function opensCollection(text: string, i: number, also: string): boolean {
  while (text[i] === ' ' || text[i] === '\t') i++;
  const c = text[i];
  return c === '{' || c === '[' || (also !== '' && c === also);
}

/**
 * The structure of a YAML or JSON text by a linear scan, before any parser allocates: where
 * collections nest deeper than `limit`, or where it passes `maxValues` values (counted as
 * the parser will make them: a key and its value, a list entry, a flow item, a collection;
 * quoted text and comments do not count). `values`: the count, up to where the scan stopped.
 */
export function scanStructure(text: string, limit: number, maxValues: number): { problem: 'nesting' | 'values' | null; at: number; values: number } {
  let values = 0;
  const count = (k: number): boolean => (values += k) > maxValues;
  const n = text.length;
  const indents: number[] = [];
  let flow = 0;
  let block = 0;
  let quote = 0; // 0 none, 1 single, 2 double
  let lineStart = true;
  let prevSig = ''; // last significant character on this line ('' at line start)
  let i = 0;
  while (i < n) {
    if (lineStart) {
      lineStart = false;
      prevSig = '';
      if (quote === 0 && flow === 0) {
        let col = 0;
        while (i < n && text.charCodeAt(i) === 32) {
          col++;
          i++;
        }
        const c = text[i];
        if (i < n && c !== '\n' && c !== '\r' && c !== '#') {
          while (indents.length && indents[indents.length - 1] >= col) indents.pop();
          indents.push(col);
          let compact = 0;
          while ((text[i] === '-' || text[i] === '?') && (i + 1 >= n || text[i + 1] === ' ' || text[i + 1] === '\n')) {
            compact++;
            if (count(1)) return { problem: 'values', at: i, values };
            i++;
            while (i < n && text.charCodeAt(i) === 32) i++;
            if (indents.length + compact > limit) return { problem: 'nesting', at: i, values };
          }
          block = indents.length + compact;
          if (block > limit) return { problem: 'nesting', at: i, values };
        }
      }
      continue;
    }
    const c = text[i];
    if (quote === 2) {
      if (c === '\\') i++;
      else if (c === '"') quote = 0;
      else if (c === '\n') lineStart = true;
      i++;
      continue;
    }
    if (quote === 1) {
      if (c === "'") {
        if (text[i + 1] === "'") i++;
        else quote = 0;
      } else if (c === '\n') lineStart = true;
      i++;
      continue;
    }
    switch (c) {
      case '\n':
        lineStart = true;
        break;
      case '#':
        if (prevSig === '' || text[i - 1] === ' ' || text[i - 1] === '\t') {
          while (i < n && text[i] !== '\n') i++;
          continue;
        }
        break;
      case '"':
      case "'":
        if (prevSig === '' || '[{,:-?'.includes(prevSig)) quote = c === '"' ? 2 : 1;
        break;
      case '[':
      case '{':
        flow++;
        if (flow + block > limit) return { problem: 'nesting', at: i, values };
        // The collection; a list's first item too, unless a collection (which counts itself).
        if (count(c === '[' && !opensCollection(text, i + 1, ']') ? 2 : 1)) return { problem: 'values', at: i, values };
        break;
      case ',':
        // The next item, unless a collection (which counts itself).
        if (flow > 0 && !opensCollection(text, i + 1, '') && count(1)) return { problem: 'values', at: i, values };
        break;
      case ':': {
        // A mapping value indicator (JSON's too, right after a quoted key): a key and its value.
        const next = text.charCodeAt(i + 1);
        const indicator = i + 1 >= n || next === 32 || next === 10 || next === 13 || next === 9 || (flow > 0 && (next === 44 || next === 93 || next === 125)) || text[i - 1] === '"' || text[i - 1] === "'";
        if (indicator && count(2)) return { problem: 'values', at: i, values };
        break;
      }
      case ']':
      case '}':
        if (flow > 0) flow--;
        break;
      default:
        break;
    }
    if (c !== ' ' && c !== '\t' && c !== '\r') prevSig = c;
    i++;
  }
  return { problem: null, at: -1, values };
}

/**
 * `uniqueKeys` is off: the yaml package compares every key of a map with every other (a map
 * of 100,000 locks took 40 s); `duplicateKeys` below does it in one pass. YAML 1.2 as the
 * package (and its stringify) speaks it: no merge keys, and YAML 1.1's typed tags
 * (`!!binary`, `!!timestamp`, `!!set`) are unknown tags, so every value is a JSON value.
 */
const YAML_OPTIONS = { uniqueKeys: false, prettyErrors: true, strict: true, logLevel: 'error', resolveKnownTags: false } as const;

/**
 * Keys written twice in one map, each an error at the second: by their value as a string,
 * as the scenario sees them (so `1` and `"1"` are one key too).
 */
function duplicateKeys(doc: Document, src: YamlSource, file: string): InputError[] {
  const out: InputError[] = [];
  visit(doc, {
    Map(_k, map) {
      if (map.items.length < 2) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key)) continue;
        const k = String(key.value);
        if (!seen.has(k)) seen.add(k);
        else out.push(new InputError(`duplicate key ${quote(k)} (keys must be unique)`, src.locOf(key, fileLoc(file))));
      }
    },
  });
  return out;
}

/**
 * The message of a yaml error without the position and excerpt that prettyErrors appends.
 * `foreign`: the text is not known to be a scenario (an included file): its kind of error
 * only, since the parser's own message may quote the text (a key file, whole).
 */
function plainMessage(e: YAMLError, foreign: boolean): string {
  if (foreign) return `not a scenario: YAML syntax error (${e.code.toLowerCase().replace(/_/g, ' ')}); the file's text is not shown`;
  let msg = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
  switch (e.code) {
    case 'RESOURCE_EXHAUSTION':
      if (/call stack/i.test(msg)) msg = `nesting too deep (more than ${MAX_NESTING} levels)`;
      break;
    case 'MULTIPLE_DOCS':
      msg = 'a scenario file holds one YAML document, but this one has more (a second `---`)';
      break;
    case 'TAB_AS_INDENT':
      msg += ' (indent YAML with spaces)';
      break;
    case 'TAG_RESOLVE_FAILED': {
      const tag = /Unresolved tag: (\S+)/.exec(msg)?.[1] ?? '';
      const shown = tag.replace(/^tag:yaml\.org,2002:/, '!!');
      msg = `unsupported tag ${shown}: a scenario holds only strings, numbers, booleans, null, lists and maps (remove the tag)`;
      break;
    }
    case 'KEY_OVER_1024_CHARS':
      msg += ' (a longer name can be written as an explicit key: `? NAME` on one line, `: VALUE` on the next; or use JSON)';
      break;
    default:
      break;
  }
  // The parser quotes the offending text: a line of binary junk is not worth printing whole.
  if (msg.length > 300) msg = `${msg.slice(0, 300)}…`;
  return msg.endsWith('.') ? msg.slice(0, -1) : msg;
}

/** The syntax errors an indentation slip causes. */
const INDENT_ERRORS: ReadonlySet<string> = new Set(['BAD_INDENT', 'BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY']);

/**
 * For a syntax error an indentation slip causes, the line's indentation against the line above
 * it (the nearest one with content) when both are list items or both keys and they differ:
 * what the parser's message leaves to guess.
 */
function indentHint(e: YAMLError, source: string, line: number): string {
  if (!INDENT_ERRORS.has(e.code)) return '';
  const lines = source.split('\n');
  const indent = (l: string): number => l.length - l.trimStart().length;
  const here = lines[line - 1];
  if (here === undefined || /^\s*\t/.test(here)) return '';
  for (let i = line - 2; i >= 0; i--) {
    const above = lines[i]!;
    if (above.trim() === '' || above.trim().startsWith('#')) continue;
    if (/^\s*\t/.test(above)) return ''; // a tab's width is the editor's
    // Only lines of one kind line up: two list items, or two keys.
    const item = (l: string): boolean => /^\s*-(\s|$)/.test(l);
    if (item(here) !== item(above)) return '';
    const [a, b] = [indent(here), indent(above)];
    return a === b ? '' : ` (this line is indented ${a} space${a === 1 ? '' : 's'} and the line above ${b}: check the indentation)`;
  }
  return '';
}

function jsonErrorOffset(message: string, text: string): number {
  const m = /at position (\d+)/.exec(message);
  if (m) return Math.min(Number(m[1]), text.length);
  const lc = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lc) {
    let off = 0;
    for (let l = 1; l < Number(lc[1]); l++) off = text.indexOf('\n', off) + 1;
    return off + Number(lc[2]) - 1;
  }
  return text.length;
}

/**
 * Parse the text of a `.yaml`/`.yml`/`.json` file. Throws InputErrors. `foreign`: the file
 * was not named by the user but reached through an include (perhaps a symlink to anything):
 * syntax errors say what kind of error and where, never the parser's excerpt of the text.
 */
export function parseText(withBom: string, file: string, json: boolean, foreign = false, budget = MAX_VALUES): ParsedFile {
  const text = withoutBom(withBom);
  const lineCounter = new LineCounter();
  const locAt = (offset: number): SourceLoc => {
    // A LineCounter only knows lines once the parser has seen them; count directly instead
    // when parsing did not run (or stopped early).
    let line = 1;
    let last = -1;
    for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
      line++;
      last = i;
    }
    return { file, line, column: offset - last };
  };
  if (text.trim() === '') throw new InputErrors([new InputError('empty scenario: the file has no content', fileLoc(file))]);
  const scan = scanStructure(text, MAX_NESTING, budget);
  if (scan.problem === 'nesting') throw new InputErrors([new InputError(`nesting too deep (more than ${MAX_NESTING} levels)`, locAt(scan.at))]);
  if (scan.problem === 'values') {
    const where = budget < MAX_VALUES ? ' with the files included before it' : '';
    throw new InputErrors([
      new InputError(
        `too many values: the scenario${where} passes ${MAX_VALUES.toLocaleString('en-US')} YAML/JSON values (maps, lists, keys, scalars) here, the limit that keeps loading well under 1 GB of memory; write a long trace as a JSON Lines stream (.jsonl, read line by line)`,
        locAt(scan.at),
      ),
    ]);
  }

  let source = text;
  let jsonValue: unknown = undefined;
  if (json) {
    // JSON through the YAML parser (for positions). JSON itself decides validity; a raw tab
    // is only ever whitespace in valid JSON, so replacing it with a space keeps every offset.
    const bare = text;
    try {
      jsonValue = JSON.parse(bare);
    } catch (e) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) throw new InputErrors([new InputError(`nesting too deep (more than ${MAX_NESTING} levels)`, fileLoc(file))]);
      const msg = e instanceof Error ? e.message : String(e);
      const clean = msg.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
      const what = foreign ? "not a scenario: invalid JSON; the file's text is not shown" : `invalid JSON: ${clean}`;
      throw new InputErrors([new InputError(what, locAt(jsonErrorOffset(msg, bare)))]);
    }
    source = bare.replace(/\t/g, ' ');
  }

  let doc;
  try {
    doc = parseDocument(source, { ...YAML_OPTIONS, lineCounter });
  } catch (e) {
    throw new InputErrors([unexpected(e, file)]);
  }
  const ysrc = new YamlSource(file, doc, lineCounter);
  const problems = [...doc.errors, ...doc.warnings];
  const dups = duplicateKeys(doc, ysrc, file);
  if (problems.length > 0 || dups.length > 0) {
    const located = problems.map((e) => {
      const lp = e.linePos?.[0];
      return { e, loc: lp ? { file, line: lp.line, column: lp.col } : locAt(e.pos[0]) };
    });
    // One slip (a line indented one space off) makes the parser say three things about its line:
    // the first is the one to act on, the others follow from it.
    const tabFirst = (x: { e: YAMLError }): number => (x.e.code === 'TAB_AS_INDENT' ? 0 : 1);
    const firstOfLine = located
      .sort((a, b) => a.loc.line - b.loc.line || tabFirst(a) - tabFirst(b) || a.loc.column - b.loc.column)
      .filter((x, i, all) => i === 0 || all[i - 1]!.loc.line !== x.loc.line);
    const errors = firstOfLine.map(({ e, loc }) => new InputError(plainMessage(e, foreign) + (foreign ? '' : indentHint(e, source, loc.line)), loc));
    // JSON that the YAML parser cannot follow (but is valid JSON): use JSON.parse's value,
    // unless the problem is one JSON.parse would hide (a duplicate key).
    if (!json || dups.length > 0) {
      const all = [...errors, ...dups].sort((a, b) => (a.loc?.line ?? 0) - (b.loc?.line ?? 0) || (a.loc?.column ?? 0) - (b.loc?.column ?? 0));
      throw new InputErrors(all);
    }
    return { value: jsonValue, pos: new FlatPos(fileLoc(file)), values: scan.values };
  }
  if (doc.contents === null) throw new InputErrors([new InputError('empty scenario: the file has only comments', fileLoc(file))]);
  const keyErrors: InputError[] = [];
  visit(doc, {
    Pair(_k, pair) {
      if (isCollection(pair.key)) keyErrors.push(new InputError('a key must be a plain name, not a list or a map', ysrc.locOf(pair.key, fileLoc(file))));
    },
  });
  if (keyErrors.length) throw new InputErrors(keyErrors);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError || (e instanceof Error && /alias/i.test(e.message))) {
      let at: SourceLoc = fileLoc(file);
      visit(doc, {
        Alias(_k, node) {
          at = ysrc.locOf(node, at);
          return visit.BREAK;
        },
      });
      throw new InputErrors([
        new InputError(`too many YAML aliases: expanding them would exceed the limit of ${MAX_ALIAS_COUNT} (an alias bomb?)`, at),
      ]);
    }
    throw new InputErrors([unexpected(e, file)]);
  }
  return { value, pos: ysrc.root(), values: scan.values };
}

/** An exception from a parser, turned into an input error. */
export function unexpected(e: unknown, file: string): InputError {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return new InputError(`nesting too deep (more than ${MAX_NESTING} levels)`, fileLoc(file));
  const msg = e instanceof Error ? e.message : String(e);
  return new InputError(`cannot parse ${file}: ${msg}`, fileLoc(file));
}

/**
 * A scenario's text given rather than read (`loadScenarioText`), held to what a file is held
 * to: the size limit, and no NUL bytes. Throws InputErrors.
 */
export function checkGivenText(text: string, file: string): void {
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_FILE_BYTES) throw new InputErrors([new InputError(`file too large: ${size} bytes (the limit is 16 MiB)`, fileLoc(file))]);
  if (text.includes('\0')) {
    const bad = notText(Buffer.from(text, 'utf8'), file, 'a scenario', false);
    if (bad) throw new InputErrors([bad]);
  }
}

/** Read and parse a scenario file (kind from its extension; `foreign`: see parseText). Throws InputErrors. */
export function readScenarioFile(file: string, abs: string, foreign = false, budget = MAX_VALUES): ParsedFile {
  // An included file (a model) is read once per process while it is unchanged: every scenario
  // of a run includes the same models, and reading and parsing them was most of a file's time.
  const st = foreign ? statSync(abs, { throwIfNoEntry: false }) : undefined;
  const key = `${abs}\u0000${file}`;
  const cached = st?.isFile() ? parsedIncludes.get(key) : undefined;
  if (cached && cached.mtimeMs === st!.mtimeMs && cached.size === st!.size && cached.ino === st!.ino && cached.parsed.values <= budget) return cached.parsed;
  // A built-in model comes parsed from the build while it is unchanged (model-cache.ts): known
  // so from its file's status in a checkout the build ran in, else from its text.
  let parsed = st?.isFile() ? unchangedModel(abs, file, budget) : null;
  if (!parsed) {
    const text = readText(file, abs);
    parsed = (foreign ? cachedModel(abs, text, file, budget) : null) ?? parseText(text, file, isJsonName(file), foreign, budget);
  }
  if (st?.isFile()) parsedIncludes.set(key, { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, parsed });
  return parsed;
}

/** Included files parsed so far, by path and name shown, with the file's identity when read. */
const parsedIncludes = new Map<string, { readonly mtimeMs: number; readonly size: number; readonly ino: number; readonly parsed: ParsedFile }>();

/** A `.json` file is read as JSON (a scenario's other names as YAML). */
export function isJsonName(file: string): boolean {
  return /\.json$/i.test(file);
}
