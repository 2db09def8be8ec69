/**
 * Checked indexing for the spec. `at(s.maxBal, a, 'maxBal')` is `s.maxBal[a]`; an index outside
 * the array is a bug in the spec or in its caller (a model's constants and a state disagree), so
 * it throws an error that names the array and the index, rather than handing `undefined` on as
 * if it were a ballot or a value (which a cast `xs[i] as number` or `xs[i]!` would do silently).
 *
 * Spec states hold no `undefined` (DESIGN.md: plain data), so an `undefined` element is out of
 * range too. Cheap enough for every index the spec takes: one comparison, and the message is
 * built only on failure.
 */

/** xs[i], or a RangeError naming `name[i]` and the length when i is out of range. */
export function at<T>(xs: readonly T[], i: number, name: string): T {
  const x = xs[i];
  if (x === undefined) {
    throw new RangeError(`spec: ${name}[${i}] is out of range (length ${xs.length})`);
  }
  return x;
}
