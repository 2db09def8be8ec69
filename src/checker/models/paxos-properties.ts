/**
 * The properties a Paxos model checks, as the models consume them: each a name and the spec
 * function that judges it. The functions themselves are the spec's (spec/properties.ts); this
 * file only gives them one shape, so that a test can also hand a model its own list.
 */
import type { Constants, PaxosState } from '../../../spec/paxos.js';
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
