/**
 * How the MultiPaxos-SMR models store a state: a "flat" vector of small integers (one per
 * field, a fixed layout derived from the constants) that the fast model steps on directly, and
 * its packing into the engine's 32-bit words (fields of fixed bit widths, back to back, a field
 * may straddle two words). Also the symmetry canonicalization, on the flat vector.
 *
 * Flat layout (C commands = slots, R replicas, B ballots, W writes):
 *  - node r: leader+1, kvalue+1, commitUpTo, balPrepared, balMaxKnown, then per slot
 *    status (0 Empty, 1 Preparing, 2 Accepting, 3 Committed), cmd+1, voted.bal, voted.cmd+1;
 *  - pc[r] (0 rloop, 1 Done); pending as a sequence (length, then cmd+1 each);
 *  - observed as a sequence of event codes (Req c: 1+c; Ack(c, v): 1+C+c*(W+1)+(v+1 or 0));
 *  - msgs: Prepare per ballot as a set of senders; PrepareReply per (src, bal): present, then a
 *    vote code per slot (0 none, else 1+(bal-1)*(C+1)+(cmd+1)); Accept per (bal, slot) as a
 *    set of (src, cmd+1) pairs; AcceptReply per (bal, slot) as a set of senders; CommitNotice
 *    as a set of slots.
 * A replica sends at most one PrepareReply per ballot (it joins a ballot once); encoding a state
 * with two is refused loudly rather than stored wrong.
 *
 * Symmetry: the canonical form is the image whose flat vector is smallest (field by field)
 * under every renaming of replicas, of writes and of reads (the product of the three permutation
 * groups; TLC's SymmetricPerms is
 * their union, which is the same group when at most one of the three has two members, as in
 * every model whose count we pin). Left out: nothing of the state; every field is stored.
 */
import {
  type ClientEvent, type Command, type Inst, type Message, type NodeState, type Pc,
  type SmrConstants, type SmrState, type Status, compareMessages, nil, numCommands,
} from '../../../spec/multipaxos/smr-types.js';

const STATUSES: readonly Status[] = ['Empty', 'Preparing', 'Accepting', 'Committed'];
export const EMPTY = 0;
export const PREPARING = 1;
export const ACCEPTING = 2;
export const COMMITTED = 3;

/** Offsets within a node block. */
export const N_LEADER = 0;
export const N_KVALUE = 1;
export const N_COMMIT = 2;
export const N_BALPREP = 3;
export const N_BALMAX = 4;
export const N_INSTS = 5;
/** Offsets within a slot of a node block. */
export const I_STATUS = 0;
export const I_CMD = 1;
export const I_VBAL = 2;
export const I_VCMD = 3;

export interface SmrLayout {
  readonly k: SmrConstants;
  readonly R: number;
  readonly C: number;
  readonly B: number;
  readonly W: number;
  readonly nodeLen: number;
  readonly pc: number;
  readonly pending: number;
  readonly observed: number;
  /** Capacity of observed: every distinct event. */
  readonly obsCap: number;
  readonly prepare: number;
  /** PrepareReply (src, bal) at prepReply + (src*B + bal-1)*(1+C). */
  readonly prepReply: number;
  /** Accept (bal, slot) at accept + (bal-1)*C + slot-1: bit src*(C+1)+cmd+1. */
  readonly accept: number;
  readonly acceptReply: number;
  readonly commitNotice: number;
  readonly fields: number;
  /** Bit width of each field. */
  readonly widths: Uint8Array;
  readonly words: number;
}

const bitsFor = (max: number): number => Math.max(1, 32 - Math.clz32(max));

export function smrLayout(k: SmrConstants): SmrLayout {
  const R = k.replicas;
  const C = numCommands(k);
  const B = k.maxBallot;
  const W = k.writes;
  if (R * (C + 1) > 31 || C > 31 || R > 31) throw new RangeError('model too large to encode');
  const nodeLen = N_INSTS + 4 * C;
  const obsCap = C + C * (W + 1);
  const widths: number[] = [];
  const push = (n: number, max: number): number => {
    const at = widths.length;
    for (let i = 0; i < n; i++) widths.push(bitsFor(max));
    return at;
  };
  for (let r = 0; r < R; r++) {
    push(1, R);
    push(1, W);
    push(1, C);
    push(2, B);
    for (let s = 0; s < C; s++) {
      push(1, 3);
      push(1, C);
      push(1, B);
      push(1, C);
    }
  }
  const pc = push(R, 1);
  const pending = push(1, C);
  push(C, C);
  const observed = push(1, obsCap);
  push(obsCap, obsCap);
  const prepare = push(B, (1 << R) - 1);
  const prepReply = widths.length;
  for (let i = 0; i < R * B; i++) {
    push(1, 1);
    push(C, B * (C + 1));
  }
  const accept = push(B * C, 2 ** (R * (C + 1)) - 1);
  const acceptReply = push(B * C, (1 << R) - 1);
  const commitNotice = push(1, (1 << C) - 1);
  const bits = widths.reduce((a, b) => a + b, 0);
  return {
    k, R, C, B, W, nodeLen, pc, pending, observed, obsCap, prepare, prepReply, accept,
    acceptReply, commitNotice, fields: widths.length, widths: Uint8Array.from(widths),
    words: Math.ceil(bits / 32),
  };
}

/** Packs the flat vector f into words at out[off..]. */
export function pack(L: SmrLayout, f: Int32Array, out: Uint32Array, off: number): void {
  const { widths, fields, words } = L;
  let w = 0;
  let acc = 0;
  let used = 0;
  for (let i = 0; i < fields; i++) {
    const x = f[i]! >>> 0;
    const n = widths[i]!;
    acc = (acc | (x << used)) >>> 0;
    used += n;
    if (used >= 32) {
      out[off + w++] = acc;
      used -= 32;
      acc = used === 0 ? 0 : x >>> (n - used);
    }
  }
  if (w < words) out[off + w++] = acc;
  while (w < words) out[off + w++] = 0;
}

/** Unpacks the words at buf[off..] into the flat vector f. */
export function unpack(L: SmrLayout, buf: Uint32Array, off: number, f: Int32Array): void {
  const { widths, fields } = L;
  let w = off;
  let cur = buf[w]!;
  let used = 0;
  for (let i = 0; i < fields; i++) {
    const n = widths[i]!;
    let x = cur >>> used;
    if (used + n >= 32) {
      const rest = used + n - 32;
      cur = buf[++w] ?? 0;
      if (rest > 0) x |= cur << (n - rest);
      used = rest;
    } else {
      used += n;
    }
    f[i] = n === 32 ? x : x & ((1 << n) - 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Between the spec's readable state and the flat vector.
// ---------------------------------------------------------------------------------------------

const cmdCode = (c: Command | null): number => (c === nil ? 0 : c + 1);
const codeCmd = (x: number): Command | null => (x === 0 ? nil : x - 1);

export function eventCode(L: SmrLayout, e: ClientEvent): number {
  return e.type === 'Req' ? 1 + e.cmd : 1 + L.C + e.cmd * (L.W + 1) + cmdCode(e.val);
}

export function codeEvent(L: SmrLayout, x: number): ClientEvent {
  if (x <= L.C) return { type: 'Req', cmd: x - 1 };
  const y = x - 1 - L.C;
  return { type: 'Ack', cmd: Math.floor(y / (L.W + 1)), val: codeCmd(y % (L.W + 1)) };
}

export const voteCode = (L: SmrLayout, bal: number, cmd: Command | null): number =>
  (bal === 0 ? 0 : 1 + (bal - 1) * (L.C + 1) + cmdCode(cmd));

export function nodeAt(L: SmrLayout, r: number): number {
  return r * L.nodeLen;
}

export function toFlat(L: SmrLayout, s: SmrState, f: Int32Array): void {
  f.fill(0);
  s.node.forEach((n, r) => {
    const o = nodeAt(L, r);
    f[o + N_LEADER] = cmdCode(n.leader);
    f[o + N_KVALUE] = cmdCode(n.kvalue);
    f[o + N_COMMIT] = n.commitUpTo;
    f[o + N_BALPREP] = n.balPrepared;
    f[o + N_BALMAX] = n.balMaxKnown;
    n.insts.forEach((i, j) => {
      const p = o + N_INSTS + 4 * j;
      f[p + I_STATUS] = STATUSES.indexOf(i.status);
      f[p + I_CMD] = cmdCode(i.cmd);
      f[p + I_VBAL] = i.voted.bal;
      f[p + I_VCMD] = cmdCode(i.voted.cmd);
    });
  });
  s.pc.forEach((p, r) => { f[L.pc + r] = p === 'Done' ? 1 : 0; });
  f[L.pending] = s.pending.length;
  s.pending.forEach((c, i) => { f[L.pending + 1 + i] = c + 1; });
  if (s.observed.length > L.obsCap) throw new Error('observed longer than every distinct event');
  f[L.observed] = s.observed.length;
  s.observed.forEach((e, i) => { f[L.observed + 1 + i] = eventCode(L, e); });
  for (const m of s.msgs) addMessage(L, f, m);
}

/** Adds m to the msgs fields of f. */
export function addMessage(L: SmrLayout, f: Int32Array, m: Message): void {
  switch (m.type) {
    case 'Prepare': f[L.prepare + m.bal - 1] |= 1 << m.src; return;
    case 'PrepareReply': {
      const o = L.prepReply + (m.src * L.B + m.bal - 1) * (1 + L.C);
      const codes = m.votes.map((v) => voteCode(L, v.bal, v.cmd));
      if (f[o] === 1 && codes.some((x, j) => f[o + 1 + j] !== x)) {
        throw new Error(`cannot encode two PrepareReplies of replica ${m.src} in ballot ${m.bal}`);
      }
      f[o] = 1;
      codes.forEach((x, j) => { f[o + 1 + j] = x; });
      return;
    }
    case 'Accept':
      f[L.accept + (m.bal - 1) * L.C + m.slot - 1] |= 1 << (m.src * (L.C + 1) + cmdCode(m.cmd));
      return;
    case 'AcceptReply': f[L.acceptReply + (m.bal - 1) * L.C + m.slot - 1] |= 1 << m.src; return;
    case 'CommitNotice': f[L.commitNotice] |= 1 << (m.upto - 1);
  }
}

function messagesOf(L: SmrLayout, f: Int32Array): Message[] {
  const msgs: Message[] = [];
  const { R, B, C } = L;
  for (let b = 1; b <= B; b++) {
    for (let r = 0; r < R; r++) {
      if ((f[L.prepare + b - 1]! >>> r) & 1) msgs.push({ type: 'Prepare', src: r, bal: b });
      const o = L.prepReply + (r * B + b - 1) * (1 + C);
      if (f[o] === 1) {
        const votes = Array.from({ length: C }, (_, j) => {
          const x = f[o + 1 + j]!;
          if (x === 0) return { bal: 0, cmd: nil };
          return { bal: 1 + Math.floor((x - 1) / (C + 1)), cmd: codeCmd((x - 1) % (C + 1)) };
        });
        msgs.push({ type: 'PrepareReply', src: r, bal: b, votes });
      }
    }
    for (let slot = 1; slot <= C; slot++) {
      const acc = f[L.accept + (b - 1) * C + slot - 1]!;
      for (let bit = 0; bit < R * (C + 1); bit++) {
        if ((acc >>> bit) & 1) {
          const src = Math.floor(bit / (C + 1));
          msgs.push({ type: 'Accept', src, bal: b, slot, cmd: codeCmd(bit % (C + 1)) });
        }
      }
      const ars = f[L.acceptReply + (b - 1) * C + slot - 1]!;
      for (let r = 0; r < R; r++) {
        if ((ars >>> r) & 1) msgs.push({ type: 'AcceptReply', src: r, bal: b, slot });
      }
    }
  }
  for (let s = 1; s <= C; s++) {
    if ((f[L.commitNotice]! >>> (s - 1)) & 1) msgs.push({ type: 'CommitNotice', upto: s });
  }
  return msgs.sort(compareMessages);
}

export function fromFlat(L: SmrLayout, f: Int32Array): SmrState {
  const node = Array.from({ length: L.R }, (_, r): NodeState => {
    const o = nodeAt(L, r);
    const insts = Array.from({ length: L.C }, (_, j): Inst => {
      const p = o + N_INSTS + 4 * j;
      return {
        status: STATUSES[f[p + I_STATUS]!]!, cmd: codeCmd(f[p + I_CMD]!),
        voted: { bal: f[p + I_VBAL]!, cmd: codeCmd(f[p + I_VCMD]!) },
      };
    });
    return {
      leader: codeCmd(f[o + N_LEADER]!), kvalue: codeCmd(f[o + N_KVALUE]!),
      commitUpTo: f[o + N_COMMIT]!, balPrepared: f[o + N_BALPREP]!,
      balMaxKnown: f[o + N_BALMAX]!, insts,
    };
  });
  return {
    msgs: messagesOf(L, f),
    node,
    pending: Array.from({ length: f[L.pending]! }, (_, i) => f[L.pending + 1 + i]! - 1),
    observed: Array.from({ length: f[L.observed]! },
      (_, i) => codeEvent(L, f[L.observed + 1 + i]!)),
    pc: Array.from({ length: L.R }, (_, r): Pc => (f[L.pc + r] === 1 ? 'Done' : 'rloop')),
  };
}

// ---------------------------------------------------------------------------------------------
// Symmetry.
// ---------------------------------------------------------------------------------------------

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
  readonly repMask: Int32Array;
  readonly event: Int32Array;
  readonly vote: Int32Array;
  /** Accept bit src*(C+1)+cmd+1 -> bit. */
  readonly acceptBit: Int32Array;
}

function renamings(L: SmrLayout): Renaming[] {
  const { R, C, W, B } = L;
  const reads = C - W;
  const out: Renaming[] = [];
  for (const rep of permutations(R)) {
    for (const pw of permutations(W)) {
      for (const pr of permutations(reads)) {
        const cmd = (c: number): number => (c < W ? pw[c]! : W + pr[c - W]!);
        const cmdCode = Int32Array.from({ length: C + 1 }, (_, x) => (x === 0 ? 0 : cmd(x - 1) +
          1));
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
        const identity = rep.every((x, i) => x === i) && pw.every((x, i) => x === i) &&
          pr.every((x, i) => x === i);
        if (!identity) out.push({ rep, cmdCode, repMask, event, vote, acceptBit });
      }
    }
  }
  return out;
}

/** g := the image of f under renaming p. */
function rename(L: SmrLayout, p: Renaming, f: Int32Array, g: Int32Array): void {
  const { R, C, B, nodeLen } = L;
  const cc = p.cmdCode;
  for (let r = 0; r < R; r++) {
    const o = r * nodeLen;
    const q = p.rep[r]! * nodeLen;
    const leader = f[o + N_LEADER]!;
    g[q + N_LEADER] = leader === 0 ? 0 : p.rep[leader - 1]! + 1;
    g[q + N_KVALUE] = cc[f[o + N_KVALUE]!]!;
    g[q + N_COMMIT] = f[o + N_COMMIT]!;
    g[q + N_BALPREP] = f[o + N_BALPREP]!;
    g[q + N_BALMAX] = f[o + N_BALMAX]!;
    for (let j = 0; j < C; j++) {
      const a = o + N_INSTS + 4 * j;
      const b = q + N_INSTS + 4 * j;
      g[b + I_STATUS] = f[a + I_STATUS]!;
      g[b + I_CMD] = cc[f[a + I_CMD]!]!;
      g[b + I_VBAL] = f[a + I_VBAL]!;
      g[b + I_VCMD] = cc[f[a + I_VCMD]!]!;
    }
    g[L.pc + p.rep[r]!] = f[L.pc + r]!;
    for (let b = 0; b < B; b++) {
      const from = L.prepReply + (r * B + b) * (1 + C);
      const to = L.prepReply + (p.rep[r]! * B + b) * (1 + C);
      g[to] = f[from]!;
      for (let j = 1; j <= C; j++) g[to + j] = p.vote[f[from + j]!]!;
    }
  }
  g[L.pending] = f[L.pending]!;
  for (let i = 1; i <= C; i++) g[L.pending + i] = cc[f[L.pending + i]!]!;
  g[L.observed] = f[L.observed]!;
  for (let i = 1; i <= L.obsCap; i++) g[L.observed + i] = p.event[f[L.observed + i]!]!;
  for (let b = 0; b < B; b++) g[L.prepare + b] = p.repMask[f[L.prepare + b]!]!;
  for (let i = 0; i < B * C; i++) {
    g[L.acceptReply + i] = p.repMask[f[L.acceptReply + i]!]!;
    const acc = f[L.accept + i]!;
    let img = 0;
    for (let bit = 0; bit < R * (C + 1); bit++) {
      if ((acc >>> bit) & 1) img |= 1 << p.acceptBit[bit]!;
    }
    g[L.accept + i] = img;
  }
  g[L.commitNotice] = f[L.commitNotice]!;
}

/**
 * The canonical form under every renaming of replicas, writes and reads, written in place: the
 * image whose flat vector is smallest field by field (compared with an early exit, packed once).
 */
export function smrCanonicalizer(L: SmrLayout): (buf: Uint32Array, off: number) => void {
  const ps = renamings(L);
  const f = new Int32Array(L.fields);
  let g = new Int32Array(L.fields);
  let best = new Int32Array(L.fields);
  const n = L.fields;
  return (buf, off) => {
    unpack(L, buf, off, f);
    best.set(f);
    let renamed = false;
    for (const p of ps) {
      rename(L, p, f, g);
      let i = 0;
      while (i < n && g[i] === best[i]) i++;
      if (i < n && g[i]! < best[i]!) {
        const t = best;
        best = g;
        g = t;
        renamed = true;
      }
    }
    if (renamed) pack(L, best, buf, off);
  };
}
