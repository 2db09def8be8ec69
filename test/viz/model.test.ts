/**
 * The run model of src/viz without a browser: what each kind of input becomes (lanes, messages
 * from send to receive, lost messages, the spec state step by step in Paxos.tla's words, client
 * calls and their linearization points) and where a violation is placed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../src/trace/run.js';
import { checkLinearizable, operationsFromEvents, writeOnceRegister } from '../../src/history/index.js';
import type { HistoryEvent, WriteOnceInput, WriteOnceOutput } from '../../src/history/index.js';
import { stateAt, ViewInputError, type Run } from '../../src/viz/model.js';
import { traceRun, withRejection } from '../../src/viz/trace.js';
import { mpRecordRun } from '../../src/viz/mp-record.js';
import { historyRun } from '../../src/viz/history.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The state after `step` as `acceptor.field` (slot-less cells) or `chosen`. */
function state(run: Run, step: number): Record<string, string> {
  const texts = stateAt(run, step);
  const out: Record<string, string> = {};
  run.cells.forEach((c, i) => {
    const slot = c.slot === null ? '' : `[${c.slot}]`;
    out[c.acceptor === null ? `chosen${slot}` : `${c.acceptor}${slot}.${c.field}`] = texts[i]!;
  });
  return out;
}

const header = JSON.stringify({ format: 'synod.trace', version: 1,
  cluster: { acceptors: ['s1', 's2', 's3'] } });
const lines = (...events: object[]): string =>
  [header, ...events.map((e) => JSON.stringify(e))].join('\n');

describe('a single-decree trace', () => {
  const run = traceRun(read('traces/valid/basic-majority.jsonl'), 'trace', 'basic');

  it('has a lane per server of the header, in its order', () => {
    expect(run.lanes.map((l) => l.name)).toEqual(['s1', 's2', 's3']);
  });

  it('draws one event per line, keeping the line number', () => {
    expect(run.events).toHaveLength(11);
    expect(run.events.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('matches each receive to the send of the same message', () => {
    const received = run.messages.filter((m) => m.recv !== null);
    expect(received.map((m) => [m.send, m.recv])).toEqual([[0, 1], [0, 4]]);
  });

  it('starts in Paxos.tla\'s Init: maxBal and maxVBal -1, maxVal None, nothing chosen', () => {
    expect(state(run, -1)).toMatchObject({ 's1.maxBal': '-1', 's2.maxVBal': '-1',
      's3.maxVal': 'None', chosen: 'nothing' });
  });

  it('changes an acceptor\'s maxBal when it sends a 1b (Phase1b)', () => {
    expect(state(run, 3)).toMatchObject({ 's2.maxBal': '1', 's2.maxVBal': '-1' });
    expect(run.events[3]!.changes).toHaveLength(1);
  });

  it('changes maxBal, maxVBal and maxVal on a 2b, and says chosen once a majority voted', () => {
    expect(state(run, 8)).toMatchObject({ 's2.maxVBal': '1', 's2.maxVal': '"x"',
      chosen: 'nothing' });
    expect(state(run, 9)).toMatchObject({ 's3.maxVal': '"x"', chosen: '"x" (ballot 1)' });
  });

  it('marks a send to a named node that never arrives as lost, with its destination', () => {
    const r = traceRun(lines({ ev: 'send', node: 's1', msg: { type: '1a', bal: 1 },
      to: ['s2', 's3'] }, { ev: 'recv', node: 's2', msg: { type: '1a', bal: 1 } }), 'trace', 't');
    expect(r.messages).toEqual([{ send: 0, recv: 1, to: 1 }, { send: 0, recv: null, to: 2 }]);
    expect(r.receives).toBe(true);
  });

  it('draws a duplicate delivery as a second arrow from the same send', () => {
    const m = { type: '2a', bal: 1, val: 'x' };
    const r = traceRun(lines({ ev: 'send', node: 's1', msg: m }, { ev: 'recv', node: 's2', msg: m },
      { ev: 'recv', node: 's2', msg: m }), 'trace', 't');
    expect(r.messages.map((x) => [x.send, x.recv])).toEqual([[0, 1], [0, 2]]);
  });

  it('makes each client call a bar from invoke to return', () => {
    const r = traceRun(read('traces/valid/crash-restart-clients.jsonl'), 'trace', 't');
    expect(r.ops.length).toBeGreaterThan(0);
    for (const op of r.ops) {
      expect(r.events[op.invoke]!.kind).toBe('invoke');
      if (op.ret !== null) expect(r.events[op.ret]!.kind).toBe('return');
      expect(r.lanes[op.lane]!.kind).toBe('client');
    }
  });

  it('names the line and field of a bad line', () => {
    const bad = lines({ ev: 'send', node: 's1', msg: { type: '1a', bal: 'two' } });
    expect(() => traceRun(bad, 'trace', 't')).toThrow(ViewInputError);
    try {
      traceRun(bad, 'trace', 't');
    } catch (e) {
      expect((e as ViewInputError).line).toBe(2);
      expect((e as Error).message).toMatch(/bal/);
    }
  });
});

describe('a rejected trace', () => {
  it('opens at the rejected line with the checker\'s rule and witness lanes', async () => {
    const text = read('traces/invalid/r1-vote-below-promise.jsonl');
    const report = await checkTrace((async function* () { yield text; })());
    const r = report.summary!.rejections[0]!;
    const run = withRejection(traceRun(text, 'trace', 't'), r, 'rejected');
    const v = run.violation!;
    expect(v.rule).toBe('R1');
    expect(run.events[v.event]!.line).toBe(9);
    expect(v.events).toContain(v.event);
    expect(v.lanes.map((l) => run.lanes[l]!.name)).toContain('s2');
    expect(v.explanation).toBe(r.explanation);
  });
});

describe('a Multi-Paxos simulator record', () => {
  const vote = (acc: string, node: string, t: number): object => ({ t, node,
    recv: { type: '2a', bal: '1.s1', slot: 0, val: 'A.1', commit: 0 }, action: 'Phase2b',
    applied: 0, effects: [{ send: { type: '2b', acc, bal: '1.s1', slot: 0, val: 'A.1' },
      to: 's1' }] });
  const text = [
    { t: 1, ev: 'invoke', client: 'A', seq: 1, op: 'put(x, "1")', node: 's1' },
    { t: 2, node: 's1', timer: 'election', action: 'Phase2a', applied: 0, effects: [
      { send: { type: '2a', bal: '1.s1', slot: 0, val: 'A.1', commit: 0 }, to: 'all' }] },
    vote('s2', 's2', 3), vote('s3', 's3', 4),
    { t: 5, node: 's1', recv: { type: '2b', acc: 's2', bal: '1.s1', slot: 0, val: 'A.1' },
      action: 'Learn', applied: 1, effects: [] },
    { t: 6, ev: 'return', client: 'A', seq: 1, out: null, node: 's1' },
  ].map((x) => JSON.stringify(x)).join('\n');
  const run = mpRecordRun(text, 'mp');

  it('has lanes for servers and clients and keeps slots on events', () => {
    expect(run.lanes.map((l) => `${l.kind}:${l.name}`)).toEqual(
      ['server:s1', 'server:s2', 'server:s3', 'client:A']);
    expect(run.slotted).toBe(true);
    expect(run.events.filter((e) => e.slot === 0).length).toBeGreaterThan(3);
  });

  it('shows per-slot votes and what is chosen in the slot once a majority voted', () => {
    const last = run.events.length - 1;
    expect(state(run, last)).toMatchObject({ 's2[0].maxVal': 'A.1', 's2.maxBal': '1.s1',
      'chosen[0]': 'A.1 (ballot 1.s1)' });
  });

  it('marks the messages to s1 that it never received (its own 2a, s3\'s 2b) as lost', () => {
    const lost = run.messages.filter((m) => m.recv === null);
    expect(lost.map((m) => `${run.events[m.send]!.label.slice(0, 7)} to ${run.lanes[m.to!]!.name}`))
      .toEqual(['send 2a to s1', 'send 2b to s1']);
  });

  it('draws an apply event when the applied prefix grows', () => {
    expect(run.events.some((e) => e.kind === 'apply')).toBe(true);
  });

  it('refuses a line of another format, naming it', () => {
    expect(() => mpRecordRun(`${text}\n{"x":1}`, 'mp')).toThrow(/not a line of a Multi-Paxos/);
  });
});

type E = HistoryEvent<WriteOnceInput, WriteOnceOutput>;
const set = (client: string, value: string): E => ({ type: 'invoke', client,
  input: { kind: 'set', key: 'X', value } });
const get = (client: string): E => ({ type: 'invoke', client, input: { kind: 'get', key: 'X' } });
const ret = (client: string, value: string | null): E => ({ type: 'return', client,
  output: { value } });

describe('a client history', () => {
  it('places every linearization point inside its call, in the witness order', () => {
    const events = [set('A', 'a'), set('B', 'b'), ret('B', 'a'), ret('A', 'a'), get('C'),
      ret('C', 'a')];
    const result = checkLinearizable(operationsFromEvents(events), writeOnceRegister);
    const run = historyRun(events, result, 'h');
    expect(run.ops).toHaveLength(3);
    for (const op of run.ops) {
      expect(op.status).toBe('linearized');
      expect(op.point!).toBeGreaterThan(op.invoke);
      expect(op.point!).toBeLessThan(op.ret!);
    }
    expect(run.violation).toBeNull();
  });

  it('marks the unplaced call and opens at the return it had to precede', () => {
    const events = [set('A', 'a'), ret('A', 'a'), get('B'), ret('B', null)];
    const result = checkLinearizable(operationsFromEvents(events), writeOnceRegister);
    expect(result.verdict).toBe('not-linearizable');
    const run = historyRun(events, result, 'h');
    expect(run.ops.map((o) => o.status)).toEqual(['linearized', 'unplaced']);
    expect(run.violation!.event).toBe(3);
    expect(run.violation!.lanes.map((l) => run.lanes[l]!.name)).toEqual(['B']);
    expect(run.verdict).toMatch(/longest linearizable prefix 1 of 2/);
  });
});
