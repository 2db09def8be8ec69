/**
 * The search for one key's linearization: Wing & Gong's algorithm (J. Parallel Distrib. Comput.,
 * 1993) with Lowe's memo (Testing for linearizability, CCPE 2017), as Porcupine runs it.
 *
 * The invocations and returns sit in one list, in real-time order. Walk it from the front. At an
 * invocation, try to linearize that call now: if the model accepts its output in the current
 * state and the pair (set of calls linearized, next state) is new to the memo, push the call on
 * a stack, take its entries out of the list, and restart from the front. At a return, the call
 * it belongs to cannot be linearized any later and every call invoked before it has been tried:
 * undo the last push and go on after it. Linearizable when no return is left; not when a return
 * is met with the stack empty.
 *
 * Calls that never returned (crashed) have no return entry: nothing forces them in, and an
 * unknown output is legal in every state. Three rules keep them from blowing up the search:
 * - one that would leave the state unchanged is not linearized there: it may as well go later;
 * - of several with the same input, only the earliest-invoked left is tried: either can stand
 *   for the other (this also lets the memo name them by a count, see memo.ts);
 * - when no call that returned is left, every crashed call left goes at the end.
 * A crashed call is first tried at its invocation, as Porcupine does; once turned down there it
 * is parked, out of the walk, and tried again only where the search is stuck (at a return),
 * until the search backtracks past the point where it was parked. So the walk does not pass
 * the same parked calls again and again, and a history with many crashes stays near linear.
 * Each rule only drops orders that have an equivalent the search still tries (the argument is
 * in docs/linearizability.md), so the search stays complete.
 */
import { assert, HistoryError } from './events.js';
import { describeOperation } from './explain.js';
import type { Model, Operation } from './index.js';
import { crashedClasses, Memo, NIL, type CrashedClasses } from './memo.js';

export type KeyOutcome =
  | { readonly kind: 'linearized'; readonly order: number[]; readonly steps: number }
  | { readonly kind: 'failed'; readonly prefix: number[]; readonly steps: number }
  | { readonly kind: 'exhausted'; readonly steps: number };

/**
 * A circular doubly linked list over node numbers 0..size-1 with a sentinel `head` (= size).
 * Unlinking keeps a node's own links, so relinking in reverse order of unlinking restores the
 * list (Knuth's dancing links).
 */
interface Links {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly head: number;
}

function links(order: readonly number[], size: number): Links {
  const list = { next: new Int32Array(size + 1), prev: new Int32Array(size + 1), head: size };
  list.next[size] = size;
  list.prev[size] = size;
  for (const node of order) append(list, node);
  return list;
}

function append(list: Links, node: number): void {
  const last = list.prev[list.head] as number;
  list.prev[node] = last;
  list.next[node] = list.head;
  list.next[last] = node;
  list.prev[list.head] = node;
}

function unlink(list: Links, node: number): void {
  list.next[list.prev[node] as number] = list.next[node] as number;
  list.prev[list.next[node] as number] = list.prev[node] as number;
}

function relink(list: Links, node: number): void {
  list.next[list.prev[node] as number] = node;
  list.prev[list.next[node] as number] = node;
}

/** Where the search stands: walking the list, or scanning the parked crashed calls. */
type Cursor = { readonly kind: 'walk' | 'scan'; readonly node: number };

interface Frame<S> {
  readonly j: number;
  /** State and state key before call j. */
  readonly state: S;
  readonly key: string;
  /** Whether call j was a parked crashed call, linearized from the scan. */
  readonly fromScan: boolean;
  /** Crashed calls parked while this frame was the top, in order. */
  readonly parked: number[];
}

/**
 * One key's search. Calls have local numbers j in invocation order. The list holds entry 2j
 * (invocation) for every call and 2j+1 (return) for a call that returned; the parked list
 * holds crashed calls j themselves.
 */
class Search<S, I, O> {
  readonly ids: number[];
  private readonly list: Links;
  private readonly parked: Links;
  private readonly crashed: CrashedClasses;
  private readonly memo: Memo;
  private readonly stack: Frame<S>[] = [];
  readonly longest = new LongestPrefix();
  /** Calls that returned and are not linearized. */
  private returnedLeft: number;
  private state: S;
  private key: string;

  constructor(
    private readonly model: Model<S, I, O>,
    private readonly ops: readonly Operation<I, O>[],
    ids: readonly number[],
  ) {
    this.ids = [...ids].sort((a, b) => this.at(a).call - this.at(b).call || a - b);
    const locals = this.ids.map((_, j) => j);
    const time = (e: number): number => {
      const op = this.op(e >>> 1);
      return (e & 1) === 0 ? op.call : (op.ret as number);
    };
    // Equal times overlap (a precedes b only if a.ret < b.call), so invocations sort first.
    const entries = locals.flatMap((j) => (this.op(j).ret === null ? [2 * j] : [2 * j, 2 * j + 1]));
    entries.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1) || a - b);
    this.list = links(entries, 2 * this.ids.length);
    this.parked = links([], this.ids.length);
    this.returnedLeft = entries.length - this.ids.length;
    this.crashed = crashedClasses(
      locals.map((j) => (this.op(j).ret === null ? this.op(j).input : undefined)));
    this.memo = new Memo(this.crashed);
    this.state = model.init();
    this.key = model.key(this.state);
  }

  run(budget: number): KeyOutcome {
    let cursor: Cursor = this.front();
    let steps = 0;
    while (this.returnedLeft > 0) {
      if (steps >= budget) return { kind: 'exhausted', steps };
      steps += 1;
      const moved = cursor.kind === 'walk' ? this.walk(cursor.node) : this.scan(cursor.node);
      if (moved !== 'stuck') {
        cursor = moved;
        continue;
      }
      const back = this.backtrack();
      if (back === null) return { kind: 'failed', prefix: this.globals(this.longest.order), steps };
      cursor = back;
    }
    const order = [...this.stack.map((f) => f.j), ...this.finishCrashed()];
    assert(order.length === this.ids.length, 'every call is linearized');
    return { kind: 'linearized', order: this.globals(order), steps };
  }

  /** One step of the walk along the list. */
  private walk(entry: number): Cursor {
    assert(entry !== this.list.head, 'a return is left, so the walk meets it first');
    const j = entry >>> 1;
    // At j's return, every call invoked before it was tried: now the parked ones.
    if ((entry & 1) === 1) return { kind: 'scan', node: this.parked.next[this.parked.head] as number };
    const next = this.list.next[entry] as number;
    if (this.tryPush(j, false)) {
      unlink(this.list, 2 * j);
      if (this.op(j).ret !== null) {
        unlink(this.list, 2 * j + 1);
        this.returnedLeft -= 1;
      }
      return this.front();
    }
    if (this.op(j).ret === null) {
      unlink(this.list, 2 * j);
      append(this.parked, j);
      // Parked before anything is linearized, it stays parked: the root is never undone.
      this.stack[this.stack.length - 1]?.parked.push(j);
    }
    return { kind: 'walk', node: next };
  }

  /** One step of the scan of parked calls; 'stuck' when none is left to try. */
  private scan(j: number): Cursor | 'stuck' {
    if (j === this.parked.head) return 'stuck';
    if (!this.tryPush(j, true)) return { kind: 'scan', node: this.parked.next[j] as number };
    unlink(this.parked, j);
    return this.front();
  }

  /** Linearizes call j now if the search should go there (see the file comment). */
  private tryPush(j: number, fromScan: boolean): boolean {
    const op = this.op(j);
    const never = op.ret === null;
    const before = this.crashed.prevSame[j] as number;
    if (never && before !== NIL && !this.memo.has(before)) return false;
    const after = this.model.step(this.state, op.input, op.output);
    if (after === null) {
      if (never) throw unknownRejected(this.model, op, this.ids[j] as number);
      return false;
    }
    const afterKey = this.model.key(after);
    if (never && afterKey === this.key) return false;
    if (!this.memo.add(j, afterKey)) return false;
    this.stack.push({ j, state: this.state, key: this.key, fromScan, parked: [] });
    this.longest.pushed(this.stack.length, j);
    this.state = after;
    this.key = afterKey;
    return true;
  }

  /** Undoes the last push, in reverse order of its list changes; null: nothing to undo. */
  private backtrack(): Cursor | null {
    const frame = this.stack.pop();
    if (frame === undefined) return null;
    const j = frame.j;
    for (let k = frame.parked.length - 1; k >= 0; k -= 1) {
      const p = frame.parked[k] as number;
      assert(this.parked.prev[this.parked.head] === p, 'calls are unparked last-in first-out');
      unlink(this.parked, p);
      relink(this.list, 2 * p);
    }
    this.memo.remove(j);
    this.longest.popped(this.stack.length);
    ({ state: this.state, key: this.key } = frame);
    if (frame.fromScan) {
      relink(this.parked, j);
      return { kind: 'scan', node: this.parked.next[j] as number };
    }
    if (this.op(j).ret !== null) {
      relink(this.list, 2 * j + 1);
      this.returnedLeft += 1;
    }
    relink(this.list, 2 * j);
    return { kind: 'walk', node: this.list.next[2 * j] as number };
  }

  /** No call that returned is left: the crashed calls left, in the list or parked, go last. */
  private finishCrashed(): number[] {
    const left: number[] = [];
    for (const list of [this.list, this.parked]) {
      for (let n = list.next[list.head] as number; n !== list.head; n = list.next[n] as number) {
        left.push(list === this.list ? n >>> 1 : n);
      }
    }
    let state = this.state;
    for (const j of left) {
      const op = this.op(j);
      assert(op.ret === null, 'only calls that never returned are left');
      const after = this.model.step(state, op.input, op.output);
      if (after === null) throw unknownRejected(this.model, op, this.ids[j] as number);
      state = after;
    }
    return left;
  }

  private front(): Cursor {
    return { kind: 'walk', node: this.list.next[this.list.head] as number };
  }

  private op(j: number): Operation<I, O> {
    return this.at(this.ids[j] as number);
  }

  private at(i: number): Operation<I, O> {
    return this.ops[i] as Operation<I, O>;
  }

  private globals(locals: readonly number[]): number[] {
    return locals.map((j) => this.ids[j] as number);
  }
}

/** Searches for a linearization of the calls `ids` (indices into `ops`), all of one key. */
export function searchKey<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  ids: readonly number[],
  budget: number,
): KeyOutcome {
  return new Search(model, ops, ids).run(budget);
}

/** The model broke its contract: an unknown output must be legal in every state. */
function unknownRejected<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>, i: number): Error {
  return new HistoryError(
    `model '${model.name}' rejects the unknown output of operation ${i} ` +
      `(${describeOperation(model, op, i)}); a call that never returned may have had any result`,
  );
}

/**
 * The longest stack seen during the search, kept without copying the stack on every push:
 * `agree` is how long a prefix of the current stack equals `order`, so a push that extends
 * `order` along the same branch appends one element, and only a longer stack on another branch
 * copies. Exported for its unit test only.
 */
export class LongestPrefix {
  order: number[] = [];
  /** The calls on the search's stack, mirrored. */
  private readonly stack: number[] = [];
  private agree = 0;

  pushed(depth: number, j: number): void {
    this.stack.push(j);
    assert(this.stack.length === depth, 'the mirror follows the stack');
    const at = depth - 1;
    if (this.agree === at && this.order[at] === j) this.agree = depth;
    if (depth <= this.order.length) return;
    if (this.agree === at) this.order.push(j);
    else this.order = this.stack.slice();
    this.agree = depth;
  }

  popped(depth: number): void {
    this.stack.pop();
    assert(this.stack.length === depth, 'the mirror follows the stack');
    this.agree = Math.min(this.agree, depth);
  }
}
