/**
 * Parity with TLC (issue 8, section 1): TLC 2.20 on tlaplus/Examples' MultiPaxos-SMR
 * (MultiPaxos_MC.tla) with the cfgs of shared/tla/multipaxos-smr/, 1 worker; 3 replicas,
 * MaxBallot 2. A different count would mean a different model.
 *
 *   1 write, no read (tiny1_nosym.cfg):               15,709 distinct / 28,027 generated / 19
 *   the same with SYMMETRY SymmetricPerms (tiny1.cfg):   2,628 / 4,697 / 19
 *   1 write, 1 read (small_nosym.cfg):               2,062,561 / 4,415,485 / 28
 *   the same with SYMMETRY (MultiPaxos_MC_small.cfg):   343,796 / 736,012 / 28
 *
 * The 1-write models take seconds and run in CI on both models; the 1-write-1-read ones run
 * with SYNOD_SLOW=1 (and in `npm run bench -- multipaxos-check`).
 */
import { describe, expect, it } from 'vitest';
import { checkSmr, type SmrCheckSettings } from '../../src/checker/multipaxos-check.js';

const slow = process.env['SYNOD_SLOW'] === '1';
const none = { state: [], step: [], reachability: [] };

function counts(s: Partial<SmrCheckSettings>): (string | number)[] {
  const r = checkSmr({
    replicas: 3, writes: 1, reads: 0, maxBallot: 2, symmetry: false, refinement: false,
    properties: none, ...s,
  }).result;
  return [r.verdict, r.distinctStates, r.generatedStates, r.depth];
}

describe('MultiPaxos-SMR, 3 replicas, MaxBallot 2, 1 write', () => {
  it.each([
    [false, false, 15_709, 28_027, 19],
    [false, true, 2_628, 4_697, 19],
    [true, false, 15_709, 28_027, 19],
    [true, true, 2_628, 4_697, 19],
  ])('readable model %s, symmetry %s: %i distinct, %i generated, depth %i',
    (readable, symmetry, d, g, depth) => {
      expect(counts({ symmetry, readable })).toEqual(['ok', d, g, depth]);
    });
});

describe('MultiPaxos-SMR, 3 replicas, MaxBallot 2, 1 write and 1 read (SYNOD_SLOW)', () => {
  it.runIf(slow).each([
    [true, 343_796, 736_012, 28],
    [false, 2_062_561, 4_415_485, 28],
  ])('symmetry %s: %i distinct, %i generated, depth %i', (symmetry, d, g, depth) => {
    expect(counts({ reads: 1, symmetry })).toEqual(['ok', d, g, depth]);
  }, 600_000);
});
