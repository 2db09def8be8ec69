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

export interface RunOptions {
  /** Treat the trace as partial even if its header does not say so. */
  readonly partial?: boolean;
  /** Work (spec steps placed) the partial search may do in all. */
  readonly budget?: number;
  /** Wall-clock milliseconds the partial search may take (default PARTIAL_TIME_MS). */
  readonly timeBudgetMs?: number;
  readonly rejectionsMax?: number;
  readonly fullProperties?: boolean;
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

export async function checkTrace(source: AsyncIterable<Uint8Array | string>,
  options: RunOptions = {}): Promise<FileReport> {
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
  const report = checkPartial(c, table, held, options.budget ?? PARTIAL_BUDGET,
    performance.now() + (options.timeBudgetMs ?? PARTIAL_TIME_MS));
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
