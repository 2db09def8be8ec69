/**
 * Trace format v2 ("synod.trace", version 2): Multi-Paxos. The io-ts codecs here are the single
 * definition of what a Multi-Paxos implementation logs; docs/trace-format.md ("Version 2")
 * documents every field, and docs/schema/synod-trace-v2.schema.json is generated from these
 * codecs (src/trace/schema.ts).
 *
 * A v2 trace is v1's shape (a header line, then one event per line) over a log of slots:
 * - every 2a, 2b, commit and learn names its `slot`;
 * - a 1a/1b covers either one slot (`slot`: an instance per slot with its own phase 1, the 1b
 *   reporting that slot's latest vote in `mbal`/`mval`) or every slot from `from` (to `to`, or
 *   without end: the stable leader's single phase 1), the 1b then listing the acceptor's latest
 *   vote in each covered slot in `votes`;
 * - `apply` (a replica applied a slot's value to its state machine, with the client commands it
 *   holds), `snapshot` (it installed a state covering every slot below `upTo`) and `compact` (it
 *   discarded its log and votes below `upTo`);
 * - client calls of a key-value store (get, put, delete, cas, append) named by (client, seq);
 * - `config` (a replica applied a membership change: the members of the slots from slot + alpha)
 *   with the header's `alpha` and `members`: each slot is judged under its own members;
 * - `leader` (a node believes it leads a ballot): informative, never required.
 * The classic names (prepare, promise, accept, accepted, decide, nack) stay aliases.
 *
 * What it leaves out, as v1 does: unknown fields are ignored; "x-" message types (catch-up,
 * heartbeats, read-index pings) are carried, never checked. v1 files are read by v1's codecs
 * (trace.ts), unchanged: the version field of the header picks the codecs.
 */
import * as t from 'io-ts';
import { hinted } from './schema.js';
import {
  Ballot, BallotOrNone, Cluster, ExpectationDetail, ExtensionType, FORMAT_NAME, Name, Nat,
  Provenance, Type1a, Type1b, Type2a, Type2b, Value, ValueOrNone,
} from './trace.js';

export const FORMAT_VERSION_2 = 2;

/** A slot of the log: a natural number (the index of a command). */
export const Slot = Nat;
/** The end of a range of slots: a slot, or null for "every slot from `from` on". */
export const SlotOrEnd = t.union([Nat, t.null], 'SlotOrEnd');

/** One entry of a range 1b: the acceptor's latest vote in `slot`. */
export const SlotVote = t.type({ slot: Nat, mbal: Ballot, mval: Value }, 'SlotVote');
export type SlotVote = t.TypeOf<typeof SlotVote>;

/** Where a phase-1 message applies: one slot, or a range from `from`. */
const Covering = t.partial({ slot: Nat, from: Nat, to: SlotOrEnd });

/** 1a (prepare) of ballot bal for `slot`, or for every slot from `from` (to `to`). */
export const Msg1aV2 = t.intersection([t.type({ type: Type1a, bal: Ballot }), Covering], 'Msg1aV2');
/**
 * 1b (promise): acc joins ballot bal on the slots of the 1a it answers. One slot: `mbal`/`mval`
 * as v1 (omitted or null: no vote). A range: `votes`, its latest vote in each covered slot it
 * voted in (a covered slot not listed: no vote there).
 */
export const Msg1bV2 = t.intersection([
  t.type({ type: Type1b, acc: Name, bal: Ballot }), Covering,
  t.partial({ mbal: BallotOrNone, mval: ValueOrNone, votes: t.array(SlotVote) }),
], 'Msg1bV2');
/** 2a (accept): the leader of ballot bal asks acceptors to vote for val in slot. */
export const Msg2aV2 = t.type({ type: Type2a, bal: Ballot, slot: Nat, val: Value }, 'Msg2aV2');
/** 2b (accepted): acceptor acc voted for val in ballot bal in slot. */
export const Msg2bV2 = t.type({ type: Type2b, acc: Name, bal: Ballot, slot: Nat, val: Value },
  'Msg2bV2');
/** commit (decide): the sender announces val as chosen in slot (in ballot bal, when given). */
export const MsgCommitV2 = t.intersection([
  t.type({ type: t.keyof({ commit: null, decide: null }), slot: Nat, val: Value }),
  t.partial({ bal: Ballot }),
], 'MsgCommitV2');
/** reject (nack): acc refuses ballot bal, having promised `promised` (in slot, if given). */
export const MsgRejectV2 = t.intersection([
  t.type({ type: t.keyof({ reject: null, nack: null }), acc: Name, bal: Ballot }),
  t.partial({ promised: BallotOrNone, slot: Nat }),
], 'MsgRejectV2');
export const MsgExtensionV2 = t.type({ type: ExtensionType }, 'MsgExtensionV2');

export const MsgV2 = t.union([Msg1aV2, Msg1bV2, Msg2aV2, Msg2bV2, MsgCommitV2, MsgRejectV2,
  MsgExtensionV2], 'MsgV2');
export type MsgV2 = t.TypeOf<typeof MsgV2>;

const Stamp = t.partial({
  t: hinted(t.refinement(t.number, Number.isFinite, 'Time'), { type: 'number' }),
});
const Destination = t.union([Name, t.array(Name)], 'Destination');

export const SendEventV2 = t.intersection([
  t.type({ ev: t.literal('send'), node: Name, msg: MsgV2 }), t.partial({ to: Destination }), Stamp,
], 'SendEventV2');
export const RecvEventV2 = t.intersection([
  t.type({ ev: t.literal('recv'), node: Name, msg: MsgV2 }), t.partial({ from: Name }), Stamp,
], 'RecvEventV2');
/**
 * Acceptor `node` made durable its promise `maxBal` (on `slot`, or on every slot from `from`,
 * default 0) and/or the votes in `votes`. Optional: when an acceptor logs persists, every 1b and
 * 2b it sends must be covered by one (persist before send).
 */
export const PersistEventV2 = t.intersection([
  t.type({ ev: t.literal('persist'), node: Name }), Covering,
  t.partial({ maxBal: BallotOrNone, votes: t.array(SlotVote) }), Stamp,
], 'PersistEventV2');
/** A learner learned that val is chosen in slot. */
export const LearnEventV2 = t.intersection([
  t.type({ ev: t.literal('learn'), node: Name, slot: Nat, val: Value }),
  t.partial({ bal: Ballot }), Stamp,
], 'LearnEventV2');
/** A client command inside a slot's value: (client, seq) names it across retries. */
export const CommandId = t.type({ client: Name, seq: Nat }, 'CommandId');
export type CommandId = t.TypeOf<typeof CommandId>;
/** Replica `node` applied slot's value val (holding the commands `cmds`) to its state machine. */
export const ApplyEventV2 = t.intersection([
  t.type({ ev: t.literal('apply'), node: Name, slot: Nat, val: Value }),
  t.partial({ cmds: t.array(CommandId) }), Stamp,
], 'ApplyEventV2');
/** Replica `node` installed a snapshot: its state machine now reflects every slot below upTo. */
export const SnapshotEventV2 = t.intersection([
  t.type({ ev: t.literal('snapshot'), node: Name, upTo: Nat }), Stamp,
], 'SnapshotEventV2');
/** Node `node` discarded its log and votes below upTo (they are chosen and applied). */
export const CompactEventV2 = t.intersection([
  t.type({ ev: t.literal('compact'), node: Name, upTo: Nat }), Stamp,
], 'CompactEventV2');
/**
 * Replica `node` applied a membership change chosen in `slot` (Lamport's alpha window,
 * docs/reconfiguration.md): the voting members of every slot from slot + alpha on (alpha from
 * the header) are `members`, until a later change. Logged right after the slot's `apply`, so
 * before any 2a of the slots it governs; a trace with these events needs the header's `alpha`.
 */
export const ConfigEventV2 = t.intersection([
  t.type({ ev: t.literal('config'), node: Name, slot: Nat, members: t.array(Name) }), Stamp,
], 'ConfigEventV2');
/** Node `node` believes it leads ballot bal (from slot `from`, if logged). Never required. */
export const LeaderEventV2 = t.intersection([
  t.type({ ev: t.literal('leader'), node: Name, bal: Ballot }), t.partial({ from: Nat }), Stamp,
], 'LeaderEventV2');

/** The key-value operations; set is put, kept so that v1's SetVarX/GetVarX clients fit. */
export const KvOpName = t.keyof({ get: null, put: null, delete: null, cas: null, append: null,
  set: null }, 'KvOpName');
export type KvOpName = t.TypeOf<typeof KvOpName>;

/**
 * Client `client` called op on key (default "X") with its sequence number seq: put/append/set
 * write `val`, cas writes `val` if the key holds `expect` (null: absent).
 */
export const InvokeEventV2 = t.intersection([
  t.type({ ev: t.literal('invoke'), client: Name, seq: Nat, op: KvOpName }),
  t.partial({ key: Name, val: ValueOrNone, expect: ValueOrNone, node: Name }), Stamp,
], 'InvokeEventV2');
/**
 * The call (client, seq) returned: `ok` whether it took effect (default true), `val` what it
 * reported (get: the value, null when absent; delete/cas: the previous value; append: the new
 * value; put: null).
 */
export const ReturnEventV2 = t.intersection([
  t.type({ ev: t.literal('return'), client: Name, seq: Nat }),
  t.partial({ op: KvOpName, ok: t.boolean, val: ValueOrNone, node: Name }), Stamp,
], 'ReturnEventV2');

const Lifecycle = t.keyof({ crash: null, restart: null }, 'Lifecycle');
export const NodeLifecycleEventV2 = t.intersection([
  t.type({ ev: Lifecycle, node: Name }), Stamp,
], 'NodeLifecycleEventV2');
export const ClientLifecycleEventV2 = t.intersection([
  t.type({ ev: Lifecycle, client: Name }), Stamp,
], 'ClientLifecycleEventV2');

export const TraceEventV2 = t.union([
  SendEventV2, RecvEventV2, PersistEventV2, LearnEventV2, ApplyEventV2, SnapshotEventV2,
  CompactEventV2, ConfigEventV2, LeaderEventV2, InvokeEventV2, ReturnEventV2,
  NodeLifecycleEventV2, ClientLifecycleEventV2,
], 'TraceEventV2');
export type TraceEventV2 = t.TypeOf<typeof TraceEventV2>;

export const EVENT_KINDS_V2 = ['send', 'recv', 'persist', 'learn', 'apply', 'snapshot', 'compact',
  'config', 'leader', 'invoke', 'return', 'crash', 'restart'] as const;

/** A membership change takes effect this many slots after the slot that chose it (>= 1). */
export const Alpha = hinted(
  t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 1, 'Alpha'),
  { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
);

export const HeaderV2 = t.intersection([
  t.type({ format: t.literal(FORMAT_NAME), version: t.literal(FORMAT_VERSION_2),
    cluster: Cluster }),
  t.partial({
    values: t.array(Value),
    partial: t.boolean,
    provenance: Provenance,
    expect: ExpectationDetail,
    /** The node this file came from, for per-node logs (`synod trace merge`). */
    node: Name,
    /**
     * Membership changes (`config` events) are in the trace: each takes effect alpha slots after
     * the slot that chose it, and every slot's quorums are the majorities of its own members.
     */
    alpha: Alpha,
    /** The voting members of the first slots (default: every acceptor); needs `alpha`. */
    members: t.array(Name),
  }),
], 'HeaderV2');
export type HeaderV2 = t.TypeOf<typeof HeaderV2>;
