/**
 * The search for one key's linearization: Wing & Gong's algorithm (J. Parallel Distrib. Comput.,
 * 1993) with Lowe's memo (Testing for linearizability, CCPE 2017), as Porcupine runs it.
 *
 * The calls that returned have their invocation and their return in one list, in real-time
 * order. Walk it from the front. At an invocation, try to linearize that call now: if the model
 * accepts its output in the current state and the pair (set of calls linearized, next state) is
 * new to the memo, push the call on a stack, take its two entries out of the list, and restart
 * from the front. At a return, the call it belongs to cannot be linearized any later and every
 * call invoked before it has been tried: undo the last push and go on after it. Linearizable
 * when the list empties; not when a return is met with the stack empty.
 *
 * Calls that never returned (crashed) have no return to force them in, and an unknown output
 * is legal in every state. So they sit in a list of their own, by invocation, and the search
 * tries them only where it is stuck (at a return), among those invoked before that return:
 * - one that would leave the state unchanged is skipped: it may as well take effect at the end;
 * - of several with the same input, only the earliest-invoked left is tried: either can stand
 *   for the other (this also lets the memo name them by a count, see memo.ts);
 * - when the list of calls that returned is empty, every crashed call left goes at the end.
 * Each rule only drops orders that have an equivalent the search still tries (the argument is
 * in docs/linearizability.md), so the search stays complete; and it never visits a crashed call
 * on its way to ordinary ones, which keeps histories with many crashes near linear time.
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
 * A doubly linked list over node numbers 0..size-1 with a sentinel `head` (= size). Unlinking
 * keeps a node's own links, so relinking in reverse order of unlinking restores the list
 * (Knuth's dancing links).
 */
interface Links {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly head: number;
}

function links(order: readonly number[], size: number): Links {
  const next = new Int32Array(size + 1).fill(NIL);
  const prev = new Int32Array(size + 1).fill(NIL);
  let last = size;
  for (const node of order) {
    next[last] = node;
    prev[node] = last;
    last = node;
  }
  return { next, prev, head: size };
}

function unlink(list: Links, node: number): void {
  const before = list.prev[node] as number;
  const after = list.next[node] as number;
  list.next[before] = after;
  if (after !== NIL) list.prev[after] = before;
}

function relink(list: Links, node: number): void {
  const before = list.prev[node] as number;
  const after = list.next[node] as number;
  list.next[before] = node;
  if (after !== NIL) list.prev[after] = node;
}

/** Where the walk stands: in the list of calls that returned, or among crashed calls. */
type Cursor =
  | { readonly kind: 'returned'; readonly entry: number }
  /** Crashed calls are tried from list node `at` while invoked no later than `deadline`. */
  | { readonly kind: 'crashed'; readonly at: number; readonly deadline: number };

interface Frame<S> {
  readonly j: number;
  /** State and state key before call j. */
  readonly state: S;
  readonly key: string;
  /** For a crashed call, the cursor's deadline when it was pushed. */
  readonly deadline: number;
}

/**
 * One key's search. Calls have local numbers j in invocation order; the returned calls' list
 * holds entry 2j (invocation) and 2j+1 (return); the crashed list holds j itself.
 */
class Search<S, I, O> {
  readonly ids: number[];
  private readonly returned: Links;
  private readonly crashedList: Links;
  private readonly crashed: CrashedClasses;
  private readonly memo: Memo;
  private readonly stack: Frame<S>[] = [];
  readonly longest = new LongestPrefix();
  private state: S;
  private key: string;

  constructor(
    private readonly model: Model<S, I, O>,
    private readonly ops: readonly Operation<I, O>[],
    ids: readonly number[],
  ) {
    this.ids = [...ids].sort((a, b) => this.at(a).call - this.at(b).call || a - b);
    const locals = this.ids.map((_, j) => j);
    const done = locals.filter((j) => this.op(j).ret !== null);
    const time = (e: number): number => {
      const op = this.op(e >>> 1);
      return (e & 1) === 0 ? op.call : (op.ret as number);
    };
    // Equal times overlap (a precedes b only if a.ret < b.call), so invocations sort first.
    const entries = done.flatMap((j) => [2 * j, 2 * j + 1]);
    entries.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1) || a - b);
    this.returned = links(entries, 2 * this.ids.length);
    this.crashedList = links(locals.filter((j) => this.op(j).ret === null), this.ids.length);
    this.crashed = crashedClasses(
      locals.map((j) => (this.op(j).ret === null ? this.op(j).input : undefined)));
    this.memo = new Memo(this.crashed);
    this.state = model.init();
    this.key = model.key(this.state);
  }

  run(budget: number): KeyOutcome {
    let cursor: Cursor = this.front();
    let steps = 0;
    while (this.returned.next[this.returned.head] !== NIL) {
      if (steps >= budget) return { kind: 'exhausted', steps };
      steps += 1;
      const moved = cursor.kind === 'returned' ? this.walk(cursor.entry) : this.tryCrashed(cursor);
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

  /** One step in the returned calls' list. */
  private walk(entry: number): Cursor {
    assert(entry !== NIL, 'the list of returned calls ends with a return');
    const j = entry >>> 1;
    if ((entry & 1) === 1) {
      // Stuck at j's return: try the crashed calls invoked no later, before going back.
      const deadline = this.op(j).ret as number;
      return { kind: 'crashed', at: this.crashedList.next[this.crashedList.head] as number,
        deadline };
    }
    if (!this.tryPush(j, NaN)) return { kind: 'returned', entry: this.returned.next[entry] as number };
    unlink(this.returned, 2 * j);
    unlink(this.returned, 2 * j + 1);
    return this.front();
  }

  /** One step among the crashed calls; 'stuck' when none is left to try. */
  private tryCrashed(cursor: Cursor & { kind: 'crashed' }): Cursor | 'stuck' {
    const j = cursor.at;
    if (j === NIL || this.op(j).call > cursor.deadline) return 'stuck';
    if (!this.tryPush(j, cursor.deadline)) {
      return { ...cursor, at: this.crashedList.next[j] as number };
    }
    unlink(this.crashedList, j);
    return this.front();
  }

  /** Linearizes call j now if the search should go there (see the file comment). */
  private tryPush(j: number, deadline: number): boolean {
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
    this.stack.push({ j, state: this.state, key: this.key, deadline });
    this.longest.pushed(this.stack.length, j);
    this.state = after;
    this.key = afterKey;
    return true;
  }

  /** Undoes the last push; the cursor goes on after that call. null: nothing to undo. */
  private backtrack(): Cursor | null {
    const frame = this.stack.pop();
    if (frame === undefined) return null;
    const j = frame.j;
    this.memo.remove(j);
    this.longest.popped(this.stack.length);
    ({ state: this.state, key: this.key } = frame);
    if (this.op(j).ret === null) {
      relink(this.crashedList, j);
      return { kind: 'crashed', at: this.crashedList.next[j] as number, deadline: frame.deadline };
    }
    relink(this.returned, 2 * j + 1);
    relink(this.returned, 2 * j);
    return { kind: 'returned', entry: this.returned.next[2 * j] as number };
  }

  /** Every returned call is linearized: the crashed calls left all go at the end. */
  private finishCrashed(): number[] {
    const order: number[] = [];
    const list = this.crashedList;
    let state = this.state;
    for (let j = list.next[list.head] as number; j !== NIL; j = list.next[j] as number) {
      const op = this.op(j);
      const after = this.model.step(state, op.input, op.output);
      if (after === null) throw unknownRejected(this.model, op, this.ids[j] as number);
      state = after;
      order.push(j);
    }
    return order;
  }

  private front(): Cursor {
    return { kind: 'returned', entry: this.returned.next[this.returned.head] as number };
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
