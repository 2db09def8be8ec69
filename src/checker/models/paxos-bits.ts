/**
 * Reading a run of bits out of a packed state, for the fast Paxos model and its properties.
 * A run may straddle two 32-bit words; runs longer than 31 bits are the caller's to split.
 */

/** The value of `len` (1..31) bits starting at bit `start` of the state at buf[off..]. */
export function bitsAt(buf: Uint32Array, off: number, start: number, len: number): number {
  const w = start >>> 5;
  const sh = start & 31;
  let x = (buf[off + w] as number) >>> sh;
  if (sh + len > 32) x |= (buf[off + w + 1] as number) << (32 - sh);
  return (x & ((1 << len) - 1)) >>> 0;
}
