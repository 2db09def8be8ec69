import { describe, expect, it } from 'vitest';
import {
  Phase1a, Phase1b, Phase2a, Phase2b, enabledSteps, init, send, stateKey, testStep,
  type Constants, type Message, type PaxosState,
} from '../../spec/paxos.js';
import { majorities } from '../../spec/quorums.js';

const k: Constants = { acceptors: 3, values: 2, quorums: majorities(3), maxBallot: 2 };

/** A state built from Init by a list of steps that must all be enabled. */
function run(...steps: Parameters<typeof testStep>[2][]): PaxosState {
  let s = init(k);
  for (const act of steps) {
    const r = testStep(k, s, act);
    if (!r.ok) throw new Error(`${act.name} not enabled: ${r.conjunct}`);
    s = r.next;
  }
  return s;
}

const oneA = (bal: number) => ({ type: '1a', bal }) as const;
const twoA = (bal: number, val: number) => ({ type: '2a', bal, val }) as const;

describe('Init', () => {
  it('has no promises, no votes and no messages', () => {
    expect(init(k)).toEqual({ maxBal: [-1, -1, -1], maxVBal: [-1, -1, -1], maxVal: [null, null, null], msgs: [] });
  });
});

describe('Phase1a(b)', () => {
  it('sends a 1a message for b and changes nothing else', () => {
    const r = Phase1a(k, init(k), 1);
    expect(r.ok && r.next.msgs).toEqual([oneA(1)]);
  });
  it('refuses a ballot outside 0..maxBallot', () => {
    expect(Phase1a(k, init(k), 3)).toMatchObject({ ok: false, conjunct: 'b \\in Ballot' });
  });
});

describe('Phase1b(a)', () => {
  it('joins the ballot of a 1a above maxBal[a] and reports the latest vote', () => {
    const s = run({ name: 'Phase1a', b: 0 }, { name: 'Phase1b', a: 0, m: oneA(0) });
    expect(s.maxBal).toEqual([0, -1, -1]);
    expect(s.msgs).toContainEqual({ type: '1b', acc: 0, bal: 0, mbal: -1, mval: null });
  });
  it.each([
    ['a 1a that was never sent', () => init(k), 0, oneA(1), 'm \\in msgs'],
    ['a 1a whose ballot is not above maxBal', () => run({ name: 'Phase1a', b: 1 }, { name: 'Phase1b', a: 0, m: oneA(1) }), 0, oneA(1), 'm.bal > maxBal[a]'],
    ['a non-acceptor', () => run({ name: 'Phase1a', b: 1 }), 7, oneA(1), 'a \\in Acceptor'],
  ])('ignores %s, naming the conjunct', (_why, state, a, m, conjunct) => {
    expect(Phase1b(k, state(), a, m)).toMatchObject({ ok: false, conjunct });
  });
});

describe('Phase2a(b, v)', () => {
  const joined = (b: number) => run({ name: 'Phase1a', b }, { name: 'Phase1b', a: 0, m: oneA(b) }, { name: 'Phase1b', a: 1, m: oneA(b) });

  it('proposes any value when the quorum reports no votes, naming the quorum', () => {
    const r = Phase2a(k, joined(0), 0, 1);
    expect(r).toMatchObject({ ok: true, quorum: [0, 1] });
  });

  it('must propose the value of the highest vote reported by the quorum', () => {
    let s = run({ name: 'Phase1a', b: 0 }, { name: 'Phase1b', a: 0, m: oneA(0) }, { name: 'Phase1b', a: 1, m: oneA(0) },
      { name: 'Phase2a', b: 0, v: 0 }, { name: 'Phase2b', a: 0, m: twoA(0, 0) },
      { name: 'Phase1a', b: 1 }, { name: 'Phase1b', a: 0, m: oneA(1) }, { name: 'Phase1b', a: 1, m: oneA(1) });
    expect(Phase2a(k, s, 1, 1)).toMatchObject({ ok: false, conjunct: expect.stringMatching(/^Q1bv = \{\}/) });
    const r = Phase2a(k, s, 1, 0);
    expect(r.ok).toBe(true);
    s = r.ok ? r.next : s;
    expect(s.msgs).toContainEqual(twoA(1, 0));
  });

  it('refuses a second 2a in the same ballot', () => {
    const s = run({ name: 'Phase1a', b: 0 }, { name: 'Phase1b', a: 0, m: oneA(0) }, { name: 'Phase1b', a: 1, m: oneA(0) },
      { name: 'Phase2a', b: 0, v: 0 });
    expect(Phase2a(k, s, 0, 1)).toMatchObject({ ok: false, conjunct: '~ \\E m \\in msgs : m.type = "2a" /\\ m.bal = b' });
  });

  it('refuses when no quorum has sent 1b messages for the ballot', () => {
    const s = run({ name: 'Phase1a', b: 0 }, { name: 'Phase1b', a: 0, m: oneA(0) });
    expect(Phase2a(k, s, 0, 0)).toMatchObject({ ok: false, conjunct: '\\A a \\in Q : \\E m \\in Q1b : m.acc = a' });
  });
});

describe('Phase2b(a)', () => {
  const proposed = () => run({ name: 'Phase1a', b: 1 }, { name: 'Phase1b', a: 0, m: oneA(1) }, { name: 'Phase1b', a: 1, m: oneA(1) },
    { name: 'Phase2a', b: 1, v: 1 });

  it('votes as a 2a directs and records the vote', () => {
    const r = Phase2b(k, proposed(), 2, twoA(1, 1));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([r.next.maxBal[2], r.next.maxVBal[2], r.next.maxVal[2]]).toEqual([1, 1, 1]);
    expect(r.next.msgs).toContainEqual({ type: '2b', acc: 2, bal: 1, val: 1 });
  });

  it('ignores a 2a whose ballot is below maxBal[a]', () => {
    const s = run({ name: 'Phase1a', b: 0 }, { name: 'Phase1b', a: 0, m: oneA(0) }, { name: 'Phase1b', a: 1, m: oneA(0) },
      { name: 'Phase2a', b: 0, v: 0 }, { name: 'Phase1a', b: 2 }, { name: 'Phase1b', a: 0, m: oneA(2) });
    expect(Phase2b(k, s, 0, twoA(0, 0))).toMatchObject({ ok: false, conjunct: 'm.bal \\geq maxBal[a]' });
  });

  it('ignores a 2a that was never sent', () => {
    expect(Phase2b(k, init(k), 0, twoA(0, 0))).toMatchObject({ ok: false, conjunct: 'm \\in msgs' });
  });
});

describe('msgs', () => {
  it('is a set: sending a message twice leaves it unchanged', () => {
    const once = send([], oneA(1));
    expect(send(once, oneA(1))).toBe(once);
  });
  it('is kept in one canonical order, so equal sets give equal keys', () => {
    const ms: Message[] = [twoA(1, 0), oneA(2), oneA(0)];
    const forward = ms.reduce<readonly Message[]>((acc, m) => send(acc, m), []);
    const backward = [...ms].reverse().reduce<readonly Message[]>((acc, m) => send(acc, m), []);
    expect(stateKey({ ...init(k), msgs: forward })).toBe(stateKey({ ...init(k), msgs: backward }));
  });
});

describe('Next (enumerate form)', () => {
  it('from Init, enables exactly Phase1a(b) for every ballot', () => {
    expect(enabledSteps(k, init(k)).map((st) => st.action)).toEqual([0, 1, 2].map((b) => ({ name: 'Phase1a', b })));
  });

  it('reaches exactly TLC\'s 3,921 distinct states at depth 17 for MaxBallot 1 (naive BFS over the test form)', () => {
    const k1: Constants = { ...k, maxBallot: 1 };
    const seen = new Set([stateKey(init(k1))]);
    let frontier = [init(k1)];
    let depth = 1;
    while (frontier.length > 0) {
      const next: PaxosState[] = [];
      for (const s of frontier) {
        for (const st of enabledSteps(k1, s)) {
          const key = stateKey(st.next);
          if (!seen.has(key)) { seen.add(key); next.push(st.next); }
        }
      }
      if (next.length > 0) depth++;
      frontier = next;
    }
    expect(seen.size).toBe(3921);
    expect(depth).toBe(17);
  });
});
