/**
 * The fast MultiPaxos-SMR model (multipaxos-packed.ts, Next on the flat vector) is the same
 * model as the readable one that runs spec/multipaxos/smr.ts: from every state reached (all of
 * the 1-write model's 15,709, the first 2,000 of the 1-write-1-read model's, breadth first), the
 * same successor list in the same order (labels and packed states); on one state in `every`, the
 * same first failing property under every named property (the readable model's per-slot
 * properties cost milliseconds a state). Also: the codec round-trips every state it meets.
 */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/checker/engine.js';
import { smrCheckConstants, smrProperties } from '../../src/checker/multipaxos-check.js';
import type { SmrState } from '../../spec/multipaxos/smr.js';
import {
  fromFlat, pack, smrLayout, toFlat, unpack,
} from '../../src/checker/models/multipaxos-codec.js';
import { smrCanonicalizer } from '../../src/checker/models/multipaxos-symmetry.js';
import { readableSmrModel } from '../../src/checker/models/multipaxos.js';
import { packedSmrModel } from '../../src/checker/models/multipaxos-packed.js';

function successorsOf(m: Model, state: Uint32Array): string[] {
  const out = new Uint32Array(m.maxSuccessors * m.words);
  const labels = new Int32Array(m.maxSuccessors);
  const weights = new Int32Array(m.maxSuccessors);
  const n = m.successors(state, 0, out, labels, weights);
  return Array.from({ length: n }, (_, j) =>
    `${labels[j]}:${weights[j]}:${out.slice(j * m.words, (j + 1) * m.words).join(',')}`);
}

function compare(reads: number, limit: number, every: number): number {
  const settings = { replicas: 3, writes: 1, reads, maxBallot: 2, symmetry: false,
    refinement: false };
  const k = smrCheckConstants(settings);
  const properties = smrProperties(settings, k);
  const slow = readableSmrModel(k, { properties });
  const fast = packedSmrModel(k, { properties });
  const L = smrLayout(k);
  const W = fast.words;
  const first = new Uint32Array(W * 4);
  fast.initial(first);
  const seen = new Set<string>([first.slice(0, W).join(',')]);
  const queue: Uint32Array[] = [first.slice(0, W)];
  const flat = new Int32Array(L.fields);
  const again = new Uint32Array(W);
  for (let i = 0; i < queue.length && i < limit; i++) {
    const s = queue[i]!;
    const a = successorsOf(fast, s);
    expect(a).toEqual(successorsOf(slow, s));
    if (i % every === 0) expect(fast.checkState(s, 0)).toBe(slow.checkState(s, 0));
    unpack(L, s, 0, flat);
    toFlat(L, fromFlat(L, flat), flat);
    pack(L, flat, again, 0);
    expect([...again]).toEqual([...s]);
    for (const x of a) {
      const words = x.split(':')[2]!;
      if (!seen.has(words)) {
        seen.add(words);
        queue.push(Uint32Array.from(words.split(',').map(Number)));
      }
    }
  }
  return Math.min(queue.length, limit);
}

/** The state with replicas renamed by p (p[r] is r's new name). */
function renamed(s: SmrState, p: readonly number[]): SmrState {
  const rep = (r: number | null): number | null => (r === null ? null : p[r]!);
  const node = s.node.slice();
  s.node.forEach((n, r) => { node[p[r]!] = { ...n, leader: rep(n.leader) }; });
  const pc = s.pc.slice();
  s.pc.forEach((x, r) => { pc[p[r]!] = x; });
  const msgs = s.msgs.map((m) => ('src' in m ? { ...m, src: p[m.src]! } : m));
  return { ...s, node, pc, msgs };
}

describe('symmetry: every renaming of replicas has the same canonical form', () => {
  it('on the first 1,500 states of the 1-write-1-read model', () => {
    const k = { replicas: 3, writes: 1, reads: 1, maxBallot: 2 };
    const L = smrLayout(k);
    const canon = smrCanonicalizer(L);
    const m = packedSmrModel(k, { properties: { state: [], step: [], reachability: [] } });
    const W = m.words;
    const queue = [new Uint32Array(W)];
    m.initial(queue[0]!);
    const seen = new Set([queue[0]!.join()]);
    const f = new Int32Array(L.fields);
    const perms = [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for (let i = 0; i < 1_500; i++) {
      const s = queue[i]!;
      const c = s.slice();
      canon(c, 0);
      unpack(L, s, 0, f);
      const state = fromFlat(L, f);
      for (const p of perms) {
        toFlat(L, renamed(state, p), f);
        const image = new Uint32Array(W);
        pack(L, f, image, 0);
        canon(image, 0);
        expect(image.join()).toBe(c.join());
      }
      for (const x of successorsOf(m, s)) {
        const words = x.split(':')[2]!;
        if (!seen.has(words)) {
          seen.add(words);
          queue.push(Uint32Array.from(words.split(',').map(Number)));
        }
      }
    }
  });
});

describe('the packed MultiPaxos-SMR model is the readable one', () => {
  it('on every reachable state of the 1-write model', () => {
    expect(compare(0, Infinity, 16)).toBe(15_709);
  }, 120_000);

  it('on the first 2,000 states of the 1-write-1-read model', () => {
    expect(compare(1, 2_000, 4)).toBe(2_000);
  }, 120_000);
});
