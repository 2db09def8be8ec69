/**
 * The named properties of DESIGN.md, each in its own function, each citing the sentence of
 * Paxos Made Simple (PMS) and the TLA+ definition it corresponds to.
 *
 * A property returns null when it holds, or a Violation whose witness is in protocol terms:
 * the ballot, the value, the quorum, the acceptor and the messages involved, never a state dump.
 * Names of acceptors and values in the summary come from `names` (the trace layer passes the
 * implementation's own names; the default is a1, a2, ... and v1, v2, ...).
 *
 * Every safety property has a "sometimes" partner in `reachability`: a state that exploration
 * must reach, so that a model which does nothing (or is cut too small) cannot pass vacuously.
 */
import { at } from './at.js';
import {
  hasMessage, votesOf, type Acceptor, type Ballot, type Constants, type Message, type Msg1b,
  type Msg2a, type Msg2b, type PaxosState, type Value,
} from './paxos.js';
import { defaultNames, type Names } from './names.js';
import type { Quorum } from './quorums.js';
import {
  chosen, chosenProposals, OneValuePerBallotWitness, ShowsSafeAt, unsafeBallot, type VotingState,
} from './voting.js';

export type PropertyName =
  | 'TypeOK' | 'R1' | 'R2' | "R2'" | 'I1' | 'Inv1' | 'Inv2' | 'Inv3' | 'Inv4'
  | 'VotesSafe' | 'OneValuePerBallot' | 'Consistency';

export interface Witness {
  readonly ballot?: Ballot;
  readonly value?: Value;
  readonly quorum?: Quorum;
  readonly acceptor?: Acceptor;
  readonly messages?: readonly Message[];
}

export interface Violation {
  readonly property: PropertyName;
  /** One or two sentences in protocol terms. */
  readonly summary: string;
  readonly witness: Witness;
}

export { defaultNames, type Names } from './names.js';

/** A message written for people: 2b(a1, bal 2, v1). */
export function showMessage(m: Message, n: Names = defaultNames): string {
  switch (m.type) {
    case '1a': return `1a(bal ${m.bal})`;
    case '1b': return `1b(${n.acceptor(m.acc)}, bal ${m.bal}, mbal ${m.mbal}, ` +
      `mval ${m.mval === null ? 'None' : n.value(m.mval)})`;
    case '2a': return `2a(bal ${m.bal}, ${n.value(m.val)})`;
    case '2b': return `2b(${n.acceptor(m.acc)}, bal ${m.bal}, ${n.value(m.val)})`;
  }
}

function showQuorum(q: Quorum, n: Names): string {
  return `{${q.map(n.acceptor).join(', ')}}`;
}

/** The Voting state under the refinement mapping: votes from 2b messages, maxBal as is. */
export function votingState(k: Constants, s: PaxosState): VotingState {
  return { votes: votesOf(k, s), maxBal: s.maxBal };
}

export type StateProperty = (k: Constants, s: PaxosState, n?: Names) => Violation | null;
export type StepProperty = (k: Constants, s: PaxosState, t: PaxosState, n?: Names) =>
  Violation | null;

// ---------------------------------------------------------------------------------------------
// TypeOK
// ---------------------------------------------------------------------------------------------

const isBallot = (k: Constants, b: unknown): boolean =>
  typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= k.maxBallot;
const isBallotOrNone = (k: Constants, b: unknown): boolean => b === -1 || isBallot(k, b);
const isValue = (k: Constants, v: unknown): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < k.values;
const isAcceptor = (k: Constants, a: unknown): boolean =>
  typeof a === 'number' && Number.isInteger(a) && a >= 0 && a < k.acceptors;

function wellTyped(k: Constants, m: Message): boolean {
  switch (m.type) {
    case '1a': return isBallot(k, m.bal);
    case '1b': return isAcceptor(k, m.acc) && isBallot(k, m.bal) && isBallotOrNone(k, m.mbal)
      && (m.mval === null || isValue(k, m.mval));
    case '2a': return isBallot(k, m.bal) && isValue(k, m.val);
    case '2b': return isAcceptor(k, m.acc) && isBallot(k, m.bal) && isValue(k, m.val);
  }
}

/**
 * TypeOK (Paxos.tla): maxBal, maxVBal \in [Acceptor -> Ballot \cup {-1}],
 * maxVal \in [Acceptor -> Value \cup {None}], msgs \subseteq Message.
 */
export const TypeOK: StateProperty = (k, s, n = defaultNames) => {
  for (let a = 0; a < k.acceptors; a++) {
    const bad = !isBallotOrNone(k, s.maxBal[a]) ? 'maxBal'
      : !isBallotOrNone(k, s.maxVBal[a]) ? 'maxVBal'
        : !(s.maxVal[a] === null || isValue(k, s.maxVal[a])) ? 'maxVal' : null;
    if (bad !== null) {
      return { property: 'TypeOK', summary: `${bad}[${n.acceptor(a)}] is out of its type`,
        witness: { acceptor: a } };
    }
  }
  const m = s.msgs.find((x) => !wellTyped(k, x));
  if (m !== undefined) {
    return { property: 'TypeOK', summary: `message ${JSON.stringify(m)} is not in Message`,
      witness: { messages: [m] } };
  }
  return null;
};

// ---------------------------------------------------------------------------------------------
// Inv1..Inv4: the conjuncts of Paxos.tla's Inv after TypeOK.
// ---------------------------------------------------------------------------------------------

/**
 * Inv1: an acceptor's latest vote is recorded as a vote (a 2b it sent):
 * \A a : IF maxVBal[a] = -1 THEN maxVal[a] = None ELSE <<maxVBal[a], maxVal[a]>> \in votes[a].
 */
export const Inv1: StateProperty = (k, s, n = defaultNames) => {
  for (let a = 0; a < k.acceptors; a++) {
    const mbal = at(s.maxVBal, a, 'maxVBal');
    const mval = at(s.maxVal, a, 'maxVal');
    const recorded = mbal === -1 ? mval === null
      : mval !== null && hasMessage(s.msgs, { type: '2b', acc: a, bal: mbal, val: mval });
    if (recorded) continue;
    const summary = mbal === -1
      ? `${n.acceptor(a)} has not voted (maxVBal = -1) but maxVal is ` +
        `${mval === null ? 'None' : n.value(mval)}`
      : `${n.acceptor(a)} records a vote for ${mval === null ? 'None' : n.value(mval)} in ballot ` +
        `${mbal}, but sent no such 2b`;
    const witness = { acceptor: a, ballot: mbal, ...(mval === null ? {} : { value: mval }) };
    return { property: 'Inv1', summary, witness };
  }
  return null;
};

/**
 * Inv2: a 1b message tells the truth. Its sender has joined its ballot (maxBal[m.acc] >= m.bal),
 * and the vote it reports was really cast (<<m.mbal, m.mval>> \in votes[m.acc] when m.mbal >= 0).
 */
export const Inv2: StateProperty = (_k, s, n = defaultNames) => {
  for (const m of s.msgs) {
    if (m.type !== '1b') continue;
    if (!(at(s.maxBal, m.acc, 'maxBal') >= m.bal)) {
      return {
        property: 'Inv2',
        summary: `${n.acceptor(m.acc)} sent ${showMessage(m, n)} but its maxBal is ` +
          `${s.maxBal[m.acc]}: it withdrew its promise`,
        witness: { acceptor: m.acc, ballot: m.bal, messages: [m] },
      };
    }
    if (m.mbal >= 0 && !(m.mval !== null && hasMessage(s.msgs, { type: '2b', acc: m.acc,
      bal: m.mbal, val: m.mval }))) {
      return {
        property: 'Inv2',
        summary: `${showMessage(m, n)} reports a vote in ballot ${m.mbal} that ` +
          `${n.acceptor(m.acc)} never cast`,
        witness: { acceptor: m.acc, ballot: m.mbal, messages: [m] },
      };
    }
  }
  return null;
};

/**
 * Inv3: every 2a message is justified and unique in its ballot:
 * (\E Q \in Quorum : V!ShowsSafeAt(Q, m.bal, m.val)) /\ no other 2a of m.bal has another value.
 */
export const Inv3: StateProperty = (k, s, n = defaultNames) => {
  const sv = votingState(k, s);
  const twoA = s.msgs.filter((m): m is Msg2a => m.type === '2a');
  for (const m of twoA) {
    const other = twoA.find((mm) => mm.bal === m.bal && mm.val !== m.val);
    if (other !== undefined) {
      return {
        property: 'Inv3',
        summary: `two 2a messages in ballot ${m.bal} carry different values: ` +
          `${showMessage(m, n)} and ${showMessage(other, n)}`,
        witness: { ballot: m.bal, value: m.val, messages: [m, other] },
      };
    }
    if (!k.quorums.quorums.some((Q) => ShowsSafeAt(sv, Q, m.bal, m.val))) {
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

/** Inv4: V!Inv, Voting's invariant (VotesSafe /\ OneValuePerBallot) under the mapping. */
export const Inv4: StateProperty = (k, s, n = defaultNames) => {
  const inner = VotesSafe(k, s, n) ?? OneValuePerBallot(k, s, n);
  return inner === null ? null : { ...inner, property: 'Inv4',
    summary: `V!Inv fails: ${inner.summary}` };
};

// ---------------------------------------------------------------------------------------------
// Voting's invariants, through the refinement mapping.
// ---------------------------------------------------------------------------------------------

/**
 * VotesSafe (Voting.tla): \A a, b, v : VotedFor(a, b, v) => SafeAt(b, v). Every vote is for a
 * value no other value can contest in a lower ballot. The heart of PMS's P2b.
 */
export const VotesSafe: StateProperty = (k, s, n = defaultNames) => {
  const sv = votingState(k, s);
  for (const m of s.msgs) {
    if (m.type !== '2b') continue;
    const c = unsafeBallot(k, sv, m.bal, m.val);
    if (c !== null) {
      return {
        property: 'VotesSafe',
        summary: `${n.acceptor(m.acc)} voted for ${n.value(m.val)} in ballot ${m.bal}, but ` +
          `${n.value(m.val)} is not safe there: ` +
          `in ballot ${c} no quorum has voted for it or moved past without voting`,
        witness: { acceptor: m.acc, ballot: m.bal, value: m.val, messages: [m] },
      };
    }
  }
  return null;
};

/** OneValuePerBallot (Voting.tla): two votes in the same ballot are for the same value. */
export const OneValuePerBallot: StateProperty = (k, s, n = defaultNames) => {
  const w = OneValuePerBallotWitness(votingState(k, s));
  if (w === null) return null;
  const messages: Msg2b[] = [
    { type: '2b', acc: w.first.acc, bal: w.bal, val: w.first.val },
    { type: '2b', acc: w.second.acc, bal: w.bal, val: w.second.val },
  ];
  return {
    property: 'OneValuePerBallot',
    summary: `in ballot ${w.bal}, ${n.acceptor(w.first.acc)} voted for ${n.value(w.first.val)} ` +
      `and ${n.acceptor(w.second.acc)} for ${n.value(w.second.val)}`,
    witness: { ballot: w.bal, messages },
  };
};

/** Consistency (Consensus.tla, through both mappings): at most one value is chosen. */
export const Consistency: StateProperty = (k, s, n = defaultNames) => {
  const values = chosen(k, votingState(k, s));
  if (values.length <= 1) return null;
  const proposals = chosenProposals(k, votingState(k, s));
  const first = proposals.find((p) => p.val === values[0]);
  const second = proposals.find((p) => p.val === values[1]);
  if (first === undefined || second === undefined) {
    throw new Error('Consistency: chosen without a proposal');
  }
  return {
    property: 'Consistency',
    summary: `two values are chosen: ${n.value(first.val)} in ballot ${first.bal} by ` +
      `${showQuorum(first.quorum, n)} and ` +
      `${n.value(second.val)} in ballot ${second.bal} by ${showQuorum(second.quorum, n)}`,
    witness: { ballot: second.bal, value: second.val, quorum: second.quorum,
      messages: chosenMessages([first, second]) },
  };
};

function chosenMessages(ps: readonly { bal: Ballot; val: Value; quorum: Quorum }[]): Msg2b[] {
  return ps.flatMap((p) => p.quorum.map((acc): Msg2b => ({ type: '2b', acc, bal: p.bal,
    val: p.val })));
}

// ---------------------------------------------------------------------------------------------
// Paxos Made Simple's R1, R2, R2' and I1 (called P1a, P2, P2b and P2c in the paper).
// ---------------------------------------------------------------------------------------------

/**
 * R1, a step property [PMS P1a]: "An acceptor can accept a proposal numbered n iff it has not
 * responded to a prepare request having a number greater than n." In TLA+ terms, for each 2b
 * sent in the step, m.bal >= maxBal[m.acc] before it; and a promise is never withdrawn
 * (maxBal'[a] >= maxBal[a]), since forgetting a promise is how an acceptor comes to accept
 * below it later.
 */
export const R1: StepProperty = (k, s, t, n = defaultNames) => {
  for (let a = 0; a < k.acceptors; a++) {
    if (at(t.maxBal, a, 'maxBal') < at(s.maxBal, a, 'maxBal')) {
      return {
        property: 'R1',
        summary: `${n.acceptor(a)} withdrew its promise: maxBal went from ${s.maxBal[a]} down to ` +
          `${t.maxBal[a]}`,
        witness: { acceptor: a, ballot: at(s.maxBal, a, 'maxBal') },
      };
    }
  }
  for (const m of t.msgs) {
    if (m.type !== '2b' || hasMessage(s.msgs, m)) continue;
    if (m.bal < at(s.maxBal, m.acc, 'maxBal')) {
      return {
        property: 'R1',
        summary: `${n.acceptor(m.acc)} accepted a proposal in ballot ${m.bal} after promising ` +
          `ballot ${s.maxBal[m.acc]}`,
        witness: { acceptor: m.acc, ballot: m.bal, value: m.val, messages: [m] },
      };
    }
  }
  return null;
};

/**
 * R2 [PMS P2]: "If a proposal with value v is chosen, then every higher-numbered proposal that
 * is chosen has value v." Chosen is Voting's ChosenAt over the votes of 2b messages.
 */
export const R2: StateProperty = (k, s, n = defaultNames) => {
  const proposals = chosenProposals(k, votingState(k, s));
  for (const p of proposals) {
    const later = proposals.find((q) => q.bal > p.bal && q.val !== p.val);
    if (later !== undefined) {
      return {
        property: 'R2',
        summary: `${n.value(p.val)} was chosen in ballot ${p.bal} by ${showQuorum(p.quorum, n)}, ` +
          `yet ${n.value(later.val)} ` +
          `was chosen in the higher ballot ${later.bal} by ${showQuorum(later.quorum, n)}`,
        witness: { ballot: later.bal, value: later.val, quorum: later.quorum,
          messages: chosenMessages([p, later]) },
      };
    }
  }
  return null;
};

/**
 * R2' [PMS P2b]: "If a proposal with value v is chosen, then every higher-numbered proposal
 * issued by any proposer has value v." Issued proposals are 2a messages.
 */
export const R2p: StateProperty = (k, s, n = defaultNames) => {
  const proposals = chosenProposals(k, votingState(k, s));
  for (const p of proposals) {
    const issued = s.msgs.find((m): m is Msg2a => m.type === '2a' && m.bal > p.bal
      && m.val !== p.val);
    if (issued !== undefined) {
      return {
        property: "R2'",
        summary: `${n.value(p.val)} was chosen in ballot ${p.bal} by ${showQuorum(p.quorum, n)}, ` +
          `yet ${showMessage(issued, n)} ` +
          'proposes another value in a higher ballot',
        witness: { ballot: issued.bal, value: issued.val, quorum: p.quorum,
          messages: [...chosenMessages([p]), issued] },
      };
    }
  }
  return null;
};

/**
 * I1 [PMS P2c]: "For any v and n, if a proposal with value v and number n is issued, then there
 * is a set S consisting of a majority of acceptors such that either (a) no acceptor in S has
 * accepted any proposal numbered less than n, or (b) v is the value of the highest-numbered
 * proposal among all proposals numbered less than n accepted by the acceptors in S." S ranges
 * over the quorum system; accepted proposals are votes (2b messages).
 */
export const I1: StateProperty = (k, s, n = defaultNames) => {
  const sv = votingState(k, s);
  for (const m of s.msgs) {
    if (m.type !== '2a') continue;
    if (k.quorums.quorums.some((S) => issuedSafely(sv, S, m))) continue;
    return {
      property: 'I1',
      summary: `${showMessage(m, n)} was issued, but in every quorum some acceptor accepted a ` +
        `proposal below ` +
        `ballot ${m.bal} and the highest such proposal is not for ${n.value(m.val)}`,
      witness: { ballot: m.bal, value: m.val, messages: [m] },
    };
  }
  return null;
};

function issuedSafely(sv: VotingState, S: Quorum, m: Msg2a): boolean {
  let highest = -1;
  for (const a of S) {
    for (const vt of sv.votes[a] ?? []) if (vt.bal < m.bal) highest = Math.max(highest, vt.bal);
  }
  if (highest === -1) return true;
  return S.every((a) => (sv.votes[a] ?? []).every((vt) => vt.bal !== highest || vt.val === m.val));
}

// ---------------------------------------------------------------------------------------------
// The tables the checkers iterate over.
// ---------------------------------------------------------------------------------------------

export interface NamedStateProperty { readonly name: PropertyName; readonly check: StateProperty }
export interface NamedStepProperty { readonly name: PropertyName; readonly check: StepProperty }

/** Every state property, TypeOK first (the others assume it). */
export const stateProperties: readonly NamedStateProperty[] = [
  { name: 'TypeOK', check: TypeOK },
  { name: 'Inv1', check: Inv1 },
  { name: 'Inv2', check: Inv2 },
  { name: 'Inv3', check: Inv3 },
  { name: 'Inv4', check: Inv4 },
  { name: 'VotesSafe', check: VotesSafe },
  { name: 'OneValuePerBallot', check: OneValuePerBallot },
  { name: 'Consistency', check: Consistency },
  { name: 'R2', check: R2 },
  { name: "R2'", check: R2p },
  { name: 'I1', check: I1 },
];

export const stepProperties: readonly NamedStepProperty[] = [{ name: 'R1', check: R1 }];

/** The first state property violated in s, or null. */
export function firstViolation(k: Constants, s: PaxosState,
  n: Names = defaultNames): Violation | null {
  for (const p of stateProperties) {
    const v = p.check(k, s, n);
    if (v !== null) return v;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// "Sometimes" partners.
// ---------------------------------------------------------------------------------------------

export interface Reachability {
  readonly name: string;
  /** The safety properties this target keeps from passing vacuously. */
  readonly partners: readonly PropertyName[];
  readonly description: string;
  readonly holds: (k: Constants, s: PaxosState) => boolean;
}

const twoAs = (s: PaxosState): Msg2a[] => s.msgs.filter((m): m is Msg2a => m.type === '2a');

export const reachability: readonly Reachability[] = [
  {
    name: 'ValueChosen',
    partners: ['Consistency', 'R2', 'TypeOK'],
    description: 'a value can be chosen',
    holds: (k, s) => chosen(k, votingState(k, s)).length > 0,
  },
  {
    name: 'TwoBallotsCompete',
    partners: ['OneValuePerBallot', 'Inv3', 'Inv4'],
    description: 'two ballots can both reach phase 2 with different values',
    holds: (_k, s) => twoAs(s).some((m) => twoAs(s).some((mm) => mm.bal !== m.bal
      && mm.val !== m.val)),
  },
  {
    name: 'ProposalAboveChosen',
    partners: ["R2'"],
    description: 'a proposal can be issued in a ballot above one where a value was chosen',
    holds: (k, s) => {
      const ps = chosenProposals(k, votingState(k, s));
      return ps.some((p) => twoAs(s).some((m) => m.bal > p.bal));
    },
  },
  {
    name: 'PromiseReportsVote',
    partners: ['Inv2', 'I1'],
    description: 'a 1b message can report an earlier vote',
    holds: (_k, s) => s.msgs.some((m): m is Msg1b => m.type === '1b' && m.mbal >= 0),
  },
  {
    name: 'AcceptorVotesTwice',
    partners: ['VotesSafe', 'Inv1'],
    description: 'an acceptor can vote in two different ballots',
    holds: (k, s) => votesOf(k, s).some((vs) => new Set(vs.map((v) => v.bal)).size >= 2),
  },
  {
    name: 'ProposalBelowPromise',
    partners: ['R1'],
    description: 'a 2a message can be pending below an acceptor\'s promise (so R1 has something ' +
      'to forbid)',
    holds: (_k, s) => twoAs(s).some((m) => s.maxBal.some((b) => (b as number) > m.bal)),
  },
];

export { ShowsSafeAt };
export type { VotingState };
