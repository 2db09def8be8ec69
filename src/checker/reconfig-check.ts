/**
 * One bounded check of the reconfiguration specs, from plain settings to a result: without a
 * log, MongoLoglessDynamicRaft under MCMongoLoglessDynamicRaft's StateConstraint; with one,
 * MongoRaftReconfig under MCMongoRaftReconfig's. The CLI, the benchmark and the tests all come
 * through here, so they check the same thing.
 *
 * It leaves out all input/output: the CLI parses flags and prints (src/cli/check-reconfig.ts).
 */
import { SERVERS_MAX } from '../../spec/reconfig/defs.js';
import * as Logless from '../../spec/reconfig/logless.js';
import type { ConfigState } from '../../spec/reconfig/logless.js';
import * as Raft from '../../spec/reconfig/raft-reconfig.js';
import type { RaftReconfigState } from '../../spec/reconfig/raft-reconfig.js';
import { check, type CheckResult, type Model, type Progress } from './engine.js';
import {
  loglessModel, raftReconfigModel, type ReconfigProperties,
} from './models/reconfig.js';

export interface ReconfigCheckSettings {
  readonly servers: number;
  readonly maxTerm: number;
  readonly maxConfigVersion: number;
  /** MaxLogLen of the composed spec; null checks the logless spec alone. */
  readonly maxLogLen: number | null;
  readonly symmetry: boolean;
  /** A variant of the logless spec (a mutant); only without a log. */
  readonly loglessImpl?: Logless.Actions;
  /** A variant of the composed spec (a mutant); only with a log. */
  readonly raftImpl?: Raft.Actions;
  readonly loglessProperties?: ReconfigProperties<ConfigState>;
  readonly raftProperties?: ReconfigProperties<RaftReconfigState>;
  readonly maxStates?: number;
  readonly onProgress?: (p: Progress) => void;
  /** Which guard a variant removed, for reports (withoutReconfigGuard). */
  readonly without?: ReconfigGuardName;
}

export interface ReconfigCheck {
  readonly model: Model;
  readonly result: CheckResult;
}

/** The model the settings ask for; throws a RangeError naming a bound that does not fit. */
export function reconfigModel(s: ReconfigCheckSettings): Model {
  if (!(s.servers >= 1 && s.servers <= SERVERS_MAX)) {
    throw new RangeError(`servers must be 1..${SERVERS_MAX}`);
  }
  const b = { servers: s.servers, maxTerm: s.maxTerm, maxConfigVersion: s.maxConfigVersion,
    maxLogLen: s.maxLogLen };
  if (s.maxLogLen === null) {
    return loglessModel(b, {
      ...(s.loglessImpl === undefined ? {} : { impl: s.loglessImpl }),
      ...(s.loglessProperties === undefined ? {} : { properties: s.loglessProperties }),
    });
  }
  return raftReconfigModel(b, {
    ...(s.raftImpl === undefined ? {} : { impl: s.raftImpl }),
    ...(s.raftProperties === undefined ? {} : { properties: s.raftProperties }),
  });
}

export function checkReconfig(s: ReconfigCheckSettings): ReconfigCheck {
  const model = reconfigModel(s);
  const result = check(model, {
    symmetry: s.symmetry,
    ...(s.maxStates === undefined ? {} : { maxStates: s.maxStates }),
    ...(s.onProgress === undefined ? {} : { onProgress: s.onProgress }),
  });
  return { model, result };
}

/**
 * The guards of Reconfig that `synod check reconfig --without NAME` can remove, each by its
 * conjunct in the TLA+ module: what happens without it is the point of the exercise
 * (docs/reconfiguration.md). own-term-commit exists only in the composed spec.
 */
export const RECONFIG_GUARDS = {
  'config-quorum': 'ConfigQuorumCheck(i)',
  'term-quorum': 'TermQuorumCheck(i)',
  'quorums-overlap': 'QuorumsOverlap(config[i], newConfig)',
  'own-term-commit': '(committed = {}) \\/ (\\E c \\in committed : c.term = currentTerm[s])',
} as const;

export type ReconfigGuardName = keyof typeof RECONFIG_GUARDS;

/** `guards` without the one whose conjunct is `conjunct` (which must be among them). */
export function withoutGuard<G extends { readonly conjunct: string }>(
  guards: readonly G[], conjunct: string,
): G[] {
  const kept = guards.filter((g) => g.conjunct !== conjunct);
  if (kept.length !== guards.length - 1) throw new RangeError(`no guard '${conjunct}' to remove`);
  return kept;
}

/** The settings' spec with Reconfig's guard `name` removed. */
export function withoutReconfigGuard(s: ReconfigCheckSettings, name: ReconfigGuardName):
ReconfigCheckSettings {
  const conjunct = RECONFIG_GUARDS[name];
  if (s.maxLogLen === null) {
    if (name === 'own-term-commit') throw new RangeError('own-term-commit needs --with-log');
    return { ...s, loglessImpl: { ...Logless.actions,
      Reconfig: Logless.reconfigWith(withoutGuard(Logless.reconfigGuards, conjunct)) } };
  }
  return { ...s, raftImpl: { ...Raft.actions,
    Reconfig: Logless.reconfigWith(withoutGuard(Raft.reconfigGuards, conjunct)) } };
}
