/**
 * The safety checks the Multi-Paxos simulator runs on every event, from the outside (the effects
 * servers emit, their states before and after, what clients see). Each one costs O(1) amortized
 * per event (a map update per 2b, a comparison per applied slot), never a rescan of the run.
 *
 * - effect-order: persist, send, reply, set-timer in every step (DESIGN.md).
 * - OneValuePerBallot: no two 2a in one (ballot, slot) carry different values.
 * - LogAgreement: at most one value is chosen per slot, chosen meaning a quorum of 2b in one
 *   ballot (the per-slot ChosenAt over the 2b messages of steps that took effect).
 * - StateMachineSafety: every replica's applied prefix is a prefix of the chosen log, in slot
 *   order: whenever a replica's `applied` moves, its chain digest equals the reference digest of
 *   the chosen log at that point (so it applied the chosen entries, in order); it never moves
 *   backwards except by a restart; and every snapshot taken or installed holds exactly the
 *   reference state machine and sessions at its slot (across snapshots too).
 * - exactly-once: every answer a client gets to a logged command equals the output of that
 *   command's first application in the reference replay of the chosen log (a retry applied twice,
 *   or a dedup table lost, shows up as a different answer or a different snapshot).
 * - ledger-nonnegative: no snapshot holds a negative balance.
 * - ballots-unique: no ballot's 1a is issued twice, even across restarts.
 *
 * The reference replay applies the chosen log as soon as it is contiguous, with the machines of
 * src/multipaxos (the machines are the state machine's specification; what is checked is the
 * log, its order and exactly-once around them).
 */
import {
  MACHINES, applyCommand, chain, EFFECT_RANK, isRead, showBallot,
  type AppState, type Ballot, type Entry, type MachineName, type Output, type Session,
  type Snapshot,
} from '../../multipaxos/index.js';
import { expandConfigs, isMajority, Membership } from './membership.js';
import type { MpObserver, MpStepEvent, MpWorldEvent } from './world.js';
import { clientName, serverName } from './world.js';

export type MpCheckName =
  | 'effect-order' | 'OneValuePerBallot' | 'LogAgreement' | 'StateMachineSafety'
  | 'exactly-once' | 'ledger-nonnegative' | 'ballots-unique' | 'refinement'
  | 'linearizability' | 'liveness';

export interface MpViolation {
  readonly check: MpCheckName;
  /** For the refinement: the per-slot spec action or property. */
  readonly property?: string;
  readonly event: number;
  readonly summary: string;
}

export interface MpSink {
  readonly report: (v: MpViolation) => void;
  readonly first: () => MpViolation | null;
}

export function mpSink(): MpSink {
  let found: MpViolation | null = null;
  return { report: (v) => void (found ??= v), first: () => found };
}

/** True when every persist among a step's effects reached the disk: the step took effect. */
export function tookEffect(e: MpStepEvent): boolean {
  const effects = e.result.effects;
  for (let i = e.applied; i < effects.length; i++) if (effects[i]!.kind === 'persist') return false;
  return true;
}

interface Tally { readonly id: string; accs: number }

/** The reference replay of the chosen log. */
export interface Reference {
  /** chosen[slot]: the value chosen there, or undefined. */
  readonly chosen: (Entry | undefined)[];
  /** digests[k], states[k]: the chain digest and machine after applying slots 0..k-1. */
  readonly digests: number[];
  readonly states: { readonly app: AppState; readonly sessions: readonly Session[] }[];
  /** The output of each (client, seq)'s first application, key `client/seq`. */
  readonly outputs: Map<string, Output>;
}

export function mpSafetyChecks(
  machine: MachineName, sink: MpSink,
): MpObserver & {
  readonly reference: Reference;
  /** The members of `slot` as the chosen log decides them, or null while it cannot tell. */
  readonly membersAt: (slot: number) => number | null;
} {
  const m = MACHINES[machine];
  const tallies = new Map<string, Tally>();
  const proposals = new Map<string, string>();
  const issued = new Set<string>();
  // Who votes in each slot (membership.ts); set from the first server step's configuration.
  let members: Membership | null = null;
  // 2b tallies in slots whose members the reference cannot tell yet, revisited as it advances.
  const parked = new Map<number, { key: string; bal: Ballot; val: Entry; index: number }[]>();
  const ref: Reference = {
    chosen: [], digests: [0], states: [{ app: {}, sessions: [] }], outputs: new Map(),
  };
  const fail = (check: MpCheckName, event: number, summary: string): void =>
    sink.report({ check, event, summary });

  // advance may choose more slots through revisit; the outer call goes on with them.
  let advancing = false;
  const advance = (): void => {
    if (advancing) return;
    advancing = true;
    for (let k = ref.digests.length - 1; ref.chosen[k] !== undefined; k = ref.digests.length - 1) {
      const e = ref.chosen[k]!;
      let { app, sessions } = ref.states[k]!;
      for (const c of e.cmds) {
        members!.apply(k, c, sessions);
        const a = applyCommand(m, app, sessions, c);
        const key = `${c.client}/${c.seq}`;
        // Reads may be answered outside the log (read-index): linearizability judges them.
        if (a.out !== null && !isRead(c.op) && !ref.outputs.has(key)) ref.outputs.set(key, a.out);
        app = a.data;
        sessions = a.sessions;
      }
      ref.states.push({ app, sessions });
      ref.digests.push(chain(ref.digests[k]!, e.id));
      revisit(k + 1);
    }
    advancing = false;
  };

  /** Decides the parked tallies of the slot that the reference can now judge, if any. */
  const revisit = (applied: number): void => {
    const slot = applied - 1 + members!.alpha;
    const waiting = parked.get(slot);
    if (waiting === undefined) return;
    parked.delete(slot);
    for (const w of waiting) decide(w.index, w.key, w.bal, slot, w.val);
  };

  const decide = (index: number, key: string, bal: Ballot, slot: number, val: Entry): void => {
    const voters = members!.at(slot, ref.digests.length - 1);
    if (voters === null) {
      const list = parked.get(slot) ?? [];
      if (!list.some((w) => w.key === key)) list.push({ key, bal, val, index });
      parked.set(slot, list);
      return;
    }
    if (!isMajority(tallies.get(key)!.accs, voters)) return;
    const had = ref.chosen[slot];
    if (had === undefined) {
      ref.chosen[slot] = val;
      advance();
    } else if (had.id !== val.id) {
      fail('LogAgreement', index, `slot ${slot}: ${val.id} chosen in ballot ` +
        `${showBallot(bal)}, but ${had.id} was chosen there before`);
    }
  };

  const vote = (index: number, acc: number, bal: Ballot, slot: number, val: Entry): void => {
    const key = `${slot}/${bal.round}.${bal.server}`;
    let t = tallies.get(key);
    if (t === undefined) tallies.set(key, (t = { id: val.id, accs: 0 }));
    if (t.id !== val.id) return; // OneValuePerBallot reports it at the 2a.
    t.accs |= 1 << acc;
    decide(index, key, bal, slot, val);
  };

  const propose = (index: number, bal: Ballot, slot: number, val: Entry): void => {
    const key = `${slot}/${bal.round}.${bal.server}`;
    const had = proposals.get(key);
    if (had === undefined) proposals.set(key, val.id);
    else if (had !== val.id) {
      fail('OneValuePerBallot', index, `ballot ${showBallot(bal)} proposed ${had} and ` +
        `${val.id} in slot ${slot}`);
    }
  };

  const snapshotMatches = (index: number, server: number, snap: Snapshot, how: string): void => {
    const want = ref.states[snap.upTo];
    if (want === undefined) {
      return fail('StateMachineSafety', index, `${serverName(server)} ${how} a snapshot at ` +
        `slot ${snap.upTo}, beyond the chosen log's contiguous prefix`);
    }
    if (snap.digest !== ref.digests[snap.upTo]) {
      return fail('StateMachineSafety', index, `${serverName(server)} ${how} a snapshot at ` +
        `slot ${snap.upTo} whose log is not the chosen one`);
    }
    if (JSON.stringify(snap.app) !== JSON.stringify(want.app)) {
      return fail('StateMachineSafety', index, `${serverName(server)} ${how} a snapshot at ` +
        `slot ${snap.upTo} holding ${JSON.stringify(snap.app)}; the chosen log gives ` +
        `${JSON.stringify(want.app)}`);
    }
    const initial = members!.at(0, 0)!;
    if (JSON.stringify(expandConfigs(snap.configs, initial)) !==
      JSON.stringify(members!.from(snap.upTo))) {
      return fail('StateMachineSafety', index, `${serverName(server)} ${how} a snapshot at ` +
        `slot ${snap.upTo} whose configurations ${JSON.stringify(snap.configs)} are not the ` +
        `chosen log's ${JSON.stringify(members!.from(snap.upTo))}`);
    }
    if (JSON.stringify(snap.sessions) !== JSON.stringify(want.sessions)) {
      return fail('exactly-once', index, `${serverName(server)} ${how} a snapshot at slot ` +
        `${snap.upTo} whose deduplication table differs from the chosen log's`);
    }
    for (const [acct, b] of Object.entries(snap.app)) {
      if (machine === 'ledger' && Number(b) < 0) {
        fail('ledger-nonnegative', index, `${serverName(server)}: ${acct} holds ${b}`);
      }
    }
  };

  const applied = (e: MpStepEvent): void => {
    const before = e.before.replica;
    const after = e.result.state.replica;
    const restart = e.input.kind === 'restart';
    if (after.applied === before.applied && after.digest === before.digest) return;
    if (!restart && after.applied < before.applied) {
      return fail('StateMachineSafety', e.index, `${serverName(e.server)}'s applied prefix ` +
        `went back from slot ${before.applied} to ${after.applied}`);
    }
    const want = ref.digests[after.applied];
    if (want === undefined) {
      return fail('StateMachineSafety', e.index, `${serverName(e.server)} applied up to slot ` +
        `${after.applied}, but slot ${ref.digests.length - 1} is not chosen`);
    }
    if (want !== after.digest) {
      fail('StateMachineSafety', e.index, `${serverName(e.server)}'s applied log up to slot ` +
        `${after.applied} is not the chosen log (wrong entry or wrong order)`);
    }
  };

  const replies = (e: MpStepEvent): void => {
    const effects = e.result.effects;
    for (let i = 0; i < e.applied; i++) {
      const x = effects[i]!;
      if (x.kind !== 'reply' || x.out === null) continue;
      const want = ref.outputs.get(`${x.client}/${x.seq}`);
      if (want === undefined) continue; // a read served outside the log: linearizability's job.
      if (want.ok !== x.out.ok || want.value !== x.out.value) {
        fail('exactly-once', e.index, `${serverName(e.server)} answered ` +
          `${clientName(x.client)}'s call ${x.seq} with ${JSON.stringify(x.out)}; its first ` +
          `application returned ${JSON.stringify(want)}`);
      }
    }
  };

  const onStep = (e: MpStepEvent): void => {
    const effects = e.result.effects;
    for (let i = 1; i < effects.length; i++) {
      if (EFFECT_RANK[effects[i - 1]!.kind] > EFFECT_RANK[effects[i]!.kind]) {
        fail('effect-order', e.index, `${serverName(e.server)} emitted ` +
          `${effects[i - 1]!.kind} before ${effects[i]!.kind}`);
      }
    }
    members ??= new Membership(e.before.config.members, e.before.config.alpha);
    if (tookEffect(e)) {
      for (const x of effects) {
        if (x.kind !== 'send') continue;
        const msg = x.msg;
        if (msg.type === '2a') propose(e.index, msg.bal, msg.slot, msg.val);
        else if (msg.type === '2b') vote(e.index, msg.acc, msg.bal, msg.slot, msg.val);
        else if (msg.type === '1a') {
          const key = `${msg.bal.round}.${msg.bal.server}`;
          if (issued.has(key)) {
            fail('ballots-unique', e.index,
              `${serverName(e.server)} issued ballot ${showBallot(msg.bal)} a second time`);
          }
          issued.add(key);
        }
      }
    }
    applied(e);
    const before = e.before.durable.snapshot;
    const snap = e.result.state.durable.snapshot;
    if (snap !== before && e.input.kind !== 'restart') {
      snapshotMatches(e.index, e.server, snap, e.result.outcome.kind === 'acted' &&
        e.result.outcome.action === 'CatchupInstall' ? 'installed' : 'took');
    }
    replies(e);
  };

  return {
    reference: ref,
    membersAt: (slot) => members?.at(slot, ref.digests.length - 1) ?? null,
    onEvent: (ev: MpWorldEvent) => {
      if (ev.kind === 'server-step') onStep(ev.step);
    },
  };
}

/** The final check of a replica that is up: its machine equals the chosen log's at `applied`. */
export function replicaMatches(
  ref: Reference, server: number, app: AppState, appliedUpTo: number,
): string | null {
  const want = ref.states[appliedUpTo];
  if (want === undefined) return `${serverName(server)} applied beyond the chosen log`;
  if (JSON.stringify(app) !== JSON.stringify(want.app)) {
    return `${serverName(server)} holds ${JSON.stringify(app)} at slot ${appliedUpTo}; the ` +
      `chosen log gives ${JSON.stringify(want.app)}`;
  }
  return null;
}
