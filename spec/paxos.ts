/**
 * Paxos: the message-passing algorithm of Lamport's `Paxos.tla` (tlaplus/Examples,
 * specifications/Paxos), transcribed into TypeScript conjunct by conjunct.
 *
 * It refines Voting (spec/voting.ts) under the mapping `votes` defined at the end of this file:
 * an acceptor's votes are the 2b messages it has sent. Voting in turn refines Consensus
 * (spec/consensus.ts): the chosen values.
 *
 * What it leaves out, as Paxos.tla does: leaders and learners are not processes here. Any
 * ballot's 1a and 2a messages may be sent by "the ballot-b leader"; learning is the derived
 * state function `chosen`. The implementation (src/paxos/) adds both, and the refinement checks
 * map them back onto these four actions.
 *
 * NOTE (the modelling shortcut of Paxos.tla): `msgs` is the set of every message ever sent.
 * A message is never removed, so a receiver may act on any message in msgs at any time, any
 * number of times. That one choice models loss (a message never acted on), duplication (acted
 * on twice) and reordering (acted on in any order) without actions of their own.
 *
 * Inside spec/, every action exists once, in its "test" form: given a state and the action's
 * parameters, it either returns the next state or names the conjunct that does not hold. The
 * "enumerate" form the model checker needs (`enabledSteps`) is that same function applied to
 * every parameter the constants allow, so the two forms cannot disagree.
 *
 * Outside spec/, two fast copies of the actions exist, kept for their speed and held to these
 * functions by tests rather than by construction: the packed model of the checker
 * (src/checker/models/paxos-packed.ts; about 14x less CPU than running these functions,
 * docs/benchmarks.md; test/checker/packed.test.ts compares its steps with enabledSteps on every
 * reachable state up to MaxBallot 1 and on random states up to MaxBallot 3), and the trace
 * checker's incremental actions (src/trace/steps.ts; test/trace/incremental.test.ts).
 */
import { at } from './at.js';
import { defaultNames, type Names } from './names.js';
import type { Acceptor, QuorumSystem, Quorum } from './quorums.js';

export type { Acceptor } from './quorums.js';

/** Ballot == Nat. In a bounded model (TLC's MCPaxos) ballots are 0..maxBallot. */
export type Ballot = number;
/** Values are numbered 0..values-1; the trace layer maps them to and from names. */
export type Value = number;
/** None == CHOOSE v : v \notin Value. We use null, so it can never be mistaken for a value. */
export const None = null;
export type None = null;

/** The constants of a model: Acceptor, Value, Quorum, and the ballot bound of MCPaxos. */
export interface Constants {
  /** Number of acceptors; Acceptor = 0..acceptors-1. */
  readonly acceptors: number;
  /** Number of values; Value = 0..values-1. */
  readonly values: number;
  readonly quorums: QuorumSystem;
  /** Ballot = 0..maxBallot. Infinity for an unbounded ballot set (trace checking). */
  readonly maxBallot: number;
}

// ---------------------------------------------------------------------------------------------
// Messages. "The messages are explained below with the actions that send them" (Paxos.tla).
// ---------------------------------------------------------------------------------------------

/** Phase 1a: the ballot-bal leader asks acceptors to join ballot bal (a "prepare"). */
export interface Msg1a { readonly type: '1a'; readonly bal: Ballot }
/**
 * Phase 1b: acceptor acc joins ballot bal (a "promise") and reports its latest vote:
 * mbal/mval = maxVBal[acc]/maxVal[acc] at the time, or -1/None if it has not voted.
 */
export interface Msg1b {
  readonly type: '1b';
  readonly acc: Acceptor;
  readonly bal: Ballot;
  readonly mbal: Ballot | -1;
  readonly mval: Value | None;
}
/** Phase 2a: the ballot-bal leader asks acceptors to vote for val in ballot bal ("accept"). */
export interface Msg2a { readonly type: '2a'; readonly bal: Ballot; readonly val: Value }
/** Phase 2b: acceptor acc has voted for val in ballot bal ("accepted"). */
export interface Msg2b {
  readonly type: '2b'; readonly acc: Acceptor; readonly bal: Ballot; readonly val: Value;
}

export type Message = Msg1a | Msg1b | Msg2a | Msg2b;
export type MessageType = Message['type'];

const TYPE_ORDER: Readonly<Record<MessageType, number>> = { '1a': 0, '1b': 1, '2a': 2, '2b': 3 };

/**
 * The total order in which msgs is kept, so that equal sets are equal arrays: by type, then
 * fieldsOf's fields in order (the first difference). Compared field by field rather than
 * through fieldsOf's arrays, because checkers call it in their innermost loops.
 */
export function compareMessages(x: Message, y: Message): number {
  const byType = TYPE_ORDER[x.type] - TYPE_ORDER[y.type];
  if (byType !== 0) return byType;
  const byBal = x.bal - y.bal;
  if (byBal !== 0 || x.type === '1a') return byBal;
  if (x.type === '2a') return x.val - (y as Msg2a).val;
  const byAcc = x.acc - (y as Msg1b | Msg2b).acc;
  if (byAcc !== 0) return byAcc;
  if (x.type === '2b') return x.val - (y as Msg2b).val;
  const z = y as Msg1b;
  return x.mbal !== z.mbal ? x.mbal - z.mbal : (x.mval ?? -1) - (z.mval ?? -1);
}

/** A message's fields as numbers in a fixed order (None is -1): the order compareMessages uses. */
export function fieldsOf(m: Message): readonly number[] {
  switch (m.type) {
    case '1a': return [m.bal];
    case '1b': return [m.bal, m.acc, m.mbal, m.mval ?? -1];
    case '2a': return [m.bal, m.val];
    case '2b': return [m.bal, m.acc, m.val];
  }
}

// ---------------------------------------------------------------------------------------------
// State.
// ---------------------------------------------------------------------------------------------

export interface PaxosState {
  /** maxBal[a]: the highest ballot a has joined (promised); -1 before any. Acceptor a takes
   *  part only in ballots >= maxBal[a]. */
  readonly maxBal: readonly (Ballot | -1)[];
  /** maxVBal[a], maxVal[a]: <<maxVBal[a], maxVal[a]>> is the vote with the largest ballot cast
   *  by a; it is <<-1, None>> if a has not voted. */
  readonly maxVBal: readonly (Ballot | -1)[];
  readonly maxVal: readonly (Value | None)[];
  /** The set of all messages that have ever been sent, sorted by compareMessages. */
  readonly msgs: readonly Message[];
}

/** Init: no acceptor has joined a ballot or voted, and no message has been sent. */
export function init(k: Constants): PaxosState {
  return {
    maxBal: Array.from({ length: k.acceptors }, () => -1),
    maxVBal: Array.from({ length: k.acceptors }, () => -1),
    maxVal: Array.from({ length: k.acceptors }, () => None),
    msgs: [],
  };
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

function except<T>(xs: readonly T[], i: number, x: T): readonly T[] {
  const next = xs.slice();
  next[i] = x;
  return next;
}

// ---------------------------------------------------------------------------------------------
// Actions.
// ---------------------------------------------------------------------------------------------

/** One step of Next, with the values of its bound variables (the \E witnesses). */
export type Action =
  | { readonly name: 'Phase1a'; readonly b: Ballot }
  | { readonly name: 'Phase1b'; readonly a: Acceptor; readonly m: Msg1a }
  | { readonly name: 'Phase2a'; readonly b: Ballot; readonly v: Value }
  | { readonly name: 'Phase2b'; readonly a: Acceptor; readonly m: Msg2a };

export type ActionName = Action['name'];

/** The result of testing one step: the next state, or the conjunct that does not hold. */
export type StepResult =
  | {
      readonly ok: true;
      readonly next: PaxosState;
      /** For Phase2a: the quorum Q whose 1b messages show v safe at b. */
      readonly quorum?: Quorum;
    }
  | {
      readonly ok: false;
      /** The failing conjunct, in the spec's own notation. */
      readonly conjunct: string;
      /** The same in plain words, with the values involved. */
      readonly why: string;
    };

function refuse(conjunct: string, why: string): StepResult {
  return { ok: false, conjunct, why };
}

/** b \in Ballot: an integer in 0..maxBallot. */
function isBallot(k: Constants, b: number): boolean {
  return Number.isInteger(b) && b >= 0 && b <= k.maxBallot;
}

/**
 * Phase1a(b). Who: the leader of ballot b. Enabled: always (any ballot may be started at any
 * time, by anyone; safety never depends on who leads). Does: sends a 1a message for b.
 */
export function Phase1a(k: Constants, s: PaxosState, b: Ballot,
  _n: Names = defaultNames): StepResult {
  if (!isBallot(k, b)) return refuse('b \\in Ballot', `ballot ${b} is not in 0..${k.maxBallot}`);
  return { ok: true, next: { ...s, msgs: send(s.msgs, { type: '1a', bal: b }) } };
}

/**
 * Phase1b(a), with m the 1a message it acts on. Who: acceptor a. Enabled: m is a 1a message in
 * msgs whose ballot is above maxBal[a]. Does: sets maxBal[a] to m.bal (a promise never to take
 * part in a lower ballot: P1a of Paxos Made Simple) and sends a 1b reporting a's latest vote.
 */
export function Phase1b(k: Constants, s: PaxosState, a: Acceptor, m: Msg1a,
  n: Names = defaultNames): StepResult {
  if (!(a >= 0 && a < k.acceptors)) return refuse('a \\in Acceptor', `${a} is not an acceptor`);
  if (!hasMessage(s.msgs, m)) {
    return refuse('m \\in msgs', `no 1a message for ballot ${m.bal} was sent`);
  }
  const maxBal = at(s.maxBal, a, 'maxBal');
  if (!(m.bal > maxBal)) {
    return refuse('m.bal > maxBal[a]',
      `acceptor ${n.acceptor(a)} has maxBal ${maxBal}, so it cannot join ballot ${m.bal}`);
  }
  const reply: Msg1b = {
    type: '1b', acc: a, bal: m.bal, mbal: at(s.maxVBal, a, 'maxVBal'),
    mval: at(s.maxVal, a, 'maxVal'),
  };
  return {
    ok: true,
    next: { ...s, maxBal: except(s.maxBal, a, m.bal), msgs: send(s.msgs, reply) },
  };
}

/**
 * The 1b messages of ballot b from quorum Q, if every member of Q has sent one (the first
 * conjunct inside Phase2a's \E Q); null otherwise.
 */
export function quorum1b(s: PaxosState, Q: Quorum, b: Ballot): Msg1b[] | null {
  const Q1b: Msg1b[] = [];
  for (const m of s.msgs) {
    if (m.type === '1b' && m.bal === b && Q.includes(m.acc)) Q1b.push(m);
  }
  for (const a of Q) if (!Q1b.some((m) => m.acc === a)) return null;
  return Q1b;
}

/**
 * The heart of the algorithm (Paxos.tla's second conjunct of Phase2a): among the 1b messages
 * of quorum Q that report a vote (Q1bv), either there are none, and any value is safe, or v is
 * the value reported with the highest mbal. Paxos Made Simple, P2c.
 */
export function showsSafe(Q1b: readonly Msg1b[], v: Value): boolean {
  const Q1bv = Q1b.filter((m) => m.mbal >= 0);
  if (Q1bv.length === 0) return true;
  return Q1bv.some((m) => m.mval === v && Q1bv.every((mm) => m.mbal >= mm.mbal));
}

/**
 * Phase2a(b, v). Who: the leader of ballot b. Enabled: (i) no 2a message for b has been sent
 * (one proposal per ballot), and (ii) some quorum Q has sent 1b messages for b that show v is
 * safe at b. Does: sends a 2a message asking acceptors to vote for v in b.
 */
export function Phase2a(k: Constants, s: PaxosState, b: Ballot, v: Value,
  n: Names = defaultNames): StepResult {
  if (!isBallot(k, b)) return refuse('b \\in Ballot', `ballot ${b} is not in 0..${k.maxBallot}`);
  if (!(v >= 0 && v < k.values)) return refuse('v \\in Value', `${v} is not a value`);
  const sent = s.msgs.find((m) => m.type === '2a' && m.bal === b);
  if (sent !== undefined) {
    return refuse('~ \\E m \\in msgs : m.type = "2a" /\\ m.bal = b',
      `a 2a message for ballot ${b} was already sent (value ${n.value((sent as Msg2a).val)})`);
  }
  let joined = false;
  for (const Q of k.quorums.quorums) {
    const Q1b = quorum1b(s, Q, b);
    if (Q1b === null) continue;
    joined = true;
    if (showsSafe(Q1b, v)) {
      const next = { ...s, msgs: send(s.msgs, { type: '2a', bal: b, val: v }) };
      return { ok: true, next, quorum: Q };
    }
  }
  if (!joined) {
    return refuse('\\A a \\in Q : \\E m \\in Q1b : m.acc = a',
      `no quorum has sent 1b messages for ballot ${b}`);
  }
  return refuse(
    'Q1bv = {} \\/ \\E m \\in Q1bv : m.mval = v /\\ \\A mm \\in Q1bv : m.mbal >= mm.mbal',
    `in every quorum that joined ballot ${b}, the highest reported vote is for a value other ` +
      `than ${n.value(v)}`);
}

/**
 * Phase2b(a), with m the 2a message it acts on. Who: acceptor a. Enabled: m is a 2a message in
 * msgs whose ballot is at least maxBal[a] (a has not promised a higher ballot). Does: votes for
 * m.val in m.bal — records the vote in maxBal/maxVBal/maxVal and sends a 2b announcing it.
 */
export function Phase2b(k: Constants, s: PaxosState, a: Acceptor, m: Msg2a,
  n: Names = defaultNames): StepResult {
  if (!(a >= 0 && a < k.acceptors)) return refuse('a \\in Acceptor', `${a} is not an acceptor`);
  if (!hasMessage(s.msgs, m)) {
    return refuse('m \\in msgs',
      `no 2a message for ballot ${m.bal} with value ${n.value(m.val)} was sent`);
  }
  const maxBal = at(s.maxBal, a, 'maxBal');
  if (!(m.bal >= maxBal)) {
    return refuse('m.bal \\geq maxBal[a]',
      `acceptor ${n.acceptor(a)} has maxBal ${maxBal}, so it promised not to vote in ballot ` +
        `${m.bal}`);
  }
  const vote: Msg2b = { type: '2b', acc: a, bal: m.bal, val: m.val };
  return {
    ok: true,
    next: {
      maxBal: except(s.maxBal, a, m.bal),
      maxVBal: except(s.maxVBal, a, m.bal),
      maxVal: except(s.maxVal, a, m.val),
      msgs: send(s.msgs, vote),
    },
  };
}

/** The four actions by name, so a variant of the spec (a mutant) can replace one of them. */
export interface Actions {
  readonly Phase1a: typeof Phase1a;
  readonly Phase1b: typeof Phase1b;
  readonly Phase2a: typeof Phase2a;
  readonly Phase2b: typeof Phase2b;
}

export const actions: Actions = { Phase1a, Phase1b, Phase2a, Phase2b };

/** Tests one step of Next: the test form the trace checker uses. */
export function testStep(
  k: Constants, s: PaxosState, act: Action, impl: Actions = actions, n: Names = defaultNames,
): StepResult {
  switch (act.name) {
    case 'Phase1a': return impl.Phase1a(k, s, act.b, n);
    case 'Phase1b': return impl.Phase1b(k, s, act.a, act.m, n);
    case 'Phase2a': return impl.Phase2a(k, s, act.b, act.v, n);
    case 'Phase2b': return impl.Phase2b(k, s, act.a, act.m, n);
  }
}

/**
 * The action that sends m, with its parameters: a 1a is sent by Phase1a(m.bal), a 1b by
 * Phase1b(m.acc) on the 1a of its ballot, a 2a by Phase2a(m.bal, m.val), a 2b by Phase2b(m.acc)
 * on the 2a it answers. Each action sends exactly one message, so a logged send names its step.
 */
export function actionSending(m: Message): Action {
  switch (m.type) {
    case '1a': return { name: 'Phase1a', b: m.bal };
    case '1b': return { name: 'Phase1b', a: m.acc, m: { type: '1a', bal: m.bal } };
    case '2a': return { name: 'Phase2a', b: m.bal, v: m.val };
    case '2b': return { name: 'Phase2b', a: m.acc, m: { type: '2a', bal: m.bal, val: m.val } };
  }
}

/** One enabled step: the action and the state it leads to. */
export interface Step {
  readonly action: Action;
  readonly next: PaxosState;
}

/**
 * Next, in enumerate form: every enabled instance of every action from s, in the order of
 * Paxos.tla's Next (ballots, then acceptors). Requires a bounded ballot set.
 */
export function enabledSteps(k: Constants, s: PaxosState, impl: Actions = actions): Step[] {
  if (!Number.isFinite(k.maxBallot)) throw new RangeError('enabledSteps needs a finite maxBallot');
  const steps: Step[] = [];
  const tryStep = (action: Action): void => {
    const r = testStep(k, s, action, impl);
    if (r.ok) steps.push({ action, next: r.next });
  };
  for (let b = 0; b <= k.maxBallot; b++) {
    tryStep({ name: 'Phase1a', b });
    for (let v = 0; v < k.values; v++) tryStep({ name: 'Phase2a', b, v });
  }
  for (let a = 0; a < k.acceptors; a++) {
    for (const m of s.msgs) {
      if (m.type === '1a') tryStep({ name: 'Phase1b', a, m });
      else if (m.type === '2a') tryStep({ name: 'Phase2b', a, m });
    }
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------
// The refinement mapping onto Voting: "votes are registered by sending phase 2b messages".
// ---------------------------------------------------------------------------------------------

/** A vote <<b, v>>. */
export interface Vote { readonly bal: Ballot; readonly val: Value }

/** votes[a] == {<<m.bal, m.val>> : m \in {mm \in msgs : mm.type = "2b" /\ mm.acc = a}}. */
export function votesOf(k: Constants, s: PaxosState): readonly (readonly Vote[])[] {
  const votes: Vote[][] = Array.from({ length: k.acceptors }, () => []);
  for (const m of s.msgs) if (m.type === '2b') votes[m.acc]?.push({ bal: m.bal, val: m.val });
  return votes;
}

/** Two states are the same state (msgs sorted canonically makes this structural). */
export function sameState(x: PaxosState, y: PaxosState): boolean {
  return stateKey(x) === stateKey(y);
}

/** A canonical string for a state: equal states, equal keys. */
export function stateKey(s: PaxosState): string {
  const msgs = s.msgs.map((m) => `${m.type}:${fieldsOf(m).join(',')}`).join(' ');
  const vals = s.maxVal.map((v) => v ?? 'N').join(',');
  return `${s.maxBal.join(',')}|${s.maxVBal.join(',')}|${vals}|${msgs}`;
}
