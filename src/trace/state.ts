/**
 * The spec state of Paxos.tla (maxBal, maxVBal, maxVal, msgs), kept incrementally for a trace:
 * mutable, and with msgs indexed by ballot so that each event costs O(acceptors), not O(|msgs|).
 * spec/paxos.ts keeps msgs as a sorted immutable array, which is the right form for a model
 * checker that hashes states and the wrong one for a stream of ten million events, where every
 * `send` would copy it.
 *
 * Packed: msgs is held in columns (typed arrays) indexed by a ballot's slot, its rank in order
 * of first appearance, not in an object per ballot. A trace with a fresh ballot every few dozen
 * events keeps every ballot it has seen (msgs only grows), and objects per ballot made the
 * garbage collector copy and trace the whole of msgs again and again; columns are a handful of
 * objects whatever |msgs| is. A spec state holds at most one 1b per acceptor and ballot, one 2a
 * per ballot and one 2b per acceptor and ballot (Phase1b and Phase2b raise maxBal; Phase2a
 * requires no earlier 2a), so the columns hold the first such message; any further one (a
 * state forced on by --keep-going, or built by a test) goes to the small `more` lists.
 *
 * The two forms are the same state: `toSpecState` rebuilds the spec's PaxosState (used for every
 * rejection, so that the conjunct and the properties reported are the spec's own),
 * test/trace/incremental.test.ts checks on random traces that the checker built on this file
 * and the spec's functions agree on every verdict, and test/trace/state.test.ts checks every
 * accessor here against msgs kept as the spec keeps it.
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

/** What a 1b reports: <<mbal, mval>>. */
export interface Report { readonly mbal: Ballot | -1; readonly mval: Value | null }

export interface ChosenAt { readonly bal: Ballot; readonly val: Value; readonly mask: number;
  readonly line: number }

/**
 * msgs by slot (per ballot) and by slot * n + a (per ballot and acceptor). Lines are -1 where
 * no message was sent; values are interned integers >= 0, with -1 for none (and for a 1b's
 * mval = None, told apart from "no 1b" by its line). Lines and ballots are doubles: exact to 2^53.
 */
interface Columns {
  readonly cap: number;
  readonly bal: Float64Array;
  /** The line of the 1a for the slot's ballot. */
  readonly oneA: Float64Array;
  /** Acceptors with a 1b for the ballot, as a bitmask. */
  readonly oneBMask: Int32Array;
  readonly twoAVal: Int32Array;
  readonly twoALine: Float64Array;
  /** The first value chosen in the ballot: ChosenAt(b, v). */
  readonly chosenVal: Int32Array;
  readonly oneBMbal: Float64Array;
  readonly oneBMval: Int32Array;
  readonly oneBLine: Float64Array;
  readonly twoBVal: Int32Array;
  readonly twoBLine: Float64Array;
}

/** Messages beyond the first of their kind in a column cell (never in a reachable spec state). */
interface More {
  readonly oneB: Map<number, Sent<Report>[]>;
  readonly twoA: Map<number, Sent<Value>[]>;
  readonly twoB: Map<number, Sent<Value>[]>;
  readonly chosen: Map<number, Value[]>;
}

export interface TraceState {
  readonly n: number;
  readonly quorums: QuorumSystem;
  readonly maxBal: number[];
  readonly maxVBal: number[];
  readonly maxVal: (Value | null)[];
  /** Ballot -> slot, in the order ballots first appeared. */
  readonly slots: Map<Ballot, number>;
  cols: Columns;
  readonly more: More;
  /**
   * For each value chosen in some ballot, the lowest such ballot. Kept per value, not per
   * ballot, so that it stays as small as the set `chosen` (one entry in a correct run) however
   * many ballots choose that value again.
   */
  readonly chosen: ChosenAt[];
  /** Number of distinct messages: |msgs|. */
  size: number;
}

function columns(cap: number, n: number, from?: Columns): Columns {
  const f64 = (len: number, old?: Float64Array): Float64Array => {
    const x = new Float64Array(len).fill(-1);
    if (old !== undefined) x.set(old);
    return x;
  };
  const i32 = (len: number, old?: Int32Array, fill = -1): Int32Array => {
    const x = new Int32Array(len).fill(fill);
    if (old !== undefined) x.set(old);
    return x;
  };
  return {
    cap, bal: f64(cap, from?.bal), oneA: f64(cap, from?.oneA),
    oneBMask: i32(cap, from?.oneBMask, 0), twoAVal: i32(cap, from?.twoAVal),
    twoALine: f64(cap, from?.twoALine), chosenVal: i32(cap, from?.chosenVal),
    oneBMbal: f64(cap * n, from?.oneBMbal), oneBMval: i32(cap * n, from?.oneBMval),
    oneBLine: f64(cap * n, from?.oneBLine), twoBVal: i32(cap * n, from?.twoBVal),
    twoBLine: f64(cap * n, from?.twoBLine),
  };
}

export function initialState(n: number, quorums: QuorumSystem): TraceState {
  return {
    n,
    quorums,
    maxBal: Array.from({ length: n }, () => -1),
    maxVBal: Array.from({ length: n }, () => -1),
    maxVal: Array.from({ length: n }, () => null),
    slots: new Map(),
    cols: columns(16, n),
    more: { oneB: new Map(), twoA: new Map(), twoB: new Map(), chosen: new Map() },
    chosen: [],
    size: 0,
  };
}

/** The slot of ballot b, or -1 when msgs holds nothing of b. */
export function slotOf(s: TraceState, b: Ballot): number {
  return s.slots.get(b) ?? -1;
}

/** The slot of ballot b, made when msgs held nothing of b. */
function slotFor(s: TraceState, b: Ballot): number {
  const i = s.slots.get(b);
  if (i !== undefined) return i;
  const slot = s.slots.size;
  if (slot === s.cols.cap) s.cols = columns(s.cols.cap * 2, s.n, s.cols);
  s.cols.bal[slot] = b;
  s.slots.set(b, slot);
  return slot;
}

/** The ballots msgs holds messages of, in the order they first appeared. */
export function ballotsOf(s: TraceState): IterableIterator<Ballot> {
  return s.slots.keys();
}

/** The line of the 1a for b, or -1 when none was sent. */
export function oneALine(s: TraceState, b: Ballot): number {
  const i = slotOf(s, b);
  return i === -1 ? -1 : s.cols.oneA[i] as number;
}

/** The acceptors with a 1b for b, as a bitmask. */
export function oneBMaskOf(s: TraceState, b: Ballot): number {
  const i = slotOf(s, b);
  return i === -1 ? 0 : s.cols.oneBMask[i] as number;
}

const valueOrNull = (v: number): Value | null => (v === -1 ? null : v);

/** The 1b messages of acceptor a for ballot b, first sent first. */
export function oneBsOf(s: TraceState, b: Ballot, a: number): Sent<Report>[] {
  const i = slotOf(s, b);
  if (i === -1) return [];
  const c = s.cols;
  const k = i * s.n + a;
  const line = c.oneBLine[k] as number;
  if (line === -1) return [];
  return [{ value: { mbal: c.oneBMbal[k] as number, mval: valueOrNull(c.oneBMval[k] as number) },
    line }, ...(s.more.oneB.get(k) ?? [])];
}

/** True when some 2a of ballot b was sent. */
export function has2a(s: TraceState, b: Ballot): boolean {
  const i = slotOf(s, b);
  return i !== -1 && s.cols.twoALine[i] !== -1;
}

/** The 2a messages of ballot b: their values, first sent first. */
export function twoAsOf(s: TraceState, b: Ballot): Sent<Value>[] {
  const i = slotOf(s, b);
  if (i === -1 || s.cols.twoALine[i] === -1) return [];
  return [{ value: s.cols.twoAVal[i] as number, line: s.cols.twoALine[i] as number },
    ...(s.more.twoA.get(i) ?? [])];
}

/** The 2b messages of acceptor a in ballot b: the values voted for, first sent first. */
export function twoBsOf(s: TraceState, b: Ballot, a: number): Sent<Value>[] {
  const i = slotOf(s, b);
  if (i === -1) return [];
  const k = i * s.n + a;
  if (s.cols.twoBLine[k] === -1) return [];
  return [{ value: s.cols.twoBVal[k] as number, line: s.cols.twoBLine[k] as number },
    ...(s.more.twoB.get(k) ?? [])];
}

/** ChosenAt(b, v), as noted when the 2b that made it true was added. */
export function chosenIn(s: TraceState, b: Ballot, v: Value): boolean {
  const i = slotOf(s, b);
  if (i === -1 || s.cols.chosenVal[i] === -1) return false;
  return s.cols.chosenVal[i] === v || (s.more.chosen.get(i)?.includes(v) ?? false);
}

/** The line of the first Sent in [first, ...more] whose value satisfies `is`, or -1. */
function lineIn<T>(firstLine: number, first: T, more: readonly Sent<T>[] | undefined,
  is: (x: T) => boolean): number {
  if (firstLine === -1) return -1;
  if (is(first)) return firstLine;
  return more?.find((x) => is(x.value))?.line ?? -1;
}

/** The line that sent m, or -1 when m \notin msgs. */
export function sentLine(s: TraceState, m: Message): number {
  const i = s.slots.get(m.bal);
  if (i === undefined) return -1;
  const c = s.cols;
  switch (m.type) {
    case '1a': return c.oneA[i] as number;
    case '1b': {
      const k = i * s.n + m.acc;
      const mval = m.mval ?? -1;
      if (c.oneBLine[k] !== -1 && c.oneBMbal[k] === m.mbal && c.oneBMval[k] === mval) {
        return c.oneBLine[k] as number;
      }
      return s.more.oneB.get(k)?.find((x) => x.value.mbal === m.mbal
        && x.value.mval === m.mval)?.line ?? -1;
    }
    case '2a': return lineIn(c.twoALine[i] as number, c.twoAVal[i] as number,
      s.more.twoA.get(i), (v) => v === m.val);
    case '2b': {
      const k = i * s.n + m.acc;
      return lineIn(c.twoBLine[k] as number, c.twoBVal[k] as number, s.more.twoB.get(k),
        (v) => v === m.val);
    }
  }
}

function push<K, T>(map: Map<K, T[]>, k: K, x: T): void {
  const xs = map.get(k);
  if (xs === undefined) map.set(k, [x]);
  else xs.push(x);
}

/** A value as a column holds it: an integer id >= 0 (the trace's interned values). */
function packed(v: Value): number {
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
    throw new Error(`trace state: value ${v} is not an interned value id`);
  }
  return v;
}

/** msgs' = msgs \cup {m}, remembering `line`. Returns false when m was already in msgs. */
export function addMessage(s: TraceState, m: Message, line: number): boolean {
  if (sentLine(s, m) !== -1) return false;
  const i = slotFor(s, m.bal);
  const c = s.cols;
  switch (m.type) {
    case '1a':
      c.oneA[i] = line;
      break;
    case '1b': {
      const k = i * s.n + m.acc;
      if (c.oneBLine[k] !== -1) {
        push(s.more.oneB, k, { value: { mbal: m.mbal, mval: m.mval }, line });
      } else {
        c.oneBMbal[k] = m.mbal;
        c.oneBMval[k] = m.mval === null ? -1 : packed(m.mval);
        c.oneBLine[k] = line;
      }
      c.oneBMask[i] = (c.oneBMask[i] as number) | (1 << m.acc);
      break;
    }
    case '2a':
      if (c.twoALine[i] !== -1) push(s.more.twoA, i, { value: m.val, line });
      else {
        c.twoAVal[i] = packed(m.val);
        c.twoALine[i] = line;
      }
      break;
    case '2b': {
      const k = i * s.n + m.acc;
      if (c.twoBLine[k] !== -1) push(s.more.twoB, k, { value: m.val, line });
      else {
        c.twoBVal[k] = packed(m.val);
        c.twoBLine[k] = line;
      }
      noteChosen(s, i, m.bal, m.val, line);
      break;
    }
  }
  s.size++;
  return true;
}

/** The acceptors that voted for v in the ballot of slot i (a bitmask). */
function votersAt(s: TraceState, i: number, v: Value): number {
  const c = s.cols;
  let mask = 0;
  for (let a = 0; a < s.n; a++) {
    const k = i * s.n + a;
    if (lineIn(c.twoBLine[k] as number, c.twoBVal[k] as number, s.more.twoB.get(k),
      (x) => x === v) !== -1) mask |= 1 << a;
  }
  return mask;
}

/** True when some acceptor voted in ballot b for a value other than v. */
export function otherVoteIn(s: TraceState, b: Ballot, v: Value): boolean {
  const i = slotOf(s, b);
  if (i === -1) return false;
  for (let a = 0; a < s.n; a++) {
    const k = i * s.n + a;
    if (s.cols.twoBLine[k] !== -1 && s.cols.twoBVal[k] !== v) return true;
    if (s.more.twoB.get(k)?.some((x) => x.value !== v) === true) return true;
  }
  return false;
}

/** The acceptors that voted for v in ballot b (a bitmask). */
export function votersOf(s: TraceState, b: Ballot, v: Value): number {
  const i = slotOf(s, b);
  return i === -1 ? 0 : votersAt(s, i, v);
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
function noteChosen(s: TraceState, i: number, b: Ballot, v: Value, line: number): void {
  if (chosenIn(s, b, v)) return;
  const qm = quorumWithin(s.quorums, votersAt(s, i, v));
  if (qm === 0) return;
  if (s.cols.chosenVal[i] === -1) s.cols.chosenVal[i] = v;
  else push(s.more.chosen, i, v);
  const j = s.chosen.findIndex((c) => c.val === v);
  const at = { bal: b, val: v, mask: qm, line };
  if (j === -1) s.chosen.push(at);
  else if (b < (s.chosen[j] as ChosenAt).bal) s.chosen[j] = at;
}

/** The spec's PaxosState for this state: msgs sorted as spec/paxos.ts keeps them. */
export function toSpecState(s: TraceState): PaxosState {
  const msgs: Message[] = [];
  for (const bal of s.slots.keys()) {
    if (oneALine(s, bal) !== -1) msgs.push({ type: '1a', bal });
    for (let acc = 0; acc < s.n; acc++) {
      for (const x of oneBsOf(s, bal, acc)) msgs.push({ type: '1b', acc, bal, mbal: x.value.mbal,
        mval: x.value.mval });
      for (const x of twoBsOf(s, bal, acc)) msgs.push({ type: '2b', acc, bal, val: x.value });
    }
    for (const x of twoAsOf(s, bal)) msgs.push({ type: '2a', bal, val: x.value });
  }
  msgs.sort(compareMessages);
  return { maxBal: [...s.maxBal], maxVBal: [...s.maxVBal], maxVal: [...s.maxVal], msgs };
}

function copyLists<K, T>(map: Map<K, T[]>): Map<K, T[]> {
  return new Map([...map].map(([k, xs]) => [k, xs.slice()]));
}

/** A deep copy, for the partial-trace search's backtracking. */
export function cloneState(s: TraceState): TraceState {
  return {
    n: s.n, quorums: s.quorums,
    maxBal: [...s.maxBal], maxVBal: [...s.maxVBal], maxVal: [...s.maxVal],
    slots: new Map(s.slots),
    cols: columns(s.cols.cap, s.n, s.cols),
    more: { oneB: copyLists(s.more.oneB), twoA: copyLists(s.more.twoA),
      twoB: copyLists(s.more.twoB), chosen: copyLists(s.more.chosen) },
    chosen: s.chosen.slice(), size: s.size,
  };
}
