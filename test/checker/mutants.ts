/**
 * Deliberately broken variants of spec/paxos.ts (issue 2, section 6), each made by replacing one
 * entry of the spec's `Actions` table, so the spec itself stays untouched. Each re-states its
 * action with one conjunct dropped or weakened, and says which property must catch it.
 */
import {
  actions, quorum1b, send, type Actions, type Constants, type Msg1a, type Msg2a, type PaxosState,
  type StepResult,
} from '../../spec/paxos.js';

function except<T>(xs: readonly T[], i: number, x: T): readonly T[] {
  const next = xs.slice();
  next[i] = x;
  return next;
}

const refuse = (conjunct: string): StepResult => ({ ok: false, conjunct, why: 'mutant' });

/**
 * Phase2a ignoring the highest reported vote: any value may be proposed once a quorum has
 * joined (the conjunct Paxos.tla calls the heart of the algorithm is gone). Caught by Inv3.
 */
export const phase2aIgnoresVotes: Actions = {
  ...actions,
  Phase2a: (k: Constants, s: PaxosState, b: number, v: number): StepResult => {
    if (s.msgs.some((m) => m.type === '2a' && m.bal === b)) return refuse('one 2a per ballot');
    const joined = k.quorums.quorums.some((Q) => quorum1b(s, Q, b) !== null);
    if (!joined) return refuse('a quorum joined');
    return { ok: true, next: { ...s, msgs: send(s.msgs, { type: '2a', bal: b, val: v }) } };
  },
};

/**
 * Phase1b not checking maxBal: an acceptor joins any ballot, even below its promise. Made by
 * letting the real Phase1b see maxBal[a] = -1, so only its `m.bal > maxBal[a]` test changes.
 * Caught by R1 (the promise is withdrawn).
 */
export const phase1bIgnoresMaxBal: Actions = {
  ...actions,
  Phase1b: (k: Constants, s: PaxosState, a: number, m: Msg1a): StepResult =>
    actions.Phase1b(k, { ...s, maxBal: except(s.maxBal, a, -1) }, a, m),
};

/**
 * Phase2b accepting below maxBal: the acceptor votes in a ballot it promised to skip. The real
 * Phase2b sees maxBal[a] lowered to m.bal, so only its `m.bal >= maxBal[a]` test changes. R1.
 */
export const phase2bIgnoresMaxBal: Actions = {
  ...actions,
  Phase2b: (k: Constants, s: PaxosState, a: number, m: Msg2a): StepResult =>
    actions.Phase2b(k, {
      ...s, maxBal: except(s.maxBal, a, Math.min(s.maxBal[a] as number, m.bal)),
    }, a, m),
};

/** Two 2a messages with different values in one ballot: the "one 2a per ballot" test is gone. */
export const phase2aTwicePerBallot: Actions = {
  ...actions,
  Phase2a: (k: Constants, s: PaxosState, b: number, v: number): StepResult => {
    // Hide this ballot's 2a messages from the real Phase2a, then send on the real state.
    const hidden = { ...s, msgs: s.msgs.filter((m) => !(m.type === '2a' && m.bal === b)) };
    const r = actions.Phase2a(k, hidden, b, v);
    if (!r.ok) return r;
    return { ok: true, next: { ...s, msgs: send(s.msgs, { type: '2a', bal: b, val: v }) } };
  },
};

/**
 * Phase2b replacing the acceptor's earlier votes: its older 2b messages vanish from msgs when it
 * votes again, so votes[a] keeps one vote only. No two values are ever chosen, but a vote, once
 * cast, is never taken back in Voting: refinement catches the step where a vote is lost
 * (votes' \supseteq votes), and Inv2 sees maxVBal/maxVal without the 2b message behind them.
 * When the acceptor had already joined the new ballot, the number of votes stays 1 and maxBal
 * stays put, so only a comparison of vote *sets* sees the step as anything but a stutter.
 */
export const phase2bReplacesVote: Actions = {
  ...actions,
  Phase2b: (k: Constants, s: PaxosState, a: number, m: Msg2a): StepResult => {
    const r = actions.Phase2b(k, s, a, m);
    if (!r.ok) return r;
    const replaced = (x: PaxosState['msgs'][number]): boolean =>
      x.type === '2b' && x.acc === a && !(x.bal === m.bal && x.val === m.val);
    return { ok: true, next: { ...r.next, msgs: r.next.msgs.filter((x) => !replaced(x)) } };
  },
};
