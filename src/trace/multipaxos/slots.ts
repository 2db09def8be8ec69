/**
 * The per-slot spec state (spec/multipaxos/slots.ts: Paxos.tla once per slot, one phase 1 for a
 * range of slots) kept incrementally for a Multi-Paxos trace: mutable, a record per slot that has
 * seen a 2a or 2b, and the phase-1 messages held once per ballot for the range they cover, so a
 * stable leader's single phase 1 costs one entry however many slots it serves.
 *
 * The variables, in the spec's names:
 * - maxBal[a][s] is the larger of `bal[a]` in s's record (raised by a's 2b in s) and the
 *   ballots of a's phase-1 promises whose range covers s (`promises`, per acceptor);
 * - maxVBal[a][s], maxVal[a][s] are `vbal[a]`, `vval[a]` in s's record;
 * - msgs: the 1a and 1b messages by ballot (`oneAs`, `oneBs`), the 2a and 2b in the slot's record.
 * Plus derived data: the value chosen in each slot (the first quorum of 2b in one ballot), with
 * the ballot and the line that completed the quorum.
 *
 * What it leaves out: the words of refusals (checker.ts) and anything about replicas or clients
 * (replicas.ts). Values are interned numbers, compared within their slot only.
 */
import type { QuorumSystem } from '../../../spec/quorums.js';
import type { Vote } from './decode.js';

/** A phase-1 message of one ballot: the slots it covers (to = -1: every slot from `from`). */
export interface Range { readonly from: number; readonly to: number }

export interface OneA extends Range { readonly line: number }

/** A 1b: acc joined bal on [from, to] and reported `votes` (slot -> vote), sent at `line`. */
export interface OneB extends Range {
  readonly acc: number;
  readonly votes: ReadonlyMap<number, Vote>;
  readonly line: number;
}

/** A promise of acceptor a: ballot bal on the slots of a range. */
export interface Promise extends Range { readonly bal: number; readonly line: number }

export interface Chosen { readonly bal: number; readonly val: number; readonly mask: number;
  readonly line: number }

/** One 2a: its value and line. */
export interface TwoA { readonly val: number; readonly line: number }

/** The 2b of one ballot in one slot: per acceptor, the value (-1: none) and the line. */
export interface TwoBs { readonly val: number[]; readonly line: number[] }

export interface SlotRec {
  readonly slot: number;
  readonly bal: number[];
  readonly vbal: number[];
  readonly vval: number[];
  readonly vline: number[];
  readonly twoA: Map<number, TwoA>;
  readonly twoB: Map<number, TwoBs>;
  chosen: Chosen | null;
}

export interface SlotsState {
  readonly n: number;
  /** The quorums of slot s: the cluster's, or with membership changes its members' majorities. */
  readonly quorumsAt: (s: number) => QuorumSystem;
  readonly slots: Map<number, SlotRec>;
  readonly oneAs: Map<number, OneA[]>;
  readonly oneBs: Map<number, OneB[]>;
  readonly promises: Promise[][];
  /** Slots chosen so far, and the first slot not known chosen (every slot below is). */
  chosenCount: number;
}

export function initialSlots(n: number, quorumsAt: (s: number) => QuorumSystem): SlotsState {
  return { n, quorumsAt, slots: new Map(), oneAs: new Map(), oneBs: new Map(),
    promises: Array.from({ length: n }, () => []), chosenCount: 0 };
}

export function covers(r: Range, s: number): boolean {
  return s >= r.from && (r.to === -1 || s <= r.to);
}

/** Whether two ranges share a slot. */
export function overlaps(x: Range, y: Range): boolean {
  return (y.to === -1 || x.from <= y.to) && (x.to === -1 || y.from <= x.to);
}

export function slotRec(st: SlotsState, s: number): SlotRec {
  let r = st.slots.get(s);
  if (r === undefined) {
    const fill = (): number[] => new Array<number>(st.n).fill(-1);
    r = { slot: s, bal: fill(), vbal: fill(), vval: fill(), vline: fill(), twoA: new Map(),
      twoB: new Map(), chosen: null };
    st.slots.set(s, r);
  }
  return r;
}

/** maxBal[a][s], and the line of the promise or vote that set it (-1: none). */
export function promiseAt(st: SlotsState, a: number, s: number): { bal: number; line: number } {
  const r = st.slots.get(s);
  let bal = r === undefined ? -1 : r.bal[a] as number;
  let line = r === undefined || bal === -1 ? -1 : r.vline[a] as number;
  for (const p of st.promises[a] as Promise[]) {
    if (p.bal > bal && covers(p, s)) {
      bal = p.bal;
      line = p.line;
    }
  }
  return { bal, line };
}

/**
 * The highest maxBal[a][s] over the slots s of range m, with the line that set it: a's
 * promises overlapping m, and its votes in the slots m covers.
 */
export function promiseOn(st: SlotsState, a: number, m: Range): { bal: number; line: number } {
  let bal = -1;
  let line = -1;
  for (const p of st.promises[a] as Promise[]) {
    if (p.bal > bal && overlaps(p, m)) {
      bal = p.bal;
      line = p.line;
    }
  }
  for (const r of st.slots.values()) {
    const b = r.bal[a] as number;
    if (b > bal && covers(m, r.slot)) {
      bal = b;
      line = r.vline[a] as number;
    }
  }
  return { bal, line };
}

/** Phase1b's update of maxBal: a joins bal on every slot of m (kept as one promise). */
export function addPromise(st: SlotsState, a: number, m: Range, bal: number, line: number): void {
  // A promise every later one covers and outbids can go: maxBal is the maximum over them.
  const kept = (st.promises[a] as Promise[]).filter((p) => !(p.bal <= bal && m.from <= p.from
    && (m.to === -1 || (p.to !== -1 && p.to <= m.to))));
  kept.push({ from: m.from, to: m.to, bal, line });
  st.promises[a] = kept;
}

/** a's latest vote in each slot of m it voted in, at or above `floor`: what its 1b reports. */
export function latestVotes(st: SlotsState, a: number, m: Range, floor: number): Vote[] {
  const votes: Vote[] = [];
  for (const r of st.slots.values()) {
    const vb = r.vbal[a] as number;
    if (vb >= 0 && r.slot >= floor && covers(m, r.slot)) {
      votes.push({ slot: r.slot, mbal: vb, mval: r.vval[a] as number });
    }
  }
  return votes.sort((x, y) => x.slot - y.slot);
}

/**
 * ShowsSafeAt for slot s: some quorum Q whose members all sent a 1b of ballot b covering s, and
 * whose reports for s show v safe (none reports a vote, or v is the value of the highest one).
 * Returns 'free' (a quorum reports no vote in s), 'bound' (v is the value of a quorum's highest
 * reported vote), 'unsafe' (quorums joined, none shows v safe) or 'no-quorum'.
 */
export function showsSafeAt(st: SlotsState, b: number, s: number, v: number):
  'free' | 'bound' | 'unsafe' | 'no-quorum' {
  const ms = st.oneBs.get(b);
  if (ms === undefined) return 'no-quorum';
  let mask = 0;
  for (const m of ms) if (covers(m, s)) mask |= 1 << m.acc;
  let joined = false;
  for (const qm of st.quorumsAt(s).masks) {
    if ((qm & mask) !== qm) continue;
    joined = true;
    let top = -1;
    let topHasV = false;
    for (const m of ms) {
      if (((qm >>> m.acc) & 1) === 0 || !covers(m, s)) continue;
      const r = m.votes.get(s);
      if (r === undefined) continue;
      if (r.mbal > top) {
        top = r.mbal;
        topHasV = r.mval === v;
      } else if (r.mbal === top && r.mval === v) topHasV = true;
    }
    if (top === -1) return 'free';
    if (topHasV) return 'bound';
  }
  return joined ? 'unsafe' : 'no-quorum';
}

/** The first quorum (as a mask) within `mask`, or 0. */
export function quorumWithin(q: QuorumSystem, mask: number): number {
  for (const qm of q.masks) if ((qm & mask) === qm) return qm;
  return 0;
}

/**
 * Phase2b's update: a votes for v in ballot b in slot s. Returns the value chosen by it when the
 * vote completes a quorum of 2b for (b, v) in s (null otherwise).
 */
export function addVote(st: SlotsState, r: SlotRec, a: number, b: number, v: number,
  line: number): Chosen | null {
  if (b > (r.bal[a] as number)) r.bal[a] = b;
  r.vbal[a] = b;
  r.vval[a] = v;
  r.vline[a] = line;
  let bs = r.twoB.get(b);
  if (bs === undefined) {
    bs = { val: new Array<number>(st.n).fill(-1), line: new Array<number>(st.n).fill(-1) };
    r.twoB.set(b, bs);
  }
  bs.val[a] = v;
  bs.line[a] = line;
  let mask = 0;
  for (let x = 0; x < st.n; x++) if (bs.val[x] === v) mask |= 1 << x;
  const qm = quorumWithin(st.quorumsAt(r.slot), mask);
  if (qm === 0) return null;
  return { bal: b, val: v, mask: qm, line };
}
