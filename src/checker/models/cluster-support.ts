/**
 * Pieces of the cluster model (cluster.ts) that are not about the world itself: interning of
 * plain data into small numbers, bit iteration, and the words used to show messages.
 */
import type { Message } from '../../../spec/index.js';
import { showBallot, toNatural, type Msg } from '../../paxos/index.js';

/** Interns values: each distinct key gets the next number. */
export class Interner<T> {
  private readonly ids = new Map<string, number>();
  /** Objects already interned keep their number: most of a successor is its parent's. */
  private readonly known = new WeakMap<object, number>();
  readonly items: T[] = [];
  /** The number of an object, serializing it only when this very object was never seen. */
  idOf(item: T & object): number {
    const seen = this.known.get(item);
    if (seen !== undefined) return seen;
    const id = this.id(JSON.stringify(item), item);
    this.known.set(item, id);
    return id;
  }
  id(key: string, item: T): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.items.length;
      this.ids.set(key, id);
      this.items.push(item);
    }
    return id;
  }
  /**
   * Like idOf, for a record whose fields are mostly shared with an earlier record (the reducer
   * builds a new server state with `{ ...s, proposer: next }`): each object field is interned by
   * `parts` on its own, so only the fields that changed are serialized.
   */
  idOfRecord(item: T & object, parts: Interner<unknown>): number {
    const seen = this.known.get(item);
    if (seen !== undefined) return seen;
    let key = '';
    for (const [field, value] of Object.entries(item).sort(([x], [y]) => (x < y ? -1 : 1))) {
      key += typeof value === 'object' && value !== null
        ? `${field}#${parts.idOf(value)},` : `${field}=${JSON.stringify(value)},`;
    }
    const id = this.id(key, item);
    this.known.set(item, id);
    return id;
  }
  get(id: number): T {
    const item = this.items[id];
    if (item === undefined) throw new Error(`cluster model bug: no interned item ${id}`);
    return item;
  }
}

export function specMessage(
  m: Msg,
  bal: (b: Parameters<typeof toNatural>[0]) => number,
  val: (v: string | null) => number | null,
): Message | null {
  switch (m.type) {
    case '1a': return { type: '1a', bal: bal(m.bal) };
    case '1b':
      return { type: '1b', acc: m.acc, bal: bal(m.bal), mbal: bal(m.mbal), mval: val(m.mval) };
    case '2a': return { type: '2a', bal: bal(m.bal), val: val(m.val) as number };
    case '2b': return { type: '2b', acc: m.acc, bal: bal(m.bal), val: val(m.val) as number };
    default: return null;
  }
}

/** Calls f with the index of every set bit, ascending. */
export function forEachBit(bits: Uint32Array, f: (p: number) => void): void {
  for (let i = 0; i < bits.length; i++) {
    for (let word = bits[i] as number; word !== 0; word &= word - 1) {
      f(i * 32 + (31 - Math.clz32(word & -word)));
    }
  }
}

export function compareJson(x: unknown, y: unknown): number {
  const a = JSON.stringify(x);
  const b = JSON.stringify(y);
  return a < b ? -1 : a > b ? 1 : 0;
}

export function showMsg(m: Msg): string {
  switch (m.type) {
    case '1a': return `1a(${showBallot(m.bal)})`;
    case '1b':
      return `1b(s${m.acc + 1}, ${showBallot(m.bal)}, ${showBallot(m.mbal)}/${m.mval ?? '-'})`;
    case '2a': return `2a(${showBallot(m.bal)}, ${m.val})`;
    case '2b': return `2b(s${m.acc + 1}, ${showBallot(m.bal)}, ${m.val})`;
    case 'commit': return `commit(${m.val})`;
    case 'reject': return `reject(s${m.acc + 1}, ${showBallot(m.bal)} < ${showBallot(m.maxBal)})`;
    case 'read': return `read(s${m.from + 1})`;
    case 'read-ok': return `read-ok(s${m.acc + 1})`;
  }
}

