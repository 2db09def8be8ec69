/**
 * `synod trace check FILE|DIR|-...`: validate recorded runs against the spec (issue 4).
 *
 * Each file is streamed (src/trace/run.ts); directories are walked for *.jsonl, *.ndjson and
 * *.itf.json files. A rejection prints its line, rule, explanation, witness and a short excerpt
 * of the file (read again, only up to the last line it needs; for a pipe or stdin, which
 * cannot be read again, from the last lines kept while it was read). Exit 0 when every trace is
 * accepted, 1 when one is rejected, 2 when one cannot be read (that wins: an unreadable trace
 * is a broken pipeline, not a verdict); a file that cannot be opened or listed is reported
 * against that file (src/cli/files.ts), and the others keep their verdicts. `--json` prints one
 * object, format "synod.trace/v1" (trace-verdict.ts).
 */
import { intFlag, parseFlags } from './args.js';
import { FileProblem, isRegularFile, LineKeeper, readBounded, STDIN, traceFiles } from './files.js';
import { EXIT_OK, EXIT_UNKNOWN, EXIT_USAGE, EXIT_VIOLATION, UsageError, type Io } from './io.js';
import { callsCheck } from './trace-calls.js';
import { traceHelp } from './trace-help.js';
import { ITF_BYTES_MAX, keeping, openChunks, readMapping, stdinChunks } from './trace-input.js';
import { checkMerged } from './trace-merge.js';
import { coverageOf, coverageText, EXCERPT_CONTEXT, excerptsOf, jsonVerdict, textVerdict,
  type Result } from './trace-verdict.js';
import { checkItf, isItfPath } from '../trace/itf-run.js';
import { checkTrace, PARTIAL_BUDGET, PARTIAL_TIME_MS, STATE_BYTES_MAX, type FileReport,
  type RunOptions } from '../trace/run.js';

/** Lines a pipe's excerpt can still show: the last ones read. */
const PIPE_LINES_KEPT = 1024;

export async function check(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('trace check', args, {
    json: { type: 'boolean' },
    partial: { type: 'boolean' },
    budget: { type: 'string' },
    'time-budget': { type: 'string' },
    'max-memory': { type: 'string' },
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
  if (values.help === true) return traceHelp(io);
  if (positionals.length === 0) throw new UsageError('synod trace check: give at least one ' +
    'trace file or directory');
  const options: RunOptions = {
    partial: values.partial === true,
    budget: intFlag('trace check', 'budget', values.budget, PARTIAL_BUDGET, 0, 1_000_000_000_000),
    timeBudgetMs: 1000 * intFlag('trace check', 'time-budget', values['time-budget'],
      PARTIAL_TIME_MS / 1000, 0, 86_400),
    stateBytesMax: 2 ** 20 * intFlag('trace check', 'max-memory', values['max-memory'],
      STATE_BYTES_MAX / 2 ** 20, 1, 1 << 20),
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
