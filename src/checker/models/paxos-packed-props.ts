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

/** What the layout says, computed once: quorum lookup, and where each message run starts. */
interface Facts {
  readonly A: number;
  readonly B: number;
  readonly V: number;
  /** hasQuorum[S] = 1 when the set of acceptors S includes a quorum. */
  readonly hasQuorum: Uint8Array;
  readonly qmasks: Int32Array;
  /** First bit of the 1b messages of (a, b): 1b(a, b, -1, None), then (mbal, mval) in order. */
  readonly group1b: Int32Array;
  /** The 1b messages as one run: its first bit, its length, and what each bit says. */
  readonly base1b: number;
  readonly region1b: number;
  readonly acc1b: Int32Array;
  readonly bal1b: Int32Array;
  readonly mbal1b: Int32Array;
  readonly mval1b: Int32Array;
  /** First bits of the 2a run (ballot-major, b*V+v) and the 2b run (ballot-major, (b*A+a)*V+v). */
  readonly base2a: number;
  readonly base2b: number;
  readonly fieldWord: Int32Array;
  readonly balShift: Int32Array;
  readonly balMask: number;
}

function layoutFacts(L: PaxosLayout): Facts {
  const { A, B, V } = L;
  if (A * V > 31) throw new RangeError('packed properties: at most 31 acceptor-value pairs');
  const hasQuorum = new Uint8Array(1 << A);
  for (let S = 0; S < 1 << A; S++) {
    hasQuorum[S] = L.k.quorums.masks.some((Q) => (Q & S) === Q) ? 1 : 0;
  }
  const group1b = new Int32Array(A * B);
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) group1b[a * B + b] = L.bit1b[index1b(L, a, b, -1, null)] as number;
  }
  const first1b = L.messages.findIndex((m) => m.type === '1b');
  const ones = L.messages.filter((m) => m.type === '1b');
  if (ones.some((m, i) => L.messages[first1b + i] !== m)) {
    throw new Error('checker bug: 1b messages are not contiguous in the layout');
  }
  assertContiguous(L);
  return {
    A, B, V, hasQuorum, qmasks: Int32Array.from(L.k.quorums.masks), group1b,
    base1b: L.msgBase + first1b,
    region1b: ones.length,
    acc1b: Int32Array.from(ones, (m) => m.acc),
    bal1b: Int32Array.from(ones, (m) => m.bal),
    mbal1b: Int32Array.from(ones, (m) => m.mbal),
    mval1b: Int32Array.from(ones, (m) => m.mval ?? -1),
    base2a: L.bit2a[0] as number,
    base2b: L.bit2b[0] as number,
    fieldWord: Int32Array.from(L.fieldWord),
    balShift: Int32Array.from(L.maxBalShift),
    balMask: (1 << L.balBits) - 1,
  };
}

/**
 * compareMessages sorts by type, then ballot, acceptor, value: all 2b messages form one
 * contiguous run of bits, ballot-major, and so do all 2a messages. Reading V (or A*V) bits at a
 * time is what makes the analysis cheap; this checks the layout is so.
 */
function assertContiguous(L: PaxosLayout): void {
  const { A, B, V } = L;
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
}

/**
 * The masks of one state, and the small predicates of Voting.tla over them. `analyze` fills
 * them; the property checks only read them.
 */
class Analysis {
  readonly maxBal: Int32Array;
  readonly maxVBal: Int32Array;
  readonly maxVal: Int32Array;
  /** votes[a*B+b]: the values a voted for in b. */
  readonly votes: Int32Array;
  /** voters[b*V+v]: the acceptors that voted v in b. */
  readonly voters: Int32Array;
  /** votedAny[b]: the acceptors that voted in b. */
  readonly votedAny: Int32Array;
  /** twoA[b]: the values of ballot b's 2a messages. */
  readonly twoA: Int32Array;
  buf: Uint32Array = new Uint32Array(0);
  off = 0;
  /** VotesSafe's verdict for this state (-1: not yet computed); Inv4 reuses it. */
  votesSafe = -1;
  /** The words last analyzed: the engine asks several questions of each new state, and
   *  comparing a few words is cheaper than building the masks again. */
  private readonly seen: Uint32Array;
  private analyzed = false;

  constructor(readonly L: PaxosLayout, readonly f: Facts) {
    this.maxBal = new Int32Array(f.A);
    this.maxVBal = new Int32Array(f.A);
    this.maxVal = new Int32Array(f.A);
    this.votes = new Int32Array(f.A * f.B);
    this.voters = new Int32Array(f.B * f.V);
    this.votedAny = new Int32Array(f.B);
    this.twoA = new Int32Array(f.B);
    this.seen = new Uint32Array(L.words);
  }

  analyze(buf: Uint32Array, off: number): void {
    this.buf = buf;
    this.off = off;
    if (this.analyzed && this.sameAs(buf, off)) return;
    for (let i = 0; i < this.L.words; i++) this.seen[i] = buf[off + i] as number;
    this.analyzed = true;
    this.votesSafe = -1;
    const { A, B, V, base2a, base2b } = this.f;
    const L = this.L;
    this.voters.fill(0);
    this.votedAny.fill(0);
    for (let a = 0; a < A; a++) {
      this.maxBal[a] = getMaxBal(L, buf, off, a);
      this.maxVBal[a] = getMaxVBal(L, buf, off, a);
      this.maxVal[a] = getMaxVal(L, buf, off, a);
    }
    const valueMask = (1 << V) - 1;
    for (let b = 0; b < B; b++) {
      this.twoA[b] = bitsAt(buf, off, base2a + b * V, V);
      const row = bitsAt(buf, off, base2b + b * A * V, A * V);
      for (let a = 0; a < A; a++) {
        const mask = (row >>> (a * V)) & valueMask;
        this.votes[a * B + b] = mask;
        if (mask === 0) continue;
        this.votedAny[b]! |= 1 << a;
        for (let v = 0; v < V; v++) if ((mask >>> v) & 1) this.voters[b * V + v]! |= 1 << a;
      }
    }
  }

  private sameAs(buf: Uint32Array, off: number): boolean {
    for (let i = 0; i < this.L.words; i++) if (this.seen[i] !== buf[off + i]) return false;
    return true;
  }

  /** The acceptors whose maxBal is at least b. */
  joinedAtLeast(b: number): number {
    let mask = 0;
    for (let a = 0; a < this.f.A; a++) if ((this.maxBal[a] as number) >= b) mask |= 1 << a;
    return mask;
  }

  /** The highest ballot d < b in which some member of S voted, or -1. */
  highestVoteBelow(S: number, b: number): number {
    for (let d = b - 1; d >= 0; d--) if (((this.votedAny[d] as number) & S) !== 0) return d;
    return -1;
  }

  /**
   * ShowsSafeAt(Q, b, v): all of Q has maxBal >= b, and some c in -1..b-1 has (c = -1 or a
   * member voted v in c) with no member voting in c+1..b-1. With hi the highest ballot below b
   * where a member voted, c must be >= hi (silence above c) and, if c # -1, <= hi (a vote in
   * c); so the condition is hi = -1, or a member voted v in hi.
   */
  showsSafeAt(Q: number, b: number, v: number): boolean {
    if ((this.joinedAtLeast(b) & Q) !== Q) return false;
    const hi = this.highestVoteBelow(Q, b);
    return hi === -1 || ((this.voters[hi * this.f.V + v] as number) & Q) !== 0;
  }

  /**
   * NoneOtherChoosableAt(c, v): some quorum whose members each voted v in c, or have
   * maxBal > c and no vote in c. The members that qualify form a mask; ask for a quorum in it.
   */
  noneOtherChoosableAt(c: number, v: number): boolean {
    let ok = this.voters[c * this.f.V + v] as number;
    const silent = ~(this.votedAny[c] as number);
    for (let a = 0; a < this.f.A; a++) {
      if ((this.maxBal[a] as number) > c && (silent >> a) & 1) ok |= 1 << a;
    }
    return this.f.hasQuorum[ok] === 1;
  }

  /** ChosenAt(b, v): the acceptors that voted v in b include a quorum. */
  chosenAt(b: number, v: number): boolean {
    return this.f.hasQuorum[this.voters[b * this.f.V + v] as number] === 1;
  }

  /** The values chosen in ballots b0 and above, as a mask. */
  chosenValuesFrom(b0: number): number {
    let mask = 0;
    for (let b = b0; b < this.f.B; b++) {
      for (let v = 0; v < this.f.V; v++) if (this.chosenAt(b, v)) mask |= 1 << v;
    }
    return mask;
  }

  chosenAtBallot(b: number): boolean {
    for (let v = 0; v < this.f.V; v++) if (this.chosenAt(b, v)) return true;
    return false;
  }

  /** The members of S that voted in b for a value other than v. */
  otherVoters(b: number, v: number, S: number): number {
    let mask = 0;
    for (let w = 0; w < this.f.V; w++) {
      if (w !== v) mask |= (this.voters[b * this.f.V + w] as number) & S;
    }
    return mask;
  }
}

/** TypeOK and Paxos.tla's Inv1..Inv3. */
function invariantChecks(x: Analysis): Record<string, PackedCheck> {
  const { A, B, V } = x.f;
  return {
    /** TypeOK: every encodable message is in Message; only the fields can be out of range. */
    TypeOK: () => {
      for (let a = 0; a < A; a++) {
        if ((x.maxBal[a] as number) >= B || (x.maxVBal[a] as number) >= B) return false;
        if ((x.maxVal[a] as number) >= V) return false;
      }
      return true;
    },
    Inv1: () => {
      for (let a = 0; a < A; a++) {
        const b = x.maxVBal[a] as number;
        const v = x.maxVal[a] as number;
        if (b === -1) {
          if (v !== -1) return false;
        } else if (v === -1 || !(((x.votes[a * B + b] as number) >> v) & 1)) {
          return false;
        }
      }
      return true;
    },
    /** Inv2, over the set bits of the 1b run: the sender joined; a reported vote was cast. */
    Inv2: () => {
      const f = x.f;
      for (let start = 0; start < f.region1b; start += 31) {
        let bits = bitsAt(x.buf, x.off, f.base1b + start, Math.min(31, f.region1b - start));
        while (bits !== 0) {
          const low = bits & -bits;
          const i = start + 31 - Math.clz32(low);
          const a = f.acc1b[i] as number;
          const mbal = f.mbal1b[i] as number;
          if ((x.maxBal[a] as number) < (f.bal1b[i] as number)) return false;
          if (mbal >= 0 && !(((x.votes[a * B + mbal] as number) >>> (f.mval1b[i] as number)) & 1)) {
            return false;
          }
          bits ^= low;
        }
      }
      return true;
    },
    /** Inv3: one value per ballot among 2a messages, each shown safe by some quorum. */
    Inv3: () => {
      for (let b = 0; b < B; b++) {
        const vals = x.twoA[b] as number;
        if (vals === 0) continue;
        if (popcount(vals) > 1) return false;
        const v = 31 - Math.clz32(vals);
        let shown = false;
        for (let q = 0; q < x.f.qmasks.length && !shown; q++) {
          shown = x.showsSafeAt(x.f.qmasks[q] as number, b, v);
        }
        if (!shown) return false;
      }
      return true;
    },
  };
}

/** Voting's invariants and Consistency, through the refinement mapping. */
function votingChecks(x: Analysis): Record<string, PackedCheck> {
  const { B, V } = x.f;
  const votesSafe = (): boolean => {
    for (let b = 0; b < B; b++) {
      for (let v = 0; v < V; v++) {
        if (x.voters[b * V + v] === 0) continue;
        for (let c = 0; c < b; c++) if (!x.noneOtherChoosableAt(c, v)) return false;
      }
    }
    return true;
  };
  const oneValuePerBallot = (): boolean => {
    for (let b = 0; b < B; b++) {
      let vals = 0;
      for (let v = 0; v < V; v++) if (x.voters[b * V + v] !== 0) vals |= 1 << v;
      if (popcount(vals) > 1) return false;
    }
    return true;
  };
  const VotesSafe = (): boolean => {
    if (x.votesSafe === -1) x.votesSafe = votesSafe() ? 1 : 0;
    return x.votesSafe === 1;
  };
  return {
    VotesSafe,
    OneValuePerBallot: oneValuePerBallot,
    Inv4: () => VotesSafe() && oneValuePerBallot(),
    Consistency: () => popcount(x.chosenValuesFrom(0)) <= 1,
  };
}

/** Paxos Made Simple's R2, R2' and I1. */
function paperChecks(x: Analysis): Record<string, PackedCheck> {
  const { B, V } = x.f;
  return {
    /** R2: a chosen (b, v) and a chosen (b', v') with b' > b and v' # v. */
    R2: () => {
      for (let b = 0; b < B; b++) {
        for (let v = 0; v < V; v++) {
          if (x.chosenAt(b, v) && (x.chosenValuesFrom(b + 1) & ~(1 << v)) !== 0) return false;
        }
      }
      return true;
    },
    /** R2': a chosen (b, v) and a 2a (b', v') with b' > b and v' # v. */
    "R2'": () => {
      for (let b = 0; b < B; b++) {
        for (let v = 0; v < V; v++) {
          if (!x.chosenAt(b, v)) continue;
          for (let c = b + 1; c < B; c++) {
            if (((x.twoA[c] as number) & ~(1 << v)) !== 0) return false;
          }
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
          if (!(((x.twoA[b] as number) >> v) & 1)) continue;
          let ok = false;
          for (let q = 0; q < x.f.qmasks.length && !ok; q++) {
            const S = x.f.qmasks[q] as number;
            const hi = x.highestVoteBelow(S, b);
            ok = hi === -1 || x.otherVoters(hi, v, S) === 0;
          }
          if (!ok) return false;
        }
      }
      return true;
    },
  };
}

/** The "sometimes" targets of spec/properties.ts over the same masks. */
function reachChecks(x: Analysis): Record<string, PackedCheck> {
  const { A, B, V } = x.f;
  return {
    ValueChosen: () => x.chosenValuesFrom(0) !== 0,
    /** Two 2a messages with different ballots and different values. */
    TwoBallotsCompete: () => {
      for (let b = 0; b < B; b++) {
        for (let c = b + 1; c < B; c++) {
          const vals = (x.twoA[b] as number) | (x.twoA[c] as number);
          // Some value of one differs from some value of the other unless both are {v}.
          if (x.twoA[b] !== 0 && x.twoA[c] !== 0 && popcount(vals) >= 2) return true;
        }
      }
      return false;
    },
    ProposalAboveChosen: () => {
      for (let b = 0; b < B; b++) {
        if (!x.chosenAtBallot(b)) continue;
        for (let c = b + 1; c < B; c++) if (x.twoA[c] !== 0) return true;
      }
      return false;
    },
    /** Bits above bit 0 of a 1b group report a vote (mbal >= 0). */
    PromiseReportsVote: () => {
      for (let a = 0; a < A; a++) {
        for (let b = 1; b < B; b++) {
          if (bitsAt(x.buf, x.off, x.f.group1b[a * B + b] as number, 1 + b * V) > 1) return true;
        }
      }
      return false;
    },
    AcceptorVotesTwice: () => {
      for (let a = 0; a < A; a++) {
        let ballots = 0;
        for (let b = 0; b < B; b++) if (x.votes[a * B + b] !== 0) ballots++;
        if (ballots >= 2) return true;
      }
      return false;
    },
    ProposalBelowPromise: () => {
      let top = -1;
      for (let a = 0; a < A; a++) top = Math.max(top, x.maxBal[a] as number);
      for (let b = 0; b < top; b++) if (x.twoA[b] !== 0) return true;
      return false;
    },
  };
}

/** R1 and the refinement shortcut: they read both states of a step directly. */
function stepTests(L: PaxosLayout, f: Facts): Pick<PackedProperties, 'r1' | 'votingUnchanged'> {
  const { A, B, V, fieldWord, balShift, balMask, base2b } = f;
  const region2b = A * B * V;
  const balOf = (buf: Uint32Array, off: number, a: number): number =>
    ((buf[off + (fieldWord[a] as number)] as number) >>> (balShift[a] as number)) & balMask;
  /** R1: no maxBal decreases, and every 2b sent in the step has m.bal >= maxBal[m.acc]. */
  const r1: StepTest = (src, srcOff, dst, dstOff) => {
    for (let a = 0; a < A; a++) if (balOf(dst, dstOff, a) < balOf(src, srcOff, a)) return false;
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
    for (let a = 0; a < A; a++) if (balOf(dst, dstOff, a) !== balOf(src, srcOff, a)) return false;
    for (let start = 0; start < region2b; start += 31) {
      const len = Math.min(31, region2b - start);
      const after = bitsAt(dst, dstOff, base2b + start, len);
      if (after !== bitsAt(src, srcOff, base2b + start, len)) return false;
    }
    return true;
  };
  return { r1, votingUnchanged };
}

export function packedProperties(L: PaxosLayout): PackedProperties {
  const f = layoutFacts(L);
  const x = new Analysis(L, f);
  return {
    analyze: (buf, off) => x.analyze(buf, off),
    state: { ...invariantChecks(x), ...votingChecks(x), ...paperChecks(x) },
    reach: reachChecks(x),
    ...stepTests(L, f),
  };
}
