/**
 * The fast packed model is the spec (issue 2, section 4): for small bounds it reaches exactly
 * the readable model's states, offers exactly the same steps (labels, TLC weights, next states)
 * from each of them, and every bit-level property gives the spec function's verdict — on
 * reachable states, on states the mutants reach, and on random states of the layout. Like
 * etcd's fast quorum code tested against a naive one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, paxosLayout } from '../../src/checker/models/paxos-codec.js';
import { paxosCanonicalizer, quorumAutomorphisms } from '../../src/checker/models/paxos-common.js';
import { check, type Model } from '../../src/checker/engine.js';
import { packedProperties } from '../../src/checker/models/paxos-packed-props.js';
import { packedPaxosModel } from '../../src/checker/models/paxos-packed.js';
import {
  noProperties, refinementToVoting, specProperties,
} from '../../src/checker/models/paxos-properties.js';
import { readablePaxosModel } from '../../src/checker/models/paxos-readable.js';
import { explicitQuorums, majorities } from '../../spec/quorums.js';
import type { Actions, Constants, PaxosState } from '../../spec/paxos.js';
import * as M from './mutants.js';

const constants = (maxBallot: number): Constants =>
  ({ acceptors: 3, values: 2, quorums: majorities(3), maxBallot });

const keyOf = (buf: Uint32Array, off: number, W: number): string =>
  Array.from(buf.subarray(off, off + W)).join(',');

/** The reachable states of a model, at most `limit` (a plain BFS, not the engine). */
function reachable(model: Model, limit = Infinity): Uint32Array[] {
  const W = model.words;
  const out = new Uint32Array(model.maxSuccessors * W);
  const labels = new Int32Array(model.maxSuccessors);
  const weights = new Int32Array(model.maxSuccessors);
  const n0 = model.initial(out);
  const seen = new Set<string>();
  const states: Uint32Array[] = [];
  const add = (buf: Uint32Array, off: number): void => {
    const key = keyOf(buf, off, W);
    if (seen.has(key)) return;
    seen.add(key);
    states.push(buf.slice(off, off + W));
  };
  for (let i = 0; i < n0; i++) add(out, i * W);
  for (let i = 0; i < states.length && states.length < limit; i++) {
    const n = model.successors(states[i]!, 0, out, labels, weights);
    for (let j = 0; j < n; j++) add(out, j * W);
  }
  return states;
}

function stepsOf(model: Model, s: Uint32Array): string[] {
  const W = model.words;
  const out = new Uint32Array(model.maxSuccessors * W);
  const labels = new Int32Array(model.maxSuccessors);
  const weights = new Int32Array(model.maxSuccessors);
  const n = model.successors(s, 0, out, labels, weights);
  return Array.from({ length: n }, (_, j) => `${labels[j]}x${weights[j]}:${keyOf(out, j * W, W)}`);
}

/** Reachable states of a mutant that the packed layout can hold, encoded in it. */
function mutantStates(k: Constants, impl: Actions): Uint32Array[] {
  const L = paxosLayout(k, 'reachable');
  const full = readablePaxosModel(k, { properties: noProperties, impl });
  const fullL = full.layout;
  const result: Uint32Array[] = [];
  for (const s of reachable(full, 5_000)) {
    const buf = new Uint32Array(L.words);
    try {
      encode(L, decode(fullL, s, 0), buf, 0);
    } catch {
      continue;
    }
    result.push(buf);
  }
  return result;
}

/** Where the bit-level verdicts differ from the spec's; `failures` counts spec violations seen. */
function verdictsAgree(
  k: Constants, states: readonly Uint32Array[], failures = { count: 0 },
): string[] {
  const L = paxosLayout(k, 'reachable');
  const fast = packedProperties(L);
  const disagreements: string[] = [];
  for (const buf of states) {
    const s = decode(L, buf, 0);
    fast.analyze(buf, 0);
    for (const p of specProperties.state) {
      const specHolds = p.check(k, s) === null;
      if (!specHolds) failures.count++;
      if (fast.state[p.name]!() !== specHolds) {
        disagreements.push(`${p.name} on ${JSON.stringify(s)}`);
      }
    }
    for (const r of specProperties.reachability) {
      if (fast.reach[r.name]!() !== r.holds(k, s)) {
        disagreements.push(`${r.name} on ${JSON.stringify(s)}`);
      }
    }
  }
  return disagreements;
}

describe('the packed model against the readable spec', () => {
  it.each([0, 1])('reaches the same states, offers the same steps (MaxBallot %i)', (mb) => {
    const k = constants(mb);
    const packed = packedPaxosModel(k, { properties: noProperties });
    const readable = readablePaxosModel(k, { properties: noProperties, layout: 'reachable' });
    const fast = reachable(packed);
    const slow = reachable(readable);
    const W = packed.words;
    const keys = (xs: Uint32Array[]): Set<string> => new Set(xs.map((s) => keyOf(s, 0, W)));
    expect(keys(fast)).toEqual(keys(slow));
    for (const s of fast) expect(stepsOf(packed, s)).toEqual(stepsOf(readable, s));
  });

  it('offers the same steps on a sample of the MaxBallot 2 states', () => {
    const k = constants(2);
    const packed = packedPaxosModel(k, { properties: noProperties });
    const readable = readablePaxosModel(k, { properties: noProperties, layout: 'reachable' });
    const states = reachable(packed);
    expect(states).toHaveLength(185_369);
    for (let i = 0; i < states.length; i += 389) {
      expect(stepsOf(packed, states[i]!)).toEqual(stepsOf(readable, states[i]!));
    }
  });

  it('gives the spec\'s verdict for every property on every reachable state (MaxBallot 1)', () => {
    const k = constants(1);
    const states = reachable(packedPaxosModel(k, { properties: noProperties }));
    expect(verdictsAgree(k, states)).toEqual([]);
  });

  it.each(Object.entries(M))('gives the spec\'s verdicts where mutant %s goes', (_, impl) => {
    const k = constants(1);
    const states = mutantStates(k, impl);
    expect(states.length).toBeGreaterThan(20);
    const failures = { count: 0 };
    expect(verdictsAgree(k, states, failures)).toEqual([]);
    expect(failures.count).toBeGreaterThan(0);
  });

  it('gives the spec\'s verdicts, R1 included, on random states of the layout', () => {
    const k = constants(2);
    const L = paxosLayout(k, 'reachable');
    const fast = packedProperties(L);
    const field = fc.integer({ min: -1, max: k.maxBallot });
    const value = fc.integer({ min: -1, max: 1 });
    const acceptor = fc.record({ maxBal: field, maxVBal: field, maxVal: value });
    const stateArb = fc.record({
      acc: fc.array(acceptor, { minLength: 3, maxLength: 3 }),
      msgs: fc.subarray(L.messages.map((_, i) => i), { maxLength: 14 }),
    }).map(({ acc, msgs }): PaxosState => ({
      maxBal: acc.map((x) => x.maxBal),
      maxVBal: acc.map((x) => x.maxVBal),
      maxVal: acc.map((x) => (x.maxVal < 0 ? null : x.maxVal)),
      msgs: msgs.map((i) => L.messages[i]!),
    }));
    fc.assert(fc.property(stateArb, stateArb, (s, t) => {
      const sb = new Uint32Array(L.words);
      const tb = new Uint32Array(L.words);
      encode(L, s, sb, 0);
      encode(L, { ...t, msgs: [...new Set([...s.msgs, ...t.msgs])].sort((x, y) =>
        L.messages.indexOf(x) - L.messages.indexOf(y)) }, tb, 0);
      expect(verdictsAgree(k, [sb])).toEqual([]);
      const r1 = specProperties.step[0]!;
      expect(fast.r1(sb, 0, tb, 0)).toBe(r1.check(k, s, decode(L, tb, 0)) === null);
      // The refinement shortcut: a step that keeps maxBal and the votes is a Voting stutter.
      if (fast.votingUnchanged(sb, 0, tb, 0)) {
        expect(refinementToVoting.check(k, s, decode(L, tb, 0))).toBeNull();
      }
      expect(fast.votingUnchanged(sb, 0, sb, 0)).toBe(true);
    }), { seed: 20261122, numRuns: 3000 });
  });
});

describe('the packed model\'s Next against the spec\'s, on random states', () => {
  // The exhaustive comparisons above cover every reachable state up to MaxBallot 1 and a sample
  // at MaxBallot 2. These random states need not be reachable (any acceptor variables that fit
  // TypeOK's shape, any set of messages of the layout), and go to MaxBallot 3 and 4 acceptors:
  // the packed Next must offer exactly the spec's steps (labels, TLC weights, next states).
  it.each([
    { acceptors: 3, values: 2, maxBallot: 2, seed: 20261201 },
    { acceptors: 3, values: 2, maxBallot: 3, seed: 20261202 },
    { acceptors: 4, values: 2, maxBallot: 2, seed: 20261203 },
    { acceptors: 3, values: 3, maxBallot: 2, seed: 20261204 },
  ])('offers the spec\'s steps from random states ($acceptors acceptors, $values values, '
    + 'MaxBallot $maxBallot; seed $seed)', ({ acceptors, values, maxBallot, seed }) => {
    const k: Constants = { acceptors, values, quorums: majorities(acceptors), maxBallot };
    const packed = packedPaxosModel(k, { properties: noProperties });
    const readable = readablePaxosModel(k, { properties: noProperties, layout: 'reachable' });
    const L = packed.layout;
    const acceptor = fc.integer({ min: -1, max: maxBallot }).chain((maxBal) =>
      fc.integer({ min: -1, max: maxBal }).chain((maxVBal) =>
        (maxVBal < 0 ? fc.constant(null) : fc.integer({ min: 0, max: values - 1 }))
          .map((maxVal) => ({ maxBal, maxVBal, maxVal }))));
    const stateArb = fc.record({
      acc: fc.array(acceptor, { minLength: acceptors, maxLength: acceptors }),
      msgs: fc.subarray(L.messages.map((_, i) => i), { maxLength: 24 }),
    }).map(({ acc, msgs }): PaxosState => ({
      maxBal: acc.map((x) => x.maxBal),
      maxVBal: acc.map((x) => x.maxVBal),
      maxVal: acc.map((x) => x.maxVal),
      msgs: msgs.map((i) => L.messages[i]!),
    }));
    let compared = 0;
    let steps = 0;
    fc.assert(fc.property(stateArb, (s) => {
      const buf = new Uint32Array(L.words);
      encode(L, s, buf, 0);
      const slow = stepsOf(readable, buf);
      expect(stepsOf(packed, buf)).toEqual(slow);
      compared++;
      steps += slow.length;
    }), { seed, numRuns: 400 });
    // Not vacuous: every run compared, and the states offered many steps.
    expect(compared).toBe(400);
    expect(steps).toBeGreaterThan(400 * 4);
  });
});

describe('symmetry', () => {
  it('maps every state of a class to one representative, and counts the classes exactly', () => {
    const k = constants(1);
    const model = packedPaxosModel(k, { properties: noProperties });
    const canon = paxosCanonicalizer(model.layout);
    const classes = new Set<string>();
    for (const s of reachable(model)) {
      const c = s.slice();
      canon(c, 0);
      const again = c.slice();
      canon(again, 0);
      expect(keyOf(again, 0, model.words)).toBe(keyOf(c, 0, model.words));
      classes.add(keyOf(c, 0, model.words));
    }
    expect(classes.size).toBe(443);
  });

  it('renames only acceptors whose renaming keeps the quorum system', () => {
    const k = { ...constants(1), quorums: explicitQuorums(3, [[0, 1], [0, 2]]) };
    expect(new Set(quorumAutomorphisms(k).map(String))).toEqual(new Set(['0,1,2', '0,2,1']));
    const model = packedPaxosModel(k, { properties: noProperties });
    const canon = paxosCanonicalizer(model.layout);
    const classes = new Set(reachable(model).map((s) => {
      const c = s.slice();
      canon(c, 0);
      return keyOf(c, 0, model.words);
    }));
    expect(check(model, { symmetry: true }).distinctStates).toBe(classes.size);
    expect(classes.size).toBeLessThan(reachable(model).length);
  });
});
