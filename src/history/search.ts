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
 * until the search backtracks past the point where it was parked. One turned down because an
 * earlier call with its input is not linearized dozes instead, and joins the parked calls when
 * that one is linearized. So neither the walk nor the scan passes the same hopeless calls again
 * and again, and a history with many crashes stays near linear.
 * Each rule only drops orders that have an equivalent the search still tries (the argument is
 * in docs/linearizability.md), so the search stays complete.
 */
import { assert, HistoryError } from './events.js';
import { describeOperation } from './explain.js';
import type { Model, Operation } from './index.js';
import { crashedClasses, Memo, NIL, type CrashedClasses } from './memo.js';

export type KeyOutcome =
  | { readonly kind: 'linearized'; readonly order: number[]; readonly steps: number }
  | { readonly kind: 'failed'; readonly prefix: number[]; readonly steps: number };

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

/**
 * What happened to a crashed call j while a frame was the top, undone with the frame:
 * - 'park': turned down by the walk, moved from the list to the parked list;
 * - 'doze': turned down by the walk because an earlier call with its input is not linearized,
 *   taken out of the list until that one is (no use trying it before);
 * - 'wake': that earlier call was just linearized, so j joins the parked list.
 */
interface Move {
  readonly kind: 'park' | 'doze' | 'wake';
  readonly j: number;
}

interface Frame<S> {
  readonly j: number;
  /** State and state key before call j. */
  readonly state: S;
  readonly key: string;
  /** Whether call j was a parked crashed call, linearized from the scan. */
  readonly fromScan: boolean;
  /** Moves of crashed calls while this frame was the top, in order. */
  readonly moves: Move[];
}

type Tried = 'pushed' | 'blocked' | 'declined';

/**
 * One key's search. Calls have local numbers j in invocation order. The list holds entry 2j
 * (invocation) for every call and 2j+1 (return) for a call that returned; the parked list
 * holds crashed calls j themselves.
 */
export class Search<S, I, O> {
  readonly ids: number[];
  private readonly list: Links;
  private readonly parked: Links;
  private readonly crashed: CrashedClasses;
  /** The next crashed call with the same input, by invocation, or NIL. */
  private readonly nextSame: Int32Array;
  /** 1 for a dozing crashed call (see Move). */
  private readonly dozing: Uint8Array;
  private readonly memo: Memo;
  private readonly stack: Frame<S>[] = [];
  readonly longest = new LongestPrefix();
  /** Calls that returned and are not linearized. */
  private returnedLeft: number;
  private state: S;
  private key: string;
  /** Where the next step starts, and the steps taken so far (the search pauses and resumes). */
  private cursor: Cursor;
  private spent = 0;

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
    this.nextSame = new Int32Array(this.ids.length).fill(NIL);
    this.crashed.prevSame.forEach((before, j) => {
      if (before !== NIL) this.nextSame[before] = j;
    });
    this.dozing = new Uint8Array(this.ids.length);
    this.memo = new Memo(this.crashed);
    this.state = model.init();
    this.key = model.key(this.state);
    this.cursor = this.front();
  }

  /**
   * Runs at most `limit` more search steps from where the last call stopped; 'paused' when
   * they ran out before an answer. So the caller can share its steps among keys (check.ts).
   */
  advance(limit: number): KeyOutcome | 'paused' {
    assert(Number.isSafeInteger(limit) && limit >= 0, 'a step limit is a natural');
    let cursor: Cursor = this.cursor;
    let steps = 0;
    try {
      while (this.returnedLeft > 0) {
        if (steps >= limit) return 'paused';
        steps += 1;
        const moved = cursor.kind === 'walk' ? this.walk(cursor.node) : this.scan(cursor.node);
        if (moved !== 'stuck') {
          cursor = moved;
          continue;
        }
        const back = this.backtrack();
        if (back === null) {
          return { kind: 'failed', prefix: this.globals(this.longest.order),
            steps: this.spent + steps };
        }
        cursor = back;
      }
    } finally {
      this.cursor = cursor;
      this.spent += steps;
    }
    const order = [...this.stack.map((f) => f.j), ...this.finishCrashed()];
    assert(order.length === this.ids.length, 'every call is linearized');
    return { kind: 'linearized', order: this.globals(order), steps: this.spent };
  }

  /** Search steps taken so far. */
  get steps(): number {
    return this.spent;
  }

  /** One step of the walk along the list. */
  private walk(entry: number): Cursor {
    assert(entry !== this.list.head, 'a return is left, so the walk meets it first');
    const j = entry >>> 1;
    // At j's return, every call invoked before it was tried: now the parked ones.
    if ((entry & 1) === 1) return this.scanFront();
    const next = this.list.next[entry] as number;
    const tried = this.tryPush(j, false);
    if (tried === 'pushed') {
      unlink(this.list, 2 * j);
      if (this.op(j).ret !== null) {
        unlink(this.list, 2 * j + 1);
        this.returnedLeft -= 1;
      }
      this.wakeNext(j);
      return this.front();
    }
    if (this.op(j).ret === null) {
      unlink(this.list, 2 * j);
      if (tried === 'blocked') this.dozing[j] = 1;
      else append(this.parked, j);
      this.record({ kind: tried === 'blocked' ? 'doze' : 'park', j });
    }
    return { kind: 'walk', node: next };
  }

  /** One step of the scan of parked calls; 'stuck' when none is left to try. */
  private scan(j: number): Cursor | 'stuck' {
    if (j === this.parked.head) return 'stuck';
    const tried = this.tryPush(j, true);
    assert(tried !== 'blocked', 'a parked call is never blocked');
    if (tried === 'declined') return { kind: 'scan', node: this.parked.next[j] as number };
    unlink(this.parked, j);
    this.wakeNext(j);
    return this.front();
  }

  /** Call j was just linearized: the next crashed call with its input, if dozing, wakes. */
  private wakeNext(j: number): void {
    const n = this.nextSame[j] as number;
    if (n === NIL || this.dozing[n] === 0) return;
    this.dozing[n] = 0;
    append(this.parked, n);
    this.record({ kind: 'wake', j: n });
  }

  /** Notes a move in the top frame; moves made before anything is linearized stay. */
  private record(move: Move): void {
    this.stack[this.stack.length - 1]?.moves.push(move);
  }

  /** Linearizes call j now if the search should go there (see the file comment). */
  private tryPush(j: number, fromScan: boolean): Tried {
    const op = this.op(j);
    const never = op.ret === null;
    const before = this.crashed.prevSame[j] as number;
    if (never && before !== NIL && !this.memo.has(before)) return 'blocked';
    const result = this.model.step(this.state, op.input, op.output);
    if (!result.ok) {
      if (never) throw unknownRejected(this.model, op, this.ids[j] as number);
      return 'declined';
    }
    const after = result.state;
    const afterKey = this.model.key(after);
    if (never && afterKey === this.key) return 'declined';
    if (!this.memo.add(j, afterKey)) return 'declined';
    this.stack.push({ j, state: this.state, key: this.key, fromScan, moves: [] });
    this.longest.pushed(this.stack.length, j);
    this.state = after;
    this.key = afterKey;
    return 'pushed';
  }

  /** Undoes the last push, in reverse order of its list changes; null: nothing to undo. */
  private backtrack(): Cursor | null {
    const frame = this.stack.pop();
    if (frame === undefined) return null;
    for (let k = frame.moves.length - 1; k >= 0; k -= 1) this.undo(frame.moves[k] as Move);
    const j = frame.j;
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

  /** Undoes one move of a crashed call (see Move). */
  private undo(move: Move): void {
    const j = move.j;
    if (move.kind !== 'doze') {
      assert(this.parked.prev[this.parked.head] === j, 'parked calls leave last-in first-out');
      unlink(this.parked, j);
    }
    this.dozing[j] = move.kind === 'wake' ? 1 : 0;
    if (move.kind !== 'wake') relink(this.list, 2 * j);
  }

  /** No call that returned is left: the crashed calls left (listed, parked, dozing) go last. */
  private finishCrashed(): number[] {
    const left = this.ids.map((_, j) => j).filter((j) => !this.memo.has(j));
    let state = this.state;
    for (const j of left) {
      const op = this.op(j);
      assert(op.ret === null, 'only calls that never returned are left');
      const after = this.model.step(state, op.input, op.output);
      if (!after.ok) throw unknownRejected(this.model, op, this.ids[j] as number);
      state = after.state;
    }
    return left;
  }

  private scanFront(): Cursor {
    return { kind: 'scan', node: this.parked.next[this.parked.head] as number };
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
