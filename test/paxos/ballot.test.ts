/**
 * Ballots: the total order on (round, server) pairs and the map to the spec's naturals, which
 * the refinement relies on to be order-preserving and invertible.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NO_BALLOT, ballotCmp, ballotMax, fromNatural, showBallot, toNatural, type Ballot,
} from '../../src/paxos/index.js';

const servers = 5;
const ballots: fc.Arbitrary<Ballot> = fc.record({
  round: fc.nat(1000), server: fc.nat(servers - 1),
});

describe('ballots', () => {
  it('orders by round, then by server id', () => {
    expect(ballotCmp({ round: 1, server: 4 }, { round: 2, server: 0 })).toBeLessThan(0);
    expect(ballotCmp({ round: 2, server: 1 }, { round: 2, server: 0 })).toBeGreaterThan(0);
    expect(ballotMax({ round: 2, server: 1 }, { round: 2, server: 3 })).toEqual(
      { round: 2, server: 3 });
  });
  it('puts NO_BALLOT below every ballot, mapped to -1 as in Paxos.tla', () => {
    fc.assert(fc.property(ballots, (b) => ballotCmp(NO_BALLOT, b) < 0));
    expect(toNatural(NO_BALLOT, servers)).toBe(-1);
    expect(showBallot(NO_BALLOT)).toBe('-');
  });
  it('maps to naturals preserving the order (round * N + server)', () => {
    expect(toNatural({ round: 2, server: 3 }, servers)).toBe(13);
    fc.assert(fc.property(ballots, ballots, (a, b) =>
      Math.sign(ballotCmp(a, b)) === Math.sign(toNatural(a, servers) - toNatural(b, servers))));
  });
  it('maps back from naturals', () => {
    fc.assert(fc.property(ballots, (b) =>
      ballotCmp(fromNatural(toNatural(b, servers), servers), b) === 0));
  });
});
