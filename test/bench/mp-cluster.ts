/**
 * Benchmark of `synod check cluster --protocol multipaxos` (issue 9, section 5): distinct
 * states per CPU second of the Multi-Paxos cluster model (src/checker/models/mp-cluster.ts:
 * hash-consed server states, the reducer called once per distinct server state and input),
 * beside the single-decree cluster model (cluster.ts: server states interned as JSON, the
 * reducer called on every step) on its benchmark row.
 *
 * Each run is a fresh child process (check-child.ts); each row is run `--runs N` times (default
 * 3) and the median CPU rate reported, CPU time being the steadier figure on a shared machine.
 *
 * Usage: node dist/test/bench/run.js mp-cluster [--runs N] [--slow]
 */
import { fileURLToPath } from 'node:url';
import { check } from '../../src/checker/engine.js';
import { clusterModel } from '../../src/checker/models/cluster.js';
import { mpClusterModel } from '../../src/checker/models/mp-cluster.js';
import { measureInChild, runChild, type Sample } from './check-child.js';
import { median } from './stats.js';

interface Config {
  readonly name: string;
  readonly model: 'json-cluster' | 'mp-cluster';
  readonly servers: number;
  readonly commands: number;
  readonly maxBallot: number;
  readonly crashes: number;
}

function configs(flags: readonly string[]): Config[] {
  const list: Config[] = [
    { name: 'single-decree cluster (JSON interning), 3 servers, 2 clients, round 0, 2b to s1',
      model: 'json-cluster', servers: 3, commands: 2, maxBallot: 0, crashes: 0 },
    { name: 'Multi-Paxos cluster, 2 servers, 1 command, ballots 0..1',
      model: 'mp-cluster', servers: 2, commands: 1, maxBallot: 1, crashes: 0 },
    { name: 'Multi-Paxos cluster, 2 servers, 1 command, ballots 0..1, one crash',
      model: 'mp-cluster', servers: 2, commands: 1, maxBallot: 1, crashes: 1 },
  ];
  if (flags.includes('--slow')) {
    list.push({ name: 'Multi-Paxos cluster, 3 servers, 2 commands, ballot 0',
      model: 'mp-cluster', servers: 3, commands: 2, maxBallot: 0, crashes: 0 });
  }
  return list;
}

function child(c: Config): void {
  measureInChild(() => (c.model === 'json-cluster'
    ? check(clusterModel({ servers: c.servers, clients: c.commands, maxRound: c.maxBallot,
      crashes: c.crashes, votesTo: [0] }))
    : check(mpClusterModel({ servers: c.servers, commands: c.commands, maxBallot: c.maxBallot,
      crashes: c.crashes }))));
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function run(log: (line: string) => void, flags: readonly string[]): Promise<void> {
  const at = flags.findIndex((f) => f.startsWith('--runs='));
  const runs = at >= 0 ? Number(flags[at]!.slice('--runs='.length)) : 3;
  log(`Median of ${runs} runs, each a fresh process; rates are distinct states per CPU second.`);
  log('');
  log('| model | verdict | distinct | generated | depth | CPU s (median) | ' +
    'states/CPU s (median) | peak RSS MiB |');
  log('|---|---|---:|---:|---:|---:|---:|---:|');
  const rates = new Map<string, number>();
  for (const c of configs(flags)) {
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push(await runChild(fileURLToPath(import.meta.url), c));
    const s = samples[0]!;
    const rate = median(samples.map((x) => x.distinctStates / x.cpuSeconds));
    rates.set(c.model, Math.max(rates.get(c.model) ?? 0, rate));
    log(`| ${c.name} | ${s.verdict} | ${fmt(s.distinctStates)} | ${fmt(s.generatedStates)} | ` +
      `${s.depth} | ${median(samples.map((x) => x.cpuSeconds)).toFixed(2)} | ${fmt(rate)} | ` +
      `${fmt(Math.max(...samples.map((x) => x.maxRssMiB)))} |`);
  }
  const json = rates.get('json-cluster');
  const mp = rates.get('mp-cluster');
  if (json !== undefined && mp !== undefined) {
    log('');
    log(`Ratio, best Multi-Paxos row to the JSON cluster row: ${(mp / json).toFixed(1)}x`);
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) child(JSON.parse(process.argv[childAt + 1]!) as Config);
