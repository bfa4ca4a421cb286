/**
 * The official SARIF 2.1.0 JSON Schema (OASIS, as shipped by @microsoft/jest-sarif), compiled
 * with ajv. The file is draft-04 (`id`, `$schema: draft-04`), which ajv 8 reads as draft-07
 * once the id keyword is renamed: the schema uses no keyword whose meaning changed between
 * them. ajv-formats checks `uri`, `uri-reference` and `date-time`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
export const SARIF_SCHEMA_FILE = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

function loadSchema(): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  const { $schema: _draft04, id, ...rest } = schema;
  return { $id: id, ...rest };
}

let validator: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } | undefined;

/** Validate a SARIF log; returns ajv's errors, or [] when valid. */
export function sarifErrors(log: unknown): ErrorObject[] {
  if (!validator) {
    // unicodeRegExp: false — the schema's `language` pattern (`…-[a-zA-Z]{2}]?$`) has a stray
    // `]`, a literal in a plain RegExp but a syntax error under the `u` flag.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    validator = ajv.compile(loadSchema());
  }
  return validator(log) ? [] : [...(validator.errors ?? [])];
}
