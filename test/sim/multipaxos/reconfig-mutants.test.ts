/**
 * Every membership-change mutant (reconfig-mutants.ts) is caught by `simulate multipaxos
 * --reconfig` (5 servers, 3 first members, every fault, 2000 steps) with the check, and for the
 * refinement the spec action and conjunct, that names the guard it removes, on a pinned seed:
 * the first of 1, 2, 3, ... that catches it. The correct server passes on the same seed.
 */
import { describe, expect, it } from 'vitest';
import {
  reconfigMutants, runReconfig, type ReconfigExpectation,
} from './reconfig-mutants.js';

const KNOWN = '\\A t \\in 0..s-Alpha : Chosen(t) # {}';
const COVERED = '\\A a \\in Q : \\E m \\in Q1b : m.acc = a /\\ s \\in Covered(m)';

const table: readonly (ReconfigExpectation & { readonly conjunct?: string })[] = [
  { mutant: 'no-window', seed: 1, check: 'refinement', property: 'Phase2a', conjunct: KNOWN },
  {
    mutant: 'election-quorum', seed: 3, check: 'refinement', property: 'Phase2a',
    conjunct: COVERED,
  },
  { mutant: 'member-blind-count', seed: 2, check: 'StateMachineSafety' },
  { mutant: 'configless-snapshot', seed: 2, check: 'StateMachineSafety' },
];

describe('Multi-Paxos membership-change mutants, simulate multipaxos --reconfig', () => {
  it('has one expectation per mutant', () => {
    expect(table.map((t) => t.mutant).sort()).toEqual(reconfigMutants.map((m) => m.name).sort());
  });
  for (const t of table) {
    const m = reconfigMutants.find((x) => x.name === t.mutant)!;
    const named = `${t.check}${t.property === undefined ? '' : ` ${t.property}`}`;
    it(`catches "${m.breaks}" (${m.name}) by ${named} on seed ${t.seed}`, () => {
      const r = runReconfig(t.seed, m);
      expect(r.violation?.check, r.violation?.summary).toBe(t.check);
      if (t.property !== undefined) expect(r.violation?.property).toBe(t.property);
      if (t.conjunct !== undefined) expect(r.violation?.summary).toContain(`: ${t.conjunct}: `);
      expect(runReconfig(t.seed, m, true).violation).toBeNull();
    });
  }
});
