/**
 * The reader's fast path for the lines that make up almost every trace: send and recv of
 * 1a/1b/2a/2b, and persist, written as compact JSON (what JSON.stringify and most loggers
 * produce; single spaces after ',' and ':' are allowed too). It reads such a line straight into
 * an event, without JSON.parse and without io-ts, which cost several times the check itself at a
 * million lines a second (issue 4, section 7).
 *
 * The codecs in format.ts stay the single definition. This path only ever says "here is the
 * event" or "ask the codecs": anything it does not know for certain (an escape or a control
 * character, a fraction, a long number, an unknown key, an alias, a name or value not seen
 * before, a contradiction) returns null, and the line takes the slow path (JSON.parse, the
 * codecs, decode.ts), which also writes the error message. It never adds names: a new name is
 * first met on the slow path. test/trace/fuzz.test.ts checks on random lines that whenever this
 * path answers, the slow path gives the same event.
 */
import type { Ballot, Message, Value } from '../../spec/paxos.js';
import type { EventResolver, ResolverTables } from './decode.js';
import type { Durable, Event } from './events.js';

type Raw = string | number | null | readonly [number, string] | readonly string[];

/** The fields a fast line may have; undefined when absent. */
interface Fields {
  ev: Raw | undefined; node: Raw | undefined; msg: boolean; maxBal: Raw | undefined;
  maxVBal: Raw | undefined; maxVal: Raw | undefined; t: Raw | undefined; seq: Raw | undefined;
  to: Raw | undefined; from: Raw | undefined;
  type: Raw | undefined; bal: Raw | undefined; acc: Raw | undefined; mbal: Raw | undefined;
  mval: Raw | undefined; val: Raw | undefined; slot: Raw | undefined;
}

const NO = Symbol('no');
let src = '';
let pos = 0;
const f: Fields = {
  ev: undefined, node: undefined, msg: false, maxBal: undefined, maxVBal: undefined,
    maxVal: undefined,
  t: undefined, seq: undefined, to: undefined, from: undefined, type: undefined, bal: undefined,
  acc: undefined, mbal: undefined, mval: undefined, val: undefined, slot: undefined,
};

function reset(): void {
  f.ev = f.node = f.maxBal = f.maxVBal = f.maxVal = f.t = f.seq = f.to = f.from = undefined;
  f.type = f.bal = f.acc = f.mbal = f.mval = f.val = f.slot = undefined;
  f.msg = false;
}

/** The decoded event, or null when the line must take the slow path. */
export function fastDecode(text: string, _line: number,
  resolver: EventResolver): { ok: true; value: Event } | null {
  if (text.indexOf('\\') !== -1) return null;
  src = text;
  pos = 0;
  reset();
  if (!object(false) || pos !== src.length) return null;
  const e = toEvent(resolver.tables);
  return e === null ? null : { ok: true, value: e };
}

function ws(): void {
  while (src.charCodeAt(pos) === 32) pos++;
}

/** `{"key":value,...}` into the slots; msg's own object only at the top level. */
function object(nested: boolean): boolean {
  if (src.charCodeAt(pos) !== 123) return false;
  pos++;
  ws();
  if (src.charCodeAt(pos) === 125) {
    pos++;
    return true;
  }
  for (;;) {
    const k = nested ? msgKey() : topKey();
    if (k === '') return false;
    ws();
    if (src.charCodeAt(pos++) !== 58) return false;
    ws();
    if (!field(k, nested)) return false;
    ws();
    const c = src.charCodeAt(pos++);
    if (c === 125) return true;
    if (c !== 44) return false;
    ws();
  }
}

/** Reads `"k"` at the cursor, compared in place (nothing allocated); false if it is not there. */
function is(k: string): boolean {
  if (!src.startsWith(k, pos + 1) || src.charCodeAt(pos + 1 + k.length) !== 34) return false;
  pos += k.length + 2;
  return true;
}

/** The top-level key at the cursor, chosen by its first letter; '' when unknown. */
function topKey(): string {
  if (src.charCodeAt(pos) !== 34) return '';
  switch (src.charCodeAt(pos + 1)) {
    case 101: return is('ev') ? 'ev' : '';
    case 110: return is('node') ? 'node' : '';
    case 109: return is('msg')
      ? 'msg' : is('maxBal') ? 'maxBal' : is('maxVBal') ? 'maxVBal' : is('maxVal') ? 'maxVal' : '';
    case 116: return is('t') ? 't' : is('to') ? 'to' : '';
    case 102: return is('from') ? 'from' : '';
    case 115: return is('seq') ? 'seq' : '';
    default: return '';
  }
}

/** The key of msg at the cursor; '' when unknown. */
function msgKey(): string {
  if (src.charCodeAt(pos) !== 34) return '';
  switch (src.charCodeAt(pos + 1)) {
    case 116: return is('type') ? 'type' : '';
    case 98: return is('bal') ? 'bal' : '';
    case 97: return is('acc') ? 'acc' : '';
    case 118: return is('val') ? 'val' : '';
    case 109: return is('mbal') ? 'mbal' : is('mval') ? 'mval' : '';
    case 115: return is('slot') ? 'slot' : '';
    default: return '';
  }
}

function field(key: string, nested: boolean): boolean {
  if (!nested && key === 'msg') {
    if (f.msg) return false;
    f.msg = true;
    return object(true);
  }
  const v = value();
  if (v === NO) return false;
  if (nested) {
    switch (key) {
      case 'type': f.type = v; return true;
      case 'bal': f.bal = v; return true;
      case 'acc': f.acc = v; return true;
      case 'mbal': f.mbal = v; return true;
      case 'mval': f.mval = v; return true;
      case 'val': f.val = v; return true;
      default: f.slot = v; return true;
    }
  }
  switch (key) {
    case 'ev': f.ev = v; return true;
    case 'node': f.node = v; return true;
    case 'maxBal': f.maxBal = v; return true;
    case 'maxVBal': f.maxVBal = v; return true;
    case 'maxVal': f.maxVal = v; return true;
    case 't': f.t = v; return true;
    case 'seq': f.seq = v; return true;
    case 'to': f.to = v; return true;
    default: f.from = v; return true;
  }
}

/** A string (the line has no backslash, so no escapes), an integer, null, or a short array. */
function value(): Raw | typeof NO {
  const c = src.charCodeAt(pos);
  if (c === 34) return str();
  if (c === 45 || (c >= 48 && c <= 57)) return int();
  if (c === 110 && src.startsWith('null', pos)) {
    pos += 4;
    return null;
  }
  if (c === 91) return array();
  return NO;
}

function str(): string | typeof NO {
  if (src.charCodeAt(pos) !== 34) return NO;
  const end = src.indexOf('"', pos + 1);
  if (end === -1) return NO;
  const s = src.slice(pos + 1, end);
  pos = end + 1;
  return s;
}

/** -?(0|[1-9][0-9]*), at most 15 digits, not followed by a fraction or exponent. */
function int(): number | typeof NO {
  const negative = src.charCodeAt(pos) === 45;
  if (negative) pos++;
  const start = pos;
  let n = 0;
  for (let c = src.charCodeAt(pos); c >= 48
    && c <= 57; c = src.charCodeAt(++pos)) n = n * 10 + (c - 48);
  const digits = pos - start;
  if (digits === 0 || digits > 15 || (digits > 1 && src.charCodeAt(start) === 48)) return NO;
  const next = src.charCodeAt(pos);
  if (next === 46 || next === 101 || next === 69) return NO;
  return negative ? -n : n;
}

/** [int, "name"] (a ballot pair) or ["name", ...] (destinations). */
function array(): Raw | typeof NO {
  pos++;
  ws();
  if (src.charCodeAt(pos) === 34) {
    const names: string[] = [];
    for (;;) {
      const s = str();
      if (s === NO) return NO;
      names.push(s);
      ws();
      const c = src.charCodeAt(pos++);
      if (c === 93) return names;
      if (c !== 44) return NO;
      ws();
    }
  }
  const round = int();
  ws();
  if (round === NO || src.charCodeAt(pos++) !== 44) return NO;
  ws();
  const name = str();
  ws();
  if (name === NO || src.charCodeAt(pos++) !== 93) return NO;
  return [round, name];
}

// ---------------------------------------------------------------------------------------------
// From slots to an event, with the codecs' and decode.ts's rules; null = "ask the slow path".
// ---------------------------------------------------------------------------------------------

function toEvent(T: ResolverTables): Event | null {
  if (!stampsOk()) return null;
  const node = typeof f.node === 'string' ? T.nodeIndex.get(f.node) : undefined;
  if (node === undefined) return null;
  if (f.ev === 'send' || f.ev === 'recv') {
    if (!f.msg || f.maxBal !== undefined || f.maxVBal !== undefined
      || f.maxVal !== undefined) return null;
    const msg = toMessage(T);
    return msg === null ? null : { kind: f.ev, node, msg };
  }
  if (f.ev === 'persist') {
    if (f.msg || node >= T.nAcceptors || f.from !== undefined || f.to !== undefined) return null;
    const state = durable(T);
    return state === null ? null : { kind: 'persist', node, state };
  }
  return null;
}

/** t: a number; seq: a natural; to: a name or list of names; from: a name. */
function stampsOk(): boolean {
  if (f.t !== undefined && typeof f.t !== 'number') return false;
  if (f.seq !== undefined && !(typeof f.seq === 'number' && f.seq >= 0)) return false;
  if (f.from !== undefined && !isName(f.from)) return false;
  if (f.to === undefined) return true;
  if (typeof f.to === 'string') return isName(f.to);
  return Array.isArray(f.to) && f.to.every(isName);
}

/** A name already known (so already checked), or a fresh one that is plainly valid. */
function isName(v: unknown): boolean {
  if (typeof v !== 'string' || v.length === 0 || v.length > 128) return false;
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) < 32) return false;
  return true;
}

function ballot(T: ResolverTables, v: Raw | undefined): Ballot | null {
  if (typeof v === 'number') return v >= 0 ? v : null;
  if (!Array.isArray(v) || typeof v[0] !== 'number' || v[0] < 0) return null;
  const p = T.proposerIndex.get(v[1] as string);
  if (p === undefined) return null;
  const n = (v[0] as number) * T.nProposers + p;
  return Number.isSafeInteger(n) ? n : null;
}

function ballotOrNone(T: ResolverTables, v: Raw | undefined): Ballot | -1 | null {
  return v === undefined || v === null || v === -1 ? -1 : ballot(T, v);
}

/** A known value. A string with a raw control character is not JSON, whatever the table holds. */
function valueOf(T: ResolverTables, v: Raw | undefined): Value | null {
  if (typeof v === 'number') return T.valueIndex.get(v) ?? null;
  if (typeof v !== 'string') return null;
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) < 32) return null;
  return T.valueIndex.get(v) ?? null;
}

/** The value, None (-1 here), or null to bail. */
function valueOrNone(T: ResolverTables, v: Raw | undefined): Value | -1 | null {
  return v === undefined || v === null ? -1 : valueOf(T, v);
}

function acceptor(T: ResolverTables, v: Raw | undefined): number | null {
  if (typeof v !== 'string') return null;
  const a = T.nodeIndex.get(v);
  return a !== undefined && a < T.nAcceptors ? a : null;
}

function toMessage(T: ResolverTables): Message | null {
  if (f.slot !== undefined && f.slot !== 0) return null;
  const bal = ballot(T, f.bal);
  if (bal === null) return null;
  switch (f.type) {
    case '1a': {
      const bare = f.acc === undefined && f.mbal === undefined && f.mval === undefined && f.val === undefined;
      return bare ? { type: '1a', bal } : null;
    }
    case '1b': {
      const acc = acceptor(T, f.acc);
      const mbal = ballotOrNone(T, f.mbal);
      const mval = valueOrNone(T, f.mval);
      if (acc === null || mbal === null || mval === null || f.val !== undefined
        || (mbal === -1) !== (mval === -1)) return null;
      return { type: '1b', acc, bal, mbal, mval: mval === -1 ? null : mval };
    }
    case '2a': {
      const val = valueOf(T, f.val);
      return val === null || f.acc !== undefined || f.mbal !== undefined || f.mval !== undefined
        ? null : { type: '2a', bal, val };
    }
    case '2b': {
      const acc = acceptor(T, f.acc);
      const val = valueOf(T, f.val);
      return acc === null || val === null || f.mbal !== undefined || f.mval !== undefined
        ? null : { type: '2b', acc, bal, val };
    }
    default:
      return null;
  }
}

function durable(T: ResolverTables): Durable | null {
  const maxBal = ballotOrNone(T, f.maxBal);
  if (f.maxBal === undefined || maxBal === null) return null;
  if (f.maxVBal === undefined && f.maxVal === undefined) return { maxBal, vote: null };
  const maxVBal = ballotOrNone(T, f.maxVBal);
  const maxVal = valueOrNone(T, f.maxVal);
  if (maxVBal === null || maxVal === null || (maxVBal === -1) !== (maxVal === -1)) return null;
  return { maxBal, vote: { maxVBal, maxVal: maxVal === -1 ? null : maxVal } };
}
