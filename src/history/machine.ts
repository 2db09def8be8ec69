/**
 * The sequential model of Multi-Paxos's replicated state machines (src/multipaxos/machine.ts)
 * for the linearizability checker, and the check of a simulated Multi-Paxos client history.
 *
 * The model is the machine itself: a call is legal in a state when the machine, applied to that
 * state, returns the call's output. The KV store is checked key by key (every KV operation names
 * one key, so P-compositionality applies); the ledger as one object, since a transfer touches
 * two accounts. Exactly-once is not part of the model: a command applied twice shows up as an
 * output (or a later read) no single application explains.
 *
 * It lives here and not in src/sim because the simulator may not import src/history (DESIGN.md's
 * layers): the CLI and the tests pass `checkMachineHistory` to the simulator.
 */
import { MACHINES, showOp, type MachineName, type Op, type Output } from '../multipaxos/index.js';
import { checkLinearizable } from './check.js';
import { ILLEGAL, legal } from './legal.js';
import { operationsFromEvents } from './events.js';
import type { HistoryEvent, Model } from './index.js';

type State = Readonly<Record<string, string>>;

/** The machine's sequential model: KV partitioned by key, the ledger as one object. */
export function machineModel(machine: MachineName): Model<State, Op, Output> {
  const m = MACHINES[machine];
  return {
    name: machine === 'kv' ? 'key-value store per key' : 'bank ledger',
    init: () => ({}),
    partition: (op) => (machine === 'kv' && 'key' in op ? op.key : machine),
    step: (state, op, output) => {
      const r = m.apply(state, op);
      if (output === null) return legal(r.data);
      return r.out.ok === output.ok && r.out.value === output.value ? legal(r.data) : ILLEGAL;
    },
    key: (state) => JSON.stringify(state),
    describe: (op, output) =>
      `${showOp(op)} -> ${output === null ? '?' : `${output.ok ? '' : 'failed '}` +
        `${output.value === null ? 'empty' : JSON.stringify(output.value)}`}`,
  };
}

/** A simulated history, as src/sim/multipaxos records it. */
export type MachineHistoryEvent =
  | { readonly type: 'invoke'; readonly client: string; readonly op: Op }
  | { readonly type: 'return'; readonly client: string; readonly out: Output }
  | { readonly type: 'crash'; readonly client: string };

/** Checks a simulated history; the summary names the calls no linearization explains. */
export function checkMachineHistory(
  history: readonly MachineHistoryEvent[], machine: MachineName, budget = 2_000_000,
): { readonly verdict: 'linearizable' | 'not-linearizable' | 'unknown'; readonly summary: string } {
  const events: HistoryEvent<Op, Output>[] = history.map((e) =>
    e.type === 'invoke' ? { type: 'invoke', client: e.client, input: e.op }
    : e.type === 'return' ? { type: 'return', client: e.client, output: e.out }
    : e);
  const result = checkLinearizable(operationsFromEvents(events), machineModel(machine), { budget });
  switch (result.verdict) {
    case 'linearizable': return { verdict: 'linearizable', summary: '' };
    case 'not-linearizable':
      return { verdict: result.verdict, summary: abridge(result.explanation) };
    case 'unknown': return {
      verdict: 'unknown',
      summary: `the search ran out of ${result.reason === 'budget-exhausted'
        ? `its budget of ${result.budget} steps` : `its ${result.timeoutMs} ms`} on ` +
        `${result.keys.join(', ')} (verdict unknown)`,
    };
  }
}

/** Keeps the head of an explanation and the lines at the failure. */
function abridge(text: string, head = 2, tail = 6): string {
  const lines = text.split('\n');
  if (lines.length <= head + tail + 1) return text;
  return [...lines.slice(0, head), `  ... (${lines.length - head - tail} calls)`,
    ...lines.slice(-tail)].join('\n');
}
