/**
 * A Multi-Paxos trace (synod.trace v2, src/format/trace-v2.ts; what `synod simulate multipaxos
 * --trace` writes) as a slotted Run: a lane per server and client, messages matched from send to
 * receive by their content, learns, applies, snapshots and leader changes drawn, client calls as
 * bars.
 *
 * The spec state is the per-slot Paxos in Paxos.tla's words: an acceptor's one maxBal (its 1b
 * promises every slot from `from` on), and per slot the maxVBal and maxVal of its latest 2b; a
 * value is chosen in a slot when a quorum sent 2b for it in one ballot.
 *
 * Left out: judging the trace (the CLI passes the trace checker's rejection to
 * trace.ts's `withRejection`), and the votes a 1b reports (drawn in its label only).
 */
import { HeaderV2, TraceEventV2, type MsgV2 } from '../format/trace-v2.js';
import { RunBuilder, ViewInputError, type Change, type Run } from './model.js';
import { decodeProblem, numberedLines, parseLine, showBallot, showValue } from './trace.js';

type Rec = Record<string, unknown>;

const ALIAS: Readonly<Record<string, string>> = {
  prepare: '1a', promise: '1b', accept: '2a', accepted: '2b', decide: 'commit', nack: 'reject',
};

/** `2b(acc s1, bal [0,"s1"], slot 3, val "A")`. */
function showMsgV2(m: MsgV2): string {
  const r = m as Rec;
  const parts = Object.entries(r).filter(([k]) => k !== 'type').map(([k, v]) =>
    `${k} ${k === 'bal' || k === 'mbal' ? showBallot(v as number) : k === 'val' || k === 'mval'
      ? showValue(v as string) : JSON.stringify(v)}`);
  return `${ALIAS[m.type] ?? m.type}(${parts.join(', ')})`;
}

interface V2State {
  readonly b: RunBuilder;
  readonly acceptors: readonly string[];
  readonly quorums: readonly (readonly string[])[] | 'majority';
  readonly votes: Map<string, Set<string>>;
  readonly chosen: Set<number>;
}

function quorum(s: V2State, voters: ReadonlySet<string>): boolean {
  if (s.quorums === 'majority') return voters.size * 2 > s.acceptors.length;
  return s.quorums.some((q) => q.every((a) => voters.has(a)));
}

function specWrites(s: V2State, m: MsgV2): Change[] {
  const type = ALIAS[m.type] ?? m.type;
  const r = m as Rec;
  if ((type !== '1b' && type !== '2b') || typeof r.acc !== 'string') return [];
  const acc = r.acc;
  const bal = showBallot(r.bal as number);
  const writes: Change[] = [[s.b.cell({ acceptor: acc, slot: null, field: 'maxBal',
    initial: '-1' }), bal]];
  if (type !== '2b') return writes;
  const slot = r.slot as number;
  const val = showValue(r.val as string);
  writes.push([s.b.cell({ acceptor: acc, slot, field: 'maxVBal', initial: '-1' }), bal],
    [s.b.cell({ acceptor: acc, slot, field: 'maxVal', initial: 'None' }), val]);
  const key = `${slot} ${bal} ${val}`;
  const voters = s.votes.get(key) ?? new Set<string>();
  voters.add(acc);
  s.votes.set(key, voters);
  if (quorum(s, voters) && !s.chosen.has(slot)) {
    s.chosen.add(slot);
    writes.push([s.b.cell({ acceptor: null, slot, field: 'chosen', initial: 'nothing' }),
      `${val} (ballot ${bal})`]);
  }
  return writes;
}

function msgKey(m: MsgV2): string {
  const r = m as Rec;
  return JSON.stringify([ALIAS[m.type] ?? m.type, ...Object.keys(r).filter((k) => k !== 'type')
    .sort().map((k) => [k, r[k]])]);
}

function clientEvent(s: V2State, e: Rec, line: number): void {
  const lane = s.b.lane(e.client as string, 'client');
  if (e.ev === 'invoke') {
    const expect = e.expect === undefined ? undefined : `expect ${showValue(e.expect as null)}`;
    const args = [e.key, expect,
      e.val === undefined ? undefined : showValue(e.val as null)].filter((x) => x !== undefined);
    const call = `${String(e.op)}(${args.join(', ')}) #${String(e.seq)}`;
    const id = s.b.event({ lane, kind: 'invoke', line, slot: null,
      label: `invoke ${call}${e.node === undefined ? '' : ` at ${String(e.node)}`}` });
    s.b.invoke(lane, id, call);
  } else if (e.ev === 'return') {
    const out = `${e.ok === false ? 'failed ' : ''}${showValue(e.val as null)}`;
    const id = s.b.event({ lane, kind: 'return', label: `return ${out}`, line, slot: null });
    s.b.finish(lane, id, out);
  } else {
    s.b.event({ lane, kind: e.ev as 'crash', label: `client ${String(e.ev)}`, line, slot: null });
    if (e.ev === 'crash') s.b.finish(lane, null, '? (crashed)');
  }
}

function addEvent(s: V2State, e: TraceEventV2, line: number): void {
  const r = e as Rec;
  if (typeof r.client === 'string') return clientEvent(s, r, line);
  const lane = s.b.lane(r.node as string, 'server');
  const slot = typeof r.slot === 'number' ? r.slot : null;
  switch (e.ev) {
    case 'send': {
      const id = s.b.event({ lane, kind: e.msg.type === 'commit' ? 'commit' : 'send', line,
        slot: typeof (e.msg as Rec).slot === 'number' ? (e.msg as Rec).slot as number : null,
        label: `send ${showMsgV2(e.msg)}` }, specWrites(s, e.msg));
      const to = e.to === undefined ? [] : Array.isArray(e.to) ? e.to : [e.to];
      s.b.send(id, msgKey(e.msg), to.map((n) => s.b.lane(n, 'server')));
      return;
    }
    case 'recv': {
      const id = s.b.event({ lane, kind: 'recv', line, label: `recv ${showMsgV2(e.msg)}`,
        slot: typeof (e.msg as Rec).slot === 'number' ? (e.msg as Rec).slot as number : null });
      s.b.recv(id, msgKey(e.msg), lane);
      return;
    }
    case 'persist':
      s.b.event({ lane, kind: 'persist', line, slot, label: `persist maxBal ` +
        `${showBallot(e.maxBal as number)}, ${e.votes?.length ?? 0} votes` });
      return;
    case 'learn': case 'apply':
      s.b.event({ lane, kind: e.ev, line, slot, label: `${e.ev} slot ${e.slot} ` +
        `${showValue(e.val)}` });
      return;
    case 'snapshot': case 'compact':
      s.b.event({ lane, kind: 'note', line, slot: null, label: `${e.ev} up to ${e.upTo}` });
      return;
    case 'leader':
      s.b.event({ lane, kind: 'note', line, slot: null, label: `leader of ballot ` +
        `${showBallot(e.bal)}` });
      return;
    default:
      s.b.event({ lane, kind: e.ev as 'crash' | 'restart', label: String(e.ev), line, slot: null });
  }
}

/** Is this parsed first line a synod.trace v2 header? */
export function isTraceV2Header(u: unknown): boolean {
  return typeof u === 'object' && u !== null && (u as Rec).format === 'synod.trace'
    && (u as Rec).version === 2;
}

/** Reads a synod.trace v2 text into a slotted Run. Throws ViewInputError on bad lines. */
export function traceV2Run(text: string, title: string): Run {
  let s: V2State | null = null;
  let receives = false;
  for (const [line, raw] of numberedLines(text)) {
    const u = parseLine(raw, line);
    if (s === null) {
      const h = HeaderV2.decode(u);
      if (h._tag === 'Left') throw new ViewInputError(line, `header: ${decodeProblem(h.left, u)}`);
      const b = new RunBuilder();
      const c = h.right.cluster;
      for (const n of new Set([...c.acceptors, ...(c.proposers ?? []), ...(c.learners ?? [])])) {
        b.lane(n, 'server');
      }
      for (const a of c.acceptors) {
        b.cell({ acceptor: a, slot: null, field: 'maxBal', initial: '-1' });
      }
      s = { b, acceptors: c.acceptors, quorums: c.quorums ?? 'majority', votes: new Map(),
        chosen: new Set() };
      continue;
    }
    const d = TraceEventV2.decode(u);
    if (d._tag === 'Left') throw new ViewInputError(line, decodeProblem(d.left, u));
    receives ||= d.right.ev === 'recv';
    addEvent(s, d.right, line);
  }
  if (s === null) throw new ViewInputError(0, 'empty: no synod.trace header');
  return s.b.build({ kind: 'multipaxos', title, verdict: 'not checked', slotted: true, receives });
}
