/**
 * Paxos.tla's four actions on the checker's incremental state (state.ts): the enabling
 * conditions as predicates, and the effects as in-place updates. These are the same conjuncts as
 * spec/paxos.ts, read off the ballot index instead of scanning msgs; the words for a refusal
 * always come from the spec itself (judge.ts and partial.ts call `testStep` on the spec state),
 * and test/trace/incremental.test.ts checks the two agree on random traces.
 */
import type { Action, Ballot, Msg1b, Value } from '../../spec/paxos.js';
import { addMessage, has2a, oneALine, oneBsOf, sentLine, slotOf, type Report, type Sent,
  type TraceState } from './state.js';

/** Phase1b(a) on the 1a of b: m \in msgs /\ m.bal > maxBal[a]. */
export function canPhase1b(s: TraceState, a: number, b: Ballot): boolean {
  return oneALine(s, b) !== -1 && b > (s.maxBal[a] as number);
}

/** The 1b that Phase1b(a) sends for ballot b: a's latest vote. */
export function reply1b(s: TraceState, a: number, b: Ballot): Msg1b {
  return { type: '1b', acc: a, bal: b, mbal: s.maxVBal[a] as Ballot | -1,
    mval: s.maxVal[a] as Value | null };
}

export function applyPhase1b(s: TraceState, a: number, b: Ballot, line: number): void {
  const reply = reply1b(s, a, b);
  s.maxBal[a] = b;
  addMessage(s, reply, line);
}

/**
 * Phase2a(b, v): no 2a for b was sent, and some quorum Q all sent 1b for b, and Q's 1b show v
 * safe: spec/paxos.ts `showsSafe`, which holds when none of them reports a vote, or one of those
 * reporting the highest mbal reports v. Computed in place, without building the 1b messages:
 * this runs on every 2a of a trace.
 */
export function canPhase2a(s: TraceState, b: Ballot, v: Value): boolean {
  const i = slotOf(s, b);
  if (i === -1 || has2a(s, b)) return false;
  const mask = s.cols.oneBMask[i] as number;
  for (const qm of s.quorums.masks) {
    if ((qm & mask) === qm && quorumShowsSafe(s, i, qm, v)) return true;
  }
  return false;
}

/**
 * showsSafe(Q1b, v) for the 1b messages of the ballot in slot i sent by the quorum qm. Read off
 * the columns; an acceptor with more than one 1b in the ballot (never in a reachable state) is
 * read through `oneBsOf`.
 */
function quorumShowsSafe(s: TraceState, i: number, qm: number, v: Value): boolean {
  const c = s.cols;
  let top = -1;
  let topHasV = false;
  for (let a = 0; a < s.n; a++) {
    if (((qm >>> a) & 1) === 0) continue;
    const k = i * s.n + a;
    const more = s.more.oneB.has(k) ? oneBsOf(s, c.bal[i] as number, a) : null;
    for (let j = 0; j < (more?.length ?? 1); j++) {
      const mbal = more === null ? c.oneBMbal[k] as number : (more[j] as Sent<Report>).value.mbal;
      const hasV = more === null ? c.oneBMval[k] === v : (more[j] as Sent<Report>).value.mval === v;
      if (mbal > top) {
        top = mbal;
        topHasV = hasV;
      } else if (mbal === top && hasV) {
        topHasV = true;
      }
    }
  }
  return top === -1 || topHasV;
}

/** Phase2b(a) on the 2a (b, v): m \in msgs /\ m.bal >= maxBal[a]. */
export function canPhase2b(s: TraceState, a: number, b: Ballot, v: Value): boolean {
  return sentLine(s, { type: '2a', bal: b, val: v }) !== -1 && b >= (s.maxBal[a] as number);
}

export function applyPhase2b(s: TraceState, a: number, b: Ballot, v: Value, line: number): void {
  s.maxBal[a] = b;
  s.maxVBal[a] = b;
  s.maxVal[a] = v;
  addMessage(s, { type: '2b', acc: a, bal: b, val: v }, line);
}

/** Tests and takes one action; false (and no change) when it is not enabled. */
export function step(s: TraceState, act: Action, line: number): boolean {
  switch (act.name) {
    case 'Phase1a':
      addMessage(s, { type: '1a', bal: act.b }, line);
      return true;
    case 'Phase1b':
      if (!canPhase1b(s, act.a, act.m.bal)) return false;
      applyPhase1b(s, act.a, act.m.bal, line);
      return true;
    case 'Phase2a':
      if (sentLine(s, { type: '2a', bal: act.b, val: act.v }) !== -1) return true;
      if (!canPhase2a(s, act.b, act.v)) return false;
      addMessage(s, { type: '2a', bal: act.b, val: act.v }, line);
      return true;
    case 'Phase2b':
      if (!canPhase2b(s, act.a, act.m.bal, act.m.val)) return false;
      applyPhase2b(s, act.a, act.m.bal, act.m.val, line);
      return true;
  }
}
