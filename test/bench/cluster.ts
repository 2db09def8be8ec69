/**
 * Benchmark of `synod check cluster`: the implementation composed with a network, explored
 * exhaustively (src/checker/models/cluster.ts). Reports distinct states, states per second
 * (wall and CPU) and peak memory; one run per row, since the larger rows take minutes.
 * `--quick` runs only the first row.
 */
import { performance } from 'node:perf_hooks';
import { check } from '../../src/checker/engine.js';
import { clusterModel, type ClusterBounds } from '../../src/checker/models/cluster.js';

const rows: readonly ClusterBounds[] = [
  { servers: 3, clients: 2, maxRound: 0, crashes: 0, votesTo: [0] },
  { servers: 3, clients: 2, maxRound: 0, crashes: 1, votesTo: [0] },
];

export async function run(log: (line: string) => void, flags: readonly string[]): Promise<void> {
  log('| servers | clients | rounds | crashes | 2b to | distinct | depth | wall s | CPU s | states/s (CPU) | peak RSS |');
  log('|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const b of flags.includes('--quick') ? rows.slice(0, 1) : rows) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = check(clusterModel(b));
    const wall = (performance.now() - t0) / 1000;
    const cpu = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6;
    const rss = Math.round(process.resourceUsage().maxRSS / 1024);
    log(`| ${b.servers} | ${b.clients} | 0..${b.maxRound} | ${b.crashes} | ` +
      `${b.votesTo === undefined ? 'all' : b.votesTo.map((i) => `s${i + 1}`).join(',')} | ` +
      `${r.distinctStates.toLocaleString('en-US')} (${r.verdict}) | ${r.depth} | ${wall.toFixed(1)} | ` +
      `${cpu.toFixed(1)} | ${Math.round(r.distinctStates / cpu).toLocaleString('en-US')} | ${rss} MiB |`);
  }
}
