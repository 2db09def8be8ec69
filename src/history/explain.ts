/**
 * Words for a failed check: one line per operation, and the paragraph that says which
 * operations could not be placed after the longest linearizable prefix and why.
 *
 * It only renders facts the search established (prefix, state, candidates); it decides nothing.
 */
import type { Model, Operation } from './index.js';

/** `#12 A [3, 7] SetVarX("a") -> "b"`; a call that never returned shows `[3, -)`. */
export function describeOperation<S, I, O>(
  model: Model<S, I, O>,
  op: Operation<I, O>,
  index: number,
): string {
  const span = op.ret === null ? `[${op.call}, -)` : `[${op.call}, ${op.ret}]`;
  const what =
    model.describe !== undefined
      ? model.describe(op.input, op.output)
      : `${JSON.stringify(op.input)} -> ${op.output === null ? '?' : JSON.stringify(op.output)}`;
  return `#${index} ${op.client} ${span} ${what}`;
}

export interface Failure {
  readonly key: string;
  readonly prefix: readonly number[];
  readonly state: string;
  readonly unplaced: readonly number[];
  readonly deadline: number;
}

/** The explanation of a failure, as lines of text. */
export function explainFailure<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  failure: Failure,
): string {
  const line = (i: number): string => {
    const op = ops[i];
    return op === undefined ? `#${i} (missing)` : describeOperation(model, op, i);
  };
  const shown = failure.state === '' ? 'the initial/empty state' : `state '${failure.state}'`;
  const lines = [
    `${model.name}: the operations on key '${failure.key}' are not linearizable.`,
    `Longest linearizable prefix found (${plural(failure.prefix.length, 'operation')}), ` +
      `leaving ${shown}:`,
    ...failure.prefix.map((i) => `  ${line(i)}`),
  ];
  lines.push(`One of these must come next, since each was invoked before ` +
    `${line(failure.deadline)} returned, but none can:`);
  for (const i of failure.unplaced) lines.push(`  ${line(i)}: its result is not legal there`);
  const placed = new Set(failure.prefix);
  const pending = ops.some((op, i) =>
    op.ret === null && !placed.has(i) && model.partition(op.input) === failure.key);
  if (pending) {
    lines.push(`(Calls that never returned are not listed: where they could come next they ` +
      `change nothing, so they may as well take effect at the end, or never.)`);
  }
  return lines.join('\n');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
