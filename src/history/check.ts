/**
 * The linearizability checker: Wing & Gong's search (J. Parallel Distrib. Comput., 1993) with
 * Lowe's memoization (Testing for linearizability, CCPE 2017), in the form Porcupine gives it,
 * applied per key (Herlihy & Wing's locality: a history is linearizable iff each object's
 * sub-history is; Porcupine calls this P-compositionality).
 *
 * The search, for one key: the invocations and returns sit in one list in real-time order. Walk
 * it from the front. At an invocation, try to linearize that call now: if the model accepts its
 * output in the current state and the pair (set of calls linearized, next state) was never met
 * before, push it on a stack, take its invocation and return out of the list, and restart from
 * the front. At a return, the call it belongs to cannot be linearized any later, and every call
 * before it has been tried: undo the last push and try the invocation after it. The history is
 * linearizable when the list empties; it is not when a return is met with the stack empty. The
 * memo is sound because what can follow depends only on which calls are done and on the state.
 *
 * What it leaves out: Porcupine's visualization data and its parallel per-key workers (one core
 * is plenty for the simulator's histories, and a deterministic single thread keeps seeds
 * replayable). Instead of the longest prefix per operation it reports one longest prefix and
 * the calls that could not follow it, which is what a reader of a counterexample needs.
 */
import { assert, HistoryError, validateOperations } from './events.js';
import { explainFailure, type Failure } from './explain.js';
import type { CheckOptions, CheckResult, KeyOrder, Model, Operation } from './index.js';

/** Search steps per key before the verdict is 'unknown'; large enough for 10^5-call keys. */
export const DEFAULT_BUDGET = 10_000_000;

const NIL = -1;

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
  for (const [key, part] of partitionByKey(ops, model)) {
    const outcome = searchKey(model, ops, part.searched, budget);
    steps += outcome.steps;
    if (outcome.kind === 'exhausted') {
      exhausted.push(key);
    } else if (outcome.kind === 'failed') {
      const failure = explainKey(model, ops, key, part.searched, outcome.prefix);
      const explanation = explainFailure(model, ops, failure);
      return { verdict: 'not-linearizable', ...failure, explanation, steps };
    } else {
      orders.push({ key, order: [...outcome.order, ...part.dropped] });
    }
  }
  if (exhausted.length > 0) {
    return { verdict: 'unknown', reason: 'budget-exhausted', keys: exhausted, budget, steps };
  }
  return { verdict: 'linearizable', orders, steps };
}

interface Part {
  /** Indices of the operations the search places. */
  readonly searched: number[];
  /** Reads that never returned: they constrain nothing and go at the end of the order. */
  readonly dropped: number[];
}

/** Splits operation indices by key, keys in sorted order. */
function partitionByKey<S, I, O>(
  ops: readonly Operation<I, O>[],
  model: Model<S, I, O>,
): [string, Part][] {
  const parts = new Map<string, Part>();
  ops.forEach((op, index) => {
    const key = model.partition(op.input);
    let part = parts.get(key);
    if (part === undefined) {
      part = { searched: [], dropped: [] };
      parts.set(key, part);
    }
    const unknownRead = op.output === null && model.readOnly?.(op.input) === true;
    (unknownRead ? part.dropped : part.searched).push(index);
  });
  return [...parts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

type KeyOutcome =
  | { readonly kind: 'linearized'; readonly order: number[]; readonly steps: number }
  | { readonly kind: 'failed'; readonly prefix: number[]; readonly steps: number }
  | { readonly kind: 'exhausted'; readonly steps: number };

/**
 * The invocations and returns of one key's calls as a doubly linked list in real-time order.
 * Call j (local index) owns entry 2j (its invocation) and 2j+1 (its return); `head` is a
 * sentinel. Lifting a call unlinks both of its entries; unlifting relinks them, in reverse.
 */
interface EntryList {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly head: number;
}

function buildList<I, O>(ops: readonly Operation<I, O>[], ids: readonly number[]): EntryList {
  const time = (entry: number): number => {
    const op = ops[ids[entry >>> 1] as number] as Operation<I, O>;
    return (entry & 1) === 0 ? op.call : (op.ret ?? Infinity);
  };
  const entries = Array.from({ length: 2 * ids.length }, (_, e) => e);
  // Equal times overlap (a precedes b only if a.ret < b.call), so invocations sort first.
  entries.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1) || a - b);
  const head = entries.length;
  const next = new Int32Array(head + 1).fill(NIL);
  const prev = new Int32Array(head + 1).fill(NIL);
  let last = head;
  for (const e of entries) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  return { next, prev, head };
}

function lift(list: EntryList, j: number): void {
  for (const e of [2 * j, 2 * j + 1]) {
    const before = list.prev[e] as number;
    const after = list.next[e] as number;
    list.next[before] = after;
    if (after !== NIL) list.prev[after] = before;
  }
}

function unlift(list: EntryList, j: number): void {
  for (const e of [2 * j + 1, 2 * j]) {
    const before = list.prev[e] as number;
    const after = list.next[e] as number;
    list.next[before] = e;
    if (after !== NIL) list.prev[after] = e;
  }
}

/** Wing & Gong's search with Lowe's memo over one key's calls (see the file comment). */
function searchKey<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  ids: readonly number[],
  budget: number,
): KeyOutcome {
  const list = buildList(ops, ids);
  const memo = new Memo(ids.length);
  const stackCalls: number[] = [];
  const stackStates: S[] = [];
  const longest = new LongestPrefix();
  let state = model.init();
  let entry = list.next[list.head] as number;
  let steps = 0;
  while (list.next[list.head] !== NIL) {
    if (steps >= budget) return { kind: 'exhausted', steps };
    steps += 1;
    assert(entry !== NIL, 'the list always ends with a return');
    const j = entry >>> 1;
    if ((entry & 1) === 0) {
      const op = ops[ids[j] as number] as Operation<I, O>;
      const after = model.step(state, op.input, op.output);
      if (after !== null && memo.add(j, model.key(after))) {
        stackCalls.push(j);
        stackStates.push(state);
        longest.pushed(stackCalls, j);
        state = after;
        lift(list, j);
        entry = list.next[list.head] as number;
      } else {
        entry = list.next[entry] as number;
      }
    } else {
      // The call returning here was not linearized, and no call invoked before it fits.
      const undone = stackCalls.pop();
      if (undone === undefined) {
        return { kind: 'failed', prefix: longest.order.map((k) => ids[k] as number), steps };
      }
      state = stackStates.pop() as S;
      memo.remove(undone);
      longest.popped(stackCalls.length);
      unlift(list, undone);
      entry = list.next[2 * undone] as number;
    }
  }
  assert(stackCalls.length === ids.length, 'an empty list means every call is linearized');
  return { kind: 'linearized', order: stackCalls.map((k) => ids[k] as number), steps };
}

/**
 * Lowe's memo: the set of (calls linearized, state key) pairs already explored. The set of calls
 * is a bitset with an incrementally kept hash; each stored pair keeps its own copy of the
 * bitset, compared in full on a hash match, so a collision can cost time but never soundness.
 */
class Memo {
  private readonly bits: Uint32Array;
  private hash = 0;
  private readonly seen = new Map<number, { bits: Uint32Array; state: string }[]>();

  constructor(calls: number) {
    this.bits = new Uint32Array((calls + 31) >>> 5);
  }

  /** Marks call j linearized, reaching `state`; false (and nothing marked) if seen before. */
  add(j: number, state: string): boolean {
    this.flip(j);
    const slot = (this.hash ^ Math.imul(hashString(state), 0x85ebca6b)) >>> 0;
    const bucket = this.seen.get(slot);
    if (bucket !== undefined && bucket.some((s) => s.state === state && equal(s.bits, this.bits))) {
      this.flip(j);
      return false;
    }
    const stored = { bits: this.bits.slice(), state };
    if (bucket === undefined) this.seen.set(slot, [stored]);
    else bucket.push(stored);
    return true;
  }

  /** Marks call j not linearized again (backtracking); the explored pair stays remembered. */
  remove(j: number): void {
    assert(((this.bits[j >>> 5] as number) & (1 << (j & 31))) !== 0, 'only a linearized call');
    this.flip(j);
  }

  private flip(j: number): void {
    this.bits[j >>> 5] = (this.bits[j >>> 5] as number) ^ (1 << (j & 31));
    this.hash = (this.hash ^ mix(j)) | 0;
  }
}

function equal(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** MurmurHash3's 32-bit finalizer: spreads consecutive call indices over the hash space. */
function mix(j: number): number {
  let h = (j + 0x9e3779b9) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** FNV-1a over UTF-16 code units. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * The longest stack seen during the search, kept without copying the stack on every push:
 * `agree` is how long a prefix of the current stack equals `order`, so a push that extends
 * `order` along the same branch appends one element, and only a longer stack on another branch
 * copies. Exported for its unit test only.
 */
export class LongestPrefix {
  order: number[] = [];
  private agree = 0;

  pushed(stack: readonly number[], j: number): void {
    const at = stack.length - 1;
    if (this.agree === at && this.order[at] === j) this.agree = stack.length;
    if (stack.length <= this.order.length) return;
    if (this.agree === at) this.order.push(j);
    else this.order = stack.slice();
    this.agree = stack.length;
  }

  popped(depth: number): void {
    this.agree = Math.min(this.agree, depth);
  }
}

/**
 * Replays the longest prefix and finds the calls that could come next in real-time order:
 * those invoked no later than the earliest return among the calls left. The search visited
 * this prefix and tried each of them there, so each must be illegal in the state reached.
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
    assert(after !== null, 'the longest prefix replays');
    state = after;
  }
  const placed = new Set(prefix);
  const left = ids.filter((i) => !placed.has(i));
  assert(left.length > 0, 'a failed search leaves calls unplaced');
  let deadline: number | null = null;
  let deadlineAt = Infinity;
  for (const i of left) {
    const ret = (ops[i] as Operation<I, O>).ret ?? Infinity;
    if (ret < deadlineAt) [deadline, deadlineAt] = [i, ret];
  }
  const unplaced = left.filter((i) => (ops[i] as Operation<I, O>).call <= deadlineAt);
  for (const i of unplaced) {
    // The search tried each of these right after the longest prefix; a legal one would have
    // made a longer prefix (or hit the memo on a pair first reached by a prefix as long).
    const op = ops[i] as Operation<I, O>;
    assert(model.step(state, op.input, op.output) === null, 'no call can follow the prefix');
  }
  return { key, prefix, state: model.key(state), unplaced, deadline };
}
