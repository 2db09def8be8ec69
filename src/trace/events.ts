/**
 * The checker's view of a trace after decoding: names replaced by numbers, ballots by the
 * spec's naturals, aliases by the spec's message types. The spec's four messages are the
 * spec's own `Message` values (spec/paxos.ts), so they can be handed to the spec unchanged.
 *
 * What it leaves out: times, sequence numbers, destinations and extension messages' contents,
 * which the checker never judges.
 */
import type { Ballot, Constants, Message, Value } from '../../spec/paxos.js';
import type { QuorumSystem } from '../../spec/quorums.js';
import type { Header, Value as ValueName } from '../format/trace.js';

/** A commit message: val announced as chosen, in ballot bal (-1 when the line gave none). */
export interface MsgCommit { readonly type: 'commit'; readonly val: Value;
  readonly bal: Ballot | -1 }
/** A reject: acc refuses ballot bal, having promised `promised` (null when not logged). */
export interface MsgReject {
  readonly type: 'reject'; readonly acc: number; readonly bal: Ballot;
  readonly promised: Ballot | -1 | null;
}
export interface MsgExtension { readonly type: 'ext' }

export type TraceMessage = Message | MsgCommit | MsgReject | MsgExtension;

/** An acceptor's durable state as logged; maxVBal/maxVal null when the line left them out. */
export interface Durable {
  readonly maxBal: Ballot | -1;
  readonly vote: { readonly maxVBal: Ballot | -1; readonly maxVal: Value | null } | null;
}

export type Event =
  | { readonly kind: 'send'; readonly node: number; readonly msg: TraceMessage }
  | { readonly kind: 'recv'; readonly node: number; readonly msg: TraceMessage }
  | { readonly kind: 'persist'; readonly node: number; readonly state: Durable }
  | { readonly kind: 'learn'; readonly node: number; readonly val: Value;
    readonly bal: Ballot | -1 }
  | { readonly kind: 'invoke'; readonly client: number; readonly op: 'set' | 'get';
    readonly val: Value | null }
  | { readonly kind: 'return'; readonly client: number; readonly op: 'set' | 'get';
    readonly val: Value | null }
  | { readonly kind: 'crash' | 'restart'; readonly node: number; readonly state: Durable | null }
  | { readonly kind: 'client-crash' | 'client-restart'; readonly client: number };

export type EventKind = Event['kind'];

/**
 * The header, resolved: names numbered, quorums built and checked. Acceptor a of the spec is
 * node a (acceptors are numbered first); other node names are numbered as they appear.
 */
export interface Cluster {
  readonly header: Header;
  readonly acceptors: readonly string[];
  readonly proposers: readonly string[];
  readonly quorums: QuorumSystem;
  /** True when the header lists the values: any other value is then an input error. */
  readonly valuesClosed: boolean;
  readonly partial: boolean;
  /**
   * v2 with membership changes (the header's `alpha`): a `config` event's members govern the
   * slots from its slot + alpha on; `members` (a bitmask of acceptors) those of the first slots.
   */
  readonly reconfig?: { readonly alpha: number; readonly members: number };
}

/** Names for numbers, growing as the trace mentions new nodes, clients and values. */
export interface NameTable {
  readonly nodes: string[];
  readonly clients: string[];
  readonly values: ValueName[];
}

/**
 * The spec's constants for this trace: ballots unbounded (Constants.maxBallot = Infinity), and
 * Value = the values seen so far (every value in the state was interned before it got there,
 * so TypeOK's `v < values` holds; the spec's loops over Value then stay as small as the trace).
 */
export function constantsOf(cluster: Cluster, names: NameTable): Constants {
  return {
    acceptors: cluster.acceptors.length,
    values: Math.max(1, names.values.length),
    quorums: cluster.quorums,
    maxBallot: Infinity,
  };
}
