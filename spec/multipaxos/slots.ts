/**
 * The per-slot spec: Lamport's `Paxos.tla` once for every slot of a log, with one phase 1 that
 * may serve many slots. This is the spec Multi-Paxos implementations, their traces and the
 * MultiPaxos-SMR port (spec/multipaxos/) are judged against.
 *
 * Why it is right: each slot of the log is an independent instance of single-decree Paxos ("the
 * i-th instance of Paxos determines the i-th state-machine instruction"). A 1a/1b pair that
 * covers many slots is, slot by slot, a 1a/1b of each covered instance sent at once; a 2a/2b
 * names its slot. So restricted to one slot (slotView in slots-refinement.ts), every step below
 * is a step of spec/paxos.ts or a stutter, and every single-decree property holds slot by slot.
 * What a stable leader saves is visible here: one Phase1a(b, from, null) and one quorum of 1b
 * messages let Phase2a(b, s, v) run in every slot s >= from, with no further phase 1.
 *
 * What it leaves out, as Paxos.tla does: leaders, learners, the order of application, clients.
 * Values are commands; a no-op is just a value. The variables, messages and their finite
 * representation are in slots-state.ts.
 *
 * Every action exists once, in its "test" form (the next state, or the conjunct that fails,
 * in TLA+ notation and in a sentence with the caller's names); `enabledSteps` derives the
 * "enumerate" form from it by trying every parameter the constants allow.
 */
import { at } from '../at.js';
import { showsSafe, type Msg1b as PaxosMsg1b } from '../paxos.js';
import { defaultNames, type Names } from '../names.js';
import type { Quorum } from '../quorums.js';
import {
  covers, hasMessage, latestVotes, maxBallotOn, reportFor, send, withPromise, withVote,
  type Acceptor, type Ballot, type Constants, type Message, type Msg1a, type Msg1b, type Msg2a,
  type Msg2b, type Slot, type SlotsState, type Value,
} from './slots-state.js';

export * from './slots-state.js';

/** One step of Next, with the values of its bound variables. */
export type Action =
  | { readonly name: 'Phase1a'; readonly b: Ballot; readonly from: Slot; readonly to: Slot | null }
  | { readonly name: 'Phase1b'; readonly a: Acceptor; readonly m: Msg1a }
  | { readonly name: 'Phase2a'; readonly b: Ballot; readonly s: Slot; readonly v: Value }
  | { readonly name: 'Phase2b'; readonly a: Acceptor; readonly m: Msg2a };

export type ActionName = Action['name'];

/** The next state, or the conjunct that does not hold (TLA+ notation) and why (a sentence). */
export type StepResult =
  | { readonly ok: true; readonly next: SlotsState; readonly quorum?: Quorum }
  | { readonly ok: false; readonly conjunct: string; readonly why: string };

function refuse(conjunct: string, why: string): StepResult {
  return { ok: false, conjunct, why };
}

const isBallot = (k: Constants, b: number): boolean =>
  Number.isInteger(b) && b >= 0 && b <= k.maxBallot;
const isSlot = (k: Constants, s: number): boolean =>
  Number.isInteger(s) && s >= 0 && s < k.slots;
const isAcceptor = (k: Constants, a: number): boolean =>
  Number.isInteger(a) && a >= 0 && a < k.acceptors;

/** "slots 2 on", "slot 2", "slots 2..4": a range in words. */
export function showRange(from: Slot, to: Slot | null): string {
  if (to === null) return `slots ${from} on`;
  return from === to ? `slot ${from}` : `slots ${from}..${to}`;
}

/**
 * Phase1a(b, from, to). Who: the leader of ballot b. Enabled: always, for any ballot and any
 * range of slots (a new leader covers every slot from its first unchosen one; a system with an
 * instance per slot covers one slot). Does: sends 1a(b, from, to). Why: as in Paxos.tla, safety
 * never depends on who starts a ballot, or when.
 */
export function Phase1a(k: Constants, st: SlotsState, b: Ballot, from: Slot, to: Slot | null,
  _n: Names = defaultNames): StepResult {
  if (!isBallot(k, b)) return refuse('b \\in Ballot', `ballot ${b} is not in 0..${k.maxBallot}`);
  if (!isSlot(k, from)) return refuse('from \\in Slot', `${from} is not a slot`);
  if (to !== null && !(isSlot(k, to) && to >= from)) {
    return refuse('to \\in from..MaxSlot', `${showRange(from, to)} is not a range of slots`);
  }
  return { ok: true, next: { ...st, msgs: send(st.msgs, { type: '1a', bal: b, from, to }) } };
}

/**
 * Phase1b(a), on the 1a message m. Who: acceptor a. Enabled: m was sent and m.bal is above
 * maxBal[a][s] in every slot s that m covers. Does: raises maxBal[a][s] to m.bal on every
 * covered slot (one promise for the whole range: P1a of Paxos Made Simple, slot by slot) and
 * sends a 1b reporting a's latest vote in every covered slot it has voted in. Why: a leader of
 * ballot m.bal must learn, for each slot, every vote below m.bal that could have been chosen.
 */
export function Phase1b(k: Constants, st: SlotsState, a: Acceptor, m: Msg1a,
  n: Names = defaultNames): StepResult {
  if (!isAcceptor(k, a)) return refuse('a \\in Acceptor', `${a} is not an acceptor`);
  if (!hasMessage(st.msgs, m)) {
    return refuse('m \\in msgs',
      `no 1a message for ballot ${m.bal}, ${showRange(m.from, m.to)}, was sent`);
  }
  const promised = maxBallotOn(at(st.maxBal, a, 'maxBal'), m.from, m.to);
  if (!(m.bal > promised)) {
    return refuse('\\A s \\in Covered(m) : m.bal > maxBal[a][s]',
      `acceptor ${n.acceptor(a)} has joined ballot ${promised} in ${showRange(m.from, m.to)}, ` +
      `so it cannot join ballot ${m.bal} there`);
  }
  const reply: Msg1b = {
    type: '1b', acc: a, bal: m.bal, from: m.from, to: m.to, votes: latestVotes(st, a, m.from, m.to),
  };
  return {
    ok: true,
    next: { ...st, maxBal: withPromise(st, a, m, k.slots), msgs: send(st.msgs, reply) },
  };
}

/**
 * The 1b messages of ballot b that cover slot s from quorum Q, seen as single-decree 1b messages
 * of slot s (reporting mbal/mval for s alone), if every member of Q has sent one; null otherwise.
 */
export function quorum1bAt(st: SlotsState, Q: Quorum, b: Ballot, s: Slot): PaxosMsg1b[] | null {
  const Q1b: PaxosMsg1b[] = [];
  for (const m of st.msgs) {
    if (m.type !== '1b' || m.bal !== b || !covers(m, s) || !Q.includes(m.acc)) continue;
    const r = reportFor(m, s);
    Q1b.push({ type: '1b', acc: m.acc, bal: b, mbal: r?.mbal ?? -1, mval: r?.mval ?? null });
  }
  for (const a of Q) if (!Q1b.some((m) => m.acc === a)) return null;
  return Q1b;
}

/**
 * Phase2a(b, s, v). Who: the leader of ballot b. Enabled: (i) no 2a for ballot b has been sent
 * in slot s (one proposal per ballot and slot), and (ii) some quorum Q has sent 1b messages of
 * ballot b covering s whose reports for s show v safe at b in s: none of them reports a vote in
 * s, or v is the one reported with the highest ballot (Paxos.tla's heart of the algorithm,
 * slot by slot). Does: sends 2a(b, s, v). Why: the 1b messages of one phase 1 serve every slot
 * they cover, so a stable leader runs only this action and Phase2b per command.
 */
export function Phase2a(k: Constants, st: SlotsState, b: Ballot, s: Slot, v: Value,
  n: Names = defaultNames): StepResult {
  if (!isBallot(k, b)) return refuse('b \\in Ballot', `ballot ${b} is not in 0..${k.maxBallot}`);
  if (!isSlot(k, s)) return refuse('s \\in Slot', `${s} is not a slot`);
  if (!(Number.isInteger(v) && v >= 0 && v < k.values)) {
    return refuse('v \\in Value', `${v} is not a value`);
  }
  const sent = st.msgs.find((m): m is Msg2a => m.type === '2a' && m.bal === b && m.slot === s);
  if (sent !== undefined) {
    return refuse('~ \\E m \\in msgs : m.type = "2a" /\\ m.bal = b /\\ m.slot = s',
      `a 2a message for ballot ${b} in slot ${s} was already sent (value ${n.value(sent.val)})`);
  }
  let joined = false;
  for (const Q of k.quorums.quorums) {
    const Q1b = quorum1bAt(st, Q, b, s);
    if (Q1b === null) continue;
    joined = true;
    if (showsSafe(Q1b, v)) {
      const next = { ...st, msgs: send(st.msgs, { type: '2a', bal: b, slot: s, val: v }) };
      return { ok: true, next, quorum: Q };
    }
  }
  if (!joined) {
    return refuse('\\A a \\in Q : \\E m \\in Q1b : m.acc = a /\\ s \\in Covered(m)',
      `no quorum has sent 1b messages for ballot ${b} that cover slot ${s}`);
  }
  return refuse(
    'Q1bv = {} \\/ \\E m \\in Q1bv : m.mval[s] = v /\\ \\A mm \\in Q1bv : m.mbal[s] >= mm.mbal[s]',
    `in every quorum that joined ballot ${b} for slot ${s}, the highest vote reported in ` +
    `slot ${s} is for a value other than ${n.value(v)}`);
}

/**
 * Phase2b(a), on the 2a message m. Who: acceptor a. Enabled: m was sent and m.bal is at least
 * maxBal[a][m.slot] (a has not joined a higher ballot in that slot). Does: votes for m.val in
 * m.bal in slot m.slot: sets maxBal, maxVBal and maxVal of that slot and sends 2b. Why: R1 (P1a),
 * slot by slot; a promise in one slot says nothing about another.
 */
export function Phase2b(k: Constants, st: SlotsState, a: Acceptor, m: Msg2a,
  n: Names = defaultNames): StepResult {
  if (!isAcceptor(k, a)) return refuse('a \\in Acceptor', `${a} is not an acceptor`);
  if (!hasMessage(st.msgs, m)) {
    return refuse('m \\in msgs', `no 2a message for ballot ${m.bal} in slot ${m.slot} with value ` +
      `${n.value(m.val)} was sent`);
  }
  const promised = maxBallotOn(at(st.maxBal, a, 'maxBal'), m.slot, m.slot);
  if (!(m.bal >= promised)) {
    return refuse('m.bal \\geq maxBal[a][m.slot]', `acceptor ${n.acceptor(a)} has joined ballot ` +
      `${promised} in slot ${m.slot}, so it promised not to vote in ballot ${m.bal} there`);
  }
  const vote: Msg2b = { type: '2b', acc: a, bal: m.bal, slot: m.slot, val: m.val };
  const voted = withVote(st, a, m.bal, m.slot, m.val, k.slots);
  return { ok: true, next: { ...voted, msgs: send(st.msgs, vote) } };
}

/** The four actions by name, so a variant (a mutant, in test/) can replace one of them. */
export interface Actions {
  readonly Phase1a: typeof Phase1a;
  readonly Phase1b: typeof Phase1b;
  readonly Phase2a: typeof Phase2a;
  readonly Phase2b: typeof Phase2b;
}

export const actions: Actions = { Phase1a, Phase1b, Phase2a, Phase2b };

/** Tests one step of Next: the test form the trace checker and the refinement checks use. */
export function testStep(k: Constants, st: SlotsState, act: Action, impl: Actions = actions,
  n: Names = defaultNames): StepResult {
  switch (act.name) {
    case 'Phase1a': return impl.Phase1a(k, st, act.b, act.from, act.to, n);
    case 'Phase1b': return impl.Phase1b(k, st, act.a, act.m, n);
    case 'Phase2a': return impl.Phase2a(k, st, act.b, act.s, act.v, n);
    case 'Phase2b': return impl.Phase2b(k, st, act.a, act.m, n);
  }
}

/**
 * The action that sends m: a 1a by Phase1a(m.bal, m.from, m.to), a 1b by Phase1b(m.acc) on the
 * 1a of its ballot and range, a 2a by Phase2a(m.bal, m.slot, m.val), a 2b by Phase2b(m.acc) on
 * its 2a. Each action sends exactly one message, so a logged send names its step.
 */
export function actionSending(m: Message): Action {
  switch (m.type) {
    case '1a': return { name: 'Phase1a', b: m.bal, from: m.from, to: m.to };
    case '1b': return {
      name: 'Phase1b', a: m.acc, m: { type: '1a', bal: m.bal, from: m.from, to: m.to },
    };
    case '2a': return { name: 'Phase2a', b: m.bal, s: m.slot, v: m.val };
    case '2b': return {
      name: 'Phase2b', a: m.acc, m: { type: '2a', bal: m.bal, slot: m.slot, val: m.val },
    };
  }
}

/**
 * Which 1a ranges a bounded model sends (the spec allows any; a model picks, as TLC's models
 * pick constants): 'log', every range from a slot to the end (the Multi-Paxos prepare);
 * 'first', only from slot 0 (one phase 1 for the whole log); 'instance', one slot each (an
 * instance per slot with its own phase 1); 'both', 'log' and 'instance' together.
 */
export type Phase1Ranges = 'log' | 'first' | 'instance' | 'both';

export function phase1Ranges(k: Constants, which: Phase1Ranges): { from: Slot; to: Slot | null }[] {
  if (!Number.isFinite(k.slots)) throw new RangeError('phase1Ranges needs finitely many slots');
  const ranges: { from: Slot; to: Slot | null }[] = [];
  for (let s = 0; s < k.slots; s++) {
    const open = which === 'log' || which === 'both' || (which === 'first' && s === 0);
    if (open) ranges.push({ from: s, to: null });
    if (which === 'instance' || which === 'both') ranges.push({ from: s, to: s });
  }
  return ranges;
}

/** One enabled step: the action and the state it leads to. */
export interface Step {
  readonly action: Action;
  readonly next: SlotsState;
}

/**
 * Next, in enumerate form: every enabled instance of every action from st, ballots first, then
 * acceptors and the messages they may act on (Paxos.tla's order). Needs finite ballots and slots.
 */
export function enabledSteps(k: Constants, st: SlotsState, impl: Actions = actions,
  ranges: Phase1Ranges = 'log'): Step[] {
  if (!Number.isFinite(k.maxBallot)) throw new RangeError('enabledSteps needs a finite maxBallot');
  const steps: Step[] = [];
  const tryStep = (action: Action): void => {
    const r = testStep(k, st, action, impl);
    if (r.ok) steps.push({ action, next: r.next });
  };
  const oneAs = phase1Ranges(k, ranges);
  for (let b = 0; b <= k.maxBallot; b++) {
    for (const { from, to } of oneAs) tryStep({ name: 'Phase1a', b, from, to });
    for (let s = 0; s < k.slots; s++) {
      for (let v = 0; v < k.values; v++) tryStep({ name: 'Phase2a', b, s, v });
    }
  }
  for (let a = 0; a < k.acceptors; a++) {
    for (const m of st.msgs) {
      if (m.type === '1a') tryStep({ name: 'Phase1b', a, m });
      else if (m.type === '2a') tryStep({ name: 'Phase2b', a, m });
    }
  }
  return steps;
}
