/**
 * A partial trace as a constraint problem over spec steps (docs/trace-format.md, "Partial
 * traces"): what the logged lines say every completion must contain, and by which line.
 *
 * A completion is a behaviour of Paxos.tla (spec/paxos.ts) into which the logged lines fit in
 * their order: hidden steps may go anywhere between them. Each line states facts about the spec
 * state at its place, and this file turns them into the data the search (partial-search.ts)
 * needs, indexed by ballot:
 *
 *   send or recv of m        the step that sends m (spec `actionSending`) took place before it;
 *                            a 1b's report <<mbal, mval>> also needs its acceptor's vote in mbal
 *   persist, restart (state) a "pin": the acceptor's (maxBal, maxVBal, maxVal) at that line; its
 *                            steps up to that state come before it, the ones after come after
 *   learn, commit (with bal) a quorum voted (bal, val) before it ("chosen in bal")
 *   learn, commit, return    the value is chosen in some ballot before it ("chosen anywhere")
 *   reject                   only its own fields: the ballot refused is not above the promise
 *
 * Facts that contradict each other whatever the hidden steps (two 2a values in one ballot, two
 * reports in one acceptor's 1b, two values chosen) are `conflict`s, found here.
 *
 * What it leaves out, and why: client call order, crashes and a reject's claim about maxBal
 * are not constraints here (a lost restart or invoke line makes them unknowable); each is still
 * judged in a fully logged trace. The search is generic over one decree: Multi-Paxos builds one
 * problem per slot.
 */
import type { Ballot, Value } from '../../spec/paxos.js';
import type { QuorumSystem } from '../../spec/quorums.js';
import type { Durable, Event, TraceMessage } from './events.js';
import type { TraceNames } from './judge.js';

/** A fact no completion can meet, stated at the line that makes it impossible. */
export interface Conflict {
  readonly line: number;
  readonly rule: string;
  readonly conjunct: string;
  readonly why: string;
}

/** What one ballot's lines need: the spec's messages of that ballot, with their deadlines. */
export interface BallotNeeds {
  readonly bal: Ballot;
  /** The 2a's value the lines require (-1: none) and the first line requiring it. */
  val: Value | -1;
  valLine: number;
  /** The first line that needs the 2a sent (Infinity: none does, but a 2b or report needs it). */
  dl2a: number;
  logged1a: boolean;
  logged2a: boolean;
  /** Acceptors whose 1b (2b) of this ballot some line requires, as bitmasks. */
  req1b: number;
  req2b: number;
  /** Acceptors whose 1b (2b) is itself a logged line (for counting hidden steps). */
  logged1b: number;
  logged2b: number;
  /** Per acceptor, the first line that needs its 1b (2b) sent; Infinity when none does. */
  readonly dl1b: number[];
  readonly dl2b: number[];
  /** Per acceptor, the report <<mbal, mval>> its 1b must carry, as logged (mbal -1: none). */
  readonly report: ({ readonly mbal: Ballot | -1; readonly mval: Value | null;
    readonly line: number } | null)[];
  /** The first line claiming (bal, val) chosen; Infinity when none does. */
  claimDl: number;
  /** Pins whose state is this ballot's 1b (kind 0) or 2b (kind 1) of their acceptor. */
  readonly pins: Pin[];
}

/** An acceptor's durable state logged at `line`: maxBal, and its vote when logged. */
export interface Pin {
  readonly a: number;
  readonly line: number;
  readonly maxBal: Ballot | -1;
  readonly vote: { readonly maxVBal: Ballot | -1; readonly maxVal: Value | null } | null;
  readonly rule: 'persist' | 'restart';
}

export interface Problem {
  readonly n: number;
  readonly quorums: QuorumSystem;
  /** Every ballot the lines name, ascending; needs[j] is about ballots[j]. */
  readonly ballots: readonly Ballot[];
  readonly needs: readonly BallotNeeds[];
  /** Per acceptor, its pins in line order. */
  readonly pins: readonly (readonly Pin[])[];
  /** The first line claiming `val` chosen in some ballot (learn/commit without bal, return). */
  readonly anywhere: { readonly val: Value; readonly line: number } | null;
  readonly conflict: Conflict | null;
  readonly names: TraceNames;
}

interface Draft {
  readonly n: number;
  readonly byBallot: Map<Ballot, BallotNeeds>;
  readonly pins: Pin[][];
  /** The value some line claimed chosen first, for Consistency. */
  claimed: { val: Value; line: number } | null;
  anywhere: { val: Value; line: number } | null;
  conflict: Conflict | null;
  readonly names: TraceNames;
}

function needsOf(d: Draft, bal: Ballot): BallotNeeds {
  let x = d.byBallot.get(bal);
  if (x === undefined) {
    const inf = (): number[] => Array.from({ length: d.n }, () => Infinity);
    x = { bal, val: -1, valLine: 0, dl2a: Infinity, logged1a: false, logged2a: false,
      req1b: 0, req2b: 0, logged1b: 0, logged2b: 0, dl1b: inf(), dl2b: inf(),
      report: Array.from({ length: d.n }, () => null), claimDl: Infinity, pins: [] };
    d.byBallot.set(bal, x);
  }
  return x;
}

function conflict(d: Draft, line: number, rule: string, conjunct: string, why: string): void {
  d.conflict ??= { line, rule, conjunct, why };
}

/** The 2a (bal, v) is in msgs (needed by `line`; Infinity when only its effects are). */
function need2a(d: Draft, bal: Ballot, v: Value, line: number, dl: number, rule: string): void {
  const x = needsOf(d, bal);
  if (x.val !== -1 && x.val !== v) {
    const w = d.names;
    conflict(d, line, rule, '~ \\E m \\in msgs : m.type = "2a" /\\ m.bal = b',
      `ballot ${w.ballot(bal)} has a 2a for ${w.value(x.val)} (line ${x.valLine}), so no 2a ` +
        `or vote for ${w.value(v)} can exist in it`);
    return;
  }
  if (x.val === -1) {
    x.val = v;
    x.valLine = line;
  }
  x.dl2a = Math.min(x.dl2a, dl);
}

function need1b(d: Draft, m: Extract<TraceMessage, { type: '1b' }>, line: number,
  logged: boolean): void {
  const x = needsOf(d, m.bal);
  const w = d.names;
  const a = m.acc;
  if (m.mbal >= m.bal) {
    conflict(d, line, 'Phase1b', 'mbal |-> maxVBal[a], mval |-> maxVal[a]',
      `${w.acceptor(a)}'s 1b for ballot ${w.ballot(m.bal)} reports a vote in ballot ` +
        `${w.ballot(m.mbal)}, which is not below it (maxVBal <= maxBal < bal)`);
    return;
  }
  const old = x.report[a];
  if (old !== null && old !== undefined && (old.mbal !== m.mbal || old.mval !== m.mval)) {
    conflict(d, line, 'Phase1b', 'mbal |-> maxVBal[a], mval |-> maxVal[a]',
      `${w.acceptor(a)} sent one 1b for ballot ${w.ballot(m.bal)}, reporting ` +
        `${vote(w, old.mbal, old.mval)} at line ${old.line}; this one reports ` +
        `${vote(w, m.mbal, m.mval)}`);
    return;
  }
  if (old === null) x.report[a] = { mbal: m.mbal, mval: m.mval, line };
  x.req1b |= 1 << a;
  if (logged) x.logged1b |= 1 << a;
  x.dl1b[a] = Math.min(x.dl1b[a] as number, line);
  if (m.mbal >= 0 && m.mval !== null) need2b(d, a, m.mbal, m.mval, line, Infinity, 'Phase1b');
}

function need2b(d: Draft, a: number, bal: Ballot, v: Value, line: number, dl: number,
  rule: string, logged = false): void {
  need2a(d, bal, v, line, Infinity, rule);
  const x = needsOf(d, bal);
  x.req2b |= 1 << a;
  if (logged) x.logged2b |= 1 << a;
  x.dl2b[a] = Math.min(x.dl2b[a] as number, dl);
}

/** A claim that v is chosen (in bal, or anywhere when bal is -1) before `line`. */
function claim(d: Draft, v: Value, bal: Ballot | -1, line: number, rule: string): void {
  if (d.claimed !== null && d.claimed.val !== v) {
    const w = d.names;
    conflict(d, line, rule, 'Consistency',
      `${w.value(v)} is claimed chosen here, but ${w.value(d.claimed.val)} was claimed ` +
        `chosen at line ${d.claimed.line}, and at most one value is ever chosen`);
    return;
  }
  d.claimed ??= { val: v, line };
  if (bal === -1) {
    d.anywhere ??= { val: v, line };
    return;
  }
  need2a(d, bal, v, line, Infinity, rule);
  const x = needsOf(d, bal);
  x.claimDl = Math.min(x.claimDl, line);
}

function message(d: Draft, m: TraceMessage, line: number, sent: boolean): void {
  switch (m.type) {
    case '1a':
      if (sent) needsOf(d, m.bal).logged1a = true;
      else needsOf(d, m.bal);
      return;
    case '1b': need1b(d, m, line, sent); return;
    case '2a':
      need2a(d, m.bal, m.val, line, line, 'Phase2a');
      if (sent) needsOf(d, m.bal).logged2a = true;
      return;
    case '2b': need2b(d, m.acc, m.bal, m.val, line, line, 'Phase2b', sent); return;
    case 'commit': claim(d, m.val, m.bal, line, 'commit'); return;
    case 'reject':
      if (sent && m.promised !== null && m.bal > m.promised) {
        conflict(d, line, 'reject', 'bal <= promised',
          `${d.names.acceptor(m.acc)} refused ballot ${d.names.ballot(m.bal)} though it had ` +
            `promised only ${d.names.ballot(m.promised)}`);
      }
      return;
    case 'ext': return;
  }
}

/** A logged durable state: the steps that must lie behind it (its promise and its vote). */
function pin(d: Draft, a: number, s: Durable, line: number, rule: Pin['rule']): void {
  const w = d.names;
  const vote = s.vote;
  if (vote !== null && vote.maxVBal > s.maxBal) {
    conflict(d, line, rule, 'maxVBal[a] <= maxBal[a]',
      `${w.acceptor(a)}'s logged state has maxVBal ${w.ballot(vote.maxVBal)} above maxBal ` +
        `${w.ballot(s.maxBal)}, which no spec state has`);
    return;
  }
  const p: Pin = { a, line, maxBal: s.maxBal, vote, rule };
  (d.pins[a] as Pin[]).push(p);
  if (s.maxBal === -1) return;
  const x = needsOf(d, s.maxBal);
  x.pins.push(p);
  if (vote !== null && vote.maxVBal !== -1 && vote.maxVal !== null) {
    need2b(d, a, vote.maxVBal, vote.maxVal, line, line, rule);
  }
  // maxBal above the vote was raised by Phase1b(maxBal); with no vote logged, a Phase1b in
  // maxBal can always be added just before a vote in it, so assuming one loses no completion.
  if (vote === null || vote.maxVBal < s.maxBal) {
    x.req1b |= 1 << a;
    x.dl1b[a] = Math.min(x.dl1b[a] as number, line);
  }
}

function event(d: Draft, e: Event, line: number): void {
  switch (e.kind) {
    case 'send': case 'recv': message(d, e.msg, line, e.kind === 'send'); return;
    case 'persist': pin(d, e.node, e.state, line, 'persist'); return;
    case 'restart':
      if (e.state !== null && e.node < d.n) pin(d, e.node, e.state, line, 'restart');
      return;
    case 'learn': claim(d, e.val, e.bal, line, 'learn'); return;
    case 'return': if (e.val !== null) claim(d, e.val, -1, line, 'client'); return;
    default: return;
  }
}

/** The problem of the first `count` events (all by default). */
export function buildProblem(n: number, quorums: QuorumSystem, names: TraceNames,
  events: readonly { readonly e: Event; readonly line: number }[],
  count = events.length): Problem {
  const d: Draft = { n, byBallot: new Map(), pins: Array.from({ length: n }, () => []),
    claimed: null, anywhere: null, conflict: null, names };
  for (let i = 0; i < count && d.conflict === null; i++) {
    const x = events[i] as { e: Event; line: number };
    event(d, x.e, x.line);
  }
  const ballots = [...d.byBallot.keys()].sort((x, y) => x - y);
  return {
    n, quorums, ballots, needs: ballots.map((b) => d.byBallot.get(b) as BallotNeeds),
    pins: d.pins, anywhere: d.anywhere, conflict: d.conflict, names,
  };
}

export function vote(w: TraceNames, mbal: Ballot | -1, mval: Value | null): string {
  return mbal === -1 ? 'no vote' : `a vote for ${mval === null ? 'None' : w.value(mval)} in ` +
    `ballot ${w.ballot(mbal)}`;
}
