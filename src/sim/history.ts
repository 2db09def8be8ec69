/**
 * The client history of a simulated run: each call recorded at its invocation and its return,
 * in the order of the world's events, and a client crash, which closes its pending call with
 * "unknown" (it may or may not have taken effect).
 *
 * What it leaves out, and why: the linearizability check itself. That is src/history's, a
 * folder of the same layer as this one, and DESIGN.md's arrows forbid sim -> history. So the
 * history is recorded here in the simulator's own words (SetVarX/GetVarX and their answers),
 * and the check arrives from above as a `HistoryCheck`: src/cli/sim-history.ts builds it from
 * src/history's Wing & Gong search and the write-once register.
 */
import type { Operation, Value } from '../paxos/index.js';
import type { Violation } from './checks.js';
import { clientName } from './clients.js';
import type { Observer, WorldEvent } from './world.js';

/** One client event, in the order the world produced them. */
export type ClientEvent =
  | { readonly type: 'invoke'; readonly client: string; readonly op: Operation }
  /** The call returned the value (for a SetVarX the value chosen, which may be another's). */
  | { readonly type: 'return'; readonly client: string; readonly val: Value | null }
  /** The client crashed: its pending call, if any, never returns. */
  | { readonly type: 'crash'; readonly client: string };

/**
 * Judges a recorded history: `violation` when no linearization exists, `unknown` when the
 * search ran out of its bound (that proves nothing either way), both null when linearizable.
 */
export type HistoryCheck = (events: readonly ClientEvent[]) => {
  readonly violation: Violation | null;
  readonly unknown: Violation | null;
};

export interface HistoryRecorder extends Observer {
  readonly events: ClientEvent[];
}

export function historyRecorder(): HistoryRecorder {
  const events: ClientEvent[] = [];
  return {
    events,
    onEvent: (e: WorldEvent) => {
      if (e.kind === 'invoke') {
        events.push({ type: 'invoke', client: clientName(e.client), op: e.op });
      } else if (e.kind === 'return') {
        events.push({ type: 'return', client: clientName(e.client), val: e.val });
      } else if (e.kind === 'client-crash') {
        events.push({ type: 'crash', client: clientName(e.client) });
      }
    },
  };
}
