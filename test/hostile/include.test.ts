/**
 * Hostile includes and file reads (issue "Hardening II", items 6 and 8):
 *
 * - An include that resolves (through a symlink, or by name) to a file that is not a
 *   scenario must say so without echoing the file: a key, a credentials file, a config in
 *   another format. The policy (README, "Hostile inputs"): a file reached through an include
 *   that does not parse, is not a map, or has no top-level scenario key is "not a scenario",
 *   with the kind of problem and its position, never its text; a file with scenario keys is
 *   checked as a scenario (key names escaped and shortened, like every name).
 * - An include (or a checked file) that is a FIFO, a device or a socket is refused at once
 *   as not a regular file: never waited on.
 * - A UTF-8 byte order mark does not shift the columns of the first line.
 */
import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputErrors, loadScenario, loadScenarioText } from '../../src/load/index.js';
import { assertSane, cli, scratch } from '../fuzz/harness.js';

const fx = scratch('hostile-include');
const DIR = fx.dir;
const write = fx.write;
afterAll(() => fx.cleanup());

/** Everything `check` prints for a file, and its exit code. */
async function check(file: string): Promise<{ code: number; all: string }> {
  const r = await cli(['check', '--no-config', '--no-color', file]);
  assertSane(r, file);
  return { code: r.code, all: r.out + r.err };
}

async function loadErrors(file: string): Promise<string[]> {
  try {
    await loadScenario(file);
  } catch (e) {
    expect(e).toBeInstanceOf(InputErrors);
    return (e as InputErrors).errors.map((x) => `${x.loc ? `${x.loc.file}:${x.loc.line}:${x.loc.column}: ` : ''}${x.message}`);
  }
  throw new Error(`${file} loaded`);
}

const SECRET = 'FAKE-SECRET-7f3a9c1e-DO-NOT-PRINT';
const PEM = `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA${SECRET}AAAAB\nAAAAC3NzaC1lZDI1NTE5AAAAI${SECRET}\n-----END OPENSSH PRIVATE KEY-----\n`;

describe('an include of something that is not a scenario never shows its text', () => {
  // Each payload is a file elsewhere, reached by a symlink with a scenario's name.
  const payloads: { what: string; target: string; text: string; link: string; message: RegExp }[] = [
    { what: 'a private key (a YAML plain scalar)', target: 'secrets/id_ed25519', text: PEM, link: 'key.yaml', message: /not a scenario: its content is a string of \d+ characters, not a map/ },
    { what: 'a private key read as JSON', target: 'secrets/id_rsa', text: PEM, link: 'key.json', message: /not a scenario: invalid JSON/ },
    { what: 'a credentials map', target: 'secrets/credentials', text: `aws_access_key_id: AKIA${SECRET}\naws_secret_access_key: ${SECRET}\n`, link: 'creds.yaml', message: /not a scenario: none of its 2 top-level keys is a scenario key/ },
    { what: 'a JSON config', target: 'secrets/config.json', text: `{"auths": {"registry": {"auth": "${SECRET}"}}}\n`, link: 'docker.json', message: /not a scenario: none of its 1 top-level key is a scenario key/ },
    { what: 'a list of tokens', target: 'secrets/tokens', text: `- ${SECRET}\n- ${SECRET}2\n`, link: 'tokens.yaml', message: /not a scenario: its content is a list, not a map/ },
    { what: 'YAML whose syntax error the parser would quote', target: 'secrets/broken', text: `token: "${SECRET}\n  : [${SECRET}\n`, link: 'broken.yaml', message: /not a scenario: YAML syntax error \([a-z ]+\)/ },
    { what: 'an .env file', target: 'secrets/.env', text: `DB_PASSWORD=${SECRET}\nAPI_KEY=${SECRET}\n`, link: 'env.yaml', message: /not a scenario: its content is a string/ },
  ];
  for (const p of payloads) {
    it(p.what, async () => {
      write(p.target, p.text);
      symlinkSync(path.join(DIR, p.target), path.join(DIR, p.link));
      const main = write(`main-${p.link}.yaml`, `include: [./${p.link}]\nlocks: {A: mutex}\n`);
      const errors = await loadErrors(main);
      expect(errors.join('\n')).toMatch(p.message);
      expect(errors.join('\n')).toMatch(/the file's text is not shown/);
      const { code, all } = await check(main);
      expect(code).toBe(2);
      expect(all).toMatch(p.message);
      for (const piece of [SECRET, 'PRIVATE KEY', 'AKIA', 'auths', 'DB_PASSWORD']) expect(all).not.toContain(piece);
    });
  }

  it('the file asked for is still described in full (it is the user\'s own scenario)', async () => {
    const e = await loadScenarioText('locks: {A: mutx}\nvm_lock: mutex\n', { file: 'own.yaml' }).catch((x: InputErrors) => x.errors.map((y) => y.message));
    expect(e).toEqual([expect.stringMatching(/^locks\.A: expected one of mutex/), expect.stringMatching(/^unknown key "vm_lock"/)]);
  });

  it('an included scenario with a mistake is a scenario: its key names are shown, escaped', async () => {
    write('typo.yaml', 'locks:\n  A: mutx\n"bad\\u001b[31mkey": 1\n');
    const errors = await loadErrors(write('main-typo.yaml', 'include: [./typo.yaml]\n'));
    expect(errors).toEqual([
      expect.stringMatching(/typo\.yaml:2:6: locks\.A: expected one of mutex.*\(did you mean "mutex"\?\)$/),
      expect.stringMatching(/typo\.yaml:3:1: unknown key "bad\\u001b\[31mkey"; expected one of version/),
    ]);
  });
});

describe('an include or a file that is not a regular file is refused, never waited on', () => {
  let server: Server | null = null;
  beforeAll(async () => {
    const fifo = spawnSync('mkfifo', [path.join(DIR, 'pipe.yaml'), path.join(DIR, 'pipe.jsonl')]);
    expect(fifo.status, String(fifo.stderr)).toBe(0);
    symlinkSync('/dev/zero', path.join(DIR, 'zero.yaml'));
    symlinkSync('/dev/null', path.join(DIR, 'null.json'));
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(path.join(DIR, 'socket.yaml'), resolve));
  });
  afterAll(() => server?.close());

  const targets: { what: string; name: string; kind: RegExp }[] = [
    { what: 'a FIFO', name: 'pipe.yaml', kind: /it is a FIFO \(named pipe\), not a regular file/ },
    { what: 'a symlink to /dev/zero', name: 'zero.yaml', kind: /it is a character device, not a regular file/ },
    { what: 'a symlink to /dev/null', name: 'null.json', kind: /it is a character device, not a regular file/ },
    { what: 'a socket', name: 'socket.yaml', kind: /it is a socket, not a regular file/ },
  ];
  // The test timeout is only a safety net: each of these answers at once.
  for (const t of targets) {
    it(`included from a scenario: ${t.what}`, { timeout: 20_000 }, async () => {
      const main = write(`inc-${t.name}.yaml`, `include: [./${t.name}]\n`);
      const errors = await loadErrors(main);
      expect(errors).toEqual([expect.stringMatching(new RegExp(`^${main.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:11: cannot include "\\./${t.name.replace('.', '\\.')}": ${t.kind.source}$`))]);
    });
    it(`included from a stream: ${t.what}`, { timeout: 20_000 }, async () => {
      const stream = write(`inc-${t.name}.jsonl`, `${JSON.stringify({ decl: 'include', name: `./${t.name}` })}\n`);
      const { code, all } = await check(stream);
      expect(code).toBe(2);
      expect(all).toMatch(new RegExp(`inc-${t.name.replace('.', '\\.')}\\.jsonl:1:1: error: cannot include "\\./${t.name.replace('.', '\\.')}": ${t.kind.source}`));
    });
    it(`checked directly: ${t.what}`, { timeout: 20_000 }, async () => {
      const { code, all } = await check(path.join(DIR, t.name));
      expect(code).toBe(2);
      expect(all).toMatch(new RegExp(`cannot read .*${t.name.replace('.', '\\.')}: ${t.kind.source}`));
    });
  }

  it('a FIFO stream checked directly', { timeout: 20_000 }, async () => {
    const { code, all } = await check(path.join(DIR, 'pipe.jsonl'));
    expect(code).toBe(2);
    expect(all).toMatch(/cannot read .*pipe\.jsonl: it is a FIFO \(named pipe\), not a regular file/);
  });
});

describe('a UTF-8 byte order mark does not shift first-line columns', () => {
  const BOM = '\ufeff';
  const cases: { what: string; name: string; text: string; line: number; column: number }[] = [
    { what: 'YAML, a bad value', name: 'bom.yaml', text: 'locks: {A: mutx}\n', line: 1, column: 12 },
    { what: 'YAML, an unknown key', name: 'bom-key.yaml', text: 'lokcs: {A: mutex}\n', line: 1, column: 1 },
    { what: 'JSON, a bad value', name: 'bom.json', text: '{"locks": {"A": "mutx"}}\n', line: 1, column: 17 },
    { what: 'JSON, a syntax error', name: 'bom-syntax.json', text: '{"locks": {"A": "mutex",}}\n', line: 1, column: 25 },
    { what: 'YAML, an undeclared lock on line 1', name: 'bom-flow.yaml', text: 'paths: [{name: p, steps: [{lock: B}]}]\n', line: 1, column: 34 },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const errorsOf = async (text: string) => {
        const e = await loadScenarioText(text, { file: c.name }).then(
          () => null,
          (x: InputErrors) => x,
        );
        expect(e).toBeInstanceOf(InputErrors);
        return e!.errors.map((x) => x.toInfo());
      };
      const plain = await errorsOf(c.text);
      expect(plain[0]).toMatchObject({ line: c.line, column: c.column });
      expect(await errorsOf(BOM + c.text)).toEqual(plain);
      // Read from a file, too (the BOM as bytes).
      const file = write(c.name, BOM + c.text);
      const fromFile = await loadScenario(file).then(
        () => null,
        (x: InputErrors) => x.errors.map((y) => y.toInfo()),
      );
      expect(fromFile).toEqual(plain.map((p) => ({ ...p, file })));
    });
  }

  it('a NUL byte on a BOM-marked first line is located after the BOM', async () => {
    const file = write('bom-nul.yaml', `${BOM}name: a\u0000b\n`);
    const e = await loadScenario(file).then(
      () => null,
      (x: InputErrors) => x.errors[0]!.toInfo(),
    );
    expect(e).toMatchObject({ line: 1, column: 8, message: expect.stringMatching(/^binary file/) });
  });

  it('JSON Lines: the first line after a BOM', async () => {
    const file = write('bom.jsonl', `${BOM}{"decl":"lock",,"name":"A"}\n`);
    const { all } = await check(file);
    expect(all).toMatch(/bom\.jsonl:1:16: error: invalid JSON/);
  });
});
