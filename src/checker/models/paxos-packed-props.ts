/**
 * The named properties of spec/properties.ts, evaluated on the packed encoding with bitmasks,
 * for the fast Paxos model. Each function below restates one spec property over small masks:
 * votes[a][b] is the set of values a voted for in b (its 2b messages), voters[b][v] the set of
 * acceptors that voted v in b, twoA[b] the values of ballot b's 2a messages. Quorum tests are a
 * lookup: hasQuorum[S] says whether S includes some quorum.
 *
 * These are optimisations, not definitions: the tests check on every reachable state of small
 * bounds, on the states mutants reach, and on random states, that each verdict equals the
 * spec's. The derivations that turn the spec's quantifiers into mask operations are given next
 * to each function. Violations are always re-explained by the spec's own functions.
 *
 * Left out: 'full' layouts (1b messages that the correct spec cannot send); the packed model
 * never produces them.
 */
import { popcount } from '../../../spec/quorums.js';
import {
  getMaxBal, getMaxVal, getMaxVBal, index1b, type PaxosLayout,
} from './paxos-codec.js';
import { bitsAt } from './paxos-bits.js';

/** A packed property check: reads the analysis of the current state, true when it holds. */
export type PackedCheck = () => boolean;

/** A test of a step from src[srcOff..] to dst[dstOff..]: true when it holds. */
export type StepTest =
  (src: Uint32Array, srcOff: number, dst: Uint32Array, dstOff: number) => boolean;

export interface PackedProperties {
  /** Reads the state at buf[off..] into the masks the checks use. */
  readonly analyze: (buf: Uint32Array, off: number) => void;
  /** Checks by property name; a name missing here is evaluated by the spec. */
  readonly state: Readonly<Record<string, PackedCheck>>;
  /** "Sometimes" targets by name: true when the analyzed state reaches it. */
  readonly reach: Readonly<Record<string, PackedCheck>>;
  /** R1 on a step (it reads both states directly; no analysis needed). */
  readonly r1: StepTest;
  /** Whether a step leaves the Voting state (maxBal and the 2b messages) unchanged. */
  readonly votingUnchanged: StepTest;
}

export function packedProperties(L: PaxosLayout): PackedProperties {
  const { A, B, V } = L;
  const k = L.k;
  const hasQuorum = new Uint8Array(1 << A);
  for (let S = 0; S < 1 << A; S++) {
    hasQuorum[S] = k.quorums.masks.some((Q) => (Q & S) === Q) ? 1 : 0;
  }
  const qmasks = Int32Array.from(k.quorums.masks);
  const group1b = new Int32Array(A * B);
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) group1b[a * B + b] = L.bit1b[index1b(L, a, b, -1, null)] as number;
  }
  // The 1b messages, likewise one contiguous run: what each bit of it says.
  const first1b = L.messages.findIndex((m) => m.type === '1b');
  const region1b = L.messages.filter((m) => m.type === '1b').length;
  const base1b = L.msgBase + first1b;
  const acc1b = new Int32Array(region1b);
  const bal1b = new Int32Array(region1b);
  const mbal1b = new Int32Array(region1b);
  const mval1b = new Int32Array(region1b);
  for (let i = 0; i < region1b; i++) {
    const m = L.messages[first1b + i]!;
    if (m.type !== '1b') throw new Error('checker bug: 1b messages are not contiguous');
    acc1b[i] = m.acc;
    bal1b[i] = m.bal;
    mbal1b[i] = m.mbal;
    mval1b[i] = m.mval ?? -1;
  }
  const maxBal = new Int32Array(A);
  const maxVBal = new Int32Array(A);
  const maxVal = new Int32Array(A);
  const votes = new Int32Array(A * B);
  const voters = new Int32Array(B * V);
  const votedAny = new Int32Array(B);
  const twoA = new Int32Array(B);
  let buf0: Uint32Array = new Uint32Array(0);
  let off0 = 0;

  // compareMessages sorts by type, then ballot, acceptor, value: all 2b messages form one
  // contiguous run of bits, ballot-major, and so do all 2a messages. Reading V (or A*V) bits at
  // a time is what makes the analysis cheap; the layout is checked to be so.
  const base2b = L.bit2b[0] as number;
  const base2a = L.bit2a[0] as number;
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      for (let v = 0; v < V; v++) {
        if (L.bit2b[(a * B + b) * V + v] !== base2b + (b * A + a) * V + v) {
          throw new Error('checker bug: 2b messages are not contiguous in the layout');
        }
        if (L.bit2a[b * V + v] !== base2a + b * V + v) {
          throw new Error('checker bug: 2a messages are not contiguous in the layout');
        }
      }
    }
  }
  if (A * V > 31) throw new RangeError('packed properties: at most 31 acceptor-value pairs');
  const valueMask = (1 << V) - 1;

  /** VotesSafe's verdict for the analyzed state (-1: not yet computed); Inv4 reuses it. */
  let votesSafe = -1;

  // The words last analyzed: the engine asks several questions of each new state (targets,
  // then properties), and comparing a few words is cheaper than building the masks again.
  const seen = new Uint32Array(L.words);
  let analyzed = false;

  const analyze = (buf: Uint32Array, off: number): void => {
    buf0 = buf;
    off0 = off;
    if (analyzed && sameAs(buf, off)) return;
    for (let i = 0; i < L.words; i++) seen[i] = buf[off + i] as number;
    analyzed = true;
    votesSafe = -1;
    voters.fill(0);
    votedAny.fill(0);
    for (let a = 0; a < A; a++) {
      maxBal[a] = getMaxBal(L, buf, off, a);
      maxVBal[a] = getMaxVBal(L, buf, off, a);
      maxVal[a] = getMaxVal(L, buf, off, a);
    }
    for (let b = 0; b < B; b++) {
      twoA[b] = bitsAt(buf, off, base2a + b * V, V);
      const row = bitsAt(buf, off, base2b + b * A * V, A * V);
      for (let a = 0; a < A; a++) {
        const mask = (row >>> (a * V)) & valueMask;
        votes[a * B + b] = mask;
        if (mask === 0) continue;
        votedAny[b]! |= 1 << a;
        for (let v = 0; v < V; v++) if ((mask >>> v) & 1) voters[b * V + v]! |= 1 << a;
      }
    }
  };

  const sameAs = (buf: Uint32Array, off: number): boolean => {
    for (let i = 0; i < L.words; i++) if (seen[i] !== buf[off + i]) return false;
    return true;
  };

  /** The acceptors whose maxBal is at least b. */
  const joinedAtLeast = (b: number): number => {
    let mask = 0;
    for (let a = 0; a < A; a++) if ((maxBal[a] as number) >= b) mask |= 1 << a;
    return mask;
  };

  /** The highest ballot d < b in which some member of S voted, or -1. */
  const highestVoteBelow = (S: number, b: number): number => {
    for (let d = b - 1; d >= 0; d--) if (((votedAny[d] as number) & S) !== 0) return d;
    return -1;
  };

  /**
   * ShowsSafeAt(Q, b, v): all of Q has maxBal >= b, and some c in -1..b-1 has (c = -1 or a
   * member voted v in c) with no member voting in c+1..b-1. With hi the highest ballot below b
   * where a member voted, c must be >= hi (silence above c) and, if c # -1, <= hi (a vote in
   * c); so the condition is hi = -1, or a member voted v in hi.
   */
  const showsSafeAt = (Q: number, b: number, v: number): boolean => {
    if ((joinedAtLeast(b) & Q) !== Q) return false;
    const hi = highestVoteBelow(Q, b);
    return hi === -1 || ((voters[hi * V + v] as number) & Q) !== 0;
  };

  /**
   * NoneOtherChoosableAt(c, v): some quorum whose members each voted v in c, or have
   * maxBal > c and no vote in c. The members that qualify form a mask; ask for a quorum in it.
   */
  const noneOtherChoosableAt = (c: number, v: number): boolean => {
    let ok = voters[c * V + v] as number;
    const silent = ~(votedAny[c] as number);
    for (let a = 0; a < A; a++) if ((maxBal[a] as number) > c && (silent >> a) & 1) ok |= 1 << a;
    return hasQuorum[ok] === 1;
  };

  const chosenAt = (b: number, v: number): boolean => hasQuorum[voters[b * V + v] as number] === 1;

  /** The lowest ballot with a chosen value, and its values as a mask, or -1. */
  const chosenValuesFrom = (b0: number): number => {
    let mask = 0;
    for (let b = b0; b < B; b++) for (let v = 0; v < V; v++) if (chosenAt(b, v)) mask |= 1 << v;
    return mask;
  };

  const state: Record<string, PackedCheck> = {
    /** TypeOK: every encodable message is in Message; only the fields can be out of range. */
    TypeOK: () => {
      for (let a = 0; a < A; a++) {
        if ((maxBal[a] as number) >= B || (maxVBal[a] as number) >= B) return false;
        if ((maxVal[a] as number) >= V) return false;
      }
      return true;
    },
    Inv1: () => {
      for (let a = 0; a < A; a++) {
        const b = maxVBal[a] as number;
        const v = maxVal[a] as number;
        if (b === -1) {
          if (v !== -1) return false;
        } else if (v === -1 || !(((votes[a * B + b] as number) >> v) & 1)) {
          return false;
        }
      }
      return true;
    },
    /** Inv2 over the 1b groups: the sender joined the ballot; a reported vote was cast. */
    /** Inv2, over the set bits of the 1b messages (one contiguous run of the layout). */
    Inv2: () => {
      for (let start = 0; start < region1b; start += 31) {
        const len = Math.min(31, region1b - start);
        let bits = bitsAt(buf0, off0, base1b + start, len);
        while (bits !== 0) {
          const low = bits & -bits;
          const i = start + 31 - Math.clz32(low);
          const a = acc1b[i] as number;
          const mbal = mbal1b[i] as number;
          if ((maxBal[a] as number) < (bal1b[i] as number)) return false;
          const reported = mbal < 0 ? 0 : (votes[a * B + mbal] as number) >>> (mval1b[i] as number);
          if (mbal >= 0 && !(reported & 1)) return false;
          bits ^= low;
        }
      }
      return true;
    },
    Inv3: () => {
      for (let b = 0; b < B; b++) {
        const vals = twoA[b] as number;
        if (vals === 0) continue;
        if (popcount(vals) > 1) return false;
        const v = 31 - Math.clz32(vals);
        let shown = false;
        for (let q = 0; q < qmasks.length && !shown; q++) {
          shown = showsSafeAt(qmasks[q] as number, b, v);
        }
        if (!shown) return false;
      }
      return true;
    },
    VotesSafe: () => {
      if (votesSafe !== -1) return votesSafe === 1;
      votesSafe = 0;
      for (let b = 0; b < B; b++) {
        for (let v = 0; v < V; v++) {
          if (voters[b * V + v] === 0) continue;
          for (let c = 0; c < b; c++) if (!noneOtherChoosableAt(c, v)) return false;
        }
      }
      votesSafe = 1;
      return true;
    },
    OneValuePerBallot: () => {
      for (let b = 0; b < B; b++) {
        let vals = 0;
        for (let v = 0; v < V; v++) if (voters[b * V + v] !== 0) vals |= 1 << v;
        if (popcount(vals) > 1) return false;
      }
      return true;
    },
    Consistency: () => popcount(chosenValuesFrom(0)) <= 1,
    /** R2: a chosen (b, v) and a chosen (b', v') with b' > b and v' # v. */
    R2: () => {
      for (let b = 0; b < B; b++) {
        for (let v = 0; v < V; v++) {
          if (chosenAt(b, v) && (chosenValuesFrom(b + 1) & ~(1 << v)) !== 0) return false;
        }
      }
      return true;
    },
    /** R2': a chosen (b, v) and a 2a (b', v') with b' > b and v' # v. */
    "R2'": () => {
      for (let b = 0; b < B; b++) {
        for (let v = 0; v < V; v++) {
          if (!chosenAt(b, v)) continue;
          for (let c = b + 1; c < B; c++) if (((twoA[c] as number) & ~(1 << v)) !== 0) return false;
        }
      }
      return true;
    },
    /**
     * I1: for each 2a (b, v), some quorum S where no member voted below b, or every vote of S
     * in the highest such ballot hi is for v (no member voted another value in hi).
     */
    I1: () => {
      for (let b = 0; b < B; b++) {
        for (let v = 0; v < V; v++) {
          if (!(((twoA[b] as number) >> v) & 1)) continue;
          let ok = false;
          for (let q = 0; q < qmasks.length && !ok; q++) {
            const S = qmasks[q] as number;
            const hi = highestVoteBelow(S, b);
            ok = hi === -1 || otherVoters(hi, v, S) === 0;
          }
          if (!ok) return false;
        }
      }
      return true;
    },
  };
  const otherVoters = (b: number, v: number, S: number): number => {
    let mask = 0;
    for (let w = 0; w < V; w++) if (w !== v) mask |= (voters[b * V + w] as number) & S;
    return mask;
  };
  state.Inv4 = () => state.VotesSafe!() && state.OneValuePerBallot!();

  /** The "sometimes" targets of spec/properties.ts over the same masks. */
  const reachTargets = (): Record<string, PackedCheck> => ({
    ValueChosen: () => chosenValuesFrom(0) !== 0,
    /** Two 2a messages with different ballots and different values. */
    TwoBallotsCompete: () => {
      for (let b = 0; b < B; b++) {
        for (let c = b + 1; c < B; c++) {
          const x = twoA[b] as number;
          const y = twoA[c] as number;
          // Some value of one differs from some value of the other unless both are {v}.
          if (x !== 0 && y !== 0 && popcount(x | y) >= 2) return true;
        }
      }
      return false;
    },
    ProposalAboveChosen: () => {
      for (let b = 0; b < B; b++) {
        if (!chosenAtBallot(b)) continue;
        for (let c = b + 1; c < B; c++) if (twoA[c] !== 0) return true;
      }
      return false;
    },
    PromiseReportsVote: () => {
      for (let a = 0; a < A; a++) {
        for (let b = 1; b < B; b++) {
          // Bits above bit 0 of a 1b group report a vote (mbal >= 0).
          if (bitsAt(buf0, off0, group1b[a * B + b] as number, 1 + b * V) > 1) return true;
        }
      }
      return false;
    },
    AcceptorVotesTwice: () => {
      for (let a = 0; a < A; a++) {
        let ballots = 0;
        for (let b = 0; b < B; b++) if (votes[a * B + b] !== 0) ballots++;
        if (ballots >= 2) return true;
      }
      return false;
    },
    ProposalBelowPromise: () => {
      let top = -1;
      for (let a = 0; a < A; a++) top = Math.max(top, maxBal[a] as number);
      for (let b = 0; b < top; b++) if (twoA[b] !== 0) return true;
      return false;
    },
  });
  const chosenAtBallot = (b: number): boolean => {
    for (let v = 0; v < V; v++) if (chosenAt(b, v)) return true;
    return false;
  };

  const region2b = A * B * V;
  const fieldWord = Int32Array.from(L.fieldWord);
  const balShift = Int32Array.from(L.maxBalShift);
  const balMask = (1 << L.balBits) - 1;
  /** R1: no maxBal decreases, and every 2b sent in the step has m.bal >= maxBal[m.acc]. */
  const r1: StepTest = (src, srcOff, dst, dstOff) => {
    for (let a = 0; a < A; a++) {
      const w = fieldWord[a] as number;
      const sh = balShift[a] as number;
      const after = ((dst[dstOff + w] as number) >>> sh) & balMask;
      if (after < (((src[srcOff + w] as number) >>> sh) & balMask)) return false;
    }
    for (let start = 0; start < region2b; start += 31) {
      const len = Math.min(31, region2b - start);
      let sent = bitsAt(dst, dstOff, base2b + start, len);
      sent &= ~bitsAt(src, srcOff, base2b + start, len);
      while (sent !== 0) {
        const low = sent & -sent;
        const i = start + 31 - Math.clz32(low);
        const b = Math.floor(i / (A * V));
        const a = Math.floor((i % (A * V)) / V);
        if (b < getMaxBal(L, src, srcOff, a)) return false;
        sent ^= low;
      }
    }
    return true;
  };
  const votingUnchanged: StepTest = (src, srcOff, dst, dstOff) => {
    for (let a = 0; a < A; a++) {
      const w = fieldWord[a] as number;
      const sh = balShift[a] as number;
      const after = ((dst[dstOff + w] as number) >>> sh) & balMask;
      if (after !== (((src[srcOff + w] as number) >>> sh) & balMask)) return false;
    }
    for (let start = 0; start < region2b; start += 31) {
      const len = Math.min(31, region2b - start);
      const after = bitsAt(dst, dstOff, base2b + start, len);
      if (after !== bitsAt(src, srcOff, base2b + start, len)) return false;
    }
    return true;
  };
  return { analyze, state, reach: reachTargets(), r1, votingUnchanged };
}
