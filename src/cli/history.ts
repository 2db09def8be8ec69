/**
 * `synod history check FILE... --model M`: is a client history linearizable (issue 13, section
 * 3)? `synod history schema`: print the JSON Schema of a synod.history line.
 *
 * Each file is read whole (src/history/read.ts; its format named with --format or detected),
 * its events paired into calls for the model (src/history/catalog.ts), and the calls checked
 * by Wing & Gong's search, key by key (src/history/check.ts). Exit 0 when every file is
 * linearizable, 1 when one is not (with the longest linearizable prefix and the calls that
 * cannot follow it), 3 when a budget or --timeout ran out first (no verdict is guessed), and 2
 * when a file cannot be read or is not a history (that wins: naming the file, line and field).
 * `--json` prints one object, format "synod.history/v1".
 *
 * `--html FILE` (one history only) writes the picture of it that `synod view` draws: the calls
 * as bars with their linearization points, or the longest linearizable prefix and the call that
 * cannot follow it.
 *
 * What it leaves out: standard input and directories (name the files).
 */
import { writeFileSync } from 'node:fs';
import { intFlag, parseFlags } from './args.js';
import { FileProblem, readBounded } from './files.js';
import {
  EXIT_OK, EXIT_UNKNOWN, EXIT_USAGE, EXIT_VIOLATION, UsageError, type Command, type Io,
} from './io.js';
import { HistoryModel } from '../format/history.js';
import { adapterOf, callsOf, MODEL_NAMES, type AnyAdapter } from '../history/catalog.js';
import {
  checkLinearizable, DEFAULT_BUDGET, HistoryError, operationsFromEvents, type CheckResult,
  type HistoryEvent, type Operation,
} from '../history/index.js';
import {
  HISTORY_FORMATS, HistoryInputError, readHistory, type HistoryFormat,
} from '../history/read.js';
import { historySchema } from '../history/schema.js';

const HELP = `usage: synod history check --model M [flags] FILE...
       synod history schema        (print the JSON Schema of a synod.history line)

Checks that each client history is linearizable: that every call can be given one instant
between its invocation and its return such that, in that order, the calls are a legal run of
the model (docs/linearizability.md). Calls that never returned (Jepsen's :info, or no
completion) may or may not have taken effect.

flags:
  --model M       ${MODEL_NAMES.join(', ')}
                  (default: the "model" of a synod.history header)
  --format F      ${HISTORY_FORMATS.join(', ')} (default: detected from the first line)
  --json          print one JSON object (format "synod.history/v1")
  --budget N      search steps per key before the verdict is unknown (default ${DEFAULT_BUDGET})
  --timeout MS    milliseconds per file before the verdict is unknown (default: none)
  --html FILE     write the history and its verdict as one HTML page (synod view; one file)

Exit codes: 0 linearizable, 1 not linearizable, 2 bad usage or input, 3 unknown.
`;

/** A history is read whole: this bounds how large (Porcupine's largest is 0.3 MB). */
export const HISTORY_BYTES_MAX = 256 * 1024 * 1024;

const HELP_FLAG = { help: { type: 'boolean', short: 'h' } } as const;

export const historyCommand: Command = async (args, io) => {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.out(HELP);
    return sub === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (sub === 'schema') {
    if (parseFlags('history schema', rest, HELP_FLAG).values.help === true) io.out(HELP);
    else io.out(`${JSON.stringify(historySchema(), null, 2)}\n`);
    return EXIT_OK;
  }
  if (sub !== 'check') {
    throw new UsageError(`synod history: unknown subcommand '${sub}' (expected check or schema)`);
  }
  return check(rest, io);
};

interface Options {
  readonly model: HistoryModel | null;
  readonly format: HistoryFormat | null;
  readonly budget: number;
  readonly timeoutMs: number | undefined;
}

async function check(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('history check', args, {
    model: { type: 'string' },
    format: { type: 'string' },
    json: { type: 'boolean' },
    budget: { type: 'string' },
    timeout: { type: 'string' },
    html: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, true);
  if (values.help === true) {
    io.out(HELP);
    return EXIT_OK;
  }
  if (positionals.length === 0) {
    throw new UsageError('synod history check: give at least one history file');
  }
  const options: Options = {
    model: oneOf('model', values.model, MODEL_NAMES),
    format: oneOf('format', values.format, HISTORY_FORMATS),
    budget: intFlag('history check', 'budget', values.budget, DEFAULT_BUDGET, 1,
      1_000_000_000_000),
    timeoutMs: values.timeout === undefined ? undefined
      : intFlag('history check', 'timeout', values.timeout, 0, 1, 86_400_000),
  };
  if (values.html !== undefined && positionals.length !== 1) {
    throw new UsageError('synod history check: --html draws one history: give exactly one file');
  }
  const reports: Report[] = [];
  for (const file of positionals) reports.push(await checkFile(file, options));
  const only = reports[0]!;
  if (values.html !== undefined && only.kind === 'checked') await writeHistoryView(only,
    values.html);
  if (values.json === true) io.out(`${JSON.stringify(jsonVerdict(reports))}\n`);
  else io.out(reports.map(textReport).join(''));
  return exitCode(reports);
}

function oneOf<T extends string>(flag: string, raw: string | undefined,
  allowed: readonly T[]): T | null {
  if (raw === undefined) return null;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`synod history check: --${flag} must be one of ${allowed.join(', ')}, ` +
    `got '${raw}'`);
}

/** One file's outcome. */
type Report =
  | { readonly file: string; readonly kind: 'bad-input'; readonly line: number;
    readonly field: string | null; readonly message: string }
  | { readonly file: string; readonly kind: 'checked'; readonly format: HistoryFormat;
    readonly model: HistoryModel; readonly calls: number; readonly lines: readonly number[];
    readonly result: CheckResult; readonly ops: readonly Operation<unknown, unknown>[] };

async function checkFile(file: string, options: Options): Promise<Report> {
  const badInput = (line: number, field: string | null, message: string): Report =>
    ({ file, kind: 'bad-input', line, field, message });
  let text: string;
  try {
    text = await readBounded(file, HISTORY_BYTES_MAX);
  } catch (e) {
    if (e instanceof FileProblem) return badInput(0, null, e.message);
    throw e;
  }
  try {
    const history = readHistory(text, options.format);
    const model = options.model ?? history.model;
    if (model === null) {
      return badInput(0, null, `no model: name one with --model (${MODEL_NAMES.join(', ')}), ` +
        'or in a synod.history header');
    }
    const adapter: AnyAdapter = adapterOf(model);
    const { ops, lines } = callsOf(history.events, adapter);
    const result = checkLinearizable(ops, adapter.model, { budget: options.budget,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) });
    return { file, kind: 'checked', format: history.format, model, calls: ops.length, lines,
      result, ops };
  } catch (e) {
    if (e instanceof HistoryInputError) return badInput(e.line, e.field, e.message);
    if (e instanceof HistoryError) return badInput(0, null, e.message);
    throw e;
  }
}

/**
 * The calls as the event list `synod view` draws (invoke, then return or crash, in time order).
 * Its calls come back in invocation order, so the verdict's call indices still name the same
 * calls when `ops` is in that order; otherwise the page's verdict is computed afresh.
 */
async function writeHistoryView(r: Extract<Report, { kind: 'checked' }>,
  file: string): Promise<void> {
  const timed: [number, HistoryEvent<unknown, unknown>][] = [];
  for (const op of r.ops) {
    timed.push([op.call, { type: 'invoke', client: op.client, input: op.input }]);
    if (op.ret !== null && op.output !== null) {
      timed.push([op.ret, { type: 'return', client: op.client, output: op.output }]);
    } else {
      timed.push([op.ret ?? Infinity, { type: 'crash', client: op.client }]);
    }
  }
  const events = timed.sort((a, b) => a[0] - b[0]).map(([, e]) => e);
  const model = adapterOf(r.model).model;
  const inOrder = r.ops.every((op, i) => i === 0 || r.ops[i - 1]!.call < op.call);
  const result = inOrder ? r.result : checkLinearizable(operationsFromEvents(events), model);
  const { renderHistoryPage } = await import('./view.js');
  const title = `synod history check ${r.file} --model ${r.model}`;
  try {
    writeFileSync(file, renderHistoryPage(events, result, model, title));
  } catch (e) {
    throw new UsageError(`synod history check: --html: cannot write ${file}: ` +
      `${(e as Error).message}`);
  }
}

function exitCode(reports: readonly Report[]): number {
  if (reports.some((r) => r.kind === 'bad-input')) return EXIT_USAGE;
  const verdicts = reports.map((r) => (r.kind === 'checked' ? r.result.verdict : null));
  if (verdicts.includes('not-linearizable')) return EXIT_VIOLATION;
  return verdicts.includes('unknown') ? EXIT_UNKNOWN : EXIT_OK;
}

function textReport(r: Report): string {
  if (r.kind === 'bad-input') {
    const where = r.line > 0 ? `:${r.line}` : '';
    return `${r.file}${where}: ${r.field === null ? '' : `${r.field}: `}${r.message}\n`;
  }
  const what = `${r.model}, ${r.calls} calls read as ${r.format}, ${r.result.steps} search steps`;
  const res = r.result;
  switch (res.verdict) {
    case 'linearizable': return `${r.file}: linearizable (${what})\n`;
    case 'not-linearizable':
      return `${r.file}: not linearizable (${what})\n${res.explanation}\n` +
        `(Calls are shown as #index process [invocation line, completion line].)\n`;
    case 'unknown': return `${r.file}: unknown (${what}): ${unknownText(res)}\n`;
  }
}

function unknownText(res: Extract<CheckResult, { verdict: 'unknown' }>): string {
  const limit = res.reason === 'budget-exhausted' ? `its budget of ${res.budget} steps per key`
    : `its ${res.timeoutMs} ms`;
  return `the search ran out of ${limit} on key(s) ${res.keys.map((k) =>
    JSON.stringify(k)).join(', ')} before a verdict; raise --budget or --timeout`;
}

function jsonVerdict(reports: readonly Report[]): unknown {
  const code = exitCode(reports);
  const verdict = code === EXIT_USAGE ? 'bad-input' : code === EXIT_VIOLATION
    ? 'not-linearizable' : code === EXIT_UNKNOWN ? 'unknown' : 'linearizable';
  return { format: 'synod.history/v1', verdict, files: reports.map(jsonReport) };
}

function jsonReport(r: Report): unknown {
  if (r.kind === 'bad-input') {
    return { file: r.file, verdict: 'bad-input', line: r.line, field: r.field,
      message: r.message };
  }
  const line = (i: number): number => r.lines[i] as number;
  const base = { file: r.file, format: r.format, model: r.model, calls: r.calls,
    steps: r.result.steps };
  const res = r.result;
  switch (res.verdict) {
    case 'linearizable': return { ...base, verdict: res.verdict };
    case 'not-linearizable': return { ...base, verdict: res.verdict, key: res.key,
      prefix: res.prefix.map(line), state: res.state, unplaced: res.unplaced.map(line),
      deadline: line(res.deadline), explanation: res.explanation };
    case 'unknown': return { ...base, verdict: res.verdict, reason: res.reason, keys: res.keys,
      ...(res.reason === 'budget-exhausted' ? { budget: res.budget }
        : { timeoutMs: res.timeoutMs }) };
  }
}
