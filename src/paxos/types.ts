/**
 * The vocabulary of one Synod server: its messages, inputs, effects, state and outcomes.
 *
 * Message fields use Paxos.tla's names (bal, mbal, mval, val, acc) so that a trace line reads
 * like the spec's `Send([type |-> "1b", acc |-> a, bal |-> m.bal, ...])`. Beyond the spec's four
 * message types there are the ones a real system needs and the spec leaves out because they
 * carry no safety obligation: `commit` (a learner publishing what it learned), `reject` (an
 * acceptor telling a proposer about a higher promise, Paxos Made Simple section 2.5), and the
 * read path's `read` / `read-ok` (GetVarX consulting a majority, see reader.ts).
 *
 * Every message and input names its `slot`: single-decree Paxos is slot 0 of what Multi-Paxos
 * turns into a log. Today a server holds one slot and ignores the others ('other-slot'); the
 * log replaces the single acceptor/proposer/learner records by per-slot ones.
 *
 * State is plain readonly data: numbers, strings, null, arrays and records. No Map, Set, class,
 * undefined or Date, so that it serializes, freezes and hashes canonically (src/checker needs
 * that). Acceptor sets are bitmasks over server ids (at most 9 servers, see MAX_SERVERS).
 */
import type { Ballot } from './ballot.js';

export type ServerId = number;
export type Value = string;

/** The largest cluster a bitmask of acceptors (and the simulator) supports. */
export const MAX_SERVERS = 9;
/** The only slot of single-decree Paxos. */
export const SLOT = 0;

// ---------------------------------------------------------------------------------------------
// Messages

/** Phase 1a: a proposer asks every acceptor to promise ballot `bal`. */
export interface Msg1a { readonly type: '1a'; readonly slot: number; readonly bal: Ballot }
/** Phase 1b: acceptor `acc` promises `bal` and reports its latest vote (mbal, mval). */
export interface Msg1b {
  readonly type: '1b';
  readonly slot: number;
  readonly acc: ServerId;
  readonly bal: Ballot;
  readonly mbal: Ballot;
  readonly mval: Value | null;
}
/** Phase 2a: the proposer of `bal` asks acceptors to vote for `val`. */
export interface Msg2a {
  readonly type: '2a'; readonly slot: number; readonly bal: Ballot; readonly val: Value;
}
/** Phase 2b: acceptor `acc` voted for (bal, val); sent to every learner. */
export interface Msg2b {
  readonly type: '2b';
  readonly slot: number;
  readonly acc: ServerId;
  readonly bal: Ballot;
  readonly val: Value;
}
/** A learner that counted a majority of 2b for (bal, val) publishes `val` as learned. */
export interface MsgCommit {
  readonly type: 'commit'; readonly slot: number; readonly from: ServerId; readonly val: Value;
}
/** Acceptor `acc` refuses ballot `bal` because it promised the higher `maxBal`. */
export interface MsgReject {
  readonly type: 'reject';
  readonly slot: number;
  readonly acc: ServerId;
  readonly bal: Ballot;
  readonly maxBal: Ballot;
}
/** GetVarX at server `from` asks every acceptor for its latest vote; tagged by the request. */
export interface MsgRead {
  readonly type: 'read';
  readonly slot: number;
  readonly from: ServerId;
  readonly client: number;
  readonly seq: number;
}
/** Acceptor `acc` answers a read with its latest vote (mbal, mval), promising nothing. */
export interface MsgReadOk {
  readonly type: 'read-ok';
  readonly slot: number;
  readonly acc: ServerId;
  readonly client: number;
  readonly seq: number;
  readonly mbal: Ballot;
  readonly mval: Value | null;
}

export type Msg = Msg1a | Msg1b | Msg2a | Msg2b | MsgCommit | MsgReject | MsgRead | MsgReadOk;

// ---------------------------------------------------------------------------------------------
// Client requests, timers, inputs

export type Operation =
  | { readonly name: 'SetVarX'; readonly v: Value }
  | { readonly name: 'GetVarX' };

/** A client call. (client, seq) identifies it across retries at other servers. */
export interface Request {
  readonly client: number;
  readonly seq: number;
  readonly slot: number;
  readonly op: Operation;
}

/**
 * A timer the server asked for. `tag` tells a live timer from one set before the proposer moved
 * on: only the proposer timer whose tag is the current `proposer.timerTag` counts.
 */
export type Timer =
  | { readonly name: 'proposer'; readonly slot: number; readonly tag: number }
  | { readonly name: 'read'; readonly slot: number; readonly client: number; readonly seq: number };

/**
 * What can happen to a server. `rand` is a uniform 32-bit integer chosen by the environment:
 * the only randomness the reducer ever sees (backoff jitter, section 3 of Paxos Made Simple's
 * remark on electing a distinguished proposer "using randomness or timeouts").
 */
export type Input =
  | { readonly kind: 'deliver'; readonly msg: Msg; readonly rand: number }
  | { readonly kind: 'request'; readonly req: Request; readonly rand: number }
  | { readonly kind: 'timer'; readonly timer: Timer; readonly rand: number }
  | { readonly kind: 'restart'; readonly durable: Durable };

// ---------------------------------------------------------------------------------------------
// Effects

/** Where a send goes: one server, or every server including the sender. */
export type Destination = ServerId | 'all';

export type Effect =
  | { readonly kind: 'persist'; readonly durable: Durable }
  | { readonly kind: 'send'; readonly to: Destination; readonly msg: Msg }
  | {
    readonly kind: 'reply';
    readonly client: number;
    readonly seq: number;
    readonly op: Operation['name'];
    readonly val: Value | null;
  }
  | { readonly kind: 'set-timer'; readonly timer: Timer; readonly after: number };

/** The order effects must come in (DESIGN.md): persist, send, reply, set-timer. */
export const EFFECT_RANK: Readonly<Record<Effect['kind'], number>> = {
  persist: 0, send: 1, reply: 2, 'set-timer': 3,
};

// ---------------------------------------------------------------------------------------------
// State

/** An acceptor's vote and promise: exactly Paxos.tla's maxBal[a], maxVBal[a], maxVal[a]. */
export interface AcceptorState {
  readonly maxBal: Ballot;
  readonly maxVBal: Ballot;
  readonly maxVal: Value | null;
}

/**
 * What survives a crash. The acceptor's promise and vote (so it never breaks a promise, P1a),
 * and the highest round this server ever used as a proposer (so it never reuses a ballot).
 */
export interface Durable {
  readonly round: number;
  readonly acceptor: AcceptorState;
}

export type ProposerPhase = 'idle' | 'phase1' | 'phase2' | 'backoff';

/** The proposer's volatile state for the slot. */
export interface ProposerState {
  readonly phase: ProposerPhase;
  /** The ballot of the current (or last) attempt; NO_BALLOT before the first. */
  readonly bal: Ballot;
  /** The value this server proposes when no acceptor reports a vote; null until asked. */
  readonly value: Value | null;
  /** Bitmask of acceptors whose 1b for `bal` arrived. */
  readonly promised: number;
  /** The highest-ballot vote among those 1b: Phase2a's "value of the highest mbal". */
  readonly hbal: Ballot;
  readonly hval: Value | null;
  /** Consecutive attempts without learning, for exponential backoff. */
  readonly attempts: number;
  /** The highest round seen in any ballot, so the next attempt outbids it. */
  readonly seenRound: number;
  /** Identifies the one live proposer timer. */
  readonly timerTag: number;
}

/** The learner's tally of 2b votes for the highest ballot seen, and what it learned. */
export interface LearnerState {
  readonly learned: Value | null;
  readonly tallyBal: Ballot;
  readonly tallyVal: Value | null;
  readonly tallyAccs: number;
}

/** A GetVarX in progress: the read-ok received and the highest vote they report. */
export interface ReadState {
  readonly client: number;
  readonly seq: number;
  readonly replies: number;
  readonly hbal: Ballot;
  readonly hval: Value | null;
}

export interface ServerConfig {
  readonly id: ServerId;
  readonly servers: number;
  /** Ticks before a proposer gives up on a ballot, and the unit of its backoff. */
  readonly timeout: number;
  /**
   * The distinguished proposer, if any (Paxos Made Simple, section 2.4): the others wait
   * DEFERENCE_FACTOR times longer before each retry, so it usually wins the duel. Safety never
   * depends on it; null leaves randomized backoff alone to break duels.
   */
  readonly distinguished: ServerId | null;
}

export interface ServerState {
  readonly config: ServerConfig;
  readonly durable: Durable;
  readonly proposer: ProposerState;
  readonly learner: LearnerState;
  readonly reads: readonly ReadState[];
  /** Client requests waiting for the slot to be learned (or, for reads, for a majority). */
  readonly pending: readonly Request[];
}

// ---------------------------------------------------------------------------------------------
// Outcomes

/**
 * Why an input changed nothing and sent nothing. Each one is provoked by a test in test/paxos/.
 */
export type IgnoreReason =
  | 'other-slot' // the message or request is for a slot this server does not hold
  | 'prepare-not-above-maxBal' // 1a with bal = maxBal: Phase1b needs m.bal > maxBal[a]
  | 'not-in-phase1' // 1b while the proposer is not gathering promises
  | 'no-ballot-in-flight' // reject while the proposer has no ballot in flight
  | 'stale-ballot' // 1b or reject for a ballot other than the proposer's current one
  | 'duplicate-promise' // a second 1b from the same acceptor for the same ballot
  | 'already-learned' // 2b or commit after the learner learned the value
  | 'stale-vote' // 2b for a ballot below the one the learner is counting
  | 'duplicate-vote' // a second 2b from the same acceptor for the same ballot
  | 'stale-read' // read-ok for a read that is no longer pending
  | 'duplicate-read-reply' // a second read-ok from the same acceptor for the same read
  | 'superseded-timer' // a proposer timer of an attempt since replaced (new ballot or backoff)
  | 'timer-after-learned' // a proposer timer firing once the value is learned: nothing to retry
  | 'finished-read-timer' // a read timer of a read already answered (or ended by learning)
  | 'duplicate-request'; // the same (client, seq) is already pending here

/**
 * Why an input was refused: like an ignored input it changes no state (a stutter for the spec),
 * but unlike one it answers, so it is an outcome of its own. Provoked by tests in test/paxos/.
 */
export type RefuseReason =
  | 'promised-higher'; // 1a or 2a below maxBal: Phase1b/Phase2b not enabled; a reject is sent

/** The name of the handler that acted, for traces (and for the refinement, see src/sim). */
export type Action =
  | 'Phase1a' | 'Phase1b' | 'Phase2a' | 'Phase2b' | 'Promise' | 'Learn' | 'Vote'
  | 'ReadReply' | 'ReadGather' | 'ReadDone' | 'SetVarX' | 'GetVarX' | 'Answer'
  | 'Backoff' | 'ReadRetry' | 'Restart';

export type Outcome =
  | { readonly kind: 'acted'; readonly action: Action }
  | { readonly kind: 'ignored'; readonly reason: IgnoreReason }
  | { readonly kind: 'refused'; readonly reason: RefuseReason };

export interface StepResult {
  readonly state: ServerState;
  readonly effects: readonly Effect[];
  readonly outcome: Outcome;
}
