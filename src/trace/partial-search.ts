/**
 * The search for a completion of a partial trace (partial-problem.ts): does some behaviour of
 * Paxos.tla contain the logged lines in their order? The argument that the search is exact is
 * in docs/trace-format.md ("Partial traces"); in short:
 *
 * 1. An acceptor's steps are ordered by ballot. Phase1b(a) needs m.bal > maxBal[a] and Phase2b(a)
 *    m.bal >= maxBal[a], and both set maxBal[a] to m.bal, so an acceptor takes at most one 1b and
 *    one 2b per ballot, the 1b first. Its 1b in ballot b therefore reports its highest vote below
 *    b: what a 1b says depends on which steps the acceptor takes, never on when.
 * 2. Every other condition is about time: a step comes after the steps whose messages it needs
 *    (2b after its 2a, 2a after its quorum's 1b, an acceptor's steps in ballot order), before the
 *    first line that needs its message, and on the right side of each logged durable state of its
 *    acceptor. A line only ever asks for a message to exist already, or for an acceptor's state to
 *    be exactly what it logged; Phase1a is always enabled and a 2a stays enabled once it is, so
 *    each step may as well be taken at the earliest moment these allow, and the earliest times
 *    (a longest path over the steps in ballot order) meet every deadline if any times do.
 * 3. So a completion is a choice of steps, checked ballot by ballot: the steps the lines require,
 *    plus for each 2a one quorum whose 1b it rests on, and for each value claimed chosen one
 *    quorum that votes for it. Going up the ballots, all the future needs of the steps taken so
 *    far is each acceptor's latest vote and the time of its latest step: the search is a
 *    depth-first search over the quorums chosen per ballot, and a frontier that failed once is
 *    never searched again.
 *
 * Two modes. `strict` checks every condition, so what it finds is a completion; but a hidden 1b
 * reports only the votes this choice of steps contains, and a value claimed chosen "anywhere"
 * is sought in the ballots the trace names. `relaxed` drops exactly those two conditions (Phase2a's
 * value rule for a quorum with a 1b nobody logged, and "chosen anywhere"): every completion of the
 * trace, restricted to the ballots it names, satisfies it. Strict found: accept. Relaxed found
 * nothing: no completion exists, reject. Otherwise the answer is unknown.
 *
 * Work (one unit per step placed) is bounded by the caller's budget.
 */
import { popcount } from '../../spec/quorums.js';
import type { Ballot, Value } from '../../spec/paxos.js';
import { vote, type BallotNeeds, type Pin, type Problem } from './partial-problem.js';

export type Mode = 'strict' | 'relaxed';

/** Why one choice of steps failed, for the report; `line` is the line whose need failed. */
export interface Failure {
  readonly line: number;
  readonly conjunct: string;
  readonly why: string;
}

/** The quorums chosen at one ballot: the 2a's value (-1: no 2a), its 1b quorum, the voters. */
export interface Choice { readonly j: number; readonly val: Value | -1; readonly q1: number;
  readonly q2: number }

export interface SearchOutcome {
  /** 'budget': the work bound ran out; 'time': the deadline passed first. */
  readonly kind: 'found' | 'none' | 'budget' | 'time';
  readonly work: number;
  /** For `found`: the choices made at each ballot, in ballot order. */
  readonly choices: readonly Choice[];
  readonly choicePoints: number;
  readonly alternativesMax: number;
  /** With `explain`: why choices failed (distinct, at most FAILURES_MAX). */
  readonly failures: readonly Failure[];
}

const FAILURES_MAX = 8;
/** Failed frontiers remembered; past this the search still works, only forgets. */
const MEMO_MAX = 1 << 19;

/** Per acceptor: what its logged states say about a step with a given key (2 * j + kind). */
interface PinIndex {
  /** Pins by the highest key that must come before them: deadlines. */
  readonly dKeys: number[];
  readonly dLines: number[];
  /** Pins by the highest key that may come before them: releases. */
  readonly rKeys: number[];
  readonly rLines: number[];
}

function keyOf(index: ReadonlyMap<Ballot, number>, b: Ballot, kind: 0 | 1): number {
  return b === -1 ? -1 : 2 * (index.get(b) as number) + kind;
}

/**
 * A pin at state (maxBal, <<maxVBal, maxVal>>) puts the acceptor's steps up to its state's last
 * step (key D) before its line, and the steps after (keys above R) after it. With the vote
 * logged D = R is that step; without it, the 1b of maxBal must come before and any 2b in
 * maxBal may fall on either side.
 */
function pinIndex(p: Problem, index: ReadonlyMap<Ballot, number>, pins: readonly Pin[]): PinIndex {
  const dr = pins.map((pin) => {
    if (pin.vote === null) {
      return { d: keyOf(index, pin.maxBal, 0), r: keyOf(index, pin.maxBal, 1), line: pin.line };
    }
    const k = keyOf(index, pin.maxBal, pin.vote.maxVBal === pin.maxBal ? 1 : 0);
    return { d: k, r: k, line: pin.line };
  });
  const byD = [...dr].sort((x, y) => x.d - y.d);
  const byR = [...dr].sort((x, y) => x.r - y.r);
  const dLines = byD.map((x) => x.line);
  for (let i = dLines.length - 2; i >= 0; i--) dLines[i] = Math.min(dLines[i] as number,
    dLines[i + 1] as number);
  const rLines = byR.map((x) => x.line);
  for (let i = 1; i < rLines.length; i++) rLines[i] = Math.max(rLines[i] as number,
    rLines[i - 1] as number);
  void p;
  return { dKeys: byD.map((x) => x.d), dLines, rKeys: byR.map((x) => x.r), rLines };
}

/** The first line a step with key k must precede (Infinity: none). */
function deadlineOf(x: PinIndex, k: number): number {
  let lo = 0;
  let hi = x.dKeys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((x.dKeys[mid] as number) >= k) hi = mid;
    else lo = mid + 1;
  }
  return lo < x.dKeys.length ? x.dLines[lo] as number : Infinity;
}

/** The last line a step with key k must follow (0: none). */
function releaseOf(x: PinIndex, k: number): number {
  let lo = 0;
  let hi = x.rKeys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((x.rKeys[mid] as number) < k) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : x.rLines[lo - 1] as number;
}

/**
 * The frontier after some ballots: per acceptor the time of its latest step (the line it
 * follows), its latest vote's ballot (-1: none) and value (-1: none); and whether the value
 * claimed chosen anywhere already is. Packed as [t..., voteBal..., voteVal..., resolved].
 */
type Frontier = Float64Array;

interface Ctx {
  readonly p: Problem;
  readonly mode: Mode;
  readonly pins: readonly PinIndex[];
  readonly explain: boolean;
  readonly failures: Failure[];
  /** Quorums (masks) in the system's order. */
  readonly masks: readonly number[];
  work: number;
  /** Scratch: the times of this ballot's 1b and 2b steps per acceptor. */
  readonly t1: Float64Array;
  readonly t2: Float64Array;
}

function fail(c: Ctx, line: number, conjunct: string, why: () => string): false {
  if (!c.explain || c.failures.length >= FAILURES_MAX) return false;
  const f = { line, conjunct, why: why() };
  if (!c.failures.some((x) => x.line === f.line && x.why === f.why)) c.failures.push(f);
  return false;
}

/** Places acceptor a's step (kind 0: 1b, 1: 2b) of ballot j; false when it is too late. */
function place(c: Ctx, F: Frontier, j: number, a: number, kind: 0 | 1, after: number): boolean {
  const n = c.p.n;
  const x = c.p.needs[j] as BallotNeeds;
  const k = 2 * j + kind;
  const pins = c.pins[a] as PinIndex;
  const rel = releaseOf(pins, k);
  const t = Math.max(F[a] as number, rel, after);
  const own = (kind === 0 ? x.dl1b : x.dl2b)[a] as number;
  const dl = Math.min(own, deadlineOf(pins, k));
  c.work++;
  if (t >= dl) {
    const w = c.p.names;
    return fail(c, dl, kind === 0 ? 'Phase1b: m.bal > maxBal[a]' : 'Phase2b: m.bal \\geq maxBal[a]',
      () => `${w.acceptor(a)}'s ${kind === 0 ? '1b' : 'vote'} in ballot ${w.ballot(x.bal)} must ` +
        `come before line ${dl}${dl === own ? '' : ' (its logged state there is past it)'}, but ` +
        `cannot come before line ${t}: ${t === rel ? `its state logged at line ${rel} is from ` +
          `before it` : t === after && kind === 1 ? `the 2a it answers cannot be sent before`
          : `its steps in lower ballots must come first`}`);
  }
  F[a] = t;
  (kind === 0 ? c.t1 : c.t2)[a] = t;
  if (kind === 1) {
    F[n + a] = x.bal;
    F[2 * n + a] = x.val;
  }
  return true;
}

/** Pins whose state is reached by this ballot's step of kind `kind`: is the vote the logged one? */
function checkPins(c: Ctx, F: Frontier, j: number, kind: 0 | 1): boolean {
  const n = c.p.n;
  const x = c.p.needs[j] as BallotNeeds;
  for (const pin of x.pins) {
    if (pin.vote === null || (pin.vote.maxVBal === pin.maxBal ? 1 : 0) !== kind) continue;
    const a = pin.a;
    const vb = F[n + a] as number;
    const vv = F[2 * n + a] as number;
    if (vb === pin.vote.maxVBal && (vb === -1 || vv === pin.vote.maxVal)) continue;
    const w = c.p.names;
    return fail(c, pin.line, pin.rule, () => `${w.acceptor(a)}'s state logged at line ` +
      `${pin.line} has ${vote(w, pin.vote?.maxVBal ?? -1, pin.vote?.maxVal ?? null)} as its ` +
      `latest, but the votes its lines require make it ${vote(w, vb, vv === -1 ? null : vv)}`);
  }
  return true;
}

/** The 1b of ballot j by every acceptor in mask s1: placed, and their reports checked. */
function stage1b(c: Ctx, F: Frontier, j: number, s1: number): boolean {
  const n = c.p.n;
  const x = c.p.needs[j] as BallotNeeds;
  for (let a = 0; a < n; a++) {
    if (((s1 >>> a) & 1) === 0) continue;
    const r = x.report[a];
    const vb = F[n + a] as number;
    const vv = F[2 * n + a] as number;
    if (r !== null && r !== undefined && (r.mbal !== vb || (vb !== -1 && r.mval !== vv))) {
      const w = c.p.names;
      return fail(c, r.line, 'Phase1b: mbal |-> maxVBal[a], mval |-> maxVal[a]',
        () => `${w.acceptor(a)}'s 1b for ballot ${w.ballot(x.bal)} reports ` +
          `${vote(w, r.mbal, r.mval)}, but the votes its lines require make its latest vote ` +
          `below ${w.ballot(x.bal)} ${vote(w, vb, vv === -1 ? null : vv)}`);
    }
    if (!place(c, F, j, a, 0, 0)) return false;
  }
  return checkPins(c, F, j, 0);
}

/**
 * showsSafe (spec/paxos.ts) for the 1b of quorum q1 in ballot j, read off the frontier after
 * stage1b (the 1b report the votes before it). The vote columns hold the latest vote, which is
 * below the ballot since a 2b of this ballot comes after its 1b.
 */
function showsSafe(c: Ctx, F: Frontier, q1: number, reportsBefore: Float64Array,
  v: Value): boolean {
  const n = c.p.n;
  let top = -1;
  let topHasV = false;
  for (let a = 0; a < n; a++) {
    if (((q1 >>> a) & 1) === 0) continue;
    const mbal = reportsBefore[a] as number;
    const hasV = reportsBefore[n + a] === v;
    if (mbal > top) {
      top = mbal;
      topHasV = hasV;
    } else if (mbal === top && hasV) topHasV = true;
  }
  void F;
  return top === -1 || topHasV;
}

/** The earliest time some quorum within mask s has all its steps (times in t): Infinity if none. */
function quorumTime(c: Ctx, s: number, t: Float64Array): number {
  let best = Infinity;
  for (const q of c.masks) {
    if ((q & s) !== q) continue;
    let worst = 0;
    for (let a = 0; a < c.p.n; a++) {
      if (((q >>> a) & 1) === 1) worst = Math.max(worst, t[a] as number);
    }
    best = Math.min(best, worst);
  }
  return best;
}

/** Takes ballot j's steps under one choice; F is updated in place (a copy, on failure dropped). */
function tryChoice(c: Ctx, F: Frontier, ch: Choice): boolean {
  const { j, val, q1, q2 } = ch;
  const p = c.p;
  const n = p.n;
  const x = p.needs[j] as BallotNeeds;
  const w = p.names;
  const reports = F.slice(n, 3 * n) as Float64Array;
  if (!stage1b(c, F, j, x.req1b | q1)) return false;
  let t2a = 0;
  if (val !== -1) {
    for (let a = 0; a < n; a++) if (((q1 >>> a) & 1) === 1) t2a = Math.max(t2a, c.t1[a] as number);
    const checked = c.mode === 'strict' || (q1 & ~pinnedReports(x)) === 0;
    if (checked && !showsSafe(c, F, q1, reports, val)) {
      return fail(c, x.valLine, 'Phase2a: Q1bv = {} \\/ \\E m \\in Q1bv : m.mval = v /\\ ' +
        '\\A mm \\in Q1bv : m.mbal >= mm.mbal', () => `the 1b of quorum ` +
        `{${members(q1, n).map(w.acceptor).join(', ')}} in ballot ${w.ballot(x.bal)} show ` +
        `${w.value(val)} is not safe there`);
    }
    if (t2a >= x.dl2a) {
      return fail(c, x.dl2a, 'Phase2a: \\A a \\in Q : \\E m \\in Q1b : m.acc = a',
        () => `the 2a of ballot ${w.ballot(x.bal)} must be sent before line ${x.dl2a}, but the ` +
          `1b ` +
          `of quorum {${members(q1, n).map(w.acceptor).join(', ')}} cannot all come before line ` +
          `${t2a}`);
    }
  }
  const s2 = x.req2b | q2;
  for (let a = 0; a < n; a++) {
    if (((s2 >>> a) & 1) === 1 && !place(c, F, j, a, 1, t2a)) return false;
  }
  if (!checkPins(c, F, j, 1)) return false;
  if (x.claimDl === Infinity && F[3 * n] === 1) return true;
  const chosenAt = s2 === 0 ? Infinity : quorumTime(c, s2, c.t2);
  if (x.claimDl !== Infinity && chosenAt >= x.claimDl) {
    return fail(c, x.claimDl, 'val \\in chosen', () => `no quorum can have voted for ` +
      `${w.value(x.val)} in ballot ${w.ballot(x.bal)} before line ${x.claimDl}`);
  }
  const any = p.anywhere;
  if (any !== null && any.val === val && chosenAt < any.line) F[3 * n] = 1;
  return true;
}

function pinnedReports(x: BallotNeeds): number {
  let mask = 0;
  for (let a = 0; a < x.report.length; a++) if (x.report[a] !== null) mask |= 1 << a;
  for (const pin of x.pins) if (pin.vote !== null
    && pin.vote.maxVBal < pin.maxBal) mask |= 1 << pin.a;
  return mask;
}

function members(mask: number, n: number): number[] {
  const out: number[] = [];
  for (let a = 0; a < n; a++) if (((mask >>> a) & 1) === 1) out.push(a);
  return out;
}

/**
 * The choices at ballot j from frontier F, fewest hidden steps first: the 2a's value (the
 * logged one; in strict mode, a ballot with none may carry the value claimed chosen anywhere),
 * the quorum its 1b come from, and the quorum that votes when a line claims it chosen.
 */
function choicesAt(c: Ctx, F: Frontier, j: number): Choice[] {
  const x = c.p.needs[j] as BallotNeeds;
  const any = c.p.anywhere;
  const open = c.mode === 'strict' && any !== null && F[3 * c.p.n] !== 1;
  const vals: (Value | -1)[] = x.val !== -1 ? [x.val] : open ? [-1, (any as { val: Value }).val]
    : [-1];
  const out: Choice[] = [];
  for (const val of vals) {
    const q1s = val === -1 ? [0] : byCost(c.masks, x.req1b);
    let q2s = [0];
    if (val !== -1 && (x.claimDl !== Infinity || (open && val === any?.val))) {
      q2s = dedupe(byCost(c.masks, x.req2b), x.req2b);
      if (x.claimDl === Infinity && x.val !== -1) q2s = [0, ...q2s.filter((q) => (
        q & ~x.req2b) !== 0)];
    }
    for (const q1 of q1s) for (const q2 of q2s) out.push({ j, val, q1, q2 });
  }
  return out;
}

function byCost(masks: readonly number[], have: number): number[] {
  return [...masks].sort((x, y) => popcount(x & ~have) - popcount(y & ~have));
}

/** Voter quorums that add the same hidden votes are the same choice. */
function dedupe(qs: readonly number[], have: number): number[] {
  const seen = new Set<number>();
  return qs.filter((q) => {
    const extra = q & ~have;
    if (seen.has(extra)) return false;
    seen.add(extra);
    return true;
  });
}

function memoKey(c: Ctx, F: Frontier, j: number): string {
  const n = c.p.n;
  // A later step of a is placed no earlier than the release of ballot j's keys anyway.
  let key = `${j}:${F[3 * n]}`;
  for (let a = 0; a < n; a++) {
    const t = Math.max(F[a] as number, releaseOf(c.pins[a] as PinIndex, 2 * j));
    key += `|${t},${F[n + a]},${F[2 * n + a]}`;
  }
  return key;
}

interface Frame { readonly j: number; readonly before: Frontier; readonly choices: Choice[];
  next: number }

/** Depth-first over the ballots, choosing quorums; see the file header. */
export function search(p: Problem, mode: Mode, budget: number,
  explain = false, deadline = Infinity): SearchOutcome {
  const index = new Map(p.ballots.map((b, j) => [b, j]));
  const c: Ctx = {
    p, mode, explain, failures: [], masks: p.quorums.masks, work: 0,
    pins: p.pins.map((pins) => pinIndex(p, index, pins)),
    t1: new Float64Array(p.n), t2: new Float64Array(p.n),
  };
  const n = p.n;
  const start = new Float64Array(3 * n + 1);
  start.fill(-1, n, 3 * n);
  const failed = new Set<string>();
  const frames: Frame[] = [];
  let F: Frontier = start;
  let j = 0;
  const outcome = (kind: SearchOutcome['kind']): SearchOutcome => ({
    kind, work: c.work, failures: c.failures,
    choices: kind === 'found' ? frames.map((f) => f.choices[f.next - 1] as Choice) : [],
    choicePoints: frames.filter((f) => f.choices.length > 1).length,
    alternativesMax: Math.max(1, ...frames.map((f) => f.choices.length)),
  });
  let rounds = 0;
  for (;;) {
    if (c.work > budget) return outcome('budget');
    // The clock is read every 1024 rounds (and on the first): reading it costs about 50 ns.
    if ((rounds++ & 1023) === 0 && performance.now() >= deadline) return outcome('time');
    let advanced = false;
    if (j === p.ballots.length) {
      if (mode === 'relaxed' || p.anywhere === null || F[3 * n] === 1) return outcome('found');
      const any = p.anywhere;
      fail(c, any.line, 'val \\in chosen', () => `${p.names.value(any.val)} is claimed chosen ` +
        `at line ${any.line}, but no ballot the trace names can have a quorum vote for it before`);
    } else if (!failed.has(memoKey(c, F, j))) {
      frames.push({ j, before: F, choices: choicesAt(c, F, j), next: 0 });
      advanced = true;
    }
    // Try the next choice of the top frame; pop the frames that have none left.
    if (!advanced && frames.length === 0) return outcome('none');
    for (;;) {
      const f = frames[frames.length - 1];
      if (f === undefined) return outcome('none');
      const ch = f.choices[f.next++];
      if (ch === undefined) {
        frames.pop();
        if (failed.size < MEMO_MAX) failed.add(memoKey(c, f.before, f.j));
        continue;
      }
      const next = f.before.slice() as Frontier;
      if (tryChoice(c, next, ch)) {
        F = next;
        j = f.j + 1;
        break;
      }
      if (c.work > budget) return outcome('budget');
    }
  }
}
