/**
 * The properties a Paxos model checks, as the models consume them: each a name and the spec
 * function that judges it. The functions themselves are the spec's (spec/properties.ts); this
 * file only gives them one shape, so that a test can also hand a model its own list.
 */
import type { Constants, PaxosState } from '../../../spec/paxos.js';
import {
  reachability, stateProperties, stepProperties, votingState,
} from '../../../spec/properties.js';
import { votingStep } from '../../../spec/voting.js';
import type { Violation } from '../engine.js';

export interface StateCheck {
  readonly name: string;
  readonly check: (k: Constants, s: PaxosState) => Violation | null;
}
export interface StepCheck {
  readonly name: string;
  readonly check: (k: Constants, s: PaxosState, t: PaxosState) => Violation | null;
}
export interface ReachCheck {
  readonly name: string;
  readonly partners: readonly string[];
  readonly holds: (k: Constants, s: PaxosState) => boolean;
}

export interface PaxosProperties {
  readonly state: readonly StateCheck[];
  readonly step: readonly StepCheck[];
  readonly reachability: readonly ReachCheck[];
}

/** No properties at all: exploration only (for counting states). */
export const noProperties: PaxosProperties = { state: [], step: [], reachability: [] };

/** The spec's named properties and their "sometimes" partners (spec/properties.ts). */
export const specProperties: PaxosProperties = {
  state: stateProperties,
  step: stepProperties,
  reachability,
};

/**
 * Refinement Paxos => Voting as a step property: every step maps, through votes (2b messages)
 * and maxBal, to a Voting step or a stutter (Paxos.tla's THEOREM Spec => V!Spec). The spec's
 * votingStep says which Voting action explains the step, or which conjunct none satisfies.
 */
export const refinementToVoting: StepCheck = {
  name: 'Refinement',
  check: (k, s, t) => {
    const r = votingStep(k, votingState(k, s), votingState(k, t));
    if (r.ok) return null;
    return {
      property: 'Refinement',
      summary: `the step is no Voting step: ${r.why} (fails ${r.conjunct})`,
      witness: {},
    };
  },
};

/** The spec's properties, plus refinement to Voting when asked. */
export function paxosProperties(options: { readonly refinement?: boolean } = {}): PaxosProperties {
  if (options.refinement !== true) return specProperties;
  return { ...specProperties, step: [...specProperties.step, refinementToVoting] };
}
