/**
 * MongoRaftReconfig: MongoDB's replication protocol with logless reconfiguration
 * (will62794/logless-reconfig, `MongoRaftReconfig.tla`), the composition of two state machines
 * over shared terms, roles and config:
 *  - the config state machine (CSM), MongoLoglessDynamicRaft (logless.ts): Reconfig, SendConfig;
 *  - the oplog state machine (OSM), MongoStaticRaft (static-raft.ts): ClientRequest, GetEntries,
 *    RollbackEntries, CommitEntry;
 *  - and the two steps both take at once: BecomeLeader (the winner must satisfy both vote rules)
 *    and UpdateTerms.
 * Any other step is one machine's step, leaving the other's variables unchanged.
 *
 * What the composition adds to its parts is one guard on Reconfig, OplogCommitment: before it
 * leaves a config, a primary must have committed an entry in its own term, and every entry it
 * committed in its term must be committed by the rules of its current config. Without it,
 * entries committed under one config can be lost under the next (docs/reconfiguration.md).
 *
 * Left out, as in the module: the refinement RefinesMLDR (the composition's config behaviour is
 * a behaviour of the logless spec alone) is a PROPERTY the module's cfg leaves commented out.
 */
import { at } from '../at.js';
import { quorums, quorumWhere, serverName, showSet, subsets, type Server } from './defs.js';
import * as CSM from './logless.js';
import type { ConfigAction, ConfigState, Constants, ReconfigGuard, Step,
  StepResult } from './logless.js';
import * as OSM from './static-raft.js';
import type { OplogState } from './static-raft.js';

export type { CommittedEntry } from './static-raft.js';

/** The variables of MongoRaftReconfig: the config state machine's and the oplog's. */
export interface RaftReconfigState extends ConfigState, OplogState {}

/** One step of Next, with the values of its \E witnesses. */
export type RaftAction =
  | ConfigAction
  | { readonly name: 'ClientRequest'; readonly i: Server }
  | { readonly name: 'GetEntries'; readonly i: Server; readonly j: Server }
  | { readonly name: 'RollbackEntries'; readonly i: Server; readonly j: Server }
  | { readonly name: 'CommitEntry'; readonly i: Server; readonly Q: number };

/** Init == CSM!Init /\ OSM!Init: one initial state per nonempty config, empty logs. */
export function initialStates(k: Constants): RaftReconfigState[] {
  return CSM.initialStates(k).map((s) => ({
    ...s, log: Array.from({ length: k.servers }, () => []), committed: [],
  }));
}

/**
 * IsCommitted(index, primary): the primary's entry at index is of its current term, and some
 * quorum of its current config holds that entry and is in that term. Returns the quorum, or
 * null.
 */
export function committedQuorum(s: RaftReconfigState, index: number,
  primary: Server): number | null {
  const log = at(s.log, primary, 'log');
  const term = at(s.currentTerm, primary, 'currentTerm');
  if (!(log.length >= index) || OSM.logTerm(log, index) !== term) return null;
  return quorumWhere(at(s.config, primary, 'config'), (t) =>
    at(s.log, t, 'log')[index - 1] === log[index - 1] && s.currentTerm[t] === term);
}

/**
 * OplogCommitment(s), the two conjuncts that Reconfig adds in the composition:
 *  1. the primary has committed an entry in its own term, or nothing is committed yet: so a
 *     quorum of its config holds the newest committed entry, and with it all older ones
 *     (Raft's rule that a new leader commits an entry of its term before changing the config);
 *  2. every entry committed in its term is committed in its current config (IsCommitted): so
 *     moving on to a config that overlaps this one carries them over.
 */
export const oplogCommitmentGuards: readonly ReconfigGuard<RaftReconfigState>[] = [
  {
    conjunct: '(committed = {}) \\/ (\\E c \\in committed : c.term = currentTerm[s])',
    fails: (s, i) => (s.committed.length === 0
      || s.committed.some((c) => c.term === s.currentTerm[i]) ? null
      : `${serverName(i)} has committed no entry in its term ${s.currentTerm[i]}`),
  },
  {
    conjunct: '\\A c \\in committed : (c.term = currentTerm[s]) => IsCommitted(c.entry[1], s)',
    fails: (s, i) => {
      const c = s.committed.find((x) => x.term === s.currentTerm[i] && committedQuorum(s, x.index,
        i) === null);
      return c === undefined ? null : `entry (${c.index}, ${c.term}) is not committed in ` +
        `${serverName(i)}'s current config`;
    },
  },
];

/** CSMNext's Reconfig: OplogCommitment(s) /\ CSM!Reconfig(s, newConfig). */
export const reconfigGuards: readonly ReconfigGuard<RaftReconfigState>[] =
  [...oplogCommitmentGuards, ...CSM.reconfigGuards];

export const Reconfig: CSM.ReconfigAction<RaftReconfigState> = CSM.reconfigWith(reconfigGuards);

/**
 * The joint BecomeLeader(i, Q) == OSM!BecomeLeader(i, Q) /\ CSM!BecomeLeader(i, Q): the winner
 * needs both the log vote rule and the config vote rule from every voter (and must be in its own
 * config). Both halves set the same new terms and roles; the CSM's also re-stamps i's config.
 */
export function BecomeLeader(
  k: Constants, s: RaftReconfigState, i: Server, Q: number,
): StepResult<RaftReconfigState> {
  const oplog = OSM.BecomeLeader(k, s, i, Q);
  if (!oplog.ok) return oplog;
  return CSM.BecomeLeader(k, s, i, Q);
}

/** The actions by name, so a variant (a mutant, in test/) can replace one of them. */
export interface Actions {
  readonly ClientRequest: typeof OSM.ClientRequest<RaftReconfigState>;
  readonly GetEntries: typeof OSM.GetEntries<RaftReconfigState>;
  readonly RollbackEntries: typeof OSM.RollbackEntries<RaftReconfigState>;
  readonly CommitEntry: typeof OSM.CommitEntry<RaftReconfigState>;
  readonly Reconfig: CSM.ReconfigAction<RaftReconfigState>;
  readonly SendConfig: typeof CSM.SendConfig<RaftReconfigState>;
  readonly BecomeLeader: typeof BecomeLeader;
  readonly UpdateTerms: typeof CSM.UpdateTerms<RaftReconfigState>;
}

export const actions: Actions = {
  ClientRequest: OSM.ClientRequest, GetEntries: OSM.GetEntries,
  RollbackEntries: OSM.RollbackEntries, CommitEntry: OSM.CommitEntry,
  Reconfig, SendConfig: CSM.SendConfig, BecomeLeader, UpdateTerms: CSM.UpdateTerms,
};

/** Tests one step of Next (the test form). */
export function testStep(
  k: Constants, s: RaftReconfigState, act: RaftAction, impl: Actions = actions,
): StepResult<RaftReconfigState> {
  switch (act.name) {
    case 'ClientRequest': return impl.ClientRequest(k, s, act.i);
    case 'GetEntries': return impl.GetEntries(k, s, act.i, act.j);
    case 'RollbackEntries': return impl.RollbackEntries(k, s, act.i, act.j);
    case 'CommitEntry': return impl.CommitEntry(k, s, act.i, act.Q);
    case 'Reconfig': return impl.Reconfig(k, s, act.i, act.newConfig);
    case 'SendConfig': return impl.SendConfig(k, s, act.i, act.j);
    case 'BecomeLeader': return impl.BecomeLeader(k, s, act.i, act.Q);
    case 'UpdateTerms': return impl.UpdateTerms(k, s, act.i, act.j);
  }
}

/**
 * Every instance of Next's actions, in the module's order: OSMNext (ClientRequest(s),
 * GetEntries(s, t), RollbackEntries(s, t), CommitEntry(s, Q) for every quorum Q of config[s]),
 * CSMNext (Reconfig(s, newConfig), SendConfig(s, t)), JointNext (BecomeLeader(i, Q),
 * UpdateTerms(s, t)). One instance per \E witness, as TLC generates them.
 */
export function raftActions(k: Constants, s: RaftReconfigState): RaftAction[] {
  const n = k.servers;
  const acts: RaftAction[] = [];
  const pairs = (name: 'GetEntries' | 'RollbackEntries' | 'SendConfig' | 'UpdateTerms'): void => {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) acts.push({ name, i, j });
  };
  for (let i = 0; i < n; i++) acts.push({ name: 'ClientRequest', i });
  pairs('GetEntries');
  pairs('RollbackEntries');
  for (let i = 0; i < n; i++) {
    for (const Q of quorums(at(s.config, i, 'config'))) acts.push({ name: 'CommitEntry', i, Q });
  }
  for (let i = 0; i < n; i++) {
    for (const newConfig of subsets(n)) acts.push({ name: 'Reconfig', i, newConfig });
  }
  pairs('SendConfig');
  for (let i = 0; i < n; i++) {
    for (const Q of quorums(at(s.config, i, 'config'))) acts.push({ name: 'BecomeLeader', i, Q });
  }
  pairs('UpdateTerms');
  return acts;
}

/** Next, in enumerate form: the enabled instances of raftActions, each tested. */
export function enabledSteps(
  k: Constants, s: RaftReconfigState, impl: Actions = actions,
): Step<RaftReconfigState, RaftAction>[] {
  const steps: Step<RaftReconfigState, RaftAction>[] = [];
  for (const action of raftActions(k, s)) {
    const r = testStep(k, s, action, impl);
    if (r.ok) steps.push({ action, next: r.next });
  }
  return steps;
}

/** The action for people: CommitEntry(n1, {n1, n2}). */
export function showRaftAction(a: RaftAction): string {
  switch (a.name) {
    case 'ClientRequest': return `ClientRequest(${serverName(a.i)})`;
    case 'GetEntries':
    case 'RollbackEntries': return `${a.name}(${serverName(a.i)}, ${serverName(a.j)})`;
    case 'CommitEntry': return `CommitEntry(${serverName(a.i)}, ${showSet(a.Q)})`;
    default: return CSM.showConfigAction(a);
  }
}
