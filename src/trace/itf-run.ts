/**
 * Checking an ITF state trace (itf.ts) against the spec: state 0 is Init, and each consecutive
 * pair of states is a step of Next or a stutter, with the named properties holding after it.
 *
 * The action is read off the difference of the two states: msgs grows by one message (the one
 * the action sends), which names the action and its parameters (a 1b names Phase1b(m.acc) on
 * the 1a of m.bal, and so on); the spec's `testStep` then decides, and its next state must be
 * the trace's next state exactly. In reports, `line` is the index of the state in "states".
 */
import {
  actionSending, actions, compareMessages, init, sameState, testStep, type Constants, type Message,
    type PaxosState,
} from '../../spec/paxos.js';
import { explicitQuorums, majorities, quorumProblem,
  describeQuorumProblem } from '../../spec/quorums.js';
import type { CheckSummary } from './checker.js';
import type { Cluster, NameTable } from './events.js';
import { brokenProperties, namesOf, type Rejection } from './judge.js';
import type { Names } from '../../spec/names.js';
import { votingState } from '../../spec/properties.js';
import { chosenProposals } from '../../spec/voting.js';
import { ItfError, readItf, type ItfTrace, type Mapping } from './itf.js';
import type { FileReport } from './run.js';

export function isItfPath(file: string): boolean {
  return file.endsWith('.itf.json');
}

export async function checkItf(text: string, mapping: Mapping | null): Promise<FileReport> {
  const base = { partial: null, provenance: null, expect: null };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ...base, verdict: 'unreadable', summary: null, problem: { line: 0, field: null,
      message: `not JSON: ${(e as Error).message}` } };
  }
  let trace: ItfTrace;
  try {
    trace = readItf(doc, mapping ?? {});
  } catch (e) {
    if (!(e instanceof ItfError)) throw e;
    return { ...base, verdict: 'unreadable', summary: null, problem: { line: 0, field: e.where,
      message: e.message } };
  }
  const quorums = resolveQuorums(trace);
  if (typeof quorums === 'string') {
    return { ...base, verdict: 'unreadable', summary: null, problem: { line: 0,
      field: 'mapping.quorums', message: quorums } };
  }
  const summary = checkStates(trace, quorums);
  return { ...base, verdict: summary.rejections.length > 0 ? 'rejected' : 'accepted', problem: null,
    summary };
}

function resolveQuorums(trace: ItfTrace): Constants['quorums'] | string {
  const n = trace.acceptors.length;
  if (n < 1 || n > 16) return `an ITF trace needs 1 to 16 acceptors, got ${n}`;
  if (trace.quorums === null) return majorities(n);
  const numbered = trace.quorums.map((q) => q.map((a) => trace.acceptors.indexOf(a)));
  const p = quorumProblem(n, numbered);
  return p === null ? explicitQuorums(n, numbered) : describeQuorumProblem(p,
    (a) => trace.acceptors[a] ?? String(a));
}

/** The checks of the file header, state by state; stops at the first rejection. */
export function checkStates(trace: ItfTrace, quorums: Constants['quorums']): CheckSummary {
  const k: Constants = { acceptors: trace.acceptors.length, values: Math.max(1,
    trace.values.length), quorums, maxBallot: Infinity };
  const cluster: Cluster = {
    header: { format: 'synod.trace', version: 1, cluster: { acceptors: [...trace.acceptors] } },
    acceptors: trace.acceptors, proposers: trace.acceptors, quorums, valuesClosed: true,
      partial: false,
  };
  const table: NameTable = { nodes: [...trace.acceptors], clients: [], values: [...trace.values] };
  const names = namesOf(cluster, table);
  const logged = loggedBallots(trace);
  let steps = 0;
  const reject = (r: Rejection): CheckSummary =>
    ({ events: trace.states.length, steps, retransmissions: 0, messages: 0, chosen: [],
      rejections: [r] });
  const first = trace.states[0] as PaxosState;
  if (!sameState(first, init(k))) {
    return reject(rejection(0, 'Init',
      'state 0 is not Init: every acceptor starts with maxBal = maxVBal = -1, maxVal = None, ' +
        'and msgs = {}'));
  }
  for (let i = 1; i < trace.states.length; i++) {
    const s = trace.states[i - 1] as PaxosState;
    const t = trace.states[i] as PaxosState;
    const verdict = judgeStep(k, s, t, names);
    if (verdict === 'step') steps++;
    else if (verdict !== 'stutter') {
      const { broken } = brokenProperties(k, s, t, names);
      const b = broken[0];
      const why = verdict.why;
      return reject({
        ...rejection(i, b?.property ?? verdict.rule,
          logged(`state ${i - 1} -> ${i}: ${b === undefined ? why
            : `${b.summary}. ${why.charAt(0).toUpperCase()}${why.slice(1)}`}`)),
        action: verdict.action, conjunct: verdict.conjunct,
          breaks: broken.map((v) => ({ property: v.property, summary: logged(v.summary) })),
      });
    }
  }
  const last = trace.states[trace.states.length - 1] as PaxosState;
  const chosen = chosenProposals(k, votingState(k, last)).map((p) => ({ value: names.value(p.val),
    ballot: p.bal, ...(trace.ballots === null ? {} : { ballotText: trace.ballots[p.bal] }),
    line: 0 }));
  return { events: trace.states.length, steps, retransmissions: 0, messages: last.msgs.length,
    chosen, rejections: [] };
}

/**
 * Sentences about a trace whose ballots were replaced by their ranks (itf.ts) name each ballot as
 * logged ("ballot 2" -> "ballot 36871536670719328967..."); the identity otherwise.
 */
function loggedBallots(trace: ItfTrace): (text: string) => string {
  const names = trace.ballots;
  if (names === null) return (text) => text;
  return (text) => text.replace(/\b(ballots?|maxBal|maxVBal|mbal|bal) (\d+)\b/g,
    (all, word: string, b: string) => (names[Number(b)] === undefined ? all
      : `${word} ${names[Number(b)]}`));
}

function rejection(index: number, rule: string, explanation: string): Rejection {
  return { line: index, rule, action: null, conjunct: null, explanation, witness: {}, breaks: [],
    skipped: [], excerpt: [] };
}

/**
 * 'step' when t follows s by one spec step, 'stutter' when it equals s; else why not. Linear in
 * the messages: both states' msgs are sorted and without repeats (itf.ts), so one merge finds
 * what was added and lost (the pairwise search it replaces took 67 s on a 49 MB trace).
 */
function judgeStep(k: Constants, s: PaxosState, t: PaxosState, names: Names):
  'step' | 'stutter' | { rule: string; action: string | null; conjunct: string | null;
    why: string } {
  const { added, lost } = msgsDiff(s.msgs, t.msgs);
  if (added.length === 0 && lost === 0 && sameAcceptors(s, t)) return 'stutter';
  if (lost > 0 || added.length !== 1) {
    return { rule: 'Next', action: null, conjunct: null,
      why: `no single action explains it: ${added.length} messages added and ${lost} ` +
        `removed (each action sends exactly one, and msgs never shrinks)` };
  }
  const m = added[0] as Message;
  const action = actionSending(m);
  const r = testStep(k, s, action, actions, names);
  if (!r.ok) return { rule: action.name, action: action.name, conjunct: r.conjunct, why: r.why };
  if (!sameState(r.next, t)) {
    return { rule: action.name, action: action.name, conjunct: 'UNCHANGED / EXCEPT',
      why: `${action.name} sends this message, but the acceptor variables are not the ones it ` +
        `leaves` };
  }
  return 'step';
}

/** Messages of `next` not in `prev`, and how many of `prev` are not in `next` (both sorted). */
function msgsDiff(prev: readonly Message[], next: readonly Message[]):
  { added: Message[]; lost: number } {
  const added: Message[] = [];
  let lost = 0;
  let i = 0;
  let j = 0;
  while (i < prev.length || j < next.length) {
    const c = i === prev.length ? 1 : j === next.length ? -1
      : compareMessages(prev[i] as Message, next[j] as Message);
    if (c === 0) {
      i++;
      j++;
    } else if (c < 0) {
      lost++;
      i++;
    } else {
      added.push(next[j++] as Message);
    }
  }
  return { added, lost };
}

function sameAcceptors(s: PaxosState, t: PaxosState): boolean {
  const same = (x: readonly unknown[], y: readonly unknown[]): boolean =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return same(s.maxBal, t.maxBal) && same(s.maxVBal, t.maxVBal) && same(s.maxVal, t.maxVal);
}
