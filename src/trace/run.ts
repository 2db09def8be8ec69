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
  /** Wall-clock milliseconds the partial search may take (default PARTIAL_TIME_MS). */
  readonly timeBudgetMs?: number;
  readonly rejectionsMax?: number;
  readonly fullProperties?: boolean;
  /** v2 traces: count the spec actions and conditions exercised. */
  readonly coverage?: boolean;
  /** v2 traces: opt-in liveness bound in events (0: off). */
  readonly liveness?: number;
  /** v2 traces: the linearizability check of the client calls (composed by the CLI). */
  readonly callsCheck?: CallsCheck | null;
  /** Fully logged v1 traces: the most ballots the spec state may hold (default ballotsMaxFor). */
  readonly ballotsMax?: number;
  /** Fully logged v1 traces: the memory the spec state may take (default STATE_BYTES_MAX). */
  readonly stateBytesMax?: number;
  /** Fully logged v1 traces: the most distinct commit/reject messages held (default EXTRAS_MAX). */
  readonly extrasMax?: number;
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

/** The partial search's default time limit: past it, "unknown: time budget exhausted". */
export const PARTIAL_TIME_MS = 60_000;

/** Partial traces are searched in memory; this bounds how many events that may hold. */
export const PARTIAL_EVENTS_MAX = 1_000_000;

/**
 * The memory a fully logged trace's spec state may take. The state is msgs (state.ts), whose
 * size is set by the ballots it holds messages of, not by the trace's length: a run that sends
 * its messages again and again stays within a few MiB however long it is, but a trace with a
 * fresh ballot every line needs a slot per line. Past this, the verdict is "unknown" (exit 3):
 * every line read so far was allowed, and nothing is guessed about the rest.
 */
export const STATE_BYTES_MAX = 2 * 2 ** 30;

/**
 * Bytes one ballot's slot takes, measured (docs/benchmarks.md, "Memory per ballot"): its columns
 * (6 per ballot, 5 per ballot and acceptor, 4 or 8 bytes each) twice over, as they grow by
 * doubling, and its entry in the map from ballots to slots.
 */
export function bytesPerBallot(acceptors: number): number {
  return 2 * (36 + 32 * acceptors) + 96;
}

/**
 * The most distinct commit and reject messages a fully logged trace may send: the checker keeps
 * them (outside the spec state, to judge their receipt) in a JavaScript Set, which holds at most
 * 2^24 entries; a hostile trace of a billion distinct rejects gets "unknown", not a crash.
 */
export const EXTRAS_MAX = 2 ** 24 - 1;

/**
 * The most ballots a fully logged trace's spec state may hold: what fits in STATE_BYTES_MAX,
 * and below the 2^24 entries a JavaScript Map can hold (the slots are indexed by one).
 */
export function ballotsMaxFor(acceptors: number, bytes = STATE_BYTES_MAX): number {
  return Math.min(2 ** 24 - 1, Math.floor(bytes / bytesPerBallot(acceptors)));
}

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
  let ballotsMax = Infinity;
  const extrasMax = options.extrasMax ?? EXTRAS_MAX;
  let full: string | null = null;
  let sourceError: string | null = null;
  const outcome = await readTrace(guarded(source, (m) => { sourceError = m; }), {
    header: (c, n) => {
      cluster = c;
      table = n;
      partial = options.partial === true || c.partial;
      if (!partial) checker = createChecker(c, n, options);
      ballotsMax = options.ballotsMax ?? ballotsMaxFor(c.acceptors.length, options.stateBytesMax);
    },
    event: (e, line) => {
      if (checker !== null) {
        const more = checker.event(e, line);
        if (checker.state().slots.size <= ballotsMax && checker.extras() <= extrasMax) return more;
        full = checker.extras() > extrasMax ? extrasFull(line, extrasMax)
          : stateFull(line, ballotsMax, checker.state().n);
        return false;
      }
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
    if (summary.rejections.length > 0) {
      return { verdict: 'rejected', problem: null, summary, partial: null, ...base };
    }
    return { verdict: full === null ? 'accepted' : 'unknown', problem: null, summary,
      partial: null, ...base, ...(full === null ? {} : { notes: [full] }) };
  }
  const report = checkPartial(c, table, held, options.budget ?? PARTIAL_BUDGET,
    performance.now() + (options.timeBudgetMs ?? PARTIAL_TIME_MS));
  return {
    verdict: report.verdict, problem: null, summary: report.summary,
      partial: report, ...base,
  };
}

/** Why a fully logged trace got no verdict: it sent more distinct commits/rejects than held. */
function extrasFull(line: number, extrasMax: number): string {
  return `memory budget exhausted at line ${line}: the trace sent more than ` +
    `${extrasMax.toLocaleString('en-US')} distinct commit and reject messages (the checker's ` +
    'limit); every line before it was allowed';
}

/** Why a fully logged trace got no verdict: its spec state outgrew the stated limit. */
function stateFull(line: number, ballotsMax: number, acceptors: number): string {
  const mib = Math.round(ballotsMax * bytesPerBallot(acceptors) / 2 ** 20);
  return `memory budget exhausted at line ${line}: the spec state holds messages of more than ` +
    `${ballotsMax.toLocaleString('en-US')} ballots (about ${mib} MiB, the checker's limit); ` +
    'every line before it was allowed';
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
