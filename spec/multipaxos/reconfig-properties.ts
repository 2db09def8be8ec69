/**
 * The named properties of the per-slot reconfiguration spec (reconfig.ts), each null when it
 * holds or a violation whose witness names the slot, the values, the ballots and the majorities
 * of the slot's configuration that chose them.
 *
 * Consistency is the one that matters (at most one value chosen in each slot, each slot judged
 * under its own configuration: StateMachineSafety for a log whose configuration it builds).
 * ConfigKnownBeforeProposal is the Known conjunct seen from the outside: every proposal sits in
 * a slot whose configuration is determined. Each has "sometimes" partners so that bounds too
 * small to change the configuration and then choose under the new one cannot pass.
 */
import { at } from '../at.js';
import {
  chosenUnder, configs, isQuorumOf, showSet, showValue, votersOf, type Constants, type ServerSet,
    type Slot,
  type State, type Value,
} from './reconfig.js';

export interface ReconfigWitness {
  readonly slot: Slot;
  readonly config: ServerSet | null;
  readonly chosen: readonly { readonly value: Value; readonly ballot: number;
    readonly voters: ServerSet }[];
}

export interface ReconfigViolation {
  readonly property: string;
  readonly summary: string;
  readonly witness: ReconfigWitness;
}

export interface SlotsReconfigProperty {
  readonly name: string;
  readonly check: (k: Constants, st: State) => ReconfigViolation | null;
}

export interface SlotsReconfigReach {
  readonly name: string;
  readonly partners: readonly string[];
  readonly holds: (k: Constants, st: State) => boolean;
}

/** The first ballot in which v was chosen in s under config, with its voters. */
function chosenWhere(k: Constants, st: State, s: Slot, v: Value, config: ServerSet):
ReconfigWitness['chosen'][number] {
  for (let b = 0; b <= k.maxBallot; b++) {
    const voters = votersOf(st, s, b, v) & config;
    if (at(st.proposed, s, 'proposed')[b] === v && isQuorumOf(voters, config)) return { value: v,
      ballot: b, voters };
  }
  throw new Error('spec bug: a chosen value with no ballot');
}

/** Consistency: in every slot whose configuration is known, at most one value is chosen. */
export function Consistency(k: Constants, st: State): ReconfigViolation | null {
  const cfg = configs(k, st);
  for (let s = 0; s < k.slots; s++) {
    const config = at(cfg, s, 'cfg');
    if (config === null) continue;
    const chosen = chosenUnder(k, st, s, config);
    if (chosen.length < 2) continue;
    const ws = chosen.map((v) => chosenWhere(k, st, s, v, config));
    return {
      property: 'Consistency',
      summary: `slot ${s} (configuration ${showSet(config)}) has two values chosen: ` +
        ws.map((w) => `${showValue(k, w.value)} in ballot ${w.ballot} by ${showSet(w.voters)}`)
          .join(' and '),
      witness: { slot: s, config, chosen: ws },
    };
  }
  return null;
}

/** ConfigKnownBeforeProposal: no slot whose configuration is unknown has a proposal. */
export function ConfigKnownBeforeProposal(k: Constants, st: State): ReconfigViolation | null {
  const cfg = configs(k, st);
  for (let s = 0; s < k.slots; s++) {
    if (cfg[s] !== null) continue;
    const b = at(st.proposed, s, 'proposed').findIndex((v) => v >= 0);
    if (b < 0) continue;
    return {
      property: 'ConfigKnownBeforeProposal',
      summary: `ballot ${b} proposed ` +
        `${showValue(k, at(at(st.proposed, s, 'proposed'), b, 'proposed[s]'))} in slot ${s}, ` +
        `whose configuration depends on slot ${s - k.alpha}, where nothing is chosen`,
      witness: { slot: s, config: null, chosen: [] },
    };
  }
  return null;
}

export const slotsReconfigProperties: readonly SlotsReconfigProperty[] = [
  { name: 'Consistency', check: Consistency },
  { name: 'ConfigKnownBeforeProposal', check: ConfigKnownBeforeProposal },
];

/** Some slot governed by a configuration other than the initial one has a value chosen. */
function chosenUnderNewConfig(k: Constants, st: State): boolean {
  const cfg = configs(k, st);
  return cfg.some((c, s) => c !== null && c !== k.initial && chosenUnder(k, st, s, c).length > 0);
}

/** Two ballots proposed in one slot (the competition Consistency is about). */
function competingBallots(_k: Constants, st: State): boolean {
  return st.proposed.some((row) => row.filter((v) => v >= 0).length >= 2);
}

export const slotsReconfigReachability: readonly SlotsReconfigReach[] = [
  { name: 'ChosenUnderNewConfig', partners: ['Consistency'], holds: chosenUnderNewConfig },
  { name: 'CompetingBallots', partners: ['Consistency'], holds: competingBallots },
];
