/**
 * MongoLoglessDynamicRaft: the config state machine of MongoDB's reconfiguration protocol
 * (Schultz, Demirbas and others; TLA+ in will62794/logless-reconfig,
 * `MongoLoglessDynamicRaft.tla`), transcribed into TypeScript conjunct by conjunct.
 *
 * What it models: servers that elect primaries in terms, as in Raft, and a configuration (the
 * set of servers that vote) that a primary may change. The configuration is not an entry in a
 * replicated log, as in Raft; each server holds just its latest configuration, stamped with a
 * version and the term of the primary that wrote it, and configurations spread from server to
 * server by the stamp alone ("logless"). Safety rests on three guards of Reconfig, explained
 * in its prose box and in docs/reconfiguration.md.
 *
 * What it leaves out, as the TLA+ module does: the replicated log of operations (the composed
 * spec, raft-reconfig.ts, adds it), messages (each action reads the state of the servers it
 * involves directly, as if it had just heard from them), and any bound: the model checker's
 * bounds (MaxTerm, MaxConfigVersion: the TLC model's StateConstraint) live with the checker.
 *
 * Every action exists once, in test form: given a state and the action's parameters it returns
 * the next state or the conjunct that does not hold. The enumerate form (`enabledSteps`) applies
 * the test form to every parameter, in the order of the module's Next. The actions are generic
 * over any state that extends ConfigState, so the composed spec runs these very functions on its
 * larger state (and so can a Multi-Paxos extension), and Reconfig is built from a list of named
 * guards so that a variant with one guard removed (a mutant, in test/) is one filter away.
 */
import { at } from '../at.js';
import {
  except, isMember, members, Primary, quorums, quorumsOverlap, quorumWhere, Secondary, serverName,
  showSet, subsets, type Role, type Server, type ServerSet,
} from './defs.js';

/** The constant Server, as a count: Server = 0..servers-1. */
export interface Constants {
  readonly servers: number;
}

/** The variables of the module, one entry per server. */
export interface ConfigState {
  /** currentTerm[s]: the latest term s has heard of; 0 initially. Terms only grow. */
  readonly currentTerm: readonly number[];
  /** state[s]: Primary or Secondary. At most one primary per term (OnePrimaryPerTerm). */
  readonly state: readonly Role[];
  /** configVersion[s]: the version of s's configuration; 1 initially, +1 per Reconfig. */
  readonly configVersion: readonly number[];
  /** configTerm[s]: the term of the primary that last wrote s's configuration (by Reconfig, or
   *  by winning an election in it); 0 initially. (configTerm, configVersion) orders configs. */
  readonly configTerm: readonly number[];
  /** config[s]: the set of servers s believes vote; the same nonempty set for all initially. */
  readonly config: readonly ServerSet[];
}

/** One step of Next, with the values of its \E witnesses. */
export type ConfigAction =
  | { readonly name: 'Reconfig'; readonly i: Server; readonly newConfig: ServerSet }
  | { readonly name: 'SendConfig'; readonly i: Server; readonly j: Server }
  | { readonly name: 'BecomeLeader'; readonly i: Server; readonly Q: ServerSet }
  | { readonly name: 'UpdateTerms'; readonly i: Server; readonly j: Server };

/** The result of testing one step: the next state, or the conjunct that does not hold. */
export type StepResult<S> =
  | { readonly ok: true; readonly next: S }
  | {
      readonly ok: false;
      /** The failing conjunct, in the module's notation. */
      readonly conjunct: string;
      /** The same in plain words, with the values involved. */
      readonly why: string;
    };

export function refuse<S>(conjunct: string, why: string): StepResult<S> {
  return { ok: false, conjunct, why };
}

const isServer = (k: Constants, s: number): boolean => Number.isInteger(s) && s >= 0
  && s < k.servers;
const isSet = (k: Constants, x: number): boolean => Number.isInteger(x) && x >= 0
  && x < 1 << k.servers;

/**
 * Init: every server in term 0, a Secondary, with configuration version 1 of term 0, and all
 * with the same nonempty configuration (\E initConfig \in SUBSET Server : initConfig # {}):
 * one initial state per nonempty set, in bitmask order.
 */
export function initialStates(k: Constants): ConfigState[] {
  const each = <T>(x: T): T[] => Array.from({ length: k.servers }, () => x);
  return subsets(k.servers).filter((c) => c !== 0).map((c) => ({
    currentTerm: each(0), state: each<Role>(Secondary), configVersion: each(1),
    configTerm: each(0), config: each(c),
  }));
}

// ---------------------------------------------------------------------------------------------
// Helper predicates: the vocabulary the actions and properties are written in.
// ---------------------------------------------------------------------------------------------

/** A config stamp <<configVersion, configTerm>>, as the module's NewerConfig compares them. */
export interface Stamp { readonly version: number; readonly term: number }

export const stampOf = (s: ConfigState, i: Server): Stamp =>
  ({ version: at(s.configVersion, i, 'configVersion'), term: at(s.configTerm, i, 'configTerm') });

/** NewerConfig(ci, cj): the term decides first, then the version. */
export function newerConfig(ci: Stamp, cj: Stamp): boolean {
  return ci.term > cj.term || (ci.term === cj.term && ci.version > cj.version);
}

/** IsNewerConfig(i, j): i's config is newer than j's, so j would accept it. */
export function isNewerConfig(s: ConfigState, i: Server, j: Server): boolean {
  return newerConfig(stampOf(s, i), stampOf(s, j));
}

/** IsNewerOrEqualConfig(i, j). */
export function isNewerOrEqualConfig(s: ConfigState, i: Server, j: Server): boolean {
  return (s.configTerm[i] === s.configTerm[j] && s.configVersion[i] === s.configVersion[j])
    || isNewerConfig(s, i, j);
}

/** CanVoteForConfig(i, j, term): i may vote for j in term (i has not seen term, and j's config
 *  is at least as new as i's, so a stale configuration can never win an election). */
export function canVoteForConfig(s: ConfigState, i: Server, j: Server, term: number): boolean {
  return at(s.currentTerm, i, 'currentTerm') < term && isNewerOrEqualConfig(s, j, i);
}

/** ConfigQuorumCheck(i): a quorum of config[i] has i's config (same version and term); the
 *  quorum found, or null. */
export function configQuorum(s: ConfigState, i: Server): ServerSet | null {
  return quorumWhere(at(s.config, i, 'config'), (t) =>
    s.configVersion[t] === s.configVersion[i] && s.configTerm[t] === s.configTerm[i]);
}

/** TermQuorumCheck(i): a quorum of config[i] is in i's term; the quorum found, or null. */
export function termQuorum(s: ConfigState, i: Server): ServerSet | null {
  return quorumWhere(at(s.config, i, 'config'), (t) => s.currentTerm[t] === s.currentTerm[i]);
}

// ---------------------------------------------------------------------------------------------
// Actions.
// ---------------------------------------------------------------------------------------------

/**
 * UpdateTerms(i, j). Who: servers i and j, as they exchange any message. Enabled: i has a
 * higher term than j. Does: j adopts i's term and, if it was a primary, steps down. Why: a
 * primary must learn that a newer term began, or two primaries could act at once; the module
 * makes this its own step so that every place term propagation matters is visible.
 */
export function UpdateTerms<S extends ConfigState>(
  k: Constants, s: S, i: Server, j: Server,
): StepResult<S> {
  if (!isServer(k, i) || !isServer(k, j)) return refuse('i, j \\in Server',
    `${i}, ${j}: not servers`);
  if (!(at(s.currentTerm, i, 'currentTerm') > at(s.currentTerm, j, 'currentTerm'))) {
    return refuse('currentTerm[i] > currentTerm[j]', `${serverName(i)} is in term ` +
      `${s.currentTerm[i]}, not above ${serverName(j)}'s term ${s.currentTerm[j]}`);
  }
  return { ok: true, next: { ...s,
    currentTerm: except(s.currentTerm, j, at(s.currentTerm, i, 'currentTerm')),
    state: except(s.state, j, Secondary) } };
}

/**
 * BecomeLeader(i, Q), Q a quorum of config[i]. Who: server i, with the votes of Q. Enabled: i is
 * in its own config and in Q, and every voter v in Q can vote for i in term currentTerm[i] + 1
 * (v has not reached that term, and i's config is at least as new as v's). Does: the voters move
 * to the new term, i as Primary and the others as Secondary; i's configTerm becomes the new term.
 * Why the last: re-stamping the config with the new term makes it newer than any config a
 * deposed primary of an older term may still write, and it must then be installed on a quorum
 * (ConfigQuorumCheck) before this primary may reconfigure: Raft's "commit an entry of your own
 * term first", without a log.
 */
export function BecomeLeader<S extends ConfigState>(
  k: Constants, s: S, i: Server, Q: ServerSet,
): StepResult<S> {
  if (!isServer(k, i)) return refuse('i \\in Server', `${i} is not a server`);
  if (!quorums(at(s.config, i, 'config')).includes(Q)) {
    return refuse('Q \\in Quorums(config[i])',
      `${showSet(Q)} is not a quorum of ${serverName(i)}'s config ` +
        `${showSet(at(s.config, i, 'config'))}`);
  }
  if (!isMember(i, at(s.config, i, 'config'))) {
    return refuse('i \\in config[i]', `${serverName(i)} is not in its own config ` +
      `${showSet(at(s.config, i, 'config'))}`);
  }
  if (!isMember(i, Q)) return refuse('i \\in voteQuorum',
    `${serverName(i)} is not in ${showSet(Q)}`);
  const newTerm = at(s.currentTerm, i, 'currentTerm') + 1;
  const refuser = members(Q).find((v) => !canVoteForConfig(s, v, i, newTerm));
  if (refuser !== undefined) {
    return refuse('\\A v \\in voteQuorum : CanVoteForConfig(v, i, newTerm)',
      `${serverName(refuser)} cannot vote for ${serverName(i)} in term ${newTerm}: ` +
      (at(s.currentTerm, refuser, 'currentTerm') >= newTerm
        ? `it is in term ${s.currentTerm[refuser]}`
        : `its config (v${s.configVersion[refuser]}, t${s.configTerm[refuser]}) is newer`));
  }
  return { ok: true, next: { ...s,
    currentTerm: s.currentTerm.map((t, v) => (isMember(v, Q) ? newTerm : t)),
    state: s.state.map((r, v) => (v === i ? Primary : isMember(v, Q) ? Secondary : r)),
    configTerm: except(s.configTerm, i, newTerm) } };
}

/** One conjunct of Reconfig's guard: its name in the module, and the test with its reason. */
export interface ReconfigGuard<S extends ConfigState = ConfigState> {
  readonly conjunct: string;
  /** null when the conjunct holds; otherwise why not, in plain words. */
  readonly fails: (s: S, i: Server, newConfig: ServerSet) => string | null;
}

/**
 * The conjuncts of Reconfig(i, newConfig), in the module's order. The middle three are the
 * safety guards (docs/reconfiguration.md):
 *  - ConfigQuorumCheck(i): i's current config is installed on a quorum of it. So configs change
 *    one at a time: no second change before the first is known to a quorum, whose members would
 *    refuse to elect a server with an older config.
 *  - TermQuorumCheck(i): a quorum of i's config is in i's term. So no primary of an older term
 *    can still be elected by that config, and i's config is the newest a quorum knows.
 *  - QuorumsOverlap(config[i], newConfig): every quorum of the old config meets every quorum of
 *    the new one, so the two configs cannot elect two primaries in the same term.
 */
export const reconfigGuards: readonly ReconfigGuard[] = [
  {
    conjunct: 'state[i] = Primary',
    fails: (s, i) => (s.state[i] === Primary ? null : `${serverName(i)} is not a primary`),
  },
  {
    conjunct: 'ConfigQuorumCheck(i)',
    fails: (s, i) => (configQuorum(s, i) !== null ? null
      : `no quorum of ${showSet(at(s.config, i, 'config'))} has ${serverName(i)}'s config ` +
        `(v${s.configVersion[i]}, t${s.configTerm[i]})`),
  },
  {
    conjunct: 'TermQuorumCheck(i)',
    fails: (s, i) => (termQuorum(s, i) !== null ? null
      : `no quorum of ${showSet(at(s.config, i, 'config'))} is in ${serverName(i)}'s term ` +
        `${s.currentTerm[i]}`),
  },
  {
    conjunct: 'QuorumsOverlap(config[i], newConfig)',
    fails: (s, i, c) => (quorumsOverlap(at(s.config, i, 'config'), c) ? null
      : `some quorum of ${showSet(at(s.config, i, 'config'))} misses some quorum of ${showSet(c)}`),
  },
  {
    conjunct: 'i \\in newConfig',
    fails: (_s, i, c) => (isMember(i, c) ? null : `${serverName(i)} is not in ${showSet(c)}`),
  },
];

export type ReconfigAction<S extends ConfigState> =
  (k: Constants, s: S, i: Server, newConfig: ServerSet) => StepResult<S>;

/**
 * Reconfig(i, newConfig) with the given guards. Who: server i. Enabled: every guard holds (the
 * spec's own guards are `reconfigGuards`). Does: i installs newConfig as its config, version +1,
 * stamped with its current term. Why this is all: the new config reaches the others by
 * SendConfig; it takes effect for elections as soon as a server holds it.
 */
export function reconfigWith<S extends ConfigState>(
  guards: readonly ReconfigGuard<S>[],
): ReconfigAction<S> {
  return (k, s, i, newConfig) => {
    if (!isServer(k, i)) return refuse('i \\in Server', `${i} is not a server`);
    if (!isSet(k, newConfig)) return refuse('newConfig \\in SUBSET Server',
      `${newConfig}: not a set of servers`);
    for (const g of guards) {
      const why = g.fails(s, i, newConfig);
      if (why !== null) return refuse(g.conjunct, why);
    }
    return { ok: true, next: { ...s,
      configTerm: except(s.configTerm, i, at(s.currentTerm, i, 'currentTerm')),
      configVersion: except(s.configVersion, i, at(s.configVersion, i, 'configVersion') + 1),
      config: except(s.config, i, newConfig) } };
  };
}

export const Reconfig: ReconfigAction<ConfigState> = reconfigWith(reconfigGuards);

/**
 * SendConfig(i, j). Who: server i, sending its config to j (or j pulling it). Enabled: j is a
 * Secondary and i's config is newer than j's. Does: j takes i's config, version and term.
 * Why only secondaries: a primary's config is the one it wrote or was elected in; it learns of
 * newer ones only after stepping down (UpdateTerms).
 */
export function SendConfig<S extends ConfigState>(
  k: Constants, s: S, i: Server, j: Server,
): StepResult<S> {
  if (!isServer(k, i) || !isServer(k, j)) return refuse('i, j \\in Server',
    `${i}, ${j}: not servers`);
  if (s.state[j] !== Secondary) return refuse('state[j] = Secondary',
    `${serverName(j)} is a primary`);
  if (!isNewerConfig(s, i, j)) {
    return refuse('IsNewerConfig(i, j)', `${serverName(i)}'s config (v${s.configVersion[i]}, ` +
      `t${s.configTerm[i]}) is not newer than ${serverName(j)}'s (v${s.configVersion[j]}, ` +
      `t${s.configTerm[j]})`);
  }
  return { ok: true, next: { ...s,
    configVersion: except(s.configVersion, j, at(s.configVersion, i, 'configVersion')),
    configTerm: except(s.configTerm, j, at(s.configTerm, i, 'configTerm')),
    config: except(s.config, j, at(s.config, i, 'config')) } };
}

/** The four actions by name, so a variant of the spec (a mutant) can replace one of them. */
export interface Actions {
  readonly Reconfig: ReconfigAction<ConfigState>;
  readonly SendConfig: typeof SendConfig;
  readonly BecomeLeader: typeof BecomeLeader;
  readonly UpdateTerms: typeof UpdateTerms;
}

export const actions: Actions = { Reconfig, SendConfig, BecomeLeader, UpdateTerms };

/** Tests one step of Next (the test form). */
export function testStep(
  k: Constants, s: ConfigState, act: ConfigAction, impl: Actions = actions,
): StepResult<ConfigState> {
  switch (act.name) {
    case 'Reconfig': return impl.Reconfig(k, s, act.i, act.newConfig);
    case 'SendConfig': return impl.SendConfig(k, s, act.i, act.j);
    case 'BecomeLeader': return impl.BecomeLeader(k, s, act.i, act.Q);
    case 'UpdateTerms': return impl.UpdateTerms(k, s, act.i, act.j);
  }
}

/** One enabled step: the action and the state it leads to. */
export interface Step<S, A> {
  readonly action: A;
  readonly next: S;
}

/**
 * Every instance of Next's actions, in the module's order: Reconfig(s, newConfig) for every
 * server and every set; SendConfig(s, t) for every pair; BecomeLeader(i, Q) for every quorum Q
 * of config[i]; UpdateTerms(s, t). One instance per \E witness, as TLC generates them (two
 * instances may lead to the same state; each counts as generated).
 */
export function configActions(k: Constants, s: ConfigState): ConfigAction[] {
  const acts: ConfigAction[] = [];
  for (let i = 0; i < k.servers; i++) {
    for (const newConfig of subsets(k.servers)) acts.push({ name: 'Reconfig', i, newConfig });
  }
  for (let i = 0; i < k.servers; i++) {
    for (let j = 0; j < k.servers; j++) acts.push({ name: 'SendConfig', i, j });
  }
  for (let i = 0; i < k.servers; i++) {
    for (const Q of quorums(at(s.config, i, 'config'))) acts.push({ name: 'BecomeLeader', i, Q });
  }
  for (let i = 0; i < k.servers; i++) {
    for (let j = 0; j < k.servers; j++) acts.push({ name: 'UpdateTerms', i, j });
  }
  return acts;
}

/** Next, in enumerate form: the enabled instances of configActions, each tested. */
export function enabledSteps(
  k: Constants, s: ConfigState, impl: Actions = actions,
): Step<ConfigState, ConfigAction>[] {
  const steps: Step<ConfigState, ConfigAction>[] = [];
  for (const action of configActions(k, s)) {
    const r = testStep(k, s, action, impl);
    if (r.ok) steps.push({ action, next: r.next });
  }
  return steps;
}

/** The action for people: Reconfig(n1, {n1, n2}). */
export function showConfigAction(a: ConfigAction): string {
  switch (a.name) {
    case 'Reconfig': return `Reconfig(${serverName(a.i)}, ${showSet(a.newConfig)})`;
    case 'BecomeLeader': return `BecomeLeader(${serverName(a.i)}, ${showSet(a.Q)})`;
    case 'SendConfig':
    case 'UpdateTerms': return `${a.name}(${serverName(a.i)}, ${serverName(a.j)})`;
  }
}
