/**
 * Deliberately broken Multi-Paxos servers for membership changes (issue 11, section 2), each
 * removing one guard of src/multipaxos/config.ts, built like mutants.ts by wrapping the real
 * handlers (no mutant code in src/). reconfig-mutants.test.ts shows that `simulate multipaxos
 * --reconfig` catches each, by the check (and spec conjunct) that names the guard, on a pinned
 * seed where the correct server passes.
 *
 * The guards and their mutants (docs/reconfiguration.md):
 *  - Known (`proposalLimit`: slot < applied + alpha): no-window;
 *  - SlotQuorum (`coversKnown`, at election and when a configuration comes into force):
 *    election-quorum;
 *  - member-only counting (`isQuorumAt`): member-blind-count;
 *  - the configurations in the durable snapshot: configless-snapshot.
 * Learners not running for election (`isVoter` in onTimer) is not a safety guard (a learner
 * that runs is a proposer like any other, held to the three rules), so it has no mutant here.
 */
import {
  configAt, currentMembers, EFFECT_RANK, handlers, makeStep, type Effect, type Handlers,
  type ServerState, type StepResult,
} from '../../../src/multipaxos/index.js';
import { proposeQueued } from '../../../src/multipaxos/leader.js';
import { fx } from '../../../src/multipaxos/state.js';
import { MP_ALL_FAULTS } from '../../../src/cli/simulate-multipaxos.js';
import { checkMachineHistory } from '../../../src/history/machine.js';
import { simulateMultiPaxos, type MpSimReport } from '../../../src/sim/multipaxos/simulate.js';
import type { MpMutant } from './mutants.js';

type AnyHandler = (s: ServerState, ...rest: unknown[]) => StepResult;

/** Every handler wrapped by `wrap`, which gets the state before, the real result and a rerun. */
function wrapAll(wrap: (s: ServerState, r: StepResult, h: (v: ServerState) => StepResult) =>
  StepResult): Handlers {
  return Object.fromEntries(Object.entries(handlers).map(([name, h]) => [name,
    (s: ServerState, ...rest: unknown[]) => {
      const real = (v: ServerState): StepResult => (h as AnyHandler)(v, ...rest);
      return wrap(s, real(s), real);
    }])) as unknown as Handlers;
}

/** Extra sends after a result's own, in DESIGN.md's effect order. */
function withSends(r: StepResult, sends: readonly Effect[]): StepResult {
  if (sends.length === 0) return r;
  const effects = [...r.effects, ...sends].map((e, i) => ({ e, i }))
    .sort((x, y) => EFFECT_RANK[x.e.kind] - EFFECT_RANK[y.e.kind] || x.i - y.i).map((x) => x.e);
  return { ...r, effects };
}

/**
 * Without Known: after every step a leader goes on proposing up to its window of slots in
 * flight, however far past applied + alpha, as if the configuration it knows now governed them.
 */
const noWindow: Handlers = wrapAll((_s, r) => {
  const st = r.state;
  if (st.leader.role !== 'leader') return r;
  const f = fx();
  const wide = proposeQueued({ ...st, config: { ...st.config, alpha: 1_000_000 } }, f);
  if (wide.durable !== st.durable) return r; // it would run phase 1 again: the real one did
  return withSends({ ...r, state: { ...wide, config: st.config } }, f.sends);
});

const ALL = 0x7fffffff;

/**
 * Without SlotQuorum: a candidate becomes leader on a majority of the members in force (those
 * of the slot it applies next), and a leader never runs phase 1 again when another
 * configuration comes into force, as if its promises covered every configuration it knows.
 */
const electionQuorum: Handlers = {
  ...wrapAll((s, r, real) => {
    if (s.leader.role !== 'leader' || s.leader.promised === ALL) return r;
    const out = real({ ...s, leader: { ...s.leader, promised: ALL } });
    if (out.state.leader.promised !== ALL) return out;
    return { ...out, state: { ...out.state, leader: { ...out.state.leader,
      promised: s.leader.promised } } };
  }),
  onPromise: (s, m) => {
    const l = s.leader;
    const promised = l.promised | (1 << m.acc);
    const members = currentMembers(s);
    const majority = 2 * popcount(promised & members) > popcount(members);
    if (l.role !== 'candidate' || !majority) return handlers.onPromise(s, m);
    const r = handlers.onPromise({ ...s, leader: { ...l, promised: ALL & ~(1 << m.acc) } }, m);
    if (r.state.leader.role !== 'leader') return r;
    return { ...r, state: { ...r.state, leader: { ...r.state.leader, promised } } };
  },
};

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v !== 0; v &= v - 1) n++;
  return n;
}

/**
 * Without member-only counting: the leader tallies every 2b against the size of the slot's
 * members, a learner's (or a removed server's) vote standing in for a member that has not
 * voted yet.
 */
const memberBlindCount: Handlers = {
  ...handlers,
  onVote: (s, m) => {
    const members = configAt(s, m.slot);
    if (members === null || ((members >>> m.acc) & 1) === 1) return handlers.onVote(s, m);
    const x = s.leader.inflight.find((y) => y.slot === m.slot);
    const missing = members & ~(x?.accs ?? 0);
    if (missing === 0) return handlers.onVote(s, m);
    return handlers.onVote(s, { ...m, acc: 31 - Math.clz32(missing & -missing) });
  },
};

/** Replaces the snapshot this step took or installed by one without its configurations. */
const configlessSnapshots: Handlers = wrapAll((before, r) => {
  const snap = r.state.durable.snapshot;
  if (snap === before.durable.snapshot || snap.configs.length === 0) return r;
  const durable = { ...r.state.durable, snapshot: { ...snap, configs: [] } };
  return {
    ...r, state: { ...r.state, durable },
    effects: r.effects.map((e) => (e.kind === 'persist' ? { ...e, durable } : e)),
  };
});

export const reconfigMutants: readonly MpMutant[] = [
  {
    name: 'no-window', breaks: 'a leader proposes past applied + alpha (Known)',
    step: makeStep(noWindow), world: { alpha: 2 },
  },
  {
    name: 'election-quorum',
    breaks: 'a leader shows safety to the members of its election only (SlotQuorum)',
    step: makeStep(electionQuorum),
  },
  {
    name: 'member-blind-count',
    breaks: 'a leader counts the votes of non-members toward choosing (member-only counting)',
    step: makeStep(memberBlindCount),
  },
  {
    name: 'configless-snapshot', breaks: 'a snapshot drops the configurations',
    step: makeStep(configlessSnapshots),
  },
];

export interface ReconfigExpectation {
  readonly mutant: string;
  readonly seed: number;
  readonly check: string;
  readonly property?: string;
}

/** The world of the CI sweep (test/sim/reconfig-seeds.ts): 5 servers, 3 members, all faults. */
export function runReconfig(seed: number, m: MpMutant, correct = false): MpSimReport {
  return simulateMultiPaxos({
    seed, servers: 5, members: 3, reconfig: true, faults: MP_ALL_FAULTS,
    linearizability: checkMachineHistory, ...(m.world ?? {}), ...(correct ? {} : { step: m.step }),
  });
}
