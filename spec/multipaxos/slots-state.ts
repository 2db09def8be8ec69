/**
 * The constants, messages and state of the per-slot spec (spec/multipaxos/slots.ts): Paxos.tla
 * once per slot of a log, with one phase 1 that may serve many slots.
 *
 * Every variable of Paxos.tla becomes a function of the slot as well as of the acceptor
 * (maxBal[a][s], maxVBal[a][s], maxVal[a][s]), and every message names the slots it is about:
 * a 1a and its 1b cover a range of slots (every slot from `from` on, or `from`..`to`), a 2a and
 * its 2b name one slot. A 1b reports the acceptor's latest vote in each covered slot in which it
 * has voted. Ranges let both styles real systems use be written in one spec: the stable leader's
 * single phase 1 for every slot from its first unchosen one (`to` = null), and an instance per
 * slot with its own phase 1 (`from` = `to`).
 *
 * What it leaves out: leaders and learners are not processes (as in Paxos.tla); commands are
 * numbered values; the log is not applied to anything (that is the MultiPaxos-SMR port's job).
 * Slots are bounded by `slots` in models and unbounded (Infinity) in traces, so every per-slot
 * variable is kept finitely: the promises as a list plus one ballot for every later slot, the
 * votes as lists that end at the highest slot voted in.
 */
import { at } from '../at.js';
import type { Ballot, Value, None } from '../paxos.js';
import type { Acceptor, QuorumSystem } from '../quorums.js';

export type { Acceptor } from '../quorums.js';
export type { Ballot, Value } from '../paxos.js';
export { None } from '../paxos.js';

/** Slots are numbered from 0: the index of a command in the log. */
export type Slot = number;

/** The constants of a model: Paxos.tla's, and the number of slots of the log. */
export interface Constants {
  /** Number of acceptors; Acceptor = 0..acceptors-1. */
  readonly acceptors: number;
  /** Number of values (commands); Value = 0..values-1. */
  readonly values: number;
  readonly quorums: QuorumSystem;
  /** Ballot = 0..maxBallot; Infinity in traces. */
  readonly maxBallot: number;
  /** Slot = 0..slots-1; Infinity in traces (the log has no end). */
  readonly slots: number;
}

// ---------------------------------------------------------------------------------------------
// Messages.
// ---------------------------------------------------------------------------------------------

/**
 * Phase 1a: the ballot-bal leader asks acceptors to join ballot bal for every slot from `from`
 * to `to` (to = null: every slot from `from` on, the Multi-Paxos prepare).
 */
export interface Msg1a {
  readonly type: '1a';
  readonly bal: Ballot;
  readonly from: Slot;
  readonly to: Slot | null;
}
/** One slot's entry in a 1b: acc's latest vote in that slot (only slots it voted in appear). */
export interface SlotVote { readonly slot: Slot; readonly mbal: Ballot; readonly mval: Value }
/**
 * Phase 1b: acceptor acc joins ballot bal for the slots of the 1a it answers (same from/to), and
 * reports its latest vote in every covered slot in which it has voted, ascending by slot. A
 * covered slot missing from `votes` is a report of "no vote" (mbal -1, mval None).
 */
export interface Msg1b {
  readonly type: '1b';
  readonly acc: Acceptor;
  readonly bal: Ballot;
  readonly from: Slot;
  readonly to: Slot | null;
  readonly votes: readonly SlotVote[];
}
/** Phase 2a: the ballot-bal leader asks acceptors to vote for val in slot `slot`. */
export interface Msg2a {
  readonly type: '2a';
  readonly bal: Ballot;
  readonly slot: Slot;
  readonly val: Value;
}
/** Phase 2b: acceptor acc has voted for val in ballot bal in slot `slot`. */
export interface Msg2b {
  readonly type: '2b';
  readonly acc: Acceptor;
  readonly bal: Ballot;
  readonly slot: Slot;
  readonly val: Value;
}

export type Message = Msg1a | Msg1b | Msg2a | Msg2b;
export type MessageType = Message['type'];

/** Whether a 1a or 1b covers slot s. */
export function covers(m: { readonly from: Slot; readonly to: Slot | null }, s: Slot): boolean {
  return s >= m.from && (m.to === null || s <= m.to);
}

/** The report of a 1b for slot s: the SlotVote, or null for "no vote" (also when not covered). */
export function reportFor(m: Msg1b, s: Slot): SlotVote | null {
  return m.votes.find((v) => v.slot === s) ?? null;
}

const TYPE_ORDER: Readonly<Record<MessageType, number>> = { '1a': 0, '1b': 1, '2a': 2, '2b': 3 };

/** A message's fields as numbers in a fixed order (null is -1): the order of msgs. */
export function fieldsOf(m: Message): readonly number[] {
  switch (m.type) {
    case '1a': return [m.bal, m.from, m.to ?? -1];
    case '1b': return [m.bal, m.acc, m.from, m.to ?? -1,
      ...m.votes.flatMap((v) => [v.slot, v.mbal, v.mval])];
    case '2a': return [m.bal, m.slot, m.val];
    case '2b': return [m.bal, m.slot, m.acc, m.val];
  }
}

/**
 * The total order in which msgs is kept, so that equal sets are equal arrays: by type, then
 * fieldsOf's fields in order (the first difference), then the shorter first. Compared field by
 * field rather than through fieldsOf's arrays (a 1b's run to three numbers per vote), because
 * checkers call it in their innermost loops; test/spec/multipaxos holds it to fieldsOf.
 */
export function compareMessages(x: Message, y: Message): number {
  const byType = TYPE_ORDER[x.type] - TYPE_ORDER[y.type];
  if (byType !== 0) return byType;
  const byBal = x.bal - y.bal;
  if (byBal !== 0) return byBal;
  switch (x.type) {
    case '1a': {
      const z = y as Msg1a;
      return x.from !== z.from ? x.from - z.from : (x.to ?? -1) - (z.to ?? -1);
    }
    case '2a': {
      const z = y as Msg2a;
      return x.slot !== z.slot ? x.slot - z.slot : x.val - z.val;
    }
    case '2b': {
      const z = y as Msg2b;
      return x.slot !== z.slot ? x.slot - z.slot : x.acc !== z.acc ? x.acc - z.acc : x.val - z.val;
    }
    case '1b': return compare1b(x, y as Msg1b);
  }
}

function compare1b(x: Msg1b, y: Msg1b): number {
  if (x.acc !== y.acc) return x.acc - y.acc;
  if (x.from !== y.from) return x.from - y.from;
  if (x.to !== y.to) return (x.to ?? -1) - (y.to ?? -1);
  const n = Math.min(x.votes.length, y.votes.length);
  for (let i = 0; i < n; i++) {
    const v = x.votes[i]!;
    const w = y.votes[i]!;
    if (v.slot !== w.slot) return v.slot - w.slot;
    if (v.mbal !== w.mbal) return v.mbal - w.mbal;
    if (v.mval !== w.mval) return v.mval - w.mval;
  }
  return 3 * (x.votes.length - y.votes.length);
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

/** Send(m) == msgs' = msgs \cup {m}. Returns the same array when m was already sent. */
export function send(msgs: readonly Message[], m: Message): readonly Message[] {
  if (hasMessage(msgs, m)) return msgs;
  const next = [...msgs, m];
  next.sort(compareMessages);
  return next;
}

// ---------------------------------------------------------------------------------------------
// Per-slot promises: a ballot for every slot, kept finitely.
// ---------------------------------------------------------------------------------------------

/**
 * A ballot (or -1) for every slot: head[s] for s < head.length, tail for every later slot.
 * Canonical: head never ends with an entry equal to tail, so equal functions are equal data.
 */
export interface BallotBySlot {
  readonly head: readonly (Ballot | -1)[];
  readonly tail: Ballot | -1;
}

export const noPromise: BallotBySlot = { head: [], tail: -1 };

/** The ballot for slot s. */
export function ballotAt(p: BallotBySlot, s: Slot): Ballot | -1 {
  return s < p.head.length ? at(p.head, s, 'head') : p.tail;
}

/**
 * p with ballot b on the slots from..to (to = null: every slot from `from` on). With a bounded
 * log (slots finite) a range is cut at the last slot, so tail stays -1 in every model.
 */
export function setBallots(
  p: BallotBySlot, from: Slot, to: Slot | null, b: Ballot, slots: number,
): BallotBySlot {
  const end = to === null ? slots - 1 : Math.min(to, slots - 1);
  const open = to === null && !Number.isFinite(slots);
  const tail = open ? b : p.tail;
  const length = Math.max(p.head.length, open ? from : end + 1);
  // ballotAt(p, s) for every s < length, then b on the range's slots below length.
  const head: (Ballot | -1)[] = p.head.slice();
  while (head.length < length) head.push(p.tail);
  const last = open ? length - 1 : end;
  for (let s = from; s <= last; s++) head[s] = b;
  while (head.length > 0 && head[head.length - 1] === tail) head.pop();
  return { head, tail };
}

/** The largest ballot p gives to any of the slots from..to, or -1. */
export function maxBallotOn(p: BallotBySlot, from: Slot, to: Slot | null): Ballot | -1 {
  let max = to === null ? p.tail : -1;
  const end = to === null ? p.head.length - 1 : Math.min(to, p.head.length - 1);
  for (let s = from; s <= end; s++) max = Math.max(max, at(p.head, s, 'head'));
  if (to !== null && to >= p.head.length) max = Math.max(max, p.tail);
  return max;
}

/** xs with x at index i, padding with `pad` up to i (the per-slot vote lists). */
function setAt<T>(xs: readonly T[], i: number, x: T, pad: T): readonly T[] {
  const next = xs.slice();
  while (next.length < i) next.push(pad);
  next[i] = x;
  return next;
}

// ---------------------------------------------------------------------------------------------
// State.
// ---------------------------------------------------------------------------------------------

export interface SlotsState {
  /** maxBal[a]: for each slot s, the highest ballot a has joined in s (-1 before any). a takes
   *  part in slot s only in ballots >= maxBal[a][s]. One 1b raises it on every covered slot at
   *  once: that is the single promise of Multi-Paxos, and a 2b raises it on its own slot. */
  readonly maxBal: readonly BallotBySlot[];
  /** maxVBal[a][s], maxVal[a][s]: a's vote with the largest ballot in slot s, or -1/None. The
   *  lists end at the highest slot a voted in; a slot beyond the end reads -1/None. */
  readonly maxVBal: readonly (readonly (Ballot | -1)[])[];
  readonly maxVal: readonly (readonly (Value | None)[])[];
  /** The set of every message ever sent, sorted by compareMessages (Paxos.tla's NOTE). */
  readonly msgs: readonly Message[];
}

/** Init: no acceptor has joined a ballot or voted in any slot, and no message has been sent. */
export function init(k: Constants): SlotsState {
  return {
    maxBal: Array.from({ length: k.acceptors }, () => noPromise),
    maxVBal: Array.from({ length: k.acceptors }, () => []),
    maxVal: Array.from({ length: k.acceptors }, () => []),
    msgs: [],
  };
}

/** maxVBal[a][s]. */
export function maxVBalAt(st: Pick<SlotsState, 'maxVBal'>, a: Acceptor, s: Slot): Ballot | -1 {
  return st.maxVBal[a]?.[s] ?? -1;
}

/** maxVal[a][s]. */
export function maxValAt(st: Pick<SlotsState, 'maxVal'>, a: Acceptor, s: Slot): Value | None {
  return st.maxVal[a]?.[s] ?? null;
}

/** a's latest vote in each slot from..to in which it voted, ascending: what its 1b reports. */
export function latestVotes(st: SlotsState, a: Acceptor, from: Slot, to: Slot | null): SlotVote[] {
  const vbals = st.maxVBal[a] ?? [];
  const votes: SlotVote[] = [];
  const end = to === null ? vbals.length - 1 : Math.min(to, vbals.length - 1);
  for (let s = from; s <= end; s++) {
    const mbal = at(vbals, s, 'vbals');
    if (mbal >= 0) votes.push({ slot: s, mbal, mval: maxValAt(st, a, s) as Value });
  }
  return votes;
}

/** The state after a votes for v in ballot b in slot s (Phase2b's update of the variables). */
export function withVote(st: SlotsState, a: Acceptor, b: Ballot, s: Slot, v: Value,
  slots: number): Omit<SlotsState, 'msgs'> {
  return {
    maxBal: setAt(st.maxBal, a, setBallots(at(st.maxBal, a, 'maxBal'), s, s, b, slots), noPromise),
    maxVBal: setAt(st.maxVBal, a, setAt(st.maxVBal[a] ?? [], s, b, -1), []),
    maxVal: setAt(st.maxVal, a, setAt<Value | None>(st.maxVal[a] ?? [], s, v, null), []),
  };
}

/** The state after a joins ballot b on the slots of m (Phase1b's update of maxBal). */
export function withPromise(st: SlotsState, a: Acceptor, m: Msg1a, slots: number):
  SlotsState['maxBal'] {
  return setAt(st.maxBal, a, setBallots(at(st.maxBal, a, 'maxBal'), m.from, m.to, m.bal, slots),
    noPromise);
}

/** A canonical string for a state: equal states, equal keys. */
export function stateKey(st: SlotsState): string {
  const promise = (p: BallotBySlot): string => `${p.head.join(',')}/${p.tail}`;
  const msgs = st.msgs.map((m) => `${m.type}:${fieldsOf(m).join(',')}`).join(' ');
  return `${st.maxBal.map(promise).join(';')}|${st.maxVBal.map((x) => x.join(',')).join(';')}|` +
    `${st.maxVal.map((x) => x.map((v) => v ?? 'N').join(',')).join(';')}|${msgs}`;
}
