/**
 * Independent judges for the checker's answers, written as plainly as possible:
 *
 * - `naiveLinearizable`: brute force over the whole history at once (no per-key split, no memo,
 *   no linked list). It tries every subset of the never-returned calls to leave out ("never took
 *   effect") and every permutation of the rest, and accepts when one permutation respects real
 *   time and is a legal run of the model, with one model state per key. Exponential: only for
 *   histories of up to 7 calls. Like etcd's naive quorum functions, it exists to be obviously
 *   right, not fast.
 * - `searchLinearizable`: the textbook recursive search for histories of up to 30 calls, still
 *   over the whole history at once: pick any call invoked before the earliest return left, with
 *   a memo on (calls left, states); done when only never-returned calls are left (they never
 *   took effect). It shares no code or trick with the checker (no list, no parking, no counts).
 * - `witnessHolds` / `prefixHolds`: check the order the checker returned as proof.
 */
import type { Model, Operation } from '../../src/history/index.js';

/** a precedes b in real time: a returned before b was invoked. */
function precedes<I, O>(a: Operation<I, O>, b: Operation<I, O>): boolean {
  return a.ret !== null && a.ret < b.call;
}

/** True when the calls, in this order, respect real time and form a legal run per key. */
function legalRun<S, I, O>(model: Model<S, I, O>, run: readonly Operation<I, O>[]): boolean {
  for (let p = 0; p < run.length; p += 1) {
    for (let q = p + 1; q < run.length; q += 1) {
      if (precedes(run[q] as Operation<I, O>, run[p] as Operation<I, O>)) return false;
    }
  }
  const states = new Map<string, S>();
  for (const op of run) {
    const key = model.partition(op.input);
    const next = model.step(states.get(key) ?? model.init(), op.input, op.output);
    if (!next.ok) return false;
    states.set(key, next.state);
  }
  return true;
}

function* permutations<T>(items: readonly T[]): Generator<T[]> {
  if (items.length === 0) {
    yield [];
    return;
  }
  for (let i = 0; i < items.length; i += 1) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const tail of permutations(rest)) yield [items[i] as T, ...tail];
  }
}

export function naiveLinearizable<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
): boolean {
  if (ops.length > 7) throw new Error('naiveLinearizable: at most 7 calls');
  const crashed = ops.filter((op) => op.ret === null);
  const returned = ops.filter((op) => op.ret !== null);
  for (let mask = 0; mask < 1 << crashed.length; mask += 1) {
    const kept = crashed.filter((_, i) => (mask & (1 << i)) !== 0);
    for (const run of permutations([...returned, ...kept])) {
      if (legalRun(model, run)) return true;
    }
  }
  return false;
}

export function searchLinearizable<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
): boolean {
  if (ops.length > 30) throw new Error('searchLinearizable: at most 30 calls');
  const failed = new Set<string>();
  const search = (left: number, states: ReadonlyMap<string, S>): boolean => {
    const calls = ops.flatMap((op, i) => ((left & (1 << i)) !== 0 ? [{ op, i }] : []));
    if (calls.every(({ op }) => op.ret === null)) return true;
    const memo = `${left}|${JSON.stringify([...states].sort())}`;
    if (failed.has(memo)) return false;
    const earliest = Math.min(...calls.map(({ op }) => op.ret ?? Infinity));
    for (const { op, i } of calls) {
      if (op.call > earliest) continue;
      const key = model.partition(op.input);
      const next = model.step(states.get(key) ?? model.init(), op.input, op.output);
      if (!next.ok) continue;
      if (search(left & ~(1 << i), new Map([...states, [key, next.state]]))) return true;
    }
    failed.add(memo);
    return false;
  };
  return search(2 ** ops.length - 1, new Map());
}

/** The checker's witness: each key's order holds each of its calls once, in a legal run. */
export function witnessHolds<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  orders: readonly { readonly key: string; readonly order: readonly number[] }[],
): boolean {
  const seen = new Set<number>();
  for (const { key, order } of orders) {
    for (const i of order) {
      const op = ops[i];
      if (op === undefined || seen.has(i) || model.partition(op.input) !== key) return false;
      seen.add(i);
    }
    if (!orderHolds(model, ops, order)) return false;
  }
  return seen.size === ops.length;
}

/**
 * A linearizable prefix: legal from the initial state, in real-time order, and closed under
 * real-time precedence (nothing outside it precedes something in it).
 */
export function prefixHolds<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  key: string,
  prefix: readonly number[],
): boolean {
  const inside = new Set(prefix);
  const outside = ops.filter((op, i) => !inside.has(i) && model.partition(op.input) === key);
  const closed = prefix.every((i) => outside.every((o) => !precedes(o, ops[i] as Operation<I, O>)));
  return closed && orderHolds(model, ops, prefix);
}

/** Linear-time check of one key's order: legal, and no call precedes an earlier-placed one. */
function orderHolds<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  order: readonly number[],
): boolean {
  let state = model.init();
  let callMax = -Infinity;
  for (const i of order) {
    const op = ops[i] as Operation<I, O>;
    // Some earlier-placed call was invoked after this one returned: real time is broken.
    if (op.ret !== null && op.ret < callMax) return false;
    callMax = Math.max(callMax, op.call);
    const next = model.step(state, op.input, op.output);
    if (!next.ok) return false;
    state = next.state;
  }
  return true;
}
