/**
 * The linearizability checker's front door: validates the operations, splits them by key
 * (Herlihy & Wing's locality: a history is linearizable iff each object's sub-history is;
 * Porcupine calls this P-compositionality), runs the search of `search.ts` on each key, and
 * turns a failure into an explanation.
 *
 * What it leaves out: Porcupine's visualization data and its parallel per-key workers (one core
 * is plenty for the simulator's histories, and a deterministic single thread keeps seeds
 * replayable). Instead of the longest prefix per operation it reports one longest prefix and
 * the calls that could not follow it, which is what a reader of a counterexample needs.
 */
import { assert, HistoryError, validateOperations } from './events.js';
import { explainFailure, type Failure } from './explain.js';
import { NIL } from './memo.js';
import { searchKey } from './search.js';
import type { CheckOptions, CheckResult, KeyOrder, Model, Operation } from './index.js';

/** Search steps per key before the verdict is 'unknown' (1 to 15 CPU seconds here). */
export const DEFAULT_BUDGET = 10_000_000;

/**
 * Checks that `ops` is linearizable with respect to `model`, key by key. Operations are
 * referred to by their index in `ops`. Never answers 'linearizable' without a witness order.
 * Throws a HistoryError when an operation's times are malformed.
 */
export function checkLinearizable<S, I, O>(
  ops: readonly Operation<I, O>[],
  model: Model<S, I, O>,
  options: CheckOptions = {},
): CheckResult {
  const budget = options.budget ?? DEFAULT_BUDGET;
  if (!Number.isSafeInteger(budget) || budget < 1) {
    throw new HistoryError(`budget must be a positive whole number, got ${budget}`);
  }
  validateOperations(ops);
  const orders: KeyOrder[] = [];
  const exhausted: string[] = [];
  let steps = 0;
  for (const [key, ids] of partitionByKey(ops, model)) {
    const outcome = searchKey(model, ops, ids, budget);
    steps += outcome.steps;
    if (outcome.kind === 'exhausted') {
      exhausted.push(key);
    } else if (outcome.kind === 'failed') {
      const failure = explainKey(model, ops, key, ids, outcome.prefix);
      const explanation = explainFailure(model, ops, failure);
      return { verdict: 'not-linearizable', ...failure, explanation, steps };
    } else {
      orders.push({ key, order: outcome.order });
    }
  }
  if (exhausted.length > 0) {
    return { verdict: 'unknown', reason: 'budget-exhausted', keys: exhausted, budget, steps };
  }
  return { verdict: 'linearizable', orders, steps };
}

/** Splits operation indices by key, keys in sorted order. */
function partitionByKey<S, I, O>(
  ops: readonly Operation<I, O>[],
  model: Model<S, I, O>,
): [string, number[]][] {
  const parts = new Map<string, number[]>();
  ops.forEach((op, index) => {
    const key = model.partition(op.input);
    const part = parts.get(key);
    if (part === undefined) parts.set(key, [index]);
    else part.push(index);
  });
  return [...parts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Replays the longest prefix and finds the calls that could come next in real-time order:
 * those invoked no later than the earliest return among the calls left. The search visited
 * this prefix and tried each of them there, so each that returned must be illegal in the state
 * reached (calls that never returned are left out: there, each would change nothing).
 */
function explainKey<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  key: string,
  ids: readonly number[],
  prefix: readonly number[],
): Failure {
  let state = model.init();
  for (const i of prefix) {
    const op = ops[i] as Operation<I, O>;
    const after = model.step(state, op.input, op.output);
    assert(after.ok, 'the longest prefix replays');
    state = after.state;
  }
  const placed = new Set(prefix);
  const left = ids.filter((i) => !placed.has(i));
  assert(left.length > 0, 'a failed search leaves calls unplaced');
  let deadline = NIL;
  let deadlineAt = Infinity;
  for (const i of left) {
    const ret = (ops[i] as Operation<I, O>).ret ?? Infinity;
    if (ret < deadlineAt) [deadline, deadlineAt] = [i, ret];
  }
  // The search fails only at a return; when every call left never returned, it succeeds.
  assert(deadline !== NIL, 'a call that returned is left');
  const next = left.filter((i) => (ops[i] as Operation<I, O>).call <= deadlineAt);
  const unplaced = next.filter((i) => (ops[i] as Operation<I, O>).ret !== null);
  for (const i of next) {
    // The search tried each of these right after the longest prefix. A legal call that returned
    // would have made a longer prefix (or hit the memo on a pair first reached by a prefix as
    // long); a call that never returned was skipped only where it changes nothing.
    const op = ops[i] as Operation<I, O>;
    const after = model.step(state, op.input, op.output);
    if (op.ret !== null) assert(!after.ok, 'no call that returned can follow the prefix');
    else assert(after.ok && model.key(after.state) === model.key(state), 'a skipped no-op');
  }
  return { key, prefix, state: model.key(state), unplaced, deadline };
}
