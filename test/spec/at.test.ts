/** spec/at.ts: the checked index the spec uses instead of `xs[i] as T` and `xs[i]!`. */
import { describe, expect, it } from 'vitest';
import { at } from '../../spec/at.js';
import { Phase1b, init, type Constants } from '../../spec/paxos.js';
import { majorities } from '../../spec/quorums.js';

describe('at(xs, i, name)', () => {
  it('is xs[i] inside the array, None (null) and 0 included', () => {
    expect(at([5, 0, -1], 1, 'maxBal')).toBe(0);
    expect(at([null, 'x'], 0, 'maxVal')).toBeNull();
  });

  it('throws a RangeError naming the array, the index and the length outside it', () => {
    expect(() => at([1, 2, 3], 3, 'maxBal')).toThrow(
      new RangeError('spec: maxBal[3] is out of range (length 3)'));
    expect(() => at([1], -1, 'msgs')).toThrow(/msgs\[-1\] is out of range/);
  });

  it('turns a state that disagrees with its constants into that error, not a wrong verdict', () => {
    const k: Constants = { acceptors: 3, values: 2, maxBallot: 2, quorums: majorities(3) };
    const small = { ...init(k), maxBal: [-1, -1], msgs: [{ type: '1a', bal: 0 } as const] };
    expect(() => Phase1b(k, small, 2, { type: '1a', bal: 0 })).toThrow(/maxBal\[2\]/);
  });
});
