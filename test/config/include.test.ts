/** The loader's extra includes (a config file's `include`): order, once per file, errors at the config's position. */
import { describe, expect, it } from 'vitest';
import { InputErrors, loadScenario } from '../../src/load/index.js';
import { sandbox } from '../cli/gate-helpers.js';

describe('loadScenario(file, {include})', () => {
  it('loads the extra includes before the file\'s own, each file once', async () => {
    const sb = sandbox();
    sb.write('models/base.yaml', 'locks: {base_lock: mutex}\npaths:\n  - name: base path\n    steps: [{lock: base_lock}, {unlock: base_lock}]\n');
    sb.write('models/other.yaml', 'locks: {other_lock: mutex}\n');
    const file = sb.write('s/main.yaml', 'include: [../models/other.yaml, ../models/base.yaml]\nlocks: {mine: mutex}\n');
    const s = await loadScenario(file, { include: [{ spec: './models/base.yaml', base: sb.dir, loc: null }] });
    expect([...s.locks.keys()].slice(3)).toEqual(['base_lock', 'other_lock', 'mine']);
    expect(s.paths.map((p) => p.name)).toEqual(['base path']);
  });

  it('a model name; the root file itself is skipped', async () => {
    const sb = sandbox();
    const file = sb.write('m.yaml', 'locks: {x: mutex}\n');
    const s = await loadScenario(file, {
      include: [
        { spec: 'kernel/mm', base: sb.dir, loc: null },
        { spec: 'm.yaml', base: sb.dir, loc: null },
      ],
    });
    expect(s.locks.has('mmap_lock')).toBe(true);
    expect(s.locks.has('x')).toBe(true);
  });

  it('an unknown model or a missing file is an error at the position that asked for it', async () => {
    const sb = sandbox();
    const file = sb.write('m.yaml', 'locks: {x: mutex}\n');
    const loc = { file: 'fencedep.config.yaml', line: 3, column: 12 };
    for (const spec of ['kernl', './nope.yaml']) {
      const err = await loadScenario(file, { include: [{ spec, base: sb.dir, loc }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputErrors);
      const [e] = (err as InputErrors).errors;
      expect(e.loc).toEqual(loc);
      expect(e.message).toMatch(spec === 'kernl' ? /^unknown model "kernl".*\(did you mean "kernel"\?\)$/ : /^include not found: "\.\/nope\.yaml"/);
    }
  });
});
