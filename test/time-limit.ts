/**
 * How long a test may run before it is taken for a hang (vitest's testTimeout, and the
 * timeout of a child process a test waits for). It is not a speed check: tests assert the
 * work done (steps replayed, chains recorded, limits reached), never the time taken, because
 * the suite runs its files in parallel and on a loaded 2-core machine anything may take
 * several times longer than alone.
 */
export const HANG_MS = 600_000;
