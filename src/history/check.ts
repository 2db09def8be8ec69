/**
 * The linearizability checker's front door: validates the operations, splits them by key
 * (Herlihy & Wing's locality: a history is linearizable iff each object's sub-history is;
 * Porcupine calls this P-compositionality), runs the search of `search.ts` on the keys in
 * turns, with growing slices of steps, so that one hard key cannot starve an easy refutation
 * of another, and turns a failure into an explanation.
 *
 * What it leaves out: Porcupine's visualization data and its parallel per-key workers (taking
 * turns on one thread finds the same refutations without their cost, and keeps the verdict a
 * function of the input and the budget). Instead of the longest prefix per operation it reports one
 * longest prefix and
 * the calls that could not follow it, which is what a reader of a counterexample needs.
 */
import { assert, HistoryError, validateOperations } from './events.js';
import { explainFailure, type Failure } from './explain.js';
import { NIL } from './memo.js';
import { Search } from './search.js';
import type { CheckOptions, CheckResult, KeyOrder, Model, Operation } from './index.js';

/** Search steps per key before the verdict is 'unknown' (1 to 15 CPU seconds here). */
export const DEFAULT_BUDGET = 10_000_000;

/**
 * The keys take turns: each unfinished key gets a slice of steps per round, and the slice
 * doubles every round up to SLICE_MAX (so the clock is read at least every SLICE_MAX steps).
 * An easy refutation of one key is then found after a few rounds, however hard the keys
 * before it: the total spent is at most about twice what the failing key needed, times the
 * number of keys, instead of the full budget of every key before it.
 */
const SLICE_FIRST = 1 << 10;
const SLICE_MAX = 1 << 16;

interface Turn<S, I, O> {
  readonly key: string;
  readonly search: Search<S, I, O>;
}

/**
 * Checks that `ops` is linearizable with respect to `model`, key by key, the keys taking
 * turns (see SLICE_FIRST). Operations are referred to by their index in `ops`. Never answers
 * 'linearizable' without a witness order. The answer depends only on the input and the
 * budget, except that a `timeoutMs` may turn it into 'unknown'. Throws a HistoryError when an
 * operation's times are malformed.
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
  const timeoutMs = options.timeoutMs ?? Infinity;
  if (!(timeoutMs > 0)) throw new HistoryError(`timeout must be positive, got ${timeoutMs}`);
  validateOperations(ops);
  const started = performance.now();
  const orders: KeyOrder[] = [];
  const exhausted: string[] = [];
  let turns: Turn<S, I, O>[] = partitionByKey(ops, model)
    .map(([key, ids]) => ({ key, search: new Search(model, ops, ids) }));
  let steps = 0;
  for (let slice = SLICE_FIRST; turns.length > 0; slice = Math.min(2 * slice, SLICE_MAX)) {
    const next: Turn<S, I, O>[] = [];
    for (const turn of turns) {
      const before = turn.search.steps;
      const outcome = turn.search.advance(Math.min(slice, budget - before));
      steps += turn.search.steps - before;
      if (outcome === 'paused') {
        if (turn.search.steps < budget) next.push(turn);
        else exhausted.push(turn.key);
      } else if (outcome.kind === 'failed') {
        const failure = explainKey(model, ops, turn.key, turn.search.ids, outcome.prefix);
        const explanation = explainFailure(model, ops, failure);
        return { verdict: 'not-linearizable', ...failure, explanation, steps };
      } else {
        orders.push({ key: turn.key, order: outcome.order });
      }
    }
    turns = next;
    if (turns.length > 0 && performance.now() - started > timeoutMs) {
      const keys = turns.map((t) => t.key).sort();
      return { verdict: 'unknown', reason: 'timeout', keys, timeoutMs, steps };
    }
  }
  if (exhausted.length > 0) {
    return { verdict: 'unknown', reason: 'budget-exhausted', keys: exhausted.sort(), budget,
      steps };
  }
  orders.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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
