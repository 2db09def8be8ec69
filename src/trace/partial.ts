/**
 * Partial traces (issue 4, section 3): the implementation logged only some events (only sends,
 * no receives or persists, lost lines), so a line may need steps nobody logged before it can be
 * a spec step. The checker fills them in by a bounded depth-first search over the spec's own
 * states (spec/paxos.ts, immutable, so backtracking is free) and actions (`testStep`).
 *
 * For each line, the hidden steps it may need follow from the condition that failed:
 *   a 1b or 2b acting on a 1a or 2a that was never logged  -> that 1a (Phase1a) or 2a;
 *   a 2a without a quorum of 1b for its ballot              -> 1b of the missing members,
 *                                                              one alternative per quorum;
 *   a 1b reporting a vote the acceptor was not known to cast -> that vote (Phase2b) first;
 *   a received message never sent                           -> its send, as above;
 *   a learned, committed or returned value not yet chosen   -> 2b of a quorum, per ballot with
 *                                                              a 2a for the value.
 * Depth-first, one line at a time, as the etcd and CCF trace validations learned that
 * breadth-first search is what blows up (shared/REFERENCE.md): the first consistent
 * explanation wins, and the search backtracks only when a later line cannot be matched.
 *
 * What it leaves out, and why: a line that matches with no hidden step is never re-explained
 * with some (hidden steps could always be added later for the same effect in all the cases
 * above except a raised maxBal, which only ever blocks); values are learned only in ballots that
 * already have a 2a for them (inventing ballots would make the search unbounded); client,
 * crash and reject lines are taken as logged. Fully logged traces go to checker.ts, which is
 * incremental and a hundred times faster.
 */
import {
  hasMessage, init, testStep, type Action, type Ballot, type Constants, type Message, type Msg1b,
  type PaxosState, type Value,
} from '../../spec/paxos.js';
import type { CheckSummary } from './checker.js';
import { constantsOf, type Cluster, type Event, type NameTable } from './events.js';
import { namesOf, withNames, type Rejection } from './judge.js';

/** One way to explain a line: the actions taken (hidden ones, then the line's own). */
interface Alt {
  readonly next: PaxosState;
  readonly hidden: number;
  readonly steps: number;
}

/** Why a line could not be explained from one candidate state. */
export interface CandidateFailure { readonly conjunct: string; readonly why: string }

type Expansion = { readonly alts: readonly Alt[]; readonly failure: CandidateFailure | null };

export interface PartialReport {
  readonly accepted: boolean;
  /** Hidden steps in the explanation found (0 when rejected). */
  readonly inferred: number;
  /** Lines with more than one explanation tried, and the most alternatives at one line. */
  readonly choicePoints: number;
  readonly alternativesMax: number;
  /** Hidden steps tried in all (bounded by the budget). */
  readonly explored: number;
  readonly budget: number;
  readonly budgetExhausted: boolean;
  /** The last line matched on the deepest path (0: none). */
  readonly lastMatchedLine: number;
  /** For each candidate state at the first line no path got past, the first guard that failed. */
  readonly candidates: readonly CandidateFailure[];
  readonly summary: CheckSummary;
}

const ALTS_MAX = 8;
const CANDIDATES_SHOWN = 5;

const ok = (next: PaxosState, hidden: number, steps: number): Alt => ({ next, hidden, steps });
const none = (conjunct: string, why: string): Expansion => ({ alts: [], failure: { conjunct, why } });
const direct = (s: PaxosState): Expansion => ({ alts: [ok(s, 0, 0)], failure: null });

/** Applies the actions in turn; the first refusal ends it. */
function run(k: Constants, s: PaxosState, actions: readonly Action[]): PaxosState | CandidateFailure {
  let t = s;
  for (const a of actions) {
    const r = testStep(k, t, a);
    if (!r.ok) return { conjunct: `${a.name}: ${r.conjunct}`, why: r.why };
    t = r.next;
  }
  return t;
}

function has1a(s: PaxosState, b: Ballot): boolean {
  return hasMessage(s.msgs, { type: '1a', bal: b });
}

/** The 2a of ballot b, if one was sent (at most one in a spec state: Phase2a's first conjunct). */
function twoAOf(s: PaxosState, b: Ballot): Value | null {
  const m = s.msgs.find((x) => x.type === '2a' && x.bal === b);
  return m !== undefined && m.type === '2a' ? m.val : null;
}

/** Phase2a(b, v), with the hidden 1a and 1b steps of one quorum per alternative. */
function ensure2a(k: Constants, s: PaxosState, b: Ballot, v: Value): Expansion {
  if (hasMessage(s.msgs, { type: '2a', bal: b, val: v })) return direct(s);
  const first = testStep(k, s, { name: 'Phase2a', b, v });
  if (first.ok) return { alts: [ok(first.next, 0, 1)], failure: null };
  const failure = { conjunct: `Phase2a: ${first.conjunct}`, why: first.why };
  if (twoAOf(s, b) !== null) return { alts: [], failure };
  const alts: Alt[] = [];
  for (const Q of k.quorums.quorums) {
    const actions: Action[] = has1a(s, b) ? [] : [{ name: 'Phase1a', b }];
    for (const a of Q) {
      const sent = s.msgs.some((m) => m.type === '1b' && m.acc === a && m.bal === b);
      if (!sent) actions.push({ name: 'Phase1b', a, m: { type: '1a', bal: b } });
    }
    actions.push({ name: 'Phase2a', b, v });
    const t = run(k, s, actions);
    if ('msgs' in t) alts.push(ok(t, actions.length - 1, actions.length));
    if (alts.length >= ALTS_MAX) break;
  }
  return { alts, failure };
}

/** Phase2b(a) on 2a(b, v), with the hidden 2a it may need. */
function ensure2b(k: Constants, s: PaxosState, a: number, b: Ballot, v: Value): Expansion {
  if (hasMessage(s.msgs, { type: '2b', acc: a, bal: b, val: v })) return direct(s);
  const before = ensure2a(k, s, b, v);
  const alts: Alt[] = [];
  let failure = before.failure;
  for (const x of before.alts) {
    const r = testStep(k, x.next, { name: 'Phase2b', a, m: { type: '2a', bal: b, val: v } });
    if (r.ok) alts.push(ok(r.next, x.steps, x.steps + 1));
    else failure = { conjunct: `Phase2b: ${r.conjunct}`, why: r.why };
  }
  return { alts, failure: alts.length > 0 ? null : failure };
}

/** Phase1b(a) on 1a(b), sending exactly `m`: with the hidden 1a and vote it may need. */
function ensure1b(k: Constants, s: PaxosState, m: Msg1b): Expansion {
  if (hasMessage(s.msgs, m)) return direct(s);
  const a = m.acc;
  let starts: readonly Alt[] = [ok(s, 0, 0)];
  if (s.maxVBal[a] !== m.mbal || s.maxVal[a] !== m.mval) {
    if (!(m.mbal > (s.maxVBal[a] as number)) || m.mval === null) {
      return none('Phase1b: mbal |-> maxVBal[a], mval |-> maxVal[a]',
        `acceptor ${a}'s latest vote is <<${s.maxVBal[a]}, ${s.maxVal[a]}>>, and no later step can make it <<${m.mbal}, ${m.mval}>>`);
    }
    const vote = ensure2b(k, s, a, m.mbal, m.mval);
    if (vote.alts.length === 0) return vote;
    starts = vote.alts;
  }
  const alts: Alt[] = [];
  let failure: CandidateFailure | null = null;
  for (const x of starts) {
    const actions: Action[] = has1a(x.next, m.bal) ? [] : [{ name: 'Phase1a', b: m.bal }];
    actions.push({ name: 'Phase1b', a, m: { type: '1a', bal: m.bal } });
    const t = run(k, x.next, actions);
    if ('msgs' in t) alts.push(ok(t, x.steps + actions.length - 1, x.steps + actions.length));
    else failure = t;
  }
  return { alts, failure: alts.length > 0 ? null : failure };
}

/** The quorum-voted ballots of v: ChosenAt(b, v) for some b (or the given one). */
function isChosen(k: Constants, s: PaxosState, v: Value, bal: Ballot | -1): boolean {
  const voters = new Map<Ballot, number>();
  for (const m of s.msgs) {
    if (m.type === '2b' && m.val === v && (bal === -1 || m.bal === bal)) voters.set(m.bal, (voters.get(m.bal) ?? 0) | (1 << m.acc));
  }
  for (const mask of voters.values()) if (k.quorums.masks.some((q) => (q & mask) === q)) return true;
  return false;
}

/** v chosen, with hidden 2b of a quorum in a ballot that has a 2a for v. */
function ensureChosen(k: Constants, s: PaxosState, v: Value, bal: Ballot | -1): Expansion {
  if (isChosen(k, s, v, bal)) return direct(s);
  const alts: Alt[] = [];
  for (const m of s.msgs) {
    if (m.type !== '2a' || m.val !== v || (bal !== -1 && m.bal !== bal)) continue;
    for (const Q of k.quorums.quorums) {
      const actions: Action[] = Q.filter((a) => !hasMessage(s.msgs, { type: '2b', acc: a, bal: m.bal, val: v }))
        .map((a) => ({ name: 'Phase2b', a, m }));
      const t = run(k, s, actions);
      if ('msgs' in t) alts.push(ok(t, actions.length, actions.length));
      if (alts.length >= ALTS_MAX) break;
    }
  }
  if (alts.length > 0) return { alts, failure: null };
  return none('val \\in chosen', `value ${v} is not chosen${bal === -1 ? '' : ` in ballot ${bal}`}, and no ballot with a 2a ` +
    'for it can get a quorum of votes');
}

function ensureMessage(k: Constants, s: PaxosState, m: Message): Expansion {
  switch (m.type) {
    case '1a': return ensureAction(k, s, { name: 'Phase1a', b: m.bal });
    case '1b': return ensure1b(k, s, m);
    case '2a': return ensure2a(k, s, m.bal, m.val);
    case '2b': return ensure2b(k, s, m.acc, m.bal, m.val);
  }
}

function ensureAction(k: Constants, s: PaxosState, a: Action): Expansion {
  const r = testStep(k, s, a);
  return r.ok ? { alts: [ok(r.next, 0, 1)], failure: null } : none(`${a.name}: ${r.conjunct}`, r.why);
}

/** Every way (up to ALTS_MAX) to explain event e from s, fewest hidden steps first. */
export function expand(k: Constants, s: PaxosState, e: Event): Expansion {
  const x = expandRaw(k, s, e);
  return { alts: [...x.alts].sort((p, q) => p.hidden - q.hidden).slice(0, ALTS_MAX), failure: x.failure };
}

function expandRaw(k: Constants, s: PaxosState, e: Event): Expansion {
  switch (e.kind) {
    case 'send':
    case 'recv': {
      const m = e.msg;
      if (m.type === 'commit') return e.kind === 'send' ? ensureChosen(k, s, m.val, m.bal) : direct(s);
      if (m.type === 'reject' || m.type === 'ext') return direct(s);
      if (hasMessage(s.msgs, m)) return direct(s);
      return ensureMessage(k, s, m);
    }
    case 'persist': {
      const a = e.node;
      const d = e.state;
      const sameVote = d.vote === null || (d.vote.maxVBal === s.maxVBal[a] && d.vote.maxVal === s.maxVal[a]);
      if (sameVote && d.maxBal === s.maxBal[a]) return direct(s);
      if (sameVote && d.maxBal > (s.maxBal[a] as number)) {
        return ensure1b(k, s, { type: '1b', acc: a, bal: d.maxBal, mbal: s.maxVBal[a] as number, mval: s.maxVal[a] ?? null });
      }
      if (d.vote !== null && d.vote.maxVal !== null && d.vote.maxVBal === d.maxBal) {
        return ensure2b(k, s, a, d.maxBal, d.vote.maxVal);
      }
      return none('persist', `acceptor ${a}'s durable state cannot become the logged one by spec steps`);
    }
    case 'learn': return ensureChosen(k, s, e.val, e.bal);
    case 'return': return e.val === null ? direct(s) : ensureChosen(k, s, e.val, -1);
    default: return direct(s);
  }
}

interface Frame { readonly state: PaxosState; readonly alts: readonly Alt[]; next: number }

/** Searches for hidden steps that make every event a spec step; see the file header. */
export function checkPartial(
  cluster: Cluster,
  table: NameTable,
  events: readonly { readonly e: Event; readonly line: number }[],
  budget: number,
): PartialReport {
  const k = constantsOf(cluster, table);
  const stack: Frame[] = [];
  let state = init(k);
  let explored = 0;
  let choicePoints = 0;
  let alternativesMax = 1;
  let deepest = -1;
  let candidates: CandidateFailure[] = [];
  let exhausted = false;
  let i = 0;
  while (i < events.length) {
    const x = expand(k, state, (events[i] as { e: Event }).e);
    if (x.alts.length > 1) {
      choicePoints++;
      alternativesMax = Math.max(alternativesMax, x.alts.length);
    }
    if (x.alts.length === 0) {
      if (i > deepest) { deepest = i; candidates = []; }
      const f = x.failure;
      const fresh = f !== null && !candidates.some((c) => c.conjunct === f.conjunct && c.why === f.why);
      if (i === deepest && candidates.length < CANDIDATES_SHOWN && fresh) candidates.push(f);
    } else {
      stack.push({ state, alts: x.alts, next: 0 });
    }
    // Take the next untried alternative, backtracking as far as needed.
    let advanced = false;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as Frame;
      if (top.next < top.alts.length) {
        const alt = top.alts[top.next++] as Alt;
        explored += alt.hidden;
        if (explored > budget) { exhausted = true; break; }
        state = alt.next;
        i = stack.length;
        advanced = true;
        break;
      }
      stack.pop();
    }
    if (!advanced) break;
  }
  const accepted = !exhausted && stack.length === events.length;
  return report(cluster, table, k, events, {
    accepted, stack, explored, budget, exhausted, choicePoints, alternativesMax, deepest, candidates,
  });
}

interface SearchEnd {
  readonly accepted: boolean;
  readonly stack: readonly Frame[];
  readonly explored: number;
  readonly budget: number;
  readonly exhausted: boolean;
  readonly choicePoints: number;
  readonly alternativesMax: number;
  readonly deepest: number;
  readonly candidates: readonly CandidateFailure[];
}

function report(
  cluster: Cluster, table: NameTable, k: Constants,
  events: readonly { readonly e: Event; readonly line: number }[], end: SearchEnd,
): PartialReport {
  const path = end.stack.map((f) => f.alts[f.next - 1] as Alt);
  const final = path.length > 0 ? (path[path.length - 1] as Alt).next : init(k);
  const names = namesOf(cluster, table);
  const candidates = end.candidates.map((c) => ({ conjunct: c.conjunct, why: withNames(c.why, names) }));
  const failedAt = end.accepted ? -1 : Math.max(0, end.exhausted ? end.stack.length - 1 : end.deepest);
  const failLine = events[failedAt]?.line ?? 0;
  const lastMatchedLine = end.accepted ? (events[events.length - 1]?.line ?? 0) : (events[failedAt - 1]?.line ?? 0);
  const rejection: Rejection | null = end.accepted ? null : {
    line: failLine,
    rule: end.exhausted ? 'budget' : (candidates[0]?.conjunct.split(':')[0] ?? 'partial'),
    action: null,
    conjunct: candidates[0]?.conjunct ?? null,
    explanation: end.exhausted
      ? `the search for hidden steps used its budget of ${end.budget} steps before explaining line ${failLine} (raise --budget)`
      : `no choice of hidden steps makes line ${failLine} a spec step: ${candidates[0]?.why ?? 'no candidate state'}`,
    witness: {},
    breaks: [],
    skipped: [],
    excerpt: [lastMatchedLine, failLine].filter((l) => l > 0),
  };
  const chosen = chosenOf(k, final).map((c) => ({ value: names.value(c.val), ballot: c.bal, line: 0 }));
  return {
    accepted: end.accepted,
    inferred: end.accepted ? path.reduce((n, a) => n + a.hidden, 0) : 0,
    choicePoints: end.choicePoints,
    alternativesMax: end.alternativesMax,
    explored: end.explored,
    budget: end.budget,
    budgetExhausted: end.exhausted,
    lastMatchedLine,
    candidates,
    summary: {
      events: events.length,
      steps: path.reduce((n, a) => n + a.steps, 0),
      retransmissions: 0,
      messages: final.msgs.length,
      chosen,
      rejections: rejection === null ? [] : [rejection],
    },
  };
}

function chosenOf(k: Constants, s: PaxosState): { bal: Ballot; val: Value }[] {
  const out: { bal: Ballot; val: Value }[] = [];
  const seen = new Set<string>();
  for (const m of s.msgs) {
    if (m.type !== '2b' || seen.has(`${m.bal}:${m.val}`)) continue;
    seen.add(`${m.bal}:${m.val}`);
    if (isChosen(k, s, m.val, m.bal)) out.push({ bal: m.bal, val: m.val });
  }
  return out;
}
