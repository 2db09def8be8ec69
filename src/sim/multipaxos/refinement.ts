/**
 * The refinement of the Multi-Paxos servers (src/multipaxos) to the per-slot spec
 * (spec/multipaxos/slots.ts), checked after every server step of a simulated run, with every
 * per-slot named property (R1 on the step; TypeOK, Inv1..Inv4, VotesSafe, OneValuePerBallot,
 * Consistency, R2, R2', I1 on the state, in every slot the step changed).
 *
 * The mapping, from the world to the per-slot spec's variables:
 * - msgs: every 1a, 1b, 2a, 2b a server emitted in a step that took effect (checks.ts
 *   `tookEffect`), sends cut off by a crash after the persist included (the spec's lost
 *   message). A 1a "every slot from `from` on" is the spec's 1a(b, from, null). Commit, reject,
 *   catch-up and read messages map to nothing. A message sent again (a heartbeat re-sending a
 *   2a) is already in msgs: no spec step.
 * - a ballot (round, server) is round * N + server (toNatural), so the orders agree; a value is
 *   an entry's id, numbered in the order ids first appear (a no-op is one more value).
 * - maxVBal[a][s], maxVal[a][s]: a's durable vote in slot s, for slots at or above a's snapshot;
 *   below it a's votes were compacted away (the slots are chosen and applied), and the spec's
 *   record of them stands.
 * - maxBal[a][s]: the spec's own, as its actions set it. The implementation keeps ONE promise
 *   for all slots, which may only be higher: a 1b raises it everywhere (the spec only on the
 *   covered slots) and a 2b raises it to the 2a's ballot. So the check is `durable maxBal >=
 *   spec maxBal[a][s]` in every slot, which is what makes the implementation's refusals
 *   stutters and its acceptances spec steps.
 * - a 1b answers the 1a the step delivered. An acceptor compacted past the 1a's `from` reports
 *   from its snapshot point and sends its snapshot instead: the spec's 1b (from the 1a's from,
 *   with the spec's votes) must agree with it on every slot it reports, and the leader may count
 *   it only for slots it knows chosen (leader.ts), so it proposes only where the two agree.
 *
 * With membership changes (`membersAt` given) the run refines the per-slot spec extended with
 * reconfiguration (spec/multipaxos/reconfig.ts, at the level of slots.ts's messages): a slot's
 * quorums are the majorities of its own members, read from the reference replay of the chosen
 * log (checks.ts; an entry's membership commands, applied once each, are the spec's
 * configuration values). A 2a in slot s is Phase2a only when s's members are known (every slot
 * up to s - alpha chosen: Known) and is judged with those quorums (SlotQuorum); each slot's
 * properties count only its members' votes. A slot whose members are not known yet has no 2a,
 * so its quorums matter to none of its properties.
 *
 * Which spec steps a server step is: the spec messages it sends say it, in order (a new leader
 * sends a 2a per recovered slot; a step may be several Phase2a). Each is judged by the spec's
 * own test-form action, which names the conjunct that fails. A step with no new spec message
 * is a stutter; then the durable record must still match.
 *
 * How it stays cheap: msgs grows with the run, and a spec action reads it only through `m \in
 * msgs` and, for Phase2a, the 1b messages of its ballot and the 2a of its (ballot, slot). So
 * each action is judged on the spec state with all of its acceptor variables and, as msgs,
 * exactly the messages it reads (kept indexed here); its result is the full state's result
 * restricted the same way. A slot's properties depend only on that slot's view (slotView):
 * after a 2a or 2b in slot s they are re-checked in slot s; after a 1a or 1b, in every slot
 * the run has used and at the new range's first slot (a slot beyond all of them looks like
 * that one, as slotsOf argues). Unchanged views keep their verdicts, so this is every slot
 * after every step. In each slot a step changes, R1 and the state properties are checked from
 * what the step changed (slot-safety.ts, which proves that this equals the literal check and
 * is held to it by test/sim/multipaxos/slot-safety.test.ts); a 1a that changes no variable is
 * the same message 1a(b) in every slot it covers, so it is checked in its first slot only
 * (onStep). `literal: true` (tests) checks every slot literally as well and asserts agreement.
 */
import { majorities, majoritiesOf, type QuorumSystem } from '../../../spec/quorums.js';
import { firstViolation } from '../../../spec/fast-safety.js';
import { R1 as paxosR1 } from '../../../spec/properties.js';
import type { Constants as PaxosConstants, PaxosState } from '../../../spec/paxos.js';
import {
  ballotAt, compareMessages, init, maxBallotOn, maxValAt, maxVBalAt, testStep,
  actions as specActions,
  type Action, type Actions, type Constants, type Message, type Msg1a, type Msg1b,
  type SlotsState,
} from '../../../spec/multipaxos/slots.js';
import { paxosConstants } from '../../../spec/multipaxos/slots-refinement.js';
import { slotViews } from './slot-views.js';
import { addedMessages, stepR1, stepViolation } from './slot-safety.js';
import { toNatural, type Ballot, type Durable, type Msg } from '../../multipaxos/index.js';
import { tookEffect, type MpSink } from './checks.js';
import type { MpRefinement } from './simulate.js';
import { serverName, type MpStepEvent, type MpWorldConfig, type MpWorldEvent } from './world.js';

/** The spec's acceptor variables, and msgs kept indexed by what the actions read. */
interface Kept {
  vars: Omit<SlotsState, 'msgs'>;
  /** Keys of every 1a and 1b in msgs (a 2a or 2b is looked up in its slot's list: isSent). */
  readonly sent: Set<string>;
  /** The 1a and 1b messages (rare: one phase 1 per election). */
  readonly phase1: Message[];
  /** The 1b messages of each ballot (what Phase2a reads of phase1). */
  readonly oneB: Map<number, Message[]>;
  /** The 2a and 2b messages of each slot. */
  readonly bySlot: Map<number, Message[]>;
  /** For each acceptor, the largest ballot the spec's maxBal gives any slot. */
  readonly promised: number[];
}

/** A 1a's or 1b's key in Kept.sent: equal messages, equal keys. */
function keyOf(m: Msg1a | Msg1b): string {
  if (m.type === '1a') return `1a/${m.bal}/${m.from}/${m.to}`;
  return `1b/${m.acc}/${m.bal}/${m.from}/${m.to}/` +
    m.votes.map((v) => `${v.slot}:${v.mbal}:${v.mval}`).join(',');
}

/**
 * m \in msgs. A 2a or 2b is looked for among its slot's own messages (each distinct one once:
 * a handful), which costs less than building and hashing a key for every 2a a heartbeat sends
 * again.
 */
function isSent(kept: Kept, m: Message): boolean {
  if (m.type === '1a' || m.type === '1b') return kept.sent.has(keyOf(m));
  for (const x of kept.bySlot.get(m.slot) ?? []) {
    if (x.type === m.type && compareMessages(x, m) === 0) return true;
  }
  return false;
}

/** A spec step a server step takes: its action and the message it sends. */
interface Step { readonly action: Action; readonly msg: Message }

/** The messages the action reads, sorted as msgs is. */
function readBy(kept: Kept, act: Action): Message[] {
  const read: Message[] = [];
  switch (act.name) {
    case 'Phase1a': break;
    case 'Phase1b': if (isSent(kept, act.m)) read.push(act.m); break;
    case 'Phase2b': if (isSent(kept, act.m)) read.push(act.m); break;
    case 'Phase2a':
      for (const m of kept.oneB.get(act.b) ?? []) read.push(m);
      for (const m of kept.bySlot.get(act.s) ?? []) {
        if (m.type === '2a' && m.bal === act.b) read.push(m);
      }
      break;
  }
  return read.sort(compareMessages);
}

export interface MpRefinementOptions {
  /** The spec's actions, or a variant of them (tests). */
  readonly actions?: Actions;
  /** Recompute every slot view with the spec's slotView and assert they agree (tests). */
  readonly exactViews?: boolean;
  /**
   * With membership changes (required then): the members of a slot as the chosen log decides
   * them, or null while slot - alpha or a slot below it has nothing chosen (checks.ts).
   */
  readonly membersAt?: (slot: number) => number | null;
  /**
   * Also check every state property literally after every step in every slot it touched and
   * assert the incremental verdict (slot-safety.ts) is the same (tests).
   */
  readonly literal?: boolean;
}

export function mpRefinement(sink: MpSink, cfg: MpWorldConfig,
  opts: MpRefinementOptions = {}): MpRefinement {
  const n = cfg.servers;
  const impl = opts.actions ?? specActions;
  const k: Constants = {
    acceptors: n, values: Infinity, quorums: majorities(n), maxBallot: Infinity, slots: Infinity,
  };
  const pk: PaxosConstants = paxosConstants(k);
  const membersAt = opts.membersAt ?? null;
  if (cfg.reconfig && membersAt === null) {
    throw new Error('mpRefinement: a run with membership changes needs membersAt');
  }
  const systems = new Map<number, QuorumSystem>();
  /** The majorities of slot s's members (reconfig.ts's SlotQuorum and ChosenAt), or null. */
  const quorumsAt = (s: number): QuorumSystem | null => {
    if (membersAt === null) return k.quorums;
    const members = membersAt(s);
    if (members === null) return null;
    let q = systems.get(members);
    if (q === undefined) systems.set(members, (q = majoritiesOf(n, members)));
    return q;
  };
  const ids = new Map<string, number>();
  const names: string[] = [];
  const value = (id: string): number => {
    let v = ids.get(id);
    if (v === undefined) {
      v = names.length;
      ids.set(id, v);
      names.push(id);
    }
    return v;
  };
  const specNames = { acceptor: serverName, value: (v: number) => names[v] ?? `value ${v}` };
  const bal = (b: Ballot): number => toNatural(b, n);
  const start = init(k);
  const kept: Kept = {
    vars: { maxBal: start.maxBal, maxVBal: start.maxVBal, maxVal: start.maxVal },
    sent: new Set(), phase1: [], oneB: new Map(), bySlot: new Map(),
    promised: Array<number>(n).fill(-1),
  };
  /** Each checked slot's view after its last check: the next step's "before" there. */
  const last = new Map<number, PaxosState>();
  /**
   * What a step's checks need of a slot's state before it: maxBal (R1 reads nothing else of
   * it, stepR1), or in literal mode (tests) the whole view, whose added messages are compared.
   */
  const beforeAt = (s: number): PaxosState => {
    const seen = last.get(s);
    if (seen !== undefined || literal) return seen ?? viewAt(s).view;
    const maxBal = kept.vars.maxBal.map((p) => ballotAt(p, s));
    return { maxBal, maxVBal: [], maxVal: [], msgs: [] };
  };
  const disks: (Durable | null)[] = Array<Durable | null>(n).fill(null);
  /** Per acceptor: the slots the spec has a vote in, ascending; disk votes found equal. */
  const voted: number[][] = Array.from({ length: n }, () => []);
  const matched: Map<number, unknown>[] = Array.from({ length: n }, () => new Map());
  const counts = { specSteps: 0, stutters: 0 };
  let failed = false;
  const literal = opts.literal ?? false;
  const fail = (index: number, property: string, summary: string): void => {
    failed = true;
    sink.report({ check: 'refinement', property, event: index, summary });
  };

  /** The spec messages of a step that are not in msgs yet, in order, and the action of each. */
  const specMessages = (e: MpStepEvent): Step[] => {
    const out: Step[] = [];
    for (const x of e.result.effects) {
      if (x.kind !== 'send') continue;
      const step = specStep(e, x.msg);
      if (step !== null && !isSent(kept, step.msg)) out.push(step);
    }
    return out;
  };

  /** The spec step of a message a server step sends, or null (it maps to no spec message). */
  const specStep = (e: MpStepEvent, m: Msg): Step | null => {
    if (m.type === '1a') {
      const msg: Msg1a = { type: '1a', bal: bal(m.bal), from: m.from, to: null };
      return { action: { name: 'Phase1a', b: msg.bal, from: m.from, to: null }, msg };
    } else if (m.type === '1b') {
      const inp = e.input;
      const from = inp.kind === 'deliver' && inp.msg.type === '1a' ? inp.msg.from : m.from;
      const m1a: Msg1a = { type: '1a', bal: bal(m.bal), from, to: null };
      const votes = m.votes.map((v) =>
        ({ slot: v.slot, mbal: bal(v.bal), mval: value(v.val.id) }));
      const msg: Msg1b = { type: '1b', acc: m.acc, bal: m1a.bal, from: m.from, to: null, votes };
      return { action: { name: 'Phase1b', a: e.server, m: m1a }, msg };
    } else if (m.type === '2a') {
      const msg = { type: '2a', bal: bal(m.bal), slot: m.slot, val: value(m.val.id) } as const;
      return { action: { name: 'Phase2a', b: msg.bal, s: m.slot, v: msg.val }, msg };
    } else if (m.type === '2b') {
      const msg = {
        type: '2b', acc: m.acc, bal: bal(m.bal), slot: m.slot, val: value(m.val.id),
      } as const;
      const m2a = { type: '2a', bal: msg.bal, slot: m.slot, val: msg.val } as const;
      return { action: { name: 'Phase2b', a: e.server, m: m2a }, msg };
    }
    return null;
  };

  /** Judges one spec step; returns the message the spec sent, or null (reported). */
  const judge = (index: number, server: number, action: Action, msg: Message): Message | null => {
    const read = readBy(kept, action);
    const who = serverName(server);
    let ks = k;
    if (action.name === 'Phase2a') {
      const quorums = quorumsAt(action.s);
      if (quorums === null) return fail(index, 'Phase2a', `${who}: ${KNOWN}: slot ${action.s}'s ` +
        `members depend on slot ${action.s - cfg.alpha} or one below it, where nothing is ` +
        'chosen'), null;
      ks = { ...k, quorums };
    }
    const r = testStep(ks, { ...kept.vars, msgs: read }, action, impl, specNames);
    if (!r.ok) return fail(index, action.name, `${who}: ${r.conjunct}: ${r.why}`), null;
    const added = r.next.msgs.filter((m) => !read.includes(m));
    if (added.length !== 1) {
      fail(index, action.name, `${who}: the spec's step sent ${added.length} messages`);
      return null;
    }
    const specMsg = added[0]!;
    const problem = messageMismatch(specMsg, msg);
    if (problem !== null) return fail(index, action.name, `${who}: ${problem}`), null;
    kept.vars = { maxBal: r.next.maxBal, maxVBal: r.next.maxVBal, maxVal: r.next.maxVal };
    if (action.name === 'Phase2b') {
      const slots = voted[action.a]!;
      const i = firstAtOrAbove(slots, action.m.slot);
      if (slots[i] !== action.m.slot) slots.splice(i, 0, action.m.slot);
      matched[action.a]!.delete(action.m.slot);
    }
    if (action.name === 'Phase1b' || action.name === 'Phase2b') {
      const from = action.name === 'Phase1b' ? action.m.from : action.m.slot;
      const to = action.name === 'Phase1b' ? action.m.to : action.m.slot;
      const a = action.a;
      kept.promised[a] = Math.max(kept.promised[a]!, maxBallotOn(r.next.maxBal[a]!, from, to));
    }
    return specMsg;
  };

  const record = (m: Message): void => {
    if (m.type === '1a' || m.type === '1b') {
      kept.sent.add(keyOf(m));
      kept.phase1.push(m);
    }
    if (m.type === '1b') {
      let list = kept.oneB.get(m.bal);
      if (list === undefined) kept.oneB.set(m.bal, (list = []));
      list.push(m);
    } else if (m.type === '2a' || m.type === '2b') {
      let list = kept.bySlot.get(m.slot);
      if (list === undefined) kept.bySlot.set(m.slot, (list = []));
      list.push(m);
    }
  };

  const viewAt = slotViews(k, pk, {
    vars: () => kept.vars, phase1: kept.phase1, bySlot: kept.bySlot, ids: names,
  }, opts.exactViews ?? false, (opts.exactViews ?? false) || literal);

  /**
   * R1 on the step in slot s, then the state properties on the slot's new view from what
   * changed since the slot's last check (slot-safety.ts); a slot checked for the first time
   * changed from the initial state (which satisfies every property), so all its messages count
   * as new.
   */
  /**
   * Slot s's view under its own members' quorums. A slot whose members are unknown has no 2a
   * (Phase2a's Known): its quorums matter to no property, and the initial members stand in for
   * them. Once known they never change (the chosen log decides them), so the incremental
   * check's quorums are the slot's for good.
   */
  const slotAt = (s: number): ReturnType<typeof viewAt> => {
    const view = viewAt(s);
    const quorums = quorumsAt(s) ?? pk.quorums;
    return quorums === view.pk.quorums ? view : { ...view, pk: { ...view.pk, quorums } };
  };

  const checkSlot = (index: number, s: number, before: PaxosState, checked: boolean): void => {
    const after = slotAt(s);
    last.set(s, after.view);
    const v = stepR1(after.pk, before.maxBal, after.view, after.added, after.names) ??
      stepViolation(after.pk, after.view, checked ? after.added : after.view.msgs, after.names);
    if (literal) {
      const want = paxosR1(after.pk, before, after.view, after.names) ??
        firstViolation(after.pk, after.view, after.names);
      const added = addedMessages(before.msgs, after.view.msgs);
      if (JSON.stringify(want) !== JSON.stringify(v) ||
        JSON.stringify(added) !== JSON.stringify(after.added)) {
        throw new Error(`assertion failed: slot ${s}'s incremental verdict is not the literal one`);
      }
    }
    if (v !== null) fail(index, v.property, `slot ${s}: ${v.summary}`);
  };

  /** Tests: the slots a 1a's check skips pass literally, as the one it checks must too. */
  const assertSame1a = (skipped: readonly number[]): void => {
    for (const s of skipped) {
      const at = slotAt(s);
      last.set(s, at.view);
      if (firstViolation(at.pk, at.view, at.names) !== null) {
        throw new Error(`assertion failed: a 1a breaks slot ${s}, which the check skipped`);
      }
    }
  };

  const onStep = (e: MpStepEvent): void => {
    if (failed) return;
    if (!tookEffect(e)) return void counts.stutters++;
    const steps = specMessages(e);
    if (steps.length === 0) counts.stutters++;
    for (const { action, msg } of steps) {
      if (isSent(kept, msg)) continue;
      const slots = checkedSlots(action, msg);
      const before = slots.map(beforeAt);
      const checked = slots.map((s) => last.has(s));
      const vars = kept.vars;
      const sent = judge(e.index, e.server, action, msg);
      if (sent === null) return;
      // A 1a that changed no variable (as the spec's never does) is the same single-decree
      // message 1a(b) in every slot it covers: each of those slots changes by that message
      // alone, so its verdict is the first one's (TypeOK of 1a(b); R1 and the other
      // properties cannot change with a 1a). Their views catch up at their next check.
      if (action.name === 'Phase1a' && sameVars(vars, kept.vars)) {
        if (literal) assertSame1a(slots.slice(1));
        slots.length = 1;
      }
      record(sent);
      // A compacted acceptor's 1b reports from a later slot than the spec's (messageMismatch):
      // sent again, it is no new step either. Every other message is the spec's.
      if (msg.type === '1b') kept.sent.add(keyOf(msg));
      counts.specSteps++;
      for (let i = 0; i < slots.length; i++) {
        checkSlot(e.index, slots[i]!, before[i]!, checked[i]!);
        if (failed) return;
      }
    }
    // The disk changes only by a persist; an unchanged one was compared already.
    if (steps.length === 0 && e.disk === disks[e.server]) return;
    disks[e.server] = e.disk;
    const diff = durableDiff(e.server, e.disk);
    if (diff !== null) {
      fail(e.index, steps.length === 0 ? 'stutter' : steps[steps.length - 1]!.action.name,
        `${serverName(e.server)}'s durable record differs from the spec's: ${diff}`);
    }
  };

  /** The slots whose view a step changes (see the header): a 1a or 1b covers from its `from`. */
  const checkedSlots = (action: Action, msg: Message): number[] => {
    if (msg.type === '2a' || msg.type === '2b') return [msg.slot];
    const from = action.name === 'Phase1b' ? Math.min(action.m.from, msg.from) : msg.from;
    const slots = new Set<number>([from]);
    for (const s of kept.bySlot.keys()) if (s >= from) slots.add(s);
    return [...slots].sort((x, y) => x - y);
  };

  /** Where the acceptor's disk disagrees with the spec's variables, or null. */
  const durableDiff = (a: number, d: Durable): string | null => {
    const promise = bal(d.maxBal);
    if (promise < kept.promised[a]!) {
      return `maxBal ${promise} is below the spec's ${kept.promised[a]} in some slot`;
    }
    const vars = kept.vars;
    const ok = matched[a]!;
    for (const v of d.votes) {
      if (ok.get(v.slot) === v) continue; // compared, and the spec's slot has not moved since.
      const [b, x] = [maxVBalAt(vars, a, v.slot), maxValAt(vars, a, v.slot)];
      if (b !== bal(v.bal) || x !== value(v.val.id)) {
        return `slot ${v.slot}: durable vote (${bal(v.bal)}, ${v.val.id}), spec's (${b}, ` +
          `${x === null ? 'None' : names[x]})`;
      }
      ok.set(v.slot, v);
    }
    // Every disk vote is the spec's: the spec has no other vote at or above the snapshot iff
    // it has as many there as the disk.
    const slots = voted[a]!;
    const lo = firstAtOrAbove(slots, d.snapshot.upTo);
    if (slots.length - lo !== d.votes.length) {
      const missing = slots.slice(lo).find((s) => !d.votes.some((v) => v.slot === s));
      return `slot ${missing}: the spec has a vote, the disk none`;
    }
    return null;
  };

  return {
    counts,
    onEvent: (ev: MpWorldEvent) => {
      if (ev.kind === 'server-step') onStep(ev.step);
    },
  };
}

/** The index of the first of the ascending xs that is >= x (xs.length if none). */
function firstAtOrAbove(xs: readonly number[], x: number): number {
  let lo = 0;
  for (let hi = xs.length; lo < hi;) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** reconfig.ts's Known conjunct, as Phase2a's refusal names it. */
const KNOWN = '\\A t \\in 0..s-Alpha : Chosen(t) # {}';

/** Where the implementation's message differs from the spec's, or null. */
function messageMismatch(spec: Message, mine: Message): string | null {
  if (spec.type === '1b' && mine.type === '1b') {
    // Compacted acceptors report from their snapshot point (header): agree on those slots.
    if (mine.from < spec.from) return `its 1b starts at slot ${mine.from}, before the 1a's`;
    const tail = spec.votes.filter((v) => v.slot >= mine.from);
    const same = tail.length === mine.votes.length && tail.every((v, i) =>
      v.slot === mine.votes[i]!.slot && v.mbal === mine.votes[i]!.mbal &&
      v.mval === mine.votes[i]!.mval);
    return same ? null : `its 1b reports ${JSON.stringify(mine.votes)} from slot ${mine.from}; ` +
      `the spec's reports ${JSON.stringify(tail)}`;
  }
  return compareMessages(spec, mine) === 0 ? null :
    `sent ${JSON.stringify(mine)}; the spec sends ${JSON.stringify(spec)}`;
}

/** The acceptor variables are the same objects: the step changed none of them. */
function sameVars(x: Kept['vars'], y: Kept['vars']): boolean {
  return x.maxBal === y.maxBal && x.maxVBal === y.maxVBal && x.maxVal === y.maxVal;
}
