/**
 * fast-check property tests over the simulator's whole configuration space: cluster size, clients,
 * length, and every fault rate. The property is "no check reports a violation"; fast-check
 * shrinks a failing configuration to a small one, which is saved under traces/regressions/ as
 * its configuration (JSON) and its trace (format v1), and then replayed by the regression test
 * below forever after.
 *
 * The fast-check seed is printed (and taken from SYNOD_FC_SEED when set) so a failure replays.
 * With SYNOD_WRITE_REGRESSIONS=1 the mutants of mutants.ts are shrunk the same way and saved as
 * `mutant-<name>.json`: small, readable counterexamples that the regression test holds the
 * checks to (the mutant is still caught, the correct server still passes).
 */
import fc from 'fast-check';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/paxos/index.js';
import type { Faults } from '../../src/sim/faults.js';
import { simulate, type SimReport } from '../../src/sim/simulate.js';
import { linearizability } from '../../src/cli/sim-history.js';
import { traceObserver } from '../../src/sim/trace.js';
import { worldConfig } from '../../src/sim/world.js';
import { mutants } from './mutants.js';

/** The linearizability check `synod simulate` runs (src/cli/sim-history.ts). */
const history = linearizability();

const DIR = 'traces/regressions';
const FC_SEED = Number(process.env['SYNOD_FC_SEED'] ?? 20261122);

interface Config {
  readonly seed: number;
  readonly servers: number;
  readonly clients: number;
  readonly steps: number;
  readonly faults: Faults;
}

/** A rate in thousandths, so that shrinking reaches exactly 0 (the fault off). */
const rate = (max: number) => fc.integer({ min: 0, max: max * 1000 }).map((x) => x / 1000);

const configs: fc.Arbitrary<Config> = fc.record({
  seed: fc.nat({ max: 0xffffffff }),
  servers: fc.integer({ min: 1, max: 7 }),
  clients: fc.integer({ min: 1, max: 5 }),
  steps: fc.integer({ min: 0, max: 1500 }),
  faults: fc.record({
    loss: rate(0.4), dup: rate(0.3), reorder: rate(1), delay: rate(0.4),
    partition: rate(0.02), crash: rate(0.02), clientCrash: rate(0.02),
  }),
});

function run(c: Config, step?: Step): SimReport {
  return simulate({ history, ...c, ...(step === undefined ? {} : { step }) });
}

/** Saves a shrunk counterexample: its configuration and the trace of its run. */
function save(name: string, c: Config, r: SimReport, mutant: string | null): void {
  mkdirSync(DIR, { recursive: true });
  const lines: string[] = [];
  const step = mutant === null ? undefined : mutants.find((m) => m.name === mutant)!.step;
  simulate({ history, ...c, ...(step ? { step } : {}),
    observers: [traceObserver(worldConfig(c), (l) => void lines.push(l))] });
  const record = { mutant, config: c, violation: r.violation };
  writeFileSync(join(DIR, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(join(DIR, `${name}.ndjson`), lines.join(''));
}

describe('simulation properties (fast-check)', () => {
  it(`no check fails for any configuration (fast-check seed ${FC_SEED})`, () => {
    console.log(`fast-check seed ${FC_SEED} (set SYNOD_FC_SEED to replay another)`);
    const out = fc.check(fc.property(configs, (c) => run(c).violation === null),
      { seed: FC_SEED, numRuns: 150 });
    if (out.failed && out.counterexample !== null) {
      const [c] = out.counterexample;
      save(`seed-${c.seed}`, c, run(c), null);
    }
    expect(out.failed, fc.defaultReportMessage(out) ?? '').toBe(false);
  });

  it.runIf(process.env['SYNOD_WRITE_REGRESSIONS'] === '1')(
    'shrinks each mutant to a small counterexample and saves it', () => {
      for (const m of mutants) {
        const out = fc.check(fc.property(configs, (c) => run(c, m.step).violation === null),
          { seed: FC_SEED, numRuns: 2000 });
        expect(out.failed, m.name).toBe(true);
        const [c] = out.counterexample!;
        save(`mutant-${m.name}`, c, run(c, m.step), m.name);
      }
    });
});

describe('regressions (traces/regressions)', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
  it('has saved counterexamples to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const f of files) {
    const record = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as {
      mutant: string | null; config: Config; violation: SimReport['violation'];
    };
    it(`replays ${f}: the correct server passes${record.mutant ? ', the mutant is caught' : ''}`,
      () => {
        expect(run(record.config).violation).toBeNull();
        if (record.mutant === null) return;
        const m = mutants.find((x) => x.name === record.mutant)!;
        const r = run(record.config, m.step);
        expect(r.violation?.check).toBe(record.violation?.check);
        expect(r.violation?.property).toBe(record.violation?.property);
      });
  }
});
