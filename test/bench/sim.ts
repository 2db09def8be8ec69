/**
 * Simulator throughput: simulated events (steps) per second with every check on, the figure the
 * issue sets at >= 100k steps/s (Quint's simulator: about 3.6k steps/s checking agreement on a
 * comparable Paxos model, shared/REFERENCE.md). Each row is the median of 5 runs of a batch of
 * seeds x 2,000 steps with every fault on; rows vary the cluster size and how much is checked.
 *
 * A second table (issue 7, section 6): one long run per row, with the named properties after
 * every spec step, at 16k to 128k steps: the per-step check must grow with the run, not with its
 * square (`--long` runs only that table).
 *
 * Flags: --quick (fewer seeds per batch, for a smoke run), --long (the long runs only).
 */
import { ALL_FAULTS } from '../../src/sim/faults.js';
import { simulate } from '../../src/sim/simulate.js';
import { linearizability } from '../../src/cli/sim-history.js';
import { median, timeSeeds, type Timing } from './stats.js';

const RUNS = 5;
const STEPS = 2000;

interface Row {
  readonly label: string;
  readonly servers: number;
  readonly properties: 'step' | 'end' | 'off';
  readonly linearizability: boolean;
}

const ROWS: readonly Row[] = [
  { label: 'all checks (properties after every spec step)', servers: 3, properties: 'step',
    linearizability: true },
  { label: 'all checks', servers: 5, properties: 'step', linearizability: true },
  { label: 'all checks', servers: 9, properties: 'step', linearizability: true },
  { label: 'properties at the end only', servers: 3, properties: 'end', linearizability: true },
  { label: 'safety from outside only (no refinement, no history)', servers: 3, properties: 'off',
    linearizability: false },
];

/** One batch of seeds with `row`'s checks, timed (stats.ts's timeSeeds). */
function batch(seeds: number, row: Row): Timing {
  return timeSeeds(seeds, (seed) => simulate({
    seed, servers: row.servers, steps: STEPS, faults: ALL_FAULTS,
    properties: row.properties, history: row.linearizability ? linearizability() : null,
  }));
}


export async function run(log: (line: string) => void, flags: readonly string[]): Promise<void> {
  if (!flags.includes('--long')) throughput(log, flags);
  longRuns(log, flags);
}

/** One run of `steps` steps, seed 1, every fault, properties after every spec step. */
function longRuns(log: (line: string) => void, flags: readonly string[]): void {
  const sizes = flags.includes('--quick') ? [16_000, 32_000] : [16_000, 32_000, 64_000, 128_000];
  log('');
  log('| command | events | spec steps | wall s | CPU s |');
  log('|---|---:|---:|---:|---:|');
  for (const steps of sizes) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const r = simulate({ seed: 1, steps, faults: ALL_FAULTS, properties: 'step', history: linearizability() });
    const cpu = process.cpuUsage(cpuStarted);
    if (r.violation !== null) throw new Error(`bench: ${steps} steps violate ${r.violation.check}`);
    log(`| \`synod simulate --seed 1 --steps ${steps}\` | ${r.events} | ${r.specSteps} | ` +
      `${((performance.now() - started) / 1000).toFixed(2)} | ` +
      `${((cpu.user + cpu.system) / 1e6).toFixed(2)} |`);
  }
}

function throughput(log: (line: string) => void, flags: readonly string[]): void {
  const seeds = flags.includes('--quick') ? 20 : 200;
  batch(seeds, ROWS[0]!); // warm-up: the first batch runs at a third of the speed (JIT)
  log(`Each figure: median of ${RUNS} batches of ${seeds} seeds x ${STEPS} steps, faults ` +
    '`all` (loss, dup, reorder, delay, partitions, crashes incl. mid-step, client crashes).');
  log('');
  log('| command | servers | checks | events/s wall (median) | min | max | ' +
    'events/CPU-s (median) |');
  log('|---|---:|---|---:|---:|---:|---:|');
  for (const row of ROWS) {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = batch(seeds, row);
      wall.push(t.events / t.seconds);
      cpu.push(t.events / t.cpu);
    }
    const k = (x: number): string => `${Math.round(x / 1000)}k`;
    log(`| \`synod simulate --servers ${row.servers} --seeds ${seeds} --properties ` +
      `${row.properties}\` | ${row.servers} | ${row.label} | ${k(median(wall))} | ` +
      `${k(Math.min(...wall))} | ${k(Math.max(...wall))} | ${k(median(cpu))} |`);
  }
}
