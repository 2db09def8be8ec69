/**
 * The fast Paxos model: Paxos.tla's Next computed directly on the packed encoding (the
 * 'reachable' layout of paxos-codec.ts), with bit operations instead of message arrays.
 *
 * It must be the same model as the spec, and the tests prove it for small bounds the way etcd
 * tests its fast quorum code against a naive one: the same reachable states, the same
 * successor lists (labels, states and TLC weights) from every state, and the same property
 * verdicts as the readable model that runs spec/paxos.ts itself. Steps are emitted in the
 * order of the spec's `enabledSteps` (per ballot Phase1a then Phase2a; then per acceptor
 * Phase1b and Phase2b over msgs in order), so both models even find the same counterexample.
 *
 * Properties: each named property is evaluated by a bit-level function from
 * paxos-packed-props.ts when one exists and is proven equal to the spec's; otherwise by the
 * spec's own function on the decoded state (slower but never wrong). A violation is always
 * explained by the spec's function, so the witness is in protocol terms.
 *
 * Left out: mutants (they need the spec's Actions table, i.e. the readable model) and layouts
 * with more than 31 possible 1b messages per acceptor and ballot.
 */
import { type Constants, type PaxosState } from '../../../spec/paxos.js';
import type { Model } from '../engine.js';
import {
  decode, getMaxBal, getMaxVal, getMaxVBal, index1b, label1a, label1b, label2a, label2b,
  paxosLayout, putAcceptor, setBit, testBit, type PaxosLayout,
} from './paxos-codec.js';
import { bitsAt } from './paxos-bits.js';
import { specBacked } from './paxos-common.js';
import { packedProperties, type PackedCheck, type StepTest } from './paxos-packed-props.js';
import type { PaxosProperties } from './paxos-properties.js';

export interface PackedOptions {
  readonly properties: PaxosProperties;
  /** Whether to use the bit-level property checks (default true); false: the spec's, decoded. */
  readonly fast?: boolean;
}

export function packedPaxosModel(k: Constants, options: PackedOptions): Model & {
  readonly layout: PaxosLayout;
} {
  const L = paxosLayout(k, 'reachable');
  return {
    name: 'paxos (packed)',
    layout: L,
    successors: packedNext(L),
    ...specBacked(k, L, options.properties),
    ...packedChecks(L, options),
  };
}

/** Next on the packed encoding: writes the steps in the order of the spec's enabledSteps. */
function packedNext(L: PaxosLayout): Model['successors'] {
  const k = L.k;
  const { A, V, B } = L;
  const W = L.words;
  // Start bit of the contiguous group of 1b messages of (a, b): 1b(a, b, -1, None) first, then
  // (mbal, mval) in order; group length 1 + b*V (compareMessages sorts 1b by bal, acc, mbal, mval).
  const group1b = new Int32Array(A * B);
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      group1b[a * B + b] = L.bit1b[index1b(L, a, b, -1, null)] as number;
      if (1 + b * V > 31) throw new RangeError('packed model: too many 1b messages per ballot');
    }
  }
  const qmasks = Int32Array.from(k.quorums.masks);
  const top = new Int32Array(A);
  const topVals = new Int32Array(A * V);
  const w2a = new Int32Array(V);

  const emitCopy = (src: Uint32Array, off: number, out: Uint32Array, n: number): number => {
    const base = n * W;
    for (let i = 0; i < W; i++) out[base + i] = src[off + i] as number;
    return base;
  };

  /** For ballot b: per acceptor whether it joined (a 1b), its highest reported mbal and the
   *  number of its 1b messages reporting each value at that mbal. Returns the joined mask. */
  const scan1b = (src: Uint32Array, off: number, b: number): number => {
    let joined = 0;
    const len = 1 + b * V;
    for (let a = 0; a < A; a++) {
      const g = bitsAt(src, off, group1b[a * B + b] as number, len);
      if (g === 0) continue;
      joined |= 1 << a;
      const hi = 31 - Math.clz32(g);
      if (hi === 0) {
        top[a] = -1;
        continue;
      }
      const mbal = Math.floor((hi - 1) / V);
      top[a] = mbal;
      for (let v = 0; v < V; v++) topVals[a * V + v] = (g >>> (1 + mbal * V + v)) & 1;
    }
    return joined;
  };

  /** Phase2a(b, v)'s enabling, for every v at once: w2a[v] = TLC witnesses (0 = disabled). */
  const phase2aWitnesses = (src: Uint32Array, off: number, b: number): void => {
    w2a.fill(0);
    const joined = scan1b(src, off, b);
    for (let q = 0; q < qmasks.length; q++) {
      const Q = qmasks[q] as number;
      if ((joined & Q) !== Q) continue;
      let topQ = -1;
      for (let a = 0; a < A; a++) if ((Q >>> a) & 1 && (top[a] as number) > topQ) topQ = top[a]!;
      if (topQ === -1) {
        for (let v = 0; v < V; v++) w2a[v]!++;
        continue;
      }
      for (let a = 0; a < A; a++) {
        if (!((Q >>> a) & 1) || top[a] !== topQ) continue;
        for (let v = 0; v < V; v++) w2a[v]! += topVals[a * V + v] as number;
      }
    }
  };

  const successors = (src: Uint32Array, off: number, out: Uint32Array, labels: Int32Array,
    weights: Int32Array): number => {
    let n = 0;
    for (let b = 0; b < B; b++) {
      // Phase1a(b): always enabled; Send 1a(b).
      setBit(out, emitCopy(src, off, out, n), L.bit1a[b] as number);
      labels[n] = label1a(L, b);
      weights[n++] = 1;
      // Phase2a(b, v): no 2a for b yet, and a quorum's 1b messages show v safe at b.
      let sent2a = false;
      for (let v = 0; v < V; v++) sent2a ||= testBit(src, off, L.bit2a[b * V + v] as number);
      if (sent2a) continue;
      phase2aWitnesses(src, off, b);
      for (let v = 0; v < V; v++) {
        if (w2a[v] === 0) continue;
        setBit(out, emitCopy(src, off, out, n), L.bit2a[b * V + v] as number);
        labels[n] = label2a(L, b, v);
        weights[n++] = w2a[v] as number;
      }
    }
    for (let a = 0; a < A; a++) {
      const maxBal = getMaxBal(L, src, off, a);
      const maxVBal = getMaxVBal(L, src, off, a);
      const maxVal = getMaxVal(L, src, off, a);
      // Phase1b(a) on 1a(b): b > maxBal[a]; joins b and reports its latest vote.
      for (let b = maxBal + 1; b < B; b++) {
        if (!testBit(src, off, L.bit1a[b] as number)) continue;
        const bit = L.bit1b[index1b(L, a, b, maxVBal, maxVal < 0 ? null : maxVal)] as number;
        if (bit < 0) throw new Error(`packed model: 1b(${a}, ${b}, ${maxVBal}) outside the layout`);
        const base = emitCopy(src, off, out, n);
        putAcceptor(L, out, base, a, b, maxVBal, maxVal);
        setBit(out, base, bit);
        labels[n] = label1b(L, a, b);
        weights[n++] = 1;
      }
      // Phase2b(a) on 2a(b, v): b >= maxBal[a]; votes for v in b.
      for (let b = Math.max(maxBal, 0); b < B; b++) {
        for (let v = 0; v < V; v++) {
          if (!testBit(src, off, L.bit2a[b * V + v] as number)) continue;
          const base = emitCopy(src, off, out, n);
          putAcceptor(L, out, base, a, b, b, v);
          setBit(out, base, L.bit2b[(a * B + b) * V + v] as number);
          labels[n] = label2b(L, a, b, v);
          weights[n++] = 1;
        }
      }
    }
    return n;
  };
  return successors;
}

type Checks = Pick<Model, 'checkState' | 'reaches' | 'checkStep'>;

/** The property checks: bit-level where paxos-packed-props.ts has them, else the spec's. */
function packedChecks(L: PaxosLayout, options: PackedOptions): Checks {
  const k = L.k;
  const props = options.properties;
  const fast = options.fast === false ? null : packedProperties(L);
  const at = (buf: Uint32Array, off: number): PaxosState => decode(L, buf, off);
  const scratch: { buf: Uint32Array; off: number } = { buf: new Uint32Array(0), off: 0 };
  const stateChecks: PackedCheck[] = props.state.map((p) =>
    fast?.state[p.name] ?? (() => p.check(k, at(scratch.buf, scratch.off)) === null));
  const bySpec = (p: PaxosProperties['step'][number]): StepTest =>
    (src, srcOff, dst, dstOff) => p.check(k, at(src, srcOff), at(dst, dstOff)) === null;
  const stepChecks: StepTest[] = props.step.map((p) => {
    if (fast === null) return bySpec(p);
    if (p.name === 'R1') return fast.r1;
    // A step that changes neither maxBal nor votes maps to a Voting stutter, which votingStep
    // accepts without further test; only the others need the spec.
    if (p.name === 'Refinement') {
      const spec = bySpec(p);
      return (src, srcOff, dst, dstOff) =>
        fast.votingUnchanged(src, srcOff, dst, dstOff) || spec(src, srcOff, dst, dstOff);
    }
    return bySpec(p);
  });
  return {
    checkState(src, off) {
      scratch.buf = src;
      scratch.off = off;
      fast?.analyze(src, off);
      for (let i = 0; i < stateChecks.length; i++) if (!stateChecks[i]!()) return i;
      return -1;
    },
    reaches(i, src, off) {
      const p = props.reachability[i]!;
      const target = fast?.reach[p.name];
      if (target === undefined) return p.holds(k, at(src, off));
      fast!.analyze(src, off);
      return target();
    },
    checkStep(src, srcOff, _label, dst, dstOff) {
      for (let i = 0; i < stepChecks.length; i++) {
        if (!stepChecks[i]!(src, srcOff, dst, dstOff)) return i;
      }
      return -1;
    },
  };
}
