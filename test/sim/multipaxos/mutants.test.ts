/**
 * Every Multi-Paxos mutant (test/sim/multipaxos/mutants.ts) is caught by the simulator with
 * the check, and for the refinement the spec action, that names what it breaks, on a pinned
 * seed (found by trying seeds 1, 2, 3, ... with `synod simulate multipaxos`'s default faults,
 * 2000 steps). The correct server passes on the same seed, so the checks are not merely strict.
 *
 * Shrunk counterexamples live in traces/regressions/multipaxos/ (a configuration, the violation
 * and the run's JSON lines); each is replayed here. SYNOD_WRITE_REGRESSIONS=1 rewrites them,
 * shrinking the pinned failing run's configuration greedily (steps, clients, servers, each
 * fault rate to 0) while the mutant is still caught by the same check.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MP_ALL_FAULTS } from '../../../src/cli/simulate-multipaxos.js';
import { checkMachineHistory } from '../../../src/history/machine.js';
import { simulateMultiPaxos, type MpSimReport } from '../../../src/sim/multipaxos/simulate.js';
import { mpTraceObserver } from '../../../src/sim/multipaxos/trace.js';
import type { MpFaults } from '../../../src/sim/multipaxos/world.js';
import { mpMutants, type MpMutant } from './mutants.js';

const DIR = 'traces/regressions/multipaxos';

interface Expectation {
  readonly mutant: string;
  readonly seed: number;
  readonly check: string;
  readonly property?: string;
}

const table: readonly Expectation[] = [
  { mutant: 'skip-phase1', seed: 1, check: 'refinement', property: 'Phase2a' },
  { mutant: 'forgetful-leader', seed: 1, check: 'refinement', property: 'Phase2a' },
  { mutant: 'disorderly-replica', seed: 1, check: 'StateMachineSafety' },
  { mutant: 'sessionless-snapshot', seed: 1, check: 'exactly-once' },
  { mutant: 'regressive-catchup', seed: 11, check: 'StateMachineSafety' },
  { mutant: 'stale-reader', seed: 1, check: 'linearizability' },
  { mutant: 'double-withdraw', seed: 2, check: 'exactly-once' },
];

interface Config {
  readonly seed: number;
  readonly servers: number;
  readonly clients: number;
  readonly steps: number;
  readonly faults: MpFaults;
}

const DEFAULT: Omit<Config, 'seed'> = { servers: 3, clients: 3, steps: 2000, faults: MP_ALL_FAULTS };

/** Runs the mutant's server, or with `correct` the real one in the mutant's world. */
function run(c: Config, m: MpMutant, extra: object = {}, correct = false): MpSimReport {
  return simulateMultiPaxos({
    ...c, ...(m.world ?? {}), ...(correct ? {} : { step: m.step }),
    linearizability: checkMachineHistory, ...extra,
  });
}

describe('Multi-Paxos mutants', () => {
  it('has one expectation per mutant', () => {
    expect(table.map((t) => t.mutant).sort()).toEqual(mpMutants.map((m) => m.name).sort());
  });
  for (const t of table) {
    const m = mpMutants.find((x) => x.name === t.mutant)!;
    const named = `${t.check}${t.property === undefined ? '' : ` ${t.property}`}`;
    it(`catches "${m.breaks}" (${m.name}) by ${named} on seed ${t.seed}`, () => {
      const r = run({ seed: t.seed, ...DEFAULT }, m);
      expect(r.violation?.check, r.violation?.summary).toBe(t.check);
      if (t.property !== undefined) expect(r.violation?.property).toBe(t.property);
      const correct = run({ seed: t.seed, ...DEFAULT }, m, {}, true);
      expect(correct.violation).toBeNull();
    });
  }
});

/**
 * Smaller configurations than c, most aggressive first: fewer steps (half, then 90%), fewer
 * clients, fewer servers, each fault switched off. A greedy shrink takes the first that still
 * fails, until none does (each run is deterministic, so the result is a fixed point).
 */
function smaller(c: Config): Config[] {
  const out: Config[] = [];
  if (c.steps > 0) out.push({ ...c, steps: Math.floor(c.steps / 2) });
  if (c.steps > 10) out.push({ ...c, steps: Math.floor(c.steps * 0.9) });
  if (c.clients > 1) out.push({ ...c, clients: c.clients - 1 });
  if (c.servers > 1) out.push({ ...c, servers: c.servers - 1 });
  for (const [name, r] of Object.entries(c.faults)) {
    if (r !== 0) out.push({ ...c, faults: { ...c.faults, [name]: 0 } });
  }
  return out;
}

function shrink(c0: Config, fails: (c: Config) => boolean): Config {
  let c = c0;
  for (let rounds = 0; rounds < 200; rounds++) {
    const next = smaller(c).find(fails);
    if (next === undefined) return c;
    c = next;
  }
  return c;
}

function save(m: MpMutant, c: Config, r: MpSimReport): void {
  mkdirSync(DIR, { recursive: true });
  const lines: string[] = [];
  run(c, m, { observers: [mpTraceObserver((l) => void lines.push(l))] });
  const record = { mutant: m.name, config: c, world: m.world ?? {}, violation: r.violation };
  writeFileSync(join(DIR, `mutant-${m.name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(join(DIR, `mutant-${m.name}.ndjson`), lines.join(''));
}

describe('shrunk Multi-Paxos counterexamples', () => {
  it.runIf(process.env['SYNOD_WRITE_REGRESSIONS'] === '1')(
    'shrinks each mutant\'s pinned failure and saves it', () => {
      for (const m of mpMutants) {
        const t = table.find((x) => x.mutant === m.name)!;
        const fails = (c: Config) => run(c, m).violation?.check === t.check;
        const c = shrink({ seed: t.seed, ...DEFAULT }, fails);
        save(m, c, run(c, m));
      }
    }, 3_600_000);

  const files = readdirSync(DIR).filter((f) => f.startsWith('mutant-') && f.endsWith('.json'));
  it('has a saved counterexample for every mutant', () => {
    expect(files.sort()).toEqual(mpMutants.map((m) => `mutant-${m.name}.json`).sort());
  });
  for (const f of files) {
    const record = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as {
      mutant: string; config: Config; violation: MpSimReport['violation'];
    };
    it(`replays ${f}: the mutant is caught, the correct server passes`, () => {
      const m = mpMutants.find((x) => x.name === record.mutant)!;
      const r = run(record.config, m);
      expect(r.violation?.check).toBe(record.violation?.check);
      expect(r.violation?.property).toBe(record.violation?.property);
      expect(r.violation?.event).toBe(record.violation?.event);
      expect(run(record.config, m, {}, true).violation).toBeNull();
    });
  }
});
