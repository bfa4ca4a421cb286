/**
 * Hostile inputs: every kind of file a CI gate may be fed by mistake or by malice, with what
 * `fencedep check` must answer (exit code, the message, its line and column). The README's
 * table of hostile inputs is this list.
 */

export interface HostileCase {
  /** The row of the README table. */
  readonly what: string;
  /** Files to write (relative to the corpus directory); the first is the one checked. */
  readonly files: Readonly<Record<string, string | Buffer>>;
  /** What to check, when not the first file (a directory, a missing path, an absolute path such as a device). */
  readonly check?: string;
  readonly exit: 0 | 1 | 2;
  /** Each must match a line of the text output (stdout + stderr). */
  readonly lines: readonly RegExp[];
  /** Seconds of work even alone: checked in-process only, not in the all-at-once child process. */
  readonly heavy?: true;
}

const lines = (...ls: unknown[]) => ls.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

/** A path that nests `n` hardirq blocks (flow style). */
const deepFlow = (n: number) => `paths: [{name: x, steps: ${'[{hardirq: '.repeat(n)}[]${'}]'.repeat(n)}}]\n`;

/** A path nesting `n` hardirq blocks in block style. */
function deepBlock(n: number): string {
  let out = 'paths:\n  - name: p\n    steps:\n';
  let ind = 6;
  for (let i = 0; i < n; i++) {
    out += `${' '.repeat(ind)}- hardirq:\n`;
    ind += 4;
  }
  return `${out}${' '.repeat(ind)}- might_sleep\n`;
}

/** Functions f1..fn, each calling the one before twice: 2^n steps from a few lines. */
function callBomb(n: number): string {
  let s = 'locks: {A: mutex}\nfunctions:\n  f0: [{lock: A}, {unlock: A}]\n';
  for (let i = 1; i < n; i++) s += `  f${i}: [{call: f${i - 1}}, {call: f${i - 1}}]\n`;
  return `${s}paths:\n  - name: p\n    steps:\n      - call: f${n - 1}\n`;
}

/** A ring of `n` mutexes as a stream: lock i then i+1, for every i (one cycle of n classes). */
function ringStream(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`{"decl":"lock","name":"L${i}","type":"mutex"}`);
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    out.push(`{"path":"t","op":"lock","name":"L${i}"}`, `{"path":"t","op":"lock","name":"L${j}"}`, `{"path":"t","op":"unlock","name":"L${j}"}`, `{"path":"t","op":"unlock","name":"L${i}"}`);
  }
  return out.join('\n') + '\n';
}

const ABBA = (a: string, b: string) =>
  `paths:\n  - name: one\n    steps: [{lock: ${a}}, {lock: ${b}}, {unlock: ${b}}, {unlock: ${a}}]\n  - name: two\n    steps: [{lock: ${b}}, {lock: ${a}}, {unlock: ${a}}, {unlock: ${b}}]\n`;

const HUGE = 'n'.repeat(100_000);

export const CASES: readonly HostileCase[] = [
  // --- empty, binary, encodings ---------------------------------------------------------
  { what: 'empty YAML file', files: { 'empty.yaml': '' }, exit: 2, lines: [/empty\.yaml:1:1: error: empty scenario: the file has no content/] },
  { what: 'empty JSON file', files: { 'empty.json': '  \n' }, exit: 2, lines: [/empty\.json:1:1: error: empty scenario/] },
  { what: 'empty JSONL stream', files: { 'empty.jsonl': '\n\n' }, exit: 2, lines: [/empty\.jsonl:1:1: error: empty stream: the file has no events or declarations/] },
  { what: 'YAML with only comments', files: { 'comments.yaml': '# nothing here\n' }, exit: 2, lines: [/comments\.yaml:1:1: error: empty scenario: the file has only comments/] },
  { what: 'binary file (NUL bytes) as .yaml', files: { 'image.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]) }, exit: 2, lines: [/image\.yaml:3:1: error: binary file \(contains NUL bytes\): not a scenario/] },
  {
    // Past the first 64 KiB the stream is no longer sniffed as a whole: each line is checked.
    what: 'a JSONL stream with bytes that are not UTF-8 after its first 64 KiB',
    files: {
      'late-latin1.jsonl': Buffer.concat([
        Buffer.from(lines({ decl: 'lock', name: 'A', type: 'mutex' }, ...Array.from({ length: 2000 }, () => ({ path: 't', op: 'lock', name: 'A' })).flatMap((e) => [e, { ...e, op: 'unlock' }]))),
        Buffer.from('{"path":"u","op":"lock","name":"caf\xe9"}\n{"path":"u","op":"lock","name":"A"}\n{"path":"u","op":"lock","name":"A"}\n', 'latin1'),
      ]),
    },
    exit: 2,
    lines: [/late-latin1\.jsonl:4002:36: error: not UTF-8 text \(byte 0xE9 here\): a JSON Lines stream must be UTF-8/, /late-latin1\.jsonl:4004:1: error: possible recursive locking: A taken again while held/],
  },
  { what: 'binary file as .jsonl', files: { 'core.jsonl': Buffer.concat([Buffer.from('{"decl":"lock",'), Buffer.alloc(8), Buffer.from('\n')]) }, exit: 2, lines: [/core\.jsonl:1:16: error: binary file \(contains NUL bytes\): not a JSON Lines stream/] },
  { what: 'Latin-1 (not UTF-8) text', files: { 'latin1.yaml': Buffer.from('locks:\n  caf\xe9: mutex\n', 'latin1') }, exit: 2, lines: [/latin1\.yaml:2:6: error: not UTF-8 text \(byte 0xE9 here\): a scenario must be UTF-8/] },
  { what: 'UTF-16 text', files: { 'utf16.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('locks: {}\n', 'utf16le')]) }, exit: 2, lines: [/utf16\.yaml:1:1: error: UTF-16 text: a scenario must be UTF-8 \(save the file as UTF-8\)/] },
  { what: 'UTF-8 with a BOM and CRLF line ends', files: { 'bom.yaml': `\ufeff${ABBA('A', 'B').replace(/^/, 'locks: {A: mutex, B: mutex}\n').replace(/\n/g, '\r\n')}` }, exit: 1, lines: [/bom\.yaml:6:25: error: possible circular locking dependency: A -> B -> A/] },

  // --- syntax ---------------------------------------------------------------------------
  { what: 'YAML syntax error (unclosed bracket)', files: { 'syntax.yaml': 'locks:\n  A: [mutex\npaths: []\n' }, exit: 2, lines: [/syntax\.yaml:3:\d+: error: /] },
  { what: 'JSON syntax error (trailing comma)', files: { 'syntax.json': '{\n  "locks": {"A": "mutex",}\n}\n' }, exit: 2, lines: [/syntax\.json:2:26: error: invalid JSON: Expected double-quoted property name/] },
  { what: 'duplicate key (YAML)', files: { 'dup.yaml': 'locks:\n  A: mutex\n  B: mutex\n  A: spinlock\n' }, exit: 2, lines: [/dup\.yaml:4:3: error: duplicate key "A" \(keys must be unique\)/] },
  { what: 'duplicate key (JSON, which JSON.parse would hide)', files: { 'dup.json': '{\n  "locks": {"A": "mutex", "A": "spinlock"}\n}\n' }, exit: 2, lines: [/dup\.json:2:27: error: duplicate key "A"/] },
  { what: 'duplicate key spelt two ways (`1` and `"1"`)', files: { 'dup-num.yaml': 'locks:\n  1: mutex\n  "1": spinlock\n' }, exit: 2, lines: [/dup-num\.yaml:3:3: error: duplicate key "1"/] },
  { what: 'tab indentation', files: { 'tabs.yaml': 'locks:\n\tA: mutex\n' }, exit: 2, lines: [/tabs\.yaml:2:1: error: Tabs are not allowed as indentation \(indent YAML with spaces\)/] },
  { what: 'two YAML documents', files: { 'two.yaml': 'locks: {}\n---\npaths: []\n' }, exit: 2, lines: [/two\.yaml:2:1: error: a scenario file holds one YAML document/] },
  { what: 'unknown YAML tag', files: { 'tag.yaml': 'locks:\n  A: !mytag mutex\n' }, exit: 2, lines: [/tag\.yaml:2:\d+: error: /] },
  { what: 'a list, not a map', files: { 'list.yaml': '- a\n- b\n' }, exit: 2, lines: [/list\.yaml:1:1: error: a scenario is a map of keys/] },
  { what: 'fencedep\'s own JSON report saved beside the scenarios', files: { 'report.json': '{"version": 1, "tool": {"name": "fencedep", "version": "0.1.0"}, "results": [], "summary": {}}\n' }, exit: 2, lines: [/report\.json:1:1: error: a scenario is a map of keys .*got a fencedep report \(`--format json` output\)/] },
  { what: 'a key longer than YAML allows (1,024 characters)', files: { 'longkey.yaml': `locks:\n  ${'k'.repeat(1500)}: mutex\n` }, exit: 2, lines: [/longkey\.yaml:2:3: error: The : indicator must be at most 1024 chars .*explicit key/] },

  // --- alias bombs and nesting ------------------------------------------------------------
  {
    what: 'YAML alias bomb ("billion laughs")',
    files: { 'bomb.yaml': lines('a: &a ["x","x","x","x","x","x","x","x","x"]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]') },
    exit: 2,
    lines: [/bomb\.yaml:2:8: error: too many YAML aliases: expanding them would exceed the limit of 64 \(an alias bomb\?\)/],
  },
  { what: 'YAML alias cycle (a block containing itself)', files: { 'alias-cycle.yaml': 'functions:\n  f: &x\n    - hardirq: *x\n' }, exit: 2, lines: [/alias-cycle\.yaml:3:7: error: steps nested too deeply \(limit 64\)/] },
  { what: '1,000 nested blocks (YAML flow)', files: { 'deep.yaml': deepFlow(1000) }, exit: 2, lines: [/deep\.yaml:1:\d+: error: nesting too deep \(more than 256 levels\)/] },
  { what: '100,000 nested brackets (JSON)', files: { 'deep.json': `${'['.repeat(100_000)}${']'.repeat(100_000)}` }, exit: 2, lines: [/deep\.json:1:\d+: error: nesting too deep \(more than 256 levels\)/] },
  { what: '100,000 nested `- ` (YAML)', files: { 'dashes.yaml': `${'- '.repeat(100_000)}x\n` }, exit: 2, lines: [/dashes\.yaml:1:\d+: error: nesting too deep/] },
  { what: '70 nested blocks (within YAML\'s limit, beyond the steps\')', files: { 'deep-steps.yaml': deepBlock(70) }, exit: 2, lines: [/deep-steps\.yaml:\d+:\d+: error: steps nested too deeply \(limit 64\)/] },
  { what: '300 nested blocks in one JSONL event', files: { 'deep.jsonl': `{"path":"p","op":"softirq","do":[${'{"softirq":['.repeat(300)}${']}'.repeat(300)}]}\n` }, exit: 2, lines: [/deep\.jsonl:1:1: error: /] },

  // --- names ------------------------------------------------------------------------------
  { what: 'a lock name with a NUL character', files: { 'nul-name.yaml': 'locks:\n  "A\\0B": mutex\n' }, exit: 2, lines: [/nul-name\.yaml:2:3: error: invalid lock name "A\\u0000B": a name cannot contain a NUL character/] },
  { what: 'a path name with a control character (ESC)', files: { 'esc-name.yaml': 'paths:\n  - name: "red\\e[31m"\n    steps: []\n' }, exit: 2, lines: [/esc-name\.yaml:2:\d+: error: invalid path name "red\\u001b\[31m": a name cannot contain a control character \(U\+001B\)/] },
  { what: 'a JSONL lock name with a NUL character', files: { 'nul-name.jsonl': lines({ decl: 'lock', name: 'A\u0000', type: 'mutex' }, { path: 't', op: 'lock', name: 'A' }) }, exit: 2, lines: [/nul-name\.jsonl:1:1: error: .*NUL character/] },
  {
    what: '`__proto__`, `constructor`, `toString` as names of locks, functions, fences, hooks and paths',
    files: {
      'proto.yaml': [
        'locks: {__proto__: mutex, constructor: mutex, toString: spinlock}',
        'fences: {valueOf: {lock: toString, callbacks: [hasOwnProperty]}}',
        'hooks: {__proto__: [toString], constructor: [hasOwnProperty]}',
        'functions:',
        '  toString: [{lock: constructor}, {lock: __proto__}, {unlock: __proto__}, {unlock: constructor}]',
        '  hasOwnProperty: [might_sleep]',
        'paths:',
        '  - name: __proto__',
        '    steps: [{lock: __proto__}, {invoke: __proto__}, {unlock: __proto__}]',
        '  - name: constructor',
        '    steps: [{invoke: constructor}, {signal: valueOf}]',
        '',
      ].join('\n'),
    },
    exit: 1,
    lines: [/proto\.yaml:5:\d+: error: possible circular locking dependency: __proto__ -> constructor -> __proto__ \[circular-dependency\]/, /proto\.yaml:\d+:\d+: error: sleeping function called from invalid context/],
  },
  { what: 'a 100,000-character lock name', files: { 'huge-name.json': JSON.stringify({ locks: { [HUGE]: 'mutex', B: 'mutex' }, paths: JSON.parse(JSON.stringify([{ name: 'one', steps: [{ lock: HUGE }, { lock: 'B' }, { unlock: 'B' }, { unlock: HUGE }] }, { name: 'two', steps: [{ lock: 'B' }, { lock: HUGE }, { unlock: HUGE }, { unlock: 'B' }] }])) }) }, exit: 1, lines: [/huge-name\.json:1:\d+: error: possible circular locking dependency: /], heavy: true },
  { what: 'a 200,000-character undeclared name among long names', files: { 'huge-undeclared.json': JSON.stringify({ locks: { [`${HUGE}${HUGE}a`]: 'mutex', [`${HUGE}${HUGE}b`]: 'mutex' }, paths: [{ name: 'p', steps: [{ lock: `${HUGE}${HUGE}c` }] }] }) }, exit: 2, lines: [/huge-undeclared\.json:1:\d+: error: undeclared lock "n+…" \(200001 characters\) \(declare it under `locks:`\)/], heavy: true },

  // --- includes and calls -----------------------------------------------------------------
  { what: 'include cycle', files: { 'inc-a.yaml': 'include: [./inc-b.yaml]\n', 'inc-b.yaml': 'include: [./inc-a.yaml]\n' }, exit: 2, lines: [/inc-b\.yaml:1:11: error: include cycle: .*inc-a\.yaml -> .*inc-b\.yaml -> .*inc-a\.yaml/] },
  { what: 'include of a missing file', files: { 'inc-missing.yaml': 'include: [./nope.yaml]\n' }, exit: 2, lines: [/inc-missing\.yaml:1:11: error: include not found: "\.\/nope\.yaml"/] },
  { what: 'include of a text file', files: { 'inc-txt.yaml': 'include: [./notes.txt]\n', 'notes.txt': 'just notes\n' }, exit: 2, lines: [/inc-txt\.yaml:1:11: error: cannot include "\.\/notes\.txt": not a scenario file/] },
  { what: 'include of a JSONL stream', files: { 'inc-jsonl.yaml': 'include: [./s.jsonl]\n', 's.jsonl': '{"decl":"lock","name":"A","type":"mutex"}\n' }, exit: 2, lines: [/inc-jsonl\.yaml:1:11: error: cannot include "\.\/s\.jsonl": a JSON Lines stream is not a model/] },
  { what: 'include of a directory', files: { 'inc-dir.yaml': 'include: [./sub]\n', 'sub/x.yaml': 'locks: {}\n' }, exit: 2, lines: [/inc-dir\.yaml:1:11: error: cannot include "\.\/sub": it is a directory/] },
  { what: 'include of a binary file', files: { 'inc-bin.yaml': 'include: [./blob.yaml]\n', 'blob.yaml': Buffer.from([1, 2, 0, 3]) }, exit: 2, lines: [/blob\.yaml:1:3: error: binary file \(contains NUL bytes\)/] },
  { what: 'a function calling itself', files: { 'recursive.yaml': 'functions:\n  f: [{call: f}]\npaths: [{name: p, steps: [{call: f}]}]\n' }, exit: 2, lines: [/recursive\.yaml:2:\d+: error: recursive call: f -> f; a function must not reach itself/] },
  { what: 'a function reaching itself through a hook', files: { 'recursive-hook.yaml': 'hooks: {h: [f]}\nfunctions:\n  f: [{invoke: h}]\npaths: [{name: p, steps: [{call: f}]}]\n' }, exit: 2, lines: [/recursive-hook\.yaml:3:\d+: error: recursive call: f -> f \("f" through hook "h"\)/] },
  { what: 'a fence callback signalling its own fence (a cycle only the replay sees)', files: { 'fence-loop.yaml': 'fences: {F: {callbacks: [cb]}}\nfunctions:\n  cb: [{signal: F}]\npaths: [{name: p, steps: [{signal: F}]}]\n' }, exit: 2, lines: [/fence-loop\.yaml:3:\d+: error: calls nested more than 10000 deep/], heavy: true },
  { what: 'functions that each call the next twice, 30 deep (2^30 steps)', files: { 'call-bomb.yaml': callBomb(30) }, exit: 2, lines: [/call-bomb\.yaml:\d+:9: error: too many steps to replay: path "p" runs 2,147,483,647 steps/] },
  {
    what: 'the same in a stream',
    files: { 'call-bomb.jsonl': lines({ decl: 'lock', name: 'A', type: 'mutex' }, { decl: 'function', name: 'f0', steps: [{ lock: 'A' }, { unlock: 'A' }] }, ...Array.from({ length: 39 }, (_, i) => ({ decl: 'function', name: `f${i + 1}`, steps: [{ call: `f${i}` }, { call: `f${i}` }] })), { path: 't', op: 'call', name: 'f39' }) },
    exit: 2,
    lines: [/call-bomb\.jsonl:42:1: error: too many steps to replay: this event runs 2,199,023,255,551 steps/],
  },
  { what: 'a hardirq block where irqs are disabled (as the kernel enters one): replayed', files: { 'irq-off.yaml': 'paths:\n  - name: p\n    irqs: disabled\n    steps:\n      - hardirq: [might_sleep]\n' }, exit: 1, lines: [/irq-off\.yaml:5:19: error: sleeping function called from invalid context: might_sleep \(irq_context, in_atomic, irqs_disabled\) \[sleep-in-atomic\]/] },

  // --- size -------------------------------------------------------------------------------
  { what: 'tens of thousands of paths (20,000)', files: { 'paths.yaml': `locks: {A: mutex, B: mutex}\npaths:\n${Array.from({ length: 20_000 }, (_, i) => `  - name: p${i}\n    steps: [{lock: A}, {lock: B}, {unlock: B}, {unlock: A}]\n`).join('')}` }, exit: 0, lines: [/^✔ 1 file: 1 passed, 0 failed, 0 errors; 0 findings$/], heavy: true },
  { what: 'a 30,000-class cycle (a report of 120,000 lines)', files: { 'ring.jsonl': ringStream(30_000) }, exit: 1, lines: [/ring\.jsonl:\d+:1: error: possible circular locking dependency: L0 -> L1 -> .* -> L29999 -> L0 \[circular-dependency\]/], heavy: true },
  { what: 'more than 100,000 lock classes', files: { 'classes.jsonl': Array.from({ length: 100_001 }, (_, i) => `{"decl":"lock","name":"L${i}","type":"mutex"}`).join('\n') }, exit: 2, lines: [/classes\.jsonl:100001:1: error: too many lock classes: more than 100,000 locks and fences declared .*the rest of the stream is not checked/], heavy: true },
  { what: 'a device that never ends (/dev/zero)', files: {}, check: '/dev/zero', exit: 2, lines: [/\/dev\/zero:1:1: error: cannot read \/dev\/zero: it is a character device, not a regular file/] },
  { what: 'a file over 16 MiB', files: { 'big.yaml': Buffer.alloc(16 * 1024 * 1024 + 1, 0x20) }, exit: 2, lines: [/big\.yaml:1:1: error: file too large: 16777217 bytes \(the limit is 16 MiB\)/] },

  // --- streams and directories --------------------------------------------------------------
  {
    what: 'broken and unknown lines in a JSONL stream (the rest still checked)',
    files: {
      'broken.jsonl': lines(
        { decl: 'lock', name: 'A', type: 'mutex' },
        { decl: 'lock', name: 'B', type: 'mutex' },
        '{"path":"t","op":"lock","name":',
        { path: 't', op: 'lokc', name: 'A' },
        { path: 't', op: 'lock', name: 'C' },
        { path: 'one', op: 'lock', name: 'A' }, { path: 'one', op: 'lock', name: 'B' }, { path: 'one', op: 'unlock', name: 'B' }, { path: 'one', op: 'unlock', name: 'A' },
        { path: 'two', op: 'lock', name: 'B' }, { path: 'two', op: 'lock', name: 'A' }, { path: 'two', op: 'unlock', name: 'A' }, { path: 'two', op: 'unlock', name: 'B' },
      ),
    },
    exit: 2,
    lines: [/broken\.jsonl:3:\d+: error: invalid JSON/, /broken\.jsonl:4:1: error: unknown step "lokc" \(did you mean "lock"\?\)/, /broken\.jsonl:5:1: error: undeclared lock "C"/, /broken\.jsonl:11:1: error: possible circular locking dependency: A -> B -> A/],
  },
  { what: '5,000 broken lines in a stream', files: { 'junk.jsonl': Array.from({ length: 5000 }, (_, i) => `{broken ${i}`).join('\n') }, exit: 2, lines: [/junk\.jsonl:100:\d+: error: invalid JSON/, /junk\.jsonl:101:\d+: error: \.\.\. and 4900 more errors/] },
  {
    what: 'a directory mixing good and bad files',
    files: { 'mixed/a-good.yaml': 'locks: {A: mutex}\npaths: [{name: p, steps: [{lock: A}, {unlock: A}]}]\n', 'mixed/b-bad.yaml': 'lokcs: {}\n', 'mixed/c-good.jsonl': '{"decl":"lock","name":"A","type":"mutex"}\n', 'mixed/notes.txt': 'not a scenario\n' },
    check: 'mixed',
    exit: 2,
    // The good files pass without a line of their own (the quiet report); the summary counts them.
    lines: [/mixed\/b-bad\.yaml:1:1: error: unknown key "lokcs"/, /^ERROR .*mixed\/b-bad\.yaml/, /✖ 3 files: 2 passed, 0 failed, 1 error/],
  },
  { what: 'a path that does not exist', files: {}, check: 'no/such/file.yaml', exit: 2, lines: [/no\/such\/file\.yaml: error: no such file or directory/] },
  { what: 'a directory with no scenario', files: { 'nothing/readme.md': '# hi\n' }, check: 'nothing', exit: 2, lines: [/nothing: error: no scenario files/] },
];
