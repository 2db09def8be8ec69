/**
 * The streaming trace reader: chunks of a file in, the resolved header and then one decoded
 * event at a time out, to a handler that may stop the reading (the checker stops at its
 * verdict). Memory is one chunk and one line, whatever the length of the trace.
 *
 * It never throws on its input: every problem comes back as an InputProblem naming the line and
 * the field (exit 2 in the CLI). It does not open files (the CLI passes the chunks of a stream),
 * and it does not judge the run (checker.ts does).
 */
import { createLineSplitter, problem, type InputProblem } from './lines.js';
import { createResolver, decodeHeader, decodeShape, isExtensionEvent, parseJson,
  type EventResolver } from './decode.js';
import { fastDecode, fastDecodeRange } from './fast.js';
import type { Cluster, Event, NameTable } from './events.js';
import { limits } from '../format/trace.js';

export interface TraceHandler {
  /** The header line was read and resolved. */
  readonly header: (cluster: Cluster, names: NameTable) => void;
  /** One event; return false to stop reading. */
  readonly event: (e: Event, line: number) => boolean;
}

export type ReadOutcome =
  | { readonly kind: 'done'; readonly lines: number }
  | { readonly kind: 'stopped'; readonly line: number }
  | { readonly kind: 'problem'; readonly problem: InputProblem };

/** A reader in progress: feed it chunks, then end it. */
export interface TraceReader {
  readonly push: (chunk: Uint8Array | string) => ReadOutcome | null;
  readonly end: () => ReadOutcome;
}

/**
 * `fast: false` reads every line the slow way (decoder, JSON.parse, codecs): the reference that
 * test/trace/reader-fast.test.ts compares the fast paths with.
 */
export function createTraceReader(handler: TraceHandler,
  options: { readonly fast?: boolean } = {}): TraceReader {
  const fast = options.fast !== false;
  let resolver: EventResolver | null = null;
  let stoppedAt = 0;
  const onLine = (text: string, line: number, last: boolean): InputProblem | boolean => {
    if (resolver === null) {
      const json = parseJson(text, line, last);
      if (!json.ok) return json.problem;
      const h = decodeHeader(json.value, line);
      if (!h.ok) return h.problem;
      resolver = createResolver(h.value);
      handler.header(h.value, resolver.names);
      return true;
    }
    const decoded = (fast ? fastDecode(text, line, resolver) : null)
      ?? slowDecode(text, line, last, resolver);
    if (decoded === 'extension') return true;
    if (!decoded.ok) return decoded.problem;
    const more = handler.event(decoded.value, line);
    if (!more) stoppedAt = line;
    return more;
  };
  /** The common line, read in place (fast.ts); null sends it to onLine. */
  const onRange = (src: string, start: number, end: number, line: number): boolean | null => {
    if (resolver === null) return null;
    const e = fastDecodeRange(src, start, end, resolver.tables);
    if (e === null) return null;
    const more = handler.event(e, line);
    if (!more) stoppedAt = line;
    return more;
  };
  const splitter = createLineSplitter(onLine, limits.lineBytesMax, fast ? onRange : null, fast);
  const outcome = (r: InputProblem | 'stop' | null): ReadOutcome | null =>
    r === null ? null : r === 'stop' ? { kind: 'stopped', line: stoppedAt } : { kind: 'problem',
      problem: r };
  return {
    push: (chunk) => outcome(splitter.push(chunk)),
    end: () => {
      const r = outcome(splitter.end());
      if (r !== null) return r;
      if (resolver === null) {
        return { kind: 'problem', problem: problem(Math.max(1, splitter.lines()), null,
          'the file is empty: a trace starts with a header line ' +
            '{"format":"synod.trace","version":1,...}') };
      }
      return { kind: 'done', lines: splitter.lines() };
    },
  };
}

function slowDecode(text: string, line: number, last: boolean, resolver: EventResolver) {
  const json = parseJson(text, line, last);
  if (!json.ok) return json;
  if (isExtensionEvent(json.value)) return 'extension';
  const shape = decodeShape(json.value, line);
  if (!shape.ok) return shape;
  return resolver.resolve(shape.value, line);
}

/** Reads a whole trace from a stream of chunks. */
export async function readTrace(
  source: AsyncIterable<Uint8Array | string>,
  handler: TraceHandler,
  options: { readonly fast?: boolean } = {},
): Promise<ReadOutcome> {
  const reader = createTraceReader(handler, options);
  for await (const chunk of source) {
    const r = reader.push(chunk);
    if (r !== null) return r;
  }
  return reader.end();
}

/** Reads a whole trace held in memory (tests, small traces). */
export function readTraceText(text: string | Uint8Array, handler: TraceHandler): ReadOutcome {
  const reader = createTraceReader(handler);
  return reader.push(text) ?? reader.end();
}

/** Every event of a trace in memory, or the first problem: for tests and the partial search. */
export function collectEvents(text: string | Uint8Array):
  | { readonly ok: true; readonly cluster: Cluster; readonly names: NameTable;
    readonly events: { e: Event; line: number }[] }
  | { readonly ok: false; readonly problem: InputProblem } {
  let cluster: Cluster | null = null;
  let names: NameTable | null = null;
  const events: { e: Event; line: number }[] = [];
  const r = readTraceText(text, {
    header: (c, n) => { cluster = c; names = n; },
    event: (e, line) => { events.push({ e, line }); return true; },
  });
  if (r.kind === 'problem') return { ok: false, problem: r.problem };
  if (cluster === null || names === null) throw new Error('collectEvents: a read without a header');
  return { ok: true, cluster, names, events };
}
