/**
 * Every Multi-Paxos mutant (test/sim/multipaxos/mutants.ts) is caught by the simulator with
 * the check, and for the refinement the spec action, that names what it breaks, on a pinned
 * seed (found by trying seeds 1, 2, 3, ... with `synod simulate multipaxos`'s default faults,
 * 2000 steps). The correct server passes on the same seed, so the checks are not merely strict.
 * The shrunk counterexamples are replayed by mutant-regressions.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT, mpMutants, run, table } from './mutants.js';

describe('Multi-Paxos mutants', () => {
  it('has one expectation per mutant', () => {
    expect(table.map((t) => t.mutant).sort()).toEqual(mpMutants.map((m) => m.name).sort());
  });
  for (const t of table) {
    const m = mpMutants.find((x) => x.name === t.mutant)!;
    const named = `${t.check}${t.property === undefined ? '' : ` ${t.property}`}`;
    it(`catches "${m.breaks}" (${m.name}) by ${named} on seed ${t.seed}`, () => {
      const r = run({ seed: t.seed, ...DEFAULT }, m);
      expect(r.violation?.check, r.violation?.summary).toBe(t.check);
      if (t.property !== undefined) expect(r.violation?.property).toBe(t.property);
      const correct = run({ seed: t.seed, ...DEFAULT }, m, {}, true);
      expect(correct.violation).toBeNull();
    });
  }
});

