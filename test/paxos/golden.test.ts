/**
 * Golden scenarios, after etcd-raft's data-driven tests: each scenario feeds one server a few
 * inputs and renders every step (input, outcome, effects, in the spec's words) as text, which
 * must equal test/paxos/testdata/<name>.txt. The files are meant to be read: each opens with a
 * `# why` line. After a deliberate change, rewrite them with SYNOD_REWRITE=1 and commit them only
 * once the diff is understood.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  showBallot, step, type Effect, type Input, type Msg, type ServerState,
} from '../../src/paxos/index.js';
import { NONE, b, deliver, get, p1b, p2b, server, set } from './fixtures.js';

const DIR = 'test/paxos/testdata';
const REWRITE = process.env['SYNOD_REWRITE'] === '1';

interface Scenario {
  readonly name: string;
  readonly why: string;
  readonly start: ServerState;
  readonly inputs: readonly Input[];
}

const sv = (id: number | 'all'): string => (id === 'all' ? 'all' : `s${id + 1}`);
const val = (v: string | null): string => (v === null ? 'None' : v);

function showMsg(m: Msg): string {
  switch (m.type) {
    case '1a': return `1a(bal ${showBallot(m.bal)})`;
    case '1b': return `1b(acc ${sv(m.acc)}, bal ${showBallot(m.bal)}, mbal ` +
      `${showBallot(m.mbal)}, mval ${val(m.mval)})`;
    case '2a': return `2a(bal ${showBallot(m.bal)}, val ${m.val})`;
    case '2b': return `2b(acc ${sv(m.acc)}, bal ${showBallot(m.bal)}, val ${m.val})`;
    case 'commit': return `commit(from ${sv(m.from)}, val ${m.val})`;
    case 'reject': return `reject(acc ${sv(m.acc)}, bal ${showBallot(m.bal)}, maxBal ` +
      `${showBallot(m.maxBal)})`;
    case 'read': return `read(from ${sv(m.from)}, call ${m.client}.${m.seq})`;
    case 'read-ok': return `read-ok(acc ${sv(m.acc)}, call ${m.client}.${m.seq}, mbal ` +
      `${showBallot(m.mbal)}, mval ${val(m.mval)})`;
  }
}

function showInput(i: Input): string {
  switch (i.kind) {
    case 'deliver': return `deliver ${showMsg(i.msg)}`;
    case 'request': return `request ${i.req.op.name}(${i.req.op.name === 'SetVarX' ? i.req.op.v
      : ''}) from client ${i.req.client}.${i.req.seq}`;
    case 'timer': return `timer ${i.timer.name}`;
    case 'restart': return 'restart';
  }
}

function showEffect(e: Effect): string {
  switch (e.kind) {
    case 'persist': {
      const a = e.durable.acceptor;
      return `persist round ${e.durable.round}, maxBal ${showBallot(a.maxBal)}, maxVBal ` +
        `${showBallot(a.maxVBal)}, maxVal ${val(a.maxVal)}`;
    }
    case 'send': return `send to ${sv(e.to)}: ${showMsg(e.msg)}`;
    case 'reply': return `reply ${e.op} to client ${e.client}.${e.seq}: ${val(e.val)}`;
    case 'set-timer': return `set-timer ${e.timer.name} after ${e.after}`;
  }
}

function render(sc: Scenario): string {
  const lines = [`# why: ${sc.why}`];
  let s = sc.start;
  for (const input of sc.inputs) {
    const r = step(s, input);
    const o = r.outcome;
    lines.push(`> ${showInput(input)}`);
    lines.push(`  ${o.kind === 'acted' ? `acted: ${o.action}` : `ignored: ${o.reason}`}`);
    for (const e of r.effects) lines.push(`    ${showEffect(e)}`);
    s = r.state;
  }
  return `${lines.join('\n')}\n`;
}

const scenarios: readonly Scenario[] = [
  {
    name: 'proposer-happy-path',
    why: 'SetVarX at s1 of 3: Phase1a, two promises, Phase2a, two votes, learned and answered',
    start: server(0),
    inputs: [
      set('A'),
      deliver(p1b(0, b(0, 0), NONE, null)),
      deliver(p1b(1, b(0, 0), NONE, null)),
      deliver(p1b(2, b(0, 0), NONE, null)),
      deliver(p2b(0, b(0, 0), 'A')),
      deliver(p2b(1, b(0, 0), 'A')),
    ],
  },
  {
    name: 'proposer-adopts-vote',
    why: 'a promise reports a vote for B, so Phase2a proposes B, not the client\'s A (P2c)',
    start: server(0),
    inputs: [
      set('A'),
      deliver(p1b(1, b(0, 0), b(0, 2), 'B')),
      deliver(p1b(2, b(0, 0), NONE, null)),
    ],
  },
  {
    name: 'acceptor-promise-and-refusal',
    why: 'an acceptor promises a higher ballot, refuses a lower 1a and 2a, votes at maxBal',
    start: server(1),
    inputs: [
      deliver({ type: '1a', slot: 0, bal: b(1, 0) }),
      deliver({ type: '1a', slot: 0, bal: b(1, 0) }),
      deliver({ type: '1a', slot: 0, bal: b(0, 2) }),
      deliver({ type: '2a', slot: 0, bal: b(0, 2), val: 'C' }),
      deliver({ type: '2a', slot: 0, bal: b(1, 0), val: 'A' }),
    ],
  },
  {
    name: 'read-completes-a-vote',
    why: 'GetVarX at an unlearned server finds a vote, completes it with a ballot, then answers',
    start: server(0),
    inputs: [
      get(),
      deliver({ type: 'read-ok', slot: 0, acc: 0, client: 8, seq: 1, mbal: NONE, mval: null }),
      deliver({ type: 'read-ok', slot: 0, acc: 1, client: 8, seq: 1, mbal: b(0, 1), mval: 'B' }),
      deliver(p1b(1, b(1, 0), b(0, 1), 'B')),
      deliver(p1b(2, b(1, 0), NONE, null)),
      deliver({ type: 'commit', slot: 0, from: 2, val: 'B' }),
    ],
  },
  {
    name: 'restart-keeps-promises',
    why: 'after a restart the acceptor still refuses what it refused before; the round moves on',
    start: server(2),
    inputs: [
      deliver({ type: '1a', slot: 0, bal: b(3, 1) }),
      set('C'),
      { kind: 'restart', durable: { round: 4, acceptor: {
        maxBal: b(4, 2), maxVBal: NONE, maxVal: null } } },
      deliver({ type: '1a', slot: 0, bal: b(3, 1) }),
      set('C', 7, 2),
    ],
  },
];

describe('golden scenarios (test/paxos/testdata)', () => {
  for (const sc of scenarios) {
    it(`renders ${sc.name} as its testdata file`, () => {
      const file = join(DIR, `${sc.name}.txt`);
      const text = render(sc);
      if (REWRITE || !existsSync(file)) {
        mkdirSync(DIR, { recursive: true });
        writeFileSync(file, text);
      }
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }
});
