/**
 * `fencedep import [file]`: kernel lockdep reports → scenarios (src/import). Reads the file (or
 * stdin), writes the scenario YAML to stdout or `-o FILE`, and a summary of what was imported
 * and guessed to stderr.
 *
 * Exit codes: 0 every report imported and reproduced by the replay; 1 a scenario was written but
 * its replay does not report the same rule over the same classes; 2 a usage error, an unreadable
 * input, or no report in it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { importLog, NoReportError, quietMessage, type ImportedReport } from '../import/index.js';
import { terminalLines, terminalText } from '../model/escape.js';

export interface ImportIO {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** stdin as text (tests pass a string). */
  readonly stdin?: () => Promise<string>;
}

interface ImportFlags {
  readonly output?: string;
  readonly report?: number;
  readonly verify: boolean;
  readonly quiet?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a report number (1, 2, ...), got "${value}".`);
  return n;
}

/** `splat.yaml` → `splat.2.yaml` for the second of several reports. */
function numbered(file: string, n: number): string {
  const ext = extname(file);
  return ext ? `${file.slice(0, -ext.length)}.${n}${ext}` : `${file}.${n}`;
}

function summary(r: ImportedReport, total: number, written: string | null): string {
  const lines: string[] = [];
  const head = total > 1 ? `report ${r.index} of ${total}` : 'report';
  lines.push(`${head} (line ${r.line}): ${r.title}`);
  lines.push(`  imported as ${r.expected.rule} over ${r.expected.lockdep.join(', ') || '(no lock)'}`);
  const v = r.verification;
  if (v) {
    if (v.error !== null) lines.push(`  NOT CHECKED: the generated scenario does not load: ${v.error}`);
    else if (v.reproduced) lines.push(`  reproduced: fencedep check reports ${r.expected.rule} over the same classes`);
    else {
      const found = v.found.map((f) => `${f.rule} over ${f.lockdep.join(', ')}`).join('; ') || 'nothing';
      lines.push(`  NOT REPRODUCED: the replay finds ${found}`);
    }
    for (const x of v.extra) lines.push(`  also reported (added to expect): ${x.rule} over ${x.lockdep.join(', ')}`);
  }
  if (r.invented.length > 0) lines.push(`  invented (not named by the report): ${r.invented.join(', ')}`);
  if (r.guesses.length > 0) {
    lines.push('  guessed (marked "guess:" in the YAML):');
    for (const g of r.guesses) lines.push(`    - ${g}`);
  }
  if (written) lines.push(`  written to ${written}`);
  // Titles, lock names and guesses come from the pasted log: one escaper for all of it.
  return `${terminalLines(lines.join('\n'))}\n`;
}

export async function runImport(file: string | undefined, flags: ImportFlags, io: ImportIO): Promise<number> {
  let text: string;
  const name = file === undefined || file === '-' ? null : file;
  try {
    text = name === null ? await (io.stdin ?? readStdin)() : readFileSync(name, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    io.stderr.write(`fencedep import: cannot read ${terminalText(name ?? 'stdin')}: ${terminalText(why)}\n`);
    return 2;
  }
  let result;
  try {
    result = await importLog(text, { source: name, verify: flags.verify, ...(flags.report !== undefined ? { report: flags.report } : {}) });
  } catch (err) {
    if (err instanceof NoReportError) {
      io.stderr.write(`fencedep import: ${terminalText(name ?? 'stdin')}: ${terminalText(err.message)}\n`);
      return 2;
    }
    throw err;
  }
  const { reports, total, quiet } = result;
  // Quiet findings beside full reports: the reports are imported, the quiet ones named.
  if (quiet.length > 0 && !flags.quiet) io.stderr.write(`fencedep import: ${terminalText(name ?? 'stdin')}: not imported: ${terminalText(quietMessage(quiet))}\n`);
  let code = 0;
  const docs: string[] = [];
  for (const r of reports) {
    if (r.error !== null) {
      io.stderr.write(`fencedep import: ${terminalText(name ?? 'stdin')}:${r.line}: cannot import report ${r.index} (${terminalText(r.title)}): ${terminalText(r.error)}\n`);
      code = 2;
      continue;
    }
    let written: string | null = null;
    if (flags.output !== undefined) {
      written = reports.length > 1 ? numbered(flags.output, r.index) : flags.output;
      try {
        writeFileSync(written, r.yaml);
      } catch (err) {
        io.stderr.write(`fencedep import: cannot write ${written}: ${(err as Error).message}\n`);
        return 2;
      }
    } else docs.push(r.yaml);
    if (r.verification && (!r.verification.reproduced || r.verification.error !== null)) code = Math.max(code, 1);
    if (!flags.quiet) io.stderr.write(summary(r, total, written));
  }
  if (docs.length > 0) io.stdout.write(docs.join('---\n'));
  if (!flags.quiet && total > 1 && flags.report === undefined && flags.output === undefined) {
    io.stderr.write(`${total} reports: one YAML document each on stdout (separated by ---); --report N imports one, -o FILE writes FILE.N.yaml per report\n`);
  }
  return code;
}

/** Register `import` on the program. */
export function registerImport(program: Command, io: ImportIO, setCode: (code: number) => void): void {
  program
    .command('import')
    .description('turn a kernel lockdep report (dmesg, CI log, mail) into a scenario that reproduces it')
    .argument('[file]', 'the log with the report (default: stdin; - is stdin)')
    .option('-o, --output <file>', 'write the scenario to a file (several reports: FILE.N.yaml)')
    .option('--report <n>', 'import only the n-th report of the log (1-based)', positive)
    .option('--no-verify', 'do not replay the scenario to confirm it reproduces the report')
    .option('--quiet', 'no summary on stderr')
    .action(async (file: string | undefined, flags: ImportFlags) => {
      setCode(await runImport(file, flags, io));
    });
}
