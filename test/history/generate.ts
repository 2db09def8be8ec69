/**
 * Random concurrent histories that are linearizable by construction, for the property tests and
 * the benchmark. Clients invoke calls on a real sequential object; each pending call later takes
 * effect at one instant (its linearization point) and later still returns what the object
 * answered, unless its client crashes first (before or after the call took effect). Since every
 * call takes effect between its invocation and its return, the history is linearizable.
 *
 * Randomness comes from `pick(n)` (an integer in [0, n)), so fast-check can drive it with a
 * shrinkable list of numbers and the benchmark with a seeded PRNG. It leaves out network and
 * servers entirely: that is the simulator's business; here only the shape of histories matters.
 */
import {
  kvRegister,
  writeOnceRegister,
  type HistoryEvent,
  type KvInput,
  type Model,
  type Operation,
  type WriteOnceInput,
  type WriteOnceOutput,
} from '../../src/history/index.js';

export type Pick = (n: number) => number;

export interface Workload {
  readonly object: 'varX' | 'kv';
  readonly clients: number;
  /** Invocations in all. */
  readonly calls: number;
  readonly keys: number;
  /** Distinct values written. */
  readonly values: number;
  /**
   * Chance in percent, at each scheduling step with a call pending, that a pending call's
   * client crashes (it may invoke again later). 0: no crashes.
   */
  readonly crashPercent: number;
}

export type Input = WriteOnceInput | KvInput;
type Output = WriteOnceOutput;
type Event = HistoryEvent<Input, Output>;
export type Op = Operation<Input, Output>;
export type AnyModel = Model<unknown, Input, Output>;

/** The model a workload's object obeys. */
export function modelOf(workload: Workload): AnyModel {
  return (workload.object === 'varX' ? writeOnceRegister : kvRegister) as unknown as AnyModel;
}

interface Pending {
  readonly input: Input;
  /** The answer once the call has taken effect; undefined before. */
  readonly output: Output | undefined;
}

export function keyName(i: number): string {
  return i === 0 ? 'X' : `X${i}`;
}

/** The events of one random run of `workload`. */
export function randomHistory(workload: Workload, pick: Pick): Event[] {
  const object = new Map<string, string | null>();
  const pending = new Map<string, Pending>();
  const clients = Array.from({ length: workload.clients }, (_, i) => String.fromCharCode(65 + i));
  const events: Event[] = [];
  let invoked = 0;
  for (;;) {
    const actions: (() => void)[] = [];
    const crashable: string[] = [];
    for (const client of clients) {
      const p = pending.get(client);
      if (p === undefined) {
        if (invoked < workload.calls) actions.push(() => {
          const input = randomInput(workload, pick);
          invoked += 1;
          pending.set(client, { input, output: undefined });
          events.push({ type: 'invoke', client, input });
        });
        continue;
      }
      crashable.push(client);
      if (p.output === undefined) {
        actions.push(() => pending.set(client, { ...p, output: apply(object, p.input) }));
      } else {
        actions.push(() => {
          pending.delete(client);
          events.push({ type: 'return', client, output: p.output as Output });
        });
      }
    }
    if (actions.length === 0) return events;
    // Counted from the top, so that a run of zeros from exhausted choices crashes nothing.
    const crash = workload.crashPercent > 0 && crashable.length > 0 &&
      pick(100) >= 100 - workload.crashPercent;
    if (crash) {
      // Whether the call took effect or not, the client is gone before it returns.
      const client = crashable[pick(crashable.length)] as string;
      pending.delete(client);
      events.push({ type: 'crash', client });
      continue;
    }
    (actions[pick(actions.length)] as () => void)();
  }
}

function randomInput(workload: Workload, pick: Pick): Input {
  const key = keyName(pick(workload.keys));
  if (pick(2) === 0) return { kind: 'get', key };
  const value = `v${pick(workload.values)}`;
  return workload.object === 'varX' ? { kind: 'set', key, value } : { kind: 'put', key, value };
}

/** The real object: SetVarX chooses only the first value; put overwrites. */
function apply(object: Map<string, string | null>, input: Input): Output {
  const held = object.get(input.key) ?? null;
  switch (input.kind) {
    case 'get':
      return { value: held };
    case 'set':
      if (held === null) object.set(input.key, input.value);
      return { value: held ?? input.value };
    case 'put':
      object.set(input.key, input.value);
      return { value: null };
  }
}

/** `pick` from a list of numbers (fast-check's shrinkable choices); 0 once they run out. */
export function pickFrom(choices: readonly number[]): Pick {
  let at = 0;
  return (n) => {
    const c = choices[at] ?? 0;
    at += 1;
    return c % n;
  };
}

/** `pick` from a seeded PRNG (Marsaglia's xorshift32), for the benchmark. */
export function pickSeeded(seed: number): Pick {
  // Spread nearby seeds apart (MurmurHash3's finalizer), and keep the state nonzero.
  let x = Math.imul(seed ^ (seed >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x = (x ^ (x >>> 16)) | 0 || 0x2545f491;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return Math.floor(((x >>> 0) / 2 ** 32) * n);
  };
}
