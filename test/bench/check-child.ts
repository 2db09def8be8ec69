/**
 * What the model-checker benchmarks share: each run happens in a fresh child process (so one
 * run's heap and JIT state do not colour the next, and its peak RSS is its own), which prints
 * its figures as one JSON line; the parent forks it and reads that line back.
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { CheckResult } from '../../src/checker/engine.js';

export interface Sample {
  readonly verdict: string;
  readonly distinctStates: number;
  readonly generatedStates: number;
  readonly depth: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly maxRssMiB: number;
}

/** In the child: runs `check` once and prints its figures as one JSON line on stdout. */
export function measureInChild(check: () => CheckResult): void {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = check();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sample: Sample = {
    verdict: r.verdict, distinctStates: r.distinctStates, generatedStates: r.generatedStates,
    depth: r.depth, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

/** In the parent: forks `script --child <config>` (8 GiB heap) and reads its sample. */
export function runChild(script: string, config: { readonly name: string }): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const p = fork(script, ['--child', JSON.stringify(config)],
      { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=8192'] });
    let out = '';
    p.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) reject(new Error(`benchmark child for ${config.name} exited ${code}`));
      else resolve(JSON.parse(out.trim()) as Sample);
    });
  });
}
