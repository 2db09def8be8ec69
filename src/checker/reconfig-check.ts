/**
 * One bounded check of the reconfiguration specs, from plain settings to a result: without a
 * log, MongoLoglessDynamicRaft under MCMongoLoglessDynamicRaft's StateConstraint; with one,
 * MongoRaftReconfig under MCMongoRaftReconfig's. The CLI, the benchmark and the tests all come
 * through here, so they check the same thing.
 *
 * It leaves out all input/output: the CLI parses flags and prints (src/cli/check-reconfig.ts).
 */
import { SERVERS_MAX } from '../../spec/reconfig/defs.js';
import type * as Logless from '../../spec/reconfig/logless.js';
import type { ConfigState } from '../../spec/reconfig/logless.js';
import type * as Raft from '../../spec/reconfig/raft-reconfig.js';
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
