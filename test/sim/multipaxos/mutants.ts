/**
 * Deliberately broken Multi-Paxos servers, each built from the real handlers by replacing or
 * wrapping entries (src/multipaxos/step.ts `makeStep`), so no mutant code lives in src/. Each
 * breaks one thing issue 9 names; test/sim/multipaxos/mutants.test.ts shows the simulator's
 * checks catch every one, with the check (and property) that does, on a pinned seed.
 */
import {
  EFFECT_RANK, handlers, isRead, makeStep, type Handlers, type ServerState, type Step,
  type StepResult,
} from '../../../src/multipaxos/index.js';
import { MP_ALL_FAULTS } from '../../../src/cli/simulate-multipaxos.js';
import { checkMachineHistory } from '../../../src/history/machine.js';
import { simulateMultiPaxos, type MpSimReport } from '../../../src/sim/multipaxos/simulate.js';
import type { MpFaults, MpWorldConfig } from '../../../src/sim/multipaxos/world.js';

export interface MpMutant {
  readonly name: string;
  /** What is broken, in one sentence. */
  readonly breaks: string;
  readonly step: Step;
  /** World settings the mutant needs to show (a machine, a read mode). */
  readonly world?: Partial<MpWorldConfig>;
}

/** Two steps taken as one: the last persist, then the rest in DESIGN.md's order. */
function merged(first: StepResult, second: StepResult): StepResult {
  const all = [...first.effects, ...second.effects];
  const persists = all.filter((e) => e.kind === 'persist');
  const rest = all.map((e, i) => ({ e, i })).filter((x) => x.e.kind !== 'persist')
    .sort((x, y) => EFFECT_RANK[x.e.kind] - EFFECT_RANK[y.e.kind] || x.i - y.i).map((x) => x.e);
  const last = persists.slice(-1);
  return { state: second.state, effects: [...last, ...rest], outcome: first.outcome };
}

/**
 * A new leader that skips phase 1: right after its 1a it acts as if every acceptor had
 * promised and reported no vote, and proposes at once (no-ops in the slots it has not learned,
 * then its queue).
 */
const skipPhase1: Handlers = {
  ...handlers,
  onTimer: (s, t, rand) => {
    const r = handlers.onTimer(s, t, rand);
    if (r.outcome.kind !== 'acted' || r.outcome.action !== 'Phase1a') return r;
    let acc = r;
    const { bal, from } = r.state.leader;
    for (let a = 0; a < s.config.servers; a++) {
      const p = handlers.onPromise(acc.state, { type: '1b', acc: a, bal, from, votes: [] });
      acc = merged(acc, p);
    }
    return acc;
  },
};

/** A leader that ignores the votes its 1b messages report: it never adopts a slot's vote. */
const forgetfulLeader: Handlers = {
  ...handlers,
  onPromise: (s, m) => handlers.onPromise(s, { ...m, votes: [] }),
};

/** A replica that applies the entries of a catch-up in the wrong order (not slot order). */
const disorderlyReplica: Handlers = {
  ...handlers,
  onEntries: (s, m) => handlers.onEntries(s, m.vals.length < 2 ? m
    : { ...m, vals: [m.vals[1]!, m.vals[0]!, ...m.vals.slice(2)] }),
};

/** Replaces the snapshot this step took or installed by one without a deduplication table. */
function withoutSessions(before: ServerState, r: StepResult): StepResult {
  const snap = r.state.durable.snapshot;
  if (snap === before.durable.snapshot || snap.sessions.length === 0) return r;
  const durable = { ...r.state.durable, snapshot: { ...snap, sessions: [] } };
  return {
    ...r, state: { ...r.state, durable },
    effects: r.effects.map((e) => (e.kind === 'persist' ? { ...e, durable } : e)),
  };
}

/** A server whose snapshots drop the deduplication table (the sessions). */
const sessionlessSnapshots: Handlers = Object.fromEntries(
  Object.entries(handlers).map(([name, h]) => [name, (s: ServerState, ...rest: unknown[]) =>
    withoutSessions(s, (h as (s: ServerState, ...r: unknown[]) => StepResult)(s, ...rest))]),
) as unknown as Handlers;

/** Catch-up that installs a snapshot even when it is older than what is applied here. */
const regressiveCatchup: Handlers = {
  ...handlers,
  onSnapshot: (s, m) => {
    if (m.snap.upTo > s.replica.applied || m.snap.upTo === 0) return handlers.onSnapshot(s, m);
    // Pretend to be just behind it, so the real handler installs it over the newer state.
    return handlers.onSnapshot({ ...s, replica: { ...s.replica, applied: m.snap.upTo - 1 } }, m);
  },
};

/**
 * A leader that answers reads from its own applied state without the read-index check, so a
 * deposed leader that does not know it (behind a partition) answers from stale state.
 */
const staleReader: Handlers = {
  ...handlers,
  onRequest: (s, req) => {
    const r = handlers.onRequest(s, req);
    if (s.leader.role !== 'leader' || !isRead(req.cmd.op)) return r;
    if (r.outcome.kind !== 'acted' || r.outcome.action !== 'ReadIndex') return r;
    const out = handlers.onRequest({ ...s, config: { ...s.config, reads: 'local' } }, req);
    return out;
  },
};

/**
 * A ledger replica that, after applying a withdraw, forgets that client's session, so a retry
 * of the same (client, seq) is proposed and applied again.
 */
const doubleWithdraw: Handlers = Object.fromEntries(
  Object.entries(handlers).map(([name, h]) => [name, (s: ServerState, ...rest: unknown[]) => {
    const r = (h as (s: ServerState, ...r: unknown[]) => StepResult)(s, ...rest);
    return forgetWithdraws(s, r);
  }]),
) as unknown as Handlers;

function forgetWithdraws(before: ServerState, r: StepResult): StepResult {
  const after = r.state.replica;
  if (after.sessions === before.replica.sessions) return r;
  const withdrawn = (client: number, seq: number): boolean =>
    [...before.waiting, ...before.leader.queue,
      ...before.leader.inflight.flatMap((x) => x.val.cmds),
      ...before.replica.log.flatMap((e) => e?.cmds ?? [])]
      .some((c) => c.client === client && c.seq === seq && c.op.op === 'withdraw');
  const changed = after.sessions.filter((x) => {
    const was = before.replica.sessions.find((y) => y.client === x.client);
    return (was === undefined || was.seq !== x.seq) && withdrawn(x.client, x.seq);
  });
  if (changed.length === 0) return r;
  const sessions = after.sessions.filter((x) => !changed.includes(x));
  return { ...r, state: { ...r.state, replica: { ...after, sessions } } };
}

export const mpMutants: readonly MpMutant[] = [
  { name: 'skip-phase1', breaks: 'a new leader skips phase 1', step: makeStep(skipPhase1) },
  {
    name: 'forgetful-leader', breaks: 'a leader does not adopt the highest-ballot vote of a slot',
    step: makeStep(forgetfulLeader),
  },
  {
    name: 'disorderly-replica', breaks: 'a replica applies out of slot order',
    step: makeStep(disorderlyReplica),
  },
  {
    name: 'sessionless-snapshot', breaks: 'a snapshot drops the deduplication table',
    step: makeStep(sessionlessSnapshots),
  },
  {
    name: 'regressive-catchup', breaks: 'catch-up installs an older snapshot over newer state',
    step: makeStep(regressiveCatchup),
  },
  {
    name: 'stale-reader', breaks: 'a deposed leader answers a read from local state',
    step: makeStep(staleReader), world: { reads: 'read-index' },
  },
  {
    name: 'double-withdraw', breaks: 'a ledger withdraw is applied twice on retry',
    step: makeStep(doubleWithdraw), world: { machine: 'ledger' },
  },
];

// -------------------------------------------------------------------------------------------
// The pinned catches (test/sim/multipaxos/mutants.test.ts) and their runs.

export const DIR = 'traces/regressions/multipaxos';

export interface Expectation {
  readonly mutant: string;
  readonly seed: number;
  readonly check: string;
  readonly property?: string;
}

/**
 * Each seed is the first that catches the mutant by its check, the correct server passing
 * (`npx tsx script/mp-mutant-seed.ts MUTANT`). Re-pinned after the `reconfig` merge changed
 * heartbeat resends: regressive-catchup 11 -> 46, double-withdraw 1 -> 2.
 */
export const table: readonly Expectation[] = [
  { mutant: 'skip-phase1', seed: 1, check: 'refinement', property: 'Phase2a' },
  { mutant: 'forgetful-leader', seed: 1, check: 'refinement', property: 'Phase2a' },
  { mutant: 'disorderly-replica', seed: 1, check: 'StateMachineSafety' },
  { mutant: 'sessionless-snapshot', seed: 1, check: 'exactly-once' },
  { mutant: 'regressive-catchup', seed: 46, check: 'StateMachineSafety' },
  { mutant: 'stale-reader', seed: 1, check: 'linearizability' },
  { mutant: 'double-withdraw', seed: 2, check: 'exactly-once' },
];

export interface Config {
  readonly seed: number;
  readonly servers: number;
  readonly clients: number;
  readonly steps: number;
  readonly faults: MpFaults;
}

export const DEFAULT: Omit<Config, 'seed'> = {
  servers: 3, clients: 3, steps: 2000, faults: MP_ALL_FAULTS,
};

/** Runs the mutant's server, or with `correct` the real one in the mutant's world. */
export function run(c: Config, m: MpMutant, extra: object = {}, correct = false): MpSimReport {
  return simulateMultiPaxos({
    ...c, ...(m.world ?? {}), ...(correct ? {} : { step: m.step }),
    linearizability: checkMachineHistory, ...extra,
  });
}

