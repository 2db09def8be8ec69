/**
 * Sequential models for the linearizability checker.
 *
 * - `writeOnceRegister`: the Synod variable X of the seeds. `SetVarX(v)` chooses v if nothing
 *   is chosen yet and returns the value actually chosen (v, or the value chosen before, which
 *   may be another client's); `GetVarX()` returns the chosen value, or empty (null) when none
 *   is chosen yet. This is Consensus.tla's `chosen` seen through a client API: at most one value
 *   is ever chosen, and once chosen it never changes.
 * - `kvRegister`: a plain read/write register per key, for the Multi-Paxos key-value store.
 *
 * Both partition by key, so the checker handles each key as a separate object. They leave out
 * compare-and-swap and deletes: no client API in the issues offers them yet.
 */
import type { Model } from './index.js';
import { ILLEGAL, legal } from './legal.js';

export type WriteOnceInput =
  | { readonly kind: 'set'; readonly key: string; readonly value: string }
  | { readonly kind: 'get'; readonly key: string };
export interface WriteOnceOutput {
  /** The chosen value; null (empty) only from a get before any value is chosen. */
  readonly value: string | null;
}
/** The state of one key: the value chosen, or null before any is. */
export interface WriteOnceState {
  readonly chosen: string | null;
}

const EMPTY: WriteOnceState = { chosen: null };

export const writeOnceRegister: Model<WriteOnceState, WriteOnceInput, WriteOnceOutput> = {
  name: 'write-once register (SetVarX/GetVarX)',
  init: () => EMPTY,
  partition: (input) => input.key,
  step: (state, input, output) => {
    if (input.kind === 'get') {
      if (output === null) return legal(state);
      return output.value === state.chosen ? legal(state) : ILLEGAL;
    }
    // A set chooses its value only when X is still empty; either way it returns what is chosen.
    const next = state.chosen === null ? { chosen: input.value } : state;
    if (output === null) return legal(next);
    return output.value === next.chosen ? legal(next) : ILLEGAL;
  },
  key: (state) => (state.chosen === null ? '' : `=${state.chosen}`),
  describe: (input, output) => {
    const call = input.kind === 'set' ? `SetVarX(${show(input.value)})` : 'GetVarX()';
    const on = input.key === 'X' ? '' : ` on ${input.key}`;
    return `${call}${on} -> ${output === null ? '?' : show(output.value)}`;
  },
};

export type KvInput =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'get'; readonly key: string };
/** A get's answer (null: the key holds nothing). A put's output is an acknowledgement only. */
export interface KvOutput {
  readonly value: string | null;
}
/** The state of one key: its value, or null when never written. */
export interface KvState {
  readonly value: string | null;
}

const ABSENT: KvState = { value: null };

export const kvRegister: Model<KvState, KvInput, KvOutput> = {
  name: 'read/write register per key',
  init: () => ABSENT,
  partition: (input) => input.key,
  step: (state, input, output) => {
    // A put always succeeds and its acknowledgement carries nothing to check.
    if (input.kind === 'put') return legal({ value: input.value });
    if (output === null) return legal(state);
    return output.value === state.value ? legal(state) : ILLEGAL;
  },
  key: (state) => (state.value === null ? '' : `=${state.value}`),
  describe: (input, output) =>
    input.kind === 'put'
      ? `put(${input.key}, ${show(input.value)})${output === null ? ' -> ?' : ''}`
      : `get(${input.key}) -> ${output === null ? '?' : show(output.value)}`,
};

/** A value as it appears in explanations: quoted, or `empty` for null. */
function show(value: string | null): string {
  return value === null ? 'empty' : JSON.stringify(value);
}
