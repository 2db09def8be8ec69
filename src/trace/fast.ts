/**
 * The reader's fast path for the lines that make up almost every trace (send, recv and persist
 * of the spec's messages): a hand-written guard that recognizes them without io-ts's generic
 * walk, which costs several times more than the check itself at a million lines a second.
 *
 * The codecs in format.ts stay the single definition. The guard only ever says "certainly
 * valid" or "ask the codecs": anything unusual (an optional field present, an alias, an
 * extension message, a bad value) returns null and the line takes the slow path, which also
 * writes the error message. test/trace/fast.test.ts checks on random input that the guard never
 * accepts what the codecs reject, and that both paths decode to the same event.
 */
import type { Decoded, EventResolver } from './decode.js';
import type { Event } from './events.js';
import { limits, type TraceEvent } from './format.js';

/** The decoded event, or null when the line must take the slow path. */
export function fastDecode(text: string, line: number, resolver: EventResolver): Decoded<Event> | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isCommonEvent(json)) return null;
  return resolver.resolve(json as TraceEvent, line);
}

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isName = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= limits.nameLengthMax;
const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isBallot = (v: unknown): boolean =>
  isNat(v) || (Array.isArray(v) && v.length === 2 && isNat(v[0]) && isName(v[1]));
const isBallotOrNone = (v: unknown): boolean => v === -1 || v === null || isBallot(v);
const isValue = (v: unknown): boolean =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
const isValueOrNone = (v: unknown): boolean => v === null || isValue(v);
/** Optional stamps and destinations send the line to the slow path (their codecs check them). */
const noOptionals = (o: Json): boolean =>
  o['t'] === undefined && o['seq'] === undefined && o['to'] === undefined && o['from'] === undefined;

/** True only when the codecs certainly accept `v`; false means "ask them". */
export function isCommonEvent(v: unknown): boolean {
  if (!isRecord(v) || !isName(v['node']) || !noOptionals(v)) return false;
  switch (v['ev']) {
    case 'send':
    case 'recv':
      return isCommonMessage(v['msg']);
    case 'persist':
      return isBallotOrNone(v['maxBal'])
        && (v['maxVBal'] === undefined || isBallotOrNone(v['maxVBal']))
        && (v['maxVal'] === undefined || isValueOrNone(v['maxVal']));
    default:
      return false;
  }
}

function isCommonMessage(m: unknown): boolean {
  if (!isRecord(m) || m['slot'] !== undefined) return false;
  switch (m['type']) {
    case '1a':
      return isBallot(m['bal']);
    case '1b':
      return isName(m['acc']) && isBallot(m['bal'])
        && (m['mbal'] === undefined || isBallotOrNone(m['mbal']))
        && (m['mval'] === undefined || isValueOrNone(m['mval']));
    case '2a':
      return isBallot(m['bal']) && isValue(m['val']);
    case '2b':
      return isName(m['acc']) && isBallot(m['bal']) && isValue(m['val']);
    default:
      return false;
  }
}
