/**
 * One v2 (Multi-Paxos) trace, start to verdict: lines split as v1's (lines.ts: binary, over-long
 * and truncated lines caught), each decoded (decode.ts) and checked (checker.ts) as it streams
 * by, then the client calls handed to the caller's linearizability check. Memory: one line, the
 * checker's state, and the client calls.
 *
 * Partial v2 traces (`"partial": true`, or --partial) are checked conservatively, never by a
 * search for hidden steps: only what no completion can repair is rejected, and everything else
 * is accepted with the note that the hidden steps were not searched (docs/trace-format.md,
 * "Partial v2 traces", lists exactly what is checked). That keeps the guarantee of the issue
 * "Trust": a valid run with lines missing is never rejected.
 */
import type { Rejection } from '../judge.js';
import { createLineSplitter, problem, type InputProblem } from '../lines.js';
import { parseJson } from '../decode.js';
import type { Cluster } from '../events.js';
import { limits } from '../../format/trace.js';
import { createMpChecker, type MpCheckOptions, type MpSummary } from './checker.js';
import { createMpResolver, decodeHeaderV2, decodeShapeV2, type MpResolver } from './decode.js';
import type { ClientCall } from './replicas.js';

/** The caller's linearizability check of the client calls (src/history, composed in cli). */
export type CallsCheck = (calls: readonly ClientCall[]) =>
  | { readonly verdict: 'linearizable' }
  | { readonly verdict: 'unknown'; readonly summary: string }
  | { readonly verdict: 'not-linearizable'; readonly summary: string;
    readonly line: number; readonly lines: readonly number[] };

export interface MpRunOptions extends MpCheckOptions {
  readonly callsCheck?: CallsCheck | null;
}

export interface MpReport {
  readonly verdict: 'accepted' | 'rejected' | 'unknown' | 'unreadable';
  readonly problem: InputProblem | null;
  readonly summary: MpSummary | null;
  readonly cluster: Cluster | null;
  /** Why the verdict is unknown (a budget ran out), or notes on a partial trace. */
  readonly notes: readonly string[];
}

/** Checks a stream of v2 trace chunks. */
export async function checkTraceV2(source: AsyncIterable<Uint8Array | string>,
  options: MpRunOptions = {}): Promise<MpReport> {
  const run = createMpRun(options);
  try {
    for await (const chunk of source) if (!run.push(chunk)) break;
  } catch (e) {
    return unreadable(`cannot read the file: ${e instanceof Error ? e.message : String(e)}`);
  }
  return run.end();
}

export function unreadable(message: string, line = 0): MpReport {
  return { verdict: 'unreadable', problem: problem(line, null, message), summary: null,
    cluster: null, notes: [] };
}

/** A run in progress: push chunks (false: the verdict is in, stop), then end. */
export function createMpRun(options: MpRunOptions): {
  push: (chunk: Uint8Array | string) => boolean; end: () => MpReport;
} {
  let resolver: MpResolver | null = null;
  let cluster: Cluster | null = null;
  let checker: ReturnType<typeof createMpChecker> | null = null;
  let partial = false;
  let stopped = false;
  let bad: InputProblem | null = null;
  const onLine = (text: string, line: number, last: boolean): InputProblem | boolean => {
    const json = parseJson(text, line, last);
    if (!json.ok) return json.problem;
    if (resolver === null) {
      const h = decodeHeaderV2(json.value, line);
      if (!h.ok) return h.problem;
      cluster = h.value;
      resolver = createMpResolver(h.value);
      partial = options.partial === true || h.value.partial;
      checker = createMpChecker(h.value, resolver.names, { ...options, partial });
      return true;
    }
    const shape = decodeShapeV2(json.value, line);
    if (!shape.ok) return shape.problem;
    const e = resolver.resolve(shape.value, line);
    if (!e.ok) return e.problem;
    return (checker as ReturnType<typeof createMpChecker>).event(e.value, line);
  };
  const splitter = createLineSplitter(onLine, limits.lineBytesMax);
  const take = (r: InputProblem | 'stop' | null): boolean => {
    if (r === 'stop') stopped = true;
    else if (r !== null) bad = r;
    return r === null;
  };
  return {
    push: (chunk) => take(splitter.push(chunk)),
    end: () => {
      if (!stopped && bad === null) take(splitter.end());
      if (bad !== null) return { verdict: 'unreadable', problem: bad, summary: null, cluster,
        notes: [] };
      if (checker === null) return unreadable('the file is empty: a trace starts with a header ' +
        'line {"format":"synod.trace","version":2,...}', 1);
      return verdict(checker, cluster as unknown as Cluster, options, partial);
    },
  };
}

function verdict(checker: ReturnType<typeof createMpChecker>, cluster: Cluster,
  options: MpRunOptions, partial: boolean): MpReport {
  checker.end();
  const summary = checker.summary();
  const notes: string[] = partial ? ['partial trace: checked conservatively (hidden steps not ' +
    'searched; see docs/trace-format.md, "Partial v2 traces")'] : [];
  if (summary.rejections.length > 0) {
    return { verdict: 'rejected', problem: null, summary, cluster, notes };
  }
  const check = options.callsCheck ?? null;
  if (check === null || summary.calls.length === 0 || partial) {
    return { verdict: 'accepted', problem: null, summary, cluster, notes };
  }
  const r = check(summary.calls);
  if (r.verdict === 'linearizable') return { verdict: 'accepted', problem: null, summary,
    cluster, notes };
  if (r.verdict === 'unknown') return { verdict: 'unknown', problem: null, summary, cluster,
    notes: [...notes, r.summary] };
  const rejection: Rejection = { line: r.line, rule: 'linearizability', action: null,
    conjunct: null, explanation: r.summary, witness: {}, breaks: [], skipped: [],
    excerpt: [...new Set([...r.lines, r.line])].sort((x, y) => x - y).slice(-8) };
  return { verdict: 'rejected', problem: null, summary: { ...summary,
    rejections: [rejection] }, cluster, notes };
}

/** Whether the first line of a trace is a version-2 header (a cheap look before parsing all). */
export function isV2HeaderLine(text: string): boolean {
  try {
    const h = JSON.parse(text) as { version?: unknown };
    return typeof h === 'object' && h !== null && h.version === 2;
  } catch {
    return false;
  }
}
