/**
 * Parity with TLC (issue 2, section 5): with 3 acceptors, 2 values and majority quorums, TLC
 * 2.20 on Paxos.tla finds 3,921 distinct states at depth 17 (MaxBallot 1) and 185,369 at depth
 * 25 (MaxBallot 2), generating 23,563 and 1,361,380 states (shared/REFERENCE.md). Any other
 * count would mean a different model. The symmetric counts are ours (orbits under acceptor and
 * value renaming), pinned so a change to canonicalization cannot go unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../src/checker/engine.js';
import { packedPaxosModel } from '../../src/checker/models/paxos-packed.js';
import { readablePaxosModel } from '../../src/checker/models/paxos-readable.js';
import { majorities } from '../../spec/quorums.js';

const none = { state: [], step: [], reachability: [] };
const constants = (maxBallot: number) =>
  ({ acceptors: 3, values: 2, quorums: majorities(3), maxBallot });

describe('the packed Paxos model', () => {
  it.each([
    [0, false, 73, 314, 9],
    [1, false, 3_921, 23_563, 17],
    [2, false, 185_369, 1_361_380, 25],
    [1, true, 443, 2_697, 17],
    [2, true, 17_153, 127_002, 25],
  ])('with MaxBallot %i and symmetry %s finds %i states, generates %i, depth %i',
    (maxBallot, symmetry, distinct, generated, depth) => {
      const r = check(packedPaxosModel(constants(maxBallot), { properties: none }), { symmetry });
      expect([r.verdict, r.distinctStates, r.generatedStates, r.depth])
        .toEqual(['ok', distinct, generated, depth]);
    });
});

describe('the readable model running spec/paxos.ts', () => {
  it('finds TLC\'s 3,921 states at depth 17 for MaxBallot 1', () => {
    const r = check(readablePaxosModel(constants(1), { properties: none }));
    expect([r.distinctStates, r.generatedStates, r.depth]).toEqual([3_921, 23_563, 17]);
  });
});
