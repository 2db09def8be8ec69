/**
 * MultiPaxos-SMR's constants, messages and state: the declarations of Guanzhou Hu's
 * `MultiPaxos.tla` (tlaplus/Examples, specifications/MultiPaxos-SMR), before its actions
 * (smr.ts) and its checked properties (smr-properties.ts).
 *
 * Numbering, so that states are plain data: replicas are 0..R-1 (written s1, s2, ...);
 * commands are 0..C-1, the writes first (w1, w2, ...) then the reads (r1, ...), which is
 * InitPending's order; "nil" and "none" are null; ballots are 1..MaxBallot with 0 for "none yet";
 * slots are 1..C as in the TLA+ (insts[s - 1] holds slot s).
 *
 * Left out: nothing of the module's declarations. Its ASSUMEs become `smrConstants`' checks.
 */
import { at } from '../at.js';


/** A replica: 0..replicas-1. */
export type Replica = number;
/** A command: 0..writes-1 are the writes (each writes its own id), the rest are the reads. */
export type Command = number;
/** "nil" (no command, no value) and "none" (no leader). */
export const nil = null;
export type Nil = null;
/** Ballots == 1..MaxBallot; 0 means "no ballot yet" ({0} \cup Ballots in NodeStates). */
export type Ballot = number;
/** Slots == 1..NumCommands. */
export type Slot = number;

/** The CONSTANTS Replicas, Writes, Reads, MaxBallot, as sizes. */
export interface SmrConstants {
  readonly replicas: number;
  readonly writes: number;
  readonly reads: number;
  readonly maxBallot: number;
}

/**
 * The module's ASSUMEs (at least one replica, at least one write, MaxBallot >= 2) plus the
 * bounds a finite model needs. Throws a RangeError naming the constant.
 */
export function smrConstants(k: SmrConstants): SmrConstants {
  const whole = (name: string, x: number, min: number): void => {
    if (!(Number.isInteger(x) && x >= min)) {
      throw new RangeError(`${name} must be a whole number >= ${min}, got ${x}`);
    }
  };
  whole('replicas', k.replicas, 1);
  whole('writes', k.writes, 1);
  whole('reads', k.reads, 0);
  whole('maxBallot', k.maxBallot, 2);
  return k;
}

/** NumCommands == Cardinality(Writes \cup Reads); also the number of slots. */
export const numCommands = (k: SmrConstants): number => k.writes + k.reads;
/** MajorityNum == (Cardinality(Replicas) \div 2) + 1. */
export const majorityNum = (k: SmrConstants): number => Math.floor(k.replicas / 2) + 1;
/** c \in Writes. */
export const isWrite = (k: SmrConstants, c: Command): boolean => c >= 0 && c < k.writes;

/** How replicas and commands are written for people: s1.., w1.., r1.., nil. */
export const replicaName = (r: Replica | Nil): string => (r === nil ? 'none' : `s${r + 1}`);
export function commandName(k: SmrConstants, c: Command | Nil): string {
  if (c === nil) return 'nil';
  return isWrite(k, c) ? `w${c + 1}` : `r${c - k.writes + 1}`;
}

// ---------------------------------------------------------------------------------------------
// Server-side state.
// ---------------------------------------------------------------------------------------------

/** A slot's status: "Empty" (never filled) or one of Statuses. */
export type Status = 'Empty' | 'Preparing' | 'Accepting' | 'Committed';

/** [bal, cmd]: a replica's vote in one slot; [bal |-> 0, cmd |-> "nil"] when it has none. */
export interface Vote {
  readonly bal: Ballot;
  readonly cmd: Command | Nil;
}

/** InstStates: one slot of a replica's log. */
export interface Inst {
  /**
   * Empty: nothing known for the slot. Preparing: had a command, waiting for a new ballot's
   * phase 1. Accepting: a command proposed in the current ballot, not yet known committed.
   * Committed: the command is chosen and, the slot being <= commitUpTo, applied.
   */
  readonly status: Status;
  /** The command this replica currently holds for the slot ("nil" while Empty). */
  readonly cmd: Command | Nil;
  /** The replica's latest vote (accept) in this slot: what a PrepareReply reports. */
  readonly voted: Vote;
}

/** NullInst: an empty slot with no vote. */
export const NullInst: Inst = { status: 'Empty', cmd: nil, voted: { bal: 0, cmd: nil } };

/** NodeStates: one replica. */
export interface NodeState {
  /** Who this replica believes leads: itself after BecomeLeader, else the sender of the
   *  highest Prepare or Accept it acted on; "none" at first. */
  readonly leader: Replica | Nil;
  /** The one key's value after applying slots 1..commitUpTo: the last write, or "nil". */
  readonly kvalue: Command | Nil;
  /** Slots 1..commitUpTo are committed and applied, in order; 0 before any. */
  readonly commitUpTo: number;
  /** The ballot whose phase 1 this replica completed as leader; 0 while (re)preparing. A
   *  leader with balPrepared = balMaxKnown is "stable": it fills new slots without phase 1. */
  readonly balPrepared: Ballot;
  /** The highest ballot this replica has seen (started, prepared for, or accepted in). */
  readonly balMaxKnown: Ballot;
  /** The log: insts[s - 1] is slot s. */
  readonly insts: readonly Inst[];
}

// ---------------------------------------------------------------------------------------------
// Messages. The network is the set of every message ever sent, as in Paxos.tla: a message is
// never removed, so loss, duplication and reordering need no action of their own.
// ---------------------------------------------------------------------------------------------

/** A would-be leader asks every replica to join ballot bal (phase 1a, for all slots at once). */
export interface PrepareMsg {
  readonly type: 'Prepare'; readonly src: Replica; readonly bal: Ballot;
}
/** src joins ballot bal and reports its vote in every slot (phase 1b, aggregated). */
export interface PrepareReplyMsg {
  readonly type: 'PrepareReply';
  readonly src: Replica;
  readonly bal: Ballot;
  /** votes[s - 1]: src's vote in slot s (VotesByNode). */
  readonly votes: readonly Vote[];
}
/** The ballot-bal leader src asks replicas to accept cmd in slot (phase 2a). */
export interface AcceptMsg {
  readonly type: 'Accept';
  readonly src: Replica;
  readonly bal: Ballot;
  readonly slot: Slot;
  /** Always a command in the reachable states; "nil" only if a leader proposed an empty slot,
   *  which TypeOK would report (AcceptMsgs has cmd: Commands). */
  readonly cmd: Command | Nil;
}
/** src accepted (voted) in ballot bal for slot (phase 2b). */
export interface AcceptReplyMsg {
  readonly type: 'AcceptReply';
  readonly src: Replica;
  readonly bal: Ballot;
  readonly slot: Slot;
}
/** Slot upto is committed (sent by the leader that committed it; carries no command). */
export interface CommitNoticeMsg { readonly type: 'CommitNotice'; readonly upto: Slot }

export type Message = PrepareMsg | PrepareReplyMsg | AcceptMsg | AcceptReplyMsg | CommitNoticeMsg;
export type MessageType = Message['type'];

const TYPE_ORDER: Readonly<Record<MessageType, number>> = {
  Prepare: 0, PrepareReply: 1, Accept: 2, AcceptReply: 3, CommitNotice: 4,
};

/** A message's fields as numbers in a fixed order (nil is -1), for the canonical order. */
export function fieldsOf(m: Message): readonly number[] {
  switch (m.type) {
    case 'Prepare': return [m.bal, m.src];
    case 'PrepareReply':
      return [m.bal, m.src, ...m.votes.flatMap((v) => [v.bal, v.cmd ?? -1])];
    case 'Accept': return [m.bal, m.slot, m.src, m.cmd ?? -1];
    case 'AcceptReply': return [m.bal, m.slot, m.src];
    case 'CommitNotice': return [m.upto];
  }
}

/** The total order msgs is kept in, so that equal sets are equal arrays. */
export function compareMessages(x: Message, y: Message): number {
  const byType = TYPE_ORDER[x.type] - TYPE_ORDER[y.type];
  if (byType !== 0) return byType;
  const fx = fieldsOf(x);
  const fy = fieldsOf(y);
  for (let i = 0; i < Math.min(fx.length, fy.length); i++) {
    if (fx[i] !== fy[i]) return at(fx, i, 'fx') - at(fy, i, 'fy');
  }
  return fx.length - fy.length;
}

/** m \in msgs, by binary search over the sorted set. */
export function hasMessage(msgs: readonly Message[], m: Message): boolean {
  let lo = 0;
  let hi = msgs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareMessages(at(msgs, mid, 'msgs'), m);
    if (c === 0) return true;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Send(set) == msgs := msgs \cup set. Returns the same array when nothing is new. */
export function sendAll(msgs: readonly Message[], set: readonly Message[]): readonly Message[] {
  const fresh = set.filter((m, i) =>
    !hasMessage(msgs, m) && set.findIndex((x) => compareMessages(x, m) === 0) === i);
  if (fresh.length === 0) return msgs;
  return [...msgs, ...fresh].sort(compareMessages);
}

// ---------------------------------------------------------------------------------------------
// Client-observable events.
// ---------------------------------------------------------------------------------------------

/** ReqEvent(c): a client's request for c was taken into a leader's log. AckEvent(c, v): c was
 *  committed and answered; v is the key's value before c (a write's old value, a read's result). */
export type ClientEvent =
  | { readonly type: 'Req'; readonly cmd: Command }
  | { readonly type: 'Ack'; readonly cmd: Command; readonly val: Command | Nil };

export const sameEvent = (x: ClientEvent, y: ClientEvent): boolean =>
  x.type === y.type && x.cmd === y.cmd &&
  (x.type === 'Req' || (y.type === 'Ack' && x.val === y.val));

// ---------------------------------------------------------------------------------------------
// The state: the PlusCal variables and the translation's pc.
// ---------------------------------------------------------------------------------------------

/** A PlusCal process's program counter: in its main loop, or finished. */
export type Pc = 'rloop' | 'Done';

export interface SmrState {
  /** msgs: every message ever sent, sorted by compareMessages. */
  readonly msgs: readonly Message[];
  /** node[r]: replica r's server state. */
  readonly node: readonly NodeState[];
  /** pending: the requests not yet answered, in InitPending's order (writes, then reads). */
  readonly pending: readonly Command[];
  /** observed: the client-observed events in the order they happened, each at most once. */
  readonly observed: readonly ClientEvent[];
  /** pc[r]: "rloop" while r's loop runs, "Done" once r has seen `terminated`. */
  readonly pc: readonly Pc[];
}

/** NullNode: no leader, nothing known, an empty log. */
export function nullNode(k: SmrConstants): NodeState {
  return {
    leader: nil, kvalue: nil, commitUpTo: 0, balPrepared: 0, balMaxKnown: 0,
    insts: Array.from({ length: numCommands(k) }, () => NullInst),
  };
}

/**
 * InitPending: the writes then the reads, in a fixed order. The module CHOOSEs one sequence of
 * each (every other order is a renaming of commands, so W.L.O.G.); we take ids in order.
 */
export function initPending(k: SmrConstants): readonly Command[] {
  return Array.from({ length: numCommands(k) }, (_, c) => c);
}

/** Init: no message, every node NullNode, every request pending, nothing observed. */
export function init(k: SmrConstants): SmrState {
  return {
    msgs: [],
    node: Array.from({ length: k.replicas }, () => nullNode(k)),
    pending: initPending(k),
    observed: [],
    pc: Array.from({ length: k.replicas }, (): Pc => 'rloop'),
  };
}
