/**
 * Partial traces (issue 4, section 3): the implementation logged only some events (only sends,
 * no receives or persists, lost lines), so a line may need steps nobody logged before it can be
 * a spec step. The checker fills them in by a bounded depth-first search over the spec's own
 * states (spec/paxos.ts, immutable, so backtracking is free) and actions (`testStep`).
 *
 * The search runs on the checker's incremental state (state.ts, steps.ts), copying it only at
 * lines with more than one explanation, so that a line costs about what it costs the full
 * checker; the words of a refusal come from the spec's `testStep`, as everywhere.
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
 * explanation wins (fewest hidden steps first), and the search backtracks only when a later
 * line cannot be matched. The budget bounds the hidden steps tried in all.
 *
 * What it leaves out, and why: a line that matches with no hidden step is never re-explained
 * with some (hidden steps could always be added later for the same effect in all the cases
 * above except a raised maxBal, which only ever blocks); values are learned only in ballots that
 * already have a 2a for them (inventing ballots would make the search unbounded); client,
 * crash and reject lines are taken as logged. Fully logged traces go to checker.ts, which is
 * incremental and a hundred times faster.
 */
import { actions, testStep, type Action, type Ballot, type Message, type Msg1b,
  type Value } from '../../spec/paxos.js';
import type { CheckSummary } from './checker.js';
import { constantsOf, type Cluster, type Event, type NameTable } from './events.js';
import { namesOf, withNames, type Rejection } from './judge.js';
import { ballotsOf, chosenIn, cloneState, has2a, initialState, oneALine, oneBMaskOf, sentLine,
  toSpecState, votersOf, type TraceState } from './state.js';
import { canPhase1b, canPhase2a, canPhase2b, reply1b, step } from './steps.js';

/** Why a line could not be explained from one candidate state. */
export interface CandidateFailure { readonly conjunct: string; readonly why: string }

export interface PartialReport {
  readonly accepted: boolean;
  /** Hidden steps in the explanation found (0 when rejected). */
  readonly inferred: number;
  /** Lines with more than one explanation, and the most explanations at one line. */
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

/** One explanation of a line: the actions to take, the line's own last (if it is one). */
interface Alt { readonly actions: readonly Action[]; readonly hidden: number }

/** What a line needs: nothing, a claim to hold, or one of several action lists. */
type Need =
  | { readonly kind: 'ok' }
  | { readonly kind: 'alts'; readonly alts: readonly Alt[]; readonly failed: Action | null;
    readonly claim?: string };

const ALTS_MAX = 8;
const CANDIDATES_SHOWN = 5;
const OK: Need = { kind: 'ok' };
const none = (failed: Action | null, claim?: string): Need =>
  ({ kind: 'alts', alts: [], failed, ...(claim === undefined ? {} : { claim }) });

const alt = (actions: readonly Action[], own: boolean): Alt => ({ actions,
  hidden: actions.length - (own ? 1 : 0) });

/** Phase2a(b, v), with the hidden 1a and 1b steps of one quorum per alternative. */
function need2a(s: TraceState, b: Ballot, v: Value, own: boolean): Need {
  if (sentLine(s, { type: '2a', bal: b, val: v }) !== -1) return OK;
  const act: Action = { name: 'Phase2a', b, v };
  if (canPhase2a(s, b, v)) return { kind: 'alts', alts: [alt([act], own)], failed: null };
  if (has2a(s, b)) return none(act);
  const alts: Alt[] = [];
  for (const Q of s.quorums.quorums) {
    const actions: Action[] = oneALine(s, b) === -1 ? [{ name: 'Phase1a', b }] : [];
    for (const a of Q) if (((oneBMaskOf(s, b) >>> a) & 1) === 0) actions.push({ name: 'Phase1b', a,
      m: { type: '1a', bal: b } });
    actions.push(act);
    alts.push(alt(actions, own));
  }
  return { kind: 'alts', alts, failed: act };
}

/** Phase2b(a) on 2a(b, v), after the hidden 2a it may need. */
function need2b(s: TraceState, a: number, b: Ballot, v: Value, own: boolean): Need {
  if (sentLine(s, { type: '2b', acc: a, bal: b, val: v }) !== -1) return OK;
  const act: Action = { name: 'Phase2b', a, m: { type: '2a', bal: b, val: v } };
  if (canPhase2b(s, a, b, v)) return { kind: 'alts', alts: [alt([act], own)], failed: null };
  // No hidden step lowers maxBal, so this conjunct fails in every extension of s.
  if (b < (s.maxBal[a] as number)) {
    return none(null,
      `Phase2b: m.bal \\geq maxBal[a] | acceptor ${a} has maxBal ${s.maxBal[a]}, so it promised ` +
        `not to vote in ballot ${b}`);
  }
  const before = need2a(s, b, v, false);
  if (before.kind === 'ok') return none(act);
  return { kind: 'alts', alts: before.alts.map((x) => alt([...x.actions, act], own)), failed: act };
}

/** Phase1b(a) on 1a(b) sending exactly m, after the hidden 1a and vote it may need. */
function need1b(s: TraceState, m: Msg1b, own: boolean): Need {
  if (sentLine(s, m) !== -1) return OK;
  const a = m.acc;
  const act: Action = { name: 'Phase1b', a, m: { type: '1a', bal: m.bal } };
  const sameVote = s.maxVBal[a] === m.mbal && s.maxVal[a] === m.mval;
  if (sameVote && canPhase1b(s, a, m.bal)) return { kind: 'alts', alts: [alt([act], own)],
    failed: null };
  if (!(m.bal > (s.maxBal[a] as number))) {
    return none(null,
      `Phase1b: m.bal > maxBal[a] | acceptor ${a} has maxBal ${s.maxBal[a]}, so it cannot join ` +
        `ballot ${m.bal}`);
  }
  let prefixes: readonly Alt[] = [{ actions: [], hidden: 0 }];
  if (!sameVote) {
    if (!(m.mbal > (s.maxVBal[a] as number)) || m.mval === null || m.mbal >= m.bal) {
      return none(act,
        `Phase1b: mbal |-> maxVBal[a], mval |-> maxVal[a] | acceptor ${a}'s latest vote is ` +
        `<<${s.maxVBal[a]}, ${s.maxVal[a]}>>, and no later step makes it <<${m.mbal}, ${m.mval}>>`);
    }
    const vote = need2b(s, a, m.mbal, m.mval, false);
    if (vote.kind === 'ok' || vote.alts.length === 0) return none(vote.kind === 'ok' ? act
      : vote.failed);
    prefixes = vote.alts;
  }
  const open = oneALine(s, m.bal) === -1;
  const tail: Action[] = open ? [{ name: 'Phase1a', b: m.bal }, act] : [act];
  return { kind: 'alts', alts: prefixes.map((p) => alt([...p.actions, ...tail], own)),
    failed: act };
}

function isChosen(s: TraceState, v: Value, bal: Ballot | -1): boolean {
  return bal === -1
    ? s.chosen.some((c) => c.val === v) : chosenIn(s, bal, v);
}

/**
 * v chosen, by hidden 2b of a quorum in a ballot that has a 2a for v: newest ballots first, and
 * only quorums whose missing voters have not promised a higher ballot (Phase2b's guard), so that
 * every alternative offered can apply.
 */
function needChosen(s: TraceState, v: Value, bal: Ballot | -1): Need {
  if (isChosen(s, v, bal)) return OK;
  const alts: Alt[] = [];
  const ballots = bal === -1 ? [...ballotsOf(s)].reverse() : [bal];
  for (const b of ballots) {
    if (sentLine(s, { type: '2a', bal: b, val: v }) === -1) continue;
    const voted = votersOf(s, b, v);
    for (const qm of s.quorums.masks) {
      const actions: Action[] = [];
      for (let a = 0; a < s.n; a++) {
        if (((qm >>> a) & 1) === 1 && ((voted >>> a) & 1) === 0) actions.push({ name: 'Phase2b', a,
          m: { type: '2a', bal: b, val: v } });
      }
      if (actions.every((x) => x.name === 'Phase2b'
        && b >= (s.maxBal[x.a] as number))) alts.push(alt(actions, false));
    }
    if (alts.length >= ALTS_MAX) break;
  }
  return { kind: 'alts', alts, failed: null, claim: `val \\in chosen | value ${v} is not chosen` +
    `${bal === -1 ? '' : ` in ballot ${bal}`}, and no ballot with a 2a for it can get a quorum ` +
      `of votes` };
}

function needMessage(s: TraceState, m: Message, own: boolean): Need {
  switch (m.type) {
    case '1a': return sentLine(s, m) !== -1 ? OK : { kind: 'alts', alts: [alt([{ name: 'Phase1a',
      b: m.bal }], own)], failed: null };
    case '1b': return need1b(s, m, own);
    case '2a': return need2a(s, m.bal, m.val, own);
    case '2b': return need2b(s, m.acc, m.bal, m.val, own);
  }
}

/** What event e needs from state s. */
function needOf(s: TraceState, e: Event): Need {
  switch (e.kind) {
    case 'send':
    case 'recv': {
      const m = e.msg;
      if (m.type === 'commit') return e.kind === 'send' ? needChosen(s, m.val, m.bal) : OK;
      if (m.type === 'reject' || m.type === 'ext') return OK;
      return needMessage(s, m, e.kind === 'send');
    }
    case 'persist': {
      const a = e.node;
      const d = e.state;
      const sameVote = d.vote === null || (d.vote.maxVBal === s.maxVBal[a]
        && d.vote.maxVal === s.maxVal[a]);
      if (sameVote && d.maxBal === s.maxBal[a]) return OK;
      if (sameVote && d.maxBal > (s.maxBal[a] as number)) return need1b(s, reply1b(s, a, d.maxBal),
        true);
      if (d.vote !== null && d.vote.maxVal !== null && d.vote.maxVBal === d.maxBal) return need2b(s,
        a, d.maxBal, d.vote.maxVal, true);
      return none(null,
        `persist | acceptor ${a}'s durable state cannot become the logged one by spec steps`);
    }
    case 'learn': return needChosen(s, e.val, e.bal);
    case 'return': return e.val === null ? OK : needChosen(s, e.val, -1);
    default: return OK;
  }
}

/** Takes the actions in turn; the first one not enabled is returned (s is then half-changed). */
function apply(s: TraceState, actions: readonly Action[], line: number): Action | null {
  for (const act of actions) if (!step(s, act, line)) return act;
  return null;
}

interface Frame { readonly index: number; readonly alts: readonly Alt[]; readonly need: Need;
  next: number }

/**
 * A copy of the state before line `index`. Backtracking restores the latest checkpoint at or
 * before the line it returns to and replays the explanations chosen since, so that the state is
 * copied every CHECKPOINT_EVERY lines rather than at every line with a choice.
 */
interface Checkpoint { readonly index: number; readonly state: TraceState }
const CHECKPOINT_EVERY = 64;

/** Searches for hidden steps that make every event a spec step; see the file header. */
export function checkPartial(
  cluster: Cluster,
  table: NameTable,
  events: readonly { readonly e: Event; readonly line: number }[],
  budget: number,
): PartialReport {
  const k = constantsOf(cluster, table);
  const names = namesOf(cluster, table);
  let s = initialState(cluster.acceptors.length, cluster.quorums);
  const frames: Frame[] = [];
  const checkpoints: Checkpoint[] = [{ index: 0, state: cloneState(s) }];
  const chosenAt: (readonly Action[])[] = new Array(events.length).fill([]);
  const hiddenAt: number[] = new Array(events.length).fill(0);
  const stepsAt: number[] = new Array(events.length).fill(0);
  let explored = 0;
  let choicePoints = 0;
  let alternativesMax = 1;
  let deepest = -1;
  let candidates: CandidateFailure[] = [];
  let exhausted = false;

  /** Words for a failure at event i, from the spec (materialized only when it will be shown). */
  const noteFailure = (i: number, failed: Action | null, claim: string | undefined): void => {
    if (i > deepest) {
      deepest = i;
      candidates = [];
    }
    if (i < deepest || candidates.length >= CANDIDATES_SHOWN) return;
    let c: CandidateFailure;
    if (failed !== null) {
      const r = testStep(k, toSpecState(s), failed, actions, names);
      c = r.ok ? { conjunct: failed.name, why: withNames(claim?.split(' | ').pop()
        ?? 'its hidden steps are not enabled', names) }
        : { conjunct: `${failed.name}: ${r.conjunct}`, why: r.why };
    } else {
      const [conjunct, why] = (claim ?? 'unexplained | no explanation').split(' | ');
      c = { conjunct: conjunct as string, why: withNames(why ?? '', names) };
    }
    if (!candidates.some((x) => x.conjunct === c.conjunct && x.why === c.why)) candidates.push(c);
  };

  let exhaustedAt = -1;
  /** Tries one explanation of line i on s; true when it applies, else the failure is noted. */
  const tryAlt = (i: number, a: Alt, need: Need): boolean => {
    explored += a.hidden;
    if (explored > budget) {
      exhausted = true;
      exhaustedAt = i;
      return false;
    }
    const failedAct = apply(s, a.actions, (events[i] as { line: number }).line);
    chosenAt[i] = a.actions;
    hiddenAt[i] = a.hidden;
    stepsAt[i] = a.actions.length;
    if (failedAct === null) return true;
    noteFailure(i, failedAct, need.kind === 'alts' ? need.claim : undefined);
    return false;
  };

  /** The state before line j: the latest checkpoint, then the explanations chosen since. */
  const restore = (j: number): void => {
    while ((checkpoints[checkpoints.length - 1] as Checkpoint).index > j) checkpoints.pop();
    const cp = checkpoints[checkpoints.length - 1] as Checkpoint;
    s = cloneState(cp.state);
    for (let e = cp.index; e < j; e++) {
      if (apply(s, chosenAt[e] as readonly Action[],
        (events[e] as { line: number }).line) !== null) {
        throw new Error(`checkPartial: replaying line ${(events[e] as { line: number }).line} ` +
          `failed (a checker bug)`);
      }
    }
  };

  /** Back to the last line with an untried explanation; its index + 1, or -1 when none is left. */
  const backtrack = (): number => {
    while (frames.length > 0 && !exhausted) {
      const f = frames[frames.length - 1] as Frame;
      if (f.next >= f.alts.length) {
        frames.pop();
        continue;
      }
      restore(f.index);
      if (tryAlt(f.index, f.alts[f.next++] as Alt, f.need)) return f.index + 1;
    }
    return -1;
  };

  let i = 0;
  while (i < events.length && i >= 0) {
    if (i % CHECKPOINT_EVERY === 0
      && (checkpoints[checkpoints.length - 1] as Checkpoint).index < i) {
      checkpoints.push({ index: i, state: cloneState(s) });
    }
    const need = needOf(s, (events[i] as { e: Event }).e);
    if (need.kind === 'ok') {
      chosenAt[i] = [];
      hiddenAt[i] = 0;
      stepsAt[i] = 0;
      i++;
      continue;
    }
    const alts = [...need.alts].sort((x, y) => x.hidden - y.hidden).slice(0, ALTS_MAX);
    if (alts.length === 0) {
      noteFailure(i, need.failed, need.claim);
      i = backtrack();
      continue;
    }
    if (alts.length > 1) {
      choicePoints++;
      alternativesMax = Math.max(alternativesMax, alts.length);
      frames.push({ index: i, alts, need, next: 1 });
    }
    if (tryAlt(i, alts[0] as Alt, need)) {
      i++;
      continue;
    }
    i = backtrack();
  }
  const accepted = i === events.length && !exhausted;
  const failedAt = accepted ? -1 : exhausted ? exhaustedAt : deepest;
  return report(names, s, events, {
    accepted, failedAt, explored, budget, exhausted, choicePoints, alternativesMax, candidates,
    inferred: accepted ? hiddenAt.reduce((x, y) => x + y, 0) : 0,
    steps: accepted ? stepsAt.reduce((x, y) => x + y, 0) : 0,
  });
}

interface SearchEnd {
  readonly accepted: boolean;
  readonly failedAt: number;
  readonly explored: number;
  readonly budget: number;
  readonly exhausted: boolean;
  readonly choicePoints: number;
  readonly alternativesMax: number;
  readonly candidates: readonly CandidateFailure[];
  readonly inferred: number;
  readonly steps: number;
}

function report(
  names: ReturnType<typeof namesOf>, final: TraceState,
  events: readonly { readonly e: Event; readonly line: number }[], end: SearchEnd,
): PartialReport {
  const failLine = events[end.failedAt]?.line ?? 0;
  const lastMatchedLine = end.accepted ? (events[events.length - 1]?.line
    ?? 0) : (events[end.failedAt - 1]?.line ?? 0);
  const first = end.candidates[0];
  const rejection: Rejection | null = end.accepted ? null : {
    line: failLine,
    rule: end.exhausted ? 'budget' : (first?.conjunct.split(':')[0] ?? 'partial'),
    action: null,
    conjunct: end.exhausted ? null : first?.conjunct ?? null,
    explanation: end.exhausted
      ? `the search for hidden steps used its budget of ${end.budget} steps before explaining ` +
        `line ${failLine} (raise --budget)`
      : `no choice of hidden steps makes line ${failLine} a spec step: ` +
        `${first?.why ?? 'no candidate state'}`,
    witness: {},
    breaks: [],
    skipped: [],
    excerpt: [lastMatchedLine, failLine].filter((l) => l > 0),
  };
  return {
    accepted: end.accepted,
    inferred: end.inferred,
    choicePoints: end.choicePoints,
    alternativesMax: end.alternativesMax,
    explored: end.explored,
    budget: end.budget,
    budgetExhausted: end.exhausted,
    lastMatchedLine,
    candidates: end.candidates,
    summary: {
      events: events.length,
      steps: end.steps,
      retransmissions: 0,
      messages: final.size,
      chosen: end.accepted ? final.chosen.map((c) => ({ value: names.value(c.val), ballot: c.bal,
        line: 0 })) : [],
      rejections: rejection === null ? [] : [rejection],
    },
  };
}
