/**
 * Client histories and their linearizability checker: the public API of `src/history/`.
 *
 * A history is what the clients saw: each call's invocation and return, in real-time order. It
 * is linearizable (Herlihy & Wing, 1990) when every call can be given one instant between its
 * invocation and its return such that, taken in the order of those instants, the calls form a
 * legal run of a sequential model. The checker here is Wing & Gong's search with Lowe's
 * memoization of (set of calls linearized, model state) pairs, as Porcupine implements it,
 * applied to each key separately (P-compositionality; see docs/linearizability.md).
 *
 * This file holds the types and re-exports; the search is in `check.ts`, the models in
 * `models.ts`, the event-list builder in `events.ts`. It leaves out anything that touches files
 * or the terminal (that belongs to `src/cli/`) and any knowledge of Paxos: the checker is
 * generic over a sequential model, and SetVarX/GetVarX are one model among others.
 */

import type { StepResult } from './legal.js';

/** A sequential specification: how one object behaves when operations run one at a time. */
export interface Model<S, I, O> {
  readonly name: string;
  readonly init: () => S;
  /** The key an input touches; histories are checked per key (P-compositionality). */
  readonly partition: (input: I) => string;
  /**
   * Applies `input` to `state`: `{ ok: true, state: next }` if `output` is a legal result,
   * `{ ok: false }` (ILLEGAL) if not. `output === null` means "unknown" (the call never
   * returned), so O itself must not include null: any result is legal, and the model must
   * then answer ok whatever `state` is (the checker relies on it and throws a HistoryError
   * when a model breaks it). States may be any plain data, null included. Must be pure.
   */
  readonly step: (state: S, input: I, output: O | null) => StepResult<S>;
  /** Canonical string of a state, for memoization: equal strings mean equal states. */
  readonly key: (state: S) => string;
  /** One line for an operation in explanations, e.g. `SetVarX("a") -> "b"`. */
  readonly describe?: (input: I, output: O | null) => string;
}

/**
 * One call as the client saw it. Times are logical (the event index does) and only compared:
 * a call `a` precedes a call `b` in real time when `a.ret < b.call`; otherwise they overlap.
 *
 * A call that never returned (`ret === null`: the client crashed mid-call, or the call was still
 * pending when the history ended) may or may not have taken effect. The checker treats it as
 * returning at +infinity with an unknown output: it may be linearized at any point after its
 * invocation, including after every other call, which is the same as never taking effect.
 */
export interface Operation<I, O> {
  /** Who called. */
  readonly client: string;
  /** Plain data: calls that never returned are grouped by `JSON.stringify(input)`. */
  readonly input: I;
  /** null: the output is unknown (the call never returned, or returned without an answer). */
  readonly output: O | null;
  /** Logical time of the invocation (e.g. the index of the invoke event). */
  readonly call: number;
  /** Logical time of the return; null when it never returned. */
  readonly ret: number | null;
}

export interface CheckOptions {
  /**
   * The most search steps (calls tried, returns met, crashed calls scanned) spent on each key
   * before giving up with the verdict 'unknown'. Default `DEFAULT_BUDGET` (10^7: between
   * 1 and 15 CPU seconds here, depending on how many steps consult the memo).
   */
  readonly budget?: number;
  /**
   * Wall-clock milliseconds before giving up with the verdict 'unknown' (reason 'timeout').
   * Read between slices of search steps, so it may be overrun by a few milliseconds.
   */
  readonly timeoutMs?: number;
}

/** The order in which one key's operations were linearized, as indices into the input array. */
export interface KeyOrder {
  readonly key: string;
  readonly order: readonly number[];
}

export type CheckResult =
  | {
      readonly verdict: 'linearizable';
      /** One witness order per key, keys sorted. */
      readonly orders: readonly KeyOrder[];
      readonly steps: number;
    }
  | {
      readonly verdict: 'not-linearizable';
      /**
       * A key whose operations admit no linearization: the first refuted when the keys take
       * turns (check.ts), which is the same key for the same input and budget.
       */
      readonly key: string;
      /** The longest linearizable prefix found for that key, as operation indices. */
      readonly prefix: readonly number[];
      /** `model.key` of the state after `prefix`. */
      readonly state: string;
      /**
       * The operations that returned and could come next in real-time order after `prefix`
       * (each was invoked no later than the earliest return among the operations left). The
       * model rejects the output of every one of them in `state`: had one been legal, the
       * search would have linearized it and found a longer prefix. Calls that never returned
       * are not listed: where they could come next, they change nothing.
       */
      readonly unplaced: readonly number[];
      /**
       * The operation left whose return is earliest: one of `unplaced` had to be linearized
       * before it returned (it is one of them itself).
       */
      readonly deadline: number;
      /** The same facts as sentences, for people. */
      readonly explanation: string;
      readonly steps: number;
    }
  | {
      readonly verdict: 'unknown';
      readonly reason: 'budget-exhausted';
      /** Keys whose search ran out of budget, sorted; every other key was linearizable. */
      readonly keys: readonly string[];
      readonly budget: number;
      readonly steps: number;
    }
  | {
      readonly verdict: 'unknown';
      readonly reason: 'timeout';
      /** Keys not decided when the time ran out, sorted; no other key was refuted. */
      readonly keys: readonly string[];
      readonly timeoutMs: number;
      readonly steps: number;
    };

/** Client events in the order they happened, from which `operationsFromEvents` builds calls. */
export type HistoryEvent<I, O> =
  | { readonly type: 'invoke'; readonly client: string; readonly input: I }
  | { readonly type: 'return'; readonly client: string; readonly output: O }
  /** The client crashed: its pending call, if any, never returns; it may invoke again. */
  | { readonly type: 'crash'; readonly client: string };

export { checkLinearizable, DEFAULT_BUDGET } from './check.js';
export { ILLEGAL, legal, type StepResult } from './legal.js';
export { describeOperation } from './explain.js';
export { operationsFromEvents, HistoryError } from './events.js';
export {
  writeOnceRegister,
  kvRegister,
  type WriteOnceInput,
  type WriteOnceOutput,
  type WriteOnceState,
  type KvInput,
  type KvOutput,
  type KvState,
} from './models.js';
