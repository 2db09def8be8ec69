/**
 * Consensus: what must hold, from Lamport's `Consensus.tla`. A single variable, chosen, the set
 * of chosen values; it starts empty and may change once, to a single value. Nothing else.
 *
 * Voting refines it with chosen == {v : \E b : ChosenAt(b, v)} (spec/voting.ts), and so Paxos
 * does through `votes`. Consistency (at most one value chosen) is the property every layer
 * below exists to guarantee.
 */
import type { Value } from './paxos.js';

/** Init: chosen = {}. */
export const initChosen: readonly Value[] = [];

/**
 * [Next]_chosen: either nothing changes, or chosen = {} /\ \E v \in Value : chosen' = {v}.
 * Returns null when the step is allowed, else the reason.
 */
export function consensusStep(before: readonly Value[], after: readonly Value[]): string | null {
  const same = before.length === after.length && before.every((v, i) => after[i] === v);
  if (same) return null;
  if (before.length !== 0) {
    return `chosen changed from {${before.join(', ')}} to {${after.join(', ')}}; once chosen, ` +
      'a value stays the only one';
  }
  if (after.length !== 1) {
    return `chosen went from {} to {${after.join(', ')}}; at most one value may be chosen`;
  }
  return null;
}

/** Consistency: Cardinality(chosen) <= 1. */
export function consistent(chosen: readonly Value[]): boolean {
  return chosen.length <= 1;
}
