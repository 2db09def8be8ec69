/**
 * Partial traces (issue 4, section 3; issue 7, section 1): the implementation logged only some
 * events (only sends, no receives or persists, lost lines), so the spec steps behind a line may
 * have happened anywhere before it, unlogged. The trace is accepted when some behaviour of
 * Paxos.tla contains its lines in their order (a "completion"), rejected only when none does,
 * and otherwise "unknown".
 *
 * The lines become constraints (partial-problem.ts) and a search decides them
 * (partial-search.ts, which carries the argument that it is exact): first strictly, which finds
 * a completion or not; if not, relaxed, which over-approximates every completion, so that its
 * failure is a proof that none exists. The rejection names the first line L such that lines
 * 1..L have no completion (found by bisecting prefixes, relaxed), with the conditions that failed
 * and, when the search found a completion of lines 1..L-1, the spec conjunct line L breaks in the
 * state that completion ends in.
 *
 * Budget: one unit per step placed, shared by all the searches; when it runs out, the verdict
 * is "unknown: budget exhausted", never a guess. Memory: the constraints (per ballot named and
 * per line) and one frontier per ballot on the search's path, so linear in the trace.
 *
 * Fully logged traces go to checker.ts, which is incremental and much faster.
 */
import {
  actions, actionSending, compareMessages, send, testStep, type Message, type PaxosState,
} from '../../spec/paxos.js';
import type { CheckSummary } from './checker.js';
import { constantsOf, type Cluster, type Event, type NameTable } from './events.js';
import { traceNamesOf, withBallotNames, type Rejection, type TraceNames } from './judge.js';
import { buildProblem, type Problem } from './partial-problem.js';
import { search, type Choice, type Failure, type SearchOutcome } from './partial-search.js';

/** Why a line could not be explained. */
export interface CandidateFailure { readonly conjunct: string; readonly why: string }

export type PartialVerdict = 'accepted' | 'rejected' | 'unknown';

export interface PartialReport {
  readonly verdict: PartialVerdict;
  readonly accepted: boolean;
  /** For "unknown": why no verdict ("budget exhausted", or what the search does not cover). */
  readonly unknown: string | null;
  /** Hidden steps in the completion found (0 when none was). */
  readonly inferred: number;
  /** Ballots with more than one choice on the search's path, and the most choices at one. */
  readonly choicePoints: number;
  readonly alternativesMax: number;
  /** Work done (steps placed) in all the searches, and the budget it is bounded by. */
  readonly explored: number;
  readonly budget: number;
  readonly budgetExhausted: boolean;
  /** For a rejection: the last line of the longest prefix that has a completion (0: none). */
  readonly lastMatchedLine: number;
  /** For a rejection: the conditions that failed at the first line with no completion. */
  readonly candidates: readonly CandidateFailure[];
  readonly summary: CheckSummary;
}

export const UNKNOWN_BUDGET = 'budget exhausted';
export const UNKNOWN_TIME = 'time budget exhausted';
export const UNKNOWN_OUTSIDE = 'the lines might need hidden votes or ballots the search does ' +
  'not try (see docs/trace-format.md, "Partial traces")';

type Lines = readonly { readonly e: Event; readonly line: number }[];

/** Searches for a completion of the trace; see the file header. */
export function checkPartial(cluster: Cluster, table: NameTable, events: Lines,
  budget: number, deadline = Infinity): PartialReport {
  const names = traceNamesOf(cluster, table);
  const build = (count: number): Problem => buildProblem(cluster.acceptors.length,
    cluster.quorums, names, events, count);
  const full = build(events.length);
  let work = 0;
  const run = (p: Problem, mode: 'strict' | 'relaxed', explain = false): SearchOutcome => {
    const r = search(p, mode, Math.max(0, budget - work), explain, deadline);
    work += r.work;
    return r;
  };
  const base = { events: events.length, budget };
  if (full.conflict === null) {
    const strict = run(full, 'strict');
    if (strict.kind === 'found') return accepted(cluster, table, full, strict, work, base);
    if (strict.kind === 'budget' || strict.kind === 'time') {
      return unknown(strict.kind === 'time' ? UNKNOWN_TIME : UNKNOWN_BUDGET, strict, work, base);
    }
    const relaxed = run(full, 'relaxed');
    if (relaxed.kind === 'found') return unknown(UNKNOWN_OUTSIDE, strict, work, base);
    if (relaxed.kind === 'budget' || relaxed.kind === 'time') {
      return unknown(relaxed.kind === 'time' ? UNKNOWN_TIME : UNKNOWN_BUDGET, relaxed, work,
        base);
    }
  }
  // No completion exists. Bisect for the first line L whose prefix has none.
  let lo = 0;
  let hi = full.conflict === null ? events.length
    : events.findIndex((x) => x.line === full.conflict?.line) + 1;
  let exhausted = false;
  while (hi - lo > 1 && !exhausted) {
    const mid = (lo + hi) >> 1;
    const p = build(mid);
    const r = p.conflict === null ? run(p, 'relaxed') : null;
    if (r?.kind === 'budget' || r?.kind === 'time') exhausted = true;
    else if (r === null || r.kind === 'none') hi = mid;
    else lo = mid;
  }
  return rejected(cluster, table, events, build, hi, lo, run, { ...base, work, exhausted });
}

function stats(o: SearchOutcome, work: number, base: { events: number; budget: number }) {
  return {
    choicePoints: o.choicePoints, alternativesMax: o.alternativesMax, explored: work,
    budget: base.budget,
  };
}

function summaryOf(events: number, steps: number, messages: number,
  chosen: CheckSummary['chosen'], rejections: Rejection[]): CheckSummary {
  return { events, steps, retransmissions: 0, messages, chosen, rejections };
}

function unknown(why: string, o: SearchOutcome, work: number,
  base: { events: number; budget: number }): PartialReport {
  return {
    verdict: 'unknown', accepted: false, unknown: why, inferred: 0, ...stats(o, work, base),
    budgetExhausted: why === UNKNOWN_BUDGET || why === UNKNOWN_TIME, lastMatchedLine: 0,
    candidates: [],
    summary: summaryOf(base.events, 0, 0, [], []),
  };
}

function accepted(cluster: Cluster, table: NameTable, p: Problem, o: SearchOutcome, work: number,
  base: { events: number; budget: number }): PartialReport {
  const c = completion(p, o.choices);
  const names = traceNamesOf(cluster, table);
  const chosen = c.chosen.map((x) => ({ value: names.value(x.val), ballot: x.bal,
    ballotText: names.ballot(x.bal), line: 0 }));
  void cluster;
  return {
    verdict: 'accepted', accepted: true, unknown: null, inferred: c.hidden,
    ...stats(o, work, base), budgetExhausted: false, lastMatchedLine: 0, candidates: [],
    summary: summaryOf(base.events, c.state.msgs.length, c.state.msgs.length, chosen, []),
  };
}

/** The rejection at the first line L (events[hi - 1]) whose prefix has no completion. */
function rejected(
  cluster: Cluster, table: NameTable, events: Lines, build: (count: number) => Problem, hi: number,
  lo: number, run: (p: Problem, mode: 'strict' | 'relaxed', explain?: boolean) => SearchOutcome,
  end: { events: number; budget: number; work: number; exhausted: boolean },
): PartialReport {
  const at = events[hi - 1] as { e: Event; line: number };
  const L = at.line;
  const p = build(hi);
  const failures: Failure[] = p.conflict !== null
    ? [{ line: p.conflict.line, conjunct: p.conflict.conjunct, why: p.conflict.why }]
    : run(p, 'relaxed', true).failures.slice();
  const before = end.exhausted ? null : run(build(hi - 1), 'strict');
  const spec = before?.kind === 'found'
    ? specRefusal(cluster, table, build(hi - 1), before.choices, at.e) : null;
  // The search's reasons at line L first, then the spec's words in one completion's state.
  const words = (fs: Failure[]): CandidateFailure[] => fs.map((f) => ({ conjunct: f.conjunct,
    why: f.why }));
  const candidates: CandidateFailure[] = [...words(failures.filter((f) => f.line === L)),
    ...(spec === null ? [] : [spec]), ...words(failures.filter((f) => f.line !== L))];
  const first = candidates[0];
  const rule = p.conflict?.rule ?? ruleOf(at.e);
  const lastMatchedLine = events[hi - 2]?.line ?? 0;
  const rejection: Rejection = {
    line: L, rule, action: null, conjunct: first?.conjunct ?? null,
    explanation: `no completion of the lines up to ${L} exists (no choice of hidden steps, ` +
      `placed anywhere, makes them all spec steps): ${first?.why ?? 'no candidate'}` +
      (end.exhausted ? ' (the budget ran out while narrowing down the line: the lines up to ' +
        `this one have no completion, an earlier line may already have none)` : ''),
    witness: {}, breaks: [], skipped: [],
    excerpt: [...new Set([lastMatchedLine, L, ...failures.map((f) => f.line)])]
      .filter((l) => l > 0 && l <= L).sort((x, y) => x - y).slice(-12),
  };
  void lo;
  return {
    verdict: 'rejected', accepted: false, unknown: null, inferred: 0, choicePoints: 0,
    alternativesMax: 1, explored: end.work, budget: end.budget, budgetExhausted: false,
    lastMatchedLine, candidates: candidates.slice(0, 5),
    summary: summaryOf(end.events, 0, 0, [], [rejection]),
  };
}

/** The rule a line is refused under: the spec action it claims, or the kind of its claim. */
function ruleOf(e: Event): string {
  switch (e.kind) {
    case 'send': case 'recv':
      switch (e.msg.type) {
        case '1a': return 'Phase1a';
        case '1b': return 'Phase1b';
        case '2a': return 'Phase2a';
        case '2b': return 'Phase2b';
        case 'commit': return 'commit';
        case 'reject': return 'reject';
        case 'ext': return e.kind;
      }
      break;
    case 'return': return 'client';
    default: return e.kind;
  }
}

/**
 * The spec's words for line `e` in the state a completion of the lines before it ends in: the
 * conjunct of the action it claims, when that action is refused there.
 */
function specRefusal(cluster: Cluster, table: NameTable, p: Problem, choices: readonly Choice[],
  e: Event): CandidateFailure | null {
  if ((e.kind !== 'send' && e.kind !== 'recv') || e.msg.type === 'commit'
    || e.msg.type === 'reject' || e.msg.type === 'ext' || e.msg.type === '1a') return null;
  const { state } = completion(p, choices);
  const names: TraceNames = traceNamesOf(cluster, table);
  const act = actionSending(e.msg);
  // The 1a or 2a an acceptor's step answers may be a hidden step of its own: assume it sent.
  const asked = act.name === 'Phase1b' || act.name === 'Phase2b'
    ? { ...state, msgs: send(state.msgs, act.m) } : state;
  const r = testStep(constantsOf(cluster, table), asked, act, actions, names);
  // A message not yet sent is what hidden steps supply: that conjunct explains nothing.
  return r.ok || r.conjunct === 'm \\in msgs'
    ? null : { conjunct: `${actionSending(e.msg).name}: ${r.conjunct}`,
    why: withBallotNames(`in the state the lines before it lead to: ${r.why}`, cluster) };
}

/**
 * The completion the choices describe, taken in ballot order: the state it ends in (the same
 * whatever the interleaving), the values it chooses, and how many of its steps no line logged.
 */
function completion(p: Problem, choices: readonly Choice[]): { state: PaxosState;
  chosen: { bal: number; val: number }[]; hidden: number } {
  const n = p.n;
  const maxBal: number[] = Array.from({ length: n }, () => -1);
  const maxVBal: number[] = Array.from({ length: n }, () => -1);
  const maxVal: (number | null)[] = Array.from({ length: n }, () => null);
  const msgs: Message[] = [];
  const chosen: { bal: number; val: number }[] = [];
  let hidden = 0;
  for (const ch of choices) {
    const x = p.needs[ch.j];
    if (x === undefined) continue;
    const bal = x.bal;
    const s1 = x.req1b | ch.q1;
    const s2 = x.req2b | ch.q2;
    if (s1 !== 0 || x.logged1a) msgs.push({ type: '1a', bal });
    if (s1 !== 0 && !x.logged1a) hidden++;
    for (let a = 0; a < n; a++) {
      if (((s1 >>> a) & 1) === 0) continue;
      msgs.push({ type: '1b', acc: a, bal, mbal: maxVBal[a] as number, mval: maxVal[a] ?? null });
      maxBal[a] = bal;
      if (((x.logged1b >>> a) & 1) === 0) hidden++;
    }
    if (ch.val === -1) continue;
    msgs.push({ type: '2a', bal, val: ch.val });
    if (!x.logged2a) hidden++;
    for (let a = 0; a < n; a++) {
      if (((s2 >>> a) & 1) === 0) continue;
      msgs.push({ type: '2b', acc: a, bal, val: ch.val });
      maxBal[a] = bal;
      maxVBal[a] = bal;
      maxVal[a] = ch.val;
      if (((x.logged2b >>> a) & 1) === 0) hidden++;
    }
    if (p.quorums.masks.some((q) => (q & s2) === q)
      && !chosen.some((c) => c.val === ch.val)) chosen.push({ bal, val: ch.val });
  }
  msgs.sort(compareMessages);
  return { state: { maxBal, maxVBal, maxVal, msgs }, chosen, hidden };
}
