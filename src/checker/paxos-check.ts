/**
 * One bounded check of single-decree Paxos, from plain settings to a result: builds the
 * constants (validating the quorum system), chooses the model, runs the engine. The CLI, the
 * benchmark and the tests all come through here, so they check the same thing.
 *
 * It leaves out all input/output: the CLI parses flags and prints (src/cli/check.ts).
 */
import { actions as specActions, type Actions, type Constants } from '../../spec/paxos.js';
import { explicitQuorums, majorities, type QuorumSystem } from '../../spec/quorums.js';
import { check, type CheckResult, type Model, type Progress } from './engine.js';
import { packedPaxosModel } from './models/paxos-packed.js';
import { paxosProperties, type PaxosProperties } from './models/paxos-properties.js';
import { readablePaxosModel } from './models/paxos-readable.js';

export type PaxosModelKind = 'packed' | 'readable';

export interface PaxosCheckSettings {
  readonly acceptors: number;
  readonly values: number;
  readonly maxBallot: number;
  /** Explicit quorums (acceptor numbers 0..acceptors-1); null for majorities. */
  readonly quorums: readonly (readonly number[])[] | null;
  readonly symmetry: boolean;
  readonly refinement: boolean;
  readonly model: PaxosModelKind;
  /** A spec variant (mutant); forces the readable model. */
  readonly impl?: Actions;
  /** Accept a quorum system whose quorums do not intersect (tests of the refusal only). */
  readonly uncheckedQuorums?: boolean;
  readonly properties?: PaxosProperties;
  readonly maxStates?: number;
  readonly onProgress?: (p: Progress) => void;
}

export interface PaxosCheck {
  readonly constants: Constants;
  readonly model: Model;
  readonly result: CheckResult;
}

/** The quorum system of the settings; throws a RangeError naming the problem. */
export function quorumSystem(s: PaxosCheckSettings): QuorumSystem {
  if (s.quorums === null) return majorities(s.acceptors);
  return explicitQuorums(s.acceptors, s.quorums, { unchecked: s.uncheckedQuorums === true });
}

export function paxosConstants(s: PaxosCheckSettings): Constants {
  const quorums = quorumSystem(s);
  return { acceptors: s.acceptors, values: s.values, quorums, maxBallot: s.maxBallot };
}

/** The model the settings ask for (before exploring), e.g. to report its layout. */
export function paxosModel(s: PaxosCheckSettings, k: Constants = paxosConstants(s)): Model {
  const properties = s.properties ?? paxosProperties({ refinement: s.refinement });
  const readable = s.model === 'readable' || (s.impl !== undefined && s.impl !== specActions);
  return readable
    ? readablePaxosModel(k, { properties, ...(s.impl === undefined ? {} : { impl: s.impl }) })
    : packedPaxosModel(k, { properties });
}

export function checkPaxos(s: PaxosCheckSettings): PaxosCheck {
  const constants = paxosConstants(s);
  const model = paxosModel(s, constants);
  const result = check(model, {
    symmetry: s.symmetry,
    ...(s.maxStates === undefined ? {} : { maxStates: s.maxStates }),
    ...(s.onProgress === undefined ? {} : { onProgress: s.onProgress }),
  });
  return { constants, model, result };
}
