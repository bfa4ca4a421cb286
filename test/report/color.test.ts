import { describe, expect, it } from 'vitest';
import { painter, useColor } from '../../src/report/color.js';
import { FORMATS, getReporter } from '../../src/report/index.js';

describe('colour decision', () => {
  const tty = { env: {}, isTTY: true };
  it.each([
    ['a terminal', { ...tty }, true],
    ['not a terminal', { env: {}, isTTY: false }, false],
    ['--no-color on a terminal', { ...tty, flag: false }, false],
    ['NO_COLOR on a terminal', { env: { NO_COLOR: '1' }, isTTY: true }, false],
    ['empty NO_COLOR is ignored', { env: { NO_COLOR: '' }, isTTY: true }, true],
    ['FORCE_COLOR off a terminal', { env: { FORCE_COLOR: '1' }, isTTY: false }, true],
    ['empty FORCE_COLOR forces too', { env: { FORCE_COLOR: '' }, isTTY: false }, true],
    ['FORCE_COLOR=0 on a terminal', { env: { FORCE_COLOR: '0' }, isTTY: true }, false],
    ['FORCE_COLOR beats NO_COLOR', { env: { FORCE_COLOR: '1', NO_COLOR: '1' }, isTTY: false }, true],
    ['--no-color beats FORCE_COLOR', { env: { FORCE_COLOR: '1' }, isTTY: true, flag: false }, false],
  ] as const)('%s', (_name, inputs, want) => {
    expect(useColor(inputs)).toBe(want);
  });

  it('paints with an instance of its own', () => {
    expect(painter(true).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(painter(false).red('x')).toBe('x');
  });
});

describe('reporter registry', () => {
  it('maps format names to reporters', () => {
    expect(FORMATS).toEqual(['text', 'json', 'sarif', 'junit', 'github', 'markdown']);
    expect(getReporter('json')).toBeTypeOf('function');
    expect(getReporter('toString')).toBeUndefined();
    expect(getReporter('xml')).toBeUndefined();
  });
});
