/**
 * One trace, start to verdict: read (reader.ts), check (checker.ts, or partial.ts for partial
 * traces), and describe the outcome as plain data the CLI prints as text or JSON. Takes the
 * file's chunks, not its path: the CLI opens files (DESIGN.md, "Layers").
 */
import { createChecker, type CheckSummary } from './checker.js';
import type { Cluster, Event, NameTable } from './events.js';
import type { InputProblem } from './lines.js';
import { checkPartial, type PartialReport } from './partial.js';
import { readTrace } from './reader.js';
import { checkTraceV2, isV2HeaderLine, type CallsCheck } from './multipaxos/run.js';
import type { MpSummary } from './multipaxos/checker.js';

export interface RunOptions {
  /** Treat the trace as partial even if its header does not say so. */
  readonly partial?: boolean;
  /** Work (spec steps placed) the partial search may do in all. */
  readonly budget?: number;
  readonly rejectionsMax?: number;
  readonly fullProperties?: boolean;
  /** v2 traces: count the spec actions and conditions exercised. */
  readonly coverage?: boolean;
  /** v2 traces: opt-in liveness bound in events (0: off). */
  readonly liveness?: number;
  /** v2 traces: the linearizability check of the client calls (composed by the CLI). */
  readonly callsCheck?: CallsCheck | null;
}

/** "unknown": a partial trace's search ran out of budget, or needs more than it covers. */
export type Verdict = 'accepted' | 'rejected' | 'unknown' | 'unreadable';

export interface FileReport {
  readonly verdict: Verdict;
  readonly problem: InputProblem | null;
  readonly summary: CheckSummary | null;
  readonly partial: PartialReport | null;
  readonly provenance: Readonly<Record<string, unknown>> | null;
  readonly expect: Cluster['header']['expect'] | null;
  /** A v2 (Multi-Paxos) trace's own summary, and notes on its verdict. */
  readonly multipaxos?: MpSummary | null;
  readonly notes?: readonly string[];
}

/**
 * The partial search's default budget, in spec steps placed: a fully explained trace costs about
 * one unit per step, so this covers traces of millions of lines, and backtracking for seconds.
 */
export const PARTIAL_BUDGET = 20_000_000;

/** Partial traces are searched in memory; this bounds how many events that may hold. */
export const PARTIAL_EVENTS_MAX = 1_000_000;

/**
 * Checks one trace, v1 or v2: the header line (read first, before anything is decoded) says which
 * checker reads the rest; v1 traces go through exactly the path they always did.
 */
export async function checkTrace(source: AsyncIterable<Uint8Array | string>,
  options: RunOptions = {}): Promise<FileReport> {
  const { first, rest } = await peekFirstLine(source);
  if (first !== null && isV2HeaderLine(first)) return checkV2(rest, options);
  return checkTraceV1(rest, options);
}

async function checkV2(source: AsyncIterable<Uint8Array | string>,
  options: RunOptions): Promise<FileReport> {
  const r = await checkTraceV2(source, options);
  const s = r.summary;
  const header = r.cluster?.header;
  return {
    verdict: r.verdict, problem: r.problem, partial: null,
    summary: s === null ? null : { events: s.events, steps: s.steps,
      retransmissions: s.retransmissions, messages: 0, chosen: [], rejections: s.rejections },
    provenance: header?.provenance ?? null, expect: header?.expect ?? null, multipaxos: s,
    notes: r.notes,
  };
}

/** The first line's text (null when the source ends first), and the source, nothing consumed. */
async function peekFirstLine(source: AsyncIterable<Uint8Array | string>): Promise<{
  first: string | null; rest: AsyncIterable<Uint8Array | string> }> {
  const held: (Uint8Array | string)[] = [];
  const it = source[Symbol.asyncIterator]();
  let text = '';
  let done = false;
  const decoder = new TextDecoder();
  try {
    while (!text.includes('\n') && text.length < 65536) {
      const r = await it.next();
      if (r.done === true) {
        done = true;
        break;
      }
      held.push(r.value);
      text += typeof r.value === 'string' ? r.value : decoder.decode(r.value, { stream: true });
    }
  } catch (e) {
    const error = e;
    return { first: null, rest: (async function* () { yield* held; throw error; })() };
  }
  const nl = text.indexOf('\n');
  const first = nl === -1 ? (done ? text : null) : text.slice(0, nl);
  const rest = (async function* () {
    yield* held;
    if (done) return;
    for (let r = await it.next(); r.done !== true; r = await it.next()) yield r.value;
  })();
  return { first, rest };
}

async function checkTraceV1(source: AsyncIterable<Uint8Array | string>,
  options: RunOptions): Promise<FileReport> {
  let checker: ReturnType<typeof createChecker> | null = null;
  let cluster: Cluster | null = null;
  let table: NameTable | null = null;
  let partial = false;
  const held: { e: Event; line: number }[] = [];
  let overflow = 0;
  let sourceError: string | null = null;
  const outcome = await readTrace(guarded(source, (m) => { sourceError = m; }), {
    header: (c, n) => {
      cluster = c;
      table = n;
      partial = options.partial === true || c.partial;
      if (!partial) checker = createChecker(c, n, options);
    },
    event: (e, line) => {
      if (checker !== null) return checker.event(e, line);
      if (held.length >= PARTIAL_EVENTS_MAX) {
        overflow = line;
        return false;
      }
      held.push({ e, line });
      return true;
    },
  });
  const c = cluster as Cluster | null;
  const base = { provenance: c?.header.provenance ?? null, expect: c?.header.expect ?? null };
  if (sourceError !== null) {
    const problem = { line: 0, field: null,
      message: `cannot read the file: ${sourceError as string}` };
    return { verdict: 'unreadable', problem, summary: null, partial: null, ...base };
  }
  if (outcome.kind === 'problem') return { verdict: 'unreadable', problem: outcome.problem,
    summary: null, partial: null, ...base };
  if (overflow > 0) {
    const problem = { line: overflow, field: null,
      message: `a partial trace is limited to ${PARTIAL_EVENTS_MAX} events` };
    return { verdict: 'unreadable', problem, summary: null, partial: null, ...base };
  }
  if (c === null || table === null) throw new Error('checkTrace: read a trace without a header');
  if (!partial) {
    const summary = (checker as unknown as ReturnType<typeof createChecker>).summary();
    return { verdict: summary.rejections.length > 0 ? 'rejected' : 'accepted', problem: null,
      summary, partial: null, ...base };
  }
  const report = checkPartial(c, table, held, options.budget ?? PARTIAL_BUDGET);
  return {
    verdict: report.verdict, problem: null, summary: report.summary,
      partial: report, ...base,
  };
}

/**
 * The source's chunks; an error reading them (a missing file, a directory) is reported, not thrown.
 */
async function* guarded(
  source: AsyncIterable<Uint8Array | string>,
  onError: (message: string) => void,
): AsyncGenerator<Uint8Array | string> {
  try {
    yield* source;
  } catch (e) {
    onError(e instanceof Error ? e.message : String(e));
  }
}
