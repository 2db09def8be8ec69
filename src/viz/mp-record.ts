/**
 * A Multi-Paxos simulator run (`synod simulate multipaxos --trace FILE`, the JSON-lines record
 * of src/sim/multipaxos/trace.ts) as a Run: a lane per server and per client; each server step
 * is the input it took (a receive, a timer, a client request, a restart) followed by the effects
 * that took place (persist, sends, replies), and an `apply` event when its applied prefix grew.
 *
 * The spec state is the per-slot Paxos of MultiPaxos-SMR in Paxos.tla's words: an acceptor has
 * one maxBal for every slot (its 1b promises all of them), and per slot the maxVBal and maxVal of
 * its latest 2b; a value is chosen in a slot when a majority sent 2b for it in one ballot.
 *
 * Left out: the record carries no verdict (the simulator prints its own), and it is a debugging
 * record rather than a checked format: fields this reader does not know are shown, not judged.
 */
import {
  RunBuilder, ViewInputError, type Change, type EventKind, type Run,
} from './model.js';
import { numberedLines, parseLine } from './trace.js';

type Rec = Record<string, unknown>;

/** Is this parsed first line a Multi-Paxos record line? */
export function isMpRecord(u: unknown): boolean {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
  const r = u as Rec;
  return typeof r.t === 'number' && r.format === undefined
    && (typeof r.ev === 'string' || (typeof r.node === 'string' && Array.isArray(r.effects)));
}

interface MpState {
  readonly b: RunBuilder;
  readonly servers: readonly string[];
  readonly votes: Map<string, Set<string>>;
  readonly chosen: Map<number, string>;
  readonly applied: Map<string, number>;
}

function field(r: Rec, name: string, line: number): string {
  const v = r[name];
  if (typeof v !== 'string') {
    throw new ViewInputError(line, `${name}: expected a string, got ${JSON.stringify(v) ?? 'nothing'}`);
  }
  return v;
}

/** `2b(acc s1, bal 0.s1, slot 3, val A.2)`: the record's message in the spec's words. */
function showMsg(m: Rec): string {
  const parts = Object.entries(m).filter(([k]) => k !== 'type')
    .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${String(m.type)}(${parts.join(', ')})`;
}

function slotOf(m: Rec): number | null {
  return typeof m.slot === 'number' ? m.slot : null;
}

/** Phase1b changes the acceptor's maxBal; Phase2b its maxBal and the slot's maxVBal/maxVal. */
function specWrites(s: MpState, m: Rec): Change[] {
  const acc = typeof m.acc === 'string' ? m.acc : null;
  if (acc === null || (m.type !== '1b' && m.type !== '2b')) return [];
  const bal = String(m.bal);
  const writes: Change[] = [[s.b.cell({ acceptor: acc, slot: null, field: 'maxBal',
    initial: '-1' }), bal]];
  const slot = slotOf(m);
  if (m.type !== '2b' || slot === null) return writes;
  const val = String(m.val);
  const cell = (f: 'maxVBal' | 'maxVal'): number =>
    s.b.cell({ acceptor: acc, slot, field: f, initial: f === 'maxVal' ? 'None' : '-1' });
  writes.push([cell('maxVBal'), bal], [cell('maxVal'), val]);
  const key = `${slot} ${bal} ${val}`;
  const voters = s.votes.get(key) ?? new Set<string>();
  voters.add(acc);
  s.votes.set(key, voters);
  if (voters.size * 2 > s.servers.length && !s.chosen.has(slot)) {
    s.chosen.set(slot, `${val} (ballot ${bal})`);
    writes.push([s.b.cell({ acceptor: null, slot, field: 'chosen', initial: 'nothing' }),
      `${val} (ballot ${bal})`]);
  }
  return writes;
}

function serverStep(s: MpState, r: Rec, line: number): void {
  const node = field(r, 'node', line);
  const lane = s.b.lane(node, 'server');
  const ev = (kind: EventKind, label: string, slot: number | null = null,
    sets: Change[] = []): number => s.b.event({ lane, kind, label, line, slot }, sets);
  const how = typeof r.action === 'string' ? r.action : `ignored: ${String(r.ignored)}`;
  if (typeof r.recv === 'object' && r.recv !== null) {
    const m = r.recv as Rec;
    const id = ev('recv', `recv ${showMsg(m)} (${how})`, slotOf(m));
    s.b.recv(id, JSON.stringify(m), lane);
  } else if (typeof r.timer === 'string') {
    ev('timer', `timer ${r.timer} (${how})`);
  } else if (typeof r.request === 'object' && r.request !== null) {
    const q = r.request as Rec;
    ev('note', `request ${String(q.client)}#${String(q.seq)} ${String(q.op)} (${how})`);
  } else if (typeof r.restart === 'object' && r.restart !== null) {
    ev('restart', `restart (snapshot up to ${String((r.restart as Rec).upTo)})`);
  } else {
    throw new ViewInputError(line, 'a server step needs recv, timer, request or restart');
  }
  if (!Array.isArray(r.effects)) throw new ViewInputError(line, 'effects: expected an array');
  for (const e of r.effects as Rec[]) effect(s, e, ev);
  const applied = typeof r.applied === 'number' ? r.applied : 0;
  if (applied > (s.applied.get(node) ?? 0)) ev('apply', `applied up to slot ${applied}`);
  s.applied.set(node, applied);
}

function effect(s: MpState, e: Rec,
  ev: (kind: EventKind, label: string, slot?: number | null, sets?: Change[]) => number): void {
  if (typeof e.persist === 'object' && e.persist !== null) {
    const p = e.persist as Rec;
    ev('persist', `persist maxBal ${String(p.maxBal)}, ${String(p.votes)} votes, snapshot ` +
      `${String(p.snapshot)}`);
  } else if (typeof e.send === 'object' && e.send !== null) {
    const m = e.send as Rec;
    const to = e.to === 'all' ? s.servers : [String(e.to)];
    const kind: EventKind = m.type === 'commit' ? 'commit' : 'send';
    const id = ev(kind, `send ${showMsg(m)} to ${String(e.to)}`, slotOf(m), specWrites(s, m));
    s.b.send(id, JSON.stringify(m), to.map((n) => s.b.lane(n, 'server')));
  } else if (typeof e.reply === 'object' && e.reply !== null) {
    const q = e.reply as Rec;
    ev('note', `reply ${String(q.client)}#${String(q.seq)} ${JSON.stringify(q.out)}` +
      `${q.redirect === undefined ? '' : ` redirect ${String(q.redirect)}`}`);
  }
  // A timer set is not drawn: it is when it fires (a `timer` input) that something happens.
}

function worldEvent(s: MpState, r: Rec, line: number): void {
  const ev = field(r, 'ev', line);
  if (ev === 'invoke' || ev === 'return' || (ev === 'crash' && typeof r.client === 'string')) {
    const client = field(r, 'client', line);
    const lane = s.b.lane(client, 'client');
    if (ev === 'invoke') {
      const label = `${String(r.op)} #${String(r.seq)}`;
      const id = s.b.event({ lane, kind: 'invoke', label: `invoke ${label} at ${String(r.node)}`,
        line, slot: null });
      s.b.invoke(lane, id, label);
    } else if (ev === 'return') {
      const out = JSON.stringify(r.out) ?? 'null';
      const id = s.b.event({ lane, kind: 'return', label: `return ${out}`, line, slot: null });
      s.b.finish(lane, id, out);
    } else {
      s.b.event({ lane, kind: 'crash', label: 'client crash', line, slot: null });
      s.b.finish(lane, null, '? (crashed)');
    }
    return;
  }
  if (ev === 'crash') {
    const node = field(r, 'node', line);
    s.b.event({ lane: s.b.lane(node, 'server'), kind: 'crash', line, slot: null,
      label: `crash${r.midStep === true ? ' (mid-step)' : ''}` });
    return;
  }
  if (ev !== 'partition' && ev !== 'slow' && ev !== 'phase') {
    throw new ViewInputError(line, `ev: unknown event '${ev}' (expected invoke, return, crash, ` +
      'partition, slow or phase)');
  }
  const node = typeof r.node === 'string' ? r.node : (s.servers[0] ?? 'world');
  const what = ev === 'partition' ? `partition ${String(r.sides ?? 'healed')}`
    : ev === 'slow' ? `slow ${String(r.node ?? 'none')}` : `phase ${String(r.phase)}`;
  s.b.event({ lane: s.b.lane(node, 'server'), kind: 'fault', label: what, line, slot: null });
}

/** Reads a Multi-Paxos simulator record into a Run. Throws ViewInputError on bad lines. */
export function mpRecordRun(text: string, title: string): Run {
  const rows: [number, Rec][] = [];
  const servers = new Set<string>();
  for (const [line, raw] of numberedLines(text)) {
    const u = parseLine(raw, line);
    if (!isMpRecord(u)) {
      throw new ViewInputError(line, 'not a line of a Multi-Paxos run record (expected t and ev, ' +
        'or t, node and effects)');
    }
    const r = u as Rec;
    if (typeof r.node === 'string' && r.ev !== 'slow') servers.add(r.node);
    rows.push([line, r]);
  }
  const sorted = [...servers].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const b = new RunBuilder();
  for (const n of sorted) b.lane(n, 'server');
  for (const n of sorted) b.cell({ acceptor: n, slot: null, field: 'maxBal', initial: '-1' });
  const s: MpState = { b, servers: sorted, votes: new Map(), chosen: new Map(),
    applied: new Map() };
  for (const [line, r] of rows) {
    if (typeof r.ev === 'string') worldEvent(s, r, line);
    else serverStep(s, r, line);
  }
  return b.build({ kind: 'multipaxos', title, verdict: 'simulator run (verdict printed by ' +
    'synod simulate multipaxos)', slotted: true, receives: true });
}
