/**
 * Single-decree Paxos (src/paxos: SetVarX/GetVarX) adapted for the real runtime: the codecs
 * that validate a peer's frame as one of the reducer's messages, and the `Protocol` record.
 *
 * The durable record is the reducer's whole `Durable` (the acceptor's maxBal/maxVBal/maxVal and
 * the proposer's highest round), so recovery keeps the last record and compaction keeps one.
 * Messages are validated field by field against `cluster size`: a server id outside the
 * cluster or a malformed ballot is refused with a reason, never passed to the reducer (the
 * reducer asserts on what it trusts; the network is not trusted).
 *
 * Left out: the Multi-Paxos KV (src/net/multipaxos-protocol.ts adapts that reducer).
 */
import * as t from 'io-ts';
import {
  INITIAL_DURABLE, initServer, showBallot, step, type Durable, type Effect, type Input, type Msg,
  type Operation, type ServerState,
} from '../paxos/index.js';
import type { ClientCall, NodeEffect, Protocol } from './protocol.js';

const Nat = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'natural');
const Round = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= -1, 'round');
const Value = t.refinement(t.string, (s) => s.length <= 1024, 'value');
const Ballot = t.type({ round: Round, server: Nat });
const base = { slot: Nat };
const MsgCodec = t.union([
  t.type({ type: t.literal('1a'), ...base, bal: Ballot }),
  t.type({
    type: t.literal('1b'), ...base, acc: Nat, bal: Ballot, mbal: Ballot, mval: t.union([Value,
      t.null]),
  }),
  t.type({ type: t.literal('2a'), ...base, bal: Ballot, val: Value }),
  t.type({ type: t.literal('2b'), ...base, acc: Nat, bal: Ballot, val: Value }),
  t.type({ type: t.literal('commit'), ...base, from: Nat, val: Value }),
  t.type({ type: t.literal('reject'), ...base, acc: Nat, bal: Ballot, maxBal: Ballot }),
  t.type({ type: t.literal('read'), ...base, from: Nat, client: Nat, seq: Nat }),
  t.type({
    type: t.literal('read-ok'), ...base, acc: Nat, client: Nat, seq: Nat, mbal: Ballot,
    mval: t.union([Value, t.null]),
  }),
]);

/** Every server id a message names, so they can be checked against the cluster's size. */
function serverIds(m: Msg): number[] {
  const ids: number[] = [];
  if ('acc' in m) ids.push(m.acc);
  if ('from' in m) ids.push(m.from);
  for (const b of ['bal', 'mbal', 'maxBal'] as const) {
    const ballot = (m as Partial<Record<typeof b, { round: number; server: number }>>)[b];
    if (ballot !== undefined && ballot.round >= 0) ids.push(ballot.server);
  }
  return ids;
}

export function decodePaxosMessage(frame: unknown, servers: number): Msg | string {
  const decoded = MsgCodec.decode(frame);
  if (decoded._tag === 'Left') {
    const type = typeof frame === 'object' && frame !== null ? (
      frame as { type?: unknown }).type : null;
    return `not a Paxos message (type ${JSON.stringify(type)?.slice(0, 40)})`;
  }
  const m = decoded.right as Msg;
  const outside = serverIds(m).find((id) => id >= servers);
  return outside === undefined ? m : `server id ${outside} is outside a cluster of ${servers}`;
}

const OperationCodec = t.union([
  t.type({ name: t.literal('SetVarX'), v: Value }),
  t.type({ name: t.literal('GetVarX') }),
]);

function decodeOperation(body: unknown): Operation | string {
  const decoded = OperationCodec.decode(body);
  if (decoded._tag === 'Right') return decoded.right;
  return 'expected {"name":"SetVarX","v":"<value>"} or {"name":"GetVarX"}';
}

function mapEffect(e: Effect): NodeEffect<Msg> {
  switch (e.kind) {
    case 'persist': return { kind: 'persist', record: e.durable };
    case 'send': return { kind: 'send', to: e.to, msg: e.msg };
    case 'reply':
      return { kind: 'reply', client: e.client, seq: e.seq, result: { op: e.op, value: e.val } };
    case 'set-timer': return { kind: 'set-timer', timer: e.timer, ticks: e.after };
  }
}

/** Ticks of the proposer's timeout; the runtime sets how long a tick is. */
export const PAXOS_TIMEOUT_TICKS = 40;

export function paxosProtocol(servers: number): Protocol<ServerState, Input, Effect, Msg> {
  return {
    name: 'paxos',
    boot(id, n, image, records) {
      const last = records.length > 0 ? records[records.length - 1] : image;
      const durable = (last ?? INITIAL_DURABLE) as Durable;
      return initServer({ id, servers: n, timeout: PAXOS_TIMEOUT_TICKS, distinguished: null },
        durable);
    },
    durable: (s) => s.durable,
    step,
    deliver: (msg, rand) => ({ kind: 'deliver', msg, rand }),
    request: (call: ClientCall, rand) => ({
      kind: 'request', rand, req: { client: call.client, seq: call.seq, slot: 0,
        op: call.op as Operation },
    }),
    timer: (timer, rand) =>
      ({ kind: 'timer', timer: timer as Extract<Input, { kind: 'timer' }>['timer'], rand }),
    effect: mapEffect,
    // Each record is the acceptor's whole durable state: the last one of a batch says it all.
    squash: (records) => records.slice(-1),
    decode: (frame) => decodePaxosMessage(frame, servers),
    operation: decodeOperation,
    status: (s) => ({
      protocol: 'paxos',
      maxBal: showBallot(s.durable.acceptor.maxBal),
      maxVBal: showBallot(s.durable.acceptor.maxVBal),
      maxVal: s.durable.acceptor.maxVal,
      learned: s.learner.learned,
      proposer: s.proposer.phase,
    }),
  };
}

/** SetVarX/GetVarX as REST: `PUT /x {"value": v}` and `GET /x`. */
export function paxosRoute(method: string, path: string, body: unknown):
  | { readonly op: Operation } | { readonly error: string; readonly status: number } | null {
  if (path !== '/x') return null;
  if (method === 'GET') return { op: { name: 'GetVarX' } };
  if (method !== 'PUT') return { error: 'PUT /x {"value": v} or GET /x', status: 405 };
  const value = (body as { value?: unknown } | null)?.value;
  if (typeof value !== 'string' || value.length > 1024) {
    return { error: 'value: expected a string of at most 1024 characters', status: 400 };
  }
  return { op: { name: 'SetVarX', v: value } };
}
