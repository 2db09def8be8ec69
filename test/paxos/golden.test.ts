/**
 * Golden scenarios, after etcd-raft's data-driven tests: each file in test/paxos/testdata/ is
 * a script of commands for one server, each with its `# why`, and the server's answer rendered
 * in the spec's words (outcome, then effects in order). The inputs live in the files, not here;
 * this file only knows the commands (test/datadriven.ts has the file format):
 *
 *     server s3 of 3                         a fresh server with an empty disk; shows the disk
 *     deliver 1a(bal 3.s2)                   a message, in the notation the output uses
 *     request SetVarX(C) from client 7.1     a client call (GetVarX() likewise)
 *     timer proposer 1 | timer read 8.1      a timer firing (the tag set-timer printed)
 *     crash                                  the server stops; shows the record on its disk
 *     restart                                restarts from that record, the one last persisted
 *
 * The disk is what the server's `persist` effects wrote, nothing else: a restart rebuilds the
 * server from exactly that record, as src/sim and src/net do. Every input's `rand` is 0.
 * After a deliberate change, rewrite the outputs with SYNOD_REWRITE=1 and commit them only once
 * the diff is understood. A file listed below but missing fails, and so does a file not listed.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  INITIAL_DURABLE, initServer, showBallot, step, type Ballot, type Durable, type Effect,
  type Input, type Msg, type Outcome, type ServerState, type Value,
} from '../../src/paxos/index.js';
import { REWRITE, parseDataFile, renderDataFile, runDataFile } from '../datadriven.js';

const DIR = 'test/paxos/testdata';
/** The scenarios, one file each; the list guards against a file lost or left behind. */
const SCENARIOS = [
  'acceptor-promise-and-refusal', 'proposer-happy-path', 'proposer-adopts-vote',
  'read-completes-a-vote', 'restart-keeps-promises', 'timers',
];

// ---------------------------------------------------------------------------------------------
// Rendering: servers 1-based (s1), ballots round.server (glossary.md, "Writing ballots").

const sv = (id: number | 'all'): string => (id === 'all' ? 'all' : `s${id + 1}`);
const val = (v: Value | null): string => (v === null ? 'None' : v);

function showMsg(m: Msg): string {
  const B = showBallot;
  switch (m.type) {
    case '1a': return `1a(bal ${B(m.bal)})`;
    case '1b': return `1b(acc ${sv(m.acc)}, bal ${B(m.bal)}, mbal ${B(m.mbal)}, mval ${val(m.mval)})`;
    case '2a': return `2a(bal ${B(m.bal)}, val ${m.val})`;
    case '2b': return `2b(acc ${sv(m.acc)}, bal ${B(m.bal)}, val ${m.val})`;
    case 'commit': return `commit(from ${sv(m.from)}, val ${m.val})`;
    case 'reject': return `reject(acc ${sv(m.acc)}, bal ${B(m.bal)}, maxBal ${B(m.maxBal)})`;
    case 'read': return `read(from ${sv(m.from)}, call ${m.client}.${m.seq})`;
    case 'read-ok': return `read-ok(acc ${sv(m.acc)}, call ${m.client}.${m.seq}, ` +
      `mbal ${B(m.mbal)}, mval ${val(m.mval)})`;
  }
}

/** A durable record: the proposer's highest round and the acceptor's promise and vote. */
function showDurable(d: Durable): string {
  const a = d.acceptor;
  return `round ${d.round}, maxBal ${showBallot(a.maxBal)}, maxVBal ${showBallot(a.maxVBal)}, ` +
    `maxVal ${val(a.maxVal)}`;
}

function showEffect(e: Effect): string {
  switch (e.kind) {
    case 'persist': return `persist ${showDurable(e.durable)}`;
    case 'send': return `send to ${sv(e.to)}: ${showMsg(e.msg)}`;
    case 'reply': return `reply ${e.op} to client ${e.client}.${e.seq}: ${val(e.val)}`;
    case 'set-timer': {
      const t = e.timer;
      const which = t.name === 'proposer' ? `proposer ${t.tag}` : `read ${t.client}.${t.seq}`;
      return `set-timer ${which} after ${e.after}`;
    }
  }
}

function showOutcome(o: Outcome): string {
  return o.kind === 'acted' ? `acted: ${o.action}` : `${o.kind}: ${o.reason}`;
}

// ---------------------------------------------------------------------------------------------
// Parsing the commands' arguments, in the notation above.

function parseServer(text: string): number {
  const m = /^s([1-9])$/.exec(text);
  if (m === null) throw new Error(`"${text}" is no server name (s1..s9)`);
  return Number(m[1]) - 1;
}

function parseBallot(text: string): Ballot {
  if (text === '-') return INITIAL_DURABLE.acceptor.maxBal;
  const m = /^(\d+)\.(s\d)$/.exec(text);
  if (m === null) throw new Error(`"${text}" is no ballot (round.server, as 3.s2, or -)`);
  return { round: Number(m[1]), server: parseServer(m[2]!) };
}

const parseValue = (text: string): Value | null => (text === 'None' ? null : text);

function parseCall(text: string): { client: number; seq: number } {
  const m = /^(\d+)\.(\d+)$/.exec(text);
  if (m === null) throw new Error(`"${text}" is no call (client.seq)`);
  return { client: Number(m[1]), seq: Number(m[2]) };
}

/** `type(key value, key value, ...)`, the notation showMsg writes, back to a message. */
function parseMsg(text: string): Msg {
  const m = /^([\w-]+)\((.*)\)$/.exec(text);
  if (m === null) throw new Error(`"${text}" is no message`);
  const f: Record<string, string> = {};
  for (const part of m[2]!.split(', ')) {
    const [key, value] = part.split(' ');
    f[key!] = value!;
  }
  const need = (k: string): string => {
    if (f[k] === undefined) throw new Error(`${m[1]} needs a field "${k}"`);
    return f[k];
  };
  const slot = 0;
  switch (m[1]) {
    case '1a': return { type: '1a', slot, bal: parseBallot(need('bal')) };
    case '1b': return { type: '1b', slot, acc: parseServer(need('acc')),
      bal: parseBallot(need('bal')), mbal: parseBallot(need('mbal')),
      mval: parseValue(need('mval')) };
    case '2a': return { type: '2a', slot, bal: parseBallot(need('bal')), val: need('val') };
    case '2b': return { type: '2b', slot, acc: parseServer(need('acc')),
      bal: parseBallot(need('bal')), val: need('val') };
    case 'commit': return { type: 'commit', slot, from: parseServer(need('from')),
      val: need('val') };
    case 'reject': return { type: 'reject', slot, acc: parseServer(need('acc')),
      bal: parseBallot(need('bal')), maxBal: parseBallot(need('maxBal')) };
    case 'read': return { type: 'read', slot, from: parseServer(need('from')),
      ...parseCall(need('call')) };
    case 'read-ok': return { type: 'read-ok', slot, acc: parseServer(need('acc')),
      ...parseCall(need('call')), mbal: parseBallot(need('mbal')),
      mval: parseValue(need('mval')) };
    default: throw new Error(`unknown message type "${m[1]}"`);
  }
}

function parseRequest(text: string): Input {
  const m = /^(SetVarX|GetVarX)\((\w*)\) from client (\S+)$/.exec(text);
  if (m === null) throw new Error(`"${text}" is no request (SetVarX(v) or GetVarX() from ...)`);
  const op = m[1] === 'SetVarX' ? { name: 'SetVarX', v: m[2]! } as const
    : { name: 'GetVarX' } as const;
  return { kind: 'request', rand: 0, req: { ...parseCall(m[3]!), slot: 0, op } };
}

function parseTimer(text: string): Input {
  const [name, arg] = text.split(' ');
  if (name === 'proposer' && /^\d+$/.test(arg ?? '')) {
    return { kind: 'timer', rand: 0, timer: { name: 'proposer', slot: 0, tag: Number(arg) } };
  }
  if (name === 'read') {
    return { kind: 'timer', rand: 0, timer: { name: 'read', slot: 0, ...parseCall(arg ?? '') } };
  }
  throw new Error(`"${text}" is no timer (proposer TAG, or read CLIENT.SEQ)`);
}

// ---------------------------------------------------------------------------------------------
// The commands, over one server and its disk.

/** A server under test: its state while up (null while crashed) and its disk. */
interface Machine { state: ServerState | null; disk: Durable; config: ServerState['config'] | null }

function stepOnce(mc: Machine, input: Input): string {
  if (mc.state === null) throw new Error('the server is down: restart it first');
  const r = step(mc.state, input);
  mc.state = r.state;
  for (const e of r.effects) if (e.kind === 'persist') mc.disk = e.durable;
  return [showOutcome(r.outcome), ...r.effects.map((e) => `  ${showEffect(e)}`)].join('\n');
}

function command(mc: Machine, line: string): string {
  const [verb, ...rest] = line.split(' ');
  const arg = rest.join(' ');
  switch (verb) {
    case 'server': {
      const m = /^(s\d) of (\d)$/.exec(arg);
      if (m === null) throw new Error('usage: server sN of M');
      mc.config = { id: parseServer(m[1]!), servers: Number(m[2]), timeout: 10,
        distinguished: null };
      mc.disk = INITIAL_DURABLE;
      mc.state = initServer(mc.config, mc.disk);
      return `disk: ${showDurable(mc.disk)}`;
    }
    case 'deliver': return stepOnce(mc, { kind: 'deliver', rand: 0, msg: parseMsg(arg) });
    case 'request': return stepOnce(mc, parseRequest(arg));
    case 'timer': return stepOnce(mc, parseTimer(arg));
    case 'crash':
      mc.state = null;
      return `disk: ${showDurable(mc.disk)}`;
    case 'restart': {
      if (mc.state !== null || mc.config === null) throw new Error('restart needs a crash first');
      // Restart needs a state to step from: the fresh server a reboot starts, then the disk.
      mc.state = initServer(mc.config);
      return stepOnce(mc, { kind: 'restart', durable: mc.disk });
    }
    default: throw new Error(`unknown command "${verb}"`);
  }
}

describe('golden scenarios (test/paxos/testdata)', () => {
  it('has exactly the files it lists', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4));
    expect(files.sort()).toEqual([...SCENARIOS].sort());
  });

  for (const name of SCENARIOS) {
    it(`gives the output recorded in ${name}.txt`, () => {
      const mc: Machine = { state: null, disk: INITIAL_DURABLE, config: null };
      const results = runDataFile(join(DIR, `${name}.txt`), (line) => command(mc, line));
      expect(results.length).toBeGreaterThan(0);
      if (REWRITE) return;
      for (const { block, actual } of results) {
        expect(actual, `${name}.txt:${block.line}: ${block.command}`).toBe(block.expected);
      }
    });
  }
});

describe('the data-driven file format (test/datadriven.ts)', () => {
  it('fails on a missing file instead of writing one', () => {
    const file = join(DIR, 'no-such-scenario.txt');
    expect(() => runDataFile(file, () => '')).toThrow(/ENOENT/);
    expect(existsSync(file)).toBe(false);
  });
  it('refuses a command block without its "# why" and a command without "----"', () => {
    expect(() => parseDataFile('crash\n----\n', 'f.txt')).toThrow(/f.txt:1: .*"# why"/);
    expect(() => parseDataFile('# why: x\ncrash\ndisk\n', 'f.txt')).toThrow(/followed by "----"/);
  });
  it('writes a file back unchanged when every output is the recorded one', () => {
    const text = readFileSync(join(DIR, 'timers.txt'), 'utf8');
    const chunks = parseDataFile(text, 'timers.txt');
    const outputs = chunks.flatMap((c) => ('prose' in c ? [] : [c.expected]));
    expect(renderDataFile(chunks, outputs)).toBe(text);
  });
});
