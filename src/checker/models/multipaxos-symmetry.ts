/**
 * Symmetry reduction for the MultiPaxos-SMR models: the canonical form of a state is the image
 * whose flat vector (multipaxos-codec.ts) is smallest, field by field, under every renaming of
 * replicas, of writes and of reads: the product of the three permutation groups, so the reduced
 * count is the exact number of classes.
 *
 * TLC's SymmetricPerms (MultiPaxos_MC.tla) is the *union* of the three sets of permutations, and
 * TLC does not close a SYMMETRY set under composition: it keeps the least image under the listed
 * permutations only. Where at most one of the three sets has two members (every model whose
 * count is pinned: one write) the union is the group and the counts agree; with two writes and
 * three replicas the union misses the renamings that move replicas and writes at once, so TLC
 * keeps more representatives than there are classes, and how many depends on TLC's own order
 * of values. TLC reduces by the same group when the SYMMETRY set is written as the product
 * (docs/benchmarks.md gives the definition), and then the counts are comparable.
 *
 * Speed: a renaming is compiled into a program over output fields (where each field of the
 * image comes from and through which table), and the image is computed lazily, field by field,
 * against the least image so far: most renamings lose at the first field that differs, long
 * before their image is complete. Left out: nothing; every field takes part in the order.
 */
import { nil } from '../../../spec/multipaxos/smr-types.js';
import {
  codeEvent, eventCode, I_CMD, I_STATUS, I_VBAL, I_VCMD, N_BALMAX, N_BALPREP, N_COMMIT, N_INSTS,
  N_KVALUE, N_LEADER, pack, unpack, type SmrLayout,
} from './multipaxos-codec.js';

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: p.length + 1 }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/** One renaming: of replicas (rep) and of commands (cmd), with its tables over codes. */
interface Renaming {
  readonly rep: readonly number[];
  /** code (cmd+1, 0 = nil) -> code. */
  readonly cmdCode: Int32Array;
  /** leader code (replica+1, 0 = none) -> code. */
  readonly leader: Int32Array;
  readonly repMask: Int32Array;
  readonly event: Int32Array;
  readonly vote: Int32Array;
  /** Accept bit src*(C+1)+cmd+1 -> bit. */
  readonly acceptBit: Int32Array;
}

/** Every renaming but the identity. */
function renamings(L: SmrLayout): Renaming[] {
  const { R, C, W } = L;
  const reads = C - W;
  const out: Renaming[] = [];
  for (const rep of permutations(R)) {
    for (const pw of permutations(W)) {
      for (const pr of permutations(reads)) {
        const identity = rep.every((x, i) => x === i) && pw.every((x, i) => x === i) &&
          pr.every((x, i) => x === i);
        if (!identity) out.push(renaming(L, rep, (c) => (c < W ? pw[c]! : W + pr[c - W]!)));
      }
    }
  }
  return out;
}

function renaming(L: SmrLayout, rep: readonly number[], cmd: (c: number) => number): Renaming {
  const { R, C, B } = L;
  const cmdCode = Int32Array.from({ length: C + 1 }, (_, x) => (x === 0 ? 0 : cmd(x - 1) + 1));
  const leader = Int32Array.from({ length: R + 1 }, (_, x) => (x === 0 ? 0 : rep[x - 1]! + 1));
  const repMask = Int32Array.from({ length: 1 << R }, (_, m) =>
    rep.reduce((acc, to, from) => acc | (((m >>> from) & 1) << to), 0));
  const event = Int32Array.from({ length: L.obsCap + 1 }, (_, x) => {
    if (x === 0) return 0;
    const e = codeEvent(L, x);
    return eventCode(L, e.type === 'Req' ? { type: 'Req', cmd: cmd(e.cmd) }
      : { type: 'Ack', cmd: cmd(e.cmd), val: e.val === nil ? nil : cmd(e.val) });
  });
  const vote = Int32Array.from({ length: B * (C + 1) + 1 }, (_, x) => {
    if (x === 0) return 0;
    const bal = 1 + Math.floor((x - 1) / (C + 1));
    return 1 + (bal - 1) * (C + 1) + cmdCode[(x - 1) % (C + 1)]!;
  });
  const acceptBit = Int32Array.from({ length: R * (C + 1) }, (_, bit) =>
    rep[Math.floor(bit / (C + 1))]! * (C + 1) + cmdCode[bit % (C + 1)]!);
  return { rep, cmdCode, leader, repMask, event, vote, acceptBit };
}

/** Field programs: image field q = op(f[src[q]]), ops as described at OP_*. */
interface Programs {
  /** src[p * fields + q]: the field of f that image field q of renaming p comes from. */
  readonly src: Int32Array;
  /** op[p * fields + q]: OP_ID, OP_ACCEPT - offset of acceptBit in tab, or offset in tab. */
  readonly op: Int32Array;
  readonly tab: Int32Array;
  readonly count: number;
}

const OP_ID = -1;
/** op <= OP_ACCEPT: an Accept set, its bits renamed through tab[OP_ACCEPT - op + bit]. */
const OP_ACCEPT = -2;

function compile(L: SmrLayout, ps: readonly Renaming[]): Programs {
  const { R, C, B, nodeLen, fields } = L;
  const src = new Int32Array(ps.length * fields);
  const op = new Int32Array(ps.length * fields);
  const tab: number[] = [];
  const table = (t: Int32Array): number => tab.push(...t) - t.length;
  ps.forEach((p, k) => {
    const base = k * fields;
    const set = (to: number, from: number, how: number): void => {
      src[base + to] = from;
      op[base + to] = how;
    };
    const [cc, leader, vote, event, mask] =
      [p.cmdCode, p.leader, p.vote, p.event, p.repMask].map(table) as [number, number, number,
        number, number];
    const acc = OP_ACCEPT - table(p.acceptBit);
    for (let r = 0; r < R; r++) {
      const o = r * nodeLen;
      const q = p.rep[r]! * nodeLen;
      set(q + N_LEADER, o + N_LEADER, leader);
      set(q + N_KVALUE, o + N_KVALUE, cc);
      for (const x of [N_COMMIT, N_BALPREP, N_BALMAX]) set(q + x, o + x, OP_ID);
      for (let j = 0; j < C; j++) {
        const a = o + N_INSTS + 4 * j;
        const b = q + N_INSTS + 4 * j;
        set(b + I_STATUS, a + I_STATUS, OP_ID);
        set(b + I_CMD, a + I_CMD, cc);
        set(b + I_VBAL, a + I_VBAL, OP_ID);
        set(b + I_VCMD, a + I_VCMD, cc);
      }
      set(L.pc + p.rep[r]!, L.pc + r, OP_ID);
      for (let b = 0; b < B; b++) {
        const from = L.prepReply + (r * B + b) * (1 + C);
        const to = L.prepReply + (p.rep[r]! * B + b) * (1 + C);
        set(to, from, OP_ID);
        for (let j = 1; j <= C; j++) set(to + j, from + j, vote);
      }
    }
    set(L.pending, L.pending, OP_ID);
    for (let i = 1; i <= C; i++) set(L.pending + i, L.pending + i, cc);
    set(L.observed, L.observed, OP_ID);
    for (let i = 1; i <= L.obsCap; i++) set(L.observed + i, L.observed + i, event);
    for (let b = 0; b < B; b++) set(L.prepare + b, L.prepare + b, mask);
    for (let i = 0; i < B * C; i++) {
      set(L.acceptReply + i, L.acceptReply + i, mask);
      set(L.accept + i, L.accept + i, acc);
    }
    set(L.commitNotice, L.commitNotice, OP_ID);
  });
  return { src, op, tab: Int32Array.from(tab), count: ps.length };
}

/**
 * The canonical form under every renaming of replicas, writes and reads, written in place: the
 * image whose flat vector is smallest field by field. Each renaming's image is computed only
 * as far as its first field that differs from the least image so far, and in full only when
 * it is less. The state is packed again only when some renaming won.
 */
export function smrCanonicalizer(L: SmrLayout): (buf: Uint32Array, off: number) => void {
  const canon = smrFlatCanonicalizer(L);
  const f = new Int32Array(L.fields);
  return (buf, off) => {
    unpack(L, buf, off, f);
    const best = canon(f);
    if (best !== f) pack(L, best, buf, off);
  };
}

/**
 * The canonical form of the flat vector f: f itself when no renaming makes it smaller, or an
 * internal buffer (valid until the next call) holding the least image.
 */
export function smrFlatCanonicalizer(L: SmrLayout): (f: Int32Array) => Int32Array {
  const { src, op, tab, count } = compile(L, renamings(L));
  const n = L.fields;
  let spare: Int32Array = new Int32Array(n);
  let held: Int32Array = new Int32Array(n);
  const image = (k: number, f: Int32Array, q: number): number => {
    const how = op[k + q]!;
    const x = f[src[k + q]!]!;
    if (how === OP_ID) return x;
    if (how >= 0) return tab[how + x]!;
    let img = 0;
    for (let bits = x; bits !== 0; bits &= bits - 1) {
      img |= 1 << tab[OP_ACCEPT - how + 31 - Math.clz32(bits & -bits)]!;
    }
    return img;
  };
  return (f) => {
    let best: Int32Array = f;
    for (let p = 0; p < count; p++) {
      const k = p * n;
      let q = 0;
      let v = 0;
      while (q < n && (v = image(k, f, q)) === best[q]) q++;
      if (q === n || v > best[q]!) continue;
      const g = spare;
      for (let i = 0; i < q; i++) g[i] = best[i]!;
      g[q] = v;
      for (let i = q + 1; i < n; i++) g[i] = image(k, f, i);
      if (best !== f) spare = best;
      else spare = held;
      held = g;
      best = g;
    }
    return best;
  };
}
