/**
 * `synod view FILE [-o out.html]`: one self-contained HTML page of a run (src/viz), and the
 * helpers that `check --html`, `trace check --html` and `simulate --html` share.
 *
 * The kind of input is detected from its first line: a synod.trace header (a recorded trace, a
 * model-checker counterexample written with --counterexample, a simulator run written with
 * --trace), a synod.check/v1 verdict (`synod check --json`), a line of a Multi-Paxos run record
 * (`synod simulate multipaxos --trace`), or a client history (JSON lines of invoke, return and
 * crash events, as src/history reads them). Anything else is exit 2, naming the file and line.
 * Traces are judged by the trace checker and histories by the linearizability checker before
 * they are drawn, so the page opens at the violation.
 *
 * Exit 0 once the page is written (a view is not a verdict: the page says the verdict), 2 for
 * bad usage or input. Left out: Multi-Paxos trace format v2 (not defined yet).
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseFlags } from './args.js';
import { FileProblem, readBounded } from './files.js';
import { EXIT_OK, EXIT_USAGE, UsageError, type Command } from './io.js';
import { checkTrace, type FileReport } from '../trace/run.js';
import type { Violation as SpecViolation } from '../../spec/properties.js';
import {
  checkLinearizable, kvRegister, operationsFromEvents, writeOnceRegister, HistoryError,
  type CheckResult, type HistoryEvent, type Model, type WriteOnceInput, type WriteOnceOutput,
} from '../history/index.js';
import { ViewInputError, withViolationAt, type Run, type RunKind } from '../viz/model.js';
import { isTraceHeader, numberedLines, parseLine, traceRun, withRejection } from '../viz/trace.js';
import { isMpRecord, mpRecordRun } from '../viz/mp-record.js';
import { historyRun, withLinearizability, type ViewHistoryEvent } from '../viz/history.js';
import { withCheckViolation } from '../viz/counterexample.js';
import { renderPage } from '../viz/page.js';

const HELP = `usage: synod view FILE [-o OUT.html] [--model setvarx|kv]

Writes one self-contained HTML page (no network, no external files) showing FILE as a
space-time diagram: a lane per server and client, messages from send to receive (lost ones
crossed), persists, crashes, learns, client calls as bars; select a step to see the spec state
(maxBal, maxVBal, maxVal per acceptor, per slot with slots; what is chosen) and what changed.
A rejected trace or a counterexample opens at the violation with its witness highlighted.

FILE is detected as one of:
  a trace (synod.trace v1): recorded, 'synod check --counterexample', 'synod simulate --trace'
  a model-checker verdict with a counterexample ('synod check paxos --json')
  a Multi-Paxos run record ('synod simulate multipaxos --trace')
  a client history: JSON lines {"type":"invoke"|"return"|"crash","client":...,"input"|"output"}

  -o, --out FILE   where to write the page (default: FILE.html)
  --model M        the history's sequential model: setvarx (SetVarX/GetVarX, the default when
                   inputs are set/get) or kv (put/get per key, the default when a put appears)

Exit codes: 0 the page was written, 2 bad usage or input (the message names file and line).
`;

/** Inputs are read whole: a page of more than this would not open in a browser anyway. */
const INPUT_BYTES_MAX = 512 * 1024 * 1024;

export const viewCommand: Command = async (args, io) => {
  const { values, positionals } = parseFlags('view', args, {
    out: { type: 'string', short: 'o' }, model: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, true);
  if (values.help === true) {
    io.out(HELP);
    return EXIT_OK;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) {
    io.err(`synod view: give exactly one input file\n${HELP}`);
    return EXIT_USAGE;
  }
  const model = values.model ?? null;
  if (model !== null && model !== 'setvarx' && model !== 'kv') {
    throw new UsageError(`synod view: --model must be setvarx or kv, got '${model}'`);
  }
  let text: string;
  try {
    text = await readBounded(file, INPUT_BYTES_MAX);
  } catch (e) {
    if (e instanceof FileProblem) throw new UsageError(`synod view: ${file}: ${e.message}`);
    throw e;
  }
  const run = await inputRun(file, text, model);
  const out = values.out ?? `${file}.html`;
  writeView('view', '--out', out, run);
  io.out(`${out}: ${run.kind}, ${run.events.length} events; ${run.verdict}\n`);
  return EXIT_OK;
};

/** The Run of an input file of any kind; bad input is a UsageError naming file and line. */
export async function inputRun(file: string, text: string,
  model: 'setvarx' | 'kv' | null): Promise<Run> {
  try {
    const first = numberedLines(text).next();
    if (first.done === true) throw new ViewInputError(0, 'empty: nothing to view');
    const [line, raw] = first.value;
    const u = parseLine(raw, line);
    if (isTraceHeader(u)) return await traceView(text, basename(file), traceKind(u));
    if (isCheckVerdict(u)) return await checkVerdictView(u, basename(file));
    if (isMpRecord(u)) return mpRecordRun(text, basename(file));
    if (isHistoryEvent(u)) return historyView(text, basename(file), model);
    throw new ViewInputError(line, 'unknown input: expected a synod.trace header, a ' +
      'synod.check/v1 verdict, a Multi-Paxos run record line or a client history event');
  } catch (e) {
    if (e instanceof ViewInputError) {
      throw new UsageError(`synod view: ${file}:${e.line}: ${e.message}`);
    }
    throw e;
  }
}

/** `trace check --html`: the page of one checked trace file, with the verdict it got. */
export async function writeTraceView(file: string, out: string, report: FileReport):
  Promise<void> {
  let text: string;
  try {
    text = await readBounded(file, INPUT_BYTES_MAX);
  } catch (e) {
    if (e instanceof FileProblem) throw new UsageError(`synod trace check: --html: ${file}: ` +
      `${e.message}`);
    throw e;
  }
  const first = numberedLines(text).next();
  const header = first.done === true ? null : parseLine(first.value[1], first.value[0]);
  writeView('trace check', '--html', out, await traceView(text, basename(file),
    traceKind(header), report));
}

function traceKind(header: unknown): RunKind {
  const impl = (header as { provenance?: { implementation?: unknown } } | null)?.provenance
    ?.implementation;
  if (typeof impl !== 'string') return 'trace';
  if (impl.startsWith('synod check')) return 'counterexample';
  return impl.includes('simulated') ? 'simulation' : 'trace';
}

/**
 * A synod.trace text, judged by the trace checker (or by the report given, when the caller
 * already checked it), as a Run that opens at its rejection.
 */
export async function traceView(text: string, title: string, kind: RunKind,
  checked: FileReport | null = null): Promise<Run> {
  const run = traceRun(text, kind, title);
  const report = checked ?? await checkTrace((async function* () { yield text; })());
  const first = report.summary?.rejections[0] ?? null;
  const verdict = first === null
    ? `trace checker: ${report.verdict}${report.summary === null ? ''
      : `, chosen ${report.summary.chosen.map((c) => c.value).join(', ') || 'nothing'}`}`
    : `trace checker: rejected at line ${first.line}: ${first.rule}`;
  return clientsChecked(withRejection(run, first, verdict), text);
}

/** The search budget for a trace's client calls (as `synod simulate` gives its own). */
const TRACE_HISTORY_BUDGET = 1_000_000;

/**
 * The run with its clients' SetVarX/GetVarX calls checked for linearizability against the
 * write-once register (values compared as the trace logged them: "1" and 1 differ).
 */
function clientsChecked(run: Run, text: string): Run {
  if (run.ops.length === 0) return run;
  type E = HistoryEvent<WriteOnceInput, WriteOnceOutput>;
  const events: E[] = [];
  for (const [line, raw] of numberedLines(text)) {
    const e = parseLine(raw, line) as { ev?: unknown; client?: unknown; op?: unknown;
      val?: unknown };
    if (typeof e.client !== 'string') continue;
    const value = JSON.stringify(e.val ?? null);
    if (e.ev === 'invoke') {
      events.push({ type: 'invoke', client: e.client, input: e.op === 'set'
        ? { kind: 'set', key: 'X', value } : { kind: 'get', key: 'X' } });
    } else if (e.ev === 'return') {
      events.push({ type: 'return', client: e.client, output: { value: e.val === null
        || e.val === undefined ? null : value } });
    } else if (e.ev === 'crash') {
      events.push({ type: 'crash', client: e.client });
    }
  }
  try {
    const result = checkLinearizable(operationsFromEvents(events), writeOnceRegister,
      { budget: TRACE_HISTORY_BUDGET });
    return withLinearizability(run, result);
  } catch (e) {
    // A malformed client history (a return with no call) is the trace checker's to report.
    if (e instanceof HistoryError) return run;
    throw e;
  }
}

function isCheckVerdict(u: unknown): boolean {
  return typeof u === 'object' && u !== null && (u as { format?: unknown }).format ===
    'synod.check/v1';
}

/** `synod check paxos --json` output: its counterexample, through the checker's own writer. */
async function checkVerdictView(u: unknown, title: string): Promise<Run> {
  const v = u as { verdict?: unknown; model?: unknown; constants?: Record<string, unknown>;
    violation?: SpecViolation | null; counterexample?: unknown };
  if (v.model !== 'paxos' || !Array.isArray(v.counterexample) || v.violation == null) {
    throw new ViewInputError(1, `a synod.check/v1 verdict '${String(v.verdict)}' of model ` +
      `'${String(v.model)}' with no paxos counterexample: nothing to view`);
  }
  const c = v.constants ?? {};
  const nat = (x: unknown, name: string): number => {
    if (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) return x;
    throw new ViewInputError(1, `constants.${name}: expected a natural number`);
  };
  const quorums = c.quorums === 'majority' || c.quorums === undefined ? null
    : c.quorums as number[][];
  const { paxosConstants } = await import('../checker/paxos-check.js');
  const { counterexampleLines } = await import('../checker/models/paxos-trace.js');
  let lines: string[];
  try {
    const k = paxosConstants({ acceptors: nat(c.acceptors, 'acceptors'), values: nat(c.values,
      'values'), maxBallot: nat(c.maxBallot, 'maxBallot'), quorums, symmetry: false,
      refinement: false, model: 'readable' });
    lines = counterexampleLines(k, v.counterexample as never, null);
  } catch (e) {
    if (e instanceof ViewInputError) throw e;
    throw new ViewInputError(1, `counterexample: not one synod check wrote: ${(e as Error).message}`);
  }
  return counterexampleView(lines, v.violation, title);
}

/** A counterexample's trace lines and the checker's violation, as the Run the page shows. */
export function counterexampleView(lines: readonly string[], violation: SpecViolation,
  title: string): Run {
  const run = traceRun(lines.join(''), 'counterexample', title);
  return withCheckViolation(run, violation, `model checker: ${violation.property} violated ` +
    `after ${run.events.length} steps (shortest counterexample)`);
}

/** A simulator's own violation: the check, and the world event (`t`) where it was found. */
export interface SimViolation {
  readonly check: string;
  readonly property?: string;
  readonly event: number;
  readonly summary: string;
}

/**
 * A simulated run's lines (synod.trace from `simulate`, or the Multi-Paxos record), drawn with
 * the simulator's violation at the first line logged at or after its world event. A violation of
 * linearizability names a history index, not a world event: it is placed at the last event.
 */
export async function simulationView(lines: readonly string[], title: string,
  violation: SimViolation | null, multipaxos: boolean): Promise<Run> {
  const text = lines.join('');
  const run = multipaxos ? mpRecordRun(text, title)
    : await traceView(text, title, 'simulation');
  if (violation === null) return run;
  const rule = violation.property === undefined ? violation.check
    : `${violation.check} (${violation.property})`;
  let event = run.events.length - 1;
  if (violation.check !== 'linearizability') {
    const line = lines.findIndex((l) => ((JSON.parse(l) as { t?: number }).t ?? -1)
      >= violation.event) + 1;
    const at = line === 0 ? -1 : run.events.findIndex((e) => e.line >= line);
    if (at >= 0) event = at;
  }
  return withViolationAt(run, event, rule, violation.summary);
}

function isHistoryEvent(u: unknown): boolean {
  if (typeof u !== 'object' || u === null) return false;
  const r = u as Record<string, unknown>;
  return (r.type === 'invoke' || r.type === 'return' || r.type === 'crash')
    && typeof r.client === 'string';
}

/** A history file, checked for linearizability against the model named or inferred. */
function historyView(text: string, title: string, named: 'setvarx' | 'kv' | null): Run {
  const events: ViewHistoryEvent[] = [];
  for (const [line, raw] of numberedLines(text)) {
    const u = parseLine(raw, line);
    if (!isHistoryEvent(u)) {
      throw new ViewInputError(line, 'type: expected an invoke, return or crash event with a ' +
        'client');
    }
    events.push(u as ViewHistoryEvent);
  }
  const kv = named === 'kv' || (named === null && events.some((e) => e.type === 'invoke'
    && (e.input as { kind?: unknown } | null)?.kind === 'put'));
  const model = (kv ? kvRegister : writeOnceRegister) as unknown as Model<unknown, unknown, unknown>;
  try {
    const result = checkLinearizable(operationsFromEvents(events as HistoryEvent<unknown,
      unknown>[]), model);
    return renderableHistory(events, result, `${title} (${model.name})`, model);
  } catch (e) {
    if (e instanceof HistoryError) throw new ViewInputError(0, e.message);
    throw e;
  }
}

function renderableHistory(events: readonly ViewHistoryEvent[], result: CheckResult,
  title: string, model: Model<unknown, unknown, unknown>): Run {
  const describe = model.describe ?? ((i: unknown, o: unknown) => `${JSON.stringify(i)} -> ` +
    `${JSON.stringify(o)}`);
  return historyRun(events, result, title, (i, o) => describe(i, o ?? null));
}

/**
 * The page of a client history and its linearizability result, for `history check --html`:
 * the calls as bars with their linearization points, or the longest linearizable prefix and the
 * calls that cannot be placed.
 */
export function renderHistoryPage<S, I, O>(events: readonly HistoryEvent<I, O>[],
  result: CheckResult, model: Model<S, I, O>, title: string): string {
  return renderPage(renderableHistory(events, result, title,
    model as unknown as Model<unknown, unknown, unknown>));
}

/** Writes the page of `run` to `file`; a write error is a usage error naming the flag. */
export function writeView(cmd: string, flag: string, file: string, run: Run): void {
  try {
    writeFileSync(file, renderPage(run));
  } catch (e) {
    throw new UsageError(`synod ${cmd}: ${flag}: cannot write ${file}: ${(e as Error).message}`);
  }
}
