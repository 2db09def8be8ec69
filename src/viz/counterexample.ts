/**
 * A model-checker counterexample's violation on its Run. The CLI writes the counterexample as a
 * synod.trace (src/checker/models/paxos-trace.ts: acceptors a1, a2, ..., values v1, v2, ...,
 * ballots sent by "leader"), which trace.ts reads; this file places the violation on it: the
 * last step (the state that breaks the property, or the step that breaks R1), the property's
 * name and summary, and the witness (quorum, acceptor, messages) as lanes and send events.
 *
 * Left out: reading the checker's JSON states (the CLI turns them into trace lines with the
 * checker's own writer, so there is one way a counterexample becomes a picture).
 */
import type { Message } from '../../spec/paxos.js';
import { defaultNames, showMessage, type Violation as SpecViolation } from '../../spec/properties.js';
import type { Msg } from '../format/trace.js';
import { messagesAt, type Run } from './model.js';
import { showMsg } from './trace.js';

/** The spec's message as the counterexample trace logged it (paxos-trace.ts's names). */
function asTraceMsg(m: Message): Msg {
  const acc = defaultNames.acceptor;
  const val = defaultNames.value;
  switch (m.type) {
    case '1a': return { type: '1a', bal: m.bal };
    case '1b': return { type: '1b', acc: acc(m.acc), bal: m.bal, mbal: m.mbal,
      mval: m.mval === null ? null : val(m.mval) };
    case '2a': return { type: '2a', bal: m.bal, val: val(m.val) };
    case '2b': return { type: '2b', acc: acc(m.acc), bal: m.bal, val: val(m.val) };
  }
}

/**
 * The run with the model checker's violation: at the last step, with the witness highlighted.
 * `verdict` is the one-line verdict the page shows.
 */
export function withCheckViolation(run: Run, v: SpecViolation, verdict: string): Run {
  const w = v.witness;
  const events: number[] = [];
  for (const m of w.messages ?? []) {
    const label = `send ${showMsg(asTraceMsg(m))}`;
    const e = run.events.findIndex((x) => x.kind === 'send'
      && (x.label === label || x.label.startsWith(`${label} `)));
    if (e >= 0) events.push(e);
  }
  const names = [...(w.quorum ?? []).map(defaultNames.acceptor),
    ...(w.acceptor === undefined ? [] : [defaultNames.acceptor(w.acceptor)])];
  const lanes = run.lanes.flatMap((l, i) => (names.includes(l.name) ? [i] : []));
  const facts = [
    w.ballot === undefined ? null : `ballot ${w.ballot}`,
    w.value === undefined ? null : `value ${defaultNames.value(w.value)}`,
    w.quorum === undefined ? null : `quorum {${w.quorum.map(defaultNames.acceptor).join(', ')}}`,
    w.acceptor === undefined ? null : `acceptor ${defaultNames.acceptor(w.acceptor)}`,
  ].filter((x) => x !== null);
  const details = [
    ...(facts.length === 0 ? [] : [`witness: ${facts.join(', ')}`]),
    ...(w.messages ?? []).map((m) => `message ${showMessage(m)}`),
  ];
  const event = Math.max(0, run.events.length - 1);
  return { ...run, verdict, violation: { event, rule: v.property, explanation: v.summary,
    details, events: [event, ...events], lanes, messages: messagesAt(run, events) } };
}
