/**
 * The named properties of the per-slot spec: every single-decree property of
 * spec/properties.ts (R1, R2, R2', I1, Inv1..Inv4, VotesSafe, OneValuePerBallot, Consistency)
 * holds in every slot, read on that slot's Paxos instance (slotView), plus TypeOK of the log
 * state. Consistency per slot is LogAgreement at this level: at most one command is chosen in
 * each slot. No property is copied: each is the single-decree function applied to a slot's
 * view, and its witness is lifted back into the log's terms (the slot, and the log messages).
 *
 * Every "always" has a "sometimes" partner: the single-decree targets, reached in some slot,
 * and three targets that only a log has (two slots chosen, one ballot proposing in two slots,
 * one 1b reporting votes in two slots), so a model that never uses a second slot cannot pass.
 */
import { at } from '../at.js';
import { None } from '../paxos.js';
import { defaultNames, type Names } from '../names.js';
import {
  reachability as paxosReachability, R1 as paxosR1, stateProperties as paxosStateProperties,
  type PropertyName as PaxosPropertyName, type StateProperty as PaxosStateProperty,
  type Witness as PaxosWitness,
} from '../properties.js';
import type { Message as PaxosMessage, PaxosState } from '../paxos.js';
import type { Quorum } from '../quorums.js';
import {
  chosenLog, liftMessage, paxosConstants, slotsOf, slotView,
} from './slots-refinement.js';
import type {
  Acceptor, Ballot, BallotBySlot, Constants, Message, Slot, SlotsState, Value,
} from './slots.js';

export type PropertyName = PaxosPropertyName;

/** A witness in the log's terms: the slot, and the single-decree witness's fields. */
export interface Witness {
  readonly slot?: Slot;
  readonly ballot?: Ballot;
  readonly value?: Value;
  readonly quorum?: Quorum;
  readonly acceptor?: Acceptor;
  readonly messages?: readonly Message[];
}

export interface Violation {
  readonly property: PropertyName;
  readonly summary: string;
  readonly witness: Witness;
}

export type StateProperty = (k: Constants, st: SlotsState, n?: Names) => Violation | null;
export type StepProperty =
  (k: Constants, st: SlotsState, t: SlotsState, n?: Names) => Violation | null;

/** Every slot's view of st, computed once per state object (properties share them). */
const views = new WeakMap<SlotsState, Map<Slot, PaxosState>>();

export function viewOf(k: Constants, st: SlotsState, s: Slot): PaxosState {
  let byslot = views.get(st);
  if (byslot === undefined) {
    byslot = new Map();
    views.set(st, byslot);
  }
  let v = byslot.get(s);
  if (v === undefined) {
    v = slotView(k, st, s);
    byslot.set(s, v);
  }
  return v;
}

/** A single-decree violation in slot s, lifted into the log's terms. */
interface PaxosViolation {
  readonly property: PaxosPropertyName;
  readonly summary: string;
  readonly witness: PaxosWitness;
}

function lift(st: SlotsState, s: Slot, v: PaxosViolation): Violation {
  const { messages, ...rest } = v.witness;
  const lifted = messages?.map((m: PaxosMessage) => liftMessage(st, s, m));
  return {
    property: v.property,
    summary: `slot ${s}: ${v.summary}`,
    witness: { ...rest, slot: s, ...(lifted === undefined ? {} : { messages: lifted }) },
  };
}

/** The single-decree state property p, in every slot: the first slot where it fails. */
export function inEverySlot(p: PaxosStateProperty): StateProperty {
  return (k, st, n = defaultNames) => {
    const pk = paxosConstants(k);
    for (const s of slotsOf(k, st)) {
      const v = p(pk, viewOf(k, st, s), n);
      if (v !== null) return lift(st, s, v);
    }
    return null;
  };
}

/** R1 in every slot: no promise withdrawn, no vote below a promise of its slot. */
export const R1: StepProperty = (k, st, t, n = defaultNames) => {
  const pk = paxosConstants(k);
  const slots = [...new Set([...slotsOf(k, st), ...slotsOf(k, t)])].sort((x, y) => x - y);
  for (const s of slots) {
    const v = paxosR1(pk, viewOf(k, st, s), viewOf(k, t, s), n);
    if (v !== null) return lift(t, s, v);
  }
  return null;
};

// ---------------------------------------------------------------------------------------------
// TypeOK of the log state.
// ---------------------------------------------------------------------------------------------

const isNat = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isBallot = (k: Constants, b: unknown): boolean => isNat(b) && b <= k.maxBallot;
const isBallotOrNone = (k: Constants, b: unknown): boolean => b === -1 || isBallot(k, b);
const isValue = (k: Constants, v: unknown): boolean => isNat(v) && v < k.values;
const isSlot = (k: Constants, s: unknown): boolean => isNat(s) && s < k.slots;
const isAcceptor = (k: Constants, a: unknown): boolean => isNat(a) && a < k.acceptors;

function wellTyped(k: Constants, m: Message): boolean {
  switch (m.type) {
    case '1a': return isBallot(k, m.bal) && isSlot(k, m.from)
      && (m.to === null || (isSlot(k, m.to) && m.to >= m.from));
    case '1b': return isAcceptor(k, m.acc) && isBallot(k, m.bal) && isSlot(k, m.from)
      && (m.to === null || (isSlot(k, m.to) && m.to >= m.from))
      && m.votes.every((v, i) => isSlot(k, v.slot) && v.slot >= m.from
        && (m.to === null || v.slot <= m.to) && isBallot(k, v.mbal) && isValue(k, v.mval)
        && (i === 0 || v.slot > at(m.votes, i - 1, 'votes').slot));
    case '2a': return isBallot(k, m.bal) && isSlot(k, m.slot) && isValue(k, m.val);
    case '2b': return isAcceptor(k, m.acc) && isBallot(k, m.bal) && isSlot(k, m.slot)
      && isValue(k, m.val);
  }
}

function promiseTyped(k: Constants, p: BallotBySlot | undefined): boolean {
  return p !== undefined && p.head.every((b) => isBallotOrNone(k, b)) && isBallotOrNone(k, p.tail)
    && p.head.length <= k.slots && (p.head.length === 0 || p.head[p.head.length - 1] !== p.tail);
}

/** The per-slot variable that is out of its type, or null. */
function badVariable(k: Constants, st: SlotsState, a: Acceptor): string | null {
  if (!promiseTyped(k, st.maxBal[a])) return 'maxBal';
  const vbals = st.maxVBal[a] ?? [];
  const vals = st.maxVal[a] ?? [];
  if (vbals.length !== vals.length || vbals.length > k.slots) return 'maxVBal';
  for (let s = 0; s < vbals.length; s++) {
    if (!isBallotOrNone(k, vbals[s])) return `maxVBal[${s}]`;
    if (!(vals[s] === None || isValue(k, vals[s]))) return `maxVal[${s}]`;
  }
  return null;
}

/**
 * TypeOK: maxBal[a] is a ballot (or -1) for every slot, maxVBal[a][s]/maxVal[a][s] a ballot (or
 * -1) and a value (or None), and msgs \subseteq Message (each 1b reports ascending, covered
 * slots; every range is a range of slots).
 */
export const TypeOK: StateProperty = (k, st, n = defaultNames) => {
  for (let a = 0; a < k.acceptors; a++) {
    const bad = badVariable(k, st, a);
    if (bad !== null) {
      const summary = `${bad} of ${n.acceptor(a)} is out of its type`;
      return { property: 'TypeOK', summary, witness: { acceptor: a } };
    }
  }
  const m = st.msgs.find((x) => !wellTyped(k, x));
  if (m !== undefined) {
    const summary = `message ${JSON.stringify(m)} is not in Message`;
    return { property: 'TypeOK', summary, witness: { messages: [m] } };
  }
  return null;
};

// ---------------------------------------------------------------------------------------------
// The tables.
// ---------------------------------------------------------------------------------------------

export interface NamedStateProperty { readonly name: PropertyName; readonly check: StateProperty }
export interface NamedStepProperty { readonly name: PropertyName; readonly check: StepProperty }

/** Every state property: TypeOK of the log, then each single-decree one in every slot. */
export const stateProperties: readonly NamedStateProperty[] = [
  { name: 'TypeOK', check: TypeOK },
  ...paxosStateProperties.filter((p) => p.name !== 'TypeOK')
    .map((p) => ({ name: p.name, check: inEverySlot(p.check) })),
];

export const stepProperties: readonly NamedStepProperty[] = [{ name: 'R1', check: R1 }];

/** The first state property violated in st, or null. */
export function firstViolation(k: Constants, st: SlotsState, n: Names = defaultNames):
  Violation | null {
  for (const p of stateProperties) {
    const v = p.check(k, st, n);
    if (v !== null) return v;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// "Sometimes" partners.
// ---------------------------------------------------------------------------------------------

export interface Reachability {
  readonly name: string;
  readonly partners: readonly PropertyName[];
  readonly description: string;
  readonly holds: (k: Constants, st: SlotsState) => boolean;
}

/** Each single-decree target, reached in some slot. */
const perSlot: Reachability[] = paxosReachability.map((r) => ({
  name: r.name,
  partners: r.partners,
  description: `${r.description}, in some slot`,
  holds: (k, st) => slotsOf(k, st).some((s) => r.holds(paxosConstants(k), viewOf(k, st, s))),
}));

export const reachability: readonly Reachability[] = [
  ...perSlot,
  {
    name: 'TwoSlotsChosen',
    partners: ['Consistency', 'R2'],
    description: 'commands can be chosen in two slots',
    holds: (k, st) => chosenLog(k, st).size >= 2,
  },
  {
    name: 'OneBallotTwoSlots',
    partners: ['Inv3', 'I1', 'OneValuePerBallot'],
    description: 'one ballot can propose in two slots (one phase 1 serving both)',
    holds: (_k, st) => st.msgs.some((m) => m.type === '2a'
      && st.msgs.some((mm) => mm.type === '2a' && mm.bal === m.bal && mm.slot !== m.slot)),
  },
  {
    name: 'PromiseReportsTwoSlots',
    partners: ['Inv2', 'I1'],
    description: 'one 1b can report votes in two slots',
    holds: (_k, st) => st.msgs.some((m) => m.type === '1b' && m.votes.length >= 2),
  },
];
