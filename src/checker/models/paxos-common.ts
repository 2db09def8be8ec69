/**
 * What the two Paxos models (the readable adapter and the fast packed model) share: how a step
 * and a state are described in reports, the symmetry canonicalization, and TLC's way of
 * counting generated states.
 *
 * Symmetry (TLC's `Permutations(Acceptor) \cup Permutations(Value)`, but here the full product
 * group, which is what makes the reduction exact): renaming acceptors or values maps behaviours
 * of Paxos onto behaviours of Paxos, provided the quorum system is mapped onto itself. So only
 * the acceptor permutations that preserve the quorum system are used (all of them for
 * majorities; possibly only the identity for an explicit system). The canonical member of a
 * state's class is its smallest encoding, compared word by word as unsigned integers, among
 * all images; so the reduced state count is the exact number of classes, the same on every run.
 */
import { init, None, quorum1b, type Action, type Constants, type Message, type PaxosState }
  from '../../../spec/paxos.js';
import type { Model, Violation } from '../engine.js';
import { defaultNames, showMessage, type Witness } from '../../../spec/properties.js';
import type { PaxosProperties } from './paxos-properties.js';
import { maskOf } from '../../../spec/quorums.js';
import {
  actionOfLabel, bitOf, getMaxBal, getMaxVal, getMaxVBal, putAcceptor, setBit, testBit,
  decode, encode, labelCount, type PaxosLayout,
} from './paxos-codec.js';

const accName = defaultNames.acceptor;
const valName = (v: number | None): string =>
  (v === None || v < 0 ? 'None' : defaultNames.value(v));

export function describePaxosAction(act: Action): string {
  switch (act.name) {
    case 'Phase1a': return `Phase1a(${act.b})`;
    case 'Phase2a': return `Phase2a(${act.b}, ${valName(act.v)})`;
    case 'Phase1b': return `Phase1b(${accName(act.a)}) on 1a(bal ${act.m.bal})`;
    case 'Phase2b':
      return `Phase2b(${accName(act.a)}) on 2a(bal ${act.m.bal}, ${valName(act.m.val)})`;
  }
}

export function describeLabel(L: PaxosLayout, label: number): string {
  return describePaxosAction(actionOfLabel(L, label));
}

/** One line: the acceptor variables that changed and the messages sent. */
export function describeChange(L: PaxosLayout, prev: Uint32Array, prevOff: number,
  next: Uint32Array, nextOff: number): string {
  const parts: string[] = [];
  for (let a = 0; a < L.A; a++) {
    const fields: [string, number, number, (x: number) => string][] = [
      ['maxBal', getMaxBal(L, prev, prevOff, a), getMaxBal(L, next, nextOff, a), String],
      ['maxVBal', getMaxVBal(L, prev, prevOff, a), getMaxVBal(L, next, nextOff, a), String],
      ['maxVal', getMaxVal(L, prev, prevOff, a), getMaxVal(L, next, nextOff, a), valName],
    ];
    for (const [name, x, y, show] of fields) {
      if (x !== y) parts.push(`${name}[${accName(a)}] ${show(x)} -> ${show(y)}`);
    }
  }
  L.messages.forEach((m, i) => {
    const bit = L.msgBase + i;
    if (testBit(next, nextOff, bit) && !testBit(prev, prevOff, bit)) {
      parts.push(`sent ${showMessage(m)}`);
    }
  });
  return parts.length === 0 ? 'no change (the message was already sent)' : parts.join('; ');
}

/**
 * How many successors TLC generates for one step of Paxos.tla's Next: one per witness of the
 * existentials that enclose it. Only Phase2a has more than one: `\E Q \in Quorum` and, in its
 * second conjunct, `\E m \in Q1bv` (the reported votes with the highest mbal and value v).
 * Counting this way (plus one per initial state) gives exactly TLC's "states generated".
 */
export function tlcWeight(k: Constants, s: PaxosState, act: Action): number {
  if (act.name !== 'Phase2a') return 1;
  let witnesses = 0;
  for (const Q of k.quorums.quorums) {
    const Q1b = quorum1b(s, Q, act.b);
    if (Q1b === null) continue;
    const Q1bv = Q1b.filter((m) => m.mbal >= 0);
    if (Q1bv.length === 0) {
      witnesses++;
      continue;
    }
    const top = Math.max(...Q1bv.map((m) => m.mbal));
    witnesses += Q1bv.filter((m) => m.mval === act.v && m.mbal === top).length;
  }
  return Math.max(witnesses, 1);
}

// ---------------------------------------------------------------------------------------------
// Symmetry.
// ---------------------------------------------------------------------------------------------

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const result: number[][] = [];
  for (const p of permutations(n - 1)) {
    for (let i = 0; i <= p.length; i++) result.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  }
  return result;
}

/** The acceptor permutations that map the quorum system onto itself. */
export function quorumAutomorphisms(k: Constants): number[][] {
  const masks = new Set(k.quorums.masks);
  return permutations(k.acceptors).filter((pi) =>
    k.quorums.quorums.every((Q) => masks.has(maskOf(Q.map((a) => pi[a]!)))));
}

function imageOf(m: Message, pi: readonly number[], sigma: readonly number[]): Message {
  const val = (v: number): number => sigma[v]!;
  switch (m.type) {
    case '1a': return m;
    case '1b': return { ...m, acc: pi[m.acc]!, mval: m.mval === None ? None : val(m.mval) };
    case '2a': return { ...m, val: val(m.val) };
    case '2b': return { ...m, acc: pi[m.acc]!, val: val(m.val) };
  }
}

interface Symmetry {
  readonly pi: readonly number[];
  readonly sigma: readonly number[];
  /** Image bit of message i (bit msgBase + i). */
  readonly msgImage: Int32Array;
}

/** The canonicalization for a layout: the smallest encoding among all symmetric images. */
export function paxosCanonicalizer(L: PaxosLayout): (buf: Uint32Array, off: number) => void {
  const syms: Symmetry[] = [];
  for (const pi of quorumAutomorphisms(L.k)) {
    for (const sigma of permutations(L.V)) {
      const identity = pi.every((x, i) => x === i) && sigma.every((x, i) => x === i);
      if (identity) continue;
      const msgImage = new Int32Array(L.messages.length);
      L.messages.forEach((m, i) => {
        const bit = bitOf(L, imageOf(m, pi, sigma));
        if (bit < 0) throw new Error(`checker bug: the layout is not closed under symmetry`);
        msgImage[i] = bit;
      });
      syms.push({ pi, sigma, msgImage });
    }
  }
  const W = L.words;
  const image = new Uint32Array(W);
  const best = new Uint32Array(W);
  // The acceptor fields come first in the words, so an image whose fields already compare
  // above the best so far cannot win, and its messages need not be mapped at all.
  const head = L.msgBase >>> 5;
  return (buf, off) => {
    if (syms.length === 0) return;
    for (let i = 0; i < W; i++) best[i] = buf[off + i] as number;
    for (const sym of syms) {
      mapAcceptors(L, sym, buf, off, image);
      const order = compareWords(image, best, 0, head);
      if (order > 0) continue;
      mapMessages(L, sym, buf, off, image);
      if (order < 0 || compareWords(image, best, head, W) < 0) best.set(image);
    }
    for (let i = 0; i < W; i++) buf[off + i] = best[i] as number;
  };
}

/** Writes the acceptor fields of the image (words 0..head) and clears the rest. */
function mapAcceptors(L: PaxosLayout, sym: Symmetry, buf: Uint32Array, off: number,
  image: Uint32Array): void {
  image.fill(0);
  for (let a = 0; a < L.A; a++) {
    const v = getMaxVal(L, buf, off, a);
    putAcceptor(L, image, 0, sym.pi[a]!, getMaxBal(L, buf, off, a), getMaxVBal(L, buf, off, a),
      v < 0 ? -1 : sym.sigma[v]!);
  }
}

/** Sets the image bit of every message bit set in the state. */
function mapMessages(L: PaxosLayout, sym: Symmetry, buf: Uint32Array, off: number,
  image: Uint32Array): void {
  const first = L.msgBase >>> 5;
  for (let w = first; w < L.words; w++) {
    let word = buf[off + w] as number;
    while (word !== 0) {
      const low = word & -word;
      const bit = w * 32 + (31 - Math.clz32(low));
      setBit(image, 0, sym.msgImage[bit - L.msgBase]!);
      word = (word ^ low) >>> 0;
    }
  }
}

/** Compares words from..to of x and y as unsigned integers: -1, 0 or 1. */
function compareWords(x: Uint32Array, y: Uint32Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    if (x[i] !== y[i]) return (x[i] as number) < (y[i] as number) ? -1 : 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// The parts of a Paxos model that only read states through the spec.
// ---------------------------------------------------------------------------------------------

type SpecBacked = Pick<Model, 'words' | 'maxSuccessors' | 'initial' | 'canonicalize' |
  'stateProperties' | 'stepProperties' |
  'checkState' | 'checkStep' |
  'reachability' | 'reaches' | 'explainState' | 'explainStep' | 'describeAction' |
  'describeChange' | 'describeState'>;

/**
 * Naming, explaining and describing, done by the spec's own functions on decoded states: a
 * violation found by any model is reported by the spec, so its witness is in protocol terms.
 */
export function specBacked(k: Constants, L: PaxosLayout, props: PaxosProperties): SpecBacked {
  const at = (buf: Uint32Array, off: number): PaxosState => decode(L, buf, off);
  const failing = (v: Violation | null, name: string): Violation => {
    if (v === null) throw new Error(`checker bug: the model says ${name} fails, the spec not`);
    return v;
  };
  return {
    words: L.words,
    maxSuccessors: labelCount(L),
    initial(out) {
      encode(L, init(k), out, 0);
      return 1;
    },
    canonicalize: paxosCanonicalizer(L),
    stateProperties: props.state.map((p) => p.name),
    stepProperties: props.step.map((p) => p.name),
    checkState(src, off) {
      const s = at(src, off);
      return props.state.findIndex((p) => p.check(k, s) !== null);
    },
    checkStep(src, srcOff, _label, dst, dstOff) {
      if (props.step.length === 0) return -1;
      const s = at(src, srcOff);
      const t = at(dst, dstOff);
      return props.step.findIndex((p) => p.check(k, s, t) !== null);
    },
    reachability: props.reachability,
    reaches: (i, src, off) => props.reachability[i]!.holds(k, at(src, off)),
    explainState: (i, src, off) =>
      failing(props.state[i]!.check(k, at(src, off)), props.state[i]!.name),
    explainStep: (i, src, srcOff, _label, dst, dstOff) =>
      failing(props.step[i]!.check(k, at(src, srcOff), at(dst, dstOff)), props.step[i]!.name),
    describeAction: (label) => describeLabel(L, label),
    describeChange: (prev, prevOff, next, nextOff) =>
      describeChange(L, prev, prevOff, next, nextOff),
    describeState: (src, off) => decode(L, src, off),
  };
}

/** A spec violation's witness in protocol terms, named as the spec's reports name things. */
export function describeWitness(witness: unknown): string {
  const w = witness as Witness;
  const parts: string[] = [];
  if (w.ballot !== undefined) parts.push(`ballot ${w.ballot}`);
  if (w.value !== undefined) parts.push(`value ${defaultNames.value(w.value)}`);
  if (w.quorum !== undefined) {
    parts.push(`quorum {${w.quorum.map(defaultNames.acceptor).join(', ')}}`);
  }
  if (w.acceptor !== undefined) parts.push(`acceptor ${defaultNames.acceptor(w.acceptor)}`);
  if (w.messages !== undefined) {
    parts.push(`messages ${w.messages.map((m) => showMessage(m)).join(', ')}`);
  }
  return parts.join('; ');
}
