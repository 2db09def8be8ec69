/**
 * Voting: the abstract algorithm of Lamport's `Voting.tla`, which Paxos refines.
 *
 * There are no messages here. Acceptors cast votes <<b, v>>, and a value is chosen when a quorum
 * votes for it in one ballot. The safety argument of Paxos lives at this level: an acceptor may
 * vote for v in ballot b only when v is *safe at* b, meaning no other value has been or can ever
 * be chosen in a lower ballot. Paxos's 1b messages are how a leader learns enough to show that.
 *
 * The small named predicates below (VotedFor, ChosenAt, SafeAt, ShowsSafeAt, ...) are the
 * vocabulary the invariants in spec/properties.ts are written in. Ballot ranges such as
 * 0..(b-1) are quantified literally, so these are meant for checking, not for speed.
 */
import { at } from './at.js';
import type { Acceptor, Ballot, Constants, Value, Vote } from './paxos.js';
import type { Quorum } from './quorums.js';

export interface VotingState {
  /** votes[a]: the set of votes cast by acceptor a. */
  readonly votes: readonly (readonly Vote[])[];
  /** maxBal[a]: a will cast further votes only in ballots >= maxBal[a]. */
  readonly maxBal: readonly (Ballot | -1)[];
}

/** VotedFor(a, b, v): acceptor a has voted for v in ballot b. */
export function VotedFor(sv: VotingState, a: Acceptor, b: Ballot, v: Value): boolean {
  return (sv.votes[a] ?? []).some((vt) => vt.bal === b && vt.val === v);
}

/** ChosenAt(b, v): a quorum has all voted for v in ballot b. Returns that quorum, or null. */
export function ChosenAt(k: Constants, sv: VotingState, b: Ballot, v: Value): Quorum | null {
  for (const Q of k.quorums.quorums) {
    if (Q.every((a) => VotedFor(sv, a, b, v))) return Q;
  }
  return null;
}

/** The ballots in which some acceptor has voted, ascending: the only ones where ChosenAt holds. */
export function votedBallots(sv: VotingState): Ballot[] {
  const ballots = new Set<Ballot>();
  for (const vs of sv.votes) for (const vt of vs) ballots.add(vt.bal);
  return [...ballots].sort((x, y) => x - y);
}

/** A value chosen in a ballot, with the quorum that chose it. */
export interface ChosenProposal {
  readonly bal: Ballot; readonly val: Value; readonly quorum: Quorum;
}

/** Every <<b, v>> with ChosenAt(b, v), ascending by ballot. */
export function chosenProposals(k: Constants, sv: VotingState): ChosenProposal[] {
  const found: ChosenProposal[] = [];
  for (const b of votedBallots(sv)) {
    for (let v = 0; v < k.values; v++) {
      const quorum = ChosenAt(k, sv, b, v);
      if (quorum !== null) found.push({ bal: b, val: v, quorum });
    }
  }
  return found;
}

/** chosen == {v \in Value : \E b \in Ballot : ChosenAt(b, v)}, ascending. */
export function chosen(k: Constants, sv: VotingState): Value[] {
  return [...new Set(chosenProposals(k, sv).map((p) => p.val))].sort((x, y) => x - y);
}

/** DidNotVoteAt(a, b): a cast no vote in ballot b. */
export function DidNotVoteAt(sv: VotingState, a: Acceptor, b: Ballot): boolean {
  return !(sv.votes[a] ?? []).some((vt) => vt.bal === b);
}

/** CannotVoteAt(a, b): a has moved past b without voting in it, so it never will. */
export function CannotVoteAt(sv: VotingState, a: Acceptor, b: Ballot): boolean {
  return at(sv.maxBal, a, 'maxBal') > b && DidNotVoteAt(sv, a, b);
}

/**
 * NoneOtherChoosableAt(b, v): some quorum's members each voted for v in b or can no longer vote
 * in b; then no value other than v is or can ever be chosen in b.
 */
export function NoneOtherChoosableAt(k: Constants, sv: VotingState, b: Ballot, v: Value): boolean {
  return k.quorums.quorums.some((Q) =>
    Q.every((a) => VotedFor(sv, a, b, v) || CannotVoteAt(sv, a, b)));
}

/** SafeAt(b, v): no value other than v has been or can ever be chosen in a ballot below b. */
export function SafeAt(k: Constants, sv: VotingState, b: Ballot, v: Value): boolean {
  for (let c = 0; c < b; c++) if (!NoneOtherChoosableAt(k, sv, c, v)) return false;
  return true;
}

/** The first ballot c < b at which NoneOtherChoosableAt(c, v) fails, or null: SafeAt's witness. */
export function unsafeBallot(k: Constants, sv: VotingState, b: Ballot, v: Value): Ballot | null {
  for (let c = 0; c < b; c++) if (!NoneOtherChoosableAt(k, sv, c, v)) return c;
  return null;
}

/**
 * ShowsSafeAt(Q, b, v): what a leader can deduce from quorum Q's 1b messages. Every member of
 * Q has joined ballot b or higher, and for some c < b: (if c # -1) some member voted for v in c,
 * and no member voted in any ballot strictly between c and b.
 */
export function ShowsSafeAt(sv: VotingState, Q: Quorum, b: Ballot, v: Value): boolean {
  if (!Q.every((a) => at(sv.maxBal, a, 'maxBal') >= b)) return false;
  for (let c = -1; c < b; c++) {
    if (c !== -1 && !Q.some((a) => VotedFor(sv, a, c, v))) continue;
    let silent = true;
    for (let d = c + 1; d < b && silent; d++) silent = Q.every((a) => DidNotVoteAt(sv, a, d));
    if (silent) return true;
  }
  return false;
}

/** A Voting step that explains a Paxos step: the action, or a stutter. */
export type VotingAction =
  | { readonly name: 'IncreaseMaxBal'; readonly a: Acceptor; readonly b: Ballot }
  | { readonly name: 'VoteFor'; readonly a: Acceptor; readonly b: Ballot; readonly v: Value }
  | { readonly name: 'Stutter' };

export type VotingStepResult =
  | { readonly ok: true; readonly action: VotingAction }
  | { readonly ok: false; readonly conjunct: string; readonly why: string };

/** IncreaseMaxBal(a, b): an acceptor may raise maxBal[a] at any time. */
export function IncreaseMaxBal(sv: VotingState, a: Acceptor, b: Ballot): VotingStepResult {
  const maxBal = at(sv.maxBal, a, 'maxBal');
  if (!(b > maxBal)) {
    const why = `maxBal[${a}] is ${maxBal}, not below ${b}`;
    return { ok: false, conjunct: 'b > maxBal[a]', why };
  }
  return { ok: true, action: { name: 'IncreaseMaxBal', a, b } };
}

/**
 * VoteFor(a, b, v): a votes for v in b if it has not promised a higher ballot, has not voted in
 * b, no other acceptor voted for a different value in b (OneValuePerBallot), and some quorum
 * shows v safe at b (VotesSafe).
 */
export function VoteFor(k: Constants, sv: VotingState, a: Acceptor, b: Ballot,
  v: Value): VotingStepResult {
  const fail = (conjunct: string, why: string): VotingStepResult => ({ ok: false, conjunct, why });
  if (!(at(sv.maxBal, a, 'maxBal') <= b)) {
    return fail('maxBal[a] \\leq b', `maxBal[${a}] is above ${b}`);
  }
  if ((sv.votes[a] ?? []).some((vt) => vt.bal === b)) {
    return fail('\\A vt \\in votes[a] : vt[1] # b', `acceptor ${a} already voted in ballot ${b}`);
  }
  for (let c = 0; c < k.acceptors; c++) {
    if (c === a) continue;
    const other = (sv.votes[c] ?? []).find((vt) => vt.bal === b && vt.val !== v);
    if (other !== undefined) {
      return fail('\\A c \\in Acceptor \\ {a} : \\A vt \\in votes[c] : (vt[1] = b) => (vt[2] = v)',
        `acceptor ${c} voted for ${other.val} in ballot ${b}`);
    }
  }
  if (!k.quorums.quorums.some((Q) => ShowsSafeAt(sv, Q, b, v))) {
    return fail('\\E Q \\in Quorum : ShowsSafeAt(Q, b, v)',
      `no quorum shows ${v} safe at ballot ${b}`);
  }
  return { ok: true, action: { name: 'VoteFor', a, b, v } };
}

/** The same vote: <<x.bal, x.val>> = <<y.bal, y.val>>. */
function sameVote(x: Vote, y: Vote): boolean {
  return x.bal === y.bal && x.val === y.val;
}

/** The votes of xs that are not in ys (set difference, votes compared as pairs). */
function votesMinus(xs: readonly Vote[], ys: readonly Vote[]): Vote[] {
  return xs.filter((x) => !ys.some((y) => sameVote(x, y)));
}

/**
 * Whether acceptor a's part of the Voting state differs between sv and tv: its maxBal, or its
 * vote *set*. Sets, not sizes: a vote replaced by another keeps the size and is still a change.
 */
function acceptorChanged(sv: VotingState, tv: VotingState, a: Acceptor): boolean {
  const before = sv.votes[a] ?? [];
  const after = tv.votes[a] ?? [];
  return sv.maxBal[a] !== tv.maxBal[a]
    || votesMinus(before, after).length > 0 || votesMinus(after, before).length > 0;
}

/**
 * [Next]_<<votes, maxBal>>: which Voting action takes sv to tv, if any. Used to check that
 * every Paxos step maps to a Voting step or a stutter (THEOREM Spec => V!Spec).
 */
export function votingStep(k: Constants, sv: VotingState, tv: VotingState): VotingStepResult {
  const fail = (conjunct: string, why: string): VotingStepResult => ({ ok: false, conjunct, why });
  const changed: Acceptor[] = [];
  for (let a = 0; a < k.acceptors; a++) if (acceptorChanged(sv, tv, a)) changed.push(a);
  if (changed.length === 0) return { ok: true, action: { name: 'Stutter' } };
  if (changed.length > 1) {
    return fail('\\E a \\in Acceptor', `acceptors ${changed.join(', ')} changed in one step`);
  }
  const a = at(changed, 0, 'changed');
  const added = votesMinus(tv.votes[a] ?? [], sv.votes[a] ?? []);
  const lost = votesMinus(sv.votes[a] ?? [], tv.votes[a] ?? []);
  if (lost.length > 0) {
    const vt = at(lost, 0, 'lost');
    return fail('votes\' \\supseteq votes',
      `acceptor ${a} lost its vote for ${vt.val} in ballot ${vt.bal}`);
  }
  const maxBal = at(tv.maxBal, a, 'maxBal');
  if (added.length === 0) return IncreaseMaxBal(sv, a, maxBal);
  if (added.length > 1) {
    return fail('VoteFor(a, b, v)', `acceptor ${a} cast ${added.length} votes in one step`);
  }
  const vote = at(added, 0, 'added');
  if (maxBal !== vote.bal) {
    return fail('maxBal\' = [maxBal EXCEPT ![a] = b]',
      `maxBal[${a}] became ${maxBal}, not ${vote.bal}`);
  }
  return VoteFor(k, sv, a, vote.bal, vote.val);
}

/** Two votes in one ballot for different values, or null: the witness of ~OneValuePerBallot. */
export function OneValuePerBallotWitness(sv: VotingState): {
  readonly bal: Ballot;
  readonly first: { readonly acc: Acceptor; readonly val: Value };
  readonly second: { readonly acc: Acceptor; readonly val: Value };
} | null {
  for (let a1 = 0; a1 < sv.votes.length; a1++) {
    for (const x of sv.votes[a1] ?? []) {
      for (let a2 = 0; a2 < sv.votes.length; a2++) {
        const y = (sv.votes[a2] ?? []).find((vt) => vt.bal === x.bal && vt.val !== x.val);
        if (y !== undefined) {
          return { bal: x.bal, first: { acc: a1, val: x.val }, second: { acc: a2, val: y.val } };
        }
      }
    }
  }
  return null;
}

/** VotesSafe over the whole Voting state: every vote is safe at its ballot. */
export function VotesSafe(k: Constants, sv: VotingState): boolean {
  return sv.votes.every((vs) => vs.every((vt) => SafeAt(k, sv, vt.bal, vt.val)));
}

/** OneValuePerBallot over the whole Voting state. */
export function OneValuePerBallot(sv: VotingState): boolean {
  return OneValuePerBallotWitness(sv) === null;
}
