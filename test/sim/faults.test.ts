/**
 * The simulator's small parts: the PRNG replays from its seed and stays in range, and `--faults`
 * parses what the docs say and names what is wrong with anything else.
 */
import { describe, expect, it } from 'vitest';
import { ALL_FAULTS, NO_FAULTS, parseFaults, showFaults } from '../../src/sim/faults.js';
import { sfc32 } from '../../src/sim/prng.js';

describe('sfc32', () => {
  it('gives the same stream from the same seed, and another from another seed', () => {
    const draw = (seed: number): number[] => {
      const r = sfc32(seed);
      return Array.from({ length: 8 }, () => r.u32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });
  it('keeps below(n) in [0, n) and hits every value of a small range', () => {
    const r = sfc32(1);
    const seen = new Array(5).fill(0);
    for (let i = 0; i < 1000; i++) seen[r.below(5)]++;
    expect(seen.every((n) => n > 150)).toBe(true);
  });
  it('never fires chance(0) and always fires chance(1)', () => {
    const r = sfc32(2);
    const draws = Array.from({ length: 200 }, () => [r.chance(0), r.chance(1)]);
    expect(draws.every(([zero, one]) => zero === false && one === true)).toBe(true);
  });
});

describe('--faults', () => {
  it.each([
    ['all', ALL_FAULTS],
    ['none', NO_FAULTS],
    ['loss=0.2', { ...NO_FAULTS, loss: 0.2 }],
    ['all,loss=0.3,client-crash=0', { ...ALL_FAULTS, loss: 0.3, clientCrash: 0 }],
  ])('parses %s', (text, faults) => {
    expect(parseFaults(text)).toEqual(faults);
  });
  it.each([
    ['loss', "'loss' is not name=rate"],
    ['flood=0.1', "unknown fault 'flood'"],
    ['loss=1.5', "rate of 'loss' must be a number in [0, 1], got '1.5'"],
    ['loss=0.1,all', "'all' must come first"],
  ])('refuses %s, saying why', (text, message) => {
    expect(parseFaults(text)).toContain(message);
  });
  it('prints only the faults that are on', () => {
    expect(showFaults({ ...NO_FAULTS, dup: 0.5 })).toBe('dup=0.5');
    expect(showFaults(NO_FAULTS)).toBe('none');
    expect(parseFaults(showFaults(ALL_FAULTS))).toEqual(ALL_FAULTS);
  });
});
