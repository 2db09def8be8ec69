/**
 * A fixed-width binary encoding of Paxos states (spec/paxos.ts) for the model checker, and the
 * numbering of Paxos steps as small integer labels.
 *
 * Under bounded constants (acceptors 0..A-1, values 0..V-1, ballots 0..maxBallot) the set of
 * messages that can ever be sent is finite, so `msgs` is a bitset over that message universe,
 * one bit per message. Each acceptor's maxBal, maxVBal (stored +1, so -1 is 0) and maxVal
 * (stored +1, so None is 0) sit in small fields in the first words. The encoding is injective:
 * two states are equal exactly when their words are, which is what makes the checker's counts
 * exact. Message bits are assigned in the order of `compareMessages`, so decoding by scanning
 * the bits upward yields msgs already sorted, as the spec keeps it.
 *
 * Two layouts of the 1b messages:
 *  - 'full': every 1b message TypeOK allows (mbal in -1..maxBallot, mval in Value or None), so
 *    a broken spec variant (a mutant) that sends odd 1b messages can still be encoded;
 *  - 'reachable': only 1b messages with mbal < bal and (mbal = -1 iff mval = None), the only
 *    ones the correct spec can send (Phase1b reports a vote cast in a ballot below the one it
 *    joins). It needs fewer words, so it is the fast model's layout.
 * A state that the layout cannot hold is refused with a RangeError naming the field.
 */
import { compareMessages, None, type Action, type Constants, type Message, type PaxosState }
  from '../../../spec/paxos.js';

export type OneBLayout = 'full' | 'reachable';

export interface PaxosLayout {
  readonly k: Constants;
  readonly A: number;
  readonly V: number;
  /** Number of ballots: maxBallot + 1. */
  readonly B: number;
  readonly oneB: OneBLayout;
  readonly words: number;
  /** Bits per ballot field (maxBal, maxVBal) and per value field (maxVal). */
  readonly balBits: number;
  readonly valBits: number;
  /** Word and bit offsets of acceptor a's fields. */
  readonly fieldWord: readonly number[];
  readonly maxBalShift: readonly number[];
  readonly maxVBalShift: readonly number[];
  readonly maxValShift: readonly number[];
  /** The message universe, sorted by compareMessages; message i has bit msgBase + i. */
  readonly messages: readonly Message[];
  readonly msgBase: number;
  /** Bit of 1a(b), 2a(b, v) at b*V+v, 2b(a, b, v) at (a*B+b)*V+v. */
  readonly bit1a: Int32Array;
  readonly bit2a: Int32Array;
  readonly bit2b: Int32Array;
  /** Bit of 1b(a, b, mbal, mval) at index1b(...), or -1 when the layout leaves it out. */
  readonly bit1b: Int32Array;
}

/** Words a layout may use; beyond this the model is too large to be a sensible bounded check. */
export const WORDS_MAX = 32;

function bitsFor(n: number): number {
  let bits = 0;
  while (1 << bits < n) bits++;
  return Math.max(bits, 1);
}

export function index1b(L: PaxosLayout, a: number, b: number, mbal: number,
  mval: number | None): number {
  return ((a * L.B + b) * (L.B + 1) + (mbal + 1)) * (L.V + 1) + (mval === None ? 0 : mval + 1);
}

function universe(k: Constants, oneB: OneBLayout): Message[] {
  const B = k.maxBallot + 1;
  const msgs: Message[] = [];
  for (let b = 0; b < B; b++) {
    msgs.push({ type: '1a', bal: b });
    for (let v = 0; v < k.values; v++) msgs.push({ type: '2a', bal: b, val: v });
    for (let a = 0; a < k.acceptors; a++) {
      for (let v = 0; v < k.values; v++) msgs.push({ type: '2b', acc: a, bal: b, val: v });
      for (let mbal = -1; mbal < B; mbal++) {
        for (let mval = -1; mval < k.values; mval++) {
          const reachable = mbal < b && (mbal === -1) === (mval === -1);
          if (oneB === 'full' || reachable) {
            msgs.push({ type: '1b', acc: a, bal: b, mbal, mval: mval === -1 ? None : mval });
          }
        }
      }
    }
  }
  return msgs.sort(compareMessages);
}

/** The layout for constants k; throws a RangeError when it would exceed WORDS_MAX words. */
export function paxosLayout(k: Constants, oneB: OneBLayout): PaxosLayout {
  if (!Number.isInteger(k.maxBallot) || k.maxBallot < 0) {
    throw new RangeError(`a bounded model needs maxBallot >= 0, got ${k.maxBallot}`);
  }
  const A = k.acceptors;
  const V = k.values;
  const B = k.maxBallot + 1;
  const balBits = bitsFor(B + 1);
  const valBits = bitsFor(V + 1);
  const fieldBits = 2 * balBits + valBits;
  const perWord = Math.floor(32 / fieldBits);
  const fieldWord: number[] = [];
  const maxBalShift: number[] = [];
  const maxVBalShift: number[] = [];
  const maxValShift: number[] = [];
  for (let a = 0; a < A; a++) {
    fieldWord.push(Math.floor(a / perWord));
    const base = (a % perWord) * fieldBits;
    maxBalShift.push(base);
    maxVBalShift.push(base + balBits);
    maxValShift.push(base + 2 * balBits);
  }
  const msgBase = 32 * Math.ceil(A / perWord);
  const messages = universe(k, oneB);
  const words = Math.ceil((msgBase + messages.length) / 32);
  if (words > WORDS_MAX) {
    throw new RangeError(`the model needs ${words} words per state (more than ${WORDS_MAX}): ` +
      `${messages.length} possible messages; choose smaller bounds`);
  }
  const L: PaxosLayout = {
    k, A, V, B, oneB, words, balBits, valBits, fieldWord, maxBalShift, maxVBalShift, maxValShift,
    messages, msgBase,
    bit1a: new Int32Array(B).fill(-1),
    bit2a: new Int32Array(B * V).fill(-1),
    bit2b: new Int32Array(A * B * V).fill(-1),
    bit1b: new Int32Array(A * B * (B + 1) * (V + 1)).fill(-1),
  };
  messages.forEach((m, i) => {
    const bit = msgBase + i;
    switch (m.type) {
      case '1a': L.bit1a[m.bal] = bit; break;
      case '2a': L.bit2a[m.bal * V + m.val] = bit; break;
      case '2b': L.bit2b[(m.acc * B + m.bal) * V + m.val] = bit; break;
      case '1b': L.bit1b[index1b(L, m.acc, m.bal, m.mbal, m.mval)] = bit; break;
    }
  });
  return L;
}

/** The bit of message m in the layout, or -1 when the layout has no such message. */
export function bitOf(L: PaxosLayout, m: Message): number {
  const inBallots = Number.isInteger(m.bal) && m.bal >= 0 && m.bal < L.B;
  const isAcc = (a: number): boolean => Number.isInteger(a) && a >= 0 && a < L.A;
  const isVal = (v: number): boolean => Number.isInteger(v) && v >= 0 && v < L.V;
  if (!inBallots) return -1;
  switch (m.type) {
    case '1a': return L.bit1a[m.bal] as number;
    case '2a': return isVal(m.val) ? L.bit2a[m.bal * L.V + m.val] as number : -1;
    case '2b':
      if (!(isAcc(m.acc) && isVal(m.val))) return -1;
      return L.bit2b[(m.acc * L.B + m.bal) * L.V + m.val] as number;
    case '1b': {
      const okMbal = Number.isInteger(m.mbal) && m.mbal >= -1 && m.mbal < L.B;
      const okMval = m.mval === None || isVal(m.mval);
      if (!(isAcc(m.acc) && okMbal && okMval)) return -1;
      return L.bit1b[index1b(L, m.acc, m.bal, m.mbal, m.mval)] as number;
    }
  }
}

export function testBit(buf: Uint32Array, off: number, bit: number): boolean {
  return (((buf[off + (bit >>> 5)] as number) >>> (bit & 31)) & 1) === 1;
}

export function setBit(buf: Uint32Array, off: number, bit: number): void {
  buf[off + (bit >>> 5)] = ((buf[off + (bit >>> 5)] as number) | (1 << (bit & 31))) >>> 0;
}

function field(buf: Uint32Array, off: number, word: number, shift: number, bits: number): number {
  return ((buf[off + word] as number) >>> shift) & ((1 << bits) - 1);
}

function putField(buf: Uint32Array, off: number, word: number, shift: number, bits: number,
  value: number): void {
  const mask = ((1 << bits) - 1) << shift;
  buf[off + word] = (((buf[off + word] as number) & ~mask) | (value << shift)) >>> 0;
}

export function getMaxBal(L: PaxosLayout, buf: Uint32Array, off: number, a: number): number {
  return field(buf, off, L.fieldWord[a]!, L.maxBalShift[a]!, L.balBits) - 1;
}
export function getMaxVBal(L: PaxosLayout, buf: Uint32Array, off: number, a: number): number {
  return field(buf, off, L.fieldWord[a]!, L.maxVBalShift[a]!, L.balBits) - 1;
}
/** maxVal[a], with None as -1. */
export function getMaxVal(L: PaxosLayout, buf: Uint32Array, off: number, a: number): number {
  return field(buf, off, L.fieldWord[a]!, L.maxValShift[a]!, L.valBits) - 1;
}
export function putAcceptor(L: PaxosLayout, buf: Uint32Array, off: number, a: number,
  maxBal: number, maxVBal: number, maxVal: number): void {
  putField(buf, off, L.fieldWord[a]!, L.maxBalShift[a]!, L.balBits, maxBal + 1);
  putField(buf, off, L.fieldWord[a]!, L.maxVBalShift[a]!, L.balBits, maxVBal + 1);
  putField(buf, off, L.fieldWord[a]!, L.maxValShift[a]!, L.valBits, maxVal + 1);
}

/** Writes the encoding of s at buf[off..]; throws a RangeError for a state the layout lacks. */
export function encode(L: PaxosLayout, s: PaxosState, buf: Uint32Array, off: number): void {
  buf.fill(0, off, off + L.words);
  const ballotOk = (b: number): boolean => Number.isInteger(b) && b >= -1 && b < L.B;
  for (let a = 0; a < L.A; a++) {
    const maxBal = s.maxBal[a] as number;
    const maxVBal = s.maxVBal[a] as number;
    const maxVal = s.maxVal[a] ?? -1;
    if (!ballotOk(maxBal)) throw new RangeError(`maxBal[${a}] = ${maxBal} is outside the model`);
    if (!ballotOk(maxVBal)) throw new RangeError(`maxVBal[${a}] = ${maxVBal} is outside the model`);
    if (!(Number.isInteger(maxVal) && maxVal >= -1 && maxVal < L.V)) {
      throw new RangeError(`maxVal[${a}] = ${maxVal} is outside the model`);
    }
    putAcceptor(L, buf, off, a, maxBal, maxVBal, maxVal);
  }
  for (const m of s.msgs) {
    const bit = bitOf(L, m);
    if (bit < 0) {
      throw new RangeError(`message ${JSON.stringify(m)} is outside the ${L.oneB} layout`);
    }
    setBit(buf, off, bit);
  }
}

export function decode(L: PaxosLayout, buf: Uint32Array, off: number): PaxosState {
  const maxBal: number[] = [];
  const maxVBal: number[] = [];
  const maxVal: (number | None)[] = [];
  for (let a = 0; a < L.A; a++) {
    maxBal.push(getMaxBal(L, buf, off, a));
    maxVBal.push(getMaxVBal(L, buf, off, a));
    const v = getMaxVal(L, buf, off, a);
    maxVal.push(v < 0 ? None : v);
  }
  const msgs: Message[] = [];
  for (let i = 0; i < L.messages.length; i++) {
    if (testBit(buf, off, L.msgBase + i)) msgs.push(L.messages[i]!);
  }
  return { maxBal, maxVBal, maxVal, msgs };
}

// ---------------------------------------------------------------------------------------------
// Step labels: Phase1a(b) | Phase2a(b, v) | Phase1b(a, 1a b) | Phase2b(a, 2a (b, v)).
// ---------------------------------------------------------------------------------------------

export function labelCount(L: PaxosLayout): number {
  return L.B + L.B * L.V + L.A * L.B + L.A * L.B * L.V;
}

export function label1a(_L: PaxosLayout, b: number): number { return b; }
export function label2a(L: PaxosLayout, b: number, v: number): number { return L.B + b * L.V + v; }
export function label1b(L: PaxosLayout, a: number, b: number): number {
  return L.B + L.B * L.V + a * L.B + b;
}
export function label2b(L: PaxosLayout, a: number, b: number, v: number): number {
  return L.B + L.B * L.V + L.A * L.B + (a * L.B + b) * L.V + v;
}

export function labelOfAction(L: PaxosLayout, act: Action): number {
  switch (act.name) {
    case 'Phase1a': return label1a(L, act.b);
    case 'Phase2a': return label2a(L, act.b, act.v);
    case 'Phase1b': return label1b(L, act.a, act.m.bal);
    case 'Phase2b': return label2b(L, act.a, act.m.bal, act.m.val);
  }
}

export function actionOfLabel(L: PaxosLayout, label: number): Action {
  let x = label;
  if (x < L.B) return { name: 'Phase1a', b: x };
  x -= L.B;
  if (x < L.B * L.V) return { name: 'Phase2a', b: Math.floor(x / L.V), v: x % L.V };
  x -= L.B * L.V;
  if (x < L.A * L.B) {
    return { name: 'Phase1b', a: Math.floor(x / L.B), m: { type: '1a', bal: x % L.B } };
  }
  x -= L.A * L.B;
  const v = x % L.V;
  const ab = Math.floor(x / L.V);
  return { name: 'Phase2b', a: Math.floor(ab / L.B), m: { type: '2a', bal: ab % L.B, val: v } };
}
