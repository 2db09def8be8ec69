/**
 * History format v1 ("synod.history", version 1): Synod's own file format for client histories,
 * the io-ts codecs that are its single definition. docs/history-format.md documents every field;
 * the JSON Schema in docs/schema/ is generated from these codecs (src/history/schema.ts).
 *
 * A history is JSON lines: one header line naming the format and version (and, if the writer
 * knows it, the model), then one line per client event, in the real-time order in which the
 * events happened. An event is a Jepsen operation map written as JSON: `process` (who called),
 * `type` (invoke, then ok, fail or info), `f` (the function), `key` and `value`. So a Jepsen
 * history converts line by line, and the models read the three formats (this one, Jepsen's EDN
 * and Jepsen's log lines) through one vocabulary.
 *
 * What it leaves out, and why:
 * - Times: the order of the lines is the real-time order; an optional `time` is carried for
 *   people and tools but not used (two events of one instant are written in either order).
 * - What `f` and `value` may be is the model's business (src/history/catalog.ts): the codecs
 *   check shapes only, so one file format serves every model.
 * - Unknown fields are ignored, not rejected (as in the trace format): recorders add context.
 */
import * as t from 'io-ts';
import { hinted } from './schema.js';

export const HISTORY_FORMAT_NAME = 'synod.history';
export const HISTORY_FORMAT_VERSION = 1;

/** Limits on what comes from outside. */
export const historyLimits = {
  /** A longer line is an error: it bounds what one event may hold. */
  lineBytesMax: 1 << 20,
  nameLengthMax: 128,
  /** The most events one file may hold (each becomes a call the search keeps in memory). */
  eventsMax: 10_000_000,
} as const;

/** The models `synod history check --model` knows, as the header may name them. */
export const HistoryModel = t.keyof({
  register: null, 'cas-register': null, kv: null, setvarx: null, 'multipaxos-kv': null,
}, 'HistoryModel');
export type HistoryModel = t.TypeOf<typeof HistoryModel>;

/** A process, function or key name: non-empty, bounded, no control characters. */
export const HistoryName = hinted(
  t.refinement(t.string, (s) => s.length > 0 && s.length <= historyLimits.nameLengthMax
    && !/[\u0000-\u001f]/.test(s), 'HistoryName'),
  { type: 'string', minLength: 1, maxLength: historyLimits.nameLengthMax,
    pattern: '^[^\\u0000-\\u001f]+$' },
);

/** A whole number JavaScript represents exactly. */
export const HistoryInt = hinted(
  t.refinement(t.number, (n) => Number.isSafeInteger(n), 'HistoryInt'),
  { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
);

/** Who called: Jepsen's process number, or a name. One process has one call pending at most. */
export const Process = t.union([HistoryInt, HistoryName], 'Process');

/**
 * What the event is. `invoke` starts a call; the same process's next event ends it: `ok` (it
 * returned and took effect), `fail` (it returned without taking effect, or, for a
 * compare-and-swap, found another value: see the models) or `info` (the outcome is unknown: it
 * may or may not have taken effect, and it never returns).
 */
export const EventType = t.keyof({ invoke: null, ok: null, fail: null, info: null },
  'EventType');
export type EventType = t.TypeOf<typeof EventType>;

/** An object's name: a string, or an integer written as one. */
export const HistoryKey = t.union([HistoryName, HistoryInt], 'HistoryKey');

/**
 * An argument or a result: any JSON value (the model says which it accepts). io-ts has no
 * recursive type the schema walker reads, so the schema says "any" and the readers bound the
 * nesting (src/format/json.ts).
 */
export const HistoryValue = hinted(new t.Type<unknown>('HistoryValue', (_: unknown): _ is
  unknown => true, (u) => t.success(u), (u) => u), {});

export const HistoryHeader = t.intersection([
  t.type({ format: t.literal(HISTORY_FORMAT_NAME), version: t.literal(HISTORY_FORMAT_VERSION) }),
  t.partial({
    /** The model the history is meant for; `--model` overrides it. */
    model: HistoryModel,
    /** Free-form: what recorded the history. */
    source: t.string,
  }),
], 'HistoryHeader');
export type HistoryHeader = t.TypeOf<typeof HistoryHeader>;

export const HistoryLine = t.intersection([
  t.type({ process: Process, type: EventType, f: HistoryName }),
  t.partial({
    key: HistoryKey,
    /** The argument on an invoke; the result on an ok (a Jepsen recorder repeats arguments). */
    value: HistoryValue,
    /** When it happened, in the recorder's unit; carried, never used. */
    time: t.number,
  }),
], 'HistoryLine');
export type HistoryLine = t.TypeOf<typeof HistoryLine>;
