/**
 * Trace format v1 ("synod.trace", version 1), the base layer every other layer speaks: the io-ts
 * codecs that are the single definition
 * of what an implementation logs. docs/trace-format.md documents every field, and the JSON
 * Schema in docs/schema/ is generated from these codecs (src/trace/schema.ts).
 *
 * A trace is JSON lines: one header line, then one event per line. Events name the spec's
 * messages (Paxos.tla's 1a/1b/2a/2b with its fields bal, acc, mbal, mval, val), the acceptor's
 * durable state (maxBal, maxVBal, maxVal), what a learner learned, client calls, and crashes.
 * The classic names prepare/promise/accept/accepted are accepted as aliases of 1a/1b/2a/2b, and
 * ballots may be logged as an implementation's own (round, proposer) pairs.
 *
 * What it leaves out, and why:
 * - Unknown fields are ignored, not rejected (io-ts `t.type` is not exact): implementations log
 *   extra context (destinations, debug ids), and forbidding it would make instrumenting harder.
 *   A misspelt required field still fails, as a missing field.
 * - Message types beginning with "x-" (say "x-read", "x-heartbeat") are extension messages:
 *   carried through, never checked, since they have no counterpart in Paxos.tla.
 * - Only slot 0: v1 checks one decree. Multi-Paxos traces are version 2 (trace-v2.ts), which
 *   reuses the names, ballots and values defined here.
 *
 * These codecs check shapes and ranges; names (is "s4" an acceptor?) are checked by the reader
 * against the header, which is where the sets of names come from.
 */
import * as t from 'io-ts';
import { hinted } from './schema.js';

export const FORMAT_NAME = 'synod.trace';
export const FORMAT_VERSION = 1;

/** Limits on everything that comes from outside (TigerBeetle: a limit on everything). */
export const limits = {
  /** A longer line is an error: no event needs 64 KiB, and it bounds the reader's buffer. */
  lineBytesMax: 64 * 1024,
  nameLengthMax: 128,
  /** Acceptors are bitmask members in spec/quorums.ts (ACCEPTORS_MAX). */
  acceptorsMax: 16,
  proposersMax: 1024,
  valuesMax: 1 << 20,
  quorumsMax: 4096,
} as const;

// JSON Schema facts for refinements are noted with `hinted` beside each codec (schema.ts).
export { schemaHints } from './schema.js';

/** A node, client, acceptor or proposer name: non-empty, bounded, no control characters. */
export const Name = hinted(
  t.refinement(t.string, (s) => s.length > 0 && s.length <= limits.nameLengthMax
    && !/[\u0000-\u001f]/.test(s), 'Name'),
  { type: 'string', minLength: 1, maxLength: limits.nameLengthMax,
    pattern: '^[^\\u0000-\\u001f]+$' },
);
export type Name = t.TypeOf<typeof Name>;

/** A natural number that JavaScript represents exactly. */
export const Nat = hinted(
  t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'Nat'),
  { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
);
export type Nat = t.TypeOf<typeof Nat>;

/**
 * A ballot (proposal number): a natural, or the implementation's own [round, proposer] pair,
 * which the reader maps to round * |proposers| + index(proposer). That map preserves the order
 * (round first, then proposer in the header's order), so list proposers in the order your
 * implementation breaks ties in.
 */
const pair = t.tuple([Nat, Name]);
/** io-ts's tuple drops extra elements; a pair with three is refused here, as the schema says. */
export const BallotPair = new t.TupleType<[t.Type<number>, t.Type<string>], [number, string]>(
  'BallotPair', pair.is,
  (u, c) => (Array.isArray(u) && u.length !== 2 ? t.failure(u, c) : pair.validate(u, c)),
  pair.encode, pair.types);
export const Ballot = t.union([Nat, BallotPair], 'Ballot');
export type Ballot = t.TypeOf<typeof Ballot>;

/** "No ballot": Paxos.tla's -1 for maxBal/maxVBal/mbal before any; null is accepted too. */
export const NoBallot = t.union([t.literal(-1), t.null], 'NoBallot');
export const BallotOrNone = t.union([Ballot, NoBallot], 'BallotOrNone');
export type BallotOrNone = t.TypeOf<typeof BallotOrNone>;

/** A proposed value: a string or a finite number ("1" and 1 are different values). */
export const Value = t.union([
  t.string,
  hinted(t.refinement(t.number, Number.isFinite, 'FiniteNumber'), { type: 'number' }),
], 'Value');
export type Value = t.TypeOf<typeof Value>;

/** Paxos.tla's None (no value) is null. */
export const ValueOrNone = t.union([Value, t.null], 'ValueOrNone');
export type ValueOrNone = t.TypeOf<typeof ValueOrNone>;

const Slot = t.partial({ slot: Nat });

// ---------------------------------------------------------------------------------------------
// Messages: Paxos.tla's four, and the two a real system adds.
// ---------------------------------------------------------------------------------------------

export const Type1a = t.keyof({ '1a': null, prepare: null }, 'Type1a');
export const Type1b = t.keyof({ '1b': null, promise: null }, 'Type1b');
export const Type2a = t.keyof({ '2a': null, accept: null }, 'Type2a');
export const Type2b = t.keyof({ '2b': null, accepted: null }, 'Type2b');

/** 1a (prepare): the leader of ballot bal asks acceptors to join it. */
export const Msg1a = t.intersection([t.type({ type: Type1a, bal: Ballot }), Slot], 'Msg1a');
/**
 * 1b (promise): acceptor acc joins ballot bal and reports its latest vote <<mbal, mval>>
 * (maxVBal/maxVal when it replied). mbal/mval may be omitted or null when it has not voted.
 */
export const Msg1b = t.intersection([
  t.type({ type: Type1b, acc: Name, bal: Ballot }),
  t.partial({ mbal: BallotOrNone, mval: ValueOrNone, slot: Nat }),
], 'Msg1b');
/** 2a (accept): the leader of ballot bal asks acceptors to vote for val. */
export const Msg2a = t.intersection([t.type({ type: Type2a, bal: Ballot, val: Value }), Slot],
  'Msg2a');
/** 2b (accepted): acceptor acc voted for val in ballot bal. */
export const Msg2b = t.intersection([
  t.type({ type: Type2b, acc: Name, bal: Ballot, val: Value }), Slot,
], 'Msg2b');
/** commit (decide): the sender announces val as chosen (in ballot bal, when given). */
export const MsgCommit = t.intersection([
  t.type({ type: t.keyof({ commit: null, decide: null }), val: Value }),
  t.partial({ bal: Ballot, slot: Nat }),
], 'MsgCommit');
/** reject (nack): acceptor acc refuses ballot bal, having promised ballot `promised`. */
export const MsgReject = t.intersection([
  t.type({ type: t.keyof({ reject: null, nack: null }), acc: Name, bal: Ballot }),
  t.partial({ promised: BallotOrNone, slot: Nat }),
], 'MsgReject');
/** An extension message type: "x-" and a name ("x-read", "x-heartbeat"). */
export type ExtensionType = `x-${string}`;
const isExtensionType = (u: unknown): u is ExtensionType =>
  typeof u === 'string' && u.startsWith('x-') && u.length <= limits.nameLengthMax;
export const ExtensionType = hinted(
  new t.Type<ExtensionType, string, unknown>('ExtensionType', isExtensionType,
    (u, c) => (isExtensionType(u) ? t.success(u) : t.failure(u, c)), t.identity),
  { type: 'string', pattern: '^x-', maxLength: limits.nameLengthMax },
);
/** An extension message ("x-" prefix): carried, never checked. */
export const MsgExtension = t.type({ type: ExtensionType }, 'MsgExtension');

export const Msg = t.union([Msg1a, Msg1b, Msg2a, Msg2b, MsgCommit, MsgReject, MsgExtension], 'Msg');
export type Msg = t.TypeOf<typeof Msg>;

// ---------------------------------------------------------------------------------------------
// Events: one per line after the header.
// ---------------------------------------------------------------------------------------------

/** Optional on every event: a timestamp (any unit) and a sequence number, reported back only. */
const Stamp = t.partial({
  t: hinted(t.refinement(t.number, Number.isFinite, 'Time'), { type: 'number' }),
  seq: Nat,
});

const Destination = t.union([Name, t.array(Name)], 'Destination');

/** A node sent msg (to `to`, if logged). A send of 1a/1b/2a/2b is a spec action. */
export const SendEvent = t.intersection([
  t.type({ ev: t.literal('send'), node: Name, msg: Msg }),
  t.partial({ to: Destination }), Stamp,
], 'SendEvent');
/** A node received msg (from `from`, if logged): msg must have been sent. */
export const RecvEvent = t.intersection([
  t.type({ ev: t.literal('recv'), node: Name, msg: Msg }),
  t.partial({ from: Name }), Stamp,
], 'RecvEvent');
/** Acceptor `node` wrote its durable state: it must be the acceptor's state in the spec. */
export const PersistEvent = t.intersection([
  t.type({ ev: t.literal('persist'), node: Name, maxBal: BallotOrNone }),
  t.partial({ maxVBal: BallotOrNone, maxVal: ValueOrNone }), Stamp,
], 'PersistEvent');
/** A learner learned val: val must be chosen (a quorum voted for it in one ballot). */
export const LearnEvent = t.intersection([
  t.type({ ev: t.literal('learn'), node: Name, val: Value }),
  t.partial({ bal: Ballot }), Stamp,
], 'LearnEvent');

export const Op = t.keyof({ set: null, get: null }, 'Op');

/** A client called SetVarX(val) ("set") or GetVarX() ("get"), at server `node` if logged. */
export const InvokeEvent = t.intersection([
  t.type({ ev: t.literal('invoke'), client: Name, op: Op }),
  t.partial({ node: Name, val: Value }), Stamp,
], 'InvokeEvent');
/** The call returned: val is the value of X the server answered with (null: not yet set). */
export const ReturnEvent = t.intersection([
  t.type({ ev: t.literal('return'), client: Name, op: Op }),
  t.partial({ node: Name, val: ValueOrNone }), Stamp,
], 'ReturnEvent');

const Lifecycle = t.keyof({ crash: null, restart: null }, 'Lifecycle');
/**
 * A server crashed or restarted. A restart may log the durable state it recovered, which must
 * be the state it had (a server that forgets its promise is how R1 gets broken).
 */
export const NodeLifecycleEvent = t.intersection([
  t.type({ ev: Lifecycle, node: Name }),
  t.partial({ maxBal: BallotOrNone, maxVBal: BallotOrNone, maxVal: ValueOrNone }), Stamp,
], 'NodeLifecycleEvent');
/** A client crashed (its pending call will never return) or came back. */
export const ClientLifecycleEvent = t.intersection([
  t.type({ ev: Lifecycle, client: Name }), Stamp,
], 'ClientLifecycleEvent');

export const TraceEvent = t.union([
  SendEvent, RecvEvent, PersistEvent, LearnEvent, InvokeEvent, ReturnEvent,
  NodeLifecycleEvent, ClientLifecycleEvent,
], 'TraceEvent');
export type TraceEvent = t.TypeOf<typeof TraceEvent>;
export type SendEvent = t.TypeOf<typeof SendEvent>;
export type RecvEvent = t.TypeOf<typeof RecvEvent>;
export type PersistEvent = t.TypeOf<typeof PersistEvent>;
export type LearnEvent = t.TypeOf<typeof LearnEvent>;
export type InvokeEvent = t.TypeOf<typeof InvokeEvent>;
export type ReturnEvent = t.TypeOf<typeof ReturnEvent>;

/** Every `ev` the format knows, for the reader's "unknown event type" message. */
export const EVENT_KINDS = ['send', 'recv', 'persist', 'learn', 'invoke', 'return', 'crash',
  'restart'] as const;

// ---------------------------------------------------------------------------------------------
// The header: the first line.
// ---------------------------------------------------------------------------------------------

/** "majority" (every set of more than half the acceptors), or an explicit list of quorums. */
export const Quorums = t.union([t.literal('majority'), t.array(t.array(Name))], 'Quorums');

export const Cluster = t.intersection([
  t.type({ acceptors: t.array(Name) }),
  t.partial({
    /** Needed for [round, proposer] ballots; defaults to the acceptors. */
    proposers: t.array(Name),
    learners: t.array(Name),
    quorums: Quorums,
  }),
], 'Cluster');

/** Where the trace came from, for the report: any fields, these are the usual ones. */
export const Provenance = t.partial({
  implementation: t.string,
  commit: t.string,
  seed: t.union([t.string, t.number]),
}, 'Provenance');

/**
 * What a test corpus expects the checker to say (traces/invalid/): rejected at `line` for
 * `rule`. Ignored when checking; the tests hold the checker to it.
 */
export const Expectation = t.type({ verdict: t.keyof({ accepted: null, rejected: null }) },
  'Expectation');
export const ExpectationDetail = t.intersection([
  Expectation, t.partial({ line: Nat, rule: t.string }),
], 'ExpectationDetail');

export const Header = t.intersection([
  t.type({ format: t.literal(FORMAT_NAME), version: t.literal(FORMAT_VERSION), cluster: Cluster }),
  t.partial({
    /** The proposable values; when given, any other value is an error. */
    values: t.array(Value),
    /**
     * True when the implementation logs only some events (only sends, no receives, lost lines):
     * the checker then searches for hidden steps (docs/trace-format.md, "Partial traces").
     */
    partial: t.boolean,
    /**
     * True when every message a node acts on is logged as a `recv` by that node: each 2a is then
     * judged by the 1b its sender had received, each learn by the 2b its learner had received
     * (docs/trace-format.md, "When receives are logged"). Ignored in a partial trace.
     */
    receives: t.boolean,
    provenance: Provenance,
    expect: ExpectationDetail,
  }),
], 'Header');
export type Header = t.TypeOf<typeof Header>;
