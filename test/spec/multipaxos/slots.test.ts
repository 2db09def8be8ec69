import { describe, expect, it } from 'vitest';
import {
  actionSending, ballotAt, enabledSteps, init, setBallots, testStep, type Action, type Constants,
  type Msg1a, type Msg2a, type SlotsState,
} from '../../../spec/multipaxos/slots.js';
import { majorities } from '../../../spec/quorums.js';

const k: Constants = { acceptors: 3, values: 2, quorums: majorities(3), maxBallot: 2, slots: 3 };
const traceK: Constants = { ...k, maxBallot: Infinity, slots: Infinity };

/** A state built from Init by steps that must all be enabled. */
function run(kk: Constants, ...steps: Action[]): SlotsState {
  let st = init(kk);
  for (const act of steps) {
    const r = testStep(kk, st, act);
    if (!r.ok) throw new Error(`${act.name} not enabled: ${r.conjunct}`);
    st = r.next;
  }
  return st;
}

const oneA = (bal: number, from: number, to: number | null = null): Msg1a => ({ type: '1a', bal, from, to });
const twoA = (bal: number, slot: number, val: number): Msg2a => ({ type: '2a', bal, slot, val });
const p1a = (b: number, from: number, to: number | null = null): Action => ({ name: 'Phase1a', b, from, to });
const p1b = (a: number, m: Msg1a): Action => ({ name: 'Phase1b', a, m });
const p2a = (b: number, s: number, v: number): Action => ({ name: 'Phase2a', b, s, v });
const p2b = (a: number, m: Msg2a): Action => ({ name: 'Phase2b', a, m });

/** Ballot 0 leader prepares every slot, a1 and a2 join, v1 in slot 0 and v2 in slot 2 get votes from a1. */
const votedTwoSlots = (kk: Constants): SlotsState => run(kk,
  p1a(0, 0), p1b(0, oneA(0, 0)), p1b(1, oneA(0, 0)),
  p2a(0, 0, 0), p2a(0, 2, 1), p2b(0, twoA(0, 0, 0)), p2b(0, twoA(0, 2, 1)));

describe('setBallots and ballotAt (per-slot promises kept finitely)', () => {
  it('cuts an open range at the last slot of a bounded log, so tail stays -1', () => {
    expect(setBallots({ head: [], tail: -1 }, 1, null, 4, 3)).toEqual({ head: [-1, 4, 4], tail: -1 });
  });
  it('keeps an open range in tail in an unbounded log', () => {
    const p = setBallots({ head: [2], tail: -1 }, 3, null, 5, Infinity);
    expect(p).toEqual({ head: [2, -1, -1], tail: 5 });
    expect([ballotAt(p, 0), ballotAt(p, 2), ballotAt(p, 3), ballotAt(p, 1000)]).toEqual([2, -1, 5, 5]);
  });
  it('stays canonical: a head ending in the tail value is trimmed', () => {
    expect(setBallots({ head: [-1, -1, 3], tail: 5 }, 2, 2, 5, Infinity)).toEqual({ head: [-1, -1], tail: 5 });
  });
});

describe('Phase1b(a) on a 1a covering a range', () => {
  it('raises maxBal on every covered slot and reports the latest vote in each voted slot', () => {
    const st = run(k, p1a(0, 0), p1b(0, oneA(0, 0)), p1b(1, oneA(0, 0)),
      p2a(0, 0, 0), p2a(0, 2, 1), p2b(0, twoA(0, 0, 0)), p2b(0, twoA(0, 2, 1)), p1a(1, 1),
      p1b(0, oneA(1, 1)));
    expect(st.maxBal[0]).toEqual({ head: [0, 1, 1], tail: -1 });
    expect(st.msgs).toContainEqual({ type: '1b', acc: 0, bal: 1, from: 1, to: null, votes: [{ slot: 2, mbal: 0, mval: 1 }] });
  });
  it('refuses a 1a whose ballot is not above maxBal in some covered slot, naming the slots', () => {
    const st = run(k, p1a(1, 1, 1), p1b(0, oneA(1, 1, 1)), p1a(1, 0));
    const r = testStep(k, st, p1b(0, oneA(1, 0)));
    expect(r).toMatchObject({ ok: false, conjunct: '\\A s \\in Covered(m) : m.bal > maxBal[a][s]' });
    expect(!r.ok && r.why).toBe('acceptor a1 has joined ballot 1 in slots 0 on, so it cannot join ballot 1 there');
  });
  it('lets an instance per slot reuse a ballot in another slot (promises are per slot)', () => {
    const st = run(k, p1a(1, 1, 1), p1b(0, oneA(1, 1, 1)), p1a(1, 2, 2), p1b(0, oneA(1, 2, 2)));
    expect(st.maxBal[0]).toEqual({ head: [-1, 1, 1], tail: -1 });
  });
  it('in an unbounded log, promises every slot from the 1a on', () => {
    const st = run(traceK, p1a(7, 5), p1b(2, oneA(7, 5)));
    expect([ballotAt(st.maxBal[2]!, 4), ballotAt(st.maxBal[2]!, 5), ballotAt(st.maxBal[2]!, 10 ** 9)]).toEqual([-1, 7, 7]);
  });
});

describe('Phase2a(b, s, v)', () => {
  const joined = (kk: Constants) => run(kk, p1a(1, 0), p1b(0, oneA(1, 0)), p1b(2, oneA(1, 0)));
  it('serves every slot from one phase 1 (what a stable leader saves)', () => {
    const r1 = testStep(k, joined(k), p2a(1, 0, 0));
    const r2 = r1.ok ? testStep(k, r1.next, p2a(1, 2, 1)) : r1;
    expect(r2).toMatchObject({ ok: true, quorum: [0, 2] });
  });
  it('must propose the value reported with the highest ballot in that slot', () => {
    const st = run(k, p1a(0, 0), p1b(0, oneA(0, 0)), p1b(1, oneA(0, 0)), p2a(0, 2, 1),
      p2b(0, twoA(0, 2, 1)), p1a(1, 0), p1b(0, oneA(1, 0)), p1b(2, oneA(1, 0)));
    expect(testStep(k, st, p2a(1, 2, 0))).toMatchObject({ ok: false,
      why: 'in every quorum that joined ballot 1 for slot 2, the highest vote reported in slot 2 is for a value other than v1' });
    expect(testStep(k, st, p2a(1, 2, 1)).ok).toBe(true);
    expect(testStep(k, st, p2a(1, 1, 0)).ok).toBe(true);
  });
  it('refuses a slot the quorum\'s 1b messages do not cover', () => {
    const st = run(k, p1a(1, 1, 1), p1b(0, oneA(1, 1, 1)), p1b(1, oneA(1, 1, 1)));
    expect(testStep(k, st, p2a(1, 2, 0))).toMatchObject({ ok: false,
      why: 'no quorum has sent 1b messages for ballot 1 that cover slot 2' });
  });
  it('refuses a second 2a in one ballot and slot', () => {
    const st = run(k, p1a(1, 0), p1b(0, oneA(1, 0)), p1b(1, oneA(1, 0)), p2a(1, 1, 0));
    expect(testStep(k, st, p2a(1, 1, 1))).toMatchObject({ ok: false,
      conjunct: '~ \\E m \\in msgs : m.type = "2a" /\\ m.bal = b /\\ m.slot = s' });
  });
});

describe('Phase2b(a)', () => {
  it('votes in its slot only and raises maxBal there alone', () => {
    const st = votedTwoSlots(k);
    expect([st.maxVBal[0], st.maxVal[0], st.maxBal[0]]).toEqual([[0, -1, 0], [0, null, 1], { head: [0, 0, 0], tail: -1 }]);
  });
  it('refuses a 2a below the promise of its slot', () => {
    const st = run(k, p1a(0, 0), p1b(0, oneA(0, 0)), p1b(1, oneA(0, 0)), p2a(0, 1, 0), p1a(2, 1, 1), p1b(0, oneA(2, 1, 1)));
    expect(testStep(k, st, p2b(0, twoA(0, 1, 0)))).toMatchObject({ ok: false, conjunct: 'm.bal \\geq maxBal[a][m.slot]' });
    expect(testStep(k, st, p2b(0, twoA(0, 1, 0)))).toMatchObject({ ok: false,
      why: 'acceptor a1 has joined ballot 2 in slot 1, so it promised not to vote in ballot 0 there' });
  });
});

describe('the two forms', () => {
  it('enumerate form: every enabled step, each the test form of its action', () => {
    const st = votedTwoSlots(k);
    const steps = enabledSteps(k, st);
    expect(steps.length).toBeGreaterThan(0);
    for (const { action, next } of steps) {
      const r = testStep(k, st, action);
      expect(r.ok && r.next).toEqual(next);
    }
  });
  it('actionSending names the step of every message', () => {
    const st = votedTwoSlots(k);
    for (const m of st.msgs) {
      const act = actionSending(m);
      const before = { ...st, msgs: st.msgs.filter((x) => x !== m) };
      expect(act.name.slice(5)).toBe(m.type);
      if (m.type === '1a' || m.type === '2a') expect(testStep(k, before, act).ok).toBe(true);
    }
  });
});
