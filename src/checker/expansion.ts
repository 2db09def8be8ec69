/**
 * One batch of expansions, as a worker thread computes it for the engine (parallel.ts): every
 * step from each source state, with everything the engine would compute about the step and its
 * target before storing it, written as fixed-size records into one Int32Array. The engine then
 * only stores the targets, in source order, so the search is the sequential one step for step:
 * same ids, same parents, same counts, same first violation, whatever the number of workers.
 *
 * Record of one step (RECORD_HEAD words, then the target's `words`):
 *  - kind: KEEP (store the target), SKIP (outside the constraint, or a step back to its own
 *    source) or STEP_BAD (a step property fails; the words are then the concrete target);
 *  - label, weight (TLC's multiplicity);
 *  - hash: hashWords of the target as stored (canonical form with symmetry);
 *  - stateBad: the first state property the stored target violates, or -1;
 *  - stepBad: the first step property the step violates, or -1;
 *  - reached: a bit per "sometimes" property that holds in the target.
 * The batch's layout: nSources counts (steps per source), then the records in source order.
 *
 * Checking every step's target, not just the new ones, costs state checks on duplicates; it
 * buys a main thread that does nothing but store, and exact sequential semantics.
 */
import type { Model } from './engine.js';
import { hashWords } from './store.js';

export const KEEP = 0;
export const SKIP = 1;
export const STEP_BAD = 2;
export const RECORD_HEAD = 7;

export interface ExpandOptions {
  readonly symmetry: boolean;
}

/** Expands sources, one after the other: read(i) gives the chunk and offset of the i-th. */
export function expandBatch(
  model: Model, options: ExpandOptions, count: number,
  read: (i: number) => readonly [Uint32Array, number],
): Int32Array {
  const W = model.words;
  const max = Math.max(model.maxSuccessors, 1);
  const out = new Uint32Array(max * W);
  const labels = new Int32Array(max);
  const weights = new Int32Array(max);
  const rec = RECORD_HEAD + W;
  const canon = options.symmetry ? model.canonicalize : undefined;
  const pre = canon !== undefined && model.stepProperties.length === 0 &&
    model.canonicalSuccessors !== undefined;
  const successors = pre ? model.canonicalSuccessors! : model.successors;
  if (model.reachability.length > 31) throw new RangeError('at most 31 "sometimes" properties');
  let buf = new Int32Array(count + 64 * rec);
  let end = count;
  for (let i = 0; i < count; i++) {
    const [src, at] = read(i);
    const n = successors.call(model, src, at, out, labels, weights);
    buf[i] = n;
    if (end + n * rec > buf.length) {
      const next = new Int32Array(Math.max(buf.length * 2, end + n * rec));
      next.set(buf);
      buf = next;
    }
    const words = new Uint32Array(buf.buffer);
    for (let j = 0; j < n; j++, end += rec) {
      const o = end + RECORD_HEAD;
      words.set(out.subarray(j * W, (j + 1) * W), o);
      buf[end + 1] = labels[j]!;
      buf[end + 2] = weights[j]!;
      buf[end] = classify(model, src, at, labels[j]!, out, j * W, canon, pre, words, o, buf, end);
    }
  }
  return buf.subarray(0, end);
}

/** Fills one record's checks (the target already at words[o..]) and returns its kind. */
function classify(
  model: Model, src: Uint32Array, at: number, label: number, out: Uint32Array, off: number,
  canon: Model['canonicalize'], pre: boolean, words: Uint32Array, o: number, buf: Int32Array,
  end: number,
): number {
  const W = model.words;
  if (model.constraint !== undefined && !model.constraint(out, off)) return SKIP;
  const stepBad = model.checkStep(src, at, label, out, off);
  buf[end + 5] = stepBad;
  if (stepBad >= 0) return STEP_BAD;
  let loop = true;
  for (let i = 0; i < W && loop; i++) loop = src[at + i] === out[off + i];
  if (loop) return SKIP;
  if (canon !== undefined && !pre) canon(words, o);
  buf[end + 3] = hashWords(words, o, W) | 0;
  buf[end + 4] = model.checkState(words, o);
  let reached = 0;
  for (let i = 0; i < model.reachability.length; i++) {
    if (model.reaches(i, words, o)) reached |= 1 << i;
  }
  buf[end + 6] = reached;
  return KEEP;
}
