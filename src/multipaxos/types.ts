/**
 * The vocabulary of one Multi-Paxos server: commands, log entries, messages, inputs, effects,
 * state and outcomes.
 *
 * Each slot of the log is one instance of single-decree Paxos (the seeds: "the i-th instance
 * of Paxos determines the i-th state-machine instruction"), but the acceptor keeps one promise
 * `maxBal` for every slot, so one phase 1 (a 1a "for every slot from `from` on") serves the whole
 * log, and a leader that is not preempted sends only 2a and 2b. Message fields keep Paxos.tla's
 * names (bal, acc, val) and add `slot`.
 *
 * Beyond the per-slot spec's four message types there are those a real system needs and the
 * spec leaves out because they carry no safety obligation: `commit` (the leader's commit notice
 * and heartbeat), `reject`, `catchup` / `entries` / `snapshot` (a lagging replica fetching the
 * chosen commands it lacks), and `ping` / `pong` (a read-index read confirming leadership).
 *
 * State is plain readonly data (numbers, strings, null, arrays, records): no Map, Set, class,
 * undefined or Date, so that it serializes, freezes and hashes canonically.
 */
import type { Ballot } from '../paxos/ballot.js';

export type { Ballot } from '../paxos/ballot.js';
export type ServerId = number;

/** The largest cluster a bitmask of acceptors supports. */
export const MAX_SERVERS = 9;

// ---------------------------------------------------------------------------------------------
// Commands and the state machine's vocabulary

/** Key-value store operations (SetVarX/GetVarX are put/get of key "X"). */
export type KvOp =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'delete'; readonly key: string }
  | {
    readonly op: 'cas'; readonly key: string; readonly expect: string | null;
    readonly value: string;
  }
  | { readonly op: 'append'; readonly key: string; readonly value: string };

/** The seed's bank ledger: balances are whole amounts that never go negative. */
export type LedgerOp =
  | { readonly op: 'deposit'; readonly acct: string; readonly amount: number }
  | { readonly op: 'withdraw'; readonly acct: string; readonly amount: number }
  | {
    readonly op: 'transfer'; readonly from: string; readonly to: string;
    readonly amount: number;
  }
  | { readonly op: 'balance'; readonly acct: string };

/**
 * A membership change (config.ts): the voting members gain or lose one server. It goes through
 * the log like any command and takes effect `alpha` slots after the slot it is chosen in.
 */
export interface ConfigOp {
  readonly op: 'add-server' | 'remove-server';
  readonly server: number;
}

export type Op = KvOp | LedgerOp | ConfigOp;

/** What an operation returned: whether it took effect, and the value it reports. */
export interface Output {
  readonly ok: boolean;
  readonly value: string | null;
}

/** A client command. (client, seq) names it across retries; it is applied at most once. */
export interface Command {
  readonly client: number;
  readonly seq: number;
  readonly op: Op;
}

/**
 * The value of one slot: a batch of commands, or a no-op (no commands) that fills a hole.
 * `id` names the value (the ballot and slot it was first proposed in, or "noop"): values are
 * compared by id, which is what a refinement maps to the spec's value.
 */
export interface Entry {
  readonly id: string;
  readonly cmds: readonly Command[];
}

/** The last command each client had applied and what it returned: exactly-once's memory. */
export interface Session {
  readonly client: number;
  readonly seq: number;
  readonly out: Output;
}

/** The replicated state machine's data: keys to values (KV) or accounts to balances (ledger). */
export type AppState = Readonly<Record<string, string>>;

/** A durable image of the replica at `upTo`: every slot below it applied, in slot order. */
export interface Snapshot {
  readonly upTo: number;
  readonly app: AppState;
  /** Sorted by client. */
  readonly sessions: readonly Session[];
  /** A chain hash of the ids of the entries applied below upTo (StateMachineSafety's witness). */
  readonly digest: number;
  /** The configurations in force from upTo on (config.ts); [] means the initial members. */
  readonly configs: readonly Epoch[];
}

/** The voting members (a bitmask of server ids) of every slot from `from` on. */
export interface Epoch {
  readonly from: number;
  readonly members: number;
}

// ---------------------------------------------------------------------------------------------
// Messages

/** An acceptor's vote in one slot: Paxos.tla's maxVBal[a], maxVal[a] for that slot. */
export interface Vote {
  readonly slot: number;
  readonly bal: Ballot;
  readonly val: Entry;
}

/** Phase 1a for every slot from `from` on. */
export interface Msg1a { readonly type: '1a'; readonly bal: Ballot; readonly from: number }
/**
 * Phase 1b: `acc` promises `bal` for every slot and reports its votes in slots >= `from`.
 * `from` is the 1a's, or the acceptor's snapshot point when it compacted past it (it then sends
 * its snapshot too, since the votes below are gone).
 */
export interface Msg1b {
  readonly type: '1b'; readonly acc: ServerId; readonly bal: Ballot; readonly from: number;
  readonly votes: readonly Vote[];
}
/** Phase 2a in one slot; `commit` piggybacks the leader's commit point (see commit). */
export interface Msg2a {
  readonly type: '2a'; readonly bal: Ballot; readonly slot: number; readonly val: Entry;
  readonly commit: number;
}
/** Phase 2b: `acc` voted for (bal, val) in `slot`; sent to the ballot's leader. */
export interface Msg2b {
  readonly type: '2b'; readonly acc: ServerId; readonly bal: Ballot; readonly slot: number;
  readonly val: Entry;
}
/**
 * The leader of `bal` knows every slot below `upTo` chosen; a replica whose vote in such a slot
 * is in `bal` learns it (one value per ballot per slot). Also the leader's heartbeat.
 */
export interface MsgCommit { readonly type: 'commit'; readonly bal: Ballot; readonly upTo: number }
/** `acc` refuses `bal` because it promised the higher `maxBal`. */
export interface MsgReject {
  readonly type: 'reject'; readonly acc: ServerId; readonly bal: Ballot; readonly maxBal: Ballot;
}
/** A replica asks `to`'s leader for the chosen entries from `slot` on. */
export interface MsgCatchup {
  readonly type: 'catchup'; readonly from: ServerId; readonly slot: number;
}
/** Chosen entries for slots slot, slot+1, ... */
export interface MsgEntries {
  readonly type: 'entries'; readonly from: ServerId; readonly slot: number;
  readonly vals: readonly Entry[];
}
/** A snapshot, for a replica behind the sender's compacted prefix. */
export interface MsgSnapshot {
  readonly type: 'snapshot'; readonly from: ServerId; readonly snap: Snapshot;
}
/** A read-index read: does a quorum still hold `bal` as the highest promise? */
export interface MsgPing { readonly type: 'ping'; readonly bal: Ballot; readonly id: number }
export interface MsgPong {
  readonly type: 'pong'; readonly acc: ServerId; readonly bal: Ballot; readonly id: number;
}

export type Msg =
  | Msg1a | Msg1b | Msg2a | Msg2b | MsgCommit | MsgReject | MsgCatchup | MsgEntries
  | MsgSnapshot | MsgPing | MsgPong;

// ---------------------------------------------------------------------------------------------
// Inputs

/** A client request at this server: one command. */
export interface Request { readonly cmd: Command }

export type Timer =
  /** A follower's (or candidate's) watch over the leader; fires an election when silent. */
  | { readonly name: 'election'; readonly tag: number }
  /** The leader's heartbeat: commit notice, 2a and ping retransmission. */
  | { readonly name: 'heartbeat'; readonly tag: number };

/**
 * What can happen to a server. `rand` is a uniform 32-bit integer chosen by the environment, the
 * only randomness the reducer sees (election backoff jitter).
 */
export type Input =
  | { readonly kind: 'deliver'; readonly msg: Msg; readonly rand: number }
  | { readonly kind: 'request'; readonly req: Request; readonly rand: number }
  | { readonly kind: 'timer'; readonly timer: Timer; readonly rand: number }
  | { readonly kind: 'restart'; readonly durable: Durable; readonly rand: number };

// ---------------------------------------------------------------------------------------------
// Effects

export type Destination = ServerId | 'all';

export type Effect =
  | { readonly kind: 'persist'; readonly durable: Durable }
  | { readonly kind: 'send'; readonly to: Destination; readonly msg: Msg }
  /**
   * The answer to (client, seq): `out`, or null with `redirect` naming the server this one
   * believes leads (null: unknown) when this server cannot serve it.
   */
  | {
    readonly kind: 'reply'; readonly client: number; readonly seq: number;
    readonly out: Output | null; readonly redirect: ServerId | null;
  }
  | { readonly kind: 'set-timer'; readonly timer: Timer; readonly after: number };

/** The order effects must come in (DESIGN.md): persist, send, reply, set-timer. */
export const EFFECT_RANK: Readonly<Record<Effect['kind'], number>> = {
  persist: 0, send: 1, reply: 2, 'set-timer': 3,
};

// ---------------------------------------------------------------------------------------------
// State

/**
 * What survives a crash: the acceptor's one promise and its votes (slots at or above the
 * snapshot; those below are chosen and applied), the highest round this server used as a
 * proposer (so it never reuses a ballot), and the latest snapshot of the state machine.
 */
export interface Durable {
  readonly round: number;
  readonly maxBal: Ballot;
  /** Sorted by slot, every slot >= snapshot.upTo. */
  readonly votes: readonly Vote[];
  readonly snapshot: Snapshot;
}

export type Role = 'follower' | 'candidate' | 'leader';

/** A slot this leader proposed in its ballot and has not yet seen chosen. */
export interface Inflight {
  readonly slot: number;
  readonly val: Entry;
  /** Bitmask of acceptors whose 2b for (bal, slot) arrived. */
  readonly accs: number;
}

/** A read-index read waiting for its leadership check and for the log to reach `index`. */
export interface PendingRead {
  readonly id: number;
  readonly cmd: Command;
  readonly index: number;
  readonly acks: number;
}

/** The proposer/leader's volatile state. */
export interface LeaderState {
  readonly role: Role;
  /** The ballot of the current (or last) attempt; NO_BALLOT before the first. */
  readonly bal: Ballot;
  /** Candidate: the first slot phase 1 covers; the 1b promised so far and the votes adopted. */
  readonly from: number;
  readonly promised: number;
  /** Per slot, the highest-ballot vote reported by the 1b so far; sorted by slot. */
  readonly adopted: readonly Vote[];
  /** Leader: the next slot to assign; slots proposed and not yet learned; commands waiting. */
  readonly next: number;
  readonly inflight: readonly Inflight[];
  readonly queue: readonly Command[];
  readonly reads: readonly PendingRead[];
  readonly readSeq: number;
  /** The highest round seen in any ballot, so the next attempt outbids it. */
  readonly seenRound: number;
  /** Elections started without becoming leader, for exponential backoff. */
  readonly attempts: number;
  /** Identifies the one live election or heartbeat timer. */
  readonly timerTag: number;
  /** A follower heard from the leader of maxBal since its election timer was armed. */
  readonly heard: boolean;
}

/** The replica: the learned log above the snapshot, the state machine and its sessions. */
export interface ReplicaState {
  /** Slots below `applied` are applied; app, sessions and digest are their result. */
  readonly applied: number;
  readonly app: AppState;
  readonly sessions: readonly Session[];
  readonly digest: number;
  /** Learned entries for slots applied, applied+1, ...; null where not learned yet. */
  readonly log: readonly (Entry | null)[];
  /** The slot up to which this replica already asked for catch-up (limits repeat requests). */
  readonly asked: number;
  /** The configurations of the slots from `applied` on, as far as they are known (config.ts). */
  readonly configs: readonly Epoch[];
}

/** How client reads are served (docs/multipaxos.md, "Reads"). */
export type ReadMode = 'log' | 'read-index' | 'local';

export type MachineName = 'kv' | 'ledger';

export interface ServerConfig {
  readonly id: ServerId;
  /** Server ids are 0..servers-1; those outside the voting members are learners. */
  readonly servers: number;
  /** The voting members of the first slots, a bitmask (default: every server). */
  readonly members: number;
  /**
   * A configuration command chosen in slot i governs the slots from i + alpha on, so a leader
   * proposes at most alpha slots past what it applied (config.ts). Equal on every server.
   */
  readonly alpha: number;
  /** Ticks of leader silence before an election, and the unit of backoff. */
  readonly timeout: number;
  /** The leader's heartbeat period in ticks (below timeout). */
  readonly heartbeat: number;
  /** The distinguished leader, if any: the others wait longer before an election. */
  readonly distinguished: ServerId | null;
  /** Most slots in flight at once (pipelining). */
  readonly window: number;
  /** Most commands in one slot (batching). */
  readonly batch: number;
  /** Applied slots between snapshots (log compaction); 0 never compacts. */
  readonly snapshotEvery: number;
  readonly machine: MachineName;
  readonly reads: ReadMode;
}

export interface ServerState {
  readonly config: ServerConfig;
  readonly durable: Durable;
  readonly leader: LeaderState;
  readonly replica: ReplicaState;
  /** Client commands that arrived here and await their answer here. */
  readonly waiting: readonly Command[];
}

// ---------------------------------------------------------------------------------------------
// Outcomes

/** Why an input changed nothing. Each one is provoked by a test in test/multipaxos/. */
export type IgnoreReason =
  | 'prepare-not-above-maxBal' // 1a with bal = maxBal: Phase1b needs m.bal > maxBal[a]
  | 'promised-higher' // 1a, 2a or ping below maxBal: refused, a reject is sent
  | 'slot-compacted' // 2a for a slot below this server's snapshot: chosen and applied already
  | 'not-candidate' // 1b while not gathering promises
  | 'stale-ballot' // 1b, 2b, reject or pong for a ballot other than this server's current one
  | 'duplicate-promise' // a second 1b from the same acceptor for the same ballot
  | 'promise-beyond-log' // 1b from a compacted acceptor whose snapshot this server lacks
  | 'not-leader' // 2b or pong while not leading
  | 'not-in-flight' // 2b for a slot not in flight (learned already)
  | 'duplicate-vote' // a second 2b from the same acceptor for the same slot
  | 'not-above-maxBal' // reject whose maxBal is not above this server's ballot
  | 'nothing-new' // commit or entries that teach nothing
  | 'snapshot-not-newer' // snapshot at or below what is applied here
  | 'no-such-read' // pong for a read that is no longer pending
  | 'stale-timer' // a timer set before the leader state moved on
  | 'duplicate-request'; // the same (client, seq) is already queued, in flight or waiting here

/** The name of the handler that acted, for traces and the refinement (see src/sim). */
export type Action =
  | 'Phase1a' | 'Phase1b' | 'Promise' | 'Phase2a' | 'Phase2b' | 'Vote' | 'Learn'
  | 'CommitNotice' | 'Abdicate' | 'CatchupServe' | 'CatchupInstall' | 'Snapshot'
  | 'ReadPing' | 'ReadPong' | 'Propose' | 'Queue' | 'Redirect' | 'Answer' | 'ReadLocal'
  | 'ReadIndex' | 'Heartbeat' | 'Watch' | 'Restart';

export type Outcome =
  | { readonly kind: 'acted'; readonly action: Action }
  | { readonly kind: 'ignored'; readonly reason: IgnoreReason };

export interface StepResult {
  readonly state: ServerState;
  readonly effects: readonly Effect[];
  readonly outcome: Outcome;
}
