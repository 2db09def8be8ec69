/**
 * The engine on a toy model it knows nothing about: two counters x, y in 0..n, each step
 * increments one. Small enough to count by hand: (n+1)^2 states, depth 2n+1, and the first
 * state with x + y = t is t steps away. Symmetry swaps x and y.
 */
import { describe, expect, it } from 'vitest';
import { check, type Model } from '../../src/checker/engine.js';

interface Toy {
  readonly n: number;
  /** State property: x + y < limit. */
  readonly limit?: number;
  /** Step property: y never increments while x < yNeedsX. */
  readonly yNeedsX?: number;
  /** "Sometimes": x = sometimesX. */
  readonly sometimesX?: number;
}

function toy(t: Toy): Model {
  const bad = (x: number, y: number): boolean => t.limit !== undefined && x + y >= t.limit;
  return {
    name: 'toy', words: 2, maxSuccessors: 2,
    initial: (out) => { out[0] = 0; out[1] = 0; return 1; },
    successors(src, off, out, labels, weights) {
      let n = 0;
      for (const i of [0, 1]) {
        if ((src[off + i] as number) >= t.n) continue;
        out[2 * n] = src[off] as number;
        out[2 * n + 1] = src[off + 1] as number;
        out[2 * n + i]! += 1;
        labels[n] = i;
        weights[n++] = 1;
      }
      return n;
    },
    canonicalize(buf, off) {
      const x = buf[off] as number;
      const y = buf[off + 1] as number;
      if (y < x) { buf[off] = y; buf[off + 1] = x; }
    },
    stateProperties: ['Bounded'],
    checkState: (src, off) => (bad(src[off] as number, src[off + 1] as number) ? 0 : -1),
    stepProperties: ['YAfterX'],
    checkStep: (src, so, label) =>
      (t.yNeedsX !== undefined && label === 1 && (src[so] as number) < t.yNeedsX ? 0 : -1),
    reachability: t.sometimesX === undefined ? [] : [{ name: 'XReaches', partners: ['Bounded'] }],
    reaches: (_i, src, off) => src[off] === t.sometimesX,
    explainState: (_p, src, off) =>
      ({ property: 'Bounded', summary: `x + y = ${src[off]! + src[off + 1]!}`, witness: {} }),
    explainStep: () => ({ property: 'YAfterX', summary: 'y moved first', witness: {} }),
    describeAction: (label) => (label === 0 ? 'IncX' : 'IncY'),
    describeChange: (p, po, q, qo) => `(${p[po]},${p[po + 1]}) -> (${q[qo]},${q[qo + 1]})`,
    describeState: (src, off) => [src[off], src[off + 1]],
  };
}

describe('check', () => {
  it('counts (n+1)^2 states at depth 2n+1, generated = steps + the initial state', () => {
    const r = check(toy({ n: 4 }));
    expect([r.verdict, r.distinctStates, r.depth, r.steps, r.generatedStates])
      .toEqual(['ok', 25, 9, 40, 41]);
  });

  it('finds a shortest counterexample to a state property, with what each step changed', () => {
    const r = check(toy({ n: 4, limit: 3 }));
    expect(r.verdict).toBe('violation');
    expect(r.trace.map((s) => s.action)).toEqual([null, 'IncX', 'IncX', 'IncX']);
    expect(r.trace[1]!.change).toBe('(0,0) -> (1,0)');
    expect(r.depth).toBe(4);
  });

  it('finds a step property violation on the step itself', () => {
    const r = check(toy({ n: 4, yNeedsX: 2 }));
    expect(r.violation?.property).toBe('YAfterX');
    expect(r.trace.map((s) => s.action)).toEqual([null, 'IncY']);
  });

  it('calls a run vacuous when a "sometimes" target is never reached', () => {
    expect(check(toy({ n: 2, sometimesX: 3 })))
      .toMatchObject({ verdict: 'vacuous', unreached: ['XReaches'] });
    expect(check(toy({ n: 3, sometimesX: 3 })).verdict).toBe('ok');
  });

  it('counts symmetry classes, and replays a concrete counterexample through them', () => {
    expect(check(toy({ n: 4 }), { symmetry: true }).distinctStates).toBe(15);
    const r = check(toy({ n: 4, limit: 3, yNeedsX: 1 }), { symmetry: true });
    // Canonical states have x <= y, yet the replayed path is concrete and steps from (0,0).
    expect(r.violation?.property).toBe('YAfterX');
    expect(r.trace.map((s) => s.state)).toEqual([[0, 0], [0, 1]]);
  });

  it('stops at maxStates with the verdict incomplete', () => {
    expect(check(toy({ n: 100 }), { maxStates: 50 }).verdict).toBe('incomplete');
  });
});
