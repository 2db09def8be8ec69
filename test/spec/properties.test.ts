import { describe, expect, it } from 'vitest';
import {
  enabledSteps, init, send, stateKey, type Constants, type Message, type PaxosState,
} from '../../spec/paxos.js';
import { majorities } from '../../spec/quorums.js';
import {
  Consistency, I1, Inv1, Inv2, Inv3, Inv4, OneValuePerBallot, R1, R2, R2p, TypeOK, VotesSafe,
  reachability, stateProperties, stepProperties, votingState, type StateProperty,
} from '../../spec/properties.js';
import { votingStep } from '../../spec/voting.js';
import { consensusStep } from '../../spec/consensus.js';
import { chosen } from '../../spec/voting.js';

const k: Constants = { acceptors: 3, values: 2, quorums: majorities(3), maxBallot: 3 };

/** A state with the given acceptor variables and messages (no action needs to produce it). */
function state(msgs: Message[], acc: Partial<Pick<PaxosState, 'maxBal' | 'maxVBal' | 'maxVal'>> = {}): PaxosState {
  return {
    ...init(k),
    ...acc,
    msgs: msgs.reduce<readonly Message[]>((ms, m) => send(ms, m), []),
  };
}
const b2 = (acc: number, bal: number, val: number) => ({ type: '2b', acc, bal, val }) as const;
const a2 = (bal: number, val: number) => ({ type: '2a', bal, val }) as const;
const b1 = (acc: number, bal: number, mbal: number, mval: number | null) => ({ type: '1b', acc, bal, mbal, mval }) as const;

/** Two values chosen: v1 by {a1,a2} in ballot 0 and v2 by {a2,a3} in ballot 1. */
const split = state([a2(0, 0), b2(0, 0, 0), b2(1, 0, 0), a2(1, 1), b2(1, 1, 1), b2(2, 1, 1)],
  { maxBal: [0, 1, 1], maxVBal: [0, 1, 1], maxVal: [0, 1, 1] });

describe('named properties on hand-made violating states', () => {
  it.each<[string, StateProperty, PaxosState, Record<string, unknown>]>([
    ['TypeOK: maxBal out of range', TypeOK, state([], { maxBal: [9, -1, -1] }), { acceptor: 0 }],
    ['Inv1: a recorded vote with no 2b', Inv1, state([], { maxBal: [1, -1, -1], maxVBal: [1, -1, -1], maxVal: [0, null, null] }), { acceptor: 0, ballot: 1, value: 0 }],
    ['Inv2: a 1b from an acceptor that withdrew its promise', Inv2, state([b1(0, 2, -1, null)]), { acceptor: 0, ballot: 2 }],
    ['Inv2: a 1b reporting a vote never cast', Inv2, state([b1(0, 2, 1, 0)], { maxBal: [2, -1, -1] }), { acceptor: 0, ballot: 1 }],
    ['Inv3: two 2a in one ballot', Inv3, state([a2(0, 0), a2(0, 1)]), { ballot: 0 }],
    ['Inv3: a 2a no quorum shows safe', Inv3, state([a2(1, 0)]), { ballot: 1, value: 0 }],
    ['Inv4: V!Inv', Inv4, split, { ballot: 1 }],
    ['VotesSafe', VotesSafe, split, { ballot: 1, value: 1 }],
    ['OneValuePerBallot', OneValuePerBallot, state([b2(0, 1, 0), b2(1, 1, 1)]), { ballot: 1 }],
    ['Consistency', Consistency, split, { ballot: 1, value: 1, quorum: [1, 2] }],
    ['R2', R2, split, { ballot: 1, value: 1, quorum: [1, 2] }],
    ["R2'", R2p, state([b2(0, 0, 0), b2(1, 0, 0), a2(2, 1)], { maxBal: [0, 0, -1] }), { ballot: 2, value: 1, quorum: [0, 1] }],
    ['I1', I1, state([b2(0, 1, 0), b2(1, 1, 0), a2(2, 1)]), { ballot: 2, value: 1 }],
  ])('%s is reported with a witness', (_name, property, s, witness) => {
    const v = property(k, s);
    expect(v).not.toBeNull();
    expect(v?.witness).toMatchObject(witness);
    expect(v?.summary).toMatch(/\w/);
  });

  it('speaks protocol: Consistency names both values, ballots and quorums', () => {
    expect(Consistency(k, split)?.summary).toBe(
      'two values are chosen: v1 in ballot 0 by {a1, a2} and v2 in ballot 1 by {a2, a3}');
  });

  it('uses the caller\'s names for acceptors and values', () => {
    const names = { acceptor: (a: number) => ['s1', 's2', 's3'][a] ?? '?', value: (v: number) => ['A', 'B'][v] ?? '?' };
    expect(Consistency(k, split, names)?.summary).toMatch(/A in ballot 0 by \{s1, s2\} and B in ballot 1 by \{s2, s3\}/);
  });
});

describe('R1 (a step property)', () => {
  const promised = state([a2(0, 0)], { maxBal: [2, -1, -1] });
  it('is broken by a vote below the promised ballot', () => {
    const after = { ...promised, msgs: send(promised.msgs, b2(0, 0, 0)) };
    expect(R1(k, promised, after)?.witness).toMatchObject({ acceptor: 0, ballot: 0 });
  });
  it('is broken by a promise withdrawn (maxBal decreasing)', () => {
    expect(R1(k, promised, { ...promised, maxBal: [-1, -1, -1] })?.summary).toMatch(/withdrew its promise/);
  });
  it('holds for a vote at the promised ballot', () => {
    const s = state([a2(2, 0)], { maxBal: [2, -1, -1] });
    expect(R1(k, s, { ...s, msgs: send(s.msgs, b2(0, 2, 0)) })).toBeNull();
  });
});

describe('exhaustively, for 3 acceptors, 2 values and MaxBallot 1', () => {
  const k1: Constants = { ...k, maxBallot: 1 };
  // One breadth-first sweep, shared by the assertions below.
  const seen = new Map([[stateKey(init(k1)), init(k1)]]);
  const violations: string[] = [];
  const unrefined: string[] = [];
  const hit = new Set<string>();
  let frontier = [init(k1)];
  while (frontier.length > 0) {
    const next: PaxosState[] = [];
    for (const s of frontier) {
      for (const p of stateProperties) if (p.check(k1, s) !== null) violations.push(p.name);
      for (const r of reachability) if (r.holds(k1, s)) hit.add(r.name);
      for (const st of enabledSteps(k1, s)) {
        for (const p of stepProperties) if (p.check(k1, s, st.next) !== null) violations.push(p.name);
        const vs = votingStep(k1, votingState(k1, s), votingState(k1, st.next));
        const cs = consensusStep(chosen(k1, votingState(k1, s)), chosen(k1, votingState(k1, st.next)));
        if (!vs.ok || cs !== null) unrefined.push(st.action.name);
        const key = stateKey(st.next);
        if (!seen.has(key)) { seen.set(key, st.next); next.push(st.next); }
      }
    }
    frontier = next;
  }

  it('every named property holds in every reachable state and step', () => {
    expect(seen.size).toBe(3921);
    expect(violations).toEqual([]);
  });
  it('every Paxos step maps to a Voting step (or a stutter), and Voting to Consensus', () => {
    expect(unrefined).toEqual([]);
  });
  it('reaches every "sometimes" partner, so no property passes vacuously', () => {
    expect([...hit].sort()).toEqual(reachability.map((r) => r.name).sort());
  });
  it('gives every property a partner', () => {
    const partnered = new Set(reachability.flatMap((r) => r.partners));
    for (const p of [...stateProperties, ...stepProperties]) expect(partnered.has(p.name)).toBe(true);
  });
});
