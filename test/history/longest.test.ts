/**
 * LongestPrefix, the search's record of its deepest stack: it must equal a real stack the search
 * had, even when the search wanders off the recorded branch and comes back level with it.
 */
import { describe, expect, it } from 'vitest';
import { LongestPrefix } from '../../src/history/search.js';

/** Replays pushes (numbers) and pops ('pop') on a stack, telling `longest` as the search does. */
function replay(moves: readonly (number | 'pop')[]): number[] {
  const longest = new LongestPrefix();
  const stack: number[] = [];
  for (const move of moves) {
    if (move === 'pop') {
      stack.pop();
      longest.popped(stack.length);
    } else {
      stack.push(move);
      longest.pushed(stack.length, move);
    }
  }
  return longest.order;
}

describe('LongestPrefix', () => {
  it('keeps the deepest stack seen', () => {
    expect(replay([0, 1, 'pop', 'pop', 2, 3, 4, 'pop', 'pop'])).toEqual([2, 3, 4]);
  });

  it('keeps the first of two stacks equally deep', () => {
    expect(replay([0, 1, 'pop', 2])).toEqual([0, 1]);
  });

  it('does not graft a new call onto the old branch after leaving it', () => {
    // [0, 1, 2] is recorded; the search then builds [0, 5, 2] (level with it, through another
    // second call) and goes deeper with 7: the record must be [0, 5, 2, 7], not [0, 1, 2, 7].
    const moves = [0, 1, 2, 'pop', 'pop', 5, 6, 'pop', 2, 7] as const;
    expect(replay(moves)).toEqual([0, 5, 2, 7]);
  });
});
