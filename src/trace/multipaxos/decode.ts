/**
 * Decoding one line of a v2 (Multi-Paxos) trace: JSON text -> a checked header or event, with
 * names, ballots and values resolved to numbers against the header, or a problem naming the line
 * and the field (exit 2). The codecs of src/format/trace-v2.ts decide what is valid; the codec
 * is picked by `ev` and `msg.type` first, so that an error names one field (as v1's decode.ts,
 * whose error reporter, JSON guard and header checks this file reuses).
 *
 * Ballots become the spec's naturals as in v1 (round * |proposers| + index(proposer)), values
 * are interned per trace (a value is compared within its slot only), and a phase-1 message's
 * coverage becomes (from, to) with to = -1 for "every slot from `from` on".
 *
 * What it leaves out: judging the run (checker.ts), and v1 traces (../decode.ts).
 */
import * as t from 'io-ts';
import * as F from '../../format/trace.js';
import * as V from '../../format/trace-v2.js';
import { showJson } from '../../format/json.js';
import { decodeHeader, decodeWith, type Decoded } from '../decode.js';
import type { Cluster } from '../events.js';
import { problem } from '../lines.js';

const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
const fail = (line: number, field: string | null, message: string): Decoded<never> =>
  ({ ok: false, problem: problem(line, field, message) });

/** A slot's vote as a 1b reports it: ballot and interned value. */
export interface Vote { readonly slot: number; readonly mbal: number; readonly mval: number }

/** A command inside an applied value: interned client, and its sequence number. */
export interface Cmd { readonly client: number; readonly seq: number }

/** The KV operation of a client call, as the trace logged it (values as logged). */
export interface KvCall {
  readonly op: 'get' | 'put' | 'delete' | 'cas' | 'append';
  readonly key: string;
  readonly val: string | null;
  readonly expect: string | null;
}

/** A spec message or one of the extras, resolved. to = -1: every slot from `from` on. */
export type MpMsg =
  | { readonly type: '1a'; readonly bal: number; readonly from: number; readonly to: number }
  | { readonly type: '1b'; readonly acc: number; readonly bal: number; readonly from: number;
    readonly to: number; readonly votes: readonly Vote[] }
  | { readonly type: '2a'; readonly bal: number; readonly slot: number; readonly val: number }
  | { readonly type: '2b'; readonly acc: number; readonly bal: number; readonly slot: number;
    readonly val: number }
  | { readonly type: 'commit'; readonly slot: number; readonly val: number; readonly bal: number }
  | { readonly type: 'reject'; readonly acc: number; readonly bal: number;
    readonly promised: number | null }
  | { readonly type: 'ext'; readonly name: string };

export type MpEvent =
  | { readonly kind: 'send' | 'recv'; readonly node: number; readonly msg: MpMsg }
  | { readonly kind: 'persist'; readonly node: number; readonly maxBal: number;
    readonly from: number; readonly to: number; readonly votes: readonly Vote[] }
  | { readonly kind: 'learn'; readonly node: number; readonly slot: number; readonly val: number;
    readonly bal: number }
  | { readonly kind: 'apply'; readonly node: number; readonly slot: number; readonly val: number;
    readonly cmds: readonly Cmd[] | null }
  | { readonly kind: 'snapshot' | 'compact'; readonly node: number; readonly upTo: number }
  | { readonly kind: 'config'; readonly node: number; readonly slot: number;
    readonly members: number }
  | { readonly kind: 'leader'; readonly node: number; readonly bal: number }
  | { readonly kind: 'invoke'; readonly client: number; readonly seq: number;
    readonly call: KvCall; readonly node: number }
  | { readonly kind: 'return'; readonly client: number; readonly seq: number;
    readonly ok: boolean; readonly val: string | null }
  | { readonly kind: 'crash' | 'restart'; readonly node: number }
  | { readonly kind: 'client-crash' | 'client-restart'; readonly client: number };

/** Names for the numbers: nodes (acceptors first), clients, values (interned as met). */
export interface MpNames {
  readonly nodes: string[];
  readonly clients: string[];
  readonly values: F.Value[];
}

/** Decodes the header of a v2 trace (v1's header rules, version 2). */
export function decodeHeaderV2(json: unknown, line: number): Decoded<Cluster> {
  const v = (json as { version?: unknown } | null)?.version;
  if (v !== V.FORMAT_VERSION_2) return fail(line, 'version', `expected 2, got ${showJson(v)}`);
  const shape = decodeWith(V.HeaderV2, json, line, '');
  if (!shape.ok) return shape;
  // v1's checks of names and quorums, on the same cluster record.
  const c = decodeHeader({ ...(json as object), version: F.FORMAT_VERSION }, line);
  if (!c.ok) return c;
  const h = shape.value;
  if (h.alpha === undefined) {
    return h.members === undefined ? c
      : fail(line, 'members', 'initial members are for membership changes: give alpha too');
  }
  if ((json as { quorums?: unknown }).quorums !== undefined) {
    return fail(line, 'quorums', 'with membership changes (alpha) every slot\'s quorums are ' +
      'the majorities of its own members: leave quorums out');
  }
  let members = 0;
  for (const [i, m] of (h.members ?? c.value.acceptors).entries()) {
    const a = c.value.acceptors.indexOf(m);
    if (a < 0) return fail(line, `members[${i}]`, `'${m}' is not an acceptor`);
    members |= 1 << a;
  }
  if (members === 0) return fail(line, 'members', 'a configuration needs a member');
  return ok({ ...c.value, reconfig: { alpha: h.alpha, members } });
}

const eventCodecs: Readonly<Record<string, t.Decoder<unknown, V.TraceEventV2>>> = {
  send: V.SendEventV2, recv: V.RecvEventV2, persist: V.PersistEventV2, learn: V.LearnEventV2,
  apply: V.ApplyEventV2, snapshot: V.SnapshotEventV2, compact: V.CompactEventV2,
  config: V.ConfigEventV2, leader: V.LeaderEventV2, invoke: V.InvokeEventV2,
  return: V.ReturnEventV2, crash: V.NodeLifecycleEventV2, restart: V.NodeLifecycleEventV2,
};

const msgCodecs: Readonly<Record<string, t.Decoder<unknown, V.MsgV2>>> = {
  '1a': V.Msg1aV2, prepare: V.Msg1aV2, '1b': V.Msg1bV2, promise: V.Msg1bV2, '2a': V.Msg2aV2,
  accept: V.Msg2aV2, '2b': V.Msg2bV2, accepted: V.Msg2bV2, commit: V.MsgCommitV2,
  decide: V.MsgCommitV2, reject: V.MsgRejectV2, nack: V.MsgRejectV2,
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// --- the common lines, checked by hand (speed): at least as strict as the codecs ------------

const NAME_MAX = F.limits.nameLengthMax;
const isName = (u: unknown): boolean => typeof u === 'string' && u.length > 0
  && u.length <= NAME_MAX && !/[\u0000-\u001f]/.test(u);
const isNat = (u: unknown): boolean => typeof u === 'number' && Number.isSafeInteger(u) && u >= 0;
const isBallot = (u: unknown): boolean => isNat(u) || (Array.isArray(u) && u.length === 2
  && isNat(u[0]) && isName(u[1]));
const isValue = (u: unknown): boolean => typeof u === 'string'
  || (typeof u === 'number' && Number.isFinite(u));
const isTime = (o: Record<string, unknown>): boolean => o['t'] === undefined
  || (typeof o['t'] === 'number' && Number.isFinite(o['t']));
const TYPES_2A = new Set(['2a', 'accept']);
const TYPES_2B = new Set(['2b', 'accepted']);

/**
 * The events of a stable leader's steady state (send/recv of 2a and 2b, learn, apply), checked
 * field by field; true only when the codec would accept the line too. Anything else (and any
 * doubt) goes to the codecs, which also word the errors.
 */
function fastShape(o: Record<string, unknown>): boolean {
  const ev = o['ev'];
  if (!isName(o['node']) || !isTime(o)) return false;
  if (ev === 'send' || ev === 'recv') {
    const m = o['msg'];
    if (!isRecord(m) || !isBallot(m['bal']) || !isNat(m['slot']) || !isValue(m['val'])) {
      return false;
    }
    if (o[ev === 'send' ? 'to' : 'from'] !== undefined) return false;
    return TYPES_2A.has(m['type'] as string) || (TYPES_2B.has(m['type'] as string)
      && isName(m['acc']));
  }
  if (ev === 'learn') return isNat(o['slot']) && isValue(o['val']) && o['bal'] === undefined;
  if (ev === 'apply') {
    const cmds = o['cmds'];
    return isNat(o['slot']) && isValue(o['val']) && (cmds === undefined || (Array.isArray(cmds)
      && cmds.every((c) => isRecord(c) && isName(c['client']) && isNat(c['seq']))));
  }
  return false;
}

/** The event's shape, by the codec its `ev` (and `msg.type`) names. */
export function decodeShapeV2(json: unknown, line: number): Decoded<V.TraceEventV2> {
  if (!isRecord(json)) return fail(line, null, `an event must be a JSON object, got ` +
    `${showJson(json)}`);
  if (fastShape(json)) return ok(json as V.TraceEventV2);
  const ev = json['ev'];
  if (typeof ev !== 'string' || !Object.hasOwn(eventCodecs, ev)) {
    return fail(line, 'ev', `${ev === undefined ? 'is missing' : `unknown event type ` +
      `${showJson(ev)}`} (expected one of ${V.EVENT_KINDS_V2.join(', ')})`);
  }
  if (ev === 'send' || ev === 'recv') {
    const msg = json['msg'];
    if (!isRecord(msg)) return fail(line, 'msg', `is ${msg === undefined ? 'missing'
      : `not an object: ${showJson(msg)}`}`);
    const type = msg['type'];
    if (typeof type === 'string' && type.startsWith('x-')) {
      const m = decodeWith(V.MsgExtensionV2, msg, line, 'msg');
      if (!m.ok) return m;
    } else if (typeof type !== 'string' || !Object.hasOwn(msgCodecs, type)) {
      return fail(line, 'msg.type', `unknown message type ${showJson(type)} (expected 1a, 1b, ` +
        '2a, 2b, their aliases prepare, promise, accept, accepted, or commit, reject, or an ' +
        '"x-" extension)');
    } else {
      const m = decodeWith(msgCodecs[type] as t.Decoder<unknown, V.MsgV2>, msg, line, 'msg');
      if (!m.ok) return m;
    }
  }
  if ((ev === 'crash' || ev === 'restart') && 'client' in json && !('node' in json)) {
    return decodeWith(V.ClientLifecycleEventV2, json, line, '');
  }
  return decodeWith(eventCodecs[ev] as t.Decoder<unknown, V.TraceEventV2>, json, line, '');
}

/** A name or number that does not fit the header; caught in `resolve`, never escapes it. */
class ResolveError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** At most this many distinct node, client or value names: a bound on the tables. */
export const MP_NAMES_MAX = 1 << 20;

export interface MpResolver {
  readonly names: MpNames;
  readonly resolve: (e: V.TraceEventV2, line: number) => Decoded<MpEvent>;
  /** The interned number of a value, interning it (the fast path's door). */
  readonly value: (v: F.Value) => number;
  readonly node: (n: string) => number;
  readonly acceptor: (n: string) => number;
  readonly ballot: (b: F.Ballot) => number;
}

export function createMpResolver(cluster: Cluster): MpResolver {
  const names: MpNames = { nodes: [...cluster.acceptors], clients: [], values: [] };
  const nodeIndex = new Map(cluster.acceptors.map((a, i) => [a, i]));
  const clientIndex = new Map<string, number>();
  const valueIndex = new Map<F.Value, number>();
  const proposerIndex = new Map(cluster.proposers.map((p, i) => [p, i]));
  for (const v of cluster.header.values ?? []) valueIndex.set(v, names.values.push(v) - 1);
  const intern = <K>(table: K[], index: Map<K, number>, k: K, field: string): number => {
    const i = index.get(k);
    if (i !== undefined) return i;
    if (table.length >= MP_NAMES_MAX) throw new ResolveError(field, `more than ${MP_NAMES_MAX} ` +
      'distinct names');
    index.set(k, table.length);
    return table.push(k) - 1;
  };
  const node = (n: string, field = 'node'): number => intern(names.nodes, nodeIndex, n, field);
  const acceptor = (n: string, field = 'node'): number => {
    const a = nodeIndex.get(n);
    if (a === undefined || a >= cluster.acceptors.length) throw new ResolveError(field,
      `'${n}' is not an acceptor (the header lists ${cluster.acceptors.join(', ')})`);
    return a;
  };
  const value = (v: F.Value, field = 'val'): number => {
    if (cluster.valuesClosed && !valueIndex.has(v)) throw new ResolveError(field,
      `${showJson(v)} is not one of the header's values`);
    return intern(names.values, valueIndex, v, field);
  };
  const ballot = (b: F.Ballot, field = 'bal'): number => {
    if (typeof b === 'number') return b;
    const p = proposerIndex.get(b[1]);
    if (p === undefined) throw new ResolveError(`${field}[1]`, `'${b[1]}' is not a proposer ` +
      `(the header lists ${cluster.proposers.join(', ')})`);
    const n = b[0] * cluster.proposers.length + p;
    if (!Number.isSafeInteger(n)) throw new ResolveError(field, `ballot ${showJson(b)} is too ` +
      'large');
    return n;
  };
  const r: Resolvers = { node, acceptor, value, ballot,
    client: (n) => intern(names.clients, clientIndex, n, 'client') };
  return {
    names, value, node, acceptor, ballot,
    resolve: (e, line) => {
      if (e.ev === 'config' && cluster.reconfig === undefined) {
        return fail(line, 'ev', 'a config event needs the header\'s alpha (membership changes)');
      }
      try {
        return ok(resolveEvent(r, e));
      } catch (err) {
        if (err instanceof ResolveError) return fail(line, err.field, err.message);
        throw err;
      }
    },
  };
}

interface Resolvers {
  readonly node: (n: string, field?: string) => number;
  readonly acceptor: (n: string, field?: string) => number;
  readonly value: (v: F.Value, field?: string) => number;
  readonly ballot: (b: F.Ballot, field?: string) => number;
  readonly client: (n: string) => number;
}

function resolveEvent(r: Resolvers, e: V.TraceEventV2): MpEvent {
  switch (e.ev) {
    case 'send': case 'recv':
      return { kind: e.ev, node: r.node(e.node), msg: resolveMsg(r, e.msg) };
    case 'persist': {
      const { from, to } = covering(e, 'persist', 0);
      return { kind: 'persist', node: r.acceptor(e.node), from, to,
        maxBal: e.maxBal === undefined || e.maxBal === null || e.maxBal === -1 ? -1
          : r.ballot(e.maxBal, 'maxBal'),
        votes: resolveVotes(r, e.votes ?? [], 'votes') };
    }
    case 'learn':
      return { kind: 'learn', node: r.node(e.node), slot: e.slot, val: r.value(e.val),
        bal: e.bal === undefined ? -1 : r.ballot(e.bal) };
    case 'apply':
      return { kind: 'apply', node: r.node(e.node), slot: e.slot, val: r.value(e.val),
        cmds: e.cmds === undefined ? null
          : e.cmds.map((c) => ({ client: r.client(c.client), seq: c.seq })) };
    case 'snapshot': case 'compact':
      return { kind: e.ev, node: r.node(e.node), upTo: e.upTo };
    case 'config': {
      let members = 0;
      e.members.forEach((m, i) => { members |= 1 << r.acceptor(m, `members[${i}]`); });
      if (members === 0) throw new ResolveError('members', 'a configuration needs a member');
      return { kind: 'config', node: r.node(e.node), slot: e.slot, members };
    }
    case 'leader':
      return { kind: 'leader', node: r.node(e.node), bal: r.ballot(e.bal) };
    case 'invoke':
      return { kind: 'invoke', client: r.client(e.client), seq: e.seq, call: kvCall(e),
        node: e.node === undefined ? -1 : r.node(e.node) };
    case 'return':
      if (e.node !== undefined) r.node(e.node);
      return { kind: 'return', client: r.client(e.client), seq: e.seq, ok: e.ok ?? true,
        val: e.val === undefined || e.val === null ? null : String(e.val) };
    case 'crash': case 'restart':
      if ('client' in e) {
        return { kind: e.ev === 'crash' ? 'client-crash' : 'client-restart',
          client: r.client(e.client) };
      }
      return { kind: e.ev, node: r.node(e.node) };
  }
}

function kvCall(e: t.TypeOf<typeof V.InvokeEventV2>): KvCall {
  const op = e.op === 'set' ? 'put' : e.op;
  const val = e.val === undefined || e.val === null ? null : String(e.val);
  if ((op === 'put' || op === 'append' || op === 'cas') && val === null) {
    throw new ResolveError('val', `a ${e.op} writes a value: give val`);
  }
  return { op, key: e.key ?? 'X', val,
    expect: e.expect === undefined || e.expect === null ? null : String(e.expect) };
}

/** The slots a phase-1 message (or persist) covers: `slot`, or `from` (to `to`). */
function covering(m: { slot?: number; from?: number; to?: number | null }, what: string,
  fallback: number | null): { from: number; to: number } {
  if (m.slot !== undefined) {
    if (m.from !== undefined || (m.to !== undefined && m.to !== null)) {
      throw new ResolveError('slot', `a ${what} names one slot or a range (from, to), not both`);
    }
    return { from: m.slot, to: m.slot };
  }
  const from = m.from ?? fallback;
  if (from === null) throw new ResolveError('from', `a ${what} names the slots it covers: ` +
    'give slot (one instance) or from (every slot from it on)');
  const to = m.to ?? null;
  if (to !== null && to < from) throw new ResolveError('to', `${to} is below from ${from}`);
  return { from, to: to ?? -1 };
}

function resolveVotes(r: Resolvers, votes: readonly V.SlotVote[], field: string): Vote[] {
  const out: Vote[] = [];
  for (const [i, v] of votes.entries()) {
    const prev = out[out.length - 1];
    if (prev !== undefined && v.slot <= prev.slot) throw new ResolveError(`${field}[${i}].slot`,
      `slots must be listed ascending, each once (${v.slot} after ${prev.slot})`);
    out.push({ slot: v.slot, mbal: r.ballot(v.mbal, `${field}[${i}].mbal`),
      mval: r.value(v.mval, `${field}[${i}].mval`) });
  }
  return out;
}

function resolveMsg(r: Resolvers, m: V.MsgV2): MpMsg {
  switch (m.type) {
    case '1a': case 'prepare':
      return { type: '1a', bal: r.ballot(m.bal, 'msg.bal'), ...covering(m, '1a', null) };
    case '1b': case 'promise': return resolve1b(r, m);
    case '2a': case 'accept':
      return { type: '2a', bal: r.ballot(m.bal, 'msg.bal'), slot: m.slot,
        val: r.value(m.val, 'msg.val') };
    case '2b': case 'accepted':
      return { type: '2b', acc: r.acceptor(m.acc, 'msg.acc'), bal: r.ballot(m.bal, 'msg.bal'),
        slot: m.slot, val: r.value(m.val, 'msg.val') };
    case 'commit': case 'decide':
      return { type: 'commit', slot: m.slot, val: r.value(m.val, 'msg.val'),
        bal: m.bal === undefined ? -1 : r.ballot(m.bal, 'msg.bal') };
    case 'reject': case 'nack':
      return { type: 'reject', acc: r.acceptor(m.acc, 'msg.acc'), bal: r.ballot(m.bal, 'msg.bal'),
        promised: m.promised === undefined || m.promised === null || m.promised === -1 ? null
          : r.ballot(m.promised, 'msg.promised') };
    default:
      return { type: 'ext', name: m.type };
  }
}

function resolve1b(r: Resolvers, m: t.TypeOf<typeof V.Msg1bV2>): MpMsg {
  const { from, to } = covering(m, '1b', null);
  const base = { type: '1b' as const, acc: r.acceptor(m.acc, 'msg.acc'),
    bal: r.ballot(m.bal, 'msg.bal'), from, to };
  if (m.slot !== undefined) {
    if (m.votes !== undefined) throw new ResolveError('msg.votes', 'a 1b for one slot reports ' +
      'its vote in mbal/mval, not votes');
    const none = m.mbal === undefined || m.mbal === null || m.mbal === -1;
    const noVal = m.mval === undefined || m.mval === null;
    if (none !== noVal) throw new ResolveError('msg.mval', none ? 'must be null when mbal is ' +
      '-1 (no vote)' : 'must be the value voted for in mbal, got null');
    return { ...base, votes: none ? [] : [{ slot: m.slot, mbal: r.ballot(m.mbal as F.Ballot,
      'msg.mbal'), mval: r.value(m.mval as F.Value, 'msg.mval') }] };
  }
  if (m.mbal !== undefined || m.mval !== undefined) throw new ResolveError('msg.mbal',
    'a 1b for a range of slots reports its votes in votes, not mbal/mval');
  const votes = resolveVotes(r, m.votes ?? [], 'msg.votes');
  const outside = votes.find((v) => v.slot < from || (to !== -1 && v.slot > to));
  if (outside !== undefined) throw new ResolveError('msg.votes', `slot ${outside.slot} is ` +
    'outside the slots this 1b covers');
  return { ...base, votes };
}
