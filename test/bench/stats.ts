/**
 * Small helpers the benchmarks share: the median they report, and a timed batch of seeded
 * simulator runs (wall clock and this process's CPU time: on a shared machine the second is the
 * steadier estimate of what one core does).
 */
import { performance } from 'node:perf_hooks';

/** The median (the upper one of an even count). */
export const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface Timing { readonly events: number; readonly seconds: number; readonly cpu: number }

/** Runs seeds 1..`seeds` through `run`, timed; a run that finds a violation stops the bench. */
export function timeSeeds(seeds: number, run: (seed: number) => {
  readonly violation: { readonly check: string } | null; readonly events: number;
}): Timing {
  let events = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let seed = 1; seed <= seeds; seed++) {
    const r = run(seed);
    if (r.violation !== null) throw new Error(`bench: seed ${seed} violates ${r.violation.check}`);
    events += r.events;
  }
  const cpu = process.cpuUsage(cpuStarted);
  return {
    events, seconds: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6,
  };
}
