/**
 * Builds the calls of a history from the ordered list of client events (invoke, return, crash),
 * checking on the way that the list is well-formed: a client has at most one pending call, and
 * every return answers a pending invocation of the same client.
 *
 * An event's index in the list is its logical time, so a call precedes another exactly when
 * its return event comes before the other's invoke event. It leaves out any decoding of events
 * read from a file (types of `input`/`output` are the model's business; a CLI adapter decodes
 * them): what it validates is the shape of the history itself, which may come from outside.
 */
import type { HistoryEvent, Operation } from './index.js';

/** A malformed history or operation list. The message names the event or operation index. */
export class HistoryError extends Error {
  override readonly name = 'HistoryError';
}

interface Pending<I> {
  readonly index: number;
  readonly input: I;
}

/**
 * The calls of `events`, in the order of their invocations. A call whose client crashed before
 * it returned, or still pending at the end of the list, gets `ret: null` and `output: null`.
 * Throws a HistoryError naming the first event that breaks well-formedness.
 */
export function operationsFromEvents<I, O>(
  events: readonly HistoryEvent<I, O>[],
): Operation<I, O>[] {
  const pending = new Map<string, Pending<I>>();
  // Slots are filled at the invocation so that the result is in invocation order.
  const slots: (Operation<I, O> | null)[] = [];
  const slotOf = new Map<number, number>();
  const open = (client: string, p: Pending<I>): void => {
    slotOf.set(p.index, slots.length);
    slots.push(null);
    pending.set(client, p);
  };
  const close = (client: string, p: Pending<I>, output: O | null, ret: number | null): void => {
    const slot = slotOf.get(p.index);
    assert(slot !== undefined && slots[slot] === null, 'each invocation closes once');
    slots[slot] = { client, input: p.input, output, call: p.index, ret };
    pending.delete(client);
  };
  events.forEach((event, index) => {
    const p = pending.get(event.client);
    switch (event.type) {
      case 'invoke':
        if (p !== undefined) {
          throw new HistoryError(
            `event ${index}: client '${event.client}' invokes while its call from ` +
              `event ${p.index} is still pending (a client has at most one pending call)`,
          );
        }
        open(event.client, { index, input: event.input });
        return;
      case 'return':
        if (p === undefined) {
          throw new HistoryError(
            `event ${index}: client '${event.client}' returns but has no pending call`,
          );
        }
        close(event.client, p, event.output, index);
        return;
      case 'crash':
        // A client may crash while idle; then there is nothing to close.
        if (p !== undefined) close(event.client, p, null, null);
        return;
      default:
        throw new HistoryError(
          `event ${index}: unknown type '${String((event as { type: unknown }).type)}' ` +
            `(expected invoke, return or crash)`,
        );
    }
  });
  for (const [client, p] of pending) close(client, p, null, null);
  return slots.map((op) => {
    assert(op !== null, 'every invocation is closed by a return, a crash or the end');
    return op;
  });
}

/**
 * Checks the times of a list of operations, as `checkLinearizable` needs them: `call` a finite
 * number, `ret` null or a finite number not below `call`, no output without a return. Throws a
 * HistoryError naming the operation index and field.
 */
export function validateOperations<I, O>(ops: readonly Operation<I, O>[]): void {
  ops.forEach((op, index) => {
    if (typeof op.call !== 'number' || !Number.isFinite(op.call)) {
      throw new HistoryError(`operation ${index}: call must be a finite number, got ${op.call}`);
    }
    if (op.ret === null) {
      if (op.output === null) return;
      throw new HistoryError(
        `operation ${index}: never returned (ret null) but has an output; use output null`,
      );
    }
    if (typeof op.ret !== 'number' || !Number.isFinite(op.ret)) {
      throw new HistoryError(
        `operation ${index}: ret must be a finite number or null, got ${op.ret}`,
      );
    }
    if (op.ret < op.call) {
      throw new HistoryError(
        `operation ${index}: returns at ${op.ret}, before its call at ${op.call}`,
      );
    }
  });
}

/** For our own bugs only; bad input gets a HistoryError instead. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`synod history: assertion failed: ${message}`);
}
