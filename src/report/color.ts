/**
 * When to colour: a pure function of the flag, the environment and whether the output is a
 * terminal. `--no-color` always wins; then FORCE_COLOR (as Node and chalk read it: `0` or
 * `false` turns colour off, any other value on); then NO_COLOR (any non-empty value turns it
 * off); otherwise colour follows whether the output is a terminal.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export interface ColorInputs {
  /** false for `--no-color`; true or undefined otherwise. */
  readonly flag?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether the output is a terminal (false when writing to `--output FILE`). */
  readonly isTTY: boolean;
}

export function useColor({ flag, env, isTTY }: ColorInputs): boolean {
  if (flag === false) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY;
}

/** A chalk instance of its own (never the global one), basic 16 colours or none. */
export function painter(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}
