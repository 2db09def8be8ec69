/**
 * A simulated run as a trace in Synod's format v1 (src/format/trace.ts, docs/trace-format.md),
 * through the shared writer, so that `synod trace check` can judge the simulator's runs.
 *
 * Servers are s1..sN (acceptors and proposers, in the order ballots break ties), values and
 * clients are A, B, C, ...; ballots are logged as the implementation's [round, server] pairs.
 * What a server did is logged as it happened: the message it received (`recv`), then the
 * effects that took place in order (`persist`, `send` with `to`), then `learn` when it learned.
 * Inputs with no counterpart in the format (timers, client requests, and the read path's
 * messages) are extension messages `x-timer`, `x-request`, `x-read`, `x-read-ok`. Every
 * ignored input carries the reducer's reason in an extra field `ignored`, every refused one (a
 * reject sent back) in `refused` (the format ignores unknown fields), so dropped inputs are
 * visible.
 *
 * Left out: the client's replies are the `return` events; a server's reply effect that reached no
 * waiting client (a duplicate, or one for a crashed client) is not logged.
 */
import type { Header, TraceEvent } from '../format/trace.js';
import { createWriter } from '../format/writer.js';
import type { Ballot, Input, Msg } from '../paxos/index.js';
import { clientName } from './clients.js';
import {
  serverName, type Observer, type ServerStepEvent, type WorldConfig, type WorldEvent,
} from './world.js';
import { showFaults } from './faults.js';

type TraceBallot = [number, string] | -1;
type TraceMsg = Extract<TraceEvent, { ev: 'send' }>['msg'];

export function traceHeader(cfg: WorldConfig): Header {
  const servers = Array.from({ length: cfg.servers }, (_, i) => serverName(i));
  return {
    format: 'synod.trace', version: 1,
    cluster: { acceptors: servers, proposers: servers, learners: servers, quorums: 'majority' },
    values: Array.from({ length: cfg.clients }, (_, i) => clientName(i)),
    // Every message a server acts on is logged as its recv (serverStep), so the checker may
    // judge each 2a and learn by what its server had received.
    receives: true,
    provenance: {
      implementation: 'synod src/paxos (simulated)', seed: cfg.seed,
      command: `synod simulate --servers ${cfg.servers} --clients ${cfg.clients} ` +
        `--seed ${cfg.seed} --steps ${cfg.steps} --faults ${showFaults(cfg.faults)}`,
    },
  } as Header;
}

/** An observer that writes every world event to `sink` as trace lines. */
export function traceObserver(cfg: WorldConfig, sink: (line: string) => void): Observer {
  const writer = createWriter(traceHeader(cfg), sink, { validate: false });
  const w = (e: Record<string, unknown>): void => writer.write(e as TraceEvent);
  return {
    onEvent: (e: WorldEvent) => {
      switch (e.kind) {
        case 'server-step': return serverStep(e.step, w);
        case 'invoke': return w({
          ev: 'invoke', t: e.index, client: clientName(e.client), node: serverName(e.server),
          ...(e.op.name === 'SetVarX' ? { op: 'set', val: e.op.v } : { op: 'get' }),
        });
        case 'return': return w({
          ev: 'return', t: e.index, client: clientName(e.client), node: serverName(e.server),
          op: e.op.name === 'SetVarX' ? 'set' : 'get', val: e.val,
        });
        case 'client-crash': return w({ ev: 'crash', t: e.index, client: clientName(e.client) });
        case 'client-restart':
          return w({ ev: 'restart', t: e.index, client: clientName(e.client) });
        case 'crash': return w({
          ev: 'crash', t: e.index, node: serverName(e.server),
          ...(e.midStep ? { midStep: true } : {}),
        });
        case 'partition': case 'phase': return;
      }
    },
  };
}

function serverStep(e: ServerStepEvent, w: (e: Record<string, unknown>) => void): void {
  const node = serverName(e.server);
  const t = e.index;
  const o = e.result.outcome;
  const ignored = o.kind === 'ignored' ? { ignored: o.reason }
    : o.kind === 'refused' ? { refused: o.reason } : {};
  if (e.input.kind === 'restart') {
    w({ ev: 'restart', t, node, ...acceptorFields(e.input.durable.acceptor) });
  } else {
    w({ ev: 'recv', t, node, msg: inputMsg(e.input), ...ignored });
  }
  const effects = e.result.effects;
  for (let i = 0; i < e.applied; i++) {
    const x = effects[i]!;
    if (x.kind === 'persist') {
      // `round` (the proposer's highest round, durable too) is an extra field for readers.
      w({ ev: 'persist', t, node, ...acceptorFields(x.durable.acceptor), round: x.durable.round });
    }
    if (x.kind === 'send') {
      w({ ev: 'send', t, node, msg: traceMsg(x.msg),
        to: x.to === 'all' ? 'all' : serverName(x.to) });
    }
  }
  if (o.kind === 'acted' && o.action === 'Learn' && e.result.state.learner.learned !== null) {
    w({ ev: 'learn', t, node, val: e.result.state.learner.learned });
  }
}

function inputMsg(input: Exclude<Input, { kind: 'restart' }>): TraceMsg {
  switch (input.kind) {
    case 'deliver': return traceMsg(input.msg);
    case 'timer': return extension(input.timer.name === 'proposer'
      ? { type: 'x-timer', name: 'proposer', tag: input.timer.tag }
      : { type: 'x-timer', name: 'read', client: clientName(input.timer.client),
        seq: input.timer.seq });
    case 'request': return extension({
      type: 'x-request', client: clientName(input.req.client), seq: input.req.seq,
      op: input.req.op.name,
    });
  }
}

function ballot(b: Ballot): TraceBallot {
  return b.round < 0 ? -1 : [b.round, serverName(b.server)];
}

function acceptorFields(a: { maxBal: Ballot; maxVBal: Ballot; maxVal: string | null }) {
  return { maxBal: ballot(a.maxBal), maxVBal: ballot(a.maxVBal), maxVal: a.maxVal };
}

function traceMsg(m: Msg): TraceMsg {
  switch (m.type) {
    case '1a': return { type: '1a', bal: ballot(m.bal) } as TraceMsg;
    case '1b': return {
      type: '1b', acc: serverName(m.acc), bal: ballot(m.bal), mbal: ballot(m.mbal), mval: m.mval,
    } as TraceMsg;
    case '2a': return { type: '2a', bal: ballot(m.bal), val: m.val } as TraceMsg;
    case '2b': return { type: '2b', acc: serverName(m.acc), bal: ballot(m.bal), val: m.val } as
      TraceMsg;
    case 'commit': return { type: 'commit', val: m.val };
    case 'reject': return {
      type: 'reject', acc: serverName(m.acc), bal: ballot(m.bal), promised: ballot(m.maxBal),
    } as TraceMsg;
    case 'read': return extension({
      type: 'x-read', from: serverName(m.from), client: clientName(m.client), seq: m.seq,
    });
    case 'read-ok': return extension({
      type: 'x-read-ok', acc: serverName(m.acc), client: clientName(m.client), seq: m.seq,
      mbal: ballot(m.mbal), mval: m.mval,
    });
  }
}

/** An "x-" extension message: carried by the format, never checked (docs/trace-format.md). */
function extension(m: { readonly type: `x-${string}` } & Record<string, unknown>): TraceMsg {
  return m as unknown as TraceMsg;
}

/**
 * The raw record of a run (`synod simulate --record FILE`): one JSON line per server step with
 * its input, its effects (and how many took place before a crash cut the step), its outcome and
 * the server's resulting state; and one line per client or fault event. Unlike the trace, this
 * is the implementation's own vocabulary, for debugging the reducer; it has no stable format.
 */
export function recordObserver(sink: (line: string) => void): Observer {
  return {
    onEvent: (e: WorldEvent) => {
      if (e.kind !== 'server-step') return sink(`${JSON.stringify(e)}\n`);
      const s = e.step;
      sink(`${JSON.stringify({
        kind: 'step', index: s.index, now: s.now, server: serverName(s.server), input: s.input,
        effects: s.result.effects, applied: s.applied, outcome: s.result.outcome,
        state: s.result.state,
      })}\n`);
    },
  };
}
