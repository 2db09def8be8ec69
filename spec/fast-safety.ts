/**
 * SafeAt and ShowsSafeAt (Voting.tla) without their literal quantifier over the ballots 0..b-1,
 * and the three named properties built on them (Inv3, Inv4, VotesSafe), for the trace checker,
 * whose ballots run into the millions, and the simulator, which checks them after every spec
 * step of runs whose ballots reach thousands. spec/voting.ts quantifies literally, as Voting.tla
 * does, which is right for a spec and hopeless at ballot 400,000. This file is not a port of
 * the TLA+: it is the spec's definitions computed another way, and lives in spec/ only because
 * both checkers sit above it (DESIGN.md's layers); test/trace/safety.test.ts holds it to them.
 *
 * Why only the ballots in which someone voted matter (Voting.tla's definitions):
 *  - SafeAt(b, v) == \A c \in 0..(b-1) : NoneOtherChoosableAt(c, v). For a ballot c in which no
 *    acceptor voted, VotedFor(a, c, v) is false and DidNotVoteAt(a, c) true for every a, so
 *    NoneOtherChoosableAt(c, v) holds iff some quorum Q has maxBal[a] > c for all a in Q, that
 *    is iff c < T, where T is the largest, over quorums, of the least maxBal in the quorum. So
 *    the first unvoted ballot that breaks SafeAt is the first unvoted one at or above T.
 *  - ShowsSafeAt(Q, b, v): a witness c must have no vote of Q strictly between c and b, and
 *    (unless c = -1) a vote of Q in c; so the only candidate is c = m, the highest ballot below
 *    b in which a member of Q voted (-1 if none), and it holds iff m = -1 or some member of Q
 *    voted for v in m (besides every member having maxBal >= b).
 * test/trace/safety.test.ts checks these equal the spec's literal definitions on random Voting
 * states, and the properties equal the spec's, witness and wording included.
 *
 * What it leaves out: every other property is the spec's own (spec/properties.ts).
 */
import { at } from './at.js';
import type { Ballot, Constants, Msg2a, PaxosState, Value } from './paxos.js';
import {
  defaultNames, OneValuePerBallot, showMessage, stateProperties, votingState,
  type NamedStateProperty, type StateProperty, type Violation,
} from './properties.js';
import type { Quorum } from './quorums.js';
import type { VotingState } from './voting.js';

/** The votes of a Voting state by ballot: for each voted ballot, each acceptor's values. */
export interface VoteIndex {
  readonly byBallot: ReadonlyMap<Ballot, readonly (readonly Value[] | undefined)[]>;
  /** The voted ballots, ascending. */
  readonly ballots: readonly Ballot[];
  /** Each acceptor's voted ballots, ascending, without repeats. */
  readonly ofAcceptor: readonly (readonly Ballot[])[];
}

export function indexVotes(sv: VotingState): VoteIndex {
  const byBallot = new Map<Ballot, (Value[] | undefined)[]>();
  const n = sv.votes.length;
  for (let a = 0; a < n; a++) {
    for (const vt of at(sv.votes, a, 'votes')) {
      let row = byBallot.get(vt.bal);
      if (row === undefined) {
        row = Array<Value[] | undefined>(n).fill(undefined);
        byBallot.set(vt.bal, row);
      }
      (row[a] ??= []).push(vt.val);
    }
  }
  const ballots = [...byBallot.keys()].sort((x, y) => x - y);
  const ofAcceptor = sv.votes.map((_, a) => ballots.filter((b) =>
    byBallot.get(b)![a] !== undefined));
  return { byBallot, ballots, ofAcceptor };
}

/** T: some quorum has every maxBal > c iff c < T (+Infinity when a quorum is empty). */
export function quorumMaxBal(k: Constants, sv: VotingState): number {
  let t = -Infinity;
  for (const Q of k.quorums.quorums) {
    let least = Infinity;
    for (const a of Q) least = Math.min(least, at(sv.maxBal, a, 'maxBal'));
    t = Math.max(t, least);
  }
  return t;
}

/** NoneOtherChoosableAt(c, v) for a ballot c in which someone voted. */
function noneOtherChoosableAtVoted(k: Constants, sv: VotingState, ix: VoteIndex, c: Ballot,
  v: Value): boolean {
  const row = ix.byBallot.get(c);
  const fine = (a: number): boolean => {
    const vs = row?.[a];
    return vs === undefined ? at(sv.maxBal, a, 'maxBal') > c : vs.includes(v);
  };
  return k.quorums.quorums.some((Q) => Q.every(fine));
}

/**
 * The first ballot c < b where NoneOtherChoosableAt(c, v) fails, or null: spec/voting.ts's
 * `unsafeBallot`, in O(voted ballots) rather than O(b).
 */
export function unsafeBallot(k: Constants, sv: VotingState, ix: VoteIndex, t: number, b: Ballot,
  v: Value): Ballot | null {
  let unvoted = Math.max(0, t);
  while (ix.byBallot.has(unvoted)) unvoted++;
  for (const c of ix.ballots) {
    if (c >= b || c > unvoted) break;
    if (!noneOtherChoosableAtVoted(k, sv, ix, c, v)) return c;
  }
  return unvoted < b ? unvoted : null;
}

/** SafeAt(b, v). */
export function safeAt(k: Constants, sv: VotingState, b: Ballot, v: Value): boolean {
  return unsafeBallot(k, sv, indexVotes(sv), quorumMaxBal(k, sv), b, v) === null;
}

/** ShowsSafeAt(Q, b, v), through the highest ballot below b in which Q voted. */
export function showsSafeAt(sv: VotingState, ix: VoteIndex, Q: Quorum, b: Ballot,
  v: Value): boolean {
  if (!Q.every((a) => at(sv.maxBal, a, 'maxBal') >= b)) return false;
  let m = -1;
  for (const a of Q) m = Math.max(m, highestBelow(ix.ofAcceptor[a] ?? [], b));
  if (m === -1) return true;
  const row = ix.byBallot.get(m);
  return Q.some((a) => row?.[a]?.includes(v) === true);
}

/** The highest element of the ascending list xs below b, or -1 (binary search). */
function highestBelow(xs: readonly Ballot[], b: Ballot): Ballot | -1 {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at(xs, mid, 'ballots') < b) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? -1 : at(xs, lo - 1, 'ballots');
}

// ---------------------------------------------------------------------------------------------
// The properties: the spec's definitions and words (spec/properties.ts), the fast predicates.
// ---------------------------------------------------------------------------------------------

/** Inv3: every 2a is unique in its ballot and shown safe by some quorum. */
export const Inv3: StateProperty = (k, s, n = defaultNames) => {
  const sv = votingState(k, s);
  const ix = indexVotes(sv);
  const twoA = s.msgs.filter((m): m is Msg2a => m.type === '2a');
  const byBallot = new Map<Ballot, Msg2a[]>();
  for (const m of twoA) byBallot.set(m.bal, [...(byBallot.get(m.bal) ?? []), m]);
  for (const m of twoA) {
    const other = byBallot.get(m.bal)?.find((mm) => mm.val !== m.val);
    if (other !== undefined) {
      return {
        property: 'Inv3',
        summary: `two 2a messages in ballot ${m.bal} carry different values: ` +
          `${showMessage(m, n)} and ${showMessage(other, n)}`,
        witness: { ballot: m.bal, value: m.val, messages: [m, other] },
      };
    }
    if (!k.quorums.quorums.some((Q) => showsSafeAt(sv, ix, Q, m.bal, m.val))) {
      return {
        property: 'Inv3',
        summary: `no quorum shows ${n.value(m.val)} safe at ballot ${m.bal}, yet ` +
          `${showMessage(m, n)} was sent`,
        witness: { ballot: m.bal, value: m.val, messages: [m] },
      };
    }
  }
  return null;
};

/** VotesSafe: every vote is for a value safe at its ballot. */
export const VotesSafe: StateProperty = (k, s, n = defaultNames) => {
  const sv = votingState(k, s);
  const ix = indexVotes(sv);
  const t = quorumMaxBal(k, sv);
  for (const m of s.msgs) {
    if (m.type !== '2b') continue;
    const c = unsafeBallot(k, sv, ix, t, m.bal, m.val);
    if (c !== null) {
      return {
        property: 'VotesSafe',
        summary: `${n.acceptor(m.acc)} voted for ${n.value(m.val)} in ballot ${m.bal}, but ` +
          `${n.value(m.val)} is not safe there: in ballot ${c} no quorum has voted for it or ` +
          `moved past without voting`,
        witness: { acceptor: m.acc, ballot: m.bal, value: m.val, messages: [m] },
      };
    }
  }
  return null;
};

/** Inv4: V!Inv (VotesSafe /\ OneValuePerBallot). */
export const Inv4: StateProperty = (k, s, n = defaultNames) => {
  const inner = VotesSafe(k, s, n) ?? OneValuePerBallot(k, s, n);
  return inner === null ? null : { ...inner, property: 'Inv4',
    summary: `V!Inv fails: ${inner.summary}` };
};

const fast: Readonly<Record<string, StateProperty>> = { Inv3, Inv4, VotesSafe };

/** The spec's state properties, in the spec's order, with these three in place of its own. */
export const traceStateProperties: readonly NamedStateProperty[] = stateProperties.map((p) =>
  ({ name: p.name, check: fast[p.name] ?? p.check }));

/** The first state property `s` breaks, as spec/properties.ts's `firstViolation`. */
export function firstViolation(k: Constants, s: PaxosState,
  n = defaultNames): Violation | null {
  for (const p of traceStateProperties) {
    const v = p.check(k, s, n);
    if (v !== null) return v;
  }
  return null;
}
