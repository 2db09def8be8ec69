/**
 * Reading a client history file in any of the three formats `synod history check` takes, into
 * one list of events with the line each came from:
 *
 * - `synod`: Synod's own JSON lines (src/format/history.ts, docs/history-format.md): a header,
 *   then one event per line.
 * - `edn`: Jepsen's history.edn, one operation map per line (`{:process 0, :type :invoke, :f
 *   :append, :key "0", :value "x"}`), read by the strict EDN subset of edn.ts.
 * - `jepsen-log`: the operation lines Jepsen's `jepsen.util` logger writes (`INFO  jepsen.util -
 *   0	:invoke	:read	nil`), as in Porcupine's etcd test data. Lines of other loggers are
 *   skipped (a Jepsen log interleaves them); a `jepsen.util` line that is not an operation is an
 *   error.
 *
 * In both Jepsen formats the nemesis's operations (`:process :nemesis`) are skipped: they are
 * faults injected, not client calls. What it leaves out: pairing invocations with completions
 * and what `f` and `value` mean, which depend on the model (catalog.ts); and EDN histories
 * written as one vector of maps spanning lines (write one map per line, as Jepsen does).
 */
import * as t from 'io-ts';
import {
  EventType, HISTORY_FORMAT_NAME, HISTORY_FORMAT_VERSION, HistoryHeader, HistoryLine,
  historyLimits, type HistoryModel,
} from '../format/history.js';
import { showJson, tooDeep, tooDeepMessage } from '../format/json.js';
import { EdnError, EdnMap, ednToJson, Keyword, readForms, showEdn, type Edn } from './edn.js';

export const HISTORY_FORMATS = ['synod', 'edn', 'jepsen-log'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

/** One client event as read, before any model looks at it. */
export interface RawEvent {
  /** 1-based line of the file. */
  readonly line: number;
  readonly process: string;
  readonly type: EventType;
  readonly f: string;
  /** The object the call is on, or null when the event names none. */
  readonly key: string | null;
  /** The argument or result as plain JSON data; undefined when the event has none. */
  readonly value: unknown;
}

export interface ReadHistory {
  readonly format: HistoryFormat;
  /** The model a Synod header names, if any. */
  readonly model: HistoryModel | null;
  readonly events: readonly RawEvent[];
}

/** Bad input: the message names the line (0 for the file as a whole) and field. */
export class HistoryInputError extends Error {
  override readonly name = 'HistoryInputError';
  constructor(readonly line: number, readonly field: string | null, message: string) {
    super(message);
  }
}

/** Reads a whole history; `format` null detects it from the first line that is not blank. */
export function readHistory(text: string, format: HistoryFormat | null): ReadHistory {
  const lines = text.split('\n');
  const chosen = format ?? detectFormat(lines);
  const read = chosen === 'synod' ? readSynod : chosen === 'edn' ? readEdn : readJepsenLog;
  const { model, events } = read(lines);
  if (events.length > historyLimits.eventsMax) {
    throw new HistoryInputError(0, null, `more than ${historyLimits.eventsMax} events`);
  }
  return { format: chosen, model, events };
}

/** The format of the first line that is not blank or an EDN comment. */
export function detectFormat(lines: readonly string[]): HistoryFormat {
  const index = lines.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith(';'));
  if (index < 0) throw new HistoryInputError(0, null, 'the file holds no events');
  const first = (lines[index] as string).trim();
  if (/^\{\s*"/.test(first)) return 'synod';
  if (/^\{\s*:/.test(first)) return 'edn';
  if (/\bjepsen\.util\s+-\s/.test(first)) return 'jepsen-log';
  throw new HistoryInputError(index + 1, null, `cannot tell the format from this line ` +
    `(${showJson(first.slice(0, 40))}): a Synod history starts with its JSON header, an EDN ` +
    `history with an operation map '{:process ...}', a Jepsen log with 'INFO  jepsen.util - '; ` +
    `name it with --format synod|edn|jepsen-log`);
}

type Reader = (lines: readonly string[]) => { model: HistoryModel | null; events: RawEvent[] };

function checkLength(text: string, line: number): void {
  if (text.length > historyLimits.lineBytesMax) {
    throw new HistoryInputError(line, null, `the line is longer than ` +
      `${historyLimits.lineBytesMax} characters (a limit of the reader)`);
  }
}

const readSynod: Reader = (lines) => {
  let header: HistoryHeader | null = null;
  const events: RawEvent[] = [];
  lines.forEach((text, i) => {
    const line = i + 1;
    if (text.trim() === '') return;
    checkLength(text, line);
    const json = parseJson(text, line, i === lines.length - 1);
    if (header === null) {
      header = decodeHeader(json, line);
      return;
    }
    const e = decode(HistoryLine, json, line);
    events.push({ line, process: String(e.process), type: e.type, f: e.f,
      key: e.key === undefined ? null : String(e.key), value: e.value });
  });
  if (header === null) throw new HistoryInputError(0, null, 'the file holds no header');
  return { model: (header as HistoryHeader).model ?? null, events };
};

function parseJson(text: string, line: number, last: boolean): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    const why = last ? 'the file ends in the middle of this line (truncated?)'
      : 'this line is not valid JSON';
    throw new HistoryInputError(line, null, `${why}: ${e instanceof Error ? e.message : e}`);
  }
  const deep = tooDeep(value);
  if (deep !== null) throw new HistoryInputError(line, deep, tooDeepMessage());
  return value;
}

function decodeHeader(json: unknown, line: number): HistoryHeader {
  const o = typeof json === 'object' && json !== null && !Array.isArray(json)
    ? json as Record<string, unknown> : null;
  if (o === null || o['format'] !== HISTORY_FORMAT_NAME) {
    throw new HistoryInputError(line, 'format', `the first line must be a header with ` +
      `"format": "${HISTORY_FORMAT_NAME}" (got ${showJson(o === null ? json : o['format'])})`);
  }
  if (o['version'] !== HISTORY_FORMAT_VERSION) {
    throw new HistoryInputError(line, 'version', `this reader reads version ` +
      `${HISTORY_FORMAT_VERSION}, got ${showJson(o['version'])}`);
  }
  return decode(HistoryHeader, json, line);
}

/** What each named codec expects, in words. */
const EXPECTED: Readonly<Record<string, string>> = {
  Process: `a process: a whole number or a name (1 to ${historyLimits.nameLengthMax} characters)`,
  EventType: 'one of "invoke", "ok", "fail", "info"',
  HistoryName: `a name: 1 to ${historyLimits.nameLengthMax} characters, no control characters`,
  HistoryKey: 'a key: a name or a whole number',
  HistoryModel: '"register", "cas-register", "kv", "setvarx" or "multipaxos-kv"',
};

/** Decodes with `codec`, or throws naming the first field that is wrong and what it expects. */
function decode<A>(codec: t.Decoder<unknown, A>, json: unknown, line: number): A {
  const r = codec.decode(json);
  if (r._tag === 'Right') return r.right;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new HistoryInputError(line, null, `expected a JSON object, got ${showJson(json)}`);
  }
  const first = r.left[0] as t.ValidationError;
  // The property is the context entry right under the intersection's member: [root, member, key].
  const entry = first.context.find((c, i) => i > 0 && c.key !== '' && !/^\d+$/.test(c.key)) ??
    first.context[first.context.length - 1] as t.ContextEntry;
  const expected = EXPECTED[entry.type.name] ?? entry.type.name;
  const actual = (json as Record<string, unknown>)[entry.key];
  throw new HistoryInputError(line, entry.key, actual === undefined
    ? `is missing (expected ${expected})` : `expected ${expected}, got ${showJson(actual)}`);
}

const readEdn: Reader = (lines) => {
  const events: RawEvent[] = [];
  lines.forEach((text, i) => {
    const line = i + 1;
    checkLength(text, line);
    const forms = formsOf(text, line);
    if (forms.length === 0) return;
    if (forms.length > 1 || !(forms[0] instanceof EdnMap)) {
      throw new HistoryInputError(line, null, `expected one operation map {:process ...} on the ` +
        `line, got ${forms.map((f) => showEdn(f, 30)).join(' ')}`);
    }
    const event = ednEvent(forms[0].entries, line);
    if (event !== null) events.push(event);
  });
  return { model: null, events };
};

function formsOf(text: string, line: number): Edn[] {
  try {
    return readForms(text);
  } catch (e) {
    if (e instanceof EdnError) throw new HistoryInputError(line, `column ${e.column}`, e.message);
    throw e;
  }
}

/** An operation map as an event; null for the nemesis's. */
function ednEvent(m: ReadonlyMap<string, Edn>, line: number): RawEvent | null {
  const process = m.get('process');
  if (process instanceof Keyword && process.name === 'nemesis') return null;
  const key = m.get('key');
  if (key !== undefined && typeof key !== 'string' && !Number.isSafeInteger(key)) {
    throw new HistoryInputError(line, ':key', `expected a string or an integer, got ` +
      `${showEdn(key ?? null)}`);
  }
  return {
    line,
    process: processOf(process, line, ':process'),
    type: typeOf(m.get('type'), line, ':type'),
    f: fOf(m.get('f'), line, ':f'),
    key: key === undefined ? null : String(key),
    value: m.has('value') ? ednToJson(m.get('value') as Edn) : undefined,
  };
}

function processOf(v: Edn | undefined, line: number, field: string): string {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  throw new HistoryInputError(line, field, v === undefined ? 'is missing (expected a process ' +
    'number)' : `expected a process number (or :nemesis), got ${showEdn(v)}`);
}

function typeOf(v: Edn | undefined, line: number, field: string): EventType {
  if (v instanceof Keyword && EventType.is(v.name)) return v.name;
  throw new HistoryInputError(line, field, v === undefined ? 'is missing (expected :invoke, ' +
    ':ok, :fail or :info)' : `expected :invoke, :ok, :fail or :info, got ${showEdn(v)}`);
}

function fOf(v: Edn | undefined, line: number, field: string): string {
  if (v instanceof Keyword && v.name.length <= historyLimits.nameLengthMax) return v.name;
  throw new HistoryInputError(line, field, v === undefined ? 'is missing (expected a keyword ' +
    'such as :read)' : `expected a keyword such as :read, got ${showEdn(v)}`);
}

/** `INFO  jepsen.util - ` and what follows: the operation, as EDN forms. */
const LOG_LINE = /\bjepsen\.util\s+-\s(.*)$/;

const readJepsenLog: Reader = (lines) => {
  const events: RawEvent[] = [];
  lines.forEach((text, i) => {
    const line = i + 1;
    checkLength(text, line);
    const m = LOG_LINE.exec(text);
    if (m === null) return;
    const forms = formsOf(m[1] as string, line);
    if (forms[0] instanceof Keyword && forms[0].name === 'nemesis') return;
    if (forms.length !== 4) {
      throw new HistoryInputError(line, null, `expected a jepsen.util operation line: process, ` +
        `:type, :f and a value (e.g. '0 :invoke :read nil'), got ${forms.length} item(s)`);
    }
    events.push({ line, process: processOf(forms[0], line, 'process'),
      type: typeOf(forms[1], line, 'type'), f: fOf(forms[2], line, 'f'), key: null,
      value: ednToJson(forms[3] as Edn) });
  });
  return { model: null, events };
};
