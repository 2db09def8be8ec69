/**
 * The trace writer: header and event objects of format v1 (trace.ts) or v2 (trace-v2.ts, Multi-
 * Paxos: `createWriterV2`, the API servers and the simulator write v2 traces with) to JSON
 * lines. The
 * simulator (src/sim) and the model checker's counterexamples (src/checker) write through it,
 * so every trace Synod produces passes the same codecs the reader applies.
 *
 * It writes to a sink function (a line at a time, newline included) and never touches the file
 * system itself: the CLI owns files (DESIGN.md, "Layers").
 *
 * What it leaves out: it checks the shape of each event against the codecs and that acceptor
 * names are the header's, because an invalid event from our own code is our bug (an assertion,
 * thrown as an Error). It does not check that the run was allowed by the spec; that is the
 * checker's job, and a buggy run must still be writable so that the checker can reject it.
 */
import * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { Header, TraceEvent, type Ballot, type Msg } from './trace.js';
import { HeaderV2, TraceEventV2 } from './trace-v2.js';

export type { Header, TraceEvent } from './trace.js';
export type { HeaderV2, TraceEventV2 } from './trace-v2.js';

export interface WriterOptions {
  /** Check each event against the codecs (default true; the simulator's hot loops may opt out). */
  readonly validate?: boolean;
}

export interface TraceWriter<E = TraceEvent> {
  /** Writes one event as one line. */
  readonly write: (event: E) => void;
  /** Lines written so far, the header included: the line number of the last event. */
  readonly lines: () => number;
}

/** One line of JSON for a header, newline included. Throws if it is not a valid header. */
export function headerLine(header: Header): string {
  assertValid(Header, header, 'header');
  return `${JSON.stringify(header)}\n`;
}

/** One line of JSON for an event, newline included. Throws if it is not a valid event. */
export function eventLine(event: TraceEvent, validate = true): string {
  if (validate) assertValid(TraceEvent, event, 'event');
  return `${JSON.stringify(event)}\n`;
}

/**
 * A writer that has written the header to `sink` and writes each event after it. Events that
 * name an acceptor (1b/2b `acc`, reject `acc`, `persist` node) must name one of the header's.
 */
export function createWriter(
  header: Header,
  sink: (line: string) => void,
  options: WriterOptions = {},
): TraceWriter {
  return writerOf(headerLine(header), header.cluster.acceptors, sink, options,
    (e, validate) => eventLine(e, validate));
}

/**
 * A v2 (Multi-Paxos) writer: the header, then each event, checked against the v2 codecs
 * (src/format/trace-v2.ts) unless `validate` is false. Events naming an acceptor (1b/2b/reject
 * `acc`, `persist` node) must name one of the header's. This is the writer a server's
 * `--trace FILE` and `synod simulate multipaxos --trace FILE` use.
 */
export function createWriterV2(
  header: HeaderV2,
  sink: (line: string) => void,
  options: WriterOptions = {},
): TraceWriter<TraceEventV2> {
  assertValid(HeaderV2, header, 'v2 header');
  return writerOf(`${JSON.stringify(header)}\n`, header.cluster.acceptors, sink, options,
    (e, validate) => {
      if (validate) assertValid(TraceEventV2, e, 'v2 event');
      return `${JSON.stringify(e)}\n`;
    });
}

/** All of a v2 trace as one string: header, then events. For tests and small traces. */
export function traceTextV2(header: HeaderV2, events: Iterable<TraceEventV2>): string {
  const chunks: string[] = [];
  const writer = createWriterV2(header, (line) => void chunks.push(line));
  for (const e of events) writer.write(e);
  return chunks.join('');
}

type Named = { readonly ev: string; readonly node?: string; readonly msg?: unknown };

function writerOf<E extends Named>(first: string, acceptorNames: readonly string[],
  sink: (line: string) => void, options: WriterOptions,
  line: (e: E, validate: boolean) => string): TraceWriter<E> {
  const validate = options.validate ?? true;
  const acceptors = new Set(acceptorNames);
  let count = 0;
  sink(first);
  count++;
  return {
    write: (event) => {
      if (validate) assertAcceptorsKnown(event, acceptors);
      sink(line(event, validate));
      count++;
    },
    lines: () => count,
  };
}

/** All of a trace as one string: header, then events. For tests and small traces. */
export function traceText(header: Header, events: Iterable<TraceEvent>): string {
  const chunks: string[] = [];
  const writer = createWriter(header, (line) => void chunks.push(line));
  for (const e of events) writer.write(e);
  return chunks.join('');
}

/** The [round, proposer] ballot an implementation with (round, id) proposal numbers logs. */
export function ballotPair(round: number, proposer: string): Ballot {
  return [round, proposer];
}

function assertValid<A>(codec: t.Type<A, unknown, unknown>, value: unknown, what: string): void {
  const result = codec.decode(value);
  if (result._tag === 'Left') {
    throw new Error(`trace writer: invalid ${what} ${JSON.stringify(value)}: ` +
      PathReporter.report(result).join('; '));
  }
}

function assertAcceptorsKnown(event: Named, acceptors: ReadonlySet<string>): void {
  const named: string[] = [];
  if (event.ev === 'persist' && event.node !== undefined) named.push(event.node);
  if ((event.ev === 'send' || event.ev === 'recv') && hasAcc(event.msg as Msg)) {
    named.push((event.msg as { acc: string }).acc);
  }
  for (const a of named) {
    if (!acceptors.has(a)) throw new Error(`trace writer: '${a}' is not an acceptor of the header`);
  }
}

function hasAcc(m: Msg): m is Msg & { readonly acc: string } {
  return 'acc' in m && typeof m.acc === 'string';
}
