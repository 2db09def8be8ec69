/**
 * The client history of a simulated run, and its linearizability check.
 *
 * Each call is recorded at its invocation and its return, in the order of the world's events,
 * and a client crash closes its pending call with "unknown" (it may or may not have taken
 * effect). The history is then checked by src/history's Wing & Gong search against the
 * write-once register, the sequential model of SetVarX/GetVarX (key "X", slot 0).
 */
import {
  checkLinearizable, operationsFromEvents, writeOnceRegister, type CheckResult, type HistoryEvent,
  type WriteOnceInput, type WriteOnceOutput,
} from '../history/index.js';
import type { Violation } from './checks.js';
import { clientName, type Observer, type WorldEvent } from './world.js';

export type SimHistoryEvent = HistoryEvent<WriteOnceInput, WriteOnceOutput>;

export interface HistoryRecorder extends Observer {
  readonly events: SimHistoryEvent[];
}

export function historyRecorder(): HistoryRecorder {
  const events: SimHistoryEvent[] = [];
  return {
    events,
    onEvent: (e: WorldEvent) => {
      if (e.kind === 'invoke') {
        const input: WriteOnceInput = e.op.name === 'SetVarX'
          ? { kind: 'set', key: 'X', value: e.op.v }
          : { kind: 'get', key: 'X' };
        events.push({ type: 'invoke', client: clientName(e.client), input });
      } else if (e.kind === 'return') {
        events.push({ type: 'return', client: clientName(e.client), output: { value: e.val } });
      } else if (e.kind === 'client-crash') {
        events.push({ type: 'crash', client: clientName(e.client) });
      }
    },
  };
}

/**
 * Checks a recorded history; a violation names the operations that admit no linearization. A
 * search that runs out of its budget proves nothing either way: it is `unknown`, not a violation.
 */
export function checkHistory(
  events: readonly SimHistoryEvent[],
  budget = 1_000_000,
): { readonly result: CheckResult; readonly violation: Violation | null;
  readonly unknown: Violation | null } {
  const ops = operationsFromEvents(events);
  const result = checkLinearizable(ops, writeOnceRegister, { budget });
  if (result.verdict === 'linearizable') return { result, violation: null, unknown: null };
  if (result.verdict === 'not-linearizable') {
    return { result, unknown: null, violation: { check: 'linearizability', event: ops.length,
      summary: abridge(result.explanation) } };
  }
  const limit = result.reason === 'budget-exhausted'
    ? `its budget of ${result.budget} steps`
    : `its ${result.timeoutMs} ms`;
  return { result, violation: null, unknown: { check: 'linearizability', event: ops.length,
    summary: `the search for a linearization of ${ops.length} calls ran out of ${limit}: ` +
      'neither shown linearizable nor not' } };
}

/** The checker explains with the whole prefix; keep its head and the lines at the failure. */
function abridge(text: string, head = 2, tail = 6): string {
  const lines = text.split('\n');
  if (lines.length <= head + tail + 1) return text;
  const cut = lines.length - head - tail;
  return [...lines.slice(0, head), `  ... (${cut} calls)`, ...lines.slice(-tail)].join('\n');
}
