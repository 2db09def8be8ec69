/**
 * Property tests of checkLinearizable, with fixed seeds so a failure replays (fast-check prints
 * the seed and the shrunk path):
 *
 * - histories produced by a real sequential object under random concurrency and client crashes
 *   are linearizable, and the checker's witness order proves it;
 * - on small histories with a mutated output, the checker agrees with a brute-force checker that
 *   shares none of its code (no per-key split, no memo; crashed calls are left out or placed
 *   anywhere instead of "at +infinity"), and its prefix or witness holds;
 * - an output that no call could have produced is always caught, and outputs mutated to
 *   plausible values are caught in most histories.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinearizable, operationsFromEvents } from '../../src/history/index.js';
import {
  modelOf, pickFrom, pickSeeded, randomHistory, type Op, type Workload,
} from './generate.js';
import { naiveLinearizable, prefixHolds, searchLinearizable, witnessHolds } from './oracle.js';

const workload = (callsMax: number): fc.Arbitrary<Workload> =>
  fc.record({
    object: fc.constantFrom('varX' as const, 'kv' as const),
    clients: fc.integer({ min: 1, max: 5 }),
    calls: fc.integer({ min: 0, max: callsMax }),
    keys: fc.integer({ min: 1, max: 3 }),
    values: fc.integer({ min: 1, max: 3 }),
    crashPercent: fc.constantFrom(0, 5, 30),
  });

const history = (callsMax: number): fc.Arbitrary<{ workload: Workload; ops: Op[] }> =>
  fc.tuple(workload(callsMax), fc.array(fc.nat(), { maxLength: 12 * callsMax }))
    .map(([w, choices]) => ({
      workload: w,
      ops: operationsFromEvents(randomHistory(w, pickFrom(choices))),
    }));

/** The calls whose output the model checks: returned, and not a put (its ack is ignored). */
function checked(ops: readonly Op[]): number[] {
  return ops.flatMap((op, i) => (op.ret === null || op.input.kind === 'put' ? [] : [i]));
}

/**
 * Replaces the output of the `at`-th checked call (modulo their number) by `value`; returns
 * the calls unchanged when none is checked.
 */
function mutate(ops: readonly Op[], at: number, value: string | null): Op[] {
  const candidates = checked(ops);
  const i = candidates.length === 0 ? -1 : candidates[at % candidates.length];
  return ops.map((op, k) => (k === i ? { ...op, output: { value } } : op));
}

const mutation = fc.record({
  at: fc.nat(),
  value: fc.option(fc.constantFrom('v0', 'v1', 'v2'), { nil: null }),
});

describe('checkLinearizable on histories of a real object', () => {
  it('finds every generated history linearizable, with a witness order that holds', () => {
    fc.assert(
      fc.property(history(60), ({ workload: w, ops }) => {
        const result = checkLinearizable(ops, modelOf(w));
        return result.verdict === 'linearizable' && witnessHolds(modelOf(w), ops, result.orders);
      }),
      { seed: 20261122, numRuns: 300 },
    );
  });
});

describe('the cost of calls that never returned', () => {
  it('checks SetVarX/GetVarX histories with 10% crashes in about one search step per call', () => {
    // Steps, not time: a crashed SetVarX after the value is chosen changes nothing, so the
    // search parks it instead of walking past it again at every call (see search.ts).
    for (const seed of [1, 2, 3]) {
      const w: Workload = { object: 'varX', clients: 5, calls: 2_000, keys: 1, values: 5,
        crashPercent: 10 };
      const ops = operationsFromEvents(randomHistory(w, pickSeeded(seed)));
      expect(ops.filter((op) => op.ret === null).length).toBeGreaterThan(100);
      const result = checkLinearizable(ops, modelOf(w));
      expect(result.verdict).toBe('linearizable');
      expect(result.steps).toBeLessThan(1.1 * ops.length);
    }
  });
});

describe('checkLinearizable against the brute-force checker', () => {
  it('agrees on small histories with one output mutated, and its evidence holds', () => {
    fc.assert(
      fc.property(history(6), mutation, fc.boolean(), ({ workload: w, ops }, m, mutated) => {
        fc.pre(ops.length > 0 && ops.length <= 7);
        const subject = mutated ? mutate(ops, m.at, m.value) : ops;
        const result = checkLinearizable(subject, modelOf(w));
        expect(result.verdict).toBe(
          naiveLinearizable(modelOf(w), subject) ? 'linearizable' : 'not-linearizable');
        if (result.verdict === 'linearizable') {
          expect(witnessHolds(modelOf(w), subject, result.orders)).toBe(true);
        } else if (result.verdict === 'not-linearizable') {
          expect(prefixHolds(modelOf(w), subject, result.key, result.prefix)).toBe(true);
          expect(result.unplaced.length).toBeGreaterThan(0);
        }
      }),
      { seed: 1122, numRuns: 1500 },
    );
  });

  it('agrees with a plain recursive search on histories of up to 16 calls, two outputs mutated',
    () => {
      fc.assert(
        fc.property(history(16), fc.array(mutation, { maxLength: 2 }), (h, ms) => {
          const { workload: w, ops } = h;
          fc.pre(ops.length > 0 && ops.length <= 30);
          const subject = ms.reduce((acc, m) => mutate(acc, m.at, m.value), ops);
          const result = checkLinearizable(subject, modelOf(w));
          expect(result.verdict).toBe(
            searchLinearizable(modelOf(w), subject) ? 'linearizable' : 'not-linearizable');
        }),
        { seed: 2026, numRuns: 1000 },
      );
    });

  it('sees both verdicts among those small histories, so the agreement is not vacuous', () => {
    const samples = fc.sample(fc.tuple(history(6), mutation), { seed: 1122, numRuns: 300 });
    const verdicts = samples
      .filter(([{ ops }]) => ops.length > 0)
      .map(([{ workload: w, ops }, m]) => checkLinearizable(mutate(ops, m.at, m.value),
        modelOf(w)).verdict);
    const rejected = verdicts.filter((v) => v === 'not-linearizable').length;
    expect(rejected).toBeGreaterThan(verdicts.length / 5);
    expect(verdicts.length - rejected).toBeGreaterThan(verdicts.length / 5);
  });
});

describe('mutated outputs', () => {
  it('always rejects a returned call whose output is a value nobody proposed', () => {
    fc.assert(
      fc.property(history(40), fc.nat(), ({ workload: w, ops }, at) => {
        const candidates = checked(ops);
        fc.pre(candidates.length > 0);
        const i = candidates[at % candidates.length] as number;
        const result = checkLinearizable(mutate(ops, at, 'never-proposed'), modelOf(w));
        return result.verdict === 'not-linearizable' &&
          result.key === modelOf(w).partition((ops[i] as Op).input);
      }),
      { seed: 2211, numRuns: 300 },
    );
  });

  it('rejects most SetVarX/GetVarX histories where one returned value is swapped', () => {
    const w: Workload = { object: 'varX', clients: 4, calls: 30, keys: 1, values: 3,
      crashPercent: 5 };
    const runs = fc.sample(fc.tuple(fc.array(fc.nat(), { maxLength: 360 }), fc.nat()),
      { seed: 7, numRuns: 200 });
    let caught = 0;
    let tried = 0;
    for (const [choices, at] of runs) {
      const ops = operationsFromEvents(randomHistory(w, pickFrom(choices)));
      const candidates = checked(ops);
      if (candidates.length === 0) continue;
      const i = candidates[at % candidates.length] as number;
      const held = ops[i]?.output?.value ?? null;
      // Another plausible answer: empty instead of a value, or a value instead of empty.
      const swapped = held === null ? 'v0' : null;
      tried += 1;
      if (checkLinearizable(mutate(ops, at, swapped), modelOf(w)).verdict !==
        'linearizable') caught += 1;
    }
    expect(tried).toBeGreaterThan(150);
    expect(caught / tried).toBeGreaterThan(0.9);
  });
});
