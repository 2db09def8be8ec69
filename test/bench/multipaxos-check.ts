/**
 * Benchmark of `synod check multipaxos` beside TLC (issue 8, section 6): MultiPaxos-SMR with 3
 * replicas, MaxBallot 2, 1 write and 1 read (the shipped small model) without and with
 * symmetry, each run by Synod (packed model, TLC's invariants only: TypeOK and Linearizability,
 * as MultiPaxos_MC.cfg checks) and by TLC 2.20 (shared/tla/run-tlc, 1 worker) one after the
 * other on this machine, then again by Synod with 2 worker threads (compared with the same TLC
 * runs); and, with --full, the shipped full model (2 writes, 1 read) with symmetry, 2 workers,
 * by Synod alone (TLC needs about 8 minutes on 40 cores for it).
 *
 * Each Synod run is a fresh child process (this file, started with --child) so that its peak
 * resident memory is its own. Synod's CPU seconds are reported beside its wall time: on a
 * shared machine the wall time measures the other jobs as much as the checker. TLC's are
 * run-tlc's wall time and its CPU time (user + system, from /usr/bin/time, the JVM's threads
 * included). Single runs: the models take minutes.
 *
 * Usage: node dist/test/bench/run.js multipaxos-check [--full] [--no-tlc]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { measureInChild, runChild } from './check-child.js';
import { checkSmr } from '../../src/checker/multipaxos-check.js';

interface Config {
  readonly name: string;
  readonly writes: number;
  readonly reads: number;
  readonly symmetry: boolean;
  /** Worker threads (0: the sequential search). */
  readonly workers: number;
  /** The TLC cfg of the same model in shared/tla/multipaxos-smr, or null to skip TLC. */
  readonly tlcCfg: string | null;
}

function configs(flags: readonly string[]): Config[] {
  const list: Config[] = [];
  for (const workers of [0, 2]) {
    const w = workers === 0 ? '' : `, ${workers} workers`;
    list.push(
      { name: `1 write, 1 read${w}`, writes: 1, reads: 1, symmetry: false, workers,
        tlcCfg: 'small_nosym.cfg' },
      { name: `1 write, 1 read, symmetry${w}`, writes: 1, reads: 1, symmetry: true, workers,
        tlcCfg: 'MultiPaxos_MC_small.cfg' },
    );
  }
  if (flags.includes('--full')) {
    list.push({ name: '2 writes, 1 read, symmetry, 2 workers', writes: 2, reads: 1,
      symmetry: true, workers: 2, tlcCfg: null });
  }
  return list;
}

function child(config: Config): void {
  measureInChild(() => checkSmr({
    replicas: 3, writes: config.writes, reads: config.reads, maxBallot: 2,
    symmetry: config.symmetry, refinement: false, properties: 'tlc', workers: config.workers,
  }).result);
}

/** shared/tla beside the repository (the worktrees' ../shared), or null when absent. */
function tlaDir(): string | null {
  for (const dir of [resolve('../shared/tla'), resolve('../../shared/tla')]) {
    if (existsSync(`${dir}/run-tlc`)) return dir;
  }
  return null;
}

/** TLC's one line of counts, its wall and CPU seconds (/usr/bin/time), measured here. */
function runTlcTimed(dir: string, cfg: string): { line: string; seconds: number; cpu: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', `${dir}/run-tlc`,
    `${dir}/multipaxos-smr`, 'MultiPaxos_MC', cfg], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  const m = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { line: r.stdout.trim(), seconds, cpu: m === null ? Number.NaN : Number(m[1]) + Number(m[2]) };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function run(log: (line: string) => void, flags: readonly string[]): Promise<void> {
  const dir = flags.includes('--no-tlc') ? null : tlaDir();
  log('MultiPaxos-SMR, 3 replicas, MaxBallot 2, invariants TypeOK and Linearizability (as ' +
    'MultiPaxos_MC.cfg); Synod packed model, single runs; TLC 2.20 via shared/tla/run-tlc, ' +
    '1 worker, run right after on the same machine.');
  log('');
  log('| model | distinct | generated | depth | Synod wall s | Synod CPU s | peak RSS MiB | ' +
    'TLC wall s | TLC CPU s | TLC line | TLC/Synod wall | TLC/Synod CPU |');
  log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|');
  // TLC runs once per model; the rows with workers are compared with the same TLC run.
  const tlcRuns = new Map<string, ReturnType<typeof runTlcTimed>>();
  for (const c of configs(flags)) {
    const s = await runChild(fileURLToPath(import.meta.url), c);
    let tlc = dir === null || c.tlcCfg === null ? null : tlcRuns.get(c.tlcCfg) ?? null;
    if (tlc === null && dir !== null && c.tlcCfg !== null) {
      tlc = runTlcTimed(dir, c.tlcCfg);
      tlcRuns.set(c.tlcCfg, tlc);
    }
    const ratio = (x: number, y: number): string => `${(x / y).toFixed(1)}x`;
    log(`| ${c.name} | ${fmt(s.distinctStates)} | ${fmt(s.generatedStates)} | ${s.depth} | ` +
      `${s.seconds.toFixed(1)} | ${s.cpuSeconds.toFixed(1)} | ${fmt(s.maxRssMiB)} | ` +
      `${tlc === null ? '' : tlc.seconds.toFixed(1)} | ${tlc === null ? '' : tlc.cpu.toFixed(1)} | ` +
      `${tlc?.line ?? ''} | ${tlc === null ? '' : ratio(tlc.seconds, s.seconds)} | ` +
      `${tlc === null ? '' : ratio(tlc.cpu, s.cpuSeconds)} |`);
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) child(JSON.parse(process.argv[childAt + 1]!) as Config);
