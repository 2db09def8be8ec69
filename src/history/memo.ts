/**
 * Lowe's memo for the linearizability search: the set of (calls linearized, model state) pairs
 * already explored. Two searches that reach the same pair have the same futures, so the second
 * is cut off (Lowe, Testing for linearizability, CCPE 2017).
 *
 * Porcupine stores a copy of the whole bitset of linearized calls per pair. For a key with
 * thousands of calls that copy dominates the run time, so this memo names the set exactly but
 * compactly, using two facts about the search:
 * - calls (local indices sorted by invocation) are linearized roughly in order: every call that
 *   returned below `low` is linearized, and only the few above it (`above`) need listing;
 * - of the calls that never returned, the search only linearizes those of one input in
 *   invocation order (see `crashedClasses`), so a count per input names which ones.
 * So the key `state | low | above | counts` is exact: no hashing, no collision to fear. It is
 * written compactly (`pairKey`): the state by a number, `above` as a bitset, in 16-bit
 * characters, since a long search keeps millions of these keys.
 *
 * It leaves out any bound on memory: a search that runs long fills it, and the step budget of
 * checkLinearizable is what stops it.
 */
import { assert } from './events.js';

export const NIL = -1;

/**
 * The calls that never returned, grouped by input: `classOf[j]` numbers the input of call j
 * (NIL for a call that returned), `prevSame[j]` is the previous call of the same class by
 * invocation (NIL if none). Local indices must be sorted by invocation.
 */
export interface CrashedClasses {
  readonly classOf: Int32Array;
  readonly prevSame: Int32Array;
  readonly classes: number;
}

/** `inputs[j]` is call j's input when it never returned, else undefined. */
export function crashedClasses(inputs: readonly unknown[]): CrashedClasses {
  const classOf = new Int32Array(inputs.length).fill(NIL);
  const prevSame = new Int32Array(inputs.length).fill(NIL);
  // Equal JSON means equal plain-data inputs; unequal JSON for equal inputs only costs pruning.
  const lastOf = new Map<string, { readonly c: number; j: number }>();
  inputs.forEach((input, j) => {
    if (input === undefined) return;
    const json = JSON.stringify(input);
    const last = lastOf.get(json);
    if (last === undefined) {
      classOf[j] = lastOf.size;
      lastOf.set(json, { c: lastOf.size, j });
    } else {
      classOf[j] = last.c;
      prevSame[j] = last.j;
      last.j = j;
    }
  });
  return { classOf, prevSame, classes: lastOf.size };
}

interface Undo {
  readonly j: number;
  readonly low: number;
  readonly above: readonly number[];
  readonly counted: readonly number[];
}

export class Memo {
  private readonly done: Uint8Array;
  private readonly count: Int32Array;
  /** The least call that returned and is not linearized (or the number of calls). */
  private low = 0;
  /** Calls that returned, linearized, above `low`; ascending. Replaced, never mutated. */
  private above: readonly number[] = [];
  /** Classes with a nonzero count; ascending. Replaced, never mutated. */
  private counted: readonly number[] = [];
  /** One entry per linearized call, in the order linearized, to undo the last. */
  private readonly undo: Undo[] = [];
  private readonly seen = new Set<string>();
  /**
   * A small number per state key met, so that a pair names its state by a number however long
   * the key is (a string that appends grow to kilobytes): a key is hashed once, not per pair.
   */
  private readonly stateIds = new Map<string, number>();

  constructor(private readonly crashed: CrashedClasses) {
    this.done = new Uint8Array(crashed.classOf.length);
    this.count = new Int32Array(crashed.classes);
    this.skipDone();
  }

  /** Whether call j is linearized. */
  has(j: number): boolean {
    return this.done[j] === 1;
  }

  /** Linearizes call j, reaching `state`; false (and nothing changed) if that pair was seen. */
  add(j: number, state: string): boolean {
    this.mark(j);
    let id = this.stateIds.get(state);
    if (id === undefined) {
      id = this.stateIds.size;
      this.stateIds.set(state, id);
    }
    const key = this.pairKey(id);
    if (this.seen.has(key)) {
      this.remove(j);
      return false;
    }
    this.seen.add(key);
    return true;
  }

  /**
   * The pair (state `id`, set linearized) as a short string of 16-bit characters: the state's
   * number and `low` (two characters each), the number of words of the bitset of `above`
   * relative to `low` + 1 (two), the words, then each counted class and its count (two each).
   * Every part has its length given or fixed, so different pairs give different strings.
   */
  private pairKey(id: number): string {
    const parts = [id & 0xffff, id >>> 16, this.low & 0xffff, this.low >>> 16, 0, 0];
    let base = this.low + 1;
    let word = 0;
    for (const k of this.above) {
      for (; k - base >= 16; base += 16) {
        parts.push(word);
        word = 0;
      }
      word |= 1 << (k - base);
    }
    if (this.above.length > 0) parts.push(word);
    const words = parts.length - 6;
    [parts[4], parts[5]] = [words & 0xffff, words >>> 16];
    for (const c of this.counted) {
      const n = this.count[c] as number;
      parts.push(c & 0xffff, c >>> 16, n & 0xffff, n >>> 16);
    }
    return String.fromCharCode(...parts);
  }

  /** Undoes the last `add` (backtracking), which must be of call j. The pair stays seen. */
  remove(j: number): void {
    const last = this.undo.pop();
    assert(last !== undefined && last.j === j, 'calls are undone last-in first-out');
    this.done[j] = 0;
    const c = this.crashed.classOf[j] as number;
    if (c !== NIL) this.count[c] = (this.count[c] as number) - 1;
    ({ low: this.low, above: this.above, counted: this.counted } = last);
  }

  private mark(j: number): void {
    assert(this.done[j] === 0, 'a call is linearized once');
    this.undo.push({ j, low: this.low, above: this.above, counted: this.counted });
    this.done[j] = 1;
    const c = this.crashed.classOf[j] as number;
    if (c !== NIL) {
      const before = this.crashed.prevSame[j] as number;
      assert(before === NIL || this.done[before] === 1, 'one input\'s calls go in order');
      this.count[c] = (this.count[c] as number) + 1;
      if (this.count[c] === 1) this.counted = inserted(this.counted, c);
    } else if (j === this.low) {
      this.skipDone();
      this.above = this.above.filter((k) => k > this.low);
    } else {
      assert(j > this.low, 'every returned call below low is linearized');
      this.above = inserted(this.above, j);
    }
  }

  /** Moves `low` past linearized calls and calls that never returned. */
  private skipDone(): void {
    const n = this.done.length;
    while (this.low < n && (this.done[this.low] === 1 || this.crashed.classOf[this.low] !== NIL)) {
      this.low += 1;
    }
  }
}

/** A copy of the ascending list `xs` with `x` inserted. */
function inserted(xs: readonly number[], x: number): number[] {
  let at = xs.length;
  while (at > 0 && (xs[at - 1] as number) > x) at -= 1;
  return [...xs.slice(0, at), x, ...xs.slice(at)];
}
