/**
 * Benchmark of the model checker (issue 2, section 7): distinct states, states generated per
 * second and peak memory for Paxos with 3 acceptors, 2 values, majority quorums, MaxBallot 2
 * and 3, with and without symmetry, every property on (the state properties, R1, the
 * "sometimes" targets), and MaxBallot 2 with refinement to Voting as well.
 *
 * Each run is a fresh child process (this file, started with --child), so that its peak
 * resident memory (resourceUsage().maxRSS) is its own. Medians of several runs where a run is
 * short; the 8-million-state run is done once unless --full. The anchors are TLC's figures in
 * shared/REFERENCE.md. CPU seconds are reported beside wall time: on a shared machine the
 * wall time measures the other jobs as much as the checker.
 *
 * Usage: node dist/test/bench/run.js checker [--full] [--quick]
 */
import { fileURLToPath } from 'node:url';
import { measureInChild, runChild, type Sample } from './check-child.js';
import { checkPaxos, type PaxosCheckSettings } from '../../src/checker/paxos-check.js';

interface Config {
  readonly name: string;
  readonly maxBallot: number;
  readonly symmetry: boolean;
  readonly refinement: boolean;
  readonly runs: number;
  /** TLC's wall time on the same model, from shared/REFERENCE.md, for comparison. */
  readonly tlcSeconds: number | null;
}

function configs(flags: readonly string[]): Config[] {
  const full = flags.includes('--full');
  const quick = flags.includes('--quick');
  const row = (maxBallot: number, symmetry: boolean, refinement: boolean, runs: number,
    tlcSeconds: number | null): Config => ({
    name: [`MaxBallot ${maxBallot}`, symmetry ? 'symmetry' : '', refinement ? 'refinement' : '']
      .filter((x) => x !== '').join(', '),
    maxBallot, symmetry, refinement, runs, tlcSeconds,
  });
  const list: Config[] = [
    row(2, false, false, 5, 29),
    row(2, true, false, 5, null),
    row(2, false, true, 3, 116),
    row(3, true, false, 3, 242),
    row(3, false, false, full ? 3 : 1, null),
  ];
  return quick ? list.filter((c) => c.maxBallot === 2) : list;
}

function settings(c: Config): PaxosCheckSettings {
  return {
    acceptors: 3, values: 2, maxBallot: c.maxBallot, quorums: null, symmetry: c.symmetry,
    refinement: c.refinement, model: 'packed',
  };
}

function child(config: Config): void {
  measureInChild(() => checkPaxos(settings(config)).result);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export async function run(log: (line: string) => void, flags: readonly string[]): Promise<void> {
  log('Paxos, 3 acceptors, 2 values, majority quorums, packed model, every property on; ' +
    'medians over the runs. TLC = TLC 2.20, 1 worker (shared/REFERENCE.md).');
  log('');
  log('| command | runs | distinct states | generated | depth | wall s | CPU s | generated/s ' +
    '(wall) | generated/CPU s | peak RSS MiB | TLC s | TLC s / wall s |');
  log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of configs(flags)) {
    const samples: Sample[] = [];
    for (let i = 0; i < c.runs; i++) samples.push(await runChild(fileURLToPath(import.meta.url), c));
    const first = samples[0]!;
    if (samples.some((s) => s.distinctStates !== first.distinctStates || s.verdict !== 'ok')) {
      throw new Error(`${c.name}: runs disagree or fail: ${JSON.stringify(samples)}`);
    }
    const wall = median(samples.map((s) => s.seconds));
    const cpu = median(samples.map((s) => s.cpuSeconds));
    const rss = median(samples.map((s) => s.maxRssMiB));
    const tlc = c.tlcSeconds === null ? '' : String(c.tlcSeconds);
    const speedup = c.tlcSeconds === null ? '' : `${(c.tlcSeconds / wall).toFixed(1)}x`;
    log(`| \`synod check paxos --max-ballot ${c.maxBallot}${c.symmetry ? ' --symmetry' : ''}` +
      `${c.refinement ? ' --refinement' : ''}\` | ${c.runs} | ${fmt(first.distinctStates)} | ` +
      `${fmt(first.generatedStates)} | ${first.depth} | ${wall.toFixed(1)} | ${cpu.toFixed(1)} | ` +
      `${fmt(first.generatedStates / wall)} | ${fmt(first.generatedStates / cpu)} | ` +
      `${fmt(rss)} | ` +
      `${tlc} | ${speedup} |`);
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) child(JSON.parse(process.argv[childAt + 1]!) as Config);
