import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  describeQuorumProblem, explicitQuorums, majorities, maskOf, membersOf, popcount, quorumProblem,
} from '../../spec/quorums.js';

describe('majorities(n)', () => {
  it.each([
    [1, [[0]]],
    [2, [[0, 1]]],
    [3, [[0, 1], [0, 2], [1, 2]]],
  ])('for %i acceptors are the subsets of size floor(n/2)+1', (n, expected) => {
    expect(majorities(n).quorums).toEqual(expected);
  });

  it('has C(5,3) = 10 quorums for five acceptors, every two of which intersect', () => {
    const q = majorities(5);
    expect(q.quorums).toHaveLength(10);
    expect(quorumProblem(5, q.quorums)).toBeNull();
  });

  it.each([0, -1, 17, 2.5])('refuses %s acceptors', (n) => {
    expect(() => majorities(n)).toThrow(RangeError);
  });
});

describe('QuorumAssumption', () => {
  it('refuses two quorums that do not intersect, naming both', () => {
    expect(() => explicitQuorums(4, [[0, 1], [2, 3]])).toThrow(/\{0, 1\} and \{2, 3\} do not intersect/);
  });

  it('refuses an empty system, an empty quorum and an unknown acceptor', () => {
    expect(quorumProblem(3, [])).toEqual({ kind: 'empty-system' });
    expect(quorumProblem(3, [[0], []])).toEqual({ kind: 'empty-quorum', index: 1 });
    expect(quorumProblem(3, [[0, 5]])).toEqual({ kind: 'unknown-acceptor', index: 0, acceptor: 5 });
  });

  it('accepts a non-majority system that intersects (a grid row/column system is not needed: a star is enough)', () => {
    const q = explicitQuorums(4, [[0, 1], [0, 2], [0, 3]]);
    expect(q.kind).toBe('explicit');
    expect(q.quorums).toHaveLength(3);
  });

  it('can be forced past the refusal, for tests that show what the refusal prevents', () => {
    const q = explicitQuorums(4, [[0, 1], [2, 3]], { unchecked: true });
    expect(q.quorums).toEqual([[0, 1], [2, 3]]);
  });

  it('describes each problem in a sentence', () => {
    expect(describeQuorumProblem({ kind: 'empty-system' })).toMatch(/no quorums/);
    expect(describeQuorumProblem({ kind: 'disjoint', first: [0], second: [1] }, (a) => `s${a + 1}`))
      .toMatch(/\{s1\} and \{s2\}/);
  });
});

describe('bitmask helpers', () => {
  it('maskOf and membersOf are inverse, and popcount counts members', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 30 })), (xs) => {
      const sorted = [...xs].sort((a, b) => a - b);
      expect(membersOf(maskOf(sorted))).toEqual(sorted);
      expect(popcount(maskOf(sorted))).toBe(sorted.length);
    }));
  });
});
