/**
 * The engine's model of the per-slot reconfiguration spec (spec/multipaxos/reconfig.ts): the
 * spec's own actions in their test form, tried for every parameter the constants allow, and the
 * spec's own properties on the decoded state.
 *
 * A state is packed into 32-bit words as small unsigned fields (value + 1, so -1 is 0): maxBal
 * per server, then votes[a][s][b], then proposed[s][b]; a field never straddles two words.
 * Left out: symmetry (the initial configuration and the configuration values name servers, so
 * renaming is not a symmetry in general) and TLC parity (there is no TLA+ original to count
 * against; the bounds are in the tests that pin the counts).
 */
import * as Spec from '../../../spec/multipaxos/reconfig.js';
import {
  slotsReconfigProperties, slotsReconfigReachability, type SlotsReconfigProperty,
  type SlotsReconfigReach,
} from '../../../spec/multipaxos/reconfig-properties.js';
import type { Model, Violation } from '../engine.js';

const bitsFor = (max: number): number => Math.max(1, 32 - Math.clz32(max));

interface Layout {
  readonly words: number;
  /** Per field: word index and bit offset, in the order fieldsOf lists them. */
  readonly at: readonly (readonly [number, number, number])[];
}

function layout(k: Spec.Constants): Layout {
  const ballotBits = bitsFor(k.maxBallot + 1);
  const valueBits = bitsFor(k.dataValues + k.configs.length);
  const widths = [
    ...Array.from({ length: k.servers }, () => ballotBits),
    ...Array.from({ length: (k.servers + 1) * k.slots * (k.maxBallot + 1) }, () => valueBits),
  ];
  const at: [number, number, number][] = [];
  let word = 0;
  let bit = 0;
  for (const w of widths) {
    if (bit + w > 32) { word++; bit = 0; }
    at.push([word, bit, w]);
    bit += w;
  }
  return { words: word + 1, at };
}

function fieldsOf(st: Spec.State): number[] {
  return [
    ...st.maxBal,
    ...st.votes.flatMap((byServer) => byServer.flat()),
    ...st.proposed.flat(),
  ].map((x) => x + 1);
}

function encode(L: Layout, st: Spec.State, out: Uint32Array, off: number): void {
  out.fill(0, off, off + L.words);
  fieldsOf(st).forEach((x, i) => {
    const [w, b] = L.at[i]!;
    out[off + w] = (out[off + w]! | (x << b)) >>> 0;
  });
}

function decode(k: Spec.Constants, L: Layout, buf: Uint32Array, off: number): Spec.State {
  let i = 0;
  const next = (): number => {
    const [w, b, width] = L.at[i++]!;
    return ((buf[off + w]! >>> b) & ((1 << width) - 1)) - 1;
  };
  const row = (): number[] => Array.from({ length: k.maxBallot + 1 }, next);
  const maxBal = Array.from({ length: k.servers }, next);
  const votes = Array.from({ length: k.servers }, () => Array.from({ length: k.slots }, row));
  const proposed = Array.from({ length: k.slots }, row);
  return { maxBal, votes, proposed };
}

export interface SlotsReconfigOptions {
  readonly impl?: Spec.Actions;
  readonly properties?: readonly SlotsReconfigProperty[];
  readonly reachability?: readonly SlotsReconfigReach[];
}

function describeChange(k: Spec.Constants, x: Spec.State, y: Spec.State): string {
  const parts: string[] = [];
  x.maxBal.forEach((b, a) => {
    if (b !== y.maxBal[a]) parts.push(`maxBal[${Spec.serverName(a)}] ${b} -> ${y.maxBal[a]}`);
  });
  for (let s = 0; s < k.slots; s++) {
    for (let b = 0; b <= k.maxBallot; b++) {
      const v = y.proposed[s]![b]!;
      if (x.proposed[s]![b] !== v) parts.push(`2a(${b}, slot ${s}, ${Spec.showValue(k, v)})`);
      x.votes.forEach((byServer, a) => {
        const w = y.votes[a]![s]![b]!;
        if (byServer[s]![b] !== w) {
          parts.push(`${Spec.serverName(a)} votes ${Spec.showValue(k, w)} (${b}, slot ${s})`);
        }
      });
    }
  }
  const [cx, cy] = [Spec.configs(k, x), Spec.configs(k, y)];
  cy.forEach((c, s) => {
    if (c !== cx[s] && c !== null) parts.push(`ConfigAt(${s}) = ${Spec.showSet(c)}`);
  });
  return parts.length === 0 ? 'no change' : parts.join('; ');
}

/** The model of the spec (or of a variant, `impl`) under constants k. */
export function slotsReconfigModel(k: Spec.Constants, o: SlotsReconfigOptions = {}): Model {
  const impl = o.impl ?? Spec.actions;
  const props = o.properties ?? slotsReconfigProperties;
  const reach = o.reachability ?? slotsReconfigReachability;
  const L = layout(k);
  const acts = Spec.allActions(k);
  let lastWords = new Uint32Array(L.words);
  let last: Spec.State | null = null;
  const at = (buf: Uint32Array, off: number): Spec.State => {
    let same = last !== null;
    for (let i = 0; i < L.words && same; i++) same = lastWords[i] === buf[off + i];
    if (!same) {
      last = decode(k, L, buf, off);
      lastWords = buf.slice(off, off + L.words);
    }
    return last!;
  };
  const failing = (v: Violation | null, name: string): Violation => {
    if (v === null) throw new Error(`checker bug: ${name} fails and then holds`);
    return v;
  };
  return {
    name: 'SlotsReconfig',
    words: L.words,
    maxSuccessors: acts.length,
    initial(out) {
      encode(L, Spec.initialState(k), out, 0);
      return 1;
    },
    successors(src, off, out, labels, weights) {
      const st = at(src, off);
      let n = 0;
      acts.forEach((act, label) => {
        const r = Spec.testStep(k, st, act, impl);
        if (!r.ok) return;
        encode(L, r.next, out, n * L.words);
        labels[n] = label;
        weights[n] = 1;
        n++;
      });
      return n;
    },
    stateProperties: props.map((p) => p.name),
    checkState: (src, off) => {
      const st = at(src, off);
      return props.findIndex((p) => p.check(k, st) !== null);
    },
    stepProperties: [],
    checkStep: () => -1,
    reachability: reach,
    reaches: (i, src, off) => reach[i]!.holds(k, at(src, off)),
    explainState: (i, src, off) => failing(props[i]!.check(k, at(src, off)), props[i]!.name),
    explainStep: () => { throw new Error('checker bug: this model has no step property'); },
    describeAction: (label) => Spec.showAction(k, acts[label]!),
    describeChange: (p, po, q, qo) => describeChange(k, at(p, po), decode(k, L, q, qo)),
    describeState: (src, off) => at(src, off),
  };
}
