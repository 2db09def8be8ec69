/**
 * Assertions for our own bugs (STYLE.md: TigerBeetle's discipline). They never fire on outside
 * input: everything that comes from outside is decoded first, by the caller.
 */

/** Throws when one of Synod's own invariants is broken. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
