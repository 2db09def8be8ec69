/**
 * The packed trace state (src/trace/state.ts: msgs in typed-array columns by ballot slot, extra
 * messages of a cell in side lists) against msgs kept the spec's way, a plain list of messages
 * with the line that first sent each: on random sequences of sends, with duplicates, several
 * 1b/2a/2b in one cell (states no spec run reaches, but --keep-going and tests build them),
 * ballots up to 2^40 and more ballots than the columns' first capacity, every accessor answers
 * what the list says, and a clone is independent of its original.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareMessages, type Ballot, type Message, type Value } from '../../spec/paxos.js';
import { majorities } from '../../spec/quorums.js';
import {
  addMessage, ballotsOf, chosenIn, cloneState, has2a, initialState, oneALine, oneBMaskOf, oneBsOf,
  otherVoteIn, sentLine, toSpecState, twoAsOf, twoBsOf, votersOf, type TraceState,
} from '../../src/trace/state.js';

const N = 3;
const Q = majorities(N);
const BALLOTS = [...Array.from({ length: 40 }, (_, i) => i), 2 ** 40];

const ballot = fc.constantFrom(...BALLOTS.slice(0, 6), ...BALLOTS);
const value = fc.integer({ min: 0, max: 2 });
const acc = fc.integer({ min: 0, max: N - 1 });
const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ type: fc.constant('1a' as const), bal: ballot }),
  fc.record({ type: fc.constant('1b' as const), acc, bal: ballot,
    vote: fc.option(fc.record({ mbal: ballot, mval: value })) }).map(({ type, acc: a, bal,
    vote }) => ({ type, acc: a, bal, mbal: vote?.mbal ?? -1, mval: vote?.mval ?? null })),
  fc.record({ type: fc.constant('2a' as const), bal: ballot, val: value }),
  fc.record({ type: fc.constant('2b' as const), acc, bal: ballot, val: value }),
);

interface Logged { readonly m: Message; readonly line: number }

const same = (x: Message, y: Message): boolean => compareMessages(x, y) === 0;

/** Sends each message in turn (line i + 1), into both forms; checks addMessage's answers. */
function build(ms: readonly Message[]): { s: TraceState; log: Logged[] } {
  const s = initialState(N, Q);
  const log: Logged[] = [];
  ms.forEach((m, i) => {
    const fresh = !log.some((x) => same(x.m, m));
    if (fresh) log.push({ m, line: i + 1 });
    expect(addMessage(s, m, i + 1)).toBe(fresh);
  });
  return { s, log };
}

/** VotedFor(a, b, v) from the list. */
const votedFor = (log: readonly Logged[], a: number, b: Ballot, v: Value): boolean => log.some(
  ({ m }) => m.type === '2b' && m.acc === a && m.bal === b && m.val === v);

function agrees(s: TraceState, log: readonly Logged[]): void {
  expect(toSpecState(s).msgs).toEqual(log.map((x) => x.m).sort(compareMessages));
  expect(s.size).toBe(log.length);
  expect([...ballotsOf(s)].sort((x, y) => x - y)).toEqual([...new Set(log.map((x) =>
    x.m.bal))].sort((x, y) => x - y));
  for (const b of BALLOTS) {
    const of = (t: Message['type']): Logged[] => log.filter((x) => x.m.type === t && x.m.bal === b);
    expect(oneALine(s, b)).toBe(of('1a')[0]?.line ?? -1);
    expect(has2a(s, b)).toBe(of('2a').length > 0);
    expect(twoAsOf(s, b)).toEqual(of('2a').map((x) => ({ value: (x.m as { val: Value }).val,
      line: x.line })));
    let mask = 0;
    for (let a = 0; a < N; a++) {
      const oneB = of('1b').filter((x) => x.m.type === '1b' && x.m.acc === a);
      if (oneB.length > 0) mask |= 1 << a;
      expect(oneBsOf(s, b, a)).toEqual(oneB.map((x) => ({ value: { mbal: (x.m as { mbal: number })
        .mbal, mval: (x.m as { mval: Value | null }).mval }, line: x.line })));
      expect(twoBsOf(s, b, a)).toEqual(of('2b').filter((x) => x.m.type === '2b' && x.m.acc === a)
        .map((x) => ({ value: (x.m as { val: Value }).val, line: x.line })));
    }
    expect(oneBMaskOf(s, b)).toBe(mask);
    for (let v = 0; v <= 2; v++) {
      let voters = 0;
      for (let a = 0; a < N; a++) if (votedFor(log, a, b, v)) voters |= 1 << a;
      expect(votersOf(s, b, v)).toBe(voters);
      expect(chosenIn(s, b, v)).toBe(Q.masks.some((qm) => (qm & voters) === qm));
      expect(otherVoteIn(s, b, v)).toBe(of('2b').some((x) => (x.m as { val: Value }).val !== v));
    }
  }
  for (const x of log) expect(sentLine(s, x.m)).toBe(x.line);
}

describe('the packed trace state', () => {
  it('answers every question as msgs kept as a list of messages does', () => {
    fc.assert(fc.property(fc.array(message, { maxLength: 120 }), (ms) => {
      const { s, log } = build(ms);
      agrees(s, log);
      for (const m of [...ms, { type: '1a', bal: 7 } as const]) {
        expect(sentLine(s, m)).toBe(log.find((x) => same(x.m, m))?.line ?? -1);
      }
      const lowest = new Map<Value, Ballot>();
      for (const b of BALLOTS) for (let v = 0; v <= 2; v++) {
        if (chosenIn(s, b, v) && !lowest.has(v)) lowest.set(v, b);
      }
      expect(new Map(s.chosen.map((c) => [c.val, c.bal]))).toEqual(lowest);
    }), { numRuns: 100 });
  });

  it('clones into a state that changes without changing its original', () => {
    fc.assert(fc.property(fc.array(message, { maxLength: 60 }), fc.array(message, {
      maxLength: 60 }), (ms, more) => {
      const { s, log } = build(ms);
      const c = cloneState(s);
      more.forEach((m, i) => addMessage(c, m, 1000 + i));
      agrees(s, log);
      const all = [...log];
      more.forEach((m, i) => {
        if (!all.some((x) => same(x.m, m))) all.push({ m, line: 1000 + i });
      });
      agrees(c, all);
    }), { numRuns: 50 });
  });
});
