/**
 * The Informal Trace Format (ITF), the JSON that Apalache and Quint write for state traces:
 * `{"#meta": ..., "vars": [...], "states": [{"#meta": ..., var: value, ...}, ...]}` with values
 * encoded as plain JSON numbers, strings and booleans, records as objects, and
 * `{"#bigint": "123"}`, `{"#set": [...]}`, `{"#map": [[k, v], ...]}`, `{"#tup": [...]}`, and
 * tagged variants `{"tag": "Some", "value": ...}`.
 *
 * Reading: for specs shaped like Paxos.tla, with variables maxBal, maxVBal, maxVal and msgs
 * (possibly module-qualified, "Paxos::maxBal" or "Paxos.maxBal"), messages as records with a
 * `type` field or as variants whose tag names the type ("M1b", "Promise"), acceptors and values
 * as strings or numbers, None as null, "None", or a None variant (Quint's Option), or -1 where
 * the vote's ballot is -1 (Quint's Paxos example: `None = -1`). Message fields are found under
 * common synonyms, per message type (`acc` or `acceptor`, `val` or `value`, ...: FIELD_NAMES).
 * Ballots are integers of any size: when one is beyond 2^53 (Quint draws ballots from Nat as
 * #bigint), every ballot is replaced by its rank among the trace's ballots, which keeps their
 * order and equality (all Paxos asks of them), and `ballots` names each rank back.
 * A mapping (`{"maxBal": "promised", "bal": "ballot", "2b.acc": "voter"}`) renames variables and
 * message fields, for every message type or, as "TYPE.field", for one.
 * Writing: spec states to ITF, so that counterexamples open in existing ITF viewers.
 *
 * What it leaves out: other variables are ignored (a trace of a spec with extra state still
 * checks on these four); quorums are majorities unless the mapping gives them (ITF traces do
 * not carry constants).
 */
import { compareMessages, type Message, type PaxosState } from '../../spec/paxos.js';
import type { Value as ValueName } from '../format/trace.js';
import { showJson, tooDeep, tooDeepMessage } from '../format/json.js';

export type Mapping = Readonly<Record<string, string>>;

/** A problem with the ITF input: where (a JSON path) and what. */
export class ItfError extends Error {
  constructor(readonly where: string, message: string) {
    super(message);
  }
}

/** A decoded ITF trace: acceptors and values by name, states over their numbers. */
export interface ItfTrace {
  readonly acceptors: readonly string[];
  readonly values: readonly ValueName[];
  readonly states: readonly PaxosState[];
  readonly quorums: readonly (readonly string[])[] | null;
  /** When ballots were replaced by their ranks: rank -> the ballot as logged (decimal). */
  readonly ballots: readonly string[] | null;
}

const SPEC_VARS = ['maxBal', 'maxVBal', 'maxVal', 'msgs'] as const;
const STATES_MAX = 1_000_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** ITF value -> plain JS: numbers, strings, arrays (sets, tuples), Map-free pair lists. */
function plainInt(v: unknown, where: string): number {
  const n = Number(anyInt(v, where));
  if (Number.isSafeInteger(n)) return n;
  throw new ItfError(where, `expected an integer within 2^53, got ${show(v)}`);
}

/** An integer of any size: a safe JSON number or {"#bigint": "digits"}. */
function anyInt(v: unknown, where: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (isRecord(v) && typeof v['#bigint'] === 'string' && /^-?\d{1,4000}$/.test(v['#bigint'])) {
    return BigInt(v['#bigint']);
  }
  throw new ItfError(where, `expected an integer (a number or {"#bigint": "..."}), got ${show(v)}`);
}

function isMinusOne(v: unknown): boolean {
  return v === -1 || (isRecord(v) && v['#bigint'] === '-1');
}

const show = showJson;

function setItems(v: unknown, where: string): unknown[] {
  if (isRecord(v) && Array.isArray(v['#set'])) return v['#set'];
  if (Array.isArray(v)) return v;
  throw new ItfError(where, `expected a set ({"#set": [...]}), got ${show(v)}`);
}

function mapEntries(v: unknown, where: string): [unknown, unknown][] {
  if (isRecord(v) && Array.isArray(v['#map'])) {
    return v['#map'].map((e, i) => {
      if (!Array.isArray(e) || e.length !== 2) throw new ItfError(`${where}[${i}]`,
        'expected a [key, value] pair');
      return [e[0], e[1]] as [unknown, unknown];
    });
  }
  if (isRecord(v) && !Object.keys(v).some((k) => k.startsWith('#'))) return Object.entries(v);
  throw new ItfError(where, `expected a function ({"#map": [[k, v], ...]}), got ${show(v)}`);
}

/** A name (acceptor or value): a string, or a number (kept as its own name). */
function nameOf(v: unknown, where: string): ValueName {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (isRecord(v) && '#bigint' in v) return plainInt(v, where);
  if (isRecord(v) && typeof v['tag'] === 'string' && isUnit(v['value'])) return v['tag'];
  throw new ItfError(where, `expected a name (a string or a number), got ${show(v)}`);
}

function isUnit(v: unknown): boolean {
  return v === undefined || (isRecord(v) && Array.isArray(v['#tup']) && v['#tup'].length === 0);
}

/** None: null, "None", or a None variant; Some(v) is v. Returns undefined for "not None". */
function noneOr(v: unknown): unknown {
  if (v === null || v === 'None') return null;
  if (isRecord(v) && v['tag'] === 'None') return null;
  if (isRecord(v) && v['tag'] === 'Some') return v['value'];
  return v;
}

/** Finds a variable, allowing a module prefix ("Paxos::maxBal", "Paxos.maxBal"). */
function lookup(state: Record<string, unknown>, name: string, where: string): unknown {
  if (name in state) return state[name];
  const key = Object.keys(state).find((k) => k.endsWith(`::${name}`) || k.endsWith(`.${name}`));
  if (key === undefined) throw new ItfError(where,
    `has no variable ${name} (nor a module-qualified one)`);
  return state[key];
}

const TYPE_BY_TAG: ReadonlyArray<[RegExp, Message['type']]> = [
  [/1a|prepare/i, '1a'], [/1b|promise/i, '1b'], [/2a|^(m)?accept$/i, '2a'], [/2b|accepted/i, '2b'],
];

interface Interner {
  readonly acceptor: (v: unknown, where: string) => number;
  readonly value: (v: unknown, where: string) => number;
  /** A ballot: -1, the ballot itself, or (when some ballot is beyond 2^53) its rank. */
  readonly ballot: (v: unknown, where: string) => number;
}

/** Where each message field is looked for when the mapping does not name it: first found wins. */
const FIELD_NAMES: Readonly<Record<string, readonly string[]>> = {
  bal: ['bal', 'ballot', 'b'],
  acc: ['acc', 'acceptor', 'a'],
  mbal: ['mbal', 'maxVBal', 'vbal', 'vrnd'],
  mval: ['mval', 'maxVal', 'vval'],
  val: ['val', 'value', 'v'],
};

/** A message field: the mapping's "TYPE.field", then its "field", then FIELD_NAMES in order. */
function fieldOf(body: Record<string, unknown>, type: Message['type'], k: string,
  mapping: Mapping, where: string): { name: string; value: unknown } {
  const mapped = mapping[`${type}.${k}`] ?? mapping[k];
  const names = mapped === undefined ? FIELD_NAMES[k] ?? [k] : [mapped];
  const name = names.find((n) => n in body);
  if (name === undefined) throw new ItfError(where, `a ${type} message needs its ${k} field ` +
    `(looked for ${names.join(', ')}; a mapping {"${type}.${k}": "..."} names another)`);
  return { name, value: body[name] };
}

function decodeMessage(raw: unknown, where: string, mapping: Mapping, I: Interner): Message {
  const f = (n: string): string => mapping[n] ?? n;
  let type: Message['type'] | undefined;
  let body: unknown = raw;
  if (isRecord(raw) && typeof raw['tag'] === 'string' && 'value' in raw && !(f('type') in raw)) {
    type = TYPE_BY_TAG.find(([re]) => re.test(raw['tag'] as string))?.[1];
    body = raw['value'];
  } else if (isRecord(raw)) {
    const t = raw[f('type')];
    type = TYPE_BY_TAG.find(([re]) => typeof t === 'string' && re.test(t))?.[1];
  }
  if (!isRecord(body) || type === undefined) throw new ItfError(where,
    `expected a 1a/1b/2a/2b message, got ${show(raw)}`);
  const t = type;
  const read = <T>(k: string, decode: (v: unknown, w: string) => T): T => {
    const x = fieldOf(body, t, k, mapping, where);
    return decode(x.value, `${where}.${x.name}`);
  };
  const bal = read('bal', I.ballot);
  switch (type) {
    case '1a': return { type, bal };
    case '1b': {
      const mbal = read('mbal', I.ballot);
      const mval = read('mval', (v, w) => {
        const x = noneOr(v);
        return x === null || (mbal === -1 && isMinusOne(x)) ? null : I.value(x, w);
      });
      return { type, acc: read('acc', I.acceptor), bal, mbal, mval };
    }
    case '2a': return { type, bal, val: read('val', I.value) };
    default: return { type: '2b', acc: read('acc', I.acceptor), bal, val: read('val', I.value) };
  }
}

/** Decodes an ITF document into spec states. Throws ItfError naming the JSON path. */
export function readItf(doc: unknown, mapping: Mapping = {}): ItfTrace {
  const deep = tooDeep(doc);
  if (deep !== null) throw new ItfError(`$.${deep}`, tooDeepMessage());
  if (!isRecord(doc) || !Array.isArray(doc['states'])) throw new ItfError('$',
    'expected an ITF object with "states"');
  const states = doc['states'];
  if (states.length === 0) throw new ItfError('$.states', 'is empty');
  if (states.length > STATES_MAX) throw new ItfError('$.states',
    `has more than ${STATES_MAX} states`);
  const f = (n: string): string => mapping[n] ?? n;
  const first = states[0];
  if (!isRecord(first)) throw new ItfError('$.states[0]', 'expected an object');
  const acceptors = mapEntries(lookup(first, f('maxBal'), '$.states[0]'),
    `$.states[0].${f('maxBal')}`)
    .map(([k], i) => String(nameOf(k, `$.states[0].${f('maxBal')}[${i}]`)));
  const twice = acceptors.findIndex((a, i) => acceptors.indexOf(a) !== i);
  if (twice !== -1) throw new ItfError(`$.states[0].${f('maxBal')}[${twice}][0]`,
    `names acceptor ${acceptors[twice]} twice (a function has one value per key; 1 and "1" ` +
      'name the same acceptor)');
  const accIndex = new Map(acceptors.map((a, i) => [a, i]));
  const values: ValueName[] = [];
  const valueIndex = new Map<ValueName, number>();
  // Ballots are read as numbers; when one is beyond 2^53, the states are read twice more: once to
  // collect every ballot, once with each replaced by its rank among them.
  let sawBig = false;
  let all: Set<bigint> | null = null;
  let rank: Map<bigint, number> | null = null;
  const I: Interner = {
    ballot: (v, where) => {
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && rank === null
        && all === null) return v;
      const b = anyInt(v, where);
      if (b === -1n) return -1;
      if (b < 0n) throw new ItfError(where, `expected a ballot (a natural, or -1 for none), got ` +
        `${show(v)}`);
      if (rank !== null) return rank.get(b) as number;
      all?.add(b);
      if (b > BigInt(Number.MAX_SAFE_INTEGER)) sawBig = true;
      return Number(b);
    },
    acceptor: (v, where) => {
      const a = accIndex.get(String(nameOf(v, where)));
      if (a === undefined) throw new ItfError(where,
        `${show(v)} is not an acceptor (acceptors: ${acceptors.join(', ')})`);
      return a;
    },
    value: (v, where) => {
      const n = nameOf(v, where);
      let i = valueIndex.get(n);
      if (i === undefined) {
        i = values.push(n) - 1;
        valueIndex.set(n, i);
      }
      return i;
    },
  };
  const decode = (): PaxosState[] => states.map((s, i) => decodeState(s, `$.states[${i}]`,
    mapping, I, acceptors.length));
  let decoded = decode();
  let ballots: string[] | null = null;
  if (sawBig) {
    all = new Set();
    decode();
    const sorted = [...all].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    rank = new Map(sorted.map((x, i) => [x, i]));
    ballots = sorted.map((x) => x.toString());
    decoded = decode();
  }
  const q = mapping['quorums'];
  return { acceptors, values, states: decoded, quorums: q === undefined ? null : parseQuorums(q),
    ballots };
}

function parseQuorums(text: string): string[][] {
  try {
    const q = JSON.parse(text) as unknown;
    if (Array.isArray(q) && q.every((x) => Array.isArray(x)
      && x.every((a) => typeof a === 'string'))) return q as string[][];
  } catch {
    // Fall through to the error below.
  }
  throw new ItfError('mapping.quorums',
    'expected a JSON list of quorums, like "[[\\"a1\\",\\"a2\\"]]"');
}

function decodeState(raw: unknown, where: string, mapping: Mapping, I: Interner,
  n: number): PaxosState {
  if (!isRecord(raw)) throw new ItfError(where, 'expected an object');
  const f = (x: string): string => mapping[x] ?? x;
  const fn = (name: string, decode: (v: unknown, w: string,
    a: number) => number | null): (number | null)[] => {
    const out: (number | null)[] = Array.from({ length: n }, () => null);
    const w = `${where}.${f(name)}`;
    const entries = mapEntries(lookup(raw, f(name), where), w);
    if (entries.length !== n) throw new ItfError(w,
      `maps ${entries.length} acceptors, expected ${n}`);
    const seen = new Set<number>();
    for (const [i, [k, v]] of entries.entries()) {
      const a = I.acceptor(k, `${w}[${i}][0]`);
      if (seen.has(a)) throw new ItfError(`${w}[${i}][0]`, `names acceptor ${show(k)} twice`);
      seen.add(a);
      out[a] = decode(v, `${w}[${i}][1]`, a);
    }
    return out;
  };
  const maxBal = fn('maxBal', I.ballot) as number[];
  const maxVBal = fn('maxVBal', I.ballot) as number[];
  const maxVal = fn('maxVal', (v, w, a) => {
    const x = noneOr(v);
    return x === null || (maxVBal[a] === -1 && isMinusOne(x)) ? null : I.value(x, w);
  });
  const w = `${where}.${f('msgs')}`;
  const msgs = setItems(lookup(raw, f('msgs'), where), w).map((m, i) => decodeMessage(m,
    `${w}[${i}]`, mapping, I));
  msgs.sort(compareMessages);
  const unique = msgs.filter((m, i) => i === 0 || compareMessages(msgs[i - 1] as Message, m) !== 0);
  return { maxBal, maxVBal, maxVal, msgs: unique };
}

/** Spec states to an ITF document, with acceptor and value names. */
export function writeItf(
  states: readonly PaxosState[],
  acceptors: readonly string[],
  values: readonly ValueName[],
  meta: Readonly<Record<string, unknown>> = {},
): unknown {
  const name = (v: number | null): unknown => (v === null ? { tag: 'None', value: { '#tup': [] } }
    : values[v] ?? v);
  const fn = (xs: readonly (number | null)[], enc: (x: number | null) => unknown): unknown =>
    ({ '#map': xs.map((x, a) => [acceptors[a], enc(x)]) });
  const msg = (m: Message): unknown => {
    switch (m.type) {
      case '1a': return { type: '1a', bal: m.bal };
      case '1b': return { type: '1b', acc: acceptors[m.acc], bal: m.bal, mbal: m.mbal,
        mval: name(m.mval) };
      case '2a': return { type: '2a', bal: m.bal, val: name(m.val) };
      case '2b': return { type: '2b', acc: acceptors[m.acc], bal: m.bal, val: name(m.val) };
    }
  };
  return {
    '#meta': { format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html', source: 'synod',
        ...meta },
    vars: [...SPEC_VARS],
    states: states.map((s, i) => ({
      '#meta': { index: i },
      maxBal: fn(s.maxBal, (x) => x),
      maxVBal: fn(s.maxVBal, (x) => x),
      maxVal: fn(s.maxVal, name),
      msgs: { '#set': s.msgs.map(msg) },
    })),
  };
}
