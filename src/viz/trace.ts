/**
 * A single-decree trace (synod.trace v1, src/format/trace.ts) as a Run: lanes for the header's
 * acceptors, proposers and learners and for each client; every line an event; messages matched
 * from send to receive by their content (and destination, when logged); client calls as bars.
 *
 * The spec state shown at each step is Paxos.tla's: an acceptor's maxBal changes when it sends a
 * 1b (Phase1b), its maxBal, maxVBal and maxVal when it sends a 2b (Phase2b); a value is chosen in
 * a ballot when a quorum of acceptors has sent 2b for it (Voting's ChosenAt). Persist, restart
 * and learn lines are drawn but change no spec variable: the trace checker holds them to the
 * spec's state; this view only shows it.
 *
 * Left out: judging the trace. The verdict is the trace checker's (src/trace), which this layer
 * does not import; the CLI passes its rejections to `withRejections` as plain data.
 */
import * as t from 'io-ts';
import { Header, TraceEvent, type Msg } from '../format/trace.js';
import { showJson, tooDeep, tooDeepMessage } from '../format/json.js';
import {
  eventsAtLines, messagesAt, RunBuilder, ViewInputError, type Run, type RunKind,
} from './model.js';

type Ballot = number | readonly [number, string];

/** A ballot as the trace wrote it: 3, or [2,"p1"]; -1 or null is none. */
export function showBallot(b: Ballot | -1 | null | undefined): string {
  if (b === undefined || b === null || b === -1) return '-1';
  return typeof b === 'number' ? String(b) : JSON.stringify(b);
}

/** A value as the checker's reports write it: "A" quoted, 3 bare, None for null. */
export function showValue(v: string | number | null | undefined): string {
  return v === undefined || v === null ? 'None' : JSON.stringify(v);
}

const ALIAS: Readonly<Record<string, string>> = {
  prepare: '1a', promise: '1b', accept: '2a', accepted: '2b', decide: 'commit', nack: 'reject',
};

/** The message in the spec's words: `2b(acc s1, bal 2, val "A")`. */
export function showMsg(m: Msg): string {
  const type = ALIAS[m.type] ?? m.type;
  const r = m as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof r.acc === 'string') parts.push(`acc ${r.acc}`);
  if (r.bal !== undefined) parts.push(`bal ${showBallot(r.bal as Ballot)}`);
  if (type === '1b') {
    parts.push(`mbal ${showBallot(r.mbal as Ballot | null)}`, `mval ${showValue(r.mval as null)}`);
  }
  if (r.val !== undefined) parts.push(`val ${showValue(r.val as string)}`);
  if (r.promised !== undefined) parts.push(`promised ${showBallot(r.promised as Ballot)}`);
  if (typeof r.slot === 'number') parts.push(`slot ${r.slot}`);
  return `${type}(${parts.join(', ')})`;
}

/** The first problem of a failed decode, as `field: message`. */
export function decodeProblem(errors: t.Errors, u: unknown): string {
  const e = errors[0];
  if (e === undefined) return `not a valid line: ${showJson(u)}`;
  const path = e.context.map((c) => c.key).filter((k) => k !== '' && !/^\d+$/.test(k));
  const field = path.length === 0 ? 'line' : [...new Set(path)].join('.');
  return `${field}: ${showJson(e.value)} is not a valid ${e.context.at(-1)?.type.name ?? 'value'}`;
}

/** JSON.parse with the line number in the error, and the depth limit of src/format/json.ts. */
export function parseLine(text: string, line: number): unknown {
  let u: unknown;
  try {
    u = JSON.parse(text);
  } catch (e) {
    throw new ViewInputError(line, `not JSON: ${(e as Error).message}`);
  }
  const deep = tooDeep(u);
  if (deep !== null) throw new ViewInputError(line, `${deep}: ${tooDeepMessage()}`);
  return u;
}

/** The lines of a text with their 1-based numbers, blank lines skipped. */
export function* numberedLines(text: string): Generator<[number, string]> {
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const s = text.slice(start, end).trim();
    if (s !== '') yield [line, s];
    start = end + 1;
  }
}

interface TraceState {
  readonly b: RunBuilder;
  readonly acceptors: readonly string[];
  /** The header's acceptors, proposers and learners, each once. */
  readonly servers: readonly string[];
  readonly quorums: readonly (readonly string[])[] | 'majority';
  /** Acceptors that sent 2b, by ballot and value; and the values chosen so far. */
  readonly votes: Map<string, Set<string>>;
  readonly chosen: string[];
}

function isQuorum(s: TraceState, voters: ReadonlySet<string>): boolean {
  if (s.quorums === 'majority') return voters.size * 2 > s.acceptors.length;
  return s.quorums.some((q) => q.every((a) => voters.has(a)));
}

/** The cell writes of a send: Phase1b and Phase2b change the acceptor; 2b may choose. */
function specWrites(s: TraceState, m: Msg): [number, string][] {
  const type = ALIAS[m.type] ?? m.type;
  const r = m as Record<string, unknown>;
  const acc = r.acc as string;
  const cell = (field: 'maxBal' | 'maxVBal' | 'maxVal'): number =>
    s.b.cell({ acceptor: acc, slot: null, field, initial: field === 'maxVal' ? 'None' : '-1' });
  const bal = showBallot(r.bal as Ballot);
  if (type === '1b') return [[cell('maxBal'), bal]];
  if (type !== '2b') return [];
  const val = showValue(r.val as string);
  const writes: [number, string][] = [[cell('maxBal'), bal], [cell('maxVBal'), bal],
    [cell('maxVal'), val]];
  const key = `${bal} ${val}`;
  const voters = s.votes.get(key) ?? new Set<string>();
  voters.add(acc);
  s.votes.set(key, voters);
  const text = `${val} (ballot ${bal})`;
  if (isQuorum(s, voters) && !s.chosen.includes(text)) {
    s.chosen.push(text);
    const chosen = s.b.cell({ acceptor: null, slot: null, field: 'chosen', initial: 'nothing' });
    writes.push([chosen, s.chosen.join(', ')]);
  }
  return writes;
}

/** The content of a message, for matching a receive to its send. */
function msgKey(m: Msg): string {
  const r = m as Record<string, unknown>;
  const type = ALIAS[m.type] ?? m.type;
  const none = (x: unknown): unknown => (x === undefined || x === null ? -1 : x);
  return JSON.stringify([type, r.acc, r.bal, none(r.mbal), r.mval ?? null, r.val, r.slot ?? 0]);
}

function nodeLane(s: TraceState, name: string): number {
  return s.b.lane(name, 'server');
}

function addEvent(s: TraceState, e: TraceEvent, line: number): void {
  const b = s.b;
  switch (e.ev) {
    case 'send': {
      const lane = nodeLane(s, e.node);
      const to = e.to === undefined ? [] : (Array.isArray(e.to) ? e.to : [e.to]) as string[];
      const label = `send ${showMsg(e.msg)}${to.length > 0 ? ` to ${to.join(', ')}` : ''}`;
      const id = b.event({ lane, kind: 'send', label, line, slot: null }, specWrites(s, e.msg));
      // "all" (as the simulator logs a broadcast) is every server of the header, unless a
      // server is named so.
      const dests = to.length === 1 && to[0] === 'all' && b.laneOf('all') === null
        ? s.servers : to;
      b.send(id, msgKey(e.msg), dests.map((n) => nodeLane(s, n)));
      return;
    }
    case 'recv': {
      const lane = nodeLane(s, e.node);
      const from = e.from === undefined ? '' : ` from ${e.from}`;
      const id = b.event({ lane, kind: 'recv', label: `recv ${showMsg(e.msg)}${from}`, line,
        slot: null });
      b.recv(id, msgKey(e.msg), lane);
      return;
    }
    case 'persist': {
      const label = `persist maxBal ${showBallot(e.maxBal)}, maxVBal ${showBallot(e.maxVBal)}, ` +
        `maxVal ${showValue(e.maxVal)}`;
      b.event({ lane: nodeLane(s, e.node), kind: 'persist', label, line, slot: null });
      return;
    }
    case 'learn':
      b.event({ lane: nodeLane(s, e.node), kind: 'learn', line, slot: null,
        label: `learn ${showValue(e.val)}${e.bal === undefined ? '' : ` (bal ${showBallot(e.bal)})`}` });
      return;
    case 'invoke': case 'return': return clientEvent(s, e, line);
    case 'crash': case 'restart': {
      if ('client' in e) return clientEvent(s, e, line);
      b.event({ lane: nodeLane(s, e.node), kind: e.ev, label: e.ev, line, slot: null });
    }
  }
}

function clientEvent(s: TraceState, e: TraceEvent & { client: string }, line: number): void {
  const lane = s.b.lane(e.client, 'client');
  if (e.ev === 'invoke') {
    const call = e.op === 'set' ? `SetVarX(${showValue(e.val)})` : 'GetVarX()';
    const at = e.node === undefined ? '' : ` at ${e.node}`;
    const id = s.b.event({ lane, kind: 'invoke', label: `invoke ${call}${at}`, line, slot: null });
    s.b.invoke(lane, id, call);
  } else if (e.ev === 'return') {
    const id = s.b.event({ lane, kind: 'return', label: `return ${showValue(e.val)}`, line,
      slot: null });
    s.b.finish(lane, id, showValue(e.val));
  } else {
    s.b.event({ lane, kind: e.ev as 'crash' | 'restart', label: `client ${e.ev}`, line,
      slot: null });
    if (e.ev === 'crash') s.b.finish(lane, null, '? (crashed)');
  }
}

/** Does the text's first line look like a synod.trace header? */
export function isTraceHeader(u: unknown): boolean {
  return typeof u === 'object' && u !== null && (u as { format?: unknown }).format === 'synod.trace';
}

/** Reads a synod.trace text into a Run (no verdict yet). Throws ViewInputError on bad lines. */
export function traceRun(text: string, kind: RunKind, title: string): Run {
  let s: TraceState | null = null;
  let receives = false;
  for (const [line, raw] of numberedLines(text)) {
    const u = parseLine(raw, line);
    if (s === null) {
      const h = Header.decode(u);
      if (h._tag === 'Left') throw new ViewInputError(line, `header: ${decodeProblem(h.left, u)}`);
      s = startTrace(h.right);
      continue;
    }
    const d = TraceEvent.decode(u);
    if (d._tag === 'Left') throw new ViewInputError(line, decodeProblem(d.left, u));
    receives ||= d.right.ev === 'recv';
    addEvent(s, d.right, line);
  }
  if (s === null) throw new ViewInputError(0, 'empty: no synod.trace header');
  return s.b.build({ kind, title, verdict: 'not checked', slotted: false, receives });
}

function startTrace(h: Header): TraceState {
  const b = new RunBuilder();
  const c = h.cluster;
  const servers = [...new Set([...c.acceptors, ...(c.proposers ?? []), ...(c.learners ?? [])])];
  for (const n of servers) b.lane(n, 'server');
  for (const a of c.acceptors) {
    for (const field of ['maxBal', 'maxVBal', 'maxVal'] as const) {
      b.cell({ acceptor: a, slot: null, field, initial: field === 'maxVal' ? 'None' : '-1' });
    }
  }
  b.cell({ acceptor: null, slot: null, field: 'chosen', initial: 'nothing' });
  return { b, acceptors: c.acceptors, servers, quorums: c.quorums ?? 'majority', votes: new Map(),
    chosen: [] };
}

/** The parts of the trace checker's rejection (src/trace/judge.ts) that the view shows. */
export interface TraceRejection {
  readonly line: number;
  readonly rule: string;
  readonly action: string | null;
  readonly conjunct: string | null;
  readonly explanation: string;
  readonly witness: {
    readonly ballot?: number;
    readonly value?: string;
    readonly quorum?: readonly string[];
    readonly acceptor?: string;
    readonly messages?: readonly { readonly line: number; readonly text: string }[];
  };
}

/** The run with the trace checker's verdict: the first rejection is the violation shown. */
export function withRejection(run: Run, r: TraceRejection | null, verdict: string): Run {
  if (r === null) return { ...run, verdict };
  const at = eventsAtLines(run, [r.line]);
  const witnessLines = (r.witness.messages ?? []).map((m) => m.line);
  const events = eventsAtLines(run, witnessLines);
  const names = [...(r.witness.quorum ?? []), ...(r.witness.acceptor === undefined ? []
    : [r.witness.acceptor])];
  const lanes = run.lanes.flatMap((l, i) => (names.includes(l.name) ? [i] : []));
  const details = [
    ...(r.action === null ? [] : [`read as ${r.action}`]),
    ...(r.conjunct === null ? [] : [`needs ${r.conjunct}`]),
    ...witnessWords(r.witness),
    ...(r.witness.messages ?? []).map((m) => `line ${m.line}: ${m.text}`),
  ];
  const event = at[0] ?? Math.max(0, run.events.length - 1);
  return { ...run, verdict, violation: {
    event, rule: r.rule, explanation: r.explanation, details, events: [...at, ...events],
    lanes, messages: messagesAt(run, events),
  } };
}

function witnessWords(w: TraceRejection['witness']): string[] {
  const facts = [
    w.ballot === undefined ? null : `ballot ${w.ballot}`,
    w.value === undefined ? null : `value ${w.value}`,
    w.quorum === undefined ? null : `quorum {${w.quorum.join(', ')}}`,
    w.acceptor === undefined ? null : `acceptor ${w.acceptor}`,
  ].filter((x) => x !== null);
  return facts.length === 0 ? [] : [`witness: ${facts.join(', ')}`];
}
