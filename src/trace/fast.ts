/**
 * The reader's fast path for the lines that make up almost every trace: send and recv of
 * 1a/1b/2a/2b (or prepare/promise/accept/accepted) and of "x-" extension messages, and persist,
 * written as compact JSON (what JSON.stringify and most loggers produce; single spaces after ','
 * and ':' are allowed too). Fields the codecs ignore (an extension message's own, or a logger's
 * "ignored": "stale-timer") are skipped, checked only to be JSON. It reads such a line straight
 * into an event, without JSON.parse and without io-ts, which cost several times the check itself
 * at a million lines a second (issue 4, section 7).
 *
 * The codecs in format.ts stay the single definition. This path only ever says "here is the
 * event" or "ask the codecs": anything it does not know for certain (an escape or a control
 * character, a fraction, a long number, a key with an escape, a name or value not seen
 * before, a contradiction) returns null, and the line takes the slow path (JSON.parse, the
 * codecs, decode.ts), which also writes the error message. It never adds names: a new name is
 * first met on the slow path. test/trace/fuzz.test.ts checks on random lines that whenever this
 * path answers, the slow path gives the same event.
 *
 * How it is fast: it reads the line in place, as a range of the chunk's text (lines.ts), keeps
 * each field as a kind, a number and a span in typed arrays (no string or array per field),
 * compares keys and the literals of `ev` and `type` in place, and resolves names and values
 * through a small cache keyed by a hash of their characters, checked against the cached text,
 * so a known name costs no allocation. It also reads learn events, one line in 26 of a run.
 */
import type { Ballot, Message, Value } from '../../spec/paxos.js';
import type { EventResolver, ResolverTables } from './decode.js';
import { limits } from '../format/trace.js';
import type { Durable, Event, TraceMessage } from './events.js';

// Field slots. Top level: the event's keys; then msg's keys.
const EV = 0; const NODE = 1; const MAXBAL = 2; const MAXVBAL = 3; const MAXVAL = 4;
const T = 5; const SEQ = 6; const TO = 7; const FROM = 8; const VAL = 9; const BAL = 10;
const TYPE = 11; const MBAL_ = 12; const ACC = 13; const MBAL = 14; const MVAL = 15;
const MVAL_ = 16; const SLOT = 17; const SLOTS = 18;
const M_BAL = MBAL_; const M_VAL = MVAL_;
const NAME_LENGTH_MAX: number = limits.nameLengthMax;

// What a slot holds.
const ABSENT = 0; const STR = 1; const INT = 2; const NULL = 3; const PAIR = 4; const NAMES = 5;

const kind = new Uint8Array(SLOTS);
const num = new Float64Array(SLOTS);
const spanStart = new Int32Array(SLOTS);
const spanEnd = new Int32Array(SLOTS);
const hash = new Int32Array(SLOTS);
let hasMsg = false;
let src = '';
let pos = 0;
let end = 0;

/** Known strings by hash, for one resolver's tables (reset when the tables change). */
interface Cached { readonly text: string; readonly index: number }
const CACHE_MAX = 4096;
let cacheOf: ResolverTables | null = null;
const nodeCache = new Map<number, Cached>();
const proposerCache = new Map<number, Cached>();
const valueCache = new Map<number, Cached>();

/** The decoded event, or null when the line must take the slow path. */
export function fastDecode(text: string, _line: number,
  resolver: EventResolver): { ok: true; value: Event } | null {
  const e = fastDecodeRange(text, 0, text.length, resolver.tables);
  return e === null ? null : { ok: true, value: e };
}

/** Each tier alone, for the test that holds each to the slow path (reader-fast.test.ts). */
export const fastTiers = {
  shaped: (text: string, tables: ResolverTables): Event | null =>
    shaped(text, 0, text.length, tables),
  scanned: (text: string, tables: ResolverTables): Event | null =>
    scanned(text, 0, text.length, tables),
};

/** The event on src[start, stop), or null when the line must take the slow path. */
export function fastDecodeRange(text: string, start: number, stop: number,
  tables: ResolverTables): Event | null {
  return shaped(text, start, stop, tables) ?? scanned(text, start, stop, tables);
}

/** The general scanner: any key order, spaces, stamps. */
function scanned(text: string, start: number, stop: number,
  tables: ResolverTables): Event | null {
  if (cacheOf !== tables) {
    cacheOf = tables;
    nodeCache.clear();
    proposerCache.clear();
    valueCache.clear();
  }
  src = text;
  pos = start;
  end = stop;
  kind.fill(ABSENT);
  hasMsg = false;
  if (!object(false) || pos !== end) return null;
  return toEvent(tables);
}

// ---------------------------------------------------------------------------------------------
// The canonical shapes: compact JSON with keys in the order of docs/trace-format.md (what
// JSON.stringify writes for the simulator's and the generator's events). A sticky regular
// expression reads such a line in one native pass, several times faster here than any loop over
// its characters in JavaScript; the rules applied to what it captures are the scanner's.
// ---------------------------------------------------------------------------------------------

const NAME_ = String.raw`"([^"\\\x00-\x1f]*)"`;
const DIGITS_ = String.raw`(?:0|[1-9][0-9]{0,14})`;
const INT_ = String.raw`(-?${DIGITS_})`;
/** A ballot as one group: an integer, or a [round, "proposer"] pair written compactly. */
const BAL_ = String.raw`(-?${DIGITS_}|\[${DIGITS_},"[^"\\\x00-\x1f]*"\])`;
const OR_NULL = String.raw`(?:null|${BAL_})`;
const VALUE_ = String.raw`(?:"([^"\\\x00-\x1f]*)"|${INT_})`;
const VALUE_OR_NULL = String.raw`(?:null|"([^"\\\x00-\x1f]*)"|${INT_})`;
/** Groups: 1 ev, 2 node; 1a: 3 bal; 1b: 4 acc 5 bal 6 mbal 7-8 mval; 2a: 9 bal 10-11 val;
 * 2b: 12 acc 13 bal 14-15 val. The classic names are the same codecs (format/trace.ts). */
const MESSAGE = new RegExp(String.raw`\{"ev":"(send|recv)","node":${NAME_},"msg":\{"type":"(?:` +
  String.raw`(?:1a|prepare)","bal":${BAL_}|(?:1b|promise)","acc":${NAME_},"bal":${BAL_},` +
  String.raw`"mbal":${OR_NULL},"mval":${VALUE_OR_NULL}|(?:2a|accept)","bal":${BAL_},` +
  String.raw`"val":${VALUE_}|(?:2b|accepted)","acc":${NAME_},"bal":${BAL_},"val":${VALUE_})` +
  String.raw`\}\}`, 'y');
/** Groups: 1 node, 2 maxBal, 3 the vote's part, 4 maxVBal, 5-6 maxVal. */
const PERSIST = new RegExp(String.raw`\{"ev":"persist","node":${NAME_},"maxBal":${OR_NULL}` +
  String.raw`(,"maxVBal":${OR_NULL},"maxVal":${VALUE_OR_NULL})?\}`, 'y');
/** Groups: 1 node, 2-3 val, 4 bal. */
const LEARN = new RegExp(String.raw`\{"ev":"learn","node":${NAME_},"val":${VALUE_}` +
  String.raw`(?:,"bal":${BAL_})?\}`, 'y');

/** The line in a canonical shape, or null (the scanner then tries it). */
function shaped(text: string, start: number, stop: number, T_: ResolverTables): Event | null {
  const c = text.charCodeAt(start + 7);
  const re = c === 115 || c === 114 ? MESSAGE : c === 112 ? PERSIST : c === 108 ? LEARN : null;
  if (re === null) return null;
  re.lastIndex = start;
  const m = re.exec(text);
  if (m === null || re.lastIndex !== stop) return null;
  if (re === MESSAGE) return shapedMessage(m, T_);
  const node = T_.nodeIndex.get(m[1] as string);
  if (node === undefined) return null;
  if (re === LEARN) {
    const val = valueAt(T_, m[2], m[3]);
    const bal = m[4] === undefined ? -1 : ballotAt(T_, m[4]);
    return val === null || bal === null ? null : { kind: 'learn', node, val, bal };
  }
  if (node >= T_.nAcceptors) return null;
  const maxBal = noneOrBallotAt(T_, m[2]);
  if (maxBal === null) return null;
  if (m[3] === undefined) return { kind: 'persist', node, state: { maxBal, vote: null } };
  const maxVBal = noneOrBallotAt(T_, m[4]);
  const maxVal = m[5] === undefined && m[6] === undefined ? -1 : valueAt(T_, m[5], m[6]);
  if (maxVBal === null || maxVal === null || (maxVBal === -1) !== (maxVal === -1)) return null;
  return { kind: 'persist', node, state: { maxBal, vote: { maxVBal,
    maxVal: maxVal === -1 ? null : maxVal } } };
}

function shapedMessage(m: RegExpExecArray, T_: ResolverTables): Event | null {
  const node = T_.nodeIndex.get(m[2] as string);
  if (node === undefined) return null;
  const kind_ = m[1] === 'send' ? 'send' : 'recv';
  let msg: Message | null = null;
  if (m[3] !== undefined) {
    const bal = ballotAt(T_, m[3]);
    msg = bal === null ? null : { type: '1a', bal };
  } else if (m[4] !== undefined) {
    const acc = acceptorAt(T_, m[4]);
    const bal = ballotAt(T_, m[5]);
    const mbal = noneOrBallotAt(T_, m[6]);
    const mval = m[7] === undefined && m[8] === undefined ? -1 : valueAt(T_, m[7], m[8]);
    msg = acc === null || bal === null || mbal === null || mval === null
      || (mbal === -1) !== (mval === -1) ? null
      : { type: '1b', acc, bal, mbal, mval: mval === -1 ? null : mval };
  } else if (m[9] !== undefined) {
    const bal = ballotAt(T_, m[9]);
    const val = valueAt(T_, m[10], m[11]);
    msg = bal === null || val === null ? null : { type: '2a', bal, val };
  } else {
    const acc = acceptorAt(T_, m[12]);
    const bal = ballotAt(T_, m[13]);
    const val = valueAt(T_, m[14], m[15]);
    msg = acc === null || bal === null || val === null ? null : { type: '2b', acc, bal, val };
  }
  return msg === null ? null : { kind: kind_, node, msg };
}

/** A captured ballot (an integer >= 0, or a pair of a known proposer) in the spec's numbers. */
function ballotAt(T_: ResolverTables, x: string | undefined): Ballot | null {
  if (x === undefined) return null;
  if (x.charCodeAt(0) !== 91) {
    const n = Number(x);
    return n >= 0 ? n : null;
  }
  const comma = x.indexOf(',');
  const p = T_.proposerIndex.get(x.slice(comma + 2, x.length - 2));
  if (p === undefined) return null;
  const n = Number(x.slice(1, comma)) * T_.nProposers + p;
  return Number.isSafeInteger(n) ? n : null;
}

/** A captured ballot or null (undefined), or -1, as a ballot or -1 for none. */
function noneOrBallotAt(T_: ResolverTables, x: string | undefined): Ballot | -1 | null {
  if (x === undefined || x === '-1') return -1;
  return ballotAt(T_, x);
}

/** A known value, captured as a string (str) or a number (digits). */
function valueAt(T_: ResolverTables, str: string | undefined,
  digits: string | undefined): Value | null {
  const v = str !== undefined ? T_.valueIndex.get(str)
    : digits !== undefined ? T_.valueIndex.get(Number(digits)) : undefined;
  return v ?? null;
}

function acceptorAt(T_: ResolverTables, name: string | undefined): number | null {
  const a = name === undefined ? undefined : T_.nodeIndex.get(name);
  return a !== undefined && a < T_.nAcceptors ? a : null;
}

// ---------------------------------------------------------------------------------------------
// The general scanner.
// ---------------------------------------------------------------------------------------------

function ws(): void {
  if (src.charCodeAt(pos) !== 32) return;
  let i = pos;
  while (i < end && src.charCodeAt(i) === 32) i++;
  pos = i;
}

/** `{"key":value,...}` into the slots; msg's own object only at the top level. */
function object(nested: boolean): boolean {
  if (pos >= end || src.charCodeAt(pos) !== 123) return false;
  pos++;
  ws();
  if (src.charCodeAt(pos) === 125 && pos < end) {
    pos++;
    return true;
  }
  for (;;) {
    const k = key(nested);
    if (k === UNKNOWN) return false;
    ws();
    if (pos >= end || src.charCodeAt(pos++) !== 58) return false;
    ws();
    if (!(k === IGNORED ? skip(nested ? 2 : 1) : field(k, nested))) return false;
    ws();
    if (pos >= end) return false;
    const c = src.charCodeAt(pos++);
    if (c === 125) return true;
    if (c !== 44) return false;
    ws();
  }
}

/** key(): a key none of the codecs answered here reads, whose value is skipped (ignored). */
const IGNORED = -1;
/** key(): not a key this path can read (escaped or control characters): ask the slow path. */
const UNKNOWN = -2;

/**
 * The key at the cursor as a slot (msg as SLOTS). Any other key is IGNORED, as the codecs
 * ignore unknown fields (format/trace.ts): an extension message's own fields ("client", "seq"),
 * or a field such as "ignored" that loggers add. Every key of the codecs of the events this path
 * answers for (send, recv, persist, learn; 1a..2b) has a slot, so none of those is skipped.
 */
function key(nested: boolean): number {
  if (pos >= end || src.charCodeAt(pos) !== 34) return UNKNOWN;
  const a = pos + 1;
  const b = quote(a);
  if (b === -1) return UNKNOWN;
  pos = b + 1;
  const n = b - a;
  const k = nested ? nestedKey(a, n) : topKey(a, n);
  return k !== IGNORED || plain(a, b) ? k : UNKNOWN;
}

function nestedKey(a: number, n: number): number {
  switch (src.charCodeAt(a)) {
    case 116: return same(a, n, 'type') ? TYPE : IGNORED;
    case 98: return same(a, n, 'bal') ? M_BAL : IGNORED;
    case 97: return same(a, n, 'acc') ? ACC : IGNORED;
    case 118: return same(a, n, 'val') ? M_VAL : IGNORED;
    case 109: return same(a, n, 'mbal') ? MBAL : same(a, n, 'mval') ? MVAL : IGNORED;
    case 115: return same(a, n, 'slot') ? SLOT : IGNORED;
    default: return IGNORED;
  }
}

function topKey(a: number, n: number): number {
  switch (src.charCodeAt(a)) {
    case 101: return same(a, n, 'ev') ? EV : IGNORED;
    case 110: return same(a, n, 'node') ? NODE : IGNORED;
    case 109: return same(a, n, 'msg') ? SLOTS : same(a, n, 'maxBal') ? MAXBAL
      : same(a, n, 'maxVBal') ? MAXVBAL : same(a, n, 'maxVal') ? MAXVAL : IGNORED;
    case 116: return same(a, n, 't') ? T : same(a, n, 'to') ? TO : IGNORED;
    case 102: return same(a, n, 'from') ? FROM : IGNORED;
    case 115: return same(a, n, 'seq') ? SEQ : IGNORED;
    case 118: return same(a, n, 'val') ? VAL : IGNORED;
    case 98: return same(a, n, 'bal') ? BAL : IGNORED;
    default: return IGNORED;
  }
}

/** src[a, b) has no backslash and no control character: it is the text JSON.parse reads. */
function plain(a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = src.charCodeAt(i);
    if (c === 92 || c < 32) return false;
  }
  return true;
}

/**
 * Nesting a skipped value may reach, counting the event as 1: far below the reader's limit
 * (JSON_DEPTH_MAX), so that nothing skipped here is a value the slow path refuses as too deep.
 */
const SKIP_DEPTH_MAX = 8;

/**
 * Skips one JSON value at the cursor (an ignored field's), checking that it is JSON: a string
 * (escapes checked), a number in JSON's grammar, true, false, null, or an array or object of
 * such, at most SKIP_DEPTH_MAX deep. False (ask the slow path) for anything else.
 */
function skip(depth: number): boolean {
  if (pos >= end) return false;
  const c = src.charCodeAt(pos);
  if (c === 34) return skipString();
  if (c === 45 || (c >= 48 && c <= 57)) return skipNumber();
  if (c === 123 || c === 91) return depth < SKIP_DEPTH_MAX && skipNested(c === 123, depth + 1);
  for (const word of ['true', 'false', 'null']) {
    if (src.startsWith(word, pos) && pos + word.length <= end) {
      pos += word.length;
      return true;
    }
  }
  return false;
}

/** `{...}` or `[...]` at the cursor, members skipped; keys must be plain strings. */
function skipNested(isObject: boolean, depth: number): boolean {
  const close = isObject ? 125 : 93;
  pos++;
  ws();
  if (pos < end && src.charCodeAt(pos) === close) {
    pos++;
    return true;
  }
  for (;;) {
    if (isObject) {
      if (!skipString()) return false;
      ws();
      if (pos >= end || src.charCodeAt(pos++) !== 58) return false;
      ws();
    }
    if (!skip(depth)) return false;
    ws();
    if (pos >= end) return false;
    const c = src.charCodeAt(pos++);
    if (c === close) return true;
    if (c !== 44) return false;
    ws();
  }
}

/** A JSON string: escapes as JSON allows them, no control character. */
function skipString(): boolean {
  if (pos >= end || src.charCodeAt(pos) !== 34) return false;
  for (let i = pos + 1; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c === 34) {
      pos = i + 1;
      return true;
    }
    if (c < 32) return false;
    if (c !== 92) continue;
    const e = src.charCodeAt(++i);
    if (e === 117) {
      if (!/^[0-9a-fA-F]{4}$/.test(src.slice(i + 1, i + 5)) || i + 5 > end) return false;
      i += 4;
    } else if ('"\\/bfnrt'.indexOf(String.fromCharCode(e)) === -1 || i >= end) {
      return false;
    }
  }
  return false;
}

/** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, as JSON writes numbers. */
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function skipNumber(): boolean {
  NUMBER.lastIndex = pos;
  if (NUMBER.exec(src) === null || NUMBER.lastIndex > end) return false;
  pos = NUMBER.lastIndex;
  return true;
}

/** The first '"' at or after i in the line, or -1. */
function quote(i: number): number {
  const text = src;
  const stop = end;
  for (let j = i; j < stop; j++) if (text.charCodeAt(j) === 34) return j;
  return -1;
}

/** src[a, a + n) is exactly k (compared in place: nothing allocated). */
function same(a: number, n: number, k: string): boolean {
  if (n !== k.length) return false;
  for (let i = 0; i < n; i++) if (src.charCodeAt(a + i) !== k.charCodeAt(i)) return false;
  return true;
}

function field(k: number, nested: boolean): boolean {
  if (!nested && k === SLOTS) {
    if (hasMsg) return false;
    hasMsg = true;
    return object(true);
  }
  return value(k);
}

/** A string (no escapes), an integer, null, or a short array, into slot k. */
function value(k: number): boolean {
  if (pos >= end) return false;
  const c = src.charCodeAt(pos);
  if (c === 34) {
    kind[k] = STR;
    return str(k);
  }
  if (c === 45 || (c >= 48 && c <= 57)) {
    kind[k] = INT;
    return int(k);
  }
  if (c === 110 && end - pos >= 4 && src.startsWith('null', pos)) {
    pos += 4;
    kind[k] = NULL;
    return true;
  }
  if (c === 91) return array(k);
  return false;
}

/** `"..."` into slot k's span and hash; no backslash, no control character. */
function str(k: number): boolean {
  const text = src;
  const stop = end;
  if (text.charCodeAt(pos) !== 34) return false;
  let h = 0;
  let i = pos + 1;
  for (; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) break;
    if (c === 92 || c < 32) return false;
    h = (Math.imul(h, 31) + c) | 0;
  }
  if (i >= stop) return false;
  spanStart[k] = pos + 1;
  spanEnd[k] = i;
  hash[k] = h;
  pos = i + 1;
  return true;
}

/** -?(0|[1-9][0-9]*), at most 15 digits, not followed by a fraction or exponent. */
function int(k: number): boolean {
  const text = src;
  const stop = end;
  const negative = text.charCodeAt(pos) === 45;
  const start = negative ? pos + 1 : pos;
  let i = start;
  let n = 0;
  for (; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  pos = i;
  const digits = i - start;
  if (digits === 0 || digits > 15 || (digits > 1 && text.charCodeAt(start) === 48)) return false;
  const next = i < stop ? text.charCodeAt(i) : 0;
  if (next === 46 || next === 101 || next === 69) return false;
  num[k] = negative ? -n : n;
  return true;
}

/** [int, "name"] (a ballot pair, round in num) or ["name", ...] (destinations, all names). */
function array(k: number): boolean {
  pos++;
  ws();
  if (pos < end && src.charCodeAt(pos) === 34) {
    for (;;) {
      if (!str(k) || !isName(k)) return false;
      ws();
      if (pos >= end) return false;
      const c = src.charCodeAt(pos++);
      if (c === 93) {
        kind[k] = NAMES;
        return true;
      }
      if (c !== 44) return false;
      ws();
    }
  }
  if (pos >= end || !int(k)) return false;
  ws();
  if (pos >= end || src.charCodeAt(pos++) !== 44) return false;
  ws();
  if (pos >= end || !str(k)) return false;
  ws();
  if (pos >= end || src.charCodeAt(pos++) !== 93) return false;
  kind[k] = PAIR;
  return true;
}

// ---------------------------------------------------------------------------------------------
// From slots to an event, with the codecs' and decode.ts's rules; null = "ask the slow path".
// ---------------------------------------------------------------------------------------------

/** The string in slot k is one of `index`'s keys: its index (through the cache), or undefined. */
function lookup(cache: Map<number, Cached>, index: ReadonlyMap<unknown, number>,
  k: number): number | undefined {
  const a = spanStart[k] as number;
  const n = (spanEnd[k] as number) - a;
  const h = hash[k] as number;
  const hit = cache.get(h);
  if (hit !== undefined && same(a, n, hit.text)) return hit.index;
  const text = src.slice(a, a + n);
  const i = index.get(text);
  // A copy joined from its characters, not the slice: a slice of 13 characters or more points
  // into the chunk's text and would keep the whole chunk alive as long as the cache.
  if (i !== undefined && hit === undefined && cache.size < CACHE_MAX) {
    cache.set(h, { text: text.split('').join(''), index: i });
  }
  return i;
}

function toEvent(T_: ResolverTables): Event | null {
  if (!stampsOk() || kind[EV] !== STR || kind[NODE] !== STR) return null;
  const node = lookup(nodeCache, T_.nodeIndex, NODE);
  if (node === undefined) return null;
  const ev = evName();
  if (ev === 'send' || ev === 'recv') {
    if (!hasMsg || kind[MAXBAL] !== ABSENT || kind[MAXVBAL] !== ABSENT
      || kind[MAXVAL] !== ABSENT || kind[VAL] !== ABSENT || kind[BAL] !== ABSENT) return null;
    const msg = toMessage(T_);
    return msg === null ? null : { kind: ev, node, msg };
  }
  if (ev === 'persist') {
    if (hasMsg || node >= T_.nAcceptors || kind[FROM] !== ABSENT || kind[TO] !== ABSENT
      || kind[VAL] !== ABSENT || kind[BAL] !== ABSENT) return null;
    const state = durable(T_);
    return state === null ? null : { kind: 'persist', node, state };
  }
  if (ev === 'learn') return learn(T_, node);
  return null;
}

/** `ev` compared in place. */
function evName(): 'send' | 'recv' | 'persist' | 'learn' | null {
  const a = spanStart[EV] as number;
  const n = (spanEnd[EV] as number) - a;
  if (same(a, n, 'send')) return 'send';
  if (same(a, n, 'recv')) return 'recv';
  if (same(a, n, 'persist')) return 'persist';
  return same(a, n, 'learn') ? 'learn' : null;
}

/** learn: val a known value, bal (when given) a ballot; nothing of send or persist. */
function learn(T_: ResolverTables, node: number): Event | null {
  if (hasMsg || kind[MAXBAL] !== ABSENT || kind[MAXVBAL] !== ABSENT || kind[MAXVAL] !== ABSENT
    || kind[FROM] !== ABSENT || kind[TO] !== ABSENT) return null;
  const val = valueOf(T_, VAL);
  if (val === null) return null;
  if (kind[BAL] === ABSENT) return { kind: 'learn', node, val, bal: -1 };
  const bal = ballot(T_, BAL);
  return bal === null ? null : { kind: 'learn', node, val, bal };
}

/** t: a number; seq: a natural; to: a name or list of names; from: a name. */
function stampsOk(): boolean {
  const t = kind[T] as number;
  if (t !== ABSENT && t !== INT) return false;
  const seq = kind[SEQ] as number;
  if (seq !== ABSENT && !(seq === INT && (num[SEQ] as number) >= 0)) return false;
  const from = kind[FROM] as number;
  if (from !== ABSENT && !(from === STR && isName(FROM))) return false;
  const to = kind[TO] as number;
  return to === ABSENT || (to === STR && isName(TO)) || to === NAMES;
}

/** The string in slot k is a plausible name: 1 to 128 characters (control ones were refused). */
function isName(k: number): boolean {
  const n = (spanEnd[k] as number) - (spanStart[k] as number);
  return n > 0 && n <= 128;
}

function ballot(T_: ResolverTables, k: number): Ballot | null {
  const x = kind[k] as number;
  const round = num[k] as number;
  if (x === INT) return round >= 0 ? round : null;
  if (x !== PAIR || round < 0) return null;
  const p = lookup(proposerCache, T_.proposerIndex, k);
  if (p === undefined) return null;
  const n = round * T_.nProposers + p;
  return Number.isSafeInteger(n) ? n : null;
}

function ballotOrNone(T_: ResolverTables, k: number): Ballot | -1 | null {
  const x = kind[k] as number;
  return x === ABSENT || x === NULL || (x === INT && num[k] === -1) ? -1 : ballot(T_, k);
}

/** A known value: a string, or a number. */
function valueOf(T_: ResolverTables, k: number): Value | null {
  const x = kind[k] as number;
  if (x === INT) return T_.valueIndex.get(num[k] as number) ?? null;
  if (x !== STR) return null;
  return lookup(valueCache, T_.valueIndex, k) ?? null;
}

/** The value, None (-1 here), or null to bail. */
function valueOrNone(T_: ResolverTables, k: number): Value | -1 | null {
  const x = kind[k] as number;
  return x === ABSENT || x === NULL ? -1 : valueOf(T_, k);
}

function acceptor(T_: ResolverTables, k: number): number | null {
  if (kind[k] !== STR) return null;
  const a = lookup(nodeCache, T_.nodeIndex, k);
  return a !== undefined && a < T_.nAcceptors ? a : null;
}

/** An extension message: what decode.ts makes of any "x-" type (its fields are not read). */
const EXTENSION: TraceMessage = { type: 'ext' };

/** msg.type is an extension type: "x-" and at most a name's length (format/trace.ts). */
function isExtension(): boolean {
  if (kind[TYPE] !== STR) return false;
  const a = spanStart[TYPE] as number;
  const n = (spanEnd[TYPE] as number) - a;
  return n >= 2 && n <= NAME_LENGTH_MAX && src.charCodeAt(a) === 120
    && src.charCodeAt(a + 1) === 45;
}

/**
 * msg.type compared in place: 1a, 1b, 2a, 2b as 11, 12, 21, 22, their classic aliases (prepare,
 * promise, accept, accepted: the same codecs, format/trace.ts) likewise, or 0.
 */
function msgType(): number {
  if (kind[TYPE] !== STR) return 0;
  const a = spanStart[TYPE] as number;
  const n = (spanEnd[TYPE] as number) - a;
  if (n !== 2) {
    if (same(a, n, 'prepare')) return 11;
    if (same(a, n, 'promise')) return 12;
    return same(a, n, 'accept') ? 21 : same(a, n, 'accepted') ? 22 : 0;
  }
  const d = src.charCodeAt(a);
  const l = src.charCodeAt(a + 1);
  if ((d !== 49 && d !== 50) || (l !== 97 && l !== 98)) return 0;
  return (d - 48) * 10 + (l === 97 ? 1 : 2);
}

function toMessage(T_: ResolverTables): TraceMessage | null {
  const slot = kind[SLOT] as number;
  if (slot !== ABSENT && !(slot === INT && num[SLOT] === 0)) return null;
  if (isExtension()) return EXTENSION;
  const bal = ballot(T_, M_BAL);
  if (bal === null) return null;
  const acc = kind[ACC] !== ABSENT;
  const mbal = kind[MBAL] !== ABSENT;
  const mval = kind[MVAL] !== ABSENT;
  const val = kind[M_VAL] !== ABSENT;
  switch (msgType()) {
    case 11:
      return acc || mbal || mval || val ? null : { type: '1a', bal };
    case 12: {
      const a = acceptor(T_, ACC);
      const b = ballotOrNone(T_, MBAL);
      const v = valueOrNone(T_, MVAL);
      if (a === null || b === null || v === null || val || (b === -1) !== (v === -1)) return null;
      return { type: '1b', acc: a, bal, mbal: b, mval: v === -1 ? null : v };
    }
    case 21: {
      const v = valueOf(T_, M_VAL);
      return v === null || acc || mbal || mval ? null : { type: '2a', bal, val: v };
    }
    case 22: {
      const a = acceptor(T_, ACC);
      const v = valueOf(T_, M_VAL);
      return a === null || v === null || mbal || mval ? null : { type: '2b', acc: a, bal, val: v };
    }
    default:
      return null;
  }
}

function durable(T_: ResolverTables): Durable | null {
  if (kind[MAXBAL] === ABSENT) return null;
  const maxBal = ballotOrNone(T_, MAXBAL);
  if (maxBal === null) return null;
  if (kind[MAXVBAL] === ABSENT && kind[MAXVAL] === ABSENT) return { maxBal, vote: null };
  const maxVBal = ballotOrNone(T_, MAXVBAL);
  const maxVal = valueOrNone(T_, MAXVAL);
  if (maxVBal === null || maxVal === null || (maxVBal === -1) !== (maxVal === -1)) return null;
  return { maxBal, vote: { maxVBal, maxVal: maxVal === -1 ? null : maxVal } };
}
