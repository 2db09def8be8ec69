/**
 * The fast MultiPaxos-SMR model: Next computed on the flat vector (multipaxos-next.ts), states
 * stored packed (multipaxos-codec.ts). It must be the same model as the readable one that runs
 * spec/multipaxos/smr.ts itself; test/checker/multipaxos-packed.test.ts proves it on small
 * models (same reachable states, same successor lists, same verdicts).
 *
 * Properties: TypeOK, LogAgreement and StateMachineSafety are evaluated on the flat vector;
 * the per-slot properties (Inv1..Inv4, VotesSafe, OneValuePerBallot, Consistency, R2, R2', I1
 * and the step property R1) by the spec's single-decree functions on one slot's Paxos instance,
 * remembered per distinct instance (a slot's instance is determined by a few dozen fields, and
 * far fewer instances than states exist); everything else (Linearizability, Refinement, the
 * "sometimes" targets) by the spec's own function on the decoded state. A violation is always
 * explained by the spec's function, so the witness is in protocol terms.
 *
 * Left out: mutants (they need the spec's actions table, i.e. the readable model).
 */
import {
  reachability as paxosReachability, stateProperties as paxosStateProperties,
} from '../../../spec/properties.js';
import type { SmrConstants, SmrState } from '../../../spec/multipaxos/smr.js';
import { holdsInSlot, r1HoldsInSlot, reachedInSlot }
  from '../../../spec/multipaxos/smr-properties.js';
import type { Model, Violation } from '../engine.js';
import {
  fromFlat, I_CMD, I_STATUS, I_VBAL, I_VCMD, N_COMMIT, N_INSTS, N_KVALUE, COMMITTED, pack,
  smrLayout, unpack, type SmrLayout,
} from './multipaxos-codec.js';
import { smrCanonicalizer, smrFlatCanonicalizer } from './multipaxos-symmetry.js';
import { smrNext } from './multipaxos-next.js';
import { maxSmrSuccessors, readableSmrModel, type SmrProperties }
  from './multipaxos.js';

const SLOT_TARGETS = new Set(paxosReachability.map((r) => r.name));
const SLOT_PROPERTIES = new Set(paxosStateProperties.map((p) => p.name as string)
  .filter((n) => n !== 'TypeOK'));

/** A fast check on the flat vector: true when the property holds. */
type FlatCheck = (f: Int32Array) => boolean;

function typeOK(L: SmrLayout): FlatCheck {
  const { C, R, B } = L;
  return (f) => {
    for (let i = 0; i < B * C; i++) {
      const acc = f[L.accept + i]!;
      for (let r = 0; r < R; r++) if (((acc >>> (r * (C + 1))) & 1) === 1) return false;
    }
    for (let i = 0; i < R * B; i++) {
      const o = L.prepReply + i * (1 + C);
      for (let j = 1; j <= C; j++) {
        const x = f[o + j]!;
        if (x !== 0 && (x - 1) % (C + 1) === 0) return false;
      }
    }
    for (let r = 0; r < R; r++) if (f[r * L.nodeLen + N_COMMIT]! > C) return false;
    const len = f[L.pending]!;
    let seen = 0;
    for (let i = 1; i <= len; i++) {
      const bit = 1 << (f[L.pending + i]! - 1);
      if ((seen & bit) !== 0) return false;
      seen |= bit;
    }
    const n = f[L.observed]!;
    if (len > C || n > 2 * C) return false;
    let reqs = 0;
    let acks = 0;
    for (let i = 1; i <= n; i++) {
      const x = f[L.observed + i]!;
      if (x <= C) reqs++;
      else acks |= 1 << Math.floor((x - 1 - C) / (L.W + 1));
    }
    let ackCount = 0;
    for (let a = acks; a !== 0; a &= a - 1) ackCount++;
    return reqs >= ackCount;
  };
}

function logAgreement(L: SmrLayout): FlatCheck {
  return (f) => {
    for (let j = 0; j < L.C; j++) {
      let cmd = -1;
      for (let r = 0; r < L.R; r++) {
        const p = r * L.nodeLen + N_INSTS + 4 * j;
        if (f[p + I_STATUS] !== COMMITTED) continue;
        if (cmd >= 0 && f[p + I_CMD] !== cmd) return false;
        cmd = f[p + I_CMD]!;
      }
    }
    return true;
  };
}

function stateMachineSafety(L: SmrLayout): FlatCheck {
  return (f) => {
    for (let r = 0; r < L.R; r++) {
      const n = r * L.nodeLen;
      const upto = f[n + N_COMMIT]!;
      let value = 0;
      for (let j = 0; j < upto; j++) {
        const c = f[n + N_INSTS + 4 * j + I_CMD]!;
        if (c >= 1 && c <= L.W) value = c;
        for (let q = 0; q < r; q++) {
          const m = q * L.nodeLen;
          if (j < f[m + N_COMMIT]! && f[m + N_INSTS + 4 * j + I_CMD] !== c) return false;
        }
      }
      if (value !== f[n + N_KVALUE]) return false;
    }
    return true;
  };
}

/** The fields slot j's Paxos instance is a function of, as a string key. */
function slotKey(L: SmrLayout, f: Int32Array, j: number): string {
  const { R, B, C } = L;
  let key = '';
  for (let r = 0; r < R; r++) {
    const p = r * L.nodeLen + N_INSTS + 4 * j;
    key += `${f[p + I_VBAL]}.${f[p + I_VCMD]},`;
  }
  for (let b = 0; b < B; b++) {
    key += `${f[L.prepare + b] === 0 ? 0 : 1}|${f[L.accept + b * C + j]}|` +
      `${f[L.acceptReply + b * C + j]},`;
  }
  for (let i = 0; i < R * B; i++) {
    const o = L.prepReply + i * (1 + C);
    key += f[o] === 0 ? '-' : `${f[o + 1 + j]}/`;
  }
  return key;
}

export function packedSmrModel(k: SmrConstants, o: { readonly properties: SmrProperties }): Model {
  const L = smrLayout(k);
  const W = L.words;
  const props = o.properties;
  const spec = readableSmrModel(k, o);
  const next = smrNext(L);
  const f = new Int32Array(L.fields);
  const ft = new Int32Array(L.fields);
  const decoded = (buf: Int32Array): SmrState => fromFlat(L, buf);
  // Slot instances: which per-slot state properties fail (a bit per property), and R1 pairs.
  const slotNames = props.state.map((p) => p.name).filter((n) => SLOT_PROPERTIES.has(n));
  const slotMemo = new Map<string, number>();
  const r1Memo = new Map<string, boolean>();
  const failingInSlots = (buf: Int32Array): number => {
    let mask = 0;
    let s: SmrState | null = null;
    for (let j = 0; j < L.C; j++) {
      const key = slotKey(L, buf, j);
      let m = slotMemo.get(key);
      if (m === undefined) {
        s ??= decoded(buf);
        const st = s;
        m = slotNames.reduce((acc, name, i) =>
          (holdsInSlot(k, st, j + 1, name) ? acc : acc | (1 << i)), 0);
        slotMemo.set(key, m);
      }
      mask |= m;
    }
    return mask;
  };
  // Per-slot "sometimes" targets the same way: a bit per target that holds in the instance.
  const targetNames = props.reachability.map((r) => r.name).filter((n) => SLOT_TARGETS.has(n));
  const targetMemo = new Map<string, number>();
  const reachedInSlots = (buf: Int32Array): number => {
    let mask = 0;
    let s: SmrState | null = null;
    for (let j = 0; j < L.C; j++) {
      const key = slotKey(L, buf, j);
      let m = targetMemo.get(key);
      if (m === undefined) {
        s ??= decoded(buf);
        const st = s;
        m = targetNames.reduce((acc, name, i) =>
          (reachedInSlot(k, st, j + 1, name) ? acc | (1 << i) : acc), 0);
        targetMemo.set(key, m);
      }
      mask |= m;
    }
    return mask;
  };
  const fastTargets: Record<string, FlatCheck> = {
    CommandCommitted: (x) => {
      for (let r = 0; r < L.R; r++) if (x[r * L.nodeLen + N_COMMIT]! >= 1) return true;
      return false;
    },
    FollowerApplied: (x) => {
      let n = 0;
      for (let r = 0; r < L.R; r++) if (x[r * L.nodeLen + N_COMMIT]! >= 1) n++;
      return n >= 2;
    },
    HistoryComplete: (x) => next.terminated(x),
  };
  const targets = props.reachability.map((t): FlatCheck => {
    const i = targetNames.indexOf(t.name);
    if (i >= 0) return (x) => ((reachedInSlots(x) >>> i) & 1) === 1;
    return fastTargets[t.name] ?? ((x) => t.holds(k, decoded(x)));
  });
  const histories = new Map<string, boolean>();
  const fast: Record<string, FlatCheck> = {
    TypeOK: typeOK(L), LogAgreement: logAgreement(L), StateMachineSafety: stateMachineSafety(L),
    // Judged on the clients' history alone, once terminated: remembered per history.
    Linearizability: (x) => {
      if (!next.terminated(x)) return true;
      const key = x.subarray(L.observed, L.observed + 1 + L.obsCap).join();
      let ok = histories.get(key);
      if (ok === undefined) {
        ok = props.state.find((p) => p.name === 'Linearizability')!.check(k, decoded(x)) === null;
        histories.set(key, ok);
      }
      return ok;
    },
  };
  const stateChecks = props.state.map((p): FlatCheck => {
    const slot = slotNames.indexOf(p.name);
    if (slot >= 0) return (x) => ((failingInSlots(x) >>> slot) & 1) === 0;
    return fast[p.name] ?? ((x) => p.check(k, decoded(x)) === null);
  });
  // The engine checks every step from one source in a row: decode the source once.
  const lastSource = new Int32Array(L.fields).fill(-1);
  let source: SmrState | null = null;
  const decodedSource = (x: Int32Array): SmrState => {
    let same = source !== null;
    for (let i = 0; i < L.fields && same; i++) same = lastSource[i] === x[i];
    if (!same) {
      source = decoded(x);
      lastSource.set(x);
    }
    return source!;
  };
  const r1 = (x: Int32Array, y: Int32Array): boolean => {
    for (let j = 0; j < L.C; j++) {
      const a = slotKey(L, x, j);
      const b = slotKey(L, y, j);
      if (a === b) continue;
      const key = `${a}>${b}`;
      let ok = r1Memo.get(key);
      if (ok === undefined) {
        ok = r1HoldsInSlot(k, decodedSource(x), decoded(y), j + 1);
        r1Memo.set(key, ok);
      }
      if (!ok) return false;
    }
    return true;
  };
  const stepChecks = props.step.map((p) => (p.name === 'R1' ? r1
    : (x: Int32Array, y: Int32Array) => p.check(k, decodedSource(x), decoded(y)) === null));
  let outBuf: Uint32Array = new Uint32Array(0);
  let outLabels: Int32Array = new Int32Array(0);
  let outWeights: Int32Array = new Int32Array(0);
  let count = 0;
  const emit = (g: Int32Array, label: number, weight: number): void => {
    pack(L, g, outBuf, count * W);
    outWeights[count] = weight;
    outLabels[count++] = label;
  };
  const flatCanon = smrFlatCanonicalizer(L);
  const emitCanonical = (g: Int32Array, label: number, weight: number): void =>
    emit(flatCanon(g), label, weight);
  const successorsVia = (how: typeof emit): Model['successors'] =>
    (src, off, out, labels, weights) => {
      unpack(L, src, off, f);
      outBuf = out;
      outLabels = labels;
      outWeights = weights;
      count = 0;
      next.successors(f, how);
      return count;
    };
  return {
    ...spec,
    maxSuccessors: maxSmrSuccessors(L),
    successors: successorsVia(emit),
    // The canonical form is taken on the flat vector before it is packed, not after.
    canonicalSuccessors: successorsVia(emitCanonical),
    canonicalize: smrCanonicalizer(L),
    checkState: (src, off) => {
      unpack(L, src, off, f);
      return stateChecks.findIndex((c) => !c(f));
    },
    checkStep: (src, srcOff, _label, dst, dstOff) => {
      if (stepChecks.length === 0) return -1;
      unpack(L, src, srcOff, f);
      unpack(L, dst, dstOff, ft);
      return stepChecks.findIndex((c) => !c(f, ft));
    },
    reaches: (i, src, off) => {
      unpack(L, src, off, f);
      return targets[i]!(f);
    },
    explainState: (i, src, off): Violation => spec.explainState(i, src, off),
  };
}


