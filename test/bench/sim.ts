/**
 * Simulator throughput: simulated events (steps) per second with every check on, the figure the
 * issue sets at >= 100k steps/s (Quint's simulator: about 3.6k steps/s checking agreement on a
 * comparable Paxos model, shared/REFERENCE.md). Each row is the median of 5 runs of a batch of
 * seeds x 2,000 steps with every fault on; rows vary the cluster size and how much is checked.
 *
 * Flags: --quick (fewer seeds per batch, for a smoke run).
 */
import { ALL_FAULTS } from '../../src/sim/faults.js';
import { simulate, type SimOptions } from '../../src/sim/simulate.js';
import { linearizability } from '../../src/cli/sim-history.js';

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

interface Timing { readonly events: number; readonly seconds: number; readonly cpu: number }

/**
 * One batch, timed by the wall clock and by this process's CPU time: on a shared machine the
 * second is the steadier estimate of what one core does.
 */
function batch(seeds: number, row: Row): Timing {
  let events = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let seed = 1; seed <= seeds; seed++) {
    const opts: SimOptions = {
      seed, servers: row.servers, steps: STEPS, faults: ALL_FAULTS,
      properties: row.properties, history: row.linearizability ? linearizability() : null,
    };
    const r = simulate(opts);
    if (r.violation !== null) throw new Error(`bench: seed ${seed} violates ${r.violation.check}`);
    events += r.events;
  }
  const cpu = process.cpuUsage(cpuStarted);
  return {
    events, seconds: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6,
  };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export async function run(log: (line: string) => void, flags: readonly string[]): Promise<void> {
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
