/**
 * A tiny notation for hand-made histories, so that each test row reads like the history it is:
 * `'A set a'` (client A invokes SetVarX("a")), `'B get'` (GetVarX()), `'A -> b'` (A's pending
 * call returns "b"; `-> empty` returns null), `'A crash'`. Add `on Y` to a set or get to use key
 * Y (default X). For kvRegister rows, `put` stands for a write. Only for tests; it parses our
 * own literals, so a bad row is a bug in the test and throws.
 */
import {
  operationsFromEvents,
  type HistoryEvent,
  type KvInput,
  type Operation,
  type WriteOnceInput,
  type WriteOnceOutput,
} from '../../src/history/index.js';

type Input = WriteOnceInput | KvInput;
type Output = WriteOnceOutput;

/** Parses one row's events; an event's index is its time. */
export function events(lines: readonly string[]): HistoryEvent<Input, Output>[] {
  return lines.map((line): HistoryEvent<Input, Output> => {
    const words = line.trim().split(/\s+/);
    const [client, verb, ...rest] = words;
    if (client === undefined || verb === undefined) throw new Error(`bad row '${line}'`);
    const onAt = rest.indexOf('on');
    const key = onAt >= 0 ? (rest[onAt + 1] ?? 'X') : 'X';
    const args = onAt >= 0 ? rest.slice(0, onAt) : rest;
    switch (verb) {
      case 'set':
      case 'put':
        return { type: 'invoke', client, input: { kind: verb, key, value: word(args[0], line) } };
      case 'get':
        return { type: 'invoke', client, input: { kind: 'get', key } };
      case '->': {
        const value = word(args[0], line);
        return { type: 'return', client, output: { value: value === 'empty' ? null : value } };
      }
      case 'crash':
        return { type: 'crash', client };
      default:
        throw new Error(`bad verb in row '${line}'`);
    }
  });
}

function word(w: string | undefined, line: string): string {
  if (w === undefined) throw new Error(`missing value in row '${line}'`);
  return w;
}

/** The operations of a SetVarX/GetVarX row. */
export function varX(lines: readonly string[]): Operation<WriteOnceInput, WriteOnceOutput>[] {
  return operationsFromEvents(events(lines)) as Operation<WriteOnceInput, WriteOnceOutput>[];
}

/** The operations of a put/get row. */
export function kv(lines: readonly string[]): Operation<KvInput, Output>[] {
  return operationsFromEvents(events(lines)) as Operation<KvInput, Output>[];
}
