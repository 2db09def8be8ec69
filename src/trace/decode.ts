/**
 * Decoding one trace line: JSON text -> a checked header or event (events.ts), or a problem that
 * names the line and the field. The io-ts codecs of format.ts decide what is valid; this file
 * picks the codec by `ev` and `msg.type` first, so that an error names one field of one event
 * ("msg.bal: expected a ballot ...") rather than every branch of a union, then resolves names
 * against the header (unknown acceptors, proposers and values are input errors, exit 2).
 *
 * What it leaves out: judging the run. Everything here is about whether the input is a
 * well-formed trace; whether the run was allowed is checker.ts's business.
 */
import * as t from 'io-ts';
import { describeQuorumProblem, explicitQuorums, majorities,
  quorumProblem } from '../../spec/quorums.js';
import type { Ballot, Message, Value } from '../../spec/paxos.js';
import * as F from '../format/trace.js';
import { showJson, tooDeep, tooDeepMessage } from '../format/json.js';
import type { Cluster, Durable, Event, NameTable, TraceMessage } from './events.js';
import { problem, type InputProblem } from './lines.js';

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false;
  readonly problem: InputProblem };

const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
const fail = (line: number, field: string | null, message: string): Decoded<never> =>
  ({ ok: false, problem: problem(line, field, message) });

/**
 * JSON.parse that reports instead of throwing; `last` marks a line without its newline. A value
 * nested too deeply to be walked or shown safely is refused here, naming the field.
 */
export function parseJson(text: string, line: number, last: boolean): Decoded<unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    const deep = tooDeep(value);
    return deep === null ? ok(value) : fail(line, deep, tooDeepMessage());
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    const why = last
      ? 'the file ends in the middle of this line (truncated?)' : 'this line is not valid JSON';
    return fail(line, null, `${why}: ${detail}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting io-ts errors as one field and one sentence.
// ---------------------------------------------------------------------------------------------

const expected: Readonly<Record<string, string>> = {
  Name: `a non-empty string of at most ${F.limits.nameLengthMax} characters, without control ` +
    `characters`,
  Nat: `a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`,
  Ballot: 'a ballot: a whole number >= 0, or a [round, "proposer"] pair',
  BallotOrNone: 'a ballot (a whole number >= 0 or [round, "proposer"]), or -1/null for none',
  Value: 'a value: a string or a number',
  ValueOrNone: 'a value (a string or a number), or null for none',
  Destination: 'a node name or a list of node names',
  Quorums: '"majority" or a list of quorums (lists of acceptor names)',
  Time: 'a finite number',
};

function describeType(type: t.Decoder<unknown, unknown>): string {
  return expected[type.name] ?? type.name;
}

function showValue(v: unknown): string {
  return showJson(v);
}

/**
 * The first io-ts error as (field path, message). A union's branches all fail together, so the
 * path stops at the outermost union and names what it expects as a whole.
 */
export function reportErrors(errors: t.Errors, prefix: string): { field: string; message: string } {
  const first = errors[0];
  if (first === undefined) return { field: prefix, message: 'invalid' };
  let path = prefix;
  let at: t.ContextEntry = first.context[0] as t.ContextEntry;
  for (let i = 1; i < first.context.length; i++) {
    const parent = first.context[i - 1] as t.ContextEntry;
    const entry = first.context[i] as t.ContextEntry;
    const tag = (parent.type as unknown as { _tag?: string })._tag;
    if (tag === 'UnionType' && i > 1) break;
    at = entry;
    if (tag === 'IntersectionType' || tag === 'UnionType') continue;
    path = tag === 'ArrayType' || tag === 'TupleType'
      ? `${path}[${entry.key}]` : path === '' ? entry.key : `${path}.${entry.key}`;
  }
  const message = at.actual === undefined
    ? `is missing (expected ${describeType(at.type)})`
    : `expected ${describeType(at.type)}, got ${showValue(at.actual)}`;
  return { field: path, message };
}

function decodeWith<A>(codec: t.Decoder<unknown, A>, value: unknown, line: number,
  prefix: string): Decoded<A> {
  const r = codec.decode(value);
  if (r._tag === 'Right') return ok(r.right);
  const { field, message } = reportErrors(r.left, prefix);
  return fail(line, field === '' ? null : field, message);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// The header.
// ---------------------------------------------------------------------------------------------

/** Decodes and resolves the header line: names distinct, quorums intersecting. */
export function decodeHeader(json: unknown, line: number): Decoded<Cluster> {
  if (!isRecord(json) || json['format'] !== F.FORMAT_NAME) {
    return fail(line, 'format',
      `the first line must be a header with "format": "${F.FORMAT_NAME}" ` +
      `(got ${showValue(isRecord(json) ? json['format'] : json)})`);
  }
  if (json['version'] !== F.FORMAT_VERSION) {
    return fail(line, 'version',
      `this checker reads versions 1 and 2 (Multi-Paxos), got ${showValue(json['version'])}`);
  }
  const decoded = decodeWith(F.Header, json, line, '');
  if (!decoded.ok) return decoded;
  const h = decoded.value;
  const { acceptors } = h.cluster;
  const proposers = h.cluster.proposers ?? acceptors;
  const named = checkNames(line, acceptors, 'cluster.acceptors', 1, F.limits.acceptorsMax)
    ?? checkNames(line, proposers, 'cluster.proposers', 1, F.limits.proposersMax)
    ?? checkNames(line, h.cluster.learners ?? [], 'cluster.learners', 0, F.limits.proposersMax)
    ?? checkValues(line, h.values);
  if (named !== null) return named;
  const quorums = resolveQuorums(line, acceptors, h.cluster.quorums ?? 'majority');
  if (!quorums.ok) return quorums;
  return ok({
    header: h,
    acceptors,
    proposers,
    quorums: quorums.value,
    valuesClosed: h.values !== undefined,
    partial: h.partial === true,
  });
}

function checkNames(line: number, names: readonly string[], field: string, min: number,
  max: number): Decoded<never> | null {
  if (names.length < min || names.length > max) {
    return fail(line, field, `must list ${min} to ${max} names, got ${names.length}`);
  }
  const seen = new Set<string>();
  for (const [i, n] of names.entries()) {
    if (seen.has(n)) return fail(line, `${field}[${i}]`, `'${n}' is listed twice`);
    seen.add(n);
  }
  return null;
}

function checkValues(line: number, values: readonly F.Value[] | undefined): Decoded<never> | null {
  if (values === undefined) return null;
  if (values.length === 0 || values.length > F.limits.valuesMax) {
    return fail(line, 'values',
      `must list 1 to ${F.limits.valuesMax} values, got ${values.length}`);
  }
  const seen = new Set<F.Value>();
  for (const [i, v] of values.entries()) {
    if (seen.has(v)) return fail(line, `values[${i}]`, `${showValue(v)} is listed twice`);
    seen.add(v);
  }
  return null;
}

function resolveQuorums(line: number, acceptors: readonly string[],
  q: F.Header['cluster']['quorums'] & {}) {
  if (q === 'majority') return ok(majorities(acceptors.length));
  if (q.length === 0 || q.length > F.limits.quorumsMax) {
    return fail(line, 'cluster.quorums',
      `must list 1 to ${F.limits.quorumsMax} quorums, got ${q.length}`);
  }
  const index = new Map(acceptors.map((a, i) => [a, i]));
  const numbered: number[][] = [];
  for (const [i, members] of q.entries()) {
    const row: number[] = [];
    for (const [j, name] of members.entries()) {
      const a = index.get(name);
      if (a === undefined) return fail(line, `cluster.quorums[${i}][${j}]`,
        `'${name}' is not an acceptor`);
      row.push(a);
    }
    numbered.push(row);
  }
  const p = quorumProblem(acceptors.length, numbered);
  if (p !== null) return fail(line, 'cluster.quorums', describeQuorumProblem(p, (a) => acceptors[a]
    ?? String(a)));
  return ok(explicitQuorums(acceptors.length, numbered));
}

// ---------------------------------------------------------------------------------------------
// Events.
// ---------------------------------------------------------------------------------------------

const eventCodecs: Readonly<Record<string, t.Decoder<unknown, F.TraceEvent>>> = {
  send: F.SendEvent, recv: F.RecvEvent, persist: F.PersistEvent, learn: F.LearnEvent,
  invoke: F.InvokeEvent, return: F.ReturnEvent, crash: F.NodeLifecycleEvent,
    restart: F.NodeLifecycleEvent,
};

const msgCodecs: Readonly<Record<string, t.Decoder<unknown, F.Msg>>> = {
  '1a': F.Msg1a, prepare: F.Msg1a, '1b': F.Msg1b, promise: F.Msg1b, '2a': F.Msg2a, accept: F.Msg2a,
  '2b': F.Msg2b, accepted: F.Msg2b, commit: F.MsgCommit, decide: F.MsgCommit, reject: F.MsgReject,
    nack: F.MsgReject,
};

/** Picks the codec for a line by its `ev` (and `msg.type`), so errors name one field. */
export function decodeShape(json: unknown, line: number): Decoded<F.TraceEvent> {
  if (!isRecord(json)) return fail(line, null,
    `an event must be a JSON object, got ${showValue(json)}`);
  const ev = json['ev'];
  if (ev === undefined) return fail(line, 'ev',
    `is missing (expected one of ${F.EVENT_KINDS.join(', ')})`);
  if (typeof ev !== 'string' || !Object.hasOwn(eventCodecs, ev)) {
    return fail(line, 'ev',
      `unknown event type ${showValue(ev)} (expected one of ${F.EVENT_KINDS.join(', ')})`);
  }
  if (ev === 'send' || ev === 'recv') {
    const m = decodeMsgShape(json['msg'], line);
    if (!m.ok) return m;
  }
  if ((ev === 'crash' || ev === 'restart') && 'client' in json && !('node' in json)) {
    return decodeWith(F.ClientLifecycleEvent, json, line, '');
  }
  return decodeWith(eventCodecs[ev] as t.Decoder<unknown, F.TraceEvent>, json, line, '');
}

function decodeMsgShape(msg: unknown, line: number): Decoded<F.Msg> {
  if (!isRecord(msg)) return fail(line, 'msg',
    `is ${msg === undefined ? 'missing' : `not an object: ${showValue(msg)}`}`);
  const type = msg['type'];
  if (typeof type === 'string' && type.startsWith('x-')) return decodeWith(F.MsgExtension, msg,
    line, 'msg');
  if (typeof type !== 'string' || !Object.hasOwn(msgCodecs, type)) {
    return fail(line, 'msg.type',
      `unknown message type ${showValue(type)} (expected 1a, 1b, 2a, 2b, ` +
      'their aliases prepare, promise, accept, accepted, or commit, reject, or an "x-" extension)');
  }
  return decodeWith(msgCodecs[type] as t.Decoder<unknown, F.Msg>, msg, line, 'msg');
}

/**
 * Resolves a decoded event's names and ballots against the header. Holds the name tables,
 * which grow as new nodes, clients and values appear (bounded by the limits).
 */
export interface EventResolver {
  readonly names: NameTable;
  readonly resolve: (e: F.TraceEvent, line: number) => Decoded<Event>;
  /** The name tables, read-only, for the fast path (fast.ts), which only looks names up. */
  readonly tables: ResolverTables;
}

export interface ResolverTables {
  readonly nodeIndex: ReadonlyMap<string, number>;
  readonly nAcceptors: number;
  readonly proposerIndex: ReadonlyMap<string, number>;
  readonly nProposers: number;
  readonly valueIndex: ReadonlyMap<F.Value, number>;
}

/** At most this many distinct node or client names: a bound on the name tables. */
export const NAMES_MAX = 1 << 16;

export function createResolver(cluster: Cluster): EventResolver {
  const names: NameTable = { nodes: [...cluster.acceptors], clients: [], values: [] };
  const nodeIndex = new Map(cluster.acceptors.map((a, i) => [a, i]));
  const clientIndex = new Map<string, number>();
  const valueIndex = new Map<F.Value, number>();
  const proposerIndex = new Map(cluster.proposers.map((p, i) => [p, i]));
  const nAcceptors = cluster.acceptors.length;
  for (const v of cluster.header.values ?? []) valueIndex.set(v, names.values.push(v) - 1);

  const R = (): Resolve => {
    const intern = (table: string[], index: Map<string, number>, name: string,
      field: string): number => {
      const i = index.get(name);
      if (i !== undefined) return i;
      if (table.length >= NAMES_MAX) throw new ResolveError(field,
        `more than ${NAMES_MAX} distinct names`);
      index.set(name, table.length);
      return table.push(name) - 1;
    };
    const acceptor = (name: string, field: string): number => {
      const a = nodeIndex.get(name);
      if (a === undefined || a >= nAcceptors) {
        throw new ResolveError(field,
          `'${name}' is not an acceptor (the header lists ${cluster.acceptors.join(', ')})`);
      }
      return a;
    };
    const value = (v: F.Value, field: string): Value => {
      const i = valueIndex.get(v);
      if (i !== undefined) return i;
      if (cluster.valuesClosed) throw new ResolveError(field,
        `${showValue(v)} is not one of the header's values`);
      if (names.values.length >= F.limits.valuesMax) throw new ResolveError(field,
        `more than ${F.limits.valuesMax} distinct values`);
      valueIndex.set(v, names.values.length);
      return names.values.push(v) - 1;
    };
    const ballot = (b: F.Ballot, field: string): Ballot => {
      if (typeof b === 'number') return b;
      const [round, proposer] = b;
      const p = proposerIndex.get(proposer);
      if (p === undefined) throw new ResolveError(`${field}[1]`,
        `'${proposer}' is not a proposer (the header lists ${cluster.proposers.join(', ')})`);
      const n = round * cluster.proposers.length + p;
      if (!Number.isSafeInteger(n)) throw new ResolveError(field,
        `ballot ${showValue(b)} is too large`);
      return n;
    };
    const ballotOrNone = (b: F.BallotOrNone | undefined, field: string): Ballot | -1 =>
      b === undefined || b === null || b === -1 ? -1 : ballot(b, field);
    const valueOrNone = (v: F.ValueOrNone | undefined, field: string): Value | null =>
      v === undefined || v === null ? null : value(v, field);
    return {
      node: (name: string, field: string) => intern(names.nodes, nodeIndex, name, field),
      client: (name: string, field: string) => intern(names.clients, clientIndex, name, field),
      acceptor, value, ballot, ballotOrNone, valueOrNone,
    };
  };

  const helpers = R();
  return {
    names,
    tables: { nodeIndex, nAcceptors, proposerIndex, nProposers: cluster.proposers.length,
      valueIndex },
    resolve: (e, line) => {
      try {
        return ok(resolveEvent(helpers, e));
      } catch (err) {
        if (err instanceof ResolveError) return fail(line, err.field, err.message);
        throw err;
      }
    },
  };
}

/** A name or number that does not fit the header; caught in `resolve`, never escapes it. */
class ResolveError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** The helpers that turn names and ballots of one line into numbers (see createResolver). */
interface Resolve {
  readonly node: (name: string, field: string) => number;
  readonly client: (name: string, field: string) => number;
  readonly acceptor: (name: string, field: string) => number;
  readonly value: (v: F.Value, field: string) => Value;
  readonly ballot: (b: F.Ballot, field: string) => Ballot;
  readonly ballotOrNone: (b: F.BallotOrNone | undefined, field: string) => Ballot | -1;
  readonly valueOrNone: (v: F.ValueOrNone | undefined, field: string) => Value | null;
}

function resolveEvent(r: Resolve, e: F.TraceEvent): Event {
  switch (e.ev) {
    case 'send':
    case 'recv':
      return { kind: e.ev, node: r.node(e.node, 'node'), msg: resolveMsg(r, e.msg) };
    case 'persist':
      return { kind: 'persist', node: r.acceptor(e.node, 'node'), state: resolveDurable(r, e,
        true) as Durable };
    case 'learn':
      return { kind: 'learn', node: r.node(e.node, 'node'), val: r.value(e.val, 'val'),
        bal: r.ballotOrNone(e.bal, 'bal') };
    case 'invoke':
    case 'return':
      if (e.node !== undefined) r.node(e.node, 'node');
      return { kind: e.ev, client: r.client(e.client, 'client'), op: e.op, val: r.valueOrNone(e.val,
        'val') };
    case 'crash':
    case 'restart':
      if ('client' in e && !('node' in e)) {
        return { kind: e.ev === 'crash' ? 'client-crash' : 'client-restart',
          client: r.client(e.client, 'client') };
      }
      return resolveLifecycle(r, e as t.TypeOf<typeof F.NodeLifecycleEvent>);
  }
}

function resolveLifecycle(r: Resolve, e: t.TypeOf<typeof F.NodeLifecycleEvent>): Event {
  const node = r.node(e.node, 'node');
  const state = e.maxBal === undefined ? null : resolveDurable(r, e, false);
  if (state !== null) r.acceptor(e.node, 'node');
  return { kind: e.ev, node, state };
}

/** The durable state of a persist or restart line; vote fields must come as a pair. */
function resolveDurable(
  r: Resolve,
  e: { maxBal?: F.BallotOrNone; maxVBal?: F.BallotOrNone; maxVal?: F.ValueOrNone },
  required: boolean,
): Durable | null {
  if (e.maxBal === undefined) {
    if (required) throw new ResolveError('maxBal', 'is missing');
    return null;
  }
  const maxBal = r.ballotOrNone(e.maxBal, 'maxBal');
  if (e.maxVBal === undefined && e.maxVal === undefined) return { maxBal, vote: null };
  const maxVBal = r.ballotOrNone(e.maxVBal, 'maxVBal');
  const maxVal = r.valueOrNone(e.maxVal, 'maxVal');
  checkVotePair(maxVBal, maxVal, 'maxVBal', 'maxVal');
  return { maxBal, vote: { maxVBal, maxVal } };
}

/** <<-1, None>> means "no vote"; a ballot without a value (or the reverse) is contradictory. */
function checkVotePair(bal: Ballot | -1, val: Value | null, balField: string,
  valField: string): void {
  if (bal === -1 && val !== null) throw new ResolveError(valField,
    `must be null when ${balField} is -1 (no vote)`);
  if (bal !== -1 && val === null) throw new ResolveError(valField,
    `must be the value voted for in ${balField} ${bal}, got null`);
}

function resolveMsg(r: Resolve, m: F.Msg): TraceMessage {
  if ('slot' in m && m.slot !== undefined && m.slot !== 0) {
    throw new ResolveError('msg.slot',
      `format v1 checks single-decree Paxos (slot 0), got slot ${m.slot}`);
  }
  switch (m.type) {
    case '1a': case 'prepare':
      return { type: '1a', bal: r.ballot(m.bal, 'msg.bal') };
    case '1b': case 'promise': {
      const mbal = r.ballotOrNone(m.mbal, 'msg.mbal');
      const mval = r.valueOrNone(m.mval, 'msg.mval');
      checkVotePair(mbal, mval, 'msg.mbal', 'msg.mval');
      return { type: '1b', acc: r.acceptor(m.acc, 'msg.acc'), bal: r.ballot(m.bal, 'msg.bal'), mbal,
        mval } satisfies Message;
    }
    case '2a': case 'accept':
      return { type: '2a', bal: r.ballot(m.bal, 'msg.bal'), val: r.value(m.val, 'msg.val') };
    case '2b': case 'accepted':
      return { type: '2b', acc: r.acceptor(m.acc, 'msg.acc'), bal: r.ballot(m.bal, 'msg.bal'),
        val: r.value(m.val, 'msg.val') };
    case 'commit': case 'decide':
      return { type: 'commit', val: r.value(m.val, 'msg.val'), bal: r.ballotOrNone(m.bal,
        'msg.bal') };
    case 'reject': case 'nack':
      return {
        type: 'reject', acc: r.acceptor(m.acc, 'msg.acc'), bal: r.ballot(m.bal, 'msg.bal'),
        promised: m.promised === undefined ? null : r.ballotOrNone(m.promised, 'msg.promised'),
      };
    default:
      return { type: 'ext' };
  }
}
