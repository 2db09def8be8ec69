/**
 * The refinement mappings of the per-slot spec (slots.ts):
 *  - slotView(s): the state of slot s's Paxos instance, a single-decree PaxosState
 *    (spec/paxos.ts). Restricted to one slot, every per-slot step is a Paxos step or a
 *    stutter; this projection is how every single-decree property is reused slot by slot.
 *  - logVotingStep: down to a Voting instance per slot (spec/voting.ts), votes from 2b
 *    messages; every step is, in each slot, a Voting step or a stutter.
 *  - chosenLog / logConsensusStep: down to Consensus on a log (spec/consensus.ts per slot):
 *    at most one command chosen in each slot, and a slot's chosen command never changes.
 *  - stepsBetween: a transition of some other system, mapped to per-slot states, explained as
 *    a short sequence of per-slot actions. Real systems (and MultiPaxos-SMR) send several
 *    messages in one step: a new leader's 1a and its own 1b, a 2a for every slot it re-proposes.
 *
 * What it leaves out: learning (chosen is a state function, as in Voting.tla).
 */
import { at } from '../at.js';
import { consensusStep } from '../consensus.js';
import {
  compareMessages as comparePaxos, type Constants as PaxosConstants, type Message as PaxosMessage,
  type PaxosState,
} from '../paxos.js';
import { defaultNames, type Names } from '../names.js';
import {
  chosen, IncreaseMaxBal, VoteFor, type VotingAction, type VotingState, type VotingStepResult,
} from '../voting.js';
import {
  actionSending, ballotAt, compareMessages, covers, hasMessage, maxValAt, maxVBalAt, noPromise,
  reportFor, setBallots, stateKey, testStep, type Acceptor, type Action, type Actions,
  actions as specActions, type Constants, type Message, type Slot, type SlotsState, type Value,
} from './slots.js';

/** The single-decree constants of every slot's instance (the extra `slots` is ignored). */
export function paxosConstants(k: Constants): PaxosConstants {
  return { acceptors: k.acceptors, values: k.values, quorums: k.quorums, maxBallot: k.maxBallot };
}

/** The message of slot s's instance that m is, or null when m says nothing about slot s. */
export function messageAt(m: Message, s: Slot): PaxosMessage | null {
  switch (m.type) {
    case '1a': return covers(m, s) ? { type: '1a', bal: m.bal } : null;
    case '1b': {
      if (!covers(m, s)) return null;
      const r = reportFor(m, s);
      return { type: '1b', acc: m.acc, bal: m.bal, mbal: r?.mbal ?? -1, mval: r?.mval ?? null };
    }
    case '2a': return m.slot === s ? { type: '2a', bal: m.bal, val: m.val } : null;
    case '2b': return m.slot === s ? { type: '2b', acc: m.acc, bal: m.bal, val: m.val } : null;
  }
}

/**
 * slotView(s): slot s's Paxos instance. maxBal[a], maxVBal[a], maxVal[a] are a's in slot s;
 * msgs are the messages about slot s, each as its single-decree message (a 1b reporting only
 * its vote in s). Messages about s that differ only in other slots become one message.
 */
export function slotView(k: Constants, st: SlotsState, s: Slot): PaxosState {
  const seen = new Set<string>();
  const msgs: PaxosMessage[] = [];
  for (const m of st.msgs) {
    const p = messageAt(m, s);
    if (p === null) continue;
    const key = JSON.stringify(p);
    if (seen.has(key)) continue;
    seen.add(key);
    msgs.push(p);
  }
  msgs.sort(comparePaxos);
  const acceptors = Array.from({ length: k.acceptors }, (_, a) => a);
  return {
    maxBal: acceptors.map((a) => ballotAt(at(st.maxBal, a, 'maxBal'), s)),
    maxVBal: acceptors.map((a) => maxVBalAt(st, a, s)),
    maxVal: acceptors.map((a) => maxValAt(st, a, s)),
    msgs,
  };
}

/**
 * The log message a slot-s message stands for, for witnesses: the message in msgs it came from
 * (for a 1a/1b, the first covering s), or, if none was sent, the one it would be.
 */
export function liftMessage(st: SlotsState, s: Slot, p: PaxosMessage): Message {
  const found = st.msgs.find((m) => {
    const q = messageAt(m, s);
    return q !== null && comparePaxos(q, p) === 0;
  });
  if (found !== undefined) return found;
  switch (p.type) {
    case '1a': return { type: '1a', bal: p.bal, from: s, to: s };
    case '1b': return {
      type: '1b', acc: p.acc, bal: p.bal, from: s, to: s,
      votes: p.mbal < 0 || p.mval === null ? [] : [{ slot: s, mbal: p.mbal, mval: p.mval }],
    };
    case '2a': return { type: '2a', bal: p.bal, slot: s, val: p.val };
    case '2b': return { type: '2b', acc: p.acc, bal: p.bal, slot: s, val: p.val };
  }
}

/**
 * The slots a state says anything about: 0..slots-1 in a bounded model; in a trace, every slot
 * a message names or covers the start of, or an acceptor voted or promised in. A slot beyond
 * all of them looks like the last open-ended range's start, so checking these is checking all.
 */
export function slotsOf(k: Constants, st: SlotsState): Slot[] {
  if (Number.isFinite(k.slots)) return Array.from({ length: k.slots }, (_, s) => s);
  const slots = new Set<Slot>();
  for (const m of st.msgs) {
    if (m.type === '1a' || m.type === '1b') {
      slots.add(m.from);
      if (m.to !== null) slots.add(m.to);
      if (m.type === '1b') for (const v of m.votes) slots.add(v.slot);
    } else {
      slots.add(m.slot);
    }
  }
  st.maxBal.forEach((p) => { for (let s = 0; s <= p.head.length; s++) slots.add(s); });
  st.maxVBal.forEach((xs) => xs.forEach((b, s) => { if (b >= 0) slots.add(s); }));
  return [...slots].sort((x, y) => x - y);
}

// ---------------------------------------------------------------------------------------------
// Down to a Voting instance per slot.
// ---------------------------------------------------------------------------------------------

/** A vote <<b, v>> in a slot. */
export interface SlotVote { readonly bal: number; readonly val: Value }

/** votes[a] in slot s == {<<m.bal, m.val>> : m \in msgs, m.type = "2b", m.acc = a, m.slot = s}. */
export function votesAt(k: Constants, st: SlotsState, s: Slot): readonly (readonly SlotVote[])[] {
  const votes: SlotVote[][] = Array.from({ length: k.acceptors }, () => []);
  for (const m of st.msgs) {
    if (m.type === '2b' && m.slot === s) votes[m.acc]?.push({ bal: m.bal, val: m.val });
  }
  return votes;
}

/** Slot s's Voting state: its votes (2b messages) and its maxBal. */
export function votingStateAt(k: Constants, st: SlotsState, s: Slot): VotingState {
  return {
    votes: votesAt(k, st, s),
    maxBal: Array.from({ length: k.acceptors }, (_, a) => ballotAt(at(st.maxBal, a, 'maxBal'), s)),
  };
}

/** A Voting action of one slot. */
export interface SlotVotingAction { readonly slot: Slot; readonly action: VotingAction }

/** What explains one slot's part of a step: a Voting step per changed acceptor, or a stutter. */
export type LogVotingResult =
  | { readonly ok: true; readonly actions: readonly SlotVotingAction[] }
  | { readonly ok: false; readonly slot: Slot; readonly conjunct: string; readonly why: string };

const sameVote = (x: SlotVote, y: SlotVote): boolean => x.bal === y.bal && x.val === y.val;

/**
 * One slot's [Next]_<<votes, maxBal>> between sv and tv, comparing vote SETS (a lost vote, or a
 * vote replaced by another, is never mistaken for a stutter): a stutter, IncreaseMaxBal(a, b) or
 * VoteFor(a, b, v), for at most one acceptor.
 */
export function slotVotingStep(k: PaxosConstants, sv: VotingState, tv: VotingState,
  n: Names = defaultNames): VotingStepResult {
  const changed: { a: Acceptor; added: SlotVote[] }[] = [];
  for (let a = 0; a < k.acceptors; a++) {
    const before = sv.votes[a] ?? [];
    const after = tv.votes[a] ?? [];
    const lost = before.find((x) => !after.some((y) => sameVote(x, y)));
    if (lost !== undefined) {
      return { ok: false, conjunct: 'votes\' \\supseteq votes', why: `acceptor ${n.acceptor(a)} ` +
        `lost its vote for ${n.value(lost.val)} in ballot ${lost.bal}` };
    }
    const added = after.filter((y) => !before.some((x) => sameVote(x, y)));
    if (added.length > 0 || sv.maxBal[a] !== tv.maxBal[a]) changed.push({ a, added });
  }
  if (changed.length === 0) return { ok: true, action: { name: 'Stutter' } };
  if (changed.length > 1) {
    const who = changed.map((c) => n.acceptor(c.a)).join(', ');
    const why = `acceptors ${who} changed in one step`;
    return { ok: false, conjunct: '\\E a \\in Acceptor', why };
  }
  const { a, added } = at(changed, 0, 'changed');
  const maxBal = at(tv.maxBal, a, 'maxBal');
  if (added.length === 0) return IncreaseMaxBal(sv, a, maxBal);
  if (added.length > 1) {
    const why = `acceptor ${n.acceptor(a)} cast ${added.length} votes in one step`;
    return { ok: false, conjunct: 'VoteFor(a, b, v)', why };
  }
  const vote = at(added, 0, 'added');
  if (maxBal !== vote.bal) {
    const why = `maxBal of ${n.acceptor(a)} became ${maxBal}, not ${vote.bal}`;
    return { ok: false, conjunct: 'maxBal\' = [maxBal EXCEPT ![a] = b]', why };
  }
  return VoteFor(k, sv, a, vote.bal, vote.val);
}

/**
 * The log's Voting: every slot takes a Voting step or stutters (the instances are independent,
 * so a 1b that covers many slots is an IncreaseMaxBal in each of them at once).
 */
export function logVotingStep(k: Constants, s: SlotsState, t: SlotsState,
  n: Names = defaultNames): LogVotingResult {
  const acts: { slot: Slot; action: VotingAction }[] = [];
  const slots = [...new Set([...slotsOf(k, s), ...slotsOf(k, t)])].sort((x, y) => x - y);
  for (const slot of slots) {
    const r = slotVotingStep(paxosConstants(k), votingStateAt(k, s, slot),
      votingStateAt(k, t, slot), n);
    if (!r.ok) return { ok: false, slot, conjunct: r.conjunct, why: `slot ${slot}: ${r.why}` };
    if (r.action.name !== 'Stutter') acts.push({ slot, action: r.action });
  }
  return { ok: true, actions: acts };
}

// ---------------------------------------------------------------------------------------------
// Down to Consensus on a log.
// ---------------------------------------------------------------------------------------------

/** chosen, slot by slot: each slot's chosen values (at most one where Consistency holds). */
export function chosenLog(k: Constants, st: SlotsState): ReadonlyMap<Slot, readonly Value[]> {
  const log = new Map<Slot, readonly Value[]>();
  for (const s of slotsOf(k, st)) {
    const c = chosen(paxosConstants(k), votingStateAt(k, st, s));
    if (c.length > 0) log.set(s, c);
  }
  return log;
}

/** [Next]_chosen per slot: null when every slot's chosen set stays or goes from {} to {v}. */
export function logConsensusStep(before: ReadonlyMap<Slot, readonly Value[]>,
  after: ReadonlyMap<Slot, readonly Value[]>): { slot: Slot; why: string } | null {
  const slots = [...new Set([...before.keys(), ...after.keys()])].sort((x, y) => x - y);
  for (const s of slots) {
    const why = consensusStep(before.get(s) ?? [], after.get(s) ?? []);
    if (why !== null) return { slot: s, why: `slot ${s}: ${why}` };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Explaining another system's step as per-slot steps.
// ---------------------------------------------------------------------------------------------

/**
 * maxBal as msgs imply it: for each acceptor a and slot s, the highest ballot of a 1b from a
 * covering s or a 2b from a in s. The spec keeps exactly this (Phase1b and Phase2b are the only
 * actions that raise maxBal, each to the ballot of the message it sends), so another system's
 * refinement mapping may compute maxBal from its mapped msgs instead of from its own promise.
 */
export function promisesFromMsgs(k: Constants, msgs: readonly Message[]): SlotsState['maxBal'] {
  const maxBal = Array.from({ length: k.acceptors }, () => noPromise);
  const ascending = [...msgs].sort((x, y) => x.bal - y.bal);
  for (const m of ascending) {
    if (m.type === '1b') maxBal[m.acc] = setBallots(at(maxBal, m.acc, 'maxBal'), m.from, m.to,
      m.bal, k.slots);
    if (m.type === '2b') maxBal[m.acc] = setBallots(at(maxBal, m.acc, 'maxBal'), m.slot, m.slot,
      m.bal, k.slots);
  }
  return maxBal;
}

/** The result of explaining a transition: the per-slot actions, in order, or what fails. */
export type Explanation =
  | { readonly ok: true; readonly actions: readonly Action[] }
  | {
    readonly ok: false;
    /** The actions taken before the one that failed. */
    readonly after: readonly Action[];
    readonly conjunct: string;
    readonly why: string;
  };

const TYPE_RANK: Readonly<Record<Message['type'], number>> = { '1a': 0, '1b': 1, '2a': 2, '2b': 3 };

/**
 * Explains the transition from s to t (both per-slot states, e.g. another system's states under
 * its refinement mapping) as per-slot actions: one per new message, 1a before 1b before 2a
 * before 2b (so a leader's own 1b follows its 1a, and its own 2b its 2a), each by the action
 * that sends it (actionSending), each enabled where it is taken; and the state so reached must
 * be t. No new message and no change is a stutter (no actions).
 */
export function stepsBetween(k: Constants, s: SlotsState, t: SlotsState,
  impl: Actions = specActions, n: Names = defaultNames): Explanation {
  const lost = s.msgs.find((m) => !hasMessage(t.msgs, m));
  if (lost !== undefined) {
    const why = `a ${lost.type} message disappeared from msgs`;
    return { ok: false, after: [], conjunct: 'msgs\' \\supseteq msgs', why };
  }
  const fresh = t.msgs.filter((m) => !hasMessage(s.msgs, m))
    .sort((x, y) => TYPE_RANK[x.type] - TYPE_RANK[y.type] || compareMessages(x, y));
  const done: Action[] = [];
  let cur = s;
  for (const m of fresh) {
    const act = actionSending(m);
    const r = testStep(k, cur, act, impl, n);
    if (!r.ok) return { ok: false, after: done, conjunct: r.conjunct, why: r.why };
    done.push(act);
    cur = r.next;
  }
  if (stateKey(cur) !== stateKey(t)) {
    return {
      ok: false, after: done, conjunct: 'vars\' = the state the actions reach',
      why: done.length === 0
        ? 'the state changed but no message was sent (every per-slot action sends one)'
        : 'the acceptor variables after these actions differ from the mapped state',
    };
  }
  return { ok: true, actions: done };
}

