/**
 * `synod trace check FILE|DIR...`: validate recorded runs against the spec (issue 4).
 * `synod trace schema`: print the JSON Schema of a trace line (generated from the codecs).
 *
 * Each file is streamed (src/trace/run.ts); directories are walked for *.jsonl, *.ndjson and
 * *.itf.json files. A rejection prints its line, rule, explanation, witness and a short excerpt
 * of the file (read again, only up to the last line it needs; for a pipe or stdin, which
 * cannot be read again, from the last lines kept while it was read). Exit 0 when every trace is
 * accepted, 1 when one is rejected, 2 when one cannot be read (that wins: an unreadable trace
 * is a broken pipeline, not a verdict); a file that cannot be opened or listed is reported
 * against that file (src/cli/files.ts), and the others keep their verdicts. `--json` prints one object, format "synod.trace/v1".
 */
import { createReadStream, writeFileSync } from 'node:fs';
import { intFlag, parseFlags } from './args.js';
import { FileProblem, isRegularFile, LineKeeper, readBounded, STDIN, traceFiles } from './files.js';
import { EXIT_OK, EXIT_UNKNOWN, EXIT_USAGE, EXIT_VIOLATION, UsageError, type Command, type Io } from './io.js';
import { checkTrace, PARTIAL_BUDGET, PARTIAL_TIME_MS, type FileReport,
  type RunOptions } from '../trace/run.js';
import { checkItf, isItfPath } from '../trace/itf-run.js';
import { traceSchema } from '../trace/schema.js';
import { traceToItf } from '../trace/itf-export.js';
import type { Rejection } from '../trace/judge.js';
import { callsCheck } from './trace-calls.js';
import { mergeLogs, type MergeReport } from '../trace/merge.js';
import { COVERAGE_KEYS } from '../trace/multipaxos/checker.js';

const HELP = `usage: synod trace check [flags] FILE|DIR|-...
       synod trace merge [-o OUT] FILE...  (merge per-node logs of one run into one trace)
       synod trace itf FILE        (print the trace's spec states as ITF JSON)
       synod trace schema [--version 2]  (print the JSON Schema of a trace line, v1 or v2)

Checks traces in the synod.trace v1 format (docs/trace-format.md), v2 Multi-Paxos traces
(against the per-slot spec, the replicas' and clients' rules), or ITF state traces (*.itf.json),
against the Paxos spec and the named properties.

flags:
  --json              print one JSON object (format "synod.trace/v1")
  --partial           search for hidden steps (also set by "partial": true in the header)
  --budget N          work (spec steps placed) the partial search may do (default 20000000);
                      past it the verdict is "unknown: budget exhausted" (exit 3)
  --time-budget S     seconds the partial search may take (default 60); past them the verdict
                      is "unknown: time budget exhausted" (exit 3)
  --keep-going N      report up to N rejections per trace, taking refused steps anyway (default 1)
  --full-properties   evaluate every named property after every step (slow; small traces)
  --mapping FILE      ITF variable names (JSON: {"maxBal": "...", ...}) for non-Paxos.tla names
  --html FILE         write the trace as one HTML page (synod view), opening at the rejection
                      (one synod.trace file only)
  --merge             the files are per-node logs of one run: merge them (as synod trace
                      merge does) and check the merged trace (client calls not judged)
  --coverage          v2 traces: which spec actions, enabling conditions and refusals the
                      traces exercised, summed over the files
  --liveness N        v2 traces: report a call that waits N events with a quorum and a leader
                      up without its command executed or answered (default: off)
  --progress          print progress to stderr
`;

const EXCERPT_CONTEXT = 240;

const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

function help(io: Io): number {
  io.out(HELP);
  return EXIT_OK;
}

export const traceCommand: Command = async (args, io) => {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.out(HELP);
    return sub === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (sub === 'schema') {
    // No flags but --help and --version, and no arguments: a typo is an error.
    const flags = parseFlags('trace schema', rest, { ...HELP_FLAG, version: { type: 'string' } });
    if (flags.values.help === true) return help(io);
    const version = intFlag('trace schema', 'version', flags.values.version, 1, 1, 2) as 1 | 2;
    io.out(`${JSON.stringify(traceSchema(version), null, 2)}\n`);
    return EXIT_OK;
  }
  if (sub === 'itf') return toItf(rest, io);
  if (sub === 'merge') return merge(rest, io);
  if (sub !== 'check') throw new UsageError(`synod trace: unknown subcommand '${sub}' (expected ` +
    `check, merge, itf or schema)`);
  return check(rest, io);
};

async function check(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('trace check', args, {
    json: { type: 'boolean' },
    partial: { type: 'boolean' },
    budget: { type: 'string' },
    'time-budget': { type: 'string' },
    'keep-going': { type: 'string' },
    'full-properties': { type: 'boolean' },
    mapping: { type: 'string' },
    html: { type: 'string' },
    progress: { type: 'boolean' },
    coverage: { type: 'boolean' },
    liveness: { type: 'string' },
    merge: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, true);
  if (values.help === true) {
    io.out(HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('synod trace check: give at least one ' +
    'trace file or directory');
  const options: RunOptions = {
    partial: values.partial === true,
    budget: intFlag('trace check', 'budget', values.budget, PARTIAL_BUDGET, 0, 1_000_000_000_000),
    timeBudgetMs: 1000 * intFlag('trace check', 'time-budget', values['time-budget'],
      PARTIAL_TIME_MS / 1000, 0, 86_400),
    rejectionsMax: intFlag('trace check', 'keep-going', values['keep-going'], 1, 1, 10_000),
    fullProperties: values['full-properties'] === true,
    coverage: values.coverage === true,
    liveness: intFlag('trace check', 'liveness', values.liveness, 0, 1, 1_000_000_000),
    callsCheck: callsCheck(),
  };
  const html = values.html ?? null;
  if (html !== null && (positionals.length !== 1 || positionals[0] === STDIN
    || isItfPath(positionals[0]!))) {
    throw new UsageError('synod trace check: --html draws one synod.trace file: give exactly ' +
      'one, not a directory, stdin or an ITF file');
  }
  const mapping = values.mapping === undefined ? null : await readMapping(values.mapping);
  if (values.merge === true) return checkMerged(positionals, options, values.json === true, io);
  const files = await traceFiles('trace check', positionals);
  if (html !== null && files.length !== 1) {
    throw new UsageError(`synod trace check: --html draws one trace; ${positionals[0]} holds ` +
      `${files.length}`);
  }
  const progress = values.progress === true || io.errIsTTY;
  const results: Result[] = [];
  for (const [i, { file, problem }] of files.entries()) {
    if (progress) io.err(`[${i + 1}/${files.length}] ${file}\n`);
    results.push(problem !== null ? { file, report: unreadable(problem), kept: null }
      : await checkOne(file, mapping, options));
  }
  const excerpts = await excerptsOf(results);
  const only = results[0];
  if (html !== null && only !== undefined && only.report.verdict !== 'unreadable') {
    const { writeTraceView } = await import('./view.js');
    await writeTraceView(only.file, html, only.report);
  }
  const coverage = values.coverage === true ? coverageOf(results) : null;
  if (values.json === true) io.out(`${JSON.stringify({ ...jsonVerdict(results, excerpts),
    ...(coverage === null ? {} : { coverage }) })}\n`);
  else io.out(textVerdict(results, excerpts) + (coverage === null ? '' : coverageText(coverage)));
  if (results.some((r) => r.report.verdict === 'unreadable')) return EXIT_USAGE;
  if (results.some((r) => r.report.verdict === 'rejected')) return EXIT_VIOLATION;
  return results.some((r) => r.report.verdict === 'unknown') ? EXIT_UNKNOWN : EXIT_OK;
}

/** One file's verdict; for a pipe or stdin, with the last lines kept for the excerpt. */
interface Result {
  readonly file: string;
  readonly report: FileReport;
  readonly kept: LineKeeper | null;
}

/** ITF documents are read whole (JSON.parse needs the text): this bounds how large. */
export const ITF_BYTES_MAX = 256 * 1024 * 1024;
/** A mapping is a few names: a larger file is not one. */
const MAPPING_BYTES_MAX = 1 << 20;
/** Lines a pipe's excerpt can still show: the last ones read. */
const PIPE_LINES_KEPT = 1024;

async function checkOne(file: string, mapping: Record<string, string> | null,
  options: RunOptions): Promise<Result> {
  if (isItfPath(file)) {
    try {
      return { file, report: await checkItf(await readBounded(file, ITF_BYTES_MAX), mapping),
        kept: null };
    } catch (e) {
      if (e instanceof FileProblem) return { file, report: unreadable(e.message), kept: null };
      throw e;
    }
  }
  const regular = file !== STDIN && await isRegularFile(file);
  const kept = regular ? null : new LineKeeper(() => true, EXCERPT_CONTEXT, PIPE_LINES_KEPT);
  const chunks = file === STDIN ? stdinChunks() : openChunks(file);
  const report = await checkTrace(kept === null ? chunks : keeping(chunks, kept), options);
  return { file, report, kept };
}

function unreadable(message: string): FileReport {
  return { verdict: 'unreadable', problem: { line: 0, field: null, message }, summary: null,
    partial: null, provenance: null, expect: null };
}

/** The chunks, passed on unchanged, with their lines given to `kept` on the way. */
async function* keeping(chunks: AsyncIterable<Uint8Array>,
  kept: LineKeeper): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    kept.feed(chunk);
    yield chunk;
  }
  kept.end();
}

/** The merge of per-node logs, in memory: the merged lines and the merge's report. */
async function mergedOf(files: readonly string[]): Promise<{ lines: string[];
  report: MergeReport }> {
  if (files.length === 0) throw new UsageError('synod trace merge: give the per-node log files');
  for (const f of files) {
    if (!await isRegularFile(f)) throw new UsageError(`synod trace merge: ${f}: not a readable ` +
      'file');
  }
  const lines: string[] = [];
  const report = await mergeLogs(files.map((f) => ({ name: f, chunks: openChunks(f) })),
    (l) => void lines.push(l));
  if (report.problem !== null) {
    throw new UsageError(`${report.problem.file}:${report.problem.line}: ` +
      `${report.problem.message}`);
  }
  return { lines, report };
}

function unmatchedText(report: MergeReport): string {
  return report.unmatched.map((u) => `${u.file}:${u.line}: a receive whose send no log has ` +
    `(merged line ${u.mergedLine}): ${u.msg}\n`).join('');
}

/** `synod trace merge`: the merged trace on stdout (or -o FILE); unmatched receives exit 1. */
async function merge(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('trace merge', args, { ...HELP_FLAG,
    output: { type: 'string', short: 'o' } }, true);
  if (values.help === true) return help(io);
  const { lines, report } = await mergedOf(positionals);
  if (values.output === undefined) {
    for (const l of lines) io.out(l);
  } else {
    try {
      writeFileSync(values.output, lines.join(''));
    } catch (e) {
      throw new UsageError(`synod trace merge: -o ${values.output}: ${(e as Error).message}`);
    }
  }
  io.err(unmatchedText(report));
  return report.unmatched.length > 0 ? EXIT_VIOLATION : EXIT_OK;
}

/** `synod trace check --merge`: the per-node logs merged, then checked as one trace. */
async function checkMerged(files: readonly string[], options: RunOptions, json: boolean,
  io: Io): Promise<number> {
  const { lines, report } = await mergedOf(files);
  io.err(unmatchedText(report));
  const name = `merge(${files.join(', ')})`;
  const r = await checkTrace((async function* () { yield* lines; })(), { ...options,
    callsCheck: null });
  const kept = new Map<number, string>();
  for (const rej of r.summary?.rejections ?? []) {
    for (const l of rej.excerpt) kept.set(l, (lines[l - 1] ?? '').trimEnd().slice(0,
      EXCERPT_CONTEXT));
  }
  const results: Result[] = [{ file: name, report: { ...r, notes: [...(r.notes ?? []),
    'merged per-node logs: client calls not judged (no clocks)'] }, kept: null }];
  const excerpts = new Map([[name, kept]]);
  if (json) io.out(`${JSON.stringify(jsonVerdict(results, excerpts))}\n`);
  else io.out(textVerdict(results, excerpts));
  if (r.verdict === 'unreadable') return EXIT_USAGE;
  if (r.verdict === 'rejected') return EXIT_VIOLATION;
  return r.verdict === 'unknown' ? EXIT_UNKNOWN : EXIT_OK;
}

async function toItf(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('trace itf', args, HELP_FLAG, true);
  if (values.help === true) return help(io);
  const [file, ...extra] = positionals;
  if (file === undefined
    || extra.length > 0) throw new UsageError('synod trace itf: give exactly one trace file');
  let text: string;
  try {
    text = await readBounded(file, ITF_BYTES_MAX);
  } catch (e) {
    throw new UsageError(`synod trace itf: ${file}: ${(e as Error).message}`);
  }
  const r = traceToItf(text);
  if (!r.ok) {
    throw new UsageError(`${file}:${r.problem.line}: ` +
      `${r.problem.field === null ? '' : `${r.problem.field}: `}${r.problem.message}`);
  }
  io.out(`${JSON.stringify(r.itf)}\n`);
  return EXIT_OK;
}

async function* stdinChunks(): AsyncGenerator<Uint8Array> {
  yield* process.stdin as AsyncIterable<Uint8Array>;
}

/** The chunks of a file; an open error becomes an input problem on line 0 via run.ts's reader. */
async function* openChunks(file: string): AsyncGenerator<Uint8Array> {
  yield* createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>;
}

async function readMapping(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readBounded(file, MAPPING_BYTES_MAX);
  } catch (e) {
    throw new UsageError(`synod trace check: --mapping ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`synod trace check: --mapping ${file}: not JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)
    || !Object.values(json).every((v) => typeof v === 'string')) {
    throw new UsageError(`synod trace check: --mapping ${file}: expected an object of strings, ` +
      `like {"maxBal": "promised"}`);
  }
  return json as Record<string, string>;
}

/**
 * The text of the excerpt lines of each rejection: read again from a regular file (only up to
 * the last line needed), or what was kept while a pipe was read (it cannot be read again).
 */
async function excerptsOf(results: readonly Result[]): Promise<Map<string, Map<number, string>>> {
  const out = new Map<string, Map<number, string>>();
  for (const { file, report, kept } of results) {
    const wanted = new Set<number>();
    for (const r of report.summary?.rejections ?? []) for (const l of r.excerpt) wanted.add(l);
    if (wanted.size === 0 || isItfPath(file)) continue;
    out.set(file, kept !== null ? kept.kept : await readLines(file, wanted));
  }
  return out;
}

async function readLines(file: string, wanted: ReadonlySet<number>): Promise<Map<number, string>> {
  const last = Math.max(...wanted);
  const keeper = new LineKeeper((l) => wanted.has(l), EXCERPT_CONTEXT);
  try {
    for await (const chunk of openChunks(file)) {
      keeper.feed(chunk);
      if (keeper.lines >= last) return keeper.kept;
    }
  } catch {
    // The file changed or vanished since it was checked: show what was read.
  }
  keeper.end();
  return keeper.kept;
}

/**
 * `--coverage`: each spec action, enabling condition, event kind and refusal of the v2 checker,
 * with how often the traces exercised it, summed over the files (zeros listed: never reached).
 */
function coverageOf(results: readonly Result[]): { files: number; counts: Record<string,
  number> } {
  const counts: Record<string, number> = Object.fromEntries(COVERAGE_KEYS.map((k) => [k, 0]));
  let files = 0;
  for (const { report } of results) {
    const c = report.multipaxos?.coverage ?? null;
    if (c === null) continue;
    files++;
    for (const [k, n] of Object.entries(c)) counts[k] = (counts[k] ?? 0) + n;
  }
  return { files, counts };
}

function coverageText(c: { files: number; counts: Record<string, number> }): string {
  const rows = Object.entries(c.counts);
  const width = Math.max(...rows.map(([k]) => k.length));
  const never = rows.filter(([, n]) => n === 0).length;
  return `coverage over ${c.files} v2 trace${c.files === 1 ? '' : 's'} (${never} of ` +
    `${rows.length} never exercised):\n${rows.map(([k, n]) => `  ${k.padEnd(width)}  ${n}` +
    `${n === 0 ? '   (never)' : ''}`).join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Output.
// ---------------------------------------------------------------------------------------------

function textVerdict(results: readonly Result[], excerpts: Map<string,
  Map<number, string>>): string {
  const out: string[] = [];
  for (const { file, report } of results) {
    if (report.verdict === 'unreadable' && report.problem !== null) {
      const p = report.problem;
      out.push(`${file}:${p.line}: ${p.field === null ? '' : `${p.field}: `}${p.message}`);
      continue;
    }
    const s = report.summary;
    if (s === null) continue;
    const partial = report.partial === null ? ''
      : `, ${report.partial.inferred} hidden steps inferred, ${report.partial.choicePoints} ` +
        `ballots with a choice (up to ${report.partial.alternativesMax} alternatives), ` +
          `${report.partial.explored}/${report.partial.budget} budget used`;
    const mp = report.multipaxos ?? null;
    if (report.verdict === 'unknown') {
      out.push(`${file}: unknown: ${report.partial?.unknown ?? report.notes?.join('; ')
        ?? 'no verdict'}: ${s.events} events${partial}`);
      continue;
    }
    if (report.verdict === 'accepted' && mp !== null) {
      out.push(`${file}: accepted: ${mp.events} events, ${mp.steps} spec steps, ` +
        `${mp.slotsChosen} slots chosen, ${mp.applies} applies, ${mp.calls.length} client calls` +
        `${(report.notes ?? []).map((n) => `; ${n}`).join('')}`);
      continue;
    }
    if (report.verdict === 'accepted') {
      const chosen = s.chosen.length === 0 ? 'nothing chosen'
        : `chosen ${s.chosen.map((c) => `${c.value} (ballot ${c.ballotText ?? c.ballot}${c.line > 0
          ? `, line ${c.line}` : ''})`).join(', ')}`;
      out.push(`${file}: accepted: ${s.events} events, ${s.steps} spec steps, ${chosen}${partial}`);
      continue;
    }
    for (const r of s.rejections) {
      out.push(...rejectionText(file, r, excerpts.get(file)));
    }
    if (report.partial !== null) {
      out.push(`  last matched line: ${report.partial.lastMatchedLine}${partial}`);
      for (const c of report.partial.candidates) out.push(`  candidate state: ${c.conjunct}: ` +
        `${c.why}`);
    }
  }
  const count = (v: string): number => results.filter((r) => r.report.verdict === v).length;
  out.push(`${results.length} trace${results.length === 1 ? '' : 's'}: ${count('accepted')} ` +
    `accepted, ` +
    `${count('rejected')} rejected, ${count('unreadable')} unreadable` +
    `${count('unknown') > 0 ? `, ${count('unknown')} unknown` : ''}`);
  return `${out.join('\n')}\n`;
}

function rejectionText(file: string, r: Rejection, lines: Map<number,
  string> | undefined): string[] {
  const out = [`${file}:${r.line}: rejected: ${r.rule}`, `  ${r.explanation}`];
  if (r.action !== null) out.push(`  read as: ${r.action}${r.conjunct === null ? '' : `,
    which needs ${r.conjunct}`}`);
  else if (r.conjunct !== null) out.push(`  condition: ${r.conjunct}`);
  const w = r.witness;
  // The witness numbers ballots as the spec does; its legend names each back as logged.
  const logged = (b: number): string => w.ballots?.[String(b)] ?? String(b);
  const facts = [
    w.slot === undefined ? null : `slot ${w.slot}`,
    w.ballot === undefined ? null : `ballot ${logged(w.ballot)}`,
    w.value === undefined ? null : `value ${w.value}`,
    w.quorum === undefined ? null : `quorum {${w.quorum.join(', ')}}`,
    w.acceptor === undefined ? null : `acceptor ${w.acceptor}`,
  ].filter((x) => x !== null);
  if (facts.length > 0) out.push(`  witness: ${facts.join(', ')}`);
  for (const m of w.messages ?? []) out.push(`    line ${m.line}: ` +
    `${m.text.replace(/\b(bal|mbal) (\d+)\b/g, (_, word: string, b: string) =>
      `${word} ${logged(Number(b))}`)}`);
  if (r.breaks.length > 1) out.push(`  also breaks: ` +
    `${r.breaks.slice(1).map((b) => b.property).join(', ')}`);
  if (lines !== undefined && r.excerpt.length > 0) {
    out.push('  excerpt:');
    const width = String(Math.max(...r.excerpt)).length;
    for (const l of r.excerpt) out.push(`  ${l === r.line ? '>' : ' '} ` +
      `${String(l).padStart(width)} | ${lines.get(l) ?? ''}`);
  }
  return out;
}

function jsonVerdict(results: readonly Result[], excerpts: Map<string,
  Map<number, string>>) {
  const count = (v: string): number => results.filter((r) => r.report.verdict === v).length;
  return {
    format: 'synod.trace/v1',
    files: results.map(({ file, report }) => ({
      file,
      verdict: report.verdict,
      ...(report.problem === null ? {} : { problem: report.problem }),
      ...(report.summary === null ? {} : {
        events: report.summary.events,
        steps: report.summary.steps,
        retransmissions: report.summary.retransmissions,
        messages: report.summary.messages,
        chosen: report.summary.chosen.map((c) => ({ value: loggedValue(c.value),
          ballot: loggedBallot(c.ballotText ?? String(c.ballot)), line: c.line })),
        rejections: report.summary.rejections.map((r) => ({
          ...r, excerpt: r.excerpt.map((l) => ({ line: l, text: excerpts.get(file)?.get(l)
            ?? null })),
        })),
      }),
      ...(report.partial === null ? {} : {
        partial: {
          inferred: report.partial.inferred, choicePoints: report.partial.choicePoints,
          alternativesMax: report.partial.alternativesMax, explored: report.partial.explored,
          budget: report.partial.budget, budgetExhausted: report.partial.budgetExhausted,
          ...(report.partial.unknown === null ? {} : { unknown: report.partial.unknown }),
          lastMatchedLine: report.partial.lastMatchedLine, candidates: report.partial.candidates,
        },
      }),
      ...(report.provenance === null ? {} : { provenance: report.provenance }),
    })),
    summary: { files: results.length, accepted: count('accepted'), rejected: count('rejected'),
      unreadable: count('unreadable'), unknown: count('unknown') },
  };
}

/**
 * A chosen value as the trace logged it: the summary carries it as shown in messages (a string
 * quoted, `"B"`), which the JSON verdict must not quote a second time.
 */
/** A ballot as the trace logged it, as JSON: a number or a [round, "proposer"] pair. */
function loggedBallot(shown: string): unknown {
  if (shown === 'none') return null;
  const b = JSON.parse(shown) as unknown;
  // An ITF ballot beyond 2^53 stays its decimal text, which a JSON number would round.
  return typeof b === 'number' && !Number.isSafeInteger(b) ? shown : b;
}

function loggedValue(shown: string): string | number {
  try {
    const v = JSON.parse(shown) as unknown;
    if (typeof v === 'string' || typeof v === 'number') return v;
  } catch {
    // Not a shown value: keep the text as it is.
  }
  return shown;
}
