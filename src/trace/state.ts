/**
 * The spec state of Paxos.tla (maxBal, maxVBal, maxVal, msgs), kept incrementally for a trace:
 * mutable, and with msgs indexed by ballot so that each event costs O(acceptors), not O(|msgs|).
 * spec/paxos.ts keeps msgs as a sorted immutable array, which is the right form for a model
 * checker that hashes states and the wrong one for a stream of ten million events, where every
 * `send` would copy it.
 *
 * The two forms are the same state: `toSpecState` rebuilds the spec's PaxosState (used for every
 * rejection, so that the conjunct and the properties reported are the spec's own), and
 * test/trace/incremental.test.ts checks on random traces that the checker built on this file
 * and the spec's functions agree on every verdict.
 *
 * Each message also remembers the trace line that first sent it, for witnesses and excerpts.
 * What it leaves out: nothing of the spec state. The extra index (`chosen`) is derived data.
 */
import {
  compareMessages, type Ballot, type Message, type PaxosState, type Value,
} from '../../spec/paxos.js';
import type { QuorumSystem } from '../../spec/quorums.js';

/** A message with the line that first sent it (0 when it was inferred, not logged). */
export interface Sent<T> { readonly value: T; readonly line: number }

/** Everything msgs holds for one ballot b. Lists are almost always of length 0 or 1. */
export interface BallotRecord {
  /** The line of the 1a for b, or -1 when none was sent. */
  oneA: number;
  /** 1b messages of b by acceptor: <<mbal, mval>> reported. */
  readonly oneB: (Sent<{ mbal: Ballot | -1; mval: Value | null }>[] | undefined)[];
  /** Acceptors with a 1b for b, as a bitmask. */
  oneBMask: number;
  readonly twoA: Sent<Value>[];
  /** 2b messages of b by acceptor: the values voted for. */
  readonly twoB: (Sent<Value>[] | undefined)[];
  /** The values chosen in b: ChosenAt(b, v). At most one in any spec state (2a is unique). */
  readonly chosen: Value[];
}

export interface ChosenAt { readonly bal: Ballot; readonly val: Value; readonly mask: number;
  readonly line: number }

export interface TraceState {
  readonly n: number;
  readonly quorums: QuorumSystem;
  readonly maxBal: number[];
  readonly maxVBal: number[];
  readonly maxVal: (Value | null)[];
  readonly ballots: Map<Ballot, BallotRecord>;
  /**
   * For each value chosen in some ballot, the lowest such ballot. Kept per value, not per
   * ballot, so that it stays as small as the set `chosen` (one entry in a correct run) however
   * many ballots choose that value again.
   */
  readonly chosen: ChosenAt[];
  /** Number of distinct messages: |msgs|. */
  size: number;
}

export function initialState(n: number, quorums: QuorumSystem): TraceState {
  return {
    n,
    quorums,
    maxBal: Array.from({ length: n }, () => -1),
    maxVBal: Array.from({ length: n }, () => -1),
    maxVal: Array.from({ length: n }, () => null),
    ballots: new Map(),
    chosen: [],
    size: 0,
  };
}

export function record(s: TraceState, b: Ballot): BallotRecord {
  let r = s.ballots.get(b);
  if (r === undefined) {
    r = { oneA: -1, oneB: new Array(s.n), oneBMask: 0, twoA: [], twoB: new Array(s.n), chosen: [] };
    s.ballots.set(b, r);
  }
  return r;
}

/** The line that sent m, or -1 when m \notin msgs. */
export function sentLine(s: TraceState, m: Message): number {
  const r = s.ballots.get(m.bal);
  if (r === undefined) return -1;
  switch (m.type) {
    case '1a': return r.oneA;
    case '1b': return r.oneB[m.acc]?.find((x) => x.value.mbal === m.mbal
      && x.value.mval === m.mval)?.line ?? -1;
    case '2a': return r.twoA.find((x) => x.value === m.val)?.line ?? -1;
    case '2b': return r.twoB[m.acc]?.find((x) => x.value === m.val)?.line ?? -1;
  }
}

/** msgs' = msgs \cup {m}, remembering `line`. Returns false when m was already in msgs. */
export function addMessage(s: TraceState, m: Message, line: number): boolean {
  if (sentLine(s, m) !== -1) return false;
  const r = record(s, m.bal);
  switch (m.type) {
    case '1a':
      r.oneA = line;
      break;
    case '1b':
      (r.oneB[m.acc] ??= []).push({ value: { mbal: m.mbal, mval: m.mval }, line });
      r.oneBMask |= 1 << m.acc;
      break;
    case '2a':
      r.twoA.push({ value: m.val, line });
      break;
    case '2b':
      (r.twoB[m.acc] ??= []).push({ value: m.val, line });
      noteChosen(s, r, m.bal, m.val, line);
      break;
  }
  s.size++;
  return true;
}

/** The acceptors that voted for v in ballot b (a bitmask). */
export function votersOf(s: TraceState, r: BallotRecord, v: Value): number {
  let mask = 0;
  for (let a = 0; a < s.n; a++) if (r.twoB[a]?.some((x) => x.value === v) === true) mask |= 1 << a;
  return mask;
}

/** The first quorum (as a mask) contained in `mask`, or 0. */
export function quorumWithin(q: QuorumSystem, mask: number): number {
  for (const qm of q.masks) if ((qm & mask) === qm) return qm;
  return 0;
}

/**
 * ChosenAt(b, v) == \E Q \in Quorum : \A a \in Q : VotedFor(a, b, v) (Voting.tla). Only a new
 * 2b for (b, v) can make it true, so it is tested exactly then.
 */
function noteChosen(s: TraceState, r: BallotRecord, b: Ballot, v: Value, line: number): void {
  if (r.chosen.includes(v)) return;
  const qm = quorumWithin(s.quorums, votersOf(s, r, v));
  if (qm === 0) return;
  r.chosen.push(v);
  const i = s.chosen.findIndex((c) => c.val === v);
  const at = { bal: b, val: v, mask: qm, line };
  if (i === -1) s.chosen.push(at);
  else if (b < (s.chosen[i] as ChosenAt).bal) s.chosen[i] = at;
}

/** The spec's PaxosState for this state: msgs sorted as spec/paxos.ts keeps them. */
export function toSpecState(s: TraceState): PaxosState {
  const msgs: Message[] = [];
  for (const [bal, r] of s.ballots) {
    if (r.oneA !== -1) msgs.push({ type: '1a', bal });
    for (let acc = 0; acc < s.n; acc++) {
      for (const x of r.oneB[acc] ?? []) msgs.push({ type: '1b', acc, bal, mbal: x.value.mbal,
        mval: x.value.mval });
      for (const x of r.twoB[acc] ?? []) msgs.push({ type: '2b', acc, bal, val: x.value });
    }
    for (const x of r.twoA) msgs.push({ type: '2a', bal, val: x.value });
  }
  msgs.sort(compareMessages);
  return { maxBal: [...s.maxBal], maxVBal: [...s.maxVBal], maxVal: [...s.maxVal], msgs };
}

/** A deep copy, for the partial-trace search's backtracking. */
export function cloneState(s: TraceState): TraceState {
  const ballots = new Map<Ballot, BallotRecord>();
  for (const [b, r] of s.ballots) {
    ballots.set(b, {
      oneA: r.oneA,
      oneB: r.oneB.map((xs) => xs?.slice()),
      oneBMask: r.oneBMask,
      twoA: r.twoA.slice(),
      twoB: r.twoB.map((xs) => xs?.slice()),
      chosen: r.chosen.slice(),
    });
  }
  return {
    n: s.n, quorums: s.quorums,
    maxBal: [...s.maxBal], maxVBal: [...s.maxVBal], maxVal: [...s.maxVal],
    ballots, chosen: s.chosen.slice(), size: s.size,
  };
}
