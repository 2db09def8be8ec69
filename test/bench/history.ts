/**
 * Benchmark of the linearizability checker: random concurrent histories, linearizable by
 * construction (see test/history/generate.ts), checked with checkLinearizable; then the same
 * histories with one read's output mutated, so the search must fail. Reports wall and CPU time
 * (the median of 5 runs after one warm-up; generation is not timed) and calls checked per CPU
 * second, since this 2-core machine is shared and wall time swings with its load.
 *
 * Porcupine's own test data, timed beside Porcupine itself, is the suite history-porcupine
 * (history-porcupine.ts).
 *
 * Flags: --seed=N (default 1) picks the histories; --runs=N (default 5) the runs per row.
 */
import { performance } from 'node:perf_hooks';
import { checkLinearizable, operationsFromEvents } from '../../src/history/index.js';
import { modelOf, pickSeeded, randomHistory, type Op, type Workload } from '../history/generate.js';
import { median } from './stats.js';

interface Row {
  readonly workload: Workload;
  /** Mutate one returned read so that the history is not linearizable. */
  readonly broken: boolean;
}

const SIZES = [100, 1_000, 10_000];

function rows(): Row[] {
  const out: Row[] = [];
  const shapes: Omit<Workload, 'calls'>[] = [
    { object: 'varX', clients: 5, keys: 1, values: 5, crashPercent: 0 },
    { object: 'varX', clients: 5, keys: 4, values: 5, crashPercent: 2 },
    { object: 'kv', clients: 5, keys: 4, values: 5, crashPercent: 2 },
    { object: 'kv', clients: 10, keys: 1, values: 10, crashPercent: 2 },
  ];
  for (const shape of shapes) {
    for (const calls of SIZES) out.push({ workload: { ...shape, calls }, broken: false });
  }
  for (const object of ['varX', 'kv'] as const) {
    for (const calls of SIZES) {
      out.push({ workload: { object, clients: 5, keys: 4, values: 5, crashPercent: 2, calls },
        broken: true });
    }
  }
  return out;
}

function flag(flags: readonly string[], name: string, fallback: number): number {
  const raw = flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`bench history: bad --${name}`);
  return value;
}

/** Sets the last returned read's output to a value nobody wrote. */
function breakOne(ops: Op[]): Op[] {
  const reads = ops.flatMap((op, i) => (op.ret !== null && op.input.kind === 'get' ? [i] : []));
  const i = reads[reads.length - 1] ?? -1;
  if (i < 0) throw new Error('bench history: no returned read to break');
  return ops.map((op, k) => (k === i ? { ...op, output: { value: 'never-written' } } : op));
}

export async function run(log: (line: string) => void, flags: readonly string[]): Promise<void> {
  const seed = flag(flags, 'seed', 1);
  const runs = flag(flags, 'runs', 5);
  log(`Command: \`node dist/test/bench/run.js history --seed=${seed} --runs=${runs}\``);
  log(`(median of ${runs} runs after a warm-up, 1 run for an unknown verdict; crashed = calls ` +
    'that never returned)');
  log('');
  log('| model | clients | keys | calls | crashed | verdict | search steps | wall ms | CPU ms | ' +
    'calls/s (CPU) |');
  log('|---|---:|---:|---:|---:|---|---:|---:|---:|---:|');
  for (const row of rows()) {
    const w = row.workload;
    const model = modelOf(w);
    const clean = operationsFromEvents(randomHistory(w, pickSeeded(seed + w.calls)));
    const ops = row.broken ? breakOne(clean) : clean;
    const first = checkLinearizable(ops, model); // warm-up, not timed
    const walls: number[] = [];
    const cpus: number[] = [];
    // A search that runs out of budget costs seconds and proves nothing: time it once.
    for (let r = 0; r < (first.verdict === 'unknown' ? 1 : runs); r += 1) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      checkLinearizable(ops, model);
      walls.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      cpus.push((used.user + used.system) / 1000);
    }
    const cpu = median(cpus);
    const crashed = ops.filter((op) => op.ret === null).length;
    const name = w.object === 'varX' ? 'SetVarX/GetVarX' : 'kv put/get';
    const rate = first.verdict === 'unknown' ? 'n/a' : `${Math.round(ops.length / (cpu / 1000))}`;
    log(`| ${name} | ${w.clients} | ${w.keys} | ${ops.length} | ${crashed} | ${first.verdict} | ` +
      `${first.steps} | ${median(walls).toFixed(1)} | ${cpu.toFixed(1)} | ${rate} |`);
  }
}
