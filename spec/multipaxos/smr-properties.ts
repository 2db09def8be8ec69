/**
 * The named properties of MultiPaxos-SMR (smr.ts), each with a witness in protocol terms:
 *  - TypeOK and Linearizability exactly as MultiPaxos_MC.tla states them (Linearizability is
 *    judged only once `terminated` holds, as there);
 *  - LogAgreement: no two replicas commit different commands in one slot;
 *  - StateMachineSafety: applied prefixes (slots 1..commitUpTo) agree between replicas, and
 *    each replica's kvalue is its prefix applied in order (a committed slot's status may go
 *    back to Accepting when a later leader re-proposes it, so statuses are not the test);
 *  - per slot, through the refinement mapping to the per-slot spec (smr-refinement.ts): every
 *    single-decree state property (Inv1..Inv4, VotesSafe, OneValuePerBallot, Consistency, R2,
 *    R2', I1) and the step property R1, each read on one slot's Paxos instance;
 *  - Refinement (a step property): every step is per-slot actions or a stutter.
 * Every "always" has a "sometimes" partner (smrReachability), chosen by what the constants can
 * reach: a model with one command cannot choose in two slots.
 *
 * Left out: liveness (MultiPaxos_MC checks deadlock freedom; the checker reports no deadlock
 * verdict, but a deadlocked model never reaches HistoryComplete).
 */
import { at } from '../at.js';
import type { Names } from '../names.js';
import {
  reachability as paxosReachability, stateProperties as paxosStateProperties,
  stepProperties as paxosStepProperties,
} from '../properties.js';
import {
  reachability as slotReachability, R1 as slotsR1, stateProperties as slotsStateProperties,
  viewOf, type Violation as SlotsViolation,
} from './slots-properties.js';
import { paxosConstants } from './slots-refinement.js';
import type { Message as SlotsMessage } from './slots.js';
import { slotsConstants, smrStepInSlots, smrToSlots } from './smr-refinement.js';
import {
  type ClientEvent, type Command, type Message, type SmrConstants, type SmrState,
  commandName, isWrite, nil, numCommands, replicaName,
} from './smr-types.js';
import { showMessage, terminated } from './smr.js';

/** A witness: where (slot, ballot), what (command), who (replicas), and the messages. */
export interface SmrWitness {
  readonly slot?: number;
  readonly ballot?: number;
  readonly commands?: readonly string[];
  readonly replicas?: readonly string[];
  readonly messages?: readonly string[];
  readonly history?: readonly string[];
}

export interface SmrViolation {
  readonly property: string;
  readonly summary: string;
  readonly witness: SmrWitness;
}

export interface SmrStateProperty {
  readonly name: string;
  readonly check: (k: SmrConstants, s: SmrState) => SmrViolation | null;
}
export interface SmrStepProperty {
  readonly name: string;
  readonly check: (k: SmrConstants, s: SmrState, t: SmrState) => SmrViolation | null;
}
export interface SmrReachability {
  readonly name: string;
  readonly partners: readonly string[];
  readonly description: string;
  readonly holds: (k: SmrConstants, s: SmrState) => boolean;
}

const fail = (property: string, summary: string, witness: SmrWitness): SmrViolation =>
  ({ property, summary, witness });

export function showEvent(k: SmrConstants, e: ClientEvent): string {
  return e.type === 'Req' ? `Req(${commandName(k, e.cmd)})`
    : `Ack(${commandName(k, e.cmd)}, ${commandName(k, e.val)})`;
}

// ---------------------------------------------------------------------------------------------
// MultiPaxos_MC.tla's invariants.
// ---------------------------------------------------------------------------------------------

function badMessage(k: SmrConstants, m: Message): boolean {
  const C = numCommands(k);
  const bal = (b: number): boolean => b >= 1 && b <= k.maxBallot;
  const cmd = (c: Command | null): boolean => c !== nil && c >= 0 && c < C;
  switch (m.type) {
    case 'Prepare': return !bal(m.bal);
    case 'PrepareReply':
      return !bal(m.bal) || m.votes.some((v) => (v.bal === 0 ? v.cmd !== nil : !cmd(v.cmd)));
    case 'Accept': return !bal(m.bal) || !cmd(m.cmd);
    case 'AcceptReply': return !bal(m.bal);
    case 'CommitNotice': return !(m.upto >= 1 && m.upto <= C);
  }
}

/** TypeOK of MultiPaxos_MC.tla: messages, nodes, pending and observed well formed. */
export const TypeOK: SmrStateProperty = {
  name: 'TypeOK',
  check: (k, s) => {
    const C = numCommands(k);
    const m = s.msgs.find((x) => badMessage(k, x));
    if (m !== undefined) {
      return fail('TypeOK', `${showMessage(k, m)} is not in Messages`,
        { messages: [showMessage(k, m)] });
    }
    const r = s.node.findIndex((n) => n.commitUpTo > C);
    if (r >= 0) {
      return fail('TypeOK', `${replicaName(r)}'s state is not in NodeStates`,
        { replicas: [replicaName(r)] });
    }
    const history = s.observed.map((e) => showEvent(k, e));
    const reqs = s.observed.filter((e) => e.type === 'Req').length;
    const acks = new Set(s.observed.filter((e) => e.type === 'Ack').map((e) => e.cmd)).size;
    if (s.pending.length > C || new Set(s.pending).size !== s.pending.length ||
      s.observed.length > 2 * C || reqs < acks) {
      return fail('TypeOK',
        `pending or observed is out of its type (${s.observed.length} events, ${reqs} requests ` +
        `for ${acks} acknowledged commands)`, { history });
    }
    return null;
  },
};

/** Every order of the commands 0..n-1. */
function orders(n: number): number[][] {
  if (n === 0) return [[]];
  return orders(n - 1).flatMap((p) =>
    Array.from({ length: p.length + 1 }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/** Whether order explains the observed history (IsLinearOrder /\ ObeysRealTime). */
function linearizes(k: SmrConstants, observed: readonly ClientEvent[], order: number[]): boolean {
  const pos = (type: 'Req' | 'Ack', c: Command): number =>
    observed.findIndex((e) => e.type === type && e.cmd === c);
  let last: Command | null = nil;
  for (const c of order) {
    const ack = observed[pos('Ack', c)];
    if (ack === undefined || ack.type !== 'Ack' || ack.val !== last) return false;
    if (isWrite(k, c)) last = c;
  }
  // order is a permutation (orders), so a command's place in it is its index there.
  for (const [i, c1] of order.entries()) {
    for (const [j, c2] of order.entries()) {
      if (pos('Ack', c1) < pos('Req', c2) && !(i < j)) return false;
    }
  }
  return true;
}

/** Linearizability of MultiPaxos_MC.tla: once terminated, some order explains the history. */
export const Linearizability: SmrStateProperty = {
  name: 'Linearizability',
  check: (k, s) => {
    if (!terminated(k, s)) return null;
    if (orders(numCommands(k)).some((o) => linearizes(k, s.observed, o))) return null;
    const history = s.observed.map((e) => showEvent(k, e));
    return fail('Linearizability',
      `no order of the commands explains the clients' history ${history.join(' ')}: each ` +
      'read must return the last write before it, and an answered command precedes every ' +
      'command requested after its answer', { history });
  },
};

// ---------------------------------------------------------------------------------------------
// The log.
// ---------------------------------------------------------------------------------------------

/** LogAgreement: no two replicas commit different commands in one slot. */
export const LogAgreement: SmrStateProperty = {
  name: 'LogAgreement',
  check: (k, s) => {
    for (let j = 0; j < numCommands(k); j++) {
      const committed = s.node.flatMap((n, r) => {
        const i = at(n.insts, j, 'insts');
        return i.status === 'Committed' ? [{ r, c: i.cmd }] : [];
      });
      const other = committed.find((x) => x.c !== at(committed, 0, 'committed').c);
      if (other !== undefined) {
        const one = at(committed, 0, 'committed');
        return fail('LogAgreement',
          `slot ${j + 1}: ${replicaName(one.r)} committed ${commandName(k, one.c)} and ` +
          `${replicaName(other.r)} committed ${commandName(k, other.c)}`,
          { slot: j + 1, commands: [commandName(k, one.c), commandName(k, other.c)],
            replicas: [replicaName(one.r), replicaName(other.r)] });
      }
    }
    return null;
  },
};

/** StateMachineSafety: applied prefixes agree; kvalue is the result of applying one's own. */
export const StateMachineSafety: SmrStateProperty = {
  name: 'StateMachineSafety',
  check: (k, s) => {
    for (let r = 0; r < s.node.length; r++) {
      const n = at(s.node, r, 'node');
      let value: Command | null = nil;
      for (let j = 0; j < n.commitUpTo; j++) {
        const c = at(n.insts, j, 'insts').cmd;
        if (c !== nil && isWrite(k, c)) value = c;
      }
      if (value !== n.kvalue) {
        return fail('StateMachineSafety',
          `${replicaName(r)} holds ${commandName(k, n.kvalue)} but its applied slots ` +
          `1..${n.commitUpTo} give ${commandName(k, value)}`, { replicas: [replicaName(r)] });
      }
      for (let q = 0; q < r; q++) {
        const m = at(s.node, q, 'node');
        const upto = Math.min(n.commitUpTo, m.commitUpTo);
        for (let j = 0; j < upto; j++) {
          const [mine, theirs] = [at(n.insts, j, 'insts').cmd, at(m.insts, j, 'insts').cmd];
          if (mine !== theirs) {
            const cs = [commandName(k, theirs), commandName(k, mine)];
            return fail('StateMachineSafety',
              `${replicaName(q)} and ${replicaName(r)} applied ${cs[0]} and ${cs[1]} in slot ` +
              `${j + 1}`,
              { slot: j + 1, commands: cs, replicas: [replicaName(q), replicaName(r)] });
          }
        }
      }
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// Per slot, through the refinement mapping.
// ---------------------------------------------------------------------------------------------

/** Replicas and commands as the SMR names them, for per-slot summaries. */
const namesOf = (k: SmrConstants): Names =>
  ({ acceptor: (a) => replicaName(a), value: (c) => commandName(k, c) });

/** A per-slot message in SMR words: which SMR message it is the image of. */
function showSlotsMessage(k: SmrConstants, m: SlotsMessage): string {
  const c = (v: number | null): string => commandName(k, v);
  switch (m.type) {
    case '1a': return `Prepare(bal ${m.bal})`;
    case '1b': {
      const votes = m.votes.map((v) => `slot ${v.slot}: ${v.mbal}:${c(v.mval)}`).join(', ');
      return `PrepareReply(${replicaName(m.acc)}, bal ${m.bal}, votes [${votes}])`;
    }
    case '2a': return `Accept(bal ${m.bal}, slot ${m.slot}, ${c(m.val)})`;
    case '2b':
      return `AcceptReply(${replicaName(m.acc)}, bal ${m.bal}, slot ${m.slot}) for ${c(m.val)}`;
  }
}

/** The SMR image of a per-slot witness (slots and ballots keep their numbers). */
function fromSlots(k: SmrConstants, v: SlotsViolation): SmrViolation {
  const w = v.witness;
  return fail(v.property, v.summary, {
    ...(w.slot === undefined ? {} : { slot: w.slot }),
    ...(w.ballot === undefined ? {} : { ballot: w.ballot }),
    ...(w.value === undefined ? {} : { commands: [commandName(k, w.value)] }),
    ...(w.acceptor === undefined ? {} : { replicas: [replicaName(w.acceptor)] }),
    ...(w.quorum === undefined ? {} : { replicas: w.quorum.map(replicaName) }),
    ...(w.messages === undefined ? {}
      : { messages: w.messages.map((m) => showSlotsMessage(k, m)) }),
  });
}

/** Per-slot images are computed once per SMR state object. */
const images = new WeakMap<SmrState, ReturnType<typeof smrToSlots>>();
function image(k: SmrConstants, s: SmrState): ReturnType<typeof smrToSlots> {
  let x = images.get(s);
  if (x === undefined) {
    x = smrToSlots(k, s);
    images.set(s, x);
  }
  return x;
}

/** Every single-decree state property, per slot, on the per-slot image. */
export const perSlotProperties: readonly SmrStateProperty[] = slotsStateProperties
  .filter((p) => p.name !== 'TypeOK')
  .map((p) => ({
    name: p.name,
    check: (k: SmrConstants, s: SmrState) => {
      const v = p.check(slotsConstants(k), image(k, s), namesOf(k));
      return v === null ? null : fromSlots(k, v);
    },
  }));

/** R1 per slot: no promise withdrawn, no vote below a promise of its slot. */
export const R1: SmrStepProperty = {
  name: 'R1',
  check: (k, s, t) => {
    const v = slotsR1(slotsConstants(k), image(k, s), image(k, t), namesOf(k));
    return v === null ? null : fromSlots(k, v);
  },
};

/** Refinement: the step is per-slot actions (a 1a, 1b, 2a or 2b per new message) or a stutter. */
export const Refinement: SmrStepProperty = {
  name: 'Refinement',
  check: (k, s, t) => {
    const e = smrStepInSlots(k, s, t);
    if (e.ok) return null;
    return fail('Refinement',
      `the step is no per-slot step: after ${e.after.length} per-slot action(s), ` +
      `${e.conjunct} fails: ${e.why}`, {});
  },
};

export const smrStateProperties: readonly SmrStateProperty[] = [
  TypeOK, LogAgreement, StateMachineSafety, ...perSlotProperties, Linearizability,
];
/** The invariants MultiPaxos_MC.cfg checks, and only them (for side-by-side runs with TLC). */
export const tlcStateProperties: readonly SmrStateProperty[] = [TypeOK, Linearizability];

// ---------------------------------------------------------------------------------------------
// "Sometimes" partners.
// ---------------------------------------------------------------------------------------------

const perSlotReach: SmrReachability[] = slotReachability.map((r) => ({
  name: r.name,
  partners: r.partners,
  description: r.description,
  holds: (k, s) => r.holds(slotsConstants(k), image(k, s)),
}));

/** Which targets the constants can reach (one command cannot compete with another). */
function reachable(k: SmrConstants, name: string): boolean {
  const C = numCommands(k);
  switch (name) {
    case 'TwoBallotsCompete': return C >= 2;
    case 'TwoSlotsChosen': case 'OneBallotTwoSlots': case 'PromiseReportsTwoSlots': return C >= 2;
    case 'FollowerApplied': return C >= 2; // after the last commit the loop exits at once
    default: return true;
  }
}

const smrOwnReach: SmrReachability[] = [
  {
    name: 'CommandCommitted',
    partners: ['LogAgreement', 'StateMachineSafety'],
    description: 'a replica can commit and apply a command',
    holds: (_k, s) => s.node.some((n) => n.commitUpTo >= 1),
  },
  {
    name: 'FollowerApplied',
    partners: ['LogAgreement', 'StateMachineSafety'],
    description: 'two replicas can both apply a slot',
    holds: (_k, s) => s.node.filter((n) => n.commitUpTo >= 1).length >= 2,
  },
  {
    name: 'HistoryComplete',
    partners: ['Linearizability', 'TypeOK'],
    description: 'every command can be requested and answered (terminated)',
    holds: (k, s) => terminated(k, s),
  },
];

/** The "sometimes" targets of a model with these constants. */
export function smrReachability(k: SmrConstants): readonly SmrReachability[] {
  return [...smrOwnReach, ...perSlotReach].filter((r) => reachable(k, r.name));
}

// ---------------------------------------------------------------------------------------------
// One slot at a time, for checkers that evaluate the per-slot properties slot by slot (a
// per-slot property fails in a state exactly when it fails in one of its slots).
// ---------------------------------------------------------------------------------------------

/** Whether single-decree state property `name` holds on slot `slot`'s instance of s. */
export function holdsInSlot(k: SmrConstants, s: SmrState, slot: number, name: string): boolean {
  const p = paxosStateProperties.find((x) => x.name === name);
  if (p === undefined) throw new RangeError(`${name} is not a single-decree state property`);
  const kk = slotsConstants(k);
  return p.check(paxosConstants(kk), viewOf(kk, image(k, s), slot)) === null;
}

/** Whether R1 holds on slot `slot`'s instance for the step from s to t. */
export function r1HoldsInSlot(k: SmrConstants, s: SmrState, t: SmrState, slot: number): boolean {
  const kk = slotsConstants(k);
  const [p] = paxosStepProperties;
  return p!.check(paxosConstants(kk), viewOf(kk, image(k, s), slot),
    viewOf(kk, image(k, t), slot)) === null;
}

/** Whether single-decree "sometimes" target `name` holds on slot `slot`'s instance of s. */
export function reachedInSlot(k: SmrConstants, s: SmrState, slot: number, name: string): boolean {
  const r = paxosReachability.find((x) => x.name === name);
  if (r === undefined) throw new RangeError(`${name} is not a single-decree target`);
  const kk = slotsConstants(k);
  return r.holds(paxosConstants(kk), viewOf(kk, image(k, s), slot));
}
