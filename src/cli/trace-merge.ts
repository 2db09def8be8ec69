/**
 * `synod trace merge FILE...`: per-node logs of one run merged into one trace, and
 * `synod trace check --merge`, which checks that merged trace (client calls not judged: the
 * nodes' clocks do not order calls across logs). The merge itself is src/trace/merge.ts's.
 */
import { writeFileSync } from 'node:fs';
import { parseFlags } from './args.js';
import { isRegularFile } from './files.js';
import { EXIT_OK, EXIT_UNKNOWN, EXIT_USAGE, EXIT_VIOLATION, UsageError, type Io } from './io.js';
import { HELP_FLAG, traceHelp } from './trace-help.js';
import { openChunks } from './trace-input.js';
import { EXCERPT_CONTEXT, jsonVerdict, textVerdict, type Result } from './trace-verdict.js';
import { mergeLogs, type MergeReport } from '../trace/merge.js';
import { checkTrace, type RunOptions } from '../trace/run.js';

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
export async function merge(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('trace merge', args, { ...HELP_FLAG,
    output: { type: 'string', short: 'o' } }, true);
  if (values.help === true) return traceHelp(io);
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
export async function checkMerged(files: readonly string[], options: RunOptions, json: boolean,
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

