/**
 * MultiPaxos-SMR's Next computed directly on the flat vector of multipaxos-codec.ts: the same
 * actions as spec/multipaxos/smr.ts, with the same guards and updates, on integers instead of
 * objects. Steps are emitted in the order of the spec's `candidateActions` (per replica: its
 * ballots, the Prepares, HandlePrepareReplies, TakeNewRequest, the Accepts, HandleAcceptReplies,
 * the CommitNotice, Finish; then Terminating), each with the label the readable model gives it,
 * so both models are the same successor function; test/checker/multipaxos-packed.test.ts proves
 * it on every reachable state of small models.
 *
 * Left out: mutants (they replace spec actions, so they run on the readable model).
 */
import {
  ACCEPTING, COMMITTED, EMPTY, I_CMD, I_STATUS, I_VBAL, I_VCMD, N_BALMAX, N_BALPREP, N_COMMIT,
  N_INSTS, N_KVALUE, N_LEADER, PREPARING, type SmrLayout,
} from './multipaxos-codec.js';
import { labelParams } from './multipaxos.js';

/**
 * Receives one successor: the flat vector (reused; copy it), its label and its TLC weight (how
 * many witnesses of an existential give it; see tlcWeight in multipaxos.ts).
 */
export type Emit = (g: Int32Array, label: number, weight: number) => void;

const popcount = (x: number): number => {
  let n = 0;
  for (let y = x; y !== 0; y &= y - 1) n++;
  return n;
};

export interface SmrNext {
  /** Calls emit for every enabled step from f, in the spec's order. */
  readonly successors: (f: Int32Array, emit: Emit) => void;
  /** Whether the state has terminated (every command requested and answered). */
  readonly terminated: (f: Int32Array) => boolean;
}

export function smrNext(L: SmrLayout): SmrNext {
  const { R, C, B, W, nodeLen } = L;
  const P = labelParams(L);
  const majority = Math.floor(R / 2) + 1;
  const g = new Int32Array(L.fields);
  const label = (kind: number, r: number, p: number): number => (kind * R + r) * P + p;

  const terminated = (f: Int32Array): boolean => {
    if (f[L.pending] !== 0) return false;
    let reqs = 0;
    let acks = 0;
    const n = f[L.observed]!;
    for (let i = 1; i <= n; i++) {
      const x = f[L.observed + i]!;
      if (x <= C) reqs |= 1 << (x - 1);
      else acks |= 1 << Math.floor((x - 1 - C) / (W + 1));
    }
    const all = (1 << C) - 1;
    return reqs === all && acks === all;
  };

  /** Observe(e): append e's code unless it is in observed. */
  const observe = (code: number): void => {
    const n = g[L.observed]!;
    for (let i = 1; i <= n; i++) if (g[L.observed + i] === code) return;
    g[L.observed + n + 1] = code;
    g[L.observed] = n + 1;
  };

  /** Sends PrepareReply(r, b) with node r's votes as they are in g. */
  const sendPrepareReply = (r: number, b: number): void => {
    const o = L.prepReply + (r * B + b - 1) * (1 + C);
    const n = r * nodeLen;
    const present = g[o] === 1;
    for (let j = 0; j < C; j++) {
      const p = n + N_INSTS + 4 * j;
      const vbal = g[p + I_VBAL]!;
      const code = vbal === 0 ? 0 : 1 + (vbal - 1) * (C + 1) + g[p + I_VCMD]!;
      if (present && g[o + 1 + j] !== code) {
        throw new Error(`cannot encode two PrepareReplies of replica ${r} in ballot ${b}`);
      }
      g[o + 1 + j] = code;
    }
    g[o] = 1;
  };

  const reprepare = (n: number): void => {
    for (let j = 0; j < C; j++) {
      const p = n + N_INSTS + 4 * j + I_STATUS;
      if (g[p] === ACCEPTING) g[p] = PREPARING;
    }
  };

  /** Commits slot commitUpTo+1 of node n in g and applies it; returns [cmd code, old kvalue]. */
  const commitNext = (n: number): [number, number] => {
    const s = g[n + N_COMMIT]!;
    const p = n + N_INSTS + 4 * s;
    const c = g[p + I_CMD]!;
    const old = g[n + N_KVALUE]!;
    g[p + I_STATUS] = COMMITTED;
    g[n + N_COMMIT] = s + 1;
    if (c >= 1 && c <= W) g[n + N_KVALUE] = c;
    return [c, old];
  };

  const replicaSteps = (f: Int32Array, r: number, emit: Emit): void => {
    const n = r * nodeLen;
    const leads = f[n + N_LEADER] === r + 1;
    const balMax = f[n + N_BALMAX]!;
    const balPrep = f[n + N_BALPREP]!;
    // BecomeLeader(r, b)
    if (!leads) {
      for (let b = balMax + 1; b <= B; b++) {
        if (f[L.prepare + b - 1] !== 0) continue;
        g.set(f);
        g[n + N_LEADER] = r + 1;
        g[n + N_BALPREP] = 0;
        g[n + N_BALMAX] = b;
        reprepare(n);
        g[L.prepare + b - 1] |= 1 << r;
        sendPrepareReply(r, b);
        emit(g, label(0, r, b), 1);
      }
    }
    // HandlePrepare(r, m), m = Prepare(src, b)
    for (let b = balMax + 1; b <= B; b++) {
      const senders = f[L.prepare + b - 1]!;
      for (let src = 0; src < R; src++) {
        if (((senders >>> src) & 1) === 0) continue;
        g.set(f);
        g[n + N_LEADER] = src + 1;
        g[n + N_BALMAX] = b;
        reprepare(n);
        sendPrepareReply(r, b);
        emit(g, label(1, r, (b - 1) * R + src), 1);
      }
    }
    if (leads && balPrep === 0) handlePrepareReplies(f, r, balMax, emit);
    if (leads && balPrep === balMax) takeNewRequest(f, r, balPrep, emit);
    handleAccepts(f, r, emit);
    const s = f[n + N_COMMIT]!;
    if (s < C && f[n + N_INSTS + 4 * s + I_STATUS] === ACCEPTING) {
      // HandleAcceptReplies(r)
      if (leads && balPrep === balMax && balPrep >= 1 &&
        popcount(f[L.acceptReply + (balPrep - 1) * C + s]!) >= majority) {
        g.set(f);
        const [c, old] = commitNext(n);
        observe(1 + C + (c - 1) * (W + 1) + old);
        removePending(c);
        g[L.commitNotice] |= 1 << s;
        emit(g, label(5, r, 0), 1);
      }
      // HandleCommitNotice(r, CommitNotice(s + 1))
      if (!leads && ((f[L.commitNotice]! >>> s) & 1) === 1) {
        g.set(f);
        commitNext(n);
        emit(g, label(6, r, s + 1), 1);
      }
    }
  };

  const removePending = (c: number): void => {
    const len = g[L.pending]!;
    let w = 0;
    for (let i = 1; i <= len; i++) {
      const x = g[L.pending + i]!;
      if (x !== c) g[L.pending + 1 + w++] = x;
    }
    for (let i = w + 1; i <= len; i++) g[L.pending + i] = 0;
    g[L.pending] = w;
  };

  const handlePrepareReplies = (f: Int32Array, r: number, b: number, emit: Emit): void => {
    if (b === 0) return;
    let replies = 0;
    for (let src = 0; src < R; src++) {
      if (f[L.prepReply + (src * B + b - 1) * (1 + C)] === 1) replies++;
    }
    if (replies < majority) return;
    g.set(f);
    const n = r * nodeLen;
    g[n + N_BALPREP] = b;
    for (let j = 0; j < C; j++) {
      // PeakVotedCmd: the highest ballot's command; on a tie, the lowest command (smr.ts).
      let bestBal = 0;
      let bestCmd = 0;
      for (let src = 0; src < R; src++) {
        const o = L.prepReply + (src * B + b - 1) * (1 + C);
        if (f[o] !== 1) continue;
        const x = f[o + 1 + j]!;
        if (x === 0) continue;
        const vbal = 1 + Math.floor((x - 1) / (C + 1));
        const vcmd = (x - 1) % (C + 1);
        if (vcmd === 0) throw new Error(`PeakVotedCmd: a vote in ballot ${vbal} has no command`);
        if (vbal > bestBal || (vbal === bestBal && vcmd < bestCmd)) {
          bestBal = vbal;
          bestCmd = vcmd;
        }
      }
      const p = n + N_INSTS + 4 * j;
      const st = g[p + I_STATUS]!;
      if (st === PREPARING || (st === EMPTY && bestCmd !== 0)) g[p + I_STATUS] = ACCEPTING;
      g[p + I_CMD] = bestCmd;
      if (g[p + I_STATUS] === ACCEPTING) {
        g[L.accept + (b - 1) * C + j] |= 1 << (r * (C + 1) + bestCmd);
      }
    }
    emit(g, label(2, r, 0), 1);
  };

  const takeNewRequest = (f: Int32Array, r: number, b: number, emit: Emit): void => {
    const n = r * nodeLen;
    let slot = -1;
    let empty = 0;
    let inLog = 0;
    for (let j = 0; j < C; j++) {
      const p = n + N_INSTS + 4 * j;
      if (f[p + I_STATUS] === EMPTY) {
        if (slot < 0) slot = j;
        empty++;
      }
      const c = f[p + I_CMD]!;
      if (c !== 0) inLog |= 1 << (c - 1);
    }
    if (slot < 0) return;
    let c = 0;
    const len = f[L.pending]!;
    for (let i = 1; i <= len && c === 0; i++) {
      const x = f[L.pending + i]!;
      if (((inLog >>> (x - 1)) & 1) === 0) c = x;
    }
    if (c === 0) return;
    g.set(f);
    const p = n + N_INSTS + 4 * slot;
    g[p + I_STATUS] = ACCEPTING;
    g[p + I_CMD] = c;
    g[p + I_VBAL] = b;
    g[p + I_VCMD] = c;
    g[L.accept + (b - 1) * C + slot] |= 1 << (r * (C + 1) + c);
    g[L.acceptReply + (b - 1) * C + slot] |= 1 << r;
    observe(c);
    emit(g, label(3, r, 0), empty);
  };

  const handleAccepts = (f: Int32Array, r: number, emit: Emit): void => {
    const n = r * nodeLen;
    const balMax = f[n + N_BALMAX]!;
    // Accepts in msgs order: by ballot, slot, sender, command (compareMessages).
    for (let b = Math.max(balMax, 1); b <= B; b++) {
      for (let j = 0; j < C; j++) {
        const p = n + N_INSTS + 4 * j;
        if (!(b > f[p + I_VBAL]!)) continue;
        const acc = f[L.accept + (b - 1) * C + j]!;
        if (acc === 0) continue;
        for (let bit = 0; bit < R * (C + 1); bit++) {
          if (((acc >>> bit) & 1) === 0) continue;
          const src = Math.floor(bit / (C + 1));
          const cmd = bit % (C + 1);
          g.set(f);
          g[n + N_LEADER] = src + 1;
          g[n + N_BALMAX] = b;
          g[p + I_STATUS] = ACCEPTING;
          g[p + I_CMD] = cmd;
          g[p + I_VBAL] = b;
          g[p + I_VCMD] = cmd;
          g[L.acceptReply + (b - 1) * C + j] |= 1 << r;
          emit(g, label(4, r, (((b - 1) * C + j) * R + src) * (C + 1) + cmd), 1);
        }
      }
    }
  };

  const successors = (f: Int32Array, emit: Emit): void => {
    const done = terminated(f);
    for (let r = 0; r < R; r++) {
      if (f[L.pc + r] !== 0) continue;
      if (!done) {
        replicaSteps(f, r, emit);
      } else {
        g.set(f);
        g[L.pc + r] = 1;
        emit(g, label(7, r, 0), 1);
      }
    }
    let all = true;
    for (let r = 0; r < R && all; r++) all = f[L.pc + r] === 1;
    if (all) {
      g.set(f);
      emit(g, label(8, 0, 0), 1);
    }
  };

  return { successors, terminated };
}
