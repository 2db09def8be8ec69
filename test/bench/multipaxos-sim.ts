/**
 * Multi-Paxos simulator benchmarks (issue 9, section 5), `npm run bench -- multipaxos-sim`:
 *
 * 1. Throughput with every check on, 3 servers: simulated events per second (wall and per CPU
 *    second), median of 5 batches of seeds x 2,000 steps with faults `all`; rows switch off the
 *    refinement, then the linearizability check, to show what each costs. The rows' batches
 *    alternate (batch i of every row, then batch i + 1), so a change in the machine's load hits
 *    all rows alike. `--baseline=DIR` adds a row for another build's simulator (DIR: its dist/,
 *    e.g. an older commit built with `npx tsc -p tsconfig.build.json`): before/after in one run.
 * 2. Protocol efficiency with a stable leader (no faults, s1 distinguished, 26 clients so that
 *    batches fill): messages between distinct servers per committed command, by batch size,
 *    beside the ideal 2(n-1)/batch (a 2a to and a 2b from each other server per slot); the
 *    phase-1 messages (1a, 1b) of the whole run; commands committed per 1,000 events.
 * 3. The same with batches filled: 2 x batch clients calling again at once (think 1) and a world
 *    that gives client turns priority over deliveries (deliveryBias 0.2), so about a batch of
 *    calls waits while a slot is in flight; the 2a/2b messages per slot show the heartbeat's
 *    re-sends beside the ideal 2(n-1).
 *
 * Flags: --quick (fewer seeds per batch), --efficiency (the second table only).
 */
import { resolve } from 'node:path';
import { MP_ALL_FAULTS } from '../../src/cli/simulate-multipaxos.js';
import { checkMachineHistory } from '../../src/history/machine.js';
import { simulateMultiPaxos } from '../../src/sim/multipaxos/simulate.js';
import { MP_NO_FAULTS } from '../../src/sim/multipaxos/world.js';
import { median, timeSeeds, type Timing } from './stats.js';

const RUNS = 5;
const STEPS = 2000;

interface Row {
  readonly label: string;
  readonly refinement: boolean;
  readonly linearizability: boolean;
  /** Another build's simulateMultiPaxos (--baseline). */
  readonly simulate?: typeof simulateMultiPaxos;
}

const ROWS: readonly Row[] = [
  { label: 'every check', refinement: true, linearizability: true },
  { label: 'no refinement', refinement: false, linearizability: true },
  { label: 'no refinement, no linearizability', refinement: false, linearizability: false },
];

function batch(seeds: number, row: Row): Timing {
  return timeSeeds(seeds, (seed) => (row.simulate ?? simulateMultiPaxos)({
    seed, steps: STEPS, faults: MP_ALL_FAULTS,
    linearizability: row.linearizability ? checkMachineHistory : null,
    ...(row.refinement ? {} : { refinement: null }),
  }));
}

const k = (x: number): string => `${(x / 1000).toFixed(1)}k`;

async function baselineRow(flags: readonly string[]): Promise<Row | null> {
  const dir = flags.find((f) => f.startsWith('--baseline='))?.slice('--baseline='.length);
  if (dir === undefined) return null;
  const url = new URL(`file://${resolve(dir, 'src/sim/multipaxos/simulate.js')}`);
  const mod = await import(url.href) as { simulateMultiPaxos: typeof simulateMultiPaxos };
  return { label: `every check, baseline ${dir}`, refinement: true, linearizability: true,
    simulate: mod.simulateMultiPaxos };
}

async function throughput(log: (line: string) => void, flags: readonly string[]): Promise<void> {
  const seeds = flags.includes('--quick') ? 10 : 50;
  const base = await baselineRow(flags);
  const rows = base === null ? ROWS : [base, ...ROWS];
  for (const row of rows) batch(Math.min(seeds, 10), row); // warm-up (JIT)
  log(`Each figure: median of ${RUNS} batches of ${seeds} seeds x ${STEPS} steps, 3 servers, ` +
    'faults `all` (loss, dup, reorder, delay, partitions, crashes, client crashes, slow).');
  log('');
  log('| command | checks | events/s wall (median) | min | max | events/CPU-s (median) |');
  log('|---|---|---:|---:|---:|---:|');
  const wall = rows.map((): number[] => []);
  const cpu = rows.map((): number[] => []);
  for (let i = 0; i < RUNS; i++) {
    rows.forEach((row, r) => {
      const t = batch(seeds, row);
      wall[r]!.push(t.events / t.seconds);
      cpu[r]!.push(t.events / t.cpu);
    });
  }
  rows.forEach((row, r) => {
    const w = wall[r]!;
    log(`| \`synod simulate multipaxos --seeds ${seeds}\` | ${row.label} | ${k(median(w))} | ` +
      `${k(Math.min(...w))} | ${k(Math.max(...w))} | ${k(median(cpu[r]!))} |`);
  });
}

function efficiency(log: (line: string) => void): void {
  const servers = 3;
  log('');
  log('Stable leader: no faults, `--distinguished 1`, 26 clients, 2,000 steps, seed 1, ' +
    'window 1 (so commands queue while a slot is in flight and batches fill). Messages ' +
    'counted between distinct servers; phase-1 messages are the whole run\'s (one election).');
  log('');
  log('| batch | commands | commands/slot | messages/command | ideal 2(n-1)/batch | ' +
    'ideal 2(n-1)/(commands/slot) | 2a+2b/command | phase-1 messages | commands/1,000 events |');
  log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const batchSize of [1, 2, 4, 8, 16, 26]) {
    const r = simulateMultiPaxos({
      seed: 1, servers, clients: 26, steps: STEPS, faults: MP_NO_FAULTS, distinguished: 0,
      batch: batchSize, window: 1, linearizability: checkMachineHistory,
    });
    if (r.violation !== null) throw new Error(`bench: batch ${batchSize}: ${r.violation.check}`);
    const m = r.messages;
    const total = Object.values(m).reduce((a, b) => a + b, 0);
    const phase2 = (m['2a'] ?? 0) + (m['2b'] ?? 0);
    const phase1 = (m['1a'] ?? 0) + (m['1b'] ?? 0);
    const fill = r.commands / r.slots;
    const ideal = 2 * (servers - 1);
    log(`| ${batchSize} | ${r.commands} | ${fill.toFixed(2)} | ` +
      `${(total / r.commands).toFixed(2)} | ${(ideal / batchSize).toFixed(2)} | ` +
      `${(ideal / fill).toFixed(2)} | ` +
      `${(phase2 / r.commands).toFixed(2)} | ` +
      `${phase1} | ${(1000 * r.commands / r.events).toFixed(0)} |`);
  }
}

/** Batches filled (see the header): per batch size, 2 x batch clients, deliveryBias 0.2. */
function filled(log: (line: string) => void): void {
  const servers = 3;
  log('');
  log('Batches filled: no faults, `--distinguished 1`, 2 x batch clients (at least 3) calling ' +
    'again at once, deliveryBias 0.2, window 1, 2,000 steps, seed 1. Messages between distinct ' +
    'servers, the liveness phase included. Every check but linearizability: with up to 128 ' +
    'concurrent clients on 3 keys its search runs out of budget (verdict unknown).');
  log('');
  log('| batch | clients | commands | commands/slot | messages/command | ideal 2(n-1)/batch | ' +
    '2a+2b/command | 2a+2b/slot (ideal 2(n-1) = 4) | commit/command | phase-1 messages | ' +
    'commands/1,000 events |');
  log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const batchSize of [1, 2, 4, 8, 16, 32, 64]) {
    const clients = Math.max(3, 2 * batchSize);
    const r = simulateMultiPaxos({
      seed: 1, servers, clients, steps: STEPS, faults: MP_NO_FAULTS, distinguished: 0,
      batch: batchSize, window: 1, think: 1, deliveryBias: 0.2, linearizability: null,
    });
    if (r.violation !== null) throw new Error(`bench: batch ${batchSize}: ${r.violation.check}`);
    const m = r.messages;
    const total = Object.values(m).reduce((a, b) => a + b, 0);
    const phase2 = (m['2a'] ?? 0) + (m['2b'] ?? 0);
    const phase1 = (m['1a'] ?? 0) + (m['1b'] ?? 0);
    const per = (x: number, y: number): string => (x / y).toFixed(2);
    log(`| ${batchSize} | ${clients} | ${r.commands} | ${per(r.commands, r.slots)} | ` +
      `${per(total, r.commands)} | ${per(2 * (servers - 1), batchSize)} | ` +
      `${per(phase2, r.commands)} | ${per(phase2, r.slots)} | ` +
      `${per(m['commit'] ?? 0, r.commands)} | ` +
      `${phase1} | ${(1000 * r.commands / r.events).toFixed(0)} |`);
  }
}

export async function run(log: (line: string) => void, flags: readonly string[]): Promise<void> {
  if (!flags.includes('--efficiency')) await throughput(log, flags);
  efficiency(log);
  filled(log);
}
