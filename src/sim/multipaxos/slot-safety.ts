/**
 * The single-decree state properties of one slot (TypeOK, Inv1..Inv4, VotesSafe,
 * OneValuePerBallot, Consistency, R2, R2', I1 of spec/properties.ts) after a step, checked from
 * what the step changed instead of from scratch. The refinement (refinement.ts) calls it after
 * every spec step in every slot the step touched; test/sim/multipaxos/slot-safety.test.ts holds
 * it to the literal definitions (spec/fast-safety.ts's firstViolation, itself held to
 * spec/properties.ts) on random runs, as test/trace/safety.test.ts holds spec/fast-safety.ts.
 *
 * The claim: let S be a slot's view that satisfies every state property, and T the view after
 * one step, with S.msgs a subset of T.msgs and R1(S, T) (every maxBal'[a] >= maxBal[a], every new
 * 2b has m.bal >= maxBal[m.acc] in S; the refinement checks R1 on the step before this). Then
 * `stepViolation(S, T)` is firstViolation(T): null exactly when T satisfies every property, and
 * otherwise the literal first violation, witness and wording included (a failed obligation
 * below is a conjunct of some property failing in T, so the literal check is then run and must
 * find one; it is what gets reported).
 *
 * Why the obligations suffice (new = in T.msgs but not in S.msgs; "monotone" = what held in S
 * holds in T, so only the new messages need looking at):
 * - TypeOK: the variables are checked whole (one value per acceptor); a message's type depends
 *   on it and the constants alone, and Value only grows (values are numbered as they appear), so
 *   the old messages stay in Message: check the new ones.
 * - Inv1 reads every acceptor's maxVBal/maxVal, which a step may change: checked whole (n
 *   lookups).
 * - Inv2, for each 1b: maxBal[m.acc] >= m.bal, and the vote it reports is in msgs. maxBal never
 *   decreases (R1) and msgs only grows, so old 1b messages keep it: check the new 1b messages.
 * - Inv3, for each 2a m: no other 2a of m.bal has another value, and some quorum Q has
 *   ShowsSafeAt(Q, m.bal, m.val): every a in Q has maxBal[a] >= m.bal, and for some c < m.bal a
 *   member voted for m.val in c (or c = -1) and no member voted strictly between c and m.bal.
 *   For an old 2a the same Q still shows it: maxBal only grows, votes only grow, and a new vote
 *   by a in ballot d < m.bal would need maxBal[a] <= d in S (R1), while a in Q has maxBal[a] >=
 *   m.bal > d; so no member of Q casts one. Check the new 2a messages, against every 2a.
 * - VotesSafe, for each vote (a, b, v): SafeAt(b, v) == \A c < b : \E Q : \A q \in Q :
 *   VotedFor(q, c, v) \/ (maxBal[q] > c /\ DidNotVoteAt(q, c)). Monotone: VotedFor and maxBal
 *   only grow, and a new vote by q in d falsifies DidNotVoteAt(q, d) only where maxBal[q] > d was
 *   already false in S (R1: d >= maxBal[q]). Check SafeAt for the new votes.
 * - OneValuePerBallot: a new pair of votes involves a new vote; check those against every vote.
 *   Inv4 is VotesSafe /\ OneValuePerBallot.
 * - Consistency and R2' read only the 2a and 2b messages: evaluated whole (as the spec writes
 *   them, over chosenProposals) when the step added a 2a or a 2b, else unchanged.
 * - R2 fails only where two values are chosen, so only where Consistency fails.
 * - I1 follows from Inv3 and OneValuePerBallot: if Q shows m safe through c (above), the
 *   highest vote of Q below m.bal is in c (or there is none), and every vote in c is for m.val
 *   (a member's vote for m.val there, and OneValuePerBallot); that is I1's (a) or (b) for S = Q.
 *
 * What it leaves out: R1, the step property, which the refinement checks itself; and a step
 * that removes a message (no spec step does), for which it runs the literal check.
 */
import { firstViolation, indexVotes, quorumMaxBal, showsSafeAt, unsafeBallot } from
  '../../../spec/fast-safety.js';
import type { Names } from '../../../spec/names.js';
import {
  compareMessages, hasMessage, type Constants, type Message, type PaxosState,
} from '../../../spec/paxos.js';
import { Inv1, R1, TypeOK, votingState, type Violation } from '../../../spec/properties.js';
import { chosenProposals } from '../../../spec/voting.js';

/**
 * firstViolation(k, after), given that the state before the step satisfies every state
 * property, R1 holds on the step, and `added` is after.msgs minus its msgs (see the header).
 */
export function stepViolation(k: Constants, after: PaxosState, added: readonly Message[],
  names: Names): Violation | null {
  if (!obligationFails(k, after, added)) return null;
  const v = firstViolation(k, after, names);
  if (v === null) {
    throw new Error('assertion failed: a step obligation failed but no state property does');
  }
  return v;
}

/**
 * R1(k, before, after), given before's maxBal and the step's new messages: R1 reads nothing of
 * the state before but maxBal and, through "a 2b of after.msgs not in before.msgs", the new
 * messages.
 */
export function stepR1(k: Constants, maxBal: PaxosState['maxBal'], after: PaxosState,
  added: readonly Message[], names: Names): Violation | null {
  return R1(k, { ...after, maxBal, msgs: [] }, { ...after, msgs: added }, names);
}

/** after.msgs minus before.msgs (both sorted), or null when a message of before is missing. */
export function addedMessages(before: readonly Message[], after: readonly Message[]):
  Message[] | null {
  const added: Message[] = [];
  let i = 0;
  for (const m of after) {
    const c = i < before.length ? compareMessages(before[i]!, m) : 1;
    if (c < 0) return null;
    if (c === 0) i++;
    else added.push(m);
  }
  return i === before.length ? added : null;
}

/** Whether a conjunct the step could have broken fails in `after` (the header's list). */
function obligationFails(k: Constants, after: PaxosState, added: readonly Message[]): boolean {
  if (TypeOK(k, { ...after, msgs: added }) !== null || Inv1(k, after) !== null) return true;
  let votesChanged = false;
  for (const m of added) {
    if (m.type === '1b') {
      if ((after.maxBal[m.acc] as number) < m.bal) return true;
      if (m.mbal >= 0 && !(m.mval !== null && hasMessage(after.msgs,
        { type: '2b', acc: m.acc, bal: m.mbal, val: m.mval }))) return true;
    } else if (m.type === '2a' || m.type === '2b') votesChanged = true;
  }
  if (!votesChanged) return false;
  const sv = votingState(k, after);
  const ix = indexVotes(sv);
  const t = quorumMaxBal(k, sv);
  for (const m of added) {
    if (m.type === '2a') {
      if (after.msgs.some((x) => x.type === '2a' && x.bal === m.bal && x.val !== m.val)) {
        return true;
      }
      if (!k.quorums.quorums.some((Q) => showsSafeAt(sv, ix, Q, m.bal, m.val))) return true;
    } else if (m.type === '2b') {
      if (after.msgs.some((x) => x.type === '2b' && x.bal === m.bal && x.val !== m.val)) {
        return true;
      }
      if (unsafeBallot(k, sv, ix, t, m.bal, m.val) !== null) return true;
    }
  }
  const proposals = chosenProposals(k, sv);
  if (proposals.some((p) => p.val !== proposals[0]!.val)) return true; // Consistency
  // R2': no 2a above a chosen ballot proposes another value.
  return proposals.some((p) => after.msgs.some((m) =>
    m.type === '2a' && m.bal > p.bal && m.val !== p.val));
}
