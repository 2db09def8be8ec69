/**
 * src/trace/safety.ts against the spec's literal definitions (spec/voting.ts quantifies over
 * 0..b-1; safety.ts looks only at voted ballots and the quorums' maxBal threshold): on random
 * small states, with majorities and with arbitrary (even non-intersecting) quorum systems, the
 * predicates agree everywhere and the three properties return the same violation, words and
 * witness included. Seeds are fixed so failures replay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  send, type Constants, type Message, type PaxosState,
} from '../../spec/paxos.js';
import {
  Inv3 as specInv3, Inv4 as specInv4, VotesSafe as specVotesSafe, votingState,
} from '../../spec/properties.js';
import { explicitQuorums, majorities } from '../../spec/quorums.js';
import { SafeAt, ShowsSafeAt, unsafeBallot as specUnsafeBallot } from '../../spec/voting.js';
import { brokenProperties } from '../../src/trace/judge.js';
import {
  indexVotes, Inv3, Inv4, quorumMaxBal, safeAt, showsSafeAt, unsafeBallot, VotesSafe,
} from '../../src/trace/safety.js';

const BALLOTS = 6;
const VALUES = 3;

/** Constants over 1..4 acceptors: majorities, or any list of quorums (not checked). */
const constants: fc.Arbitrary<Constants> = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.oneof(
    fc.constant(majorities(n)),
    fc.array(fc.subarray(Array.from({ length: n }, (_, a) => a)), { minLength: 1, maxLength: 4 })
      .map((qs) => explicitQuorums(n, qs, { unchecked: true })),
  ).map((quorums) => ({ acceptors: n, values: VALUES, quorums, maxBallot: BALLOTS })));

function messageOf(k: Constants): fc.Arbitrary<Message> {
  const acc = fc.integer({ min: 0, max: k.acceptors - 1 });
  const bal = fc.integer({ min: 0, max: BALLOTS });
  const val = fc.integer({ min: 0, max: VALUES - 1 });
  return fc.oneof(
    fc.record({ type: fc.constant('1a' as const), bal }),
    fc.record({ type: fc.constant('1b' as const), acc, bal, mbal: fc.integer({ min: -1,
      max: BALLOTS }), mval: fc.option(val) }),
    fc.record({ type: fc.constant('2a' as const), bal, val }),
    fc.record({ type: fc.constant('2b' as const), acc, bal, val }),
    fc.record({ type: fc.constant('2b' as const), acc, bal, val }),
  );
}

/** A random state: any maxBal, any votes (2b), not necessarily reachable. */
const world = constants.chain((k) => {
  const perAcceptor = <T>(x: fc.Arbitrary<T>): fc.Arbitrary<T[]> =>
    fc.array(x, { minLength: k.acceptors, maxLength: k.acceptors });
  return fc.record({
    maxBal: perAcceptor(fc.integer({ min: -1, max: BALLOTS + 1 })),
    maxVBal: perAcceptor(fc.integer({ min: -1, max: BALLOTS })),
    maxVal: perAcceptor(fc.option(fc.integer({ min: 0, max: VALUES - 1 }))),
    msgs: fc.array(messageOf(k), { maxLength: 14 }),
  }).map((r): [Constants, PaxosState] => [k, {
    maxBal: r.maxBal, maxVBal: r.maxVBal, maxVal: r.maxVal,
    msgs: r.msgs.reduce<readonly Message[]>((ms, m) => send(ms, m), []),
  }]);
});

const params = { seed: 42, numRuns: 600 };

describe('SafeAt without the quantifier over 0..b-1', () => {
  it('names the same first unsafe ballot as the literal definition', () => {
    fc.assert(fc.property(world, ([k, s]) => {
      const sv = votingState(k, s);
      const ix = indexVotes(sv);
      const t = quorumMaxBal(k, sv);
      for (let b = 0; b <= BALLOTS + 2; b++) {
        for (let v = 0; v < VALUES; v++) {
          expect(unsafeBallot(k, sv, ix, t, b, v)).toBe(specUnsafeBallot(k, sv, b, v));
          expect(safeAt(k, sv, b, v)).toBe(SafeAt(k, sv, b, v));
        }
      }
    }), params);
  });
});

describe('ShowsSafeAt through the highest voted ballot below b', () => {
  it('agrees with the literal definition for every quorum, ballot and value', () => {
    fc.assert(fc.property(world, ([k, s]) => {
      const sv = votingState(k, s);
      const ix = indexVotes(sv);
      for (const Q of k.quorums.quorums) {
        for (let b = 0; b <= BALLOTS + 2; b++) {
          for (let v = 0; v < VALUES; v++) {
            expect(showsSafeAt(sv, ix, Q, b, v)).toBe(ShowsSafeAt(sv, Q, b, v));
          }
        }
      }
    }), params);
  });
});

describe('Inv3, Inv4 and VotesSafe on voted ballots only', () => {
  it('return the spec\'s violation, words and witness included, or hold where it holds', () => {
    let broken = 0;
    fc.assert(fc.property(world, ([k, s]) => {
      expect(Inv3(k, s)).toEqual(specInv3(k, s));
      expect(Inv4(k, s)).toEqual(specInv4(k, s));
      const v = VotesSafe(k, s);
      expect(v).toEqual(specVotesSafe(k, s));
      if (v !== null) broken++;
    }), params);
    // Both outcomes are exercised, or the comparison above proves little.
    expect(broken).toBeGreaterThan(50);
    expect(broken).toBeLessThan(params.numRuns - 50);
  });

  it('evaluate a state whose ballots are in the millions at once', () => {
    const k: Constants = { acceptors: 3, values: 2, quorums: majorities(3), maxBallot: Infinity };
    const b = 5_000_000;
    const s: PaxosState = {
      maxBal: [b, b, -1], maxVBal: [b, -1, -1], maxVal: [1, null, null],
      msgs: [{ type: '2a', bal: b, val: 1 }, { type: '2b', acc: 0, bal: b, val: 1 }]
        .reduce<readonly Message[]>((ms, m) => send(ms, m as Message), []),
    };
    // Nobody voted below b, and the quorum {a1, a2} has moved past every ballot below b.
    expect(VotesSafe(k, s)).toBeNull();
    // With only a1 past them, no quorum has: ballot 0 is the first that is not safe.
    const t: PaxosState = { ...s, maxBal: [b, -1, -1] };
    expect(VotesSafe(k, t)?.summary).toContain('in ballot 0 no quorum');
  });
});

describe('brokenProperties', () => {
  it('names VotesSafe for a vote in ballot 1,000,000 against a value chosen in ballot 5', () => {
    const k: Constants = { acceptors: 3, values: 2, quorums: majorities(3), maxBallot: Infinity };
    const b = 1_000_000;
    const msgs: Message[] = [
      { type: '2a', bal: 5, val: 0 }, { type: '2b', acc: 0, bal: 5, val: 0 },
      { type: '2b', acc: 1, bal: 5, val: 0 }, { type: '2a', bal: b, val: 1 },
    ];
    const before: PaxosState = {
      maxBal: [5, 5, b], maxVBal: [5, 5, -1], maxVal: [0, 0, null],
      msgs: msgs.reduce<readonly Message[]>((ms, m) => send(ms, m), []),
    };
    const forced: PaxosState = { ...before, maxVBal: [5, 5, b], maxVal: [0, 0, 1],
      msgs: send(before.msgs, { type: '2b', acc: 2, bal: b, val: 1 }) };
    const names = { acceptor: (a: number) => `s${a + 1}`, value: (v: number) => `v${v}` };
    const r = brokenProperties(k, before, forced, names);
    expect(r.skipped).toEqual([]);
    expect(r.broken.map((v) => v.property)).toContain('VotesSafe');
  });
});
