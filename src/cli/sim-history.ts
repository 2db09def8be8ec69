/**
 * The simulator's linearizability check, composed here because this is where sim and history
 * meet: DESIGN.md's arrows let cli import both, and neither the other. It turns the simulator's
 * client events (src/sim/history.ts) into src/history's events for the write-once register (the
 * sequential model of SetVarX/GetVarX, key "X") and runs Wing & Gong's search on them.
 *
 * A search that runs out of its budget proves nothing either way: it is `unknown`, not a
 * violation.
 */
import {
  checkLinearizable, operationsFromEvents, writeOnceRegister, type HistoryEvent,
  type WriteOnceInput, type WriteOnceOutput,
} from '../history/index.js';
import type { ClientEvent, HistoryCheck } from '../sim/history.js';

type RegisterEvent = HistoryEvent<WriteOnceInput, WriteOnceOutput>;

/** A simulator event as an event of the write-once register's history. */
function registerEvent(e: ClientEvent): RegisterEvent {
  switch (e.type) {
    case 'invoke': return { type: 'invoke', client: e.client, input: e.op.name === 'SetVarX'
      ? { kind: 'set', key: 'X', value: e.op.v } : { kind: 'get', key: 'X' } };
    case 'return': return { type: 'return', client: e.client, output: { value: e.val } };
    case 'crash': return e;
  }
}

/** The check `simulate` runs at the end of a run, with the search's step budget. */
export function linearizability(budget = 1_000_000): HistoryCheck {
  return (events) => {
    const ops = operationsFromEvents(events.map(registerEvent));
    const result = checkLinearizable(ops, writeOnceRegister, { budget });
    if (result.verdict === 'linearizable') return { violation: null, unknown: null };
    if (result.verdict === 'not-linearizable') {
      return { unknown: null, violation: { check: 'linearizability', event: ops.length,
        summary: abridge(result.explanation) } };
    }
    const limit = result.reason === 'budget-exhausted'
      ? `its budget of ${result.budget} steps`
      : `its ${result.timeoutMs} ms`;
    return { violation: null, unknown: { check: 'linearizability', event: ops.length,
      summary: `the search for a linearization of ${ops.length} calls ran out of ${limit}: ` +
        'neither shown linearizable nor not' } };
  };
}

/** The checker explains with the whole prefix; keep its head and the lines at the failure. */
function abridge(text: string, head = 2, tail = 6): string {
  const lines = text.split('\n');
  if (lines.length <= head + tail + 1) return text;
  const cut = lines.length - head - tail;
  return [...lines.slice(0, head), `  ... (${cut} calls)`, ...lines.slice(-tail)].join('\n');
}
