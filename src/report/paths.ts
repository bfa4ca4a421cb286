/**
 * File names as the CI formats want them: relative to the working directory, with forward
 * slashes (GitHub annotations, SARIF `%SRCROOT%` URIs, JUnit `file`, markdown). The built-in
 * kernel model keeps its display name `<fencedep>/rules/…`: it is not a file of the user's
 * repository. Pure: the working directory is an argument.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** How locations in the built-in kernel model are shown (load/models.ts `modelDisplayPath`). */
export const MODEL_PREFIX = '<fencedep>/';

export const isModelFile = (file: string): boolean => file.startsWith(MODEL_PREFIX);

const slashes = (p: string): string => p.replace(/\\/g, '/');

/**
 * `file` relative to `cwd`, forward slashes, no leading `./`. Relative names are taken as
 * relative to `cwd` already (that is how the CLI received them); a file outside `cwd` keeps
 * its `../` (it cannot be made repository-relative).
 */
export function relativeFile(file: string, cwd: string): string {
  if (isModelFile(file) || file === '') return file;
  const rel = path.isAbsolute(file) || path.win32.isAbsolute(file) ? path.relative(cwd, file) : file;
  const norm = path.posix.normalize(slashes(rel));
  return norm === '.' ? '' : norm.replace(/^(\.\/)+/, '');
}

/** Percent-encode each path segment (spaces, `#`, `?`, `%`, non-ASCII) so the result is a URI reference; an unpaired surrogate (no UTF-8 for it) is U+FFFD. */
export function encodePath(p: string): string {
  return p
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/** A SARIF artifactLocation: `%SRCROOT%`-relative inside the working directory, the model under `FENCEDEP`, else a file URI. */
export interface SarifArtifact {
  readonly uri: string;
  readonly uriBaseId?: string;
}

export const SRCROOT = '%SRCROOT%';
export const MODEL_ROOT = 'FENCEDEP';

export function sarifArtifact(file: string, cwd: string): SarifArtifact {
  if (isModelFile(file)) return { uri: encodePath(file.slice(MODEL_PREFIX.length)), uriBaseId: MODEL_ROOT };
  const rel = relativeFile(file, cwd);
  if (rel !== '' && rel !== '..' && !rel.startsWith('../')) return { uri: encodePath(rel), uriBaseId: SRCROOT };
  return { uri: pathToFileURL(path.resolve(cwd, file)).href };
}
