/**
 * zod validation with messages a person can act on: every issue becomes an InputError at
 * the position of the offending value (or key), saying what was expected, with a
 * "did you mean" for a misspelt name or key.
 */
import type * as z from 'zod/mini';
import { InputError, didYouMean } from './errors.js';
import { posAt, type PathKey, type Pos } from './pos.js';
import { quote } from './names.js';

/** `<<` is YAML 1.1's merge key; a scenario is YAML 1.2, where it is a key like any other. */
const MERGE_KEY_HINT = ' (YAML merge keys are YAML 1.1: a scenario is YAML 1.2, where `<<` is a plain key; write the keys out, or alias a whole value)';

type Issue = z.core.$ZodIssue;

/** Marks the message of an unrecognized_keys issue that carries the known keys. */
const KEYS_MARK = '\u0001keys:';

/** Run `schema` on `value`; on failure return InputErrors positioned through `pos`. */
export function validate<T extends z.ZodMiniType>(
  schema: T,
  value: unknown,
  pos: Pos,
  where: string,
): { ok: true; data: z.output<T> } | { ok: false; errors: InputError[] } {
  const r = schema.safeParse(value, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
        if (shape) return KEYS_MARK + JSON.stringify(Object.keys(shape));
      }
      return undefined;
    },
  });
  if (r.success) return { ok: true, data: r.data };
  const errors: InputError[] = [];
  for (const iss of r.error.issues) formatIssue(iss, [], value, pos, where, errors);
  return { ok: false, errors };
}

/** `paths[0].steps`, or `where` for the root. */
export function pathString(where: string, path: readonly PathKey[]): string {
  let s = where;
  // `with.mode`, not `with.with.mode`, for the steps validated as a whole map.
  const skip = path.length > 0 && path[0] === where ? 1 : 0;
  for (const k of path.slice(skip)) {
    if (typeof k === 'number') s += `[${k}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) s += s ? `.${k}` : k;
    else s += `[${JSON.stringify(k)}]`;
  }
  return s;
}

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathKey, unknown>)[k];
  }
  return v;
}

/** A short description of a value for "got …". */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return v.length > 40 ? `the string ${JSON.stringify(v.slice(0, 37) + '...')}` : `the string ${JSON.stringify(v)}`;
    case 'number':
    case 'boolean':
      return `${typeof v} ${String(v)}`;
    case 'object':
      return 'a map';
    default:
      return typeof v;
  }
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a map',
  record: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  null: 'nothing (null)',
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function fmtValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `expected one of a, b, c (did you mean "b"?)` for a value not among `values`. */
export function expectedOneOf(allValues: readonly unknown[], input: unknown): string {
  // Numbers accepted beside strings (`kernel: 5.10`) are a convenience: name the strings.
  const strings = allValues.filter((v) => typeof v === 'string');
  const values = [...new Set(strings.length > 0 ? strings : allValues)];
  if (values.length === 1) return `expected ${JSON.stringify(values[0])}`;
  const dym = typeof input === 'string' ? didYouMean(input, values.filter((v): v is string => typeof v === 'string')) : '';
  return `expected one of ${values.map(fmtValue).join(', ')}${dym}`;
}

function prefix(where: string, path: readonly PathKey[]): string {
  const p = pathString(where, path);
  return p ? `${p}: ` : '';
}

function formatIssue(
  iss: Issue,
  base: readonly PathKey[],
  root: unknown,
  pos: Pos,
  where: string,
  out: InputError[],
): void {
  const path = [...base, ...(iss.path as PathKey[])];
  const input = valueAt(root, path);
  const at = () => posAt(pos, path).loc();
  switch (iss.code) {
    case 'invalid_type': {
      if (input === undefined && path.length > 0) {
        const key = path[path.length - 1];
        const parent = path.slice(0, -1);
        out.push(new InputError(`${prefix(where, parent)}missing required key "${String(key)}" (${typeName(iss.expected)})`, posAt(pos, parent).loc()));
      } else {
        out.push(new InputError(`${prefix(where, path)}expected ${typeName(iss.expected)}, got ${describeValue(input)}`, at()));
      }
      return;
    }
    case 'invalid_value':
      out.push(new InputError(`${prefix(where, path)}${expectedOneOf(iss.values, input)}`, at()));
      return;
    case 'unrecognized_keys': {
      let known: string[] = [];
      if (iss.message.startsWith(KEYS_MARK)) {
        try {
          known = JSON.parse(iss.message.slice(KEYS_MARK.length)) as string[];
        } catch {
          known = [];
        }
      }
      const objPos = posAt(pos, path);
      const inWhere = pathString(where, path);
      for (const key of iss.keys) {
        const exp = known.length ? `; expected ${known.length === 1 ? `"${known[0]}"` : `one of ${known.join(', ')}`}` : '';
        out.push(
          new InputError(
            `unknown key ${quote(key)}${inWhere ? ` in ${inWhere}` : ''}${exp}${key === '<<' ? MERGE_KEY_HINT : didYouMean(key, known)}`,
            objPos.keyLoc(key),
          ),
        );
      }
      return;
    }
    case 'invalid_union':
      formatUnion(iss, path, input, root, pos, where, out);
      return;
    case 'too_big': {
      const what = iss.origin === 'array' ? `at most ${iss.maximum} items` : iss.origin === 'string' ? `at most ${iss.maximum} characters` : `at most ${iss.maximum}`;
      out.push(new InputError(`${prefix(where, path)}expected ${what}, got ${describeValue(input)}`, at()));
      return;
    }
    case 'too_small': {
      const what =
        iss.origin === 'array'
          ? `at least ${iss.minimum} item${iss.minimum === 1 ? '' : 's'}`
          : iss.origin === 'string'
            ? iss.minimum === 1
              ? 'a non-empty string'
              : `at least ${iss.minimum} characters`
            : `at least ${iss.minimum}`;
      out.push(new InputError(`${prefix(where, path)}expected ${what}, got ${describeValue(input)}`, at()));
      return;
    }
    default:
      out.push(new InputError(`${prefix(where, path)}${iss.message}`, at()));
  }
}

function jsKind(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Does this branch of a union fail only because the input has another type altogether? */
function isTypeMismatch(branch: readonly Issue[], input: unknown): boolean {
  return branch.some(
    (i) =>
      i.path.length === 0 &&
      ((i.code === 'invalid_type' && !(i.expected === 'int' && typeof input === 'number')) ||
        (i.code === 'invalid_value' && !i.values.some((v) => jsKind(v) === jsKind(input)))),
  );
}

function describeBranch(branch: readonly Issue[]): string[] {
  const out: string[] = [];
  for (const i of branch) {
    if (i.path.length !== 0) continue;
    if (i.code === 'invalid_type') out.push(typeName(i.expected));
    else if (i.code === 'invalid_value') out.push(...i.values.map((v) => JSON.stringify(v)));
  }
  return out;
}

function formatUnion(
  iss: Extract<Issue, { code: 'invalid_union' }>,
  path: PathKey[],
  input: unknown,
  root: unknown,
  pos: Pos,
  where: string,
  out: InputError[],
): void {
  const branches = iss.errors;
  const kept = branches.filter((b) => !isTypeMismatch(b, input));
  const at = posAt(pos, path).loc();
  // Enum-like unions: every remaining branch only rejects the value itself.
  const valueOnly = (b: readonly Issue[]) => b.length === 1 && b[0].path.length === 0 && b[0].code === 'invalid_value';
  if (kept.length > 0 && kept.every(valueOnly)) {
    const values: unknown[] = [];
    for (const b of branches) if (valueOnly(b)) values.push(...(b[0] as { values: unknown[] }).values);
    const keptValues = kept.flatMap((b) => (b[0] as { values: unknown[] }).values);
    if (keptValues.length === 1) {
      // `expect: cleen`: "clean" or a list.
      const others = branches.filter((b) => !kept.includes(b)).flatMap(describeBranch).filter((d) => !d.startsWith('"'));
      const exp = [JSON.stringify(keptValues[0]), ...others].join(' or ');
      out.push(new InputError(`${prefix(where, path)}expected ${exp}, got ${describeValue(input)}`, at));
      return;
    }
    out.push(new InputError(`${prefix(where, path)}${expectedOneOf(values, input)}`, at));
    return;
  }
  if (kept.length > 0) {
    let best = kept[0];
    for (const b of kept) if (b.length < best.length) best = b;
    for (const i of best) formatIssue(i, path, root, pos, where, out);
    return;
  }
  const alternatives: string[] = [];
  for (const b of branches) for (const d of describeBranch(b)) if (!alternatives.includes(d)) alternatives.push(d);
  const strings = alternatives.filter((a) => a.startsWith('"'));
  const others = alternatives.filter((a) => !a.startsWith('"'));
  const parts: string[] = [];
  if (strings.length) parts.push(strings.length === 1 ? strings[0] : `one of ${strings.map((s) => JSON.parse(s) as string).join(', ')}`);
  parts.push(...others);
  const exp = parts.length ? parts.join(' or ') : 'something else';
  out.push(new InputError(`${prefix(where, path)}expected ${exp}, got ${describeValue(input)}`, at));
}
