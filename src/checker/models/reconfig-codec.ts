/**
 * How the reconfiguration models store a state in the engine's fixed-width words, the TLC
 * models' StateConstraint read off those words, and symmetry under renaming servers.
 *
 * Layout, for n servers: one word per server (currentTerm, primary bit, configVersion,
 * configTerm, config as an n-bit set); with the log, one more word per server (its length and
 * its entries' terms) and one word for `committed` (bit (index-1)*MaxTerm + (term-1)). Fields
 * are wide enough for one step beyond the bounds (term MaxTerm+1, version MaxConfigVersion+1,
 * MaxLogLen+1 entries): the successors that leave the model must be encoded to be counted and
 * dropped, as TLC does with its CONSTRAINT. Every other entry of `committed` has an index
 * <= MaxLogLen and a term in 1..MaxTerm, since only a primary of an in-model state commits.
 *
 * Symmetry (the cfgs' `SYMMETRY ServerSymmetry`, Permutations(Server)): a state's canonical
 * form is its smallest encoding, compared word by word, among its images under all n!
 * renamings of servers, so the reduced count is the exact number of classes.
 */
import { Primary, Secondary, type Server } from '../../../spec/reconfig/defs.js';
import type { ConfigState } from '../../../spec/reconfig/logless.js';
import type { CommittedEntry, RaftReconfigState } from '../../../spec/reconfig/raft-reconfig.js';

export interface ReconfigBounds {
  readonly servers: number;
  readonly maxTerm: number;
  readonly maxConfigVersion: number;
  /** The composed spec's MaxLogLen; null for the logless spec (no log variables). */
  readonly maxLogLen: number | null;
}

export interface ReconfigLayout {
  readonly b: ReconfigBounds;
  readonly n: number;
  readonly words: number;
  readonly termBits: number;
  readonly versionBits: number;
  readonly lenBits: number;
  /** Bit offsets of the server word's fields. */
  readonly primaryAt: number;
  readonly versionAt: number;
  readonly configTermAt: number;
  readonly configAt: number;
}

const bitsFor = (max: number): number => Math.max(1, 32 - Math.clz32(max));
const field = (w: number, at: number, bits: number): number => (w >>> at) & ((1 << bits) - 1);

export function reconfigLayout(b: ReconfigBounds): ReconfigLayout {
  const n = b.servers;
  const termBits = bitsFor(b.maxTerm + 1);
  const versionBits = bitsFor(b.maxConfigVersion + 1);
  const lenBits = bitsFor((b.maxLogLen ?? 0) + 1);
  const serverBits = termBits * 2 + 1 + versionBits + n;
  if (serverBits > 32) throw new RangeError('bounds too large: a server does not fit one word');
  if (b.maxLogLen !== null) {
    if (lenBits + (b.maxLogLen + 1) * termBits > 32) {
      throw new RangeError('bounds too large: a log does not fit one word');
    }
    if (b.maxLogLen * b.maxTerm > 32) {
      throw new RangeError('bounds too large: MaxLogLen * MaxTerm must be at most 32');
    }
  }
  return {
    b, n, termBits, versionBits, lenBits,
    words: b.maxLogLen === null ? n : 2 * n + 1,
    primaryAt: termBits, versionAt: termBits + 1, configTermAt: termBits + 1 + versionBits,
    configAt: 2 * termBits + 1 + versionBits,
  };
}

export function encode(L: ReconfigLayout, s: ConfigState | RaftReconfigState, out: Uint32Array,
  off: number): void {
  for (let i = 0; i < L.n; i++) {
    out[off + i] = (s.currentTerm[i]! | (s.state[i] === Primary ? 1 << L.primaryAt : 0)
      | (s.configVersion[i]! << L.versionAt) | (s.configTerm[i]! << L.configTermAt)
      | (s.config[i]! << L.configAt)) >>> 0;
  }
  if (L.b.maxLogLen === null) return;
  const r = s as RaftReconfigState;
  for (let i = 0; i < L.n; i++) {
    const log = r.log[i]!;
    let w = log.length;
    log.forEach((t, k) => { w |= t << (L.lenBits + k * L.termBits); });
    out[off + L.n + i] = w >>> 0;
  }
  let committed = 0;
  for (const c of r.committed) committed |= 1 << ((c.index - 1) * L.b.maxTerm + (c.term - 1));
  out[off + 2 * L.n] = committed >>> 0;
}

export function decodeConfig(L: ReconfigLayout, buf: Uint32Array, off: number): ConfigState {
  const w = (i: Server): number => buf[off + i]!;
  const each = <T>(f: (i: Server) => T): T[] => Array.from({ length: L.n }, (_, i) => f(i));
  return {
    currentTerm: each((i) => field(w(i), 0, L.termBits)),
    state: each((i) => (field(w(i), L.primaryAt, 1) === 1 ? Primary : Secondary)),
    configVersion: each((i) => field(w(i), L.versionAt, L.versionBits)),
    configTerm: each((i) => field(w(i), L.configTermAt, L.termBits)),
    config: each((i) => field(w(i), L.configAt, L.n)),
  };
}

export function decodeRaft(L: ReconfigLayout, buf: Uint32Array, off: number): RaftReconfigState {
  const maxLogLen = L.b.maxLogLen;
  if (maxLogLen === null) throw new Error('checker bug: decodeRaft on a logless layout');
  const log = Array.from({ length: L.n }, (_, i) => {
    const w = buf[off + L.n + i]!;
    return Array.from({ length: field(w, 0, L.lenBits) },
      (_, k) => field(w, L.lenBits + k * L.termBits, L.termBits));
  });
  const committed: CommittedEntry[] = [];
  const cw = buf[off + 2 * L.n]!;
  for (let index = 1; index <= maxLogLen; index++) {
    for (let term = 1; term <= L.b.maxTerm; term++) {
      if (((cw >>> ((index - 1) * L.b.maxTerm + term - 1)) & 1) === 1) committed.push({ index,
        term });
    }
  }
  return { ...decodeConfig(L, buf, off), log, committed };
}

/** StateConstraint: every term, config version (and log length) within its bound. */
export function withinBounds(L: ReconfigLayout, buf: Uint32Array, off: number): boolean {
  for (let i = 0; i < L.n; i++) {
    const w = buf[off + i]!;
    if (field(w, 0, L.termBits) > L.b.maxTerm) return false;
    if (field(w, L.versionAt, L.versionBits) > L.b.maxConfigVersion) return false;
    if (L.b.maxLogLen !== null && field(buf[off + L.n + i]!, 0, L.lenBits) > L.b.maxLogLen) {
      return false;
    }
  }
  return true;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: p.length + 1 }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/** The smallest image of the state under every renaming of servers, written in place. */
export function reconfigCanonicalizer(L: ReconfigLayout): (buf: Uint32Array, off: number) => void {
  const perms = permutations(L.n).filter((p) => p.some((x, i) => x !== i));
  const W = L.words;
  const image = new Uint32Array(W);
  const best = new Uint32Array(W);
  const setMask = (1 << L.n) - 1;
  // mapSet[p][set]: the image of a set of servers under permutation p.
  const mapSet = perms.map((p) => Uint32Array.from({ length: 1 << L.n }, (_, set) =>
    p.reduce((acc, to, from) => acc | (((set >>> from) & 1) << to), 0)));
  return (buf, off) => {
    for (let i = 0; i < W; i++) best[i] = buf[off + i]!;
    for (let q = 0; q < perms.length; q++) {
      const p = perms[q]!;
      const sets = mapSet[q]!;
      for (let i = 0; i < L.n; i++) {
        const w = buf[off + i]!;
        const config = (w >>> L.configAt) & setMask;
        image[p[i]!] = ((w & ~(setMask << L.configAt)) | (sets[config]! << L.configAt)) >>> 0;
        if (W > L.n) image[L.n + p[i]!] = buf[off + L.n + i]!;
      }
      if (W > L.n) image[2 * L.n] = buf[off + 2 * L.n]!;
      if (smaller(image, best, W)) best.set(image);
    }
    for (let i = 0; i < W; i++) buf[off + i] = best[i]!;
  };
}

function smaller(x: Uint32Array, y: Uint32Array, W: number): boolean {
  for (let i = 0; i < W; i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
  return false;
}
