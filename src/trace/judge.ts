/**
 * Turning a step the spec does not allow into a rejection a person can act on: which rule,
 * in plain words, with the witness in protocol terms (ballot, value, quorum, acceptor, and the
 * messages with the trace lines that sent them).
 *
 * The verdict itself comes from the checker's incremental state (checker.ts); this file asks
 * the spec for the words. It rebuilds the spec's PaxosState, lets `testStep` name the failing
 * conjunct (spec/paxos.ts), applies what the implementation did anyway (the "forced" state),
 * and evaluates the named properties of spec/properties.ts on it. The rule reported is the first
 * property the step breaks, in the order of `RULE_ORDER` (Paxos Made Simple's rules first, as
 * they are what an implementer knows), or else the action whose condition failed.
 *
 * The properties built on SafeAt and ShowsSafeAt (Inv3, Inv4, VotesSafe) come from safety.ts,
 * which evaluates them on the voted ballots only: spec/voting.ts quantifies over every ballot
 * below b, literally, as Voting.tla does, and a trace's ballots run into the millions. Every
 * property is therefore evaluated whatever the ballots. `skipped` is always empty: it stays only
 * because synod.trace/v1's JSON rejections carry it; nothing prints it.
 */
import {
  actions, testStep, type Action, type Constants, type Message, type PaxosState,
} from '../../spec/paxos.js';
import {
  showMessage, stepProperties, type Names, type PropertyName, type Violation,
} from '../../spec/properties.js';
import type { Cluster, NameTable } from './events.js';
import { traceStateProperties } from './safety.js';
import { sentLine, toSpecState, type TraceState } from './state.js';

/** The order in which broken properties are named: PMS's rules, then Voting's, then Inv. */
export const RULE_ORDER: readonly PropertyName[] = [
  'R1', 'Consistency', 'R2', "R2'", 'I1', 'OneValuePerBallot', 'VotesSafe',
  'Inv1', 'Inv2', 'Inv3', 'Inv4', 'TypeOK',
];

export interface WitnessMessage { readonly line: number; readonly text: string }

export interface Witness {
  /** The slot of the log (Multi-Paxos traces, format v2). */
  readonly slot?: number;
  readonly ballot?: number;
  readonly value?: string;
  readonly quorum?: readonly string[];
  readonly acceptor?: string;
  readonly messages?: readonly WitnessMessage[];
  /** How the ballots named here were logged, when the trace uses [round, proposer] pairs. */
  readonly ballots?: Readonly<Record<string, string>>;
}

export interface BrokenProperty { readonly property: PropertyName; readonly summary: string }

export interface Rejection {
  readonly line: number;
  /** A property name of DESIGN.md, or the spec action / check whose condition failed. */
  readonly rule: string;
  /** The spec action the line was read as, in words ("Phase2b(s2) on 2a(bal 3, "x")"). */
  readonly action: string | null;
  /** The failing conjunct in the spec's notation, when a spec action was refused. */
  readonly conjunct: string | null;
  readonly explanation: string;
  readonly witness: Witness;
  /** Every named property the step would break if taken anyway. */
  readonly breaks: readonly BrokenProperty[];
  /** Properties not evaluated: none since safety.ts (kept for the report's format). */
  readonly skipped: readonly PropertyName[];
  /** Lines of the short causal excerpt, ascending. */
  readonly excerpt: readonly number[];
}

/** How acceptors and values are written: the implementation's own names. */
export function namesOf(cluster: Cluster, table: NameTable): Names {
  return {
    acceptor: (a) => cluster.acceptors[a] ?? `a${a}`,
    value: (v) => (table.values[v] === undefined ? `v${v}` : JSON.stringify(table.values[v])),
  };
}

/** Names for sentences about a trace: its acceptors, values and ballots as it logged them. */
export interface TraceNames extends Names {
  readonly ballot: (b: number) => string;
}

/**
 * A ballot as the trace wrote it: a [round, "proposer"] pair when the header lists proposers
 * (decode.ts numbers a pair round * |proposers| + index, so the number names the pair back),
 * the number itself otherwise; -1 is "none".
 */
export function ballotName(cluster: Cluster, b: number): string {
  if (b < 0) return 'none';
  if (cluster.header.cluster.proposers === undefined) return String(b);
  const p = cluster.proposers.length;
  return JSON.stringify([Math.floor(b / p), cluster.proposers[b % p]]);
}

/**
 * The spec's and the checker's sentences number ballots ("ballot 5", "maxBal 5"); this writes each
 * as the trace logged it ("ballot [2,\"p2\"]"). A no-op for traces that log numbers.
 */
export function withBallotNames(text: string, cluster: Cluster): string {
  if (cluster.header.cluster.proposers === undefined) return text;
  return text.replace(/\b(ballots?|maxBal|maxVBal|mbal|bal) (\d+)\b/g,
    (_, word: string, b: string) => `${word} ${ballotName(cluster, Number(b))}`)
    .replace(/\b(Phase1a|Phase2a)\((\d+)\b/g,
      (_, action: string, b: string) => `${action}(${ballotName(cluster, Number(b))}`);
}

export function traceNamesOf(cluster: Cluster, table: NameTable): TraceNames {
  return { ...namesOf(cluster, table), ballot: (b) => ballotName(cluster, b) };
}

/** The properties `forced` breaks (R1 against `before`), in RULE_ORDER. */
export function brokenProperties(
  k: Constants, before: PaxosState, forced: PaxosState, names: Names,
): { broken: Violation[]; skipped: PropertyName[] } {
  const broken: Violation[] = [];
  for (const p of stepProperties) {
    const v = p.check(k, before, forced, names);
    if (v !== null) broken.push(v);
  }
  for (const p of traceStateProperties) {
    const v = p.check(k, forced, names);
    if (v !== null) broken.push(v);
  }
  broken.sort((x, y) => RULE_ORDER.indexOf(x.property) - RULE_ORDER.indexOf(y.property));
  return { broken, skipped: [] };
}

/** What the checker knows when it refuses a line. */
export interface RefusalContext {
  readonly k: Constants;
  readonly state: TraceState;
  readonly cluster: Cluster;
  readonly table: NameTable;
  readonly line: number;
  /** Messages the refused line acts on or answers (the 1a or 2a, the promise it breaks). */
  readonly involved?: readonly Message[];
  /** Other lines the excerpt should show (the call a return answers, the crash). */
  readonly lines?: readonly number[];
}

/**
 * A rejection for a spec action the line claims: the spec names the conjunct (or, when the
 * action is enabled but the logged message is not the one it sends, `mismatch` says why).
 */
export function refuseAction(
  c: RefusalContext,
  action: Action,
  actionText: string,
  forced: (s: PaxosState) => PaxosState,
  mismatch: { conjunct: string; why: string } | null,
): Rejection {
  const before = toSpec(c);
  const r = testStep(c.k, before, action, actions, namesOf(c.cluster, c.table));
  const failed = r.ok ? mismatch : { conjunct: r.conjunct, why: r.why };
  if (failed === null) throw new Error(`refuseAction: the spec allows ${actionText} (a checker ` +
    `bug)`);
  return refusal(c, {
    rule: action.name, action: actionText, conjunct: failed.conjunct, why: failed.why,
    before, forced: forced(before),
  });
}

/** A rejection for any other check (recv, persist, learn, ...): rule and words given. */
export function refuseClaim(
  c: RefusalContext,
  rule: string,
  why: string,
  forced: ((s: PaxosState) => PaxosState) | null,
  witness: Witness = {},
): Rejection {
  const before = toSpec(c);
  return refusal(c, { rule, action: null, conjunct: null, why, before, forced: forced?.(before)
    ?? null }, witness);
}

/** The spec's form of the checker's state (O(|msgs|), paid once per rejection). */
function toSpec(c: RefusalContext): PaxosState {
  return toSpecState(c.state);
}

interface RefusalFacts {
  readonly rule: string;
  readonly action: string | null;
  readonly conjunct: string | null;
  readonly why: string;
  readonly before: PaxosState;
  readonly forced: PaxosState | null;
}

function refusal(c: RefusalContext, f: RefusalFacts, extra: Witness = {}): Rejection {
  const names = namesOf(c.cluster, c.table);
  const { broken, skipped } = f.forced === null ? { broken: [],
    skipped: [] } : brokenProperties(c.k, f.before, f.forced, names);
  const first = broken[0];
  const base = first === undefined ? extra : { ...extra, ...witnessOf(c, first, names) };
  const messages = mergeMessages(base.messages ?? [], (c.involved
    ?? []).map((m) => messageWitness(c, m, names)));
  const legend = ballotLegend(c, [base.ballot, ...(c.involved ?? []).map((m) => m.bal),
    ...(first?.witness.messages ?? []).map((m) => m.bal)]);
  const witness = { ...base, ...(messages.length === 0 ? {} : { messages }), ...(legend === null
    ? {} : { ballots: legend }) };
  const why = f.why;
  const explanation = withBallotNames(first === undefined ? why : `${first.summary}. ` +
    `${capitalize(why)}`.replace(/\.\. /g, '. '), c.cluster);
  return {
    line: c.line,
    rule: first?.property ?? f.rule,
    action: f.action === null ? null : withBallotNames(f.action, c.cluster),
    conjunct: f.conjunct,
    explanation,
    witness,
    breaks: broken.map((v) => ({ property: v.property, summary: v.summary })),
    skipped,
    excerpt: excerptLines(c, witness),
  };
}

function witnessOf(c: RefusalContext, v: Violation, names: Names): Witness {
  const w = v.witness;
  return {
    ...(w.ballot === undefined ? {} : { ballot: w.ballot }),
    ...(w.value === undefined ? {} : { value: names.value(w.value) }),
    ...(w.quorum === undefined ? {} : { quorum: w.quorum.map(names.acceptor) }),
    ...(w.acceptor === undefined ? {} : { acceptor: names.acceptor(w.acceptor) }),
    ...(w.messages === undefined ? {} : { messages: w.messages.map((m) => messageWitness(c, m,
      names)) }),
  };
}

/**
 * The spec numbers ballots; a trace that logged [round, proposer] pairs gets each number named
 * back (round * |proposers| + index, decode.ts), so the report reads in the implementation's terms.
 */
function ballotLegend(c: RefusalContext,
  ballots: readonly (number | undefined)[]): Record<string, string> | null {
  if (c.cluster.header.cluster.proposers === undefined) return null;
  const p = c.cluster.proposers.length;
  const out: Record<string, string> = {};
  for (const b of ballots) {
    if (b === undefined || b < 0) continue;
    out[String(b)] = JSON.stringify([Math.floor(b / p), c.cluster.proposers[b % p]]);
  }
  return Object.keys(out).length === 0 ? null : out;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function mergeMessages(a: readonly WitnessMessage[],
  b: readonly WitnessMessage[]): WitnessMessage[] {
  const out = [...a];
  for (const m of b) if (!out.some((x) => x.text === m.text)) out.push(m);
  return out.sort((x, y) => x.line - y.line);
}

/**
 * The trace checker's own texts (the partial search's claims) number acceptors and values
 * ("acceptor 1", "value 0"); the report uses the implementation's names. The spec's texts take
 * the names directly (testStep's `names` argument).
 */
export function withNames(why: string, names: Names): string {
  return why
    .replace(/\bacceptor (\d+)\b/g, (_, a: string) => `acceptor ${names.acceptor(Number(a))}`)
    .replace(/\bvalue (\d+)\b/g, (_, v: string) => `value ${names.value(Number(v))}`)
    .replace(/\bother than (\d+)\b/g, (_, v: string) => `other than ${names.value(Number(v))}`);
}

/** A message with the line that sent it; the line being refused when it is the new one. */
export function messageWitness(c: RefusalContext, m: Message, names: Names): WitnessMessage {
  const line = sentLine(c.state, m);
  return { line: line === -1 ? c.line : line, text: showMessage(m, names) };
}

/** The refused line, the witness's lines, and what caused each (a 2b's 2a, a 1b's 1a). */
function excerptLines(c: RefusalContext, w: Witness): number[] {
  const lines = new Set<number>([c.line, ...(c.lines ?? [])]);
  for (const m of w.messages ?? []) if (m.line > 0) lines.add(m.line);
  return [...lines].filter((l) => l > 0).sort((x, y) => x - y).slice(-12);
}
