/**
 * The MultiPaxos-SMR model the engine explores, read off the spec itself: successors come from
 * spec/multipaxos/smr.ts's enumerate form (`enabledSteps`, with any actions table, so a mutant
 * plugs in without touching spec/, plus any extra actions a mutant adds), and every property is
 * the spec's own function on the decoded state (smr-properties.ts). States are stored packed
 * (multipaxos-codec.ts). Each enabled action instance is one TLC successor (smr.ts) times the
 * witnesses of the one existential TLC meets in a guard (tlcWeight), so "generated" is TLC's.
 *
 * This is the readable model; multipaxos-packed.ts steps on the flat vector directly and is
 * what `synod check multipaxos` runs unless a mutant is plugged in. Left out: nothing.
 */
import {
  type Action, type Actions, actions as specActions, describeAction, enabledSteps, init,
  type SmrConstants, type SmrState, type Step,
} from '../../../spec/multipaxos/smr.js';
import type {
  SmrReachability, SmrStateProperty, SmrStepProperty, SmrViolation,
} from '../../../spec/multipaxos/smr-properties.js';
import type { Model, Violation } from '../engine.js';
import {
  fromFlat, smrLayout, toFlat, pack, unpack, type SmrLayout,
} from './multipaxos-codec.js';
import { smrCanonicalizer } from './multipaxos-symmetry.js';
import { describeSmrChange, describeSmrState } from './multipaxos-show.js';

export interface SmrProperties {
  readonly state: readonly SmrStateProperty[];
  readonly step: readonly SmrStepProperty[];
  readonly reachability: readonly SmrReachability[];
}

/** A mutant's extra action: its steps from a state, each with a name for reports. */
export interface ExtraAction {
  readonly name: string;
  readonly steps: (k: SmrConstants, s: SmrState) =>
    { readonly what: string; readonly next: SmrState }[];
}

export interface SmrModelOptions {
  readonly impl?: Actions;
  readonly extra?: ExtraAction;
  readonly properties: SmrProperties;
}

/** Action labels: kind, replica and parameter in one number (see labelOf). */
const KINDS = ['BecomeLeader', 'HandlePrepare', 'HandlePrepareReplies', 'TakeNewRequest',
  'HandleAccept', 'HandleAcceptReplies', 'HandleCommitNotice', 'Finish', 'Terminating',
  'Extra'] as const;

/** How many parameter values a label leaves room for. */
export function labelParams(L: SmrLayout): number {
  return L.B * L.C * L.R * (L.C + 1) + L.B * L.R + L.C + 1;
}

export function labelOf(L: SmrLayout, a: Action): number {
  const P = labelParams(L);
  const kind = KINDS.indexOf(a.name);
  const r = a.name === 'Terminating' ? 0 : a.r;
  let p = 0;
  if (a.name === 'BecomeLeader') p = a.b;
  if (a.name === 'HandlePrepare') p = (a.m.bal - 1) * L.R + a.m.src;
  if (a.name === 'HandleAccept') {
    p = (((a.m.bal - 1) * L.C + a.m.slot - 1) * L.R + a.m.src) * (L.C + 1) +
      (a.m.cmd === null ? 0 : a.m.cmd + 1);
  }
  if (a.name === 'HandleCommitNotice') p = a.m.upto;
  return (kind * L.R + r) * P + p;
}

export function actionOfLabel(L: SmrLayout, label: number): Action | null {
  const P = labelParams(L);
  const p = label % P;
  const r = Math.floor(label / P) % L.R;
  const name = KINDS[Math.floor(label / (P * L.R))]!;
  switch (name) {
    case 'BecomeLeader': return { name, r, b: p };
    case 'HandlePrepare':
      return { name, r, m: { type: 'Prepare', src: p % L.R, bal: Math.floor(p / L.R) + 1 } };
    case 'HandleAccept': {
      const cmd = p % (L.C + 1);
      const src = Math.floor(p / (L.C + 1)) % L.R;
      const bs = Math.floor(p / ((L.C + 1) * L.R));
      return { name, r, m: { type: 'Accept', src, bal: Math.floor(bs / L.C) + 1,
        slot: (bs % L.C) + 1, cmd: cmd === 0 ? null : cmd - 1 } };
    }
    case 'HandleCommitNotice': return { name, r, m: { type: 'CommitNotice', upto: p } };
    case 'Terminating': return { name };
    case 'Extra': return null;
    default: return { name, r };
  }
}

/** The successor bound: every instance of every action, for every replica. */
export function maxSmrSuccessors(L: SmrLayout): number {
  return L.R * (L.B + L.B * L.R + 2 + L.B * L.C * L.R * (L.C + 1) + 1 + L.C + 1) + 1 + 64;
}

/**
 * How many successors TLC generates for one enabled step. TLC evaluates an action's conjuncts
 * left to right and, at a \E not under a negation (even one without primes), goes on once per
 * witness. Next's own \E (ballots, messages) are one step each here; the only other one is
 * TakeNewRequest's guard `\E s \in Slots: node[self].insts[s].status = "Empty"`, which has a
 * witness per Empty slot of the leader's log. (The 1-write model has one slot, so this shows
 * only in the 1-write-1-read counts: 4,415,485 generated, not 4,414,927.)
 */
export function tlcWeight(s: SmrState, a: Action): number {
  if (a.name !== 'TakeNewRequest') return 1;
  return s.node[a.r]!.insts.filter((i) => i.status === 'Empty').length;
}

export function toViolation(v: SmrViolation): Violation {
  return { property: v.property, summary: v.summary, witness: v.witness };
}

export function readableSmrModel(k: SmrConstants, o: SmrModelOptions): Model {
  const L = smrLayout(k);
  const W = L.words;
  const impl = o.impl ?? specActions;
  const props = o.properties;
  const flat = new Int32Array(L.fields);
  const lastWords = new Uint32Array(W);
  let last: SmrState | null = null;
  const at = (buf: Uint32Array, off: number): SmrState => {
    let same = last !== null;
    for (let i = 0; i < W && same; i++) same = lastWords[i] === buf[off + i];
    if (!same) {
      unpack(L, buf, off, flat);
      last = fromFlat(L, flat);
      lastWords.set(buf.subarray(off, off + W));
    }
    return last!;
  };
  const put = (s: SmrState, out: Uint32Array, off: number): void => {
    toFlat(L, s, flat);
    pack(L, flat, out, off);
  };
  const extraWhat: string[] = [];
  const failing = (v: SmrViolation | null, name: string): Violation => {
    if (v === null) throw new Error(`checker bug: ${name} fails and then holds`);
    return toViolation(v);
  };
  const Extra = KINDS.indexOf('Extra') * L.R * labelParams(L);
  return {
    name: `MultiPaxos-SMR (${k.replicas} replicas, ${k.writes} writes, ${k.reads} reads, ` +
      `MaxBallot ${k.maxBallot})`,
    words: W,
    maxSuccessors: maxSmrSuccessors(L),
    initial(out) {
      put(init(k), out, 0);
      return 1;
    },
    successors(src, off, out, labels, weights) {
      const s = at(src, off);
      const steps: Step[] = enabledSteps(k, s, impl);
      steps.forEach((step, j) => {
        put(step.next, out, j * W);
        labels[j] = labelOf(L, step.action);
        weights[j] = tlcWeight(s, step.action);
      });
      let n = steps.length;
      for (const x of o.extra?.steps(k, s) ?? []) {
        let i = extraWhat.indexOf(x.what);
        if (i < 0) i = extraWhat.push(x.what) - 1;
        put(x.next, out, n * W);
        labels[n] = Extra + i;
        weights[n] = 1;
        n++;
      }
      return n;
    },
    canonicalize: smrCanonicalizer(L),
    stateProperties: props.state.map((p) => p.name),
    checkState: (src, off) => {
      const s = at(src, off);
      return props.state.findIndex((p) => p.check(k, s) !== null);
    },
    stepProperties: props.step.map((p) => p.name),
    checkStep: (src, srcOff, _label, dst, dstOff) => {
      if (props.step.length === 0) return -1;
      const s = decodeAt(L, src, srcOff);
      const t = decodeAt(L, dst, dstOff);
      return props.step.findIndex((p) => p.check(k, s, t) !== null);
    },
    reachability: props.reachability,
    reaches: (i, src, off) => props.reachability[i]!.holds(k, at(src, off)),
    explainState: (i, src, off) =>
      failing(props.state[i]!.check(k, at(src, off)), props.state[i]!.name),
    explainStep: (i, src, srcOff, _label, dst, dstOff) => failing(
      props.step[i]!.check(k, decodeAt(L, src, srcOff), decodeAt(L, dst, dstOff)),
      props.step[i]!.name),
    describeAction: (label) => {
      if (label >= Extra) return extraWhat[label - Extra] ?? o.extra?.name ?? 'Extra';
      return describeAction(k, actionOfLabel(L, label)!);
    },
    describeChange: (prev, prevOff, next, nextOff) =>
      describeSmrChange(k, decodeAt(L, prev, prevOff), decodeAt(L, next, nextOff)),
    describeState: (src, off) => describeSmrState(k, decodeAt(L, src, off)),
  };
}

/** The spec state stored at buf[off..]. */
export function decodeAt(L: SmrLayout, buf: Uint32Array, off: number): SmrState {
  const f = new Int32Array(L.fields);
  unpack(L, buf, off, f);
  return fromFlat(L, f);
}
