/**
 * Multi-Paxos (src/multipaxos: a replicated key-value store) adapted for the real runtime: io-ts
 * codecs that validate a peer's frame as one of the reducer's messages, the REST routes of the
 * KV, and the `Protocol` record.
 *
 * Durable records: the reducer persists its whole `Durable` (promise, votes above the snapshot,
 * highest round, snapshot). Writing the snapshot's state-machine image with every promise would
 * cost a copy of the whole store per fsync, so a record carries the snapshot only when it
 * changed since the record before it; recovery folds the records, keeping the latest snapshot.
 * The adapter remembers the last snapshot it wrote (the one piece of state outside the reducer,
 * owned by this process's single event loop).
 *
 * Membership commands (`add-server`, `remove-server` of a server id) are decoded from clients and
 * peers like any command, and a snapshot carries its configurations (config.ts); every id is
 * checked against the cluster's size. Left out: leases (reads are through the log or
 * read-index, both linearizable without clocks).
 */
import * as t from 'io-ts';
import {
  INITIAL_DURABLE, initServer, isConfigOp, leaderHint, logBase, serverConfig, showBallot, step,
  type Command, type Durable,
  type Effect, type Input, type Msg, type Op, type ReadMode, type ServerState, type Snapshot,
} from '../multipaxos/index.js';
import type { Route } from './http.js';
import type { ClientCall, NodeEffect, Protocol } from './protocol.js';

const LIMIT = 64 * 1024;
const Nat = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'natural');
const Round = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= -1, 'round');
const Str = t.refinement(t.string, (s) => s.length <= LIMIT, 'string');
const Amount = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'amount');
const Ballot = t.type({ round: Round, server: Nat });
const OpCodec = t.union([
  t.type({ op: t.literal('get'), key: Str }),
  t.type({ op: t.literal('put'), key: Str, value: Str }),
  t.type({ op: t.literal('delete'), key: Str }),
  t.type({ op: t.literal('cas'), key: Str, expect: t.union([Str, t.null]), value: Str }),
  t.type({ op: t.literal('append'), key: Str, value: Str }),
  t.type({ op: t.literal('deposit'), acct: Str, amount: Amount }),
  t.type({ op: t.literal('withdraw'), acct: Str, amount: Amount }),
  t.type({ op: t.literal('transfer'), from: Str, to: Str, amount: Amount }),
  t.type({ op: t.literal('balance'), acct: Str }),
  t.type({ op: t.literal('add-server'), server: Nat }),
  t.type({ op: t.literal('remove-server'), server: Nat }),
]);
const CommandCodec = t.type({ client: Nat, seq: Nat, op: OpCodec });
const Entry = t.type({ id: Str, cmds: t.array(CommandCodec) });
const Vote = t.type({ slot: Nat, bal: Ballot, val: Entry });
const Output = t.type({ ok: t.boolean, value: t.union([Str, t.null]) });
/** The voting members of the slots from `from` on (config.ts), a nonempty bitmask of ids. */
const Members = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n > 0 && n < 2 ** 31,
  'members');
const SnapshotCodec = t.type({
  upTo: Nat, app: t.record(t.string, Str), digest: t.number,
  sessions: t.array(t.type({ client: Nat, seq: Nat, out: Output })),
  configs: t.array(t.type({ from: Nat, members: Members })),
});
const MsgCodec = t.union([
  t.type({ type: t.literal('1a'), bal: Ballot, from: Nat }),
  t.type({ type: t.literal('1b'), acc: Nat, bal: Ballot, from: Nat, votes: t.array(Vote) }),
  t.type({ type: t.literal('2a'), bal: Ballot, slot: Nat, val: Entry, commit: Nat }),
  t.type({ type: t.literal('2b'), acc: Nat, bal: Ballot, slot: Nat, val: Entry }),
  t.type({ type: t.literal('commit'), bal: Ballot, upTo: Nat }),
  t.type({ type: t.literal('reject'), acc: Nat, bal: Ballot, maxBal: Ballot }),
  t.type({ type: t.literal('catchup'), from: Nat, slot: Nat }),
  t.type({ type: t.literal('entries'), from: Nat, slot: Nat, vals: t.array(Entry) }),
  t.type({ type: t.literal('snapshot'), from: Nat, snap: SnapshotCodec }),
  t.type({ type: t.literal('ping'), bal: Ballot, id: Nat }),
  t.type({ type: t.literal('pong'), acc: Nat, bal: Ballot, id: Nat }),
]);

/**
 * Every server id a message names (1a/1b's `from` is a slot, not a server): senders, ballots,
 * the servers of membership commands in the entries it carries, and the members of a snapshot's
 * configurations (the highest id of each set stands for it).
 */
function ids(m: Msg): number[] {
  const out: number[] = [];
  if ('acc' in m) out.push(m.acc);
  if (m.type === 'catchup' || m.type === 'entries' || m.type === 'snapshot') out.push(m.from);
  for (const b of ['bal' in m ? m.bal : null, m.type === 'reject' ? m.maxBal : null]) {
    if (b !== null && b.round >= 0) out.push(b.server);
  }
  const entries = m.type === '2a' || m.type === '2b' ? [m.val] : m.type === '1b'
    ? m.votes.map((v) => v.val) : m.type === 'entries' ? m.vals : [];
  for (const e of entries) for (const c of e.cmds) if (isConfigOp(c.op)) out.push(c.op.server);
  if (m.type === 'snapshot') {
    for (const e of m.snap.configs) out.push(31 - Math.clz32(e.members));
  }
  return out;
}

/** Why a snapshot's configurations are not the ascending list config.ts keeps, or null. */
function configsProblem(m: Msg): string | null {
  if (m.type !== 'snapshot') return null;
  const c = m.snap.configs;
  const i = c.findIndex((e, j) => j > 0 && e.from <= c[j - 1]!.from);
  return i < 0 ? null : `snapshot configs: entry ${i} does not start after entry ${i - 1}`;
}

export function decodeMultiPaxosMessage(frame: unknown, servers: number): Msg | string {
  const decoded = MsgCodec.decode(frame);
  if (decoded._tag === 'Left') {
    const type = typeof frame === 'object' && frame !== null ? (
      frame as { type?: unknown }).type : null;
    return `not a Multi-Paxos message (type ${JSON.stringify(type)?.slice(0, 40)})`;
  }
  const m = decoded.right as Msg;
  const outside = ids(m).find((id) => id >= servers);
  if (outside !== undefined) return `server id ${outside} is outside a cluster of ${servers}`;
  return configsProblem(m) ?? m;
}

export function decodeOp(body: unknown, servers: number): Op | string {
  const decoded = OpCodec.decode(body);
  if (decoded._tag === 'Left') {
    return 'op: expected a KV operation ({"op":"get|put|delete|cas|append","key":...}), a ' +
      'ledger one, or {"op":"add-server|remove-server","server":ID}';
  }
  const op = decoded.right as Op;
  if (isConfigOp(op) && op.server >= servers) {
    return `op.server: ${op.server} is outside a cluster of ${servers} (ids 0..${servers - 1})`;
  }
  return op;
}

/** A durable record: the reducer's Durable, its snapshot left out when unchanged. */
interface Record_ { readonly d: Omit<Durable, 'snapshot'>; readonly snap?: Snapshot }

function fold(image: unknown, records: readonly unknown[]): Durable {
  let durable = (image as Durable | null) ?? INITIAL_DURABLE;
  for (const r of records as readonly Record_[]) {
    durable = { ...r.d, snapshot: r.snap ?? durable.snapshot };
  }
  return durable;
}

/**
 * A batch's records as one: the last record's durable state, with the latest snapshot any of
 * them carried (a record leaves the snapshot out when it did not change since the one before).
 */
function squash(records: readonly unknown[]): readonly unknown[] {
  if (records.length <= 1) return records;
  const rs = records as readonly Record_[];
  const last = rs[rs.length - 1]!;
  let snap: Snapshot | undefined;
  for (const r of rs) snap = r.snap ?? snap;
  return [snap === undefined ? last : { d: last.d, snap }];
}

/** How the server runs the reducer: its read mode, window and batch (ServerConfig). */
export interface MultiPaxosOptions {
  readonly reads: ReadMode;
}

export const READ_MODES: readonly ReadMode[] = ['read-index', 'log'];

export function multiPaxosProtocol(
  servers: number, options: MultiPaxosOptions = { reads: 'read-index' },
): Protocol<ServerState, Input, Effect, Msg> {
  let written: Snapshot | null = null;
  const config = (id: number) => serverConfig({
    id, servers, timeout: 60, heartbeat: 10, batch: 64, window: 8, reads: options.reads,
  });
  return {
    name: 'multipaxos',
    boot(id, _n, image, records) {
      const durable = fold(image, records);
      written = durable.snapshot;
      return initServer(config(id), durable);
    },
    start: (s, rand) => ({ kind: 'restart', durable: s.durable, rand }),
    durable: (s) => s.durable,
    step,
    deliver: (msg, rand) => ({ kind: 'deliver', msg, rand }),
    request: (call: ClientCall, rand) => ({
      kind: 'request', rand, req: { cmd: { client: call.client, seq: call.seq,
        op: call.op as Op } as Command },
    }),
    timer: (timer, rand) =>
      ({ kind: 'timer', timer: timer as Extract<Input, { kind: 'timer' }>['timer'], rand }),
    effect(e): NodeEffect<Msg> {
      switch (e.kind) {
        case 'persist': {
          const { snapshot, ...d } = e.durable;
          const changed = snapshot !== written;
          written = snapshot;
          return { kind: 'persist', record: changed ? { d, snap: snapshot } : { d } };
        }
        case 'send': return { kind: 'send', to: e.to, msg: e.msg };
        case 'reply':
          return { kind: 'reply', client: e.client, seq: e.seq, result: e.out === null
            ? { redirect: e.redirect } : e.out };
        case 'set-timer': return { kind: 'set-timer', timer: e.timer, ticks: e.after };
      }
    },
    squash,
    decode: (frame) => decodeMultiPaxosMessage(frame, servers),
    operation: (body) => decodeOp(body, servers),
    status: (s) => ({
      protocol: 'multipaxos',
      role: s.leader.role,
      leader: leaderHint(s),
      ballot: showBallot(s.durable.maxBal),
      commit: logBase(s) + firstHole(s),
      applied: s.replica.applied,
      snapshot: s.durable.snapshot.upTo,
    }),
  };
}

/** How many slots from the log's base are learned without a gap (the commit point - base). */
function firstHole(s: ServerState): number {
  const i = s.replica.log.findIndex((e) => e === null);
  return i < 0 ? s.replica.log.length : i;
}

/**
 * The KV as REST: PUT/GET/DELETE /kv/:key, POST /kv/:key/cas {expect, value},
 * POST /kv/:key/append.
 */
export const kvRoute: Route = (method, path, body) => {
  const m = /^\/kv\/([^/]{1,1024})(\/cas|\/append)?$/.exec(path);
  if (m === null) return null;
  const key = decodeURIComponent(m[1]!);
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const value = b['value'];
  const needValue = () => (typeof value === 'string' && value.length <= LIMIT ? null
    : { error: 'value: expected a string', status: 400 });
  if (m[2] === '/cas') {
    if (method !== 'POST') return { error: 'POST /kv/:key/cas {"expect": v|null, "value": v}',
      status: 405 };
    const expect = b['expect'];
    if (expect !== null && typeof expect !== 'string') return { error: 'expect: expected a ' +
      'string or null', status: 400 };
    return needValue() ?? { op: { op: 'cas', key, expect, value } };
  }
  if (m[2] === '/append') {
    if (method !== 'POST') return { error: 'POST /kv/:key/append {"value": v}', status: 405 };
    return needValue() ?? { op: { op: 'append', key, value } };
  }
  switch (method) {
    case 'GET': return { op: { op: 'get', key } };
    case 'DELETE': return { op: { op: 'delete', key } };
    case 'PUT': return needValue() ?? { op: { op: 'put', key, value } };
    default: return { error: `${method} /kv/:key: use GET, PUT or DELETE`, status: 405 };
  }
};
