/**
 * The set of visited states: an open-addressing hash table over typed arrays that stores every
 * state in full, as a fixed number of 32-bit words.
 *
 * Why full states and not fingerprints: TLC keeps 64-bit fingerprints and accepts a tiny chance
 * that two states collide and one is never explored. We want distinct-state counts that are
 * exact by construction, so equality is decided on the whole encoding; the hash only chooses the
 * probe sequence. States get ids in insertion order, which for a breadth-first search is also
 * the queue: the frontier of level d is a contiguous range of ids, so no separate queue exists.
 *
 * The states live in fixed-size chunks (CHUNK_STATES states each, allocated as the table
 * fills), not in one typed array: growing never copies them, and no single allocation bounds
 * how many states fit (one typed array would cap the store at a few hundred million words and
 * need the old and the new copy at once while doubling). State id lives in chunk(id) at
 * offset(id). With `shared`, the chunks are SharedArrayBuffers, readable by worker threads.
 *
 * Left out: deletion (a model checker never forgets a state) and any lossy compression.
 */

/** Grows a typed array to at least `length` entries, copying the old contents. */
function grown(xs: Int32Array, length: number): Int32Array {
  if (xs.length >= length) return xs;
  let size = Math.max(1024, xs.length);
  while (size < length) size *= 2;
  const next = new Int32Array(size);
  next.set(xs);
  return next;
}

/** Hash of `words` 32-bit words at `off` (a 32-bit mix in the style of murmur3's finalizer). */
export function hashWords(buf: Uint32Array, off: number, words: number): number {
  let h = 0x811c9dc5 ^ words;
  for (let i = 0; i < words; i++) {
    h = Math.imul(h ^ (buf[off + i] as number), 0x9e3779b1);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** log2 of the states per chunk of the store. */
export const CHUNK_BITS = 16;
export const CHUNK_STATES = 1 << CHUNK_BITS;

export class StateStore {
  /** States by id: state i is chunks[i >>> CHUNK_BITS] at offset(i). */
  readonly chunks: Uint32Array[] = [];
  /**
   * Hash slots, two entries each: id + 1 (0 when empty) and the state's 32-bit hash, so a probe
   * compares words only on a hash match and growing never re-reads the keys. The capacity is a
   * power of two, at most half full.
   */
  private slots: Int32Array;
  private slotMask: number;
  count = 0;

  constructor(readonly words: number, capacityHint = 1 << 12, readonly shared = false) {
    if (!(Number.isInteger(words) && words >= 1)) {
      throw new RangeError(`StateStore: words ${words}`);
    }
    let capacity = 1 << 12;
    while (capacity < capacityHint * 2) capacity *= 2;
    this.slots = new Int32Array(2 * capacity);
    this.slotMask = capacity - 1;
  }

  /** Bytes held by the table (chunks and slots), for the memory figures. */
  bytes(): number {
    return this.chunks.length * CHUNK_STATES * this.words * 4 + this.slots.byteLength;
  }

  /** The chunk that holds state id. */
  chunk(id: number): Uint32Array {
    return this.chunks[id >>> CHUNK_BITS]!;
  }

  /** Where state id starts in its chunk. */
  offset(id: number): number {
    return (id & (CHUNK_STATES - 1)) * this.words;
  }

  /** A copy of state id. */
  get(id: number): Uint32Array {
    const at = this.offset(id);
    return this.chunk(id).slice(at, at + this.words);
  }

  /**
   * Adds the state at buf[off..] if it is new. Returns its id when it was added, or -(id + 1)
   * when it was already present.
   */
  insert(buf: Uint32Array, off: number): number {
    return this.insertHashed(buf, off, hashWords(buf, off, this.words) | 0);
  }

  /** insert, with the state's hashWords (as a signed 32-bit integer) already computed. */
  insertHashed(buf: Uint32Array, off: number, h: number): number {
    const words = this.words;
    const slots = this.slots;
    let slot = h & this.slotMask;
    for (;;) {
      const entry = slots[2 * slot] as number;
      if (entry === 0) break;
      if (slots[2 * slot + 1] === h && this.equalAt(entry - 1, buf, off)) return -entry;
      slot = (slot + 1) & this.slotMask;
    }
    const id = this.count;
    if ((id >>> CHUNK_BITS) === this.chunks.length) this.chunks.push(this.newChunk());
    const keys = this.chunk(id);
    const base = this.offset(id);
    for (let i = 0; i < words; i++) keys[base + i] = buf[off + i] as number;
    slots[2 * slot] = id + 1;
    slots[2 * slot + 1] = h;
    this.count = id + 1;
    if (this.count * 2 > this.slotMask + 1) this.rehash();
    return id;
  }

  /** The id of the state at buf[off..], or -1. */
  find(buf: Uint32Array, off: number): number {
    const h = hashWords(buf, off, this.words) | 0;
    let slot = h & this.slotMask;
    for (;;) {
      const entry = this.slots[2 * slot] as number;
      if (entry === 0) return -1;
      if (this.slots[2 * slot + 1] === h && this.equalAt(entry - 1, buf, off)) return entry - 1;
      slot = (slot + 1) & this.slotMask;
    }
  }

  private newChunk(): Uint32Array {
    const bytes = CHUNK_STATES * this.words * 4;
    return new Uint32Array(this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  private equalAt(id: number, buf: Uint32Array, off: number): boolean {
    const keys = this.chunk(id);
    const base = this.offset(id);
    for (let i = 0; i < this.words; i++) {
      if (keys[base + i] !== buf[off + i]) return false;
    }
    return true;
  }

  /** Doubles the slots, re-placing every entry by its stored hash (no key is re-read). */
  private rehash(): void {
    const capacity = (this.slotMask + 1) * 2;
    const slots = new Int32Array(2 * capacity);
    const mask = capacity - 1;
    const old = this.slots;
    for (let i = 0; i < old.length; i += 2) {
      const entry = old[i] as number;
      if (entry === 0) continue;
      const h = old[i + 1] as number;
      let slot = h & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = entry;
      slots[2 * slot + 1] = h;
    }
    this.slots = slots;
    this.slotMask = mask;
  }
}

/** A growable Int32Array indexed by state id (parent pointers, action labels). */
export class IdColumn {
  values: Int32Array = new Int32Array(1 << 12);
  set(id: number, value: number): void {
    if (id >= this.values.length) this.values = grown(this.values, id + 1);
    this.values[id] = value;
  }
  get(id: number): number {
    return this.values[id] as number;
  }
}
