/**
 * A simulated Multi-Paxos run as JSON lines, one per world event, for reading and debugging:
 * what each server received (or which timer fired), what it did (the action or the reason it
 * ignored the input), and the effects that took place; client calls and returns; faults.
 *
 * Left out: trace format v2 (slots, apply events) is defined by the Multi-Paxos trace checker's
 * issue, not here; when it lands this observer should write it through src/format's writer.
 * Until then these lines are a debugging record, not input for `synod trace check`.
 */
import { showBallot, showOp, type Effect, type Input, type Msg } from '../../multipaxos/index.js';
import { clientName, serverName, type MpObserver, type MpWorldEvent } from './world.js';

function showMsg(m: Msg): Record<string, unknown> {
  switch (m.type) {
    case '1a': return { type: m.type, bal: showBallot(m.bal), from: m.from };
    case '1b': return {
      type: m.type, acc: serverName(m.acc), bal: showBallot(m.bal), from: m.from,
      votes: m.votes.map((v) => [v.slot, showBallot(v.bal), v.val.id]),
    };
    case '2a': return {
      type: m.type, bal: showBallot(m.bal), slot: m.slot, val: m.val.id, commit: m.commit,
    };
    case '2b': return {
      type: m.type, acc: serverName(m.acc), bal: showBallot(m.bal), slot: m.slot, val: m.val.id,
    };
    case 'commit': return { type: m.type, bal: showBallot(m.bal), upTo: m.upTo };
    case 'reject': return {
      type: m.type, acc: serverName(m.acc), bal: showBallot(m.bal), maxBal: showBallot(m.maxBal),
    };
    case 'catchup': return { type: m.type, from: serverName(m.from), slot: m.slot };
    case 'entries': return {
      type: m.type, from: serverName(m.from), slot: m.slot, vals: m.vals.map((v) => v.id),
    };
    case 'snapshot': return { type: m.type, from: serverName(m.from), upTo: m.snap.upTo };
    case 'ping': return { type: m.type, bal: showBallot(m.bal), id: m.id };
    case 'pong': return { type: m.type, acc: serverName(m.acc), bal: showBallot(m.bal), id: m.id };
  }
}

function showInput(i: Input): Record<string, unknown> {
  switch (i.kind) {
    case 'deliver': return { recv: showMsg(i.msg) };
    case 'request': return {
      request: { client: clientName(i.req.cmd.client), seq: i.req.cmd.seq, op: showOp(i.req.cmd.op) },
    };
    case 'timer': return { timer: i.timer.name };
    case 'restart': return { restart: { upTo: i.durable.snapshot.upTo } };
  }
}

function showEffect(e: Effect): Record<string, unknown> {
  switch (e.kind) {
    case 'persist': return { persist: { maxBal: showBallot(e.durable.maxBal),
      round: e.durable.round, votes: e.durable.votes.length, snapshot: e.durable.snapshot.upTo } };
    case 'send': return { send: showMsg(e.msg), to: e.to === 'all' ? 'all' : serverName(e.to) };
    case 'reply': return {
      reply: { client: clientName(e.client), seq: e.seq, out: e.out,
        ...(e.redirect === null ? {} : { redirect: serverName(e.redirect) }) },
    };
    case 'set-timer': return { timer: e.timer.name, after: e.after };
  }
}

function line(e: MpWorldEvent): Record<string, unknown> {
  switch (e.kind) {
    case 'server-step': {
      const s = e.step;
      const o = s.result.outcome;
      return {
        t: s.index, node: serverName(s.server), ...showInput(s.input),
        ...(o.kind === 'acted' ? { action: o.action } : { ignored: o.reason }),
        applied: s.result.state.replica.applied,
        effects: s.result.effects.slice(0, s.applied).map(showEffect),
      };
    }
    case 'invoke': return {
      t: e.index, ev: 'invoke', client: clientName(e.client), seq: e.seq, op: showOp(e.op),
      node: serverName(e.server),
    };
    case 'return': return {
      t: e.index, ev: 'return', client: clientName(e.client), seq: e.seq, out: e.out,
      node: serverName(e.server),
    };
    case 'client-crash': return { t: e.index, ev: 'crash', client: clientName(e.client) };
    case 'crash': return { t: e.index, ev: 'crash', node: serverName(e.server), midStep: e.midStep };
    case 'partition': return {
      t: e.index, ev: 'partition', sides: e.sides === null ? null : e.sides.map(String).join(''),
    };
    case 'slow': return {
      t: e.index, ev: 'slow', node: e.server === null ? null : serverName(e.server),
    };
    case 'phase': return { t: e.index, ev: 'phase', phase: e.phase };
  }
}

/** Writes every world event to `sink` as one JSON line. */
export function mpTraceObserver(sink: (line: string) => void): MpObserver {
  return { onEvent: (e) => sink(`${JSON.stringify(line(e))}\n`) };
}
