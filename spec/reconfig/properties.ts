/**
 * The named properties of the reconfiguration specs, each returning null when it holds or a
 * violation whose witness is in protocol terms (the servers, the term, the configs, the
 * committed entries), never a state dump.
 *
 * From the TLA+ modules: OnePrimaryPerTerm (MCMongoLoglessDynamicRaft.tla and
 * MongoRaftReconfig.tla), StateMachineSafety and LeaderCompleteness (MongoRaftReconfig.tla, the
 * latter with `<=`, as there). From the inductive invariant of the repository's proofs
 * (proofs/MongoRaftReconfigIndInv.tla), the config lemmas worth checking on every state:
 * ConfigVersionAndTermUnique, PrimaryConfigTermEqualToCurrentTerm, ActiveConfigsOverlap, and
 * for the log, LogMatching. Checking them adds no states: only the TLC model's invariants are
 * what its cfgs name, and the counts do not depend on what is checked.
 *
 * Every safety property has a "sometimes" partner (`reachability`), a state that exploration
 * must reach so that a model cut too small to exercise the property cannot pass.
 */
import { at } from '../at.js';
import {
  members, Primary, quorums, quorumsOverlap, serverName, showSet, type Server, type ServerSet,
} from './defs.js';
import { newerConfig, stampOf, type ConfigState } from './logless.js';
import type { RaftReconfigState } from './raft-reconfig.js';
import { inLog, type CommittedEntry } from './static-raft.js';

export interface Witness {
  readonly servers?: readonly Server[];
  readonly term?: number;
  readonly configs?: readonly { readonly server: Server; readonly config: ServerSet;
    readonly version: number; readonly configTerm: number }[];
  readonly entries?: readonly CommittedEntry[];
  readonly quorum?: ServerSet;
  readonly index?: number;
}

export interface Violation {
  readonly property: string;
  readonly summary: string;
  readonly witness: Witness;
}

export interface StateProperty<S> {
  readonly name: string;
  readonly check: (s: S) => Violation | null;
}

export interface ReachProperty<S> {
  readonly name: string;
  readonly partners: readonly string[];
  readonly holds: (s: S) => boolean;
}

const servers = (s: ConfigState): Server[] => s.currentTerm.map((_, i) => i);
const configOf = (s: ConfigState, i: Server): NonNullable<Witness['configs']>[number] =>
  ({ server: i, config: at(s.config, i, 'config'), version: at(s.configVersion, i,
    'configVersion'), configTerm: at(s.configTerm, i, 'configTerm') });
const showConfig = (s: ConfigState, i: Server): string =>
  `${serverName(i)}'s config ${showSet(at(s.config, i, 'config'))} (v${s.configVersion[i]}, ` +
    `t${s.configTerm[i]})`;

/** A pair of servers (s, t), s < t, for which p holds, or null. */
function somePair(s: ConfigState, p: (x: Server, y: Server) => boolean): [Server, Server] | null {
  for (const x of servers(s)) for (const y of servers(s)) if (x < y && p(x, y)) return [x, y];
  return null;
}

/** OnePrimaryPerTerm: no two servers are primary in the same term. */
export function OnePrimaryPerTerm(s: ConfigState): Violation | null {
  const pair = somePair(s, (x, y) => s.state[x] === Primary && s.state[y] === Primary
    && s.currentTerm[x] === s.currentTerm[y]);
  if (pair === null) return null;
  const [x, y] = pair;
  return {
    property: 'OnePrimaryPerTerm',
    summary: `${serverName(x)} and ${serverName(y)} are both primary in term ` +
      `${s.currentTerm[x]}: ` +
      `${showConfig(s, x)}, ${showConfig(s, y)}`,
    witness: { servers: [x, y], term: at(s.currentTerm, x, 'currentTerm'), configs: [configOf(s,
      x), configOf(s, y)] },
  };
}

/** ConfigVersionAndTermUnique: two configs with the same (version, term) are the same set. */
export function ConfigVersionAndTermUnique(s: ConfigState): Violation | null {
  const pair = somePair(s, (x, y) => s.configVersion[x] === s.configVersion[y]
    && s.configTerm[x] === s.configTerm[y] && s.config[x] !== s.config[y]);
  if (pair === null) return null;
  const [x, y] = pair;
  return {
    property: 'ConfigVersionAndTermUnique',
    summary: `two different configs carry the same stamp: ${showConfig(s, x)}, ${showConfig(s, y)}`,
    witness: { servers: [x, y], configs: [configOf(s, x), configOf(s, y)] },
  };
}

/** PrimaryConfigTermEqualToCurrentTerm: a primary's config is stamped with its own term. */
export function PrimaryConfigTermEqualToCurrentTerm(s: ConfigState): Violation | null {
  const p = servers(s).find((i) => s.state[i] === Primary && s.configTerm[i] !== s.currentTerm[i]);
  if (p === undefined) return null;
  return {
    property: 'PrimaryConfigTermEqualToCurrentTerm',
    summary: `primary ${serverName(p)} is in term ${s.currentTerm[p]} but its config has term ` +
      `${s.configTerm[p]}`,
    witness: { servers: [p], term: at(s.currentTerm, p, 'currentTerm'), configs: [configOf(s, p)] },
  };
}

/** ConfigDisabled(i): every quorum of i's config has a member with a newer config, so i's
 *  config can no longer elect anyone. */
export function configDisabled(s: ConfigState, i: Server): boolean {
  return quorums(at(s.config, i, 'config')).every((Q) =>
    members(Q).some((n) => newerConfig(stampOf(s, n), stampOf(s, i))));
}

/** ActiveConfigsOverlap: the quorums of any two configs not yet disabled intersect, so no two
 *  configs can both elect a primary without some server hearing of both. */
export function ActiveConfigsOverlap(s: ConfigState): Violation | null {
  const active = servers(s).filter((i) => !configDisabled(s, i));
  const pair = somePair(s, (x, y) => active.includes(x) && active.includes(y)
    && !quorumsOverlap(at(s.config, x, 'config'), at(s.config, y, 'config')));
  if (pair === null) return null;
  const [x, y] = pair;
  return {
    property: 'ActiveConfigsOverlap',
    summary: `${showConfig(s, x)} and ${showConfig(s, y)} are both active and have disjoint ` +
      `quorums`,
    witness: { servers: [x, y], configs: [configOf(s, x), configOf(s, y)] },
  };
}

/** StateMachineSafety: two entries committed at the same index are the same entry. */
export function StateMachineSafety(s: RaftReconfigState): Violation | null {
  for (const c1 of s.committed) {
    const c2 = s.committed.find((c) => c.index === c1.index && c.term !== c1.term);
    if (c2 === undefined) continue;
    return {
      property: 'StateMachineSafety',
      summary: `two entries are committed at index ${c1.index}: one of term ${c1.term}, ` +
        `one of term ${c2.term}`,
      witness: { index: c1.index, entries: [c1, c2] },
    };
  }
  return null;
}

/** LeaderCompleteness: a primary's log holds every entry committed in its term or before. */
export function LeaderCompleteness(s: RaftReconfigState): Violation | null {
  for (const p of servers(s)) {
    if (s.state[p] !== Primary) continue;
    const term = at(s.currentTerm, p, 'currentTerm');
    const c = s.committed.find((x) => x.term <= term && !inLog(s, x.index, x.term, p));
    if (c === undefined) continue;
    return {
      property: 'LeaderCompleteness',
      summary: `primary ${serverName(p)} of term ${s.currentTerm[p]} lacks committed entry ` +
        `(${c.index}, ${c.term}); its log is [${at(s.log, p, 'log').join(', ')}], its ` +
        `${showConfig(s, p)}`,
      witness: { servers: [p], term, entries: [c], configs: [configOf(s, p)] },
    };
  }
  return null;
}

/** LogMatching: two logs that agree at an index agree on every entry up to it. */
export function LogMatching(s: RaftReconfigState): Violation | null {
  const pair = somePair(s, (x, y) => {
    const lx = at(s.log, x, 'log');
    const ly = at(s.log, y, 'log');
    for (let k = Math.min(lx.length, ly.length) - 1; k >= 0; k--) {
      if (lx[k] === ly[k]) return lx.slice(0, k).some((t, j) => ly[j] !== t);
    }
    return false;
  });
  if (pair === null) return null;
  const [x, y] = pair;
  return {
    property: 'LogMatching',
    summary: `${serverName(x)}'s log [${at(s.log, x, 'log').join(', ')}] and ${serverName(y)}'s ` +
      `[${at(s.log, y, 'log').join(', ')}] share an entry but not the entries before it`,
    witness: { servers: [x, y] },
  };
}

const state = <S>(name: string, check: (s: S) => Violation | null): StateProperty<S> =>
  ({ name, check });

/** The logless spec's properties, OnePrimaryPerTerm first (the TLC model's invariant). */
export const configProperties: readonly StateProperty<ConfigState>[] = [
  state('OnePrimaryPerTerm', OnePrimaryPerTerm),
  state('ConfigVersionAndTermUnique', ConfigVersionAndTermUnique),
  state('PrimaryConfigTermEqualToCurrentTerm', PrimaryConfigTermEqualToCurrentTerm),
  state('ActiveConfigsOverlap', ActiveConfigsOverlap),
];

/** The composed spec's: the cfg's three invariants first, in its order, then the lemmas. */
export const raftProperties: readonly StateProperty<RaftReconfigState>[] = [
  state('OnePrimaryPerTerm', OnePrimaryPerTerm),
  state('StateMachineSafety', StateMachineSafety),
  state('LeaderCompleteness', LeaderCompleteness),
  ...configProperties.slice(1),
  state('LogMatching', LogMatching),
];

/** Two servers are primary at once (in different terms): OnePrimaryPerTerm is not trivial. */
export const TwoPrimaries: ReachProperty<ConfigState> = {
  name: 'TwoPrimaries',
  partners: ['OnePrimaryPerTerm'],
  holds: (s) => s.state.filter((r) => r === Primary).length >= 2,
};

/** Two servers hold configs of different memberships, both still able to elect. */
export const TwoActiveConfigs: ReachProperty<ConfigState> = {
  name: 'TwoActiveConfigs',
  partners: ['ConfigVersionAndTermUnique', 'ActiveConfigsOverlap'],
  holds: (s) => somePair(s, (x, y) => s.config[x] !== s.config[y]
    && !configDisabled(s, x) && !configDisabled(s, y)) !== null,
};

/** A primary holds a config it wrote itself (version above 1). */
export const PrimaryReconfigured: ReachProperty<ConfigState> = {
  name: 'PrimaryReconfigured',
  partners: ['PrimaryConfigTermEqualToCurrentTerm'],
  holds: (s) => servers(s).some((i) => s.state[i] === Primary && at(s.configVersion, i,
    'configVersion') > 1),
};

/** In one term, a primary both changed the config and got an entry of that term committed:
 *  the two state machines interleave. */
export const CommitAndReconfigInOneTerm: ReachProperty<RaftReconfigState> = {
  name: 'CommitAndReconfigInOneTerm',
  partners: ['StateMachineSafety'],
  holds: (s) => s.committed.length > 0 && servers(s).some((i) => at(s.configVersion, i,
    'configVersion') > 1
    && s.committed.some((c) => c.term === s.configTerm[i])),
};

/** A primary was elected after an entry was committed in an earlier term. */
export const PrimaryAfterCommit: ReachProperty<RaftReconfigState> = {
  name: 'PrimaryAfterCommit',
  partners: ['LeaderCompleteness'],
  holds: (s) => servers(s).some((p) => s.state[p] === Primary
    && s.committed.some((c) => c.term < at(s.currentTerm, p, 'currentTerm'))),
};

/** Two logs differ at an index (a rollback is possible): LogMatching is not trivial. */
export const DivergentLogs: ReachProperty<RaftReconfigState> = {
  name: 'DivergentLogs',
  partners: ['LogMatching'],
  // A log may be shorter than the other: an entry it lacks (undefined) is no disagreement.
  holds: (s) => somePair(s, (x, y) => {
    const ly = at(s.log, y, 'log');
    return at(s.log, x, 'log').some((t, k) => ly[k] !== undefined && ly[k] !== t);
  }) !== null,
};

export const configReachability: readonly ReachProperty<ConfigState>[] =
  [TwoPrimaries, TwoActiveConfigs, PrimaryReconfigured];

export const raftReachability: readonly ReachProperty<RaftReconfigState>[] =
  [...configReachability, CommitAndReconfigInOneTerm, PrimaryAfterCommit, DivergentLogs];
