/**
 * A Paxos counterexample as a trace in Synod's trace format v1 (src/format/trace.ts), written
 * through the trace writer, so that `synod trace check` and any trace viewer read it like a
 * recorded run.
 *
 * Each step of Paxos.tla sends exactly one new message, so a step is one `send` event: Phase1a
 * and Phase2a are sent by a node named "leader" (Paxos.tla has no leader process: any node may
 * start any ballot), Phase1b and Phase2b by their acceptor. A step of a broken spec variant
 * that changes an acceptor without sending anything new is logged as a `persist` of its new
 * state. Acceptors are named a1, a2, ... and values v1, v2, ... as in the spec's reports.
 *
 * Left out: `recv` events (msgs never loses a message, so a receive adds nothing the send does
 * not say) and timestamps.
 */
import type { Constants, Message, PaxosState } from '../../../spec/paxos.js';
import { defaultNames } from '../../../spec/properties.js';
import { createWriter } from '../../format/writer.js';
import type { Header, Msg, TraceEvent } from '../../format/trace.js';
import type { TraceStep, Violation } from '../engine.js';

const LEADER = 'leader';

function traceMsg(m: Message): Msg {
  const acc = defaultNames.acceptor;
  const val = defaultNames.value;
  switch (m.type) {
    case '1a': return { type: '1a', bal: m.bal };
    case '1b': {
      const mval = m.mval === null ? null : val(m.mval);
      return { type: '1b', acc: acc(m.acc), bal: m.bal, mbal: m.mbal, mval };
    }
    case '2a': return { type: '2a', bal: m.bal, val: val(m.val) };
    case '2b': return { type: '2b', acc: acc(m.acc), bal: m.bal, val: val(m.val) };
  }
}

function sender(m: Message): string {
  return m.type === '1a' || m.type === '2a' ? LEADER : defaultNames.acceptor(m.acc);
}

function key(m: Message): string {
  return JSON.stringify(m);
}

/** The events of one step from s to t. */
export function stepEvents(k: Constants, s: PaxosState, t: PaxosState): TraceEvent[] {
  const before = new Set(s.msgs.map(key));
  const sent = t.msgs.filter((m) => !before.has(key(m)));
  if (sent.length > 0) return sent.map((m) => ({ ev: 'send', node: sender(m), msg: traceMsg(m) }));
  const events: TraceEvent[] = [];
  for (let a = 0; a < k.acceptors; a++) {
    const same = s.maxBal[a] === t.maxBal[a] && s.maxVBal[a] === t.maxVBal[a]
      && s.maxVal[a] === t.maxVal[a];
    if (same) continue;
    const v = t.maxVal[a] ?? null;
    events.push({
      ev: 'persist', node: defaultNames.acceptor(a), maxBal: t.maxBal[a] as number,
      maxVBal: t.maxVBal[a] as number, maxVal: v === null ? null : defaultNames.value(v),
    });
  }
  return events;
}

/** The trace header for constants k. */
export function traceHeader(k: Constants, violation: Violation | null): Header {
  const acceptors = Array.from({ length: k.acceptors }, (_, a) => defaultNames.acceptor(a));
  const quorums = k.quorums.kind === 'majority'
    ? 'majority' as const
    : k.quorums.quorums.map((q) => q.map(defaultNames.acceptor));
  return {
    format: 'synod.trace',
    version: 1,
    cluster: { acceptors, proposers: [LEADER], quorums },
    values: Array.from({ length: k.values }, (_, v) => defaultNames.value(v)),
    provenance: {
      implementation: violation === null ? 'synod check paxos (counterexample)'
        : `synod check paxos (counterexample to ${violation.property})`,
    },
  };
}

/** The counterexample as JSON lines (header first), each ending in a newline. */
export function counterexampleLines(k: Constants, trace: readonly TraceStep[],
  violation: Violation | null): string[] {
  const lines: string[] = [];
  const writer = createWriter(traceHeader(k, violation), (line) => void lines.push(line));
  for (let i = 1; i < trace.length; i++) {
    const events = stepEvents(k, trace[i - 1]!.state as PaxosState, trace[i]!.state as PaxosState);
    for (const e of events) writer.write(e);
  }
  return lines;
}
