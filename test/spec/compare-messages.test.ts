/**
 * The message orders of spec/paxos.ts and spec/multipaxos/slots-state.ts (compareMessages,
 * written field by field for speed) against their definition: by type, then fieldsOf's fields
 * lexicographically, then the shorter first, with the same numbers. Random messages over small
 * ranges so that ties in leading fields are common. Seeds are fixed so failures replay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as P from '../../spec/paxos.js';
import * as S from '../../spec/multipaxos/slots-state.js';

const small = fc.integer({ min: -1, max: 2 });
const nat = fc.integer({ min: 0, max: 2 });

/** The definition: type order, then fieldsOf lexicographically, then length. */
function byFields(fx: readonly number[], fy: readonly number[], byType: number): number {
  if (byType !== 0) return byType;
  for (let i = 0; i < Math.min(fx.length, fy.length); i++) {
    if (fx[i] !== fy[i]) return fx[i]! - fy[i]!;
  }
  return fx.length - fy.length;
}
const order = { '1a': 0, '1b': 1, '2a': 2, '2b': 3 } as const;

const paxosMessage: fc.Arbitrary<P.Message> = fc.oneof(
  fc.record({ type: fc.constant('1a' as const), bal: nat }),
  fc.record({ type: fc.constant('1b' as const), acc: nat, bal: nat, mbal: small,
    mval: fc.option(nat) }),
  fc.record({ type: fc.constant('2a' as const), bal: nat, val: nat }),
  fc.record({ type: fc.constant('2b' as const), acc: nat, bal: nat, val: nat }),
);

const slotsMessage: fc.Arbitrary<S.Message> = fc.oneof(
  fc.record({ type: fc.constant('1a' as const), bal: nat, from: nat, to: fc.option(nat) }),
  fc.record({ type: fc.constant('1b' as const), acc: nat, bal: nat, from: nat,
    to: fc.option(nat), votes: fc.array(fc.record({ slot: nat, mbal: nat, mval: nat }),
      { maxLength: 3 }) }),
  fc.record({ type: fc.constant('2a' as const), bal: nat, slot: nat, val: nat }),
  fc.record({ type: fc.constant('2b' as const), acc: nat, bal: nat, slot: nat, val: nat }),
);

describe('compareMessages', () => {
  it('spec/paxos.ts: by type, then fieldsOf lexicographically', () => {
    fc.assert(fc.property(paxosMessage, paxosMessage, (x, y) => {
      expect(P.compareMessages(x, y)).toBe(byFields(P.fieldsOf(x), P.fieldsOf(y),
        order[x.type] - order[y.type]));
    }), { seed: 9, numRuns: 3000 });
  });

  it('spec/multipaxos/slots-state.ts: by type, fieldsOf lexicographically, length', () => {
    fc.assert(fc.property(slotsMessage, slotsMessage, (x, y) => {
      expect(S.compareMessages(x, y)).toBe(byFields(S.fieldsOf(x), S.fieldsOf(y),
        order[x.type] - order[y.type]));
    }), { seed: 9, numRuns: 3000 });
  });
});
