/**
 * Property test (fast-check, seeded): for any configuration in the ranges below (seed, cluster
 * and client counts, steps, every fault rate, window, batch, snapshot period, machine, read
 * mode), every check of a simulated Multi-Paxos run passes: effect order, OneValuePerBallot,
 * LogAgreement, StateMachineSafety, exactly-once, the refinement to the per-slot spec with its
 * properties, linearizability (unless reads are local), liveness. A failure shrinks to a small
 * configuration (fault rates towards 0, steps and counts down) and is saved under
 * traces/regressions/multipaxos/ with the run's JSON lines, so it becomes a regression.
 * The seed is printed; SYNOD_FC_SEED replays another.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkMachineHistory } from '../../../src/history/machine.js';
import type { MachineName, ReadMode } from '../../../src/multipaxos/index.js';
import { simulateMultiPaxos, type MpSimReport } from '../../../src/sim/multipaxos/simulate.js';
import { mpTraceObserver } from '../../../src/sim/multipaxos/trace.js';
import type { MpFaults } from '../../../src/sim/multipaxos/world.js';

const DIR = 'traces/regressions/multipaxos';
const FC_SEED = Number(process.env['SYNOD_FC_SEED'] ?? 20261202);

interface Config {
  readonly seed: number;
  readonly servers: number;
  readonly clients: number;
  readonly steps: number;
  readonly faults: MpFaults;
  readonly window: number;
  readonly batch: number;
  readonly snapshotEvery: number;
  readonly machine: MachineName;
  readonly reads: ReadMode;
}

/** A rate in thousandths, so that shrinking reaches exactly 0 (the fault off). */
const rate = (max: number) => fc.integer({ min: 0, max: max * 1000 }).map((x) => x / 1000);

const configs: fc.Arbitrary<Config> = fc.record({
  seed: fc.nat({ max: 0xffffffff }),
  servers: fc.integer({ min: 1, max: 5 }),
  clients: fc.integer({ min: 1, max: 4 }),
  steps: fc.integer({ min: 0, max: 800 }),
  faults: fc.record({
    loss: rate(0.3), dup: rate(0.2), reorder: rate(1), delay: rate(0.3),
    partition: rate(0.02), crash: rate(0.02), clientCrash: rate(0.01), slow: rate(0.01),
  }),
  window: fc.integer({ min: 1, max: 6 }),
  batch: fc.integer({ min: 1, max: 8 }),
  snapshotEvery: fc.constantFrom(0, 1, 3, 16),
  machine: fc.constantFrom<MachineName>('kv', 'ledger'),
  reads: fc.constantFrom<ReadMode>('log', 'read-index'),
});

function run(c: Config, extra: object = {}): MpSimReport {
  return simulateMultiPaxos({ ...c, linearizability: checkMachineHistory, ...extra });
}

describe('Multi-Paxos simulation properties (fast-check)', () => {
  it(`every check passes for any configuration (fast-check seed ${FC_SEED})`, () => {
    console.log(`fast-check seed ${FC_SEED} (set SYNOD_FC_SEED to replay another)`);
    const out = fc.check(fc.property(configs, (c) => run(c).violation === null),
      { seed: FC_SEED, numRuns: 40 });
    if (out.failed && out.counterexample !== null) {
      const [c] = out.counterexample;
      const lines: string[] = [];
      const r = run(c, { observers: [mpTraceObserver({ servers: c.servers, seed: c.seed, perNode: false },
    () => (l: string) => void lines.push(l))] });
      mkdirSync(DIR, { recursive: true });
      writeFileSync(join(DIR, `seed-${c.seed}.json`),
        `${JSON.stringify({ mutant: null, config: c, violation: r.violation }, null, 2)}\n`);
      writeFileSync(join(DIR, `seed-${c.seed}.ndjson`), lines.join(''));
    }
    expect(out.failed, fc.defaultReportMessage(out) ?? '').toBe(false);
  }, 120_000);
});
