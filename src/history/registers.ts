/**
 * The sequential models Jepsen-style histories are usually checked against, per key:
 *
 * - `casRegister`: a register with read, write and compare-and-swap (Knossos's cas-register,
 *   the model of Porcupine's etcd test). It starts empty (null). A read returns the value; a
 *   write sets it; `cas(from, to)` sets `to` if the value is `from`, and says whether it did.
 *   The plain read/write register is the same model with no cas in the history.
 * - `appendKv`: a string per key with get, put and append (the model of Porcupine's kv test).
 *   A key never written holds "" (the identity of append), so a get of it returns "".
 *
 * Values are compared exactly: the string "1" and the number 1 differ. What it leaves out:
 * deletes and multi-key operations (the Multi-Paxos KV model, machine.ts, has deletes).
 */
import type { Model } from './index.js';
import { ILLEGAL, legal } from './legal.js';

/** A register's value: what a write stores. */
export type Scalar = string | number;

export type RegisterInput =
  | { readonly kind: 'read'; readonly key: string }
  | { readonly kind: 'write'; readonly key: string; readonly value: Scalar }
  | { readonly kind: 'cas'; readonly key: string; readonly from: Scalar; readonly to: Scalar };
/**
 * What a call returned: a read's value (null: empty), whether a cas swapped. A write's output
 * carries nothing (`{ value: null, ok: true }`).
 */
export interface RegisterOutput {
  readonly value: Scalar | null;
  readonly ok: boolean;
}

/** The key a register history without keys is checked under. */
export const REGISTER_KEY = 'register';

export const casRegister: Model<Scalar | null, RegisterInput, RegisterOutput> = {
  name: 'register (read/write/cas)',
  init: () => null,
  partition: (input) => input.key,
  step: (state, input, output) => {
    switch (input.kind) {
      case 'read':
        return output === null || output.value === state ? legal(state) : ILLEGAL;
      case 'write':
        return legal(input.value);
      case 'cas': {
        const swaps = state === input.from;
        if (output !== null && output.ok !== swaps) return ILLEGAL;
        return legal(swaps ? input.to : state);
      }
    }
  },
  key: (state) => (state === null ? '' : typeof state === 'number' ? String(state)
    : JSON.stringify(state)),
  describe: (input, output) => {
    const on = input.key === REGISTER_KEY ? '' : input.key;
    switch (input.kind) {
      case 'read': return `read(${on}) -> ${output === null ? '?' : show(output.value)}`;
      case 'write': return `write(${on === '' ? '' : `${on}, `}${show(input.value)})`;
      case 'cas': return `cas(${on === '' ? '' : `${on}, `}${show(input.from)}, ` +
        `${show(input.to)}) -> ${output === null ? '?' : output.ok ? 'ok' : 'fail'}`;
    }
  },
};

export type AppendKvInput =
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'put' | 'append'; readonly key: string; readonly value: string };
/** A get's answer; a put's or append's output carries nothing (""). */
export interface AppendKvOutput {
  readonly value: string;
}

export const appendKv: Model<string, AppendKvInput, AppendKvOutput> = {
  name: 'key-value store (get/put/append)',
  init: () => '',
  partition: (input) => input.key,
  step: (state, input, output) => {
    switch (input.kind) {
      case 'get': return output === null || output.value === state ? legal(state) : ILLEGAL;
      case 'put': return legal(input.value);
      case 'append': return legal(state + input.value);
    }
  },
  key: (state) => state,
  describe: (input, output) => input.kind === 'get'
    ? `get(${show(input.key)}) -> ${output === null ? '?' : show(output.value)}`
    : `${input.kind}(${show(input.key)}, ${show(input.value)})`,
};

function show(v: Scalar | null): string {
  return v === null ? 'nil' : JSON.stringify(v);
}
