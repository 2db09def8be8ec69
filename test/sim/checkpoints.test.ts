/**
 * The simulator's per-step property check, paid at doubling checkpoints with a replay
 * (src/sim/refinement.ts `checkpoints`), reports exactly what a check after every step reports
 * (the first failing step, with its violation) for a failure that lasts, however the steps fall
 * between checkpoints and whenever another check forces a flush. A model-based test against the
 * literal loop. A failure repaired before the next checkpoint is not seen: the second test pins
 * that limit, which refinement.ts states.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PaxosState, Violation } from '../../spec/index.js';
import { checkpoints } from '../../src/sim/refinement.js';

const FC_SEED = Number(process.env['SYNOD_FC_SEED'] ?? 20261201);

/** A one-acceptor state whose maxBal is a running sum: steps add to it. */
const stateOf = (x: number): PaxosState => ({ maxBal: [x], maxVBal: [-1], maxVal: [null],
  msgs: [] });

describe('checkpoints', () => {
  it(`reports the first failing step, as a check after every step does (seed ${FC_SEED})`,
    () => {
      console.log(`fast-check seed ${FC_SEED} (set SYNOD_FC_SEED to replay another)`);
      fc.assert(fc.property(
        fc.array(fc.nat({ max: 5 }), { maxLength: 200 }),
        fc.nat({ max: 400 }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 5 }),
        (deltas, bad, flushes) => {
          // Once the running sum reaches `bad` it stays there: a failure that lasts.
          const check = (s: PaxosState): Violation | null => ((s.maxBal[0] as number) >= bad
            ? { property: 'Inv1', summary: `at ${s.maxBal[0]}`, witness: {} } : null);
          let literal: [number, string] | null = null;
          let x = 0;
          for (const [i, d] of deltas.entries()) {
            x += d;
            const v = check(stateOf(x));
            if (v !== null) {
              literal = [i, v.summary];
              break;
            }
          }
          const reported: [number, string][] = [];
          const c = checkpoints<number>(stateOf(0), check,
            (from, d) => stateOf((from.maxBal[0] as number) + d),
            (index, v) => void reported.push([index, v.summary]));
          x = 0;
          for (const [i, d] of deltas.entries()) {
            x += d;
            c.step(i, d, stateOf(x));
            if (flushes.includes(i)) c.flush();
          }
          c.flush();
          expect(reported).toEqual(literal === null ? [] : [literal]);
        },
      ), { seed: FC_SEED, numRuns: 300 });
    });

  it('does not see a failure repaired before the next checkpoint (the stated limit)', () => {
    const reported: number[] = [];
    const check = (s: PaxosState): Violation | null => (s.maxBal[0] === 3
      ? { property: 'Inv1', summary: 'at 3', witness: {} } : null);
    const c = checkpoints<number>(stateOf(0), check, (_, x) => stateOf(x),
      (index) => void reported.push(index));
    for (const [i, x] of [1, 2, 3, 4].entries()) c.step(i, x, stateOf(x));
    c.flush();
    expect(reported).toEqual([]);
    const every = checkpoints<number>(stateOf(0), check, (_, x) => stateOf(x),
      (index) => void reported.push(index));
    for (const [i, x] of [1, 2, 3, 4].entries()) {
      every.step(i, x, stateOf(x));
      every.flush();
    }
    expect(reported).toEqual([2]);
  });
});
