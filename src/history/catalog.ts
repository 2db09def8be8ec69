/**
 * The models `synod history check --model` offers, and how each reads the events of a history
 * file (read.ts) as calls: which functions (`f`) it knows, what an invocation's `value` must be,
 * and what a completion says.
 *
 * The completion of a call is the same process's next event:
 * - `ok`: it returned; its `value` is the result where the function has one (read, get, set,
 *   cas for multipaxos-kv). Where it has none (write, put, append), Jepsen repeats the argument
 *   and the value is not looked at.
 * - `fail`: it did not take effect, and the call is left out of the history; except a `cas`,
 *   whose failure is an observation (the register held another value), kept as a call that
 *   returned false, as Porcupine reads Jepsen's etcd logs; and every call of `multipaxos-kv`,
 *   whose failed calls report the machine's output (`{ok: false, value}`).
 * - `info`: the outcome is unknown: it may have taken effect, at any time after its invocation,
 *   or never. The call never returns (Herlihy & Wing's pending call), and the process may
 *   invoke again.
 * A call with no completion by the end of the file is pending too.
 *
 * What it leaves out: Jepsen's convention that a process that got `info` never calls again
 * (Synod allows it), and models of several keys at once (the search splits by key).
 */
import type { HistoryModel } from '../format/history.js';
import { showJson } from '../format/json.js';
import type { Op, Output } from '../multipaxos/index.js';
import { machineModel } from './machine.js';
import {
  writeOnceRegister, type WriteOnceInput, type WriteOnceOutput, type WriteOnceState,
} from './models.js';
import { HistoryInputError, type RawEvent } from './read.js';
import {
  appendKv, casRegister, REGISTER_KEY, type AppendKvInput, type AppendKvOutput, type RegisterInput,
  type RegisterOutput, type Scalar,
} from './registers.js';
import type { Model, Operation } from './index.js';

/** The call left out: it returned without taking effect. */
export const DROP = Symbol('drop');

/** How one model reads events. Both functions throw a HistoryInputError on bad input. */
export interface Adapter<S, I, O> {
  readonly model: Model<S, I, O>;
  /** The functions it knows, for messages. */
  readonly functions: readonly string[];
  /** The call's input, from its invocation. */
  readonly input: (e: RawEvent) => I;
  /** What an `ok` or `fail` completion of a call with `input` says. */
  readonly output: (input: I, e: RawEvent) => O | null | typeof DROP;
}

// Any adapter, whatever its model's types: the CLI picks one by name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAdapter = Adapter<any, any, any>;

export const MODEL_NAMES: readonly HistoryModel[] = ['register', 'cas-register', 'kv',
  'setvarx', 'multipaxos-kv'];

/** The adapter of a model named on the command line or in a header. */
export function adapterOf(name: HistoryModel): AnyAdapter {
  switch (name) {
    case 'register': return registerAdapter(false);
    case 'cas-register': return registerAdapter(true);
    case 'kv': return kvAdapter;
    case 'setvarx': return setvarxAdapter;
    case 'multipaxos-kv': return multipaxosAdapter;
  }
}

function bad(e: RawEvent, field: string, message: string): never {
  throw new HistoryInputError(e.line, field, message);
}

function functionOf<F extends string>(e: RawEvent, known: readonly F[], model: string): F {
  if ((known as readonly string[]).includes(e.f)) return e.f as F;
  return bad(e, 'f', `the ${model} model has no function '${e.f}' (it has ${known.join(', ')})`);
}

function scalar(e: RawEvent, what: string, v: unknown, field = 'value'): Scalar {
  if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return v;
  return bad(e, field, `expected ${what} (a string or a number), got ${showJson(v)}`);
}

function text(e: RawEvent, what: string, v: unknown, field = 'value'): string {
  if (typeof v === 'string') return v;
  return bad(e, field, `expected ${what} (a string), got ${showJson(v)}`);
}

function keyOf(e: RawEvent, fallback: string | null): string {
  if (e.key !== null) return e.key;
  if (fallback !== null) return fallback;
  return bad(e, 'key', 'is missing (this model keeps one value per key)');
}

/** A pair [a, b], as a cas names what it expects and what it writes. */
function pair(e: RawEvent): readonly [unknown, unknown] {
  const v = e.value;
  if (Array.isArray(v) && v.length === 2) return [v[0], v[1]];
  return bad(e, 'value', `expected [expected, new] for a cas, got ${showJson(v)}`);
}

function registerAdapter(cas: boolean): Adapter<Scalar | null, RegisterInput, RegisterOutput> {
  const functions = cas ? ['read', 'write', 'cas'] as const : ['read', 'write'] as const;
  const name = cas ? 'cas-register' : 'register';
  return {
    model: cas ? casRegister : { ...casRegister, name: 'register (read/write)' },
    functions,
    input: (e) => {
      const key = keyOf(e, REGISTER_KEY);
      switch (functionOf(e, functions, name)) {
        case 'read': return { kind: 'read', key };
        case 'write': return { kind: 'write', key, value: scalar(e, 'the value written', e.value) };
        case 'cas': {
          const [from, to] = pair(e);
          return { kind: 'cas', key, from: scalar(e, 'the value expected', from, 'value[0]'),
            to: scalar(e, 'the value written', to, 'value[1]') };
        }
      }
    },
    output: (input, e) => {
      if (input.kind === 'cas') return { value: null, ok: e.type === 'ok' };
      if (e.type === 'fail') return DROP;
      if (input.kind === 'write') return { value: null, ok: true };
      return { value: e.value === null ? null : scalar(e, 'the value read (or nil)', e.value),
        ok: true };
    },
  };
}

const kvAdapter: Adapter<string, AppendKvInput, AppendKvOutput> = {
  model: appendKv,
  functions: ['get', 'put', 'append'],
  input: (e) => {
    const key = keyOf(e, null);
    const f = functionOf(e, ['get', 'put', 'append'] as const, 'kv');
    return f === 'get' ? { kind: 'get', key } : { kind: f, key, value: text(e, `the value of ` +
      `the ${f}`, e.value) };
  },
  output: (input, e) => {
    if (e.type === 'fail') return DROP;
    // A key never written reads as "": Jepsen's nil and "" say the same here.
    if (input.kind !== 'get') return { value: '' };
    return { value: e.value === null ? '' : text(e, 'the value got', e.value) };
  },
};

const setvarxAdapter: Adapter<WriteOnceState, WriteOnceInput, WriteOnceOutput> = {
  model: writeOnceRegister,
  functions: ['set', 'get'],
  input: (e) => {
    const key = keyOf(e, 'X');
    return functionOf(e, ['set', 'get'] as const, 'setvarx') === 'get' ? { kind: 'get', key }
      : { kind: 'set', key, value: text(e, 'the value proposed', e.value) };
  },
  output: (input, e) => {
    if (e.type === 'fail') return DROP;
    if (e.value === null && input.kind === 'get') return { value: null };
    return { value: text(e, input.kind === 'set' ? 'the value chosen' : 'the value chosen (or ' +
      'nil)', e.value) };
  },
};

const MP_FUNCTIONS = ['get', 'put', 'delete', 'cas', 'append'] as const;

type MachineState = ReturnType<ReturnType<typeof machineModel>['init']>;

const multipaxosAdapter: Adapter<MachineState, Op, Output> = {
  model: machineModel('kv'),
  functions: MP_FUNCTIONS,
  input: (e) => {
    const key = keyOf(e, null);
    const f = functionOf(e, MP_FUNCTIONS, 'multipaxos-kv');
    switch (f) {
      case 'get': case 'delete': return { op: f, key };
      case 'put': case 'append': return { op: f, key, value: text(e, `the value of the ${f}`,
        e.value) };
      case 'cas': {
        const [expect, value] = pair(e);
        return { op: 'cas', key, expect: expect === null ? null
          : text(e, 'the value expected (or nil)', expect, 'value[0]'),
        value: text(e, 'the value written', value, 'value[1]') };
      }
    }
  },
  output: (_input, e) => ({ ok: e.type === 'ok', value: e.value === undefined ||
    e.value === null ? null : text(e, 'the value returned (or nil)', e.value) }),
};

/** The calls of a history, with the line of each one's invocation. */
export interface Calls<I, O> {
  readonly ops: readonly Operation<I, O>[];
  readonly lines: readonly number[];
}

/**
 * Pairs each invocation with its process's next event, in the order of the lines, and decodes
 * both with `adapter`. Times are line numbers, so explanations point into the file. Throws a
 * HistoryInputError naming the line and field of the first event that does not fit.
 */
export function callsOf<S, I, O>(events: readonly RawEvent[], adapter: Adapter<S, I, O>):
  Calls<I, O> {
  const pending = new Map<string, { readonly e: RawEvent; readonly input: I; slot: number }>();
  const slots: (Operation<I, O> | null | typeof DROP)[] = [];
  const lines: number[] = [];
  const close = (process: string, op: Operation<I, O> | typeof DROP, slot: number): void => {
    slots[slot] = op;
    pending.delete(process);
  };
  for (const e of events) {
    const p = pending.get(e.process);
    if (e.type === 'invoke') {
      if (p !== undefined) {
        bad(e, 'process', `process ${e.process} invokes while its call from line ${p.e.line} is ` +
          'pending (a process has one call at a time; end it with ok, fail or info)');
      }
      pending.set(e.process, { e, input: adapter.input(e), slot: slots.length });
      slots.push(null);
      lines.push(e.line);
      continue;
    }
    if (p === undefined) bad(e, 'type', `process ${e.process} completes (${e.type}) a call it ` +
      'never invoked');
    if (e.f !== p.e.f) bad(e, 'f', `completes the '${p.e.f}' of line ${p.e.line} as '${e.f}'`);
    if (e.key !== null && p.e.key !== null && e.key !== p.e.key) {
      bad(e, 'key', `completes the call on key ${showJson(p.e.key)} of line ${p.e.line} on key ` +
        `${showJson(e.key)}`);
    }
    const base = { client: e.process, input: p.input, call: p.e.line };
    if (e.type === 'info') close(e.process, { ...base, output: null, ret: null }, p.slot);
    else {
      const output = adapter.output(p.input, e);
      close(e.process, output === DROP ? DROP : { ...base, output, ret: e.line }, p.slot);
    }
  }
  for (const [process, p] of pending) {
    close(process, { client: process, input: p.input, call: p.e.line, output: null, ret: null },
      p.slot);
  }
  const ops: Operation<I, O>[] = [];
  const kept: number[] = [];
  slots.forEach((op, i) => {
    if (op === DROP || op === null) return;
    ops.push(op);
    kept.push(lines[i] as number);
  });
  return { ops, lines: kept };
}
