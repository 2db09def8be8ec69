/**
 * The partial-trace guarantee (issue 7, section 1): a valid run with lines lost is never
 * rejected. Valid runs come from the simulator (the correct reducer, every fault on, at rates
 * high enough that small runs see crashes, restarts and partitions); each loses a random subset
 * of its lines (each line with probability up to 60 %) and is checked as partial. The verdict
 * must be "accepted" or, when the search cannot decide, "unknown": never "rejected". The share of
 * "unknown" at the default budget is measured here and pinned loosely (docs/trace-format.md
 * records the figure); SYNOD_PARTIAL_CASES raises the number of cases for a longer measurement.
 *
 * Extension lines (x-timer, x-request: the simulator's own inputs) are removed first: the checker
 * never reads their contents, and they would only make each case longer to read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/simulate.js';
import { sfc32 } from '../../src/sim/prng.js';
import { traceObserver } from '../../src/sim/trace.js';
import { worldConfig } from '../../src/sim/world.js';
import { checkPartial, type PartialVerdict } from '../../src/trace/partial.js';
import { collectEvents } from '../../src/trace/reader.js';
import { PARTIAL_BUDGET } from '../../src/trace/run.js';

/** Every fault, frequent enough to happen in runs of a few hundred steps. */
const FAULTS = { loss: 0.1, dup: 0.05, reorder: 0.5, delay: 0.1, partition: 0.02, crash: 0.03,
  clientCrash: 0.02 };
const CASES = Number(process.env.SYNOD_PARTIAL_CASES ?? 2000);
const SEED = Number(process.env.SYNOD_PARTIAL_SEED ?? 20261201);

interface Case { readonly sim: number; readonly steps: number; readonly servers: number;
  readonly clients: number; readonly drop: number; readonly dropSeed: number }

const cases = fc.record({
  sim: fc.integer({ min: 0, max: 2 ** 30 }),
  steps: fc.integer({ min: 20, max: 240 }),
  servers: fc.constantFrom(3, 3, 3, 5),
  clients: fc.integer({ min: 1, max: 3 }),
  drop: fc.double({ min: 0, max: 0.6, noNaN: true }),
  dropSeed: fc.integer({ min: 0, max: 2 ** 30 }),
});

/** The run's trace, marked partial, with each spec line lost with probability c.drop. */
function lossyTrace(c: Case): string {
  const out: string[] = [];
  const opts = { seed: c.sim, steps: c.steps, faults: FAULTS, servers: c.servers,
    clients: c.clients, properties: 'off' as const, history: null };
  simulate({ ...opts, observers: [traceObserver(worldConfig(opts), (l) => void out.push(l))] });
  const [head, ...events] = out.join('').trimEnd().split('\n');
  const rnd = sfc32(c.dropSeed);
  const kept = events.filter((l) => !l.includes(`"type":"x-`) && !rnd.chance(c.drop));
  return [JSON.stringify({ ...JSON.parse(head as string), partial: true }), ...kept].join('\n');
}

function verdictOf(text: string): PartialVerdict {
  const read = collectEvents(text);
  if (!read.ok) throw new Error(`unreadable: ${read.problem.message}`);
  return checkPartial(read.cluster, read.names, read.events, PARTIAL_BUDGET).verdict;
}

describe('partial traces of valid runs', () => {
  it(`are never rejected, whatever lines are lost (${CASES} runs, seed ${SEED})`, () => {
    const tally: Record<PartialVerdict, number> = { accepted: 0, rejected: 0, unknown: 0 };
    fc.assert(fc.property(cases, (c) => {
      const v = verdictOf(lossyTrace(c));
      tally[v]++;
      return v !== 'rejected';
    }), { seed: SEED, numRuns: CASES });
    console.log(`partial property (seed ${SEED}): ${JSON.stringify(tally)}`);
    expect(tally.accepted + tally.unknown).toBe(CASES);
    // "unknown" must stay rare: at most 1 % (0 of 20,000 when last measured).
    expect(tally.unknown).toBeLessThanOrEqual(Math.ceil(CASES / 100));
  }, Math.max(120_000, CASES * 30));
});
