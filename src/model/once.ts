/**
 * A value built on first use, then kept: for module-level tables and schemas that only some
 * commands need (a one-file check must not pay for the JSON Schema's or the baseline's at
 * start-up).
 */
export function once<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
