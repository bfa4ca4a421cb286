/**
 * `npm run bench`: the speed and memory figures of the replay, printed, never asserted.
 *
 *  1. A generated 1M-event JSONL trace checked end to end, beside the floor of streaming
 *     the same file and JSON.parse-ing every line, in the same run: the ratio is the cost
 *     of the checker itself (target ≤ 1.5×).
 *  2. Peak RSS checking 1M and 4M events, each in a fresh process: flat when memory is
 *     bounded by classes, edges and chains rather than by events (and each time against the
 *     floor of its file).
 *  3. A syzbot-sized graph (≈4.7k classes, 24k dependencies) replayed and searched.
 *  4. Start-up: the process time of a one-file check in a fresh process, beside node alone
 *     (target < 200 ms), for a file on its own and one including the kernel and drm models;
 *     the time is reported by a CommonJS preload, so the child starts as `fencedep` does.
 *  5. Many files: the bundled fixtures that include a kernel model, checked by the CLI in one
 *     process, and where a file's time goes once the process is warm: loading it (the models'
 *     declarations are shared), getting past the included models' paths (from their replayed
 *     state, kept once per process, where it fits), the rest; against replaying all those
 *     paths; and what sharing the models' declarations saves a file.
 *  6. The loader's memory: the largest scenarios the value limit admits (MAX_VALUES, in the
 *     shapes that cost most per value) and a 12 MB, million-step YAML file it refuses, each
 *     loaded in a fresh process: time, peak RSS, heap in use when loaded (target: well under
 *     1 GB for anything admitted; the refusal costs a scan).
 *  7. Revision 1.1: sequential `if`s and loops in one path (time per `if` flat when executions
 *     merge), and a call graph of functions with arguments.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { checkInputs, expandInputs } from '../../src/check/run.js';
import { analyzeScenario } from '../../src/analyze/index.js';
import { FindingCollector, groupFindings } from '../../src/analyze/index.js';
import { InputErrors, loadScenario } from '../../src/load/index.js';
import { Replayer } from '../../src/replay/index.js';
import { includedPathCount, resumeAfterIncludedPaths } from '../../src/replay/model-prefix.js';
import { MAX_VALUES } from '../../src/load/source.js';
import { convertModels } from '../../src/load/model-layer.js';
import { FileLoader } from '../../src/load/scenario.js';
import type { LockDecl, PathDecl, Scenario, Step } from '../../src/model/scenario.js';
import { DEFAULT_SHAPE, writeTrace } from './generate.js';
import { rng } from '../rng.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const outDir = join(root, 'bench-out');

async function traceFile(events: number): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `trace-${events / 1e6}m.jsonl`);
  if (!existsSync(file)) {
    const t0 = performance.now();
    await writeTrace(file, { ...DEFAULT_SHAPE, events });
    console.log(`  generated ${file} (${(statSync(file).size / 1e6).toFixed(0)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return file;
}

/**
 * The floor: what streaming the file and parsing every line costs with no checking at all,
 * done the fastest plain way (chunks split by hand, no readline).
 */
async function floor(file: string): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 18 }) as AsyncIterable<string>) {
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (nl > start && JSON.parse(text.slice(start, nl))) n++;
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (n === 0) throw new Error('empty trace');
  return performance.now() - t0;
}

async function check(file: string): Promise<{ ms: number; summary: string }> {
  const t0 = performance.now();
  const run = await checkInputs([file], {});
  const ms = performance.now() - t0;
  const r = run.results[0]!;
  return { ms, summary: `${r.status}, ${r.findings.length} findings, ${r.errors.length} errors` };
}

function child(file: string): { ms: number; rssMB: number; summary: string } {
  const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`child failed: ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!);
}

/** What a fresh process of `node args…` took: elapsed (wall-clock) and process time (user + system, every thread), ms. */
interface StartCost {
  readonly wall: number;
  readonly cpu: number;
}

/** The reporter of a child's process time, preloaded with --require (an --import would start node's ES module loader in every child, a cost the CommonJS entry, bin/, does not pay). */
function processTimeReporter(): string {
  mkdirSync(outDir, { recursive: true });
  const report = join(outDir, 'process-time.cjs');
  // Written on fd 2: process.stderr would build a stream (on spawnSync's pipe, node's net internals), counted in the time.
  writeFileSync(report, "process.on('exit',()=>{const u=process.cpuUsage();require('fs').writeSync(2,'\\ncpu '+(u.user+u.system)/1000+'\\n')});\n");
  return report;
}

/** One fresh process of `node args…` with its output read by this process (node's spawn gives the child a socket), as an editor or a CI job reads it. */
function startCost(report: string, args: readonly string[]): StartCost {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, ['--require', report, ...args], { encoding: 'utf8', cwd: root });
  const wall = performance.now() - t0;
  const m = /\ncpu ([\d.]+)\n/.exec(res.stderr);
  if (!m) throw new Error(`no process time from node ${args.join(' ')}: ${res.stderr}`);
  return { wall, cpu: Number(m[1]) };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The median start cost of each command in `commands` over `rounds` rounds, the commands taking
 * turns within a round: a machine's speed drifts over seconds, and every command sees the same drift.
 */
function startCosts(commands: readonly (readonly string[])[], rounds = 9): StartCost[] {
  const report = processTimeReporter();
  const runs = commands.map(() => [] as StartCost[]);
  for (let r = 0; r < rounds; r++) commands.forEach((args, i) => runs[i]!.push(startCost(report, args)));
  return runs.map((rs) => ({ wall: median(rs.map((x) => x.wall)), cpu: median(rs.map((x) => x.cpu)) }));
}

/** Process time (ms) of `node args…`, the median of `runs` fresh processes. */
function processTime(args: readonly string[], runs = 9): number {
  return startCosts([args], runs)[0]!.cpu;
}

/** The bundled fixtures that include a kernel model (each replays its priming before its own paths). */
async function kernelFixtures(): Promise<string[]> {
  const files = (await expandInputs([join(root, 'fixtures')])).map((f) => f.file);
  return files.filter((f) => /^include:.*\bkernel\b|^include:\s*\n(?:\s+-.*\n)*?\s+- kernel\b/m.test(readFileSync(f, 'utf8')));
}

/**
 * Where a file's time goes in a warm process (the mean over `rounds` rounds after one to warm
 * up), per file: loading it (and setting up its replay), bringing the replay past the paths of
 * the models it includes (which run first: from the state kept of them where it fits,
 * src/replay/model-prefix.ts, replaying the rest), replaying its own paths and making
 * findings; and, in the same rounds, replaying every included path as a file did before.
 */
async function perFileSplit(files: readonly string[], rounds = 10): Promise<{ load: number; models: number; own: number; replayed: number; kept: number; included: number }> {
  const t = { load: 0, models: 0, own: 0, replayed: 0, kept: 0, included: 0 };
  for (let round = 0; round <= rounds; round++) {
    for (const file of files) {
      const t0 = performance.now();
      const scenario = await loadScenario(file);
      const collector = new FindingCollector(scenario.options);
      const replayer = new Replayer(scenario, collector);
      const t1 = performance.now();
      const n = includedPathCount(scenario);
      const from = resumeAfterIncludedPaths(replayer, scenario, {});
      for (let i = from; i < n; i++) replayer.runPath(scenario.paths[i]!);
      const t2 = performance.now();
      for (let i = n; i < scenario.paths.length; i++) replayer.runPath(scenario.paths[i]!);
      for (const notice of scenario.notices ?? []) replayer.notice(notice);
      replayer.finish();
      groupFindings(collector.findings);
      const t3 = performance.now();
      const alone = new Replayer(scenario, new FindingCollector(scenario.options));
      for (let i = 0; i < n; i++) alone.runPath(scenario.paths[i]!);
      const t4 = performance.now();
      if (round === 0) continue;
      t.load += t1 - t0;
      t.models += t2 - t1;
      t.own += t3 - t2;
      t.replayed += t4 - t3;
      t.kept += from;
      t.included += n;
    }
  }
  const n = rounds * files.length;
  return { load: t.load / n, models: t.models / n, own: t.own / n, replayed: t.replayed / n, kept: t.kept / n, included: t.included / n };
}

/** Layered like a kernel graph; `shuffled`: locks declared in random order, not outermost first. */
function syzbotScenario(shuffled: boolean): Scenario {
  const classes = 4700;
  const loc = { file: '<bench>', line: 1, column: 1 };
  const locks = new Map<string, LockDecl>();
  const order = [...Array(classes).keys()];
  let y = 99;
  if (shuffled) order.sort(() => ((y = (y * 48271) % 2147483647) / 2147483647) - 0.5);
  for (const i of order) locks.set(`c${i}`, { name: `c${i}`, type: 'mutex', lockdep: `c${i}`, loc });
  const random = rng(7);
  const paths: PathDecl[] = [];
  const pair = (a: number, b: number): Step[] => [
    { op: 'acquire', lock: { cls: `c${a}`, instance: null }, mode: 'write', subclass: 0, nestLock: null, trylock: false, irq: 'none', loc, label: `lock: c${a}`, spelling: 'lock' },
    { op: 'acquire', lock: { cls: `c${b}`, instance: null }, mode: 'write', subclass: 0, nestLock: null, trylock: false, irq: 'none', loc, label: `lock: c${b}`, spelling: 'lock' },
    { op: 'release', lock: { cls: `c${b}`, instance: null }, irq: 'none', loc, label: `unlock: c${b}`, spelling: 'unlock' },
    { op: 'release', lock: { cls: `c${a}`, instance: null }, irq: 'none', loc, label: `unlock: c${a}`, spelling: 'unlock' },
  ];
  // Layered like a kernel graph: each dependency points 1..40 classes further down.
  for (let e = 0; e < 23720; e++) {
    const a = Math.floor(random() * (classes - 41));
    paths.push({ name: `p${e}`, context: 'process', irqsEnabled: true, steps: pair(a, a + 1 + Math.floor(random() * 40)), loc });
  }
  for (const [a, b] of [[4000, 100], [3000, 2990], [1500, 20]] as const) {
    paths.push({ name: `inversion ${a}->${b}`, context: 'process', irqsEnabled: true, steps: pair(a, b), loc });
  }
  return {
    file: '<bench>', name: 'syzbot-sized', description: null, locks, fences: new Map(), functions: new Map(), hooks: new Map(), paths,
    expect: null, options: { kernel: '6.13', release: null, lockdepOnly: false, fenceModel: 'lockdep', warn: [] },
  };
}

/** Scenario files for section 6: the shapes that cost most per counted value, at the limit; one far past it. */
function loaderFiles(): { what: string; file: string }[] {
  mkdirSync(outDir, { recursive: true });
  const under = MAX_VALUES - 100;
  const files = [
    { what: `${under.toLocaleString('en-US')} bare steps, one flow list`, name: 'load-flow-max.yaml', text: () => `paths:\n  - name: p\n    steps: [${Array(under).fill('might_sleep').join(', ')}]\n` },
    { what: `${under.toLocaleString('en-US')} bare steps, block list`, name: 'load-block-max.yaml', text: () => `paths:\n  - name: p\n    steps:\n${'      - might_sleep\n'.repeat(under)}` },
    { what: `${Math.floor(under / 6).toLocaleString('en-US')} lock/unlock pairs, block maps`, name: 'load-pairs-max.yaml', text: () => `locks: {A: mutex}\npaths:\n  - name: p\n    steps:\n${'      - lock: A\n      - unlock: A\n'.repeat(Math.floor(under / 6))}` },
    { what: '1,000,000 steps in 12 MB (refused)', name: 'load-1m.yaml', text: () => `locks: {A: mutex}\npaths:\n  - name: p\n    steps: [${Array(500_000).fill('{lock: A}, {unlock: A}').join(', ')}]\n` },
  ];
  return files.map((f) => {
    const file = join(outDir, f.name);
    if (!existsSync(file)) writeFileSync(file, f.text());
    return { what: f.what, file };
  });
}

async function loadInChild(): Promise<void> {
  const t0 = performance.now();
  let summary: string;
  try {
    const s = await loadScenario(process.argv[3]!);
    summary = `loaded, ${s.paths.reduce((n, p) => n + p.steps.length, 0)} steps`;
  } catch (e) {
    summary = `refused: ${(e as InputErrors).errors[0]!.message.slice(0, 60)}...`;
  }
  const ms = performance.now() - t0;
  const heapMB = process.memoryUsage().heapUsed / 1e6;
  console.log(JSON.stringify({ ms, rssMB: process.resourceUsage().maxRSS / 1024, heapMB, summary }));
}

/**
 * Revision 1.1 (docs/scenario-format.md §11–§12): `n` sequential `if`s (each branch takes and releases a lock, so
 * they end in the same state) and `loops` loops over per-iteration objects in one path.
 */
function alternativesScenario(n: number, loops: number): string {
  const lines = ['locks:', '  A: mutex', '  B: mutex', '  C: mutex', 'paths:', '  - name: ioctl', '    steps:', '      - ww_acquire_init: {ctx: ticket, class: reservation_ww_class}'];
  for (let i = 0; i < n; i++) {
    lines.push(`      - if: "ret${i} == -EAGAIN"`, `        then: [{mutex_lock: ${'ABC'[i % 3]}}, {mutex_unlock: ${'ABC'[i % 3]}}]`, '        else: [might_sleep]');
    if (loops > 0 && i % Math.ceil(n / loops) === 0)
      lines.push(
        `      - loop: {for: bo${i}, do: [{dma_resv_lock: {name: "dma_resv[$bo${i}]", ctx: ticket, on_edeadlk: [{dma_resv_unlock: "dma_resv[$bo${i}]"}]}}, {dma_resv_unlock: "dma_resv[$bo${i}]"}]}`,
      );
  }
  lines.push('      - ww_acquire_fini: ticket');
  return ['include: [kernel]', ...lines].join('\n') + '\n';
}

/** A call graph of `n` functions with arguments: f_i(o) calls f_{2i+1}($o) and f_{2i+2}(obj_i). */
function callGraphScenario(n: number): string {
  const lines = ['locks:', '  L: mutex', 'functions:'];
  for (let i = 0; i < n; i++) {
    const calls = [2 * i + 1, 2 * i + 2].filter((c) => c < n);
    const body = [`{mutex_lock: "L[$o]"}`, ...calls.map((c, k) => `{call: "f${c}(${k === 0 ? '$o' : `obj${i}`})"}`), `{mutex_unlock: "L[$o]"}`];
    lines.push(`  f${i}: {params: [o], steps: [${body.join(', ')}]}`);
  }
  lines.push('paths:', '  - name: p', '    steps: [{call: "f0(root)"}]');
  return lines.join('\n') + '\n';
}

async function timeScenario(text: string, name: string): Promise<{ ms: number; findings: number; errors: number }> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, name);
  writeFileSync(file, text);
  const t0 = performance.now();
  const run = await checkInputs([file], {});
  const r = run.results[0]!;
  return { ms: performance.now() - t0, findings: r.findings.length, errors: r.errors.length };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--load') return loadInChild();
  if (process.argv[2] === '--child') {
    const { ms, summary } = await check(process.argv[3]!);
    console.log(JSON.stringify({ ms, rssMB: process.resourceUsage().maxRSS / 1024, summary }));
    return;
  }
  // `npm run bench -- 4 5`: only those sections (1 and 2 run together: 2 reuses 1's floor).
  const only = process.argv.slice(2).filter((a) => /^[1-7]$/.test(a)).map(Number);
  const want = (...sections: number[]): boolean => only.length === 0 || sections.some((n) => only.includes(n));
  console.log('fencedep benchmark (figures only; targets in comments)');
  if (want(1, 2)) await traceSections();
  if (want(3)) syzbotSection();
  if (want(4)) await startUpSection();
  if (want(5)) await manyFilesSection();
  if (want(6)) loaderSection();
  if (want(7)) await revision11Section();
}

async function traceSections(): Promise<void> {
  console.log('\n1. 1M-event trace vs. the floor of streaming + JSON.parse');
  const file1 = await traceFile(1_000_000);
  await floor(file1); // warm the page cache
  const floorMs = await floor(file1);
  const { ms: checkMs, summary } = await check(file1);
  console.log(`  floor (stream + split + JSON.parse): ${floorMs.toFixed(0)} ms`);
  console.log(`  fencedep check:                      ${checkMs.toFixed(0)} ms  (${summary})`);
  console.log(`  ratio: ${(checkMs / floorMs).toFixed(2)}x   (target <= 1.5x, never above 2x)`);

  console.log('\n2. peak RSS, fresh process per run (flat = bounded by the graph, not the events)');
  const file4 = await traceFile(4_000_000);
  await floor(file4); // warm the page cache
  const floors = new Map([[file1, floorMs], [file4, await floor(file4)]]);
  for (const f of [file1, file4]) {
    const r = child(f);
    const ratio = r.ms / floors.get(f)!;
    console.log(`  ${f.replace(root + '/', '')}: ${r.ms.toFixed(0)} ms (${ratio.toFixed(2)}x its floor), peak RSS ${r.rssMB.toFixed(0)} MB (${r.summary})`);
  }
}

function syzbotSection(): void {
  console.log('\n3. syzbot-sized graph: ~4.7k classes, ~24k dependencies, 3 inversions (target < 200 ms)');
  for (const shuffled of [false, true]) {
    const scenario = syzbotScenario(shuffled);
    const t0 = performance.now();
    const out = analyzeScenario(scenario);
    const ms = performance.now() - t0;
    const how = shuffled ? 'locks declared in random order' : 'locks declared outermost first';
    console.log(`  ${how}: ${ms.toFixed(0)} ms; ${out.stats.classes} classes, ${out.stats.edges} dependencies, ${out.findings.length} findings`);
  }
}

const bin = join(root, 'bin', 'fencedep.js');

async function startUpSection(): Promise<void> {
  console.log('\n4. start-up: a one-file check in a fresh process, output read by its parent, medians of 15 rounds taking turns (target < 200 ms)');
  // In a plain `node` (V8 also rejects a cache made under other flags, such as this process's --expose-gc).
  const probe = `const { loadBundle } = await import(${JSON.stringify(pathToFileURL(join(root, 'bin', 'bundle.js')).href)}); console.log(loadBundle().script.cachedDataRejected);`;
  const rejected = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' }).stdout.trim();
  const cache = rejected === 'false' ? 'used' : `not used (${rejected || 'no answer'}): the bundle compiles at each start; run npm run build`;
  const files = [
    ['no model', (await expandInputs([join(root, 'fixtures', 'lockdep')]))[0]!.file],
    ['include: [kernel]', join(root, 'fixtures', 'seeds', 'amdkfd-eviction-fence-lock-across-wait.yaml')],
    ['include: [kernel, drm]', join(root, 'fixtures', 'seeds-drm', 'amdkfd-eviction-fence.yaml')],
  ] as const;
  const [node, ...checks] = startCosts([['-e', '0'], ...files.map(([, file]) => [bin, 'check', '--no-config', file])], 15);
  const figure = (c: StartCost): string => `${c.wall.toFixed(0)} ms elapsed, ${c.cpu.toFixed(0)} ms process time`;
  console.log(`  node alone: ${figure(node!)}; the bundle's V8 code cache: ${cache}`);
  files.forEach(([what, file], i) => {
    const c = checks[i]!;
    console.log(`  fencedep check ${file.replace(root + '/', '')} (${what}): ${figure(c)}; ${(c.wall - node!.wall).toFixed(0)} ms elapsed more than node alone`);
  });
}

async function manyFilesSection(): Promise<void> {
  console.log('\n5. many files that include a kernel model, in one process');
  const kernelFiles = await kernelFixtures();
  const many = processTime([bin, 'check', '--no-config', ...kernelFiles], 3);
  const first = processTime([bin, 'check', '--no-config', kernelFiles[0]!], 3);
  console.log(`  the CLI on ${kernelFiles.length} fixtures: ${many.toFixed(0)} ms process time; ${((many - first) / (kernelFiles.length - 1)).toFixed(1)} ms a file after the first (${first.toFixed(0)} ms)`);
  const split = await perFileSplit(kernelFiles);
  const total = split.load + split.models + split.own;
  console.log(
    `  a file, warm: ${total.toFixed(2)} ms: loading ${split.load.toFixed(2)} ms, past the included models' paths ${split.models.toFixed(2)} ms ` +
      `(${((100 * split.models) / total).toFixed(0)}%), its own paths and findings ${split.own.toFixed(2)} ms`,
  );
  console.log(
    `  the included models' paths, kept replayed once per process (src/replay/model-prefix.ts): a file starts from their state after ` +
      `${split.kept.toFixed(1)} of its ${split.included.toFixed(1)} (the paths up to the first that calls one of its own callbacks) and replays the rest: ` +
      `${split.models.toFixed(2)} ms, against ${split.replayed.toFixed(2)} ms replaying them all`,
  );
  const shared = await sharedModels();
  console.log(
    `  the kernel and drm models' declarations, shared by every file of a process (src/load/model-layer.ts): declaring and converting them ` +
      `${shared.convert.toFixed(2)} ms warm (each file paid it before), a file's copy of them ${shared.fork.toFixed(3)} ms`,
  );
}

/** What declaring and converting the kernel and drm models costs warm, against copying the shared declarations (mean of `rounds`). */
async function sharedModels(rounds = 50): Promise<{ convert: number; fork: number }> {
  const loader = new FileLoader((e) => {
    throw new InputErrors([e]);
  });
  await loader.load('bench.yaml', join(root, 'bench.yaml'), [], [], null, { text: 'include: [kernel, drm]\n', json: false });
  const models = loader.order.slice(0, -1);
  const layer = convertModels(models)!;
  const report = (): void => undefined;
  for (let i = 0; i < 5; i++) convertModels(models)!.fork(report);
  let t0 = performance.now();
  for (let i = 0; i < rounds; i++) convertModels(models);
  const convert = (performance.now() - t0) / rounds;
  t0 = performance.now();
  for (let i = 0; i < rounds; i++) layer.fork(report);
  return { convert, fork: (performance.now() - t0) / rounds };
}

function loaderSection(): void {
  console.log(`\n6. the loader at its limit (${MAX_VALUES.toLocaleString('en-US')} YAML values), fresh process each (target: well under 1 GB)`);
  for (const { what, file } of loaderFiles()) {
    const res = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--load', file], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`loader child failed: ${res.stderr}`);
    const r = JSON.parse(res.stdout.trim().split('\n').pop()!) as { ms: number; rssMB: number; heapMB: number; summary: string };
    const size = (statSync(file).size / 1e6).toFixed(1);
    console.log(`  ${what} (${size} MB): ${r.ms.toFixed(0)} ms, peak RSS ${r.rssMB.toFixed(0)} MB, heap ${r.heapMB.toFixed(0)} MB when done (${r.summary})`);
  }
}

async function revision11Section(): Promise<void> {
  console.log('\n7. revision 1.1: sequential ifs and loops in one path (linear when states merge), a call graph with arguments');
  for (const n of [50, 100, 200, 400]) {
    const r = await timeScenario(alternativesScenario(n, n / 10), `alternatives-${n}.yaml`);
    console.log(`  ${n} ifs + ${n / 10} loops: ${r.ms.toFixed(0)} ms (${(r.ms / n).toFixed(2)} ms per if); ${r.findings} findings, ${r.errors} errors`);
  }
  for (const n of [500, 1000, 2000]) {
    const r = await timeScenario(callGraphScenario(n), `callgraph-${n}.yaml`);
    console.log(`  ${n} functions with arguments: ${r.ms.toFixed(0)} ms; ${r.findings} findings, ${r.errors} errors`);
  }
}

await main();
