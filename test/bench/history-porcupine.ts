/**
 * Benchmark of `synod history check` on Porcupine's published test data: the 102 etcd Jepsen
 * logs (cas-register) and the 6 kv EDN histories (get/put/append), in their original formats.
 * Each file is timed from its text to the verdict (detecting the format, reading, pairing,
 * checking), in-process, as the CLI does it; the row is the median of --runs runs after one
 * warm-up, and the total is the sum of the medians. Wall and CPU time are both reported, since
 * this 2-core machine is shared and wall time swings with its load.
 *
 * The data: PORCUPINE_DATA (or --data=DIR) names a copy of Porcupine's `test_data/` directory;
 * without it, the four files committed under test/history/testdata/porcupine are timed, and
 * the output says so. Flags: --runs=N (default 5).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { adapterOf, callsOf } from '../../src/history/catalog.js';
import { checkLinearizable } from '../../src/history/index.js';
import { readHistory } from '../../src/history/read.js';
import { median } from './stats.js';

interface Timing {
  readonly file: string;
  readonly verdict: string;
  readonly calls: number;
  readonly steps: number;
  readonly wallMs: number;
  readonly cpuMs: number;
}

function option(flags: readonly string[], name: string): string | undefined {
  return flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** The histories to time: every file of `root`'s jepsen/ and kv/, or of the committed four. */
function histories(root: string | undefined): string[] {
  if (root === undefined) {
    const here = 'test/history/testdata/porcupine';
    return readdirSync(here).filter((f) => f !== 'NOTICE.md').sort()
      .map((f) => path.join(here, f));
  }
  return ['jepsen', 'kv'].flatMap((dir) => readdirSync(path.join(root, dir)).sort()
    .map((f) => path.join(root, dir, f)));
}

function checkText(text: string, model: 'cas-register' | 'kv'): { verdict: string;
  calls: number; steps: number } {
  const adapter = adapterOf(model);
  const { ops } = callsOf(readHistory(text, null).events, adapter);
  const r = checkLinearizable(ops, adapter.model);
  return { verdict: r.verdict, calls: ops.length, steps: r.steps };
}

function time(file: string, runs: number): Timing | null {
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return null; // etcd_095.log is empty: Porcupine has no test for it
  const model = path.basename(file).startsWith('etcd_') ? 'cas-register' : 'kv';
  const first = checkText(text, model); // warm-up, not timed
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < runs; r++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    checkText(text, model);
    walls.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  return { file: path.basename(file), ...first, wallMs: median(walls), cpuMs: median(cpus) };
}

export async function run(log: (line: string) => void, flags: readonly string[]): Promise<void> {
  const runs = Number(option(flags, 'runs') ?? 5);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error('bench: bad --runs');
  const root = option(flags, 'data') ?? process.env['PORCUPINE_DATA'];
  log(`Command: \`PORCUPINE_DATA=${root ?? '(unset)'} npm run bench -- history-porcupine ` +
    `--runs=${runs}\``);
  if (root === undefined) log('(PORCUPINE_DATA unset: only the four committed files)');
  const timings = histories(root).map((f) => time(f, runs)).filter((t): t is Timing => t !== null);
  const sum = (ts: readonly Timing[], k: 'wallMs' | 'cpuMs'): number =>
    ts.reduce((s, t) => s + t[k], 0);
  log('');
  log('| histories | files | linearizable | not | unknown | wall ms (sum of medians) | ' +
    'CPU ms (sum of medians) |');
  log('|---|---:|---:|---:|---:|---:|---:|');
  const groups: [string, Timing[]][] = [
    ['etcd (jepsen-log, cas-register)', timings.filter((t) => t.file.startsWith('etcd_'))],
    ['kv (edn, get/put/append)', timings.filter((t) => !t.file.startsWith('etcd_'))],
    ['all', timings],
  ];
  for (const [name, ts] of groups) {
    const count = (v: string): number => ts.filter((t) => t.verdict === v).length;
    log(`| ${name} | ${ts.length} | ${count('linearizable')} | ${count('not-linearizable')} | ` +
      `${count('unknown')} | ${sum(ts, 'wallMs').toFixed(1)} | ${sum(ts, 'cpuMs').toFixed(1)} |`);
  }
  log('');
  log('Slowest files:');
  log('');
  log('| file | calls | verdict | search steps | wall ms | CPU ms |');
  log('|---|---:|---|---:|---:|---:|');
  for (const t of [...timings].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 6)) {
    log(`| ${t.file} | ${t.calls} | ${t.verdict} | ${t.steps} | ${t.wallMs.toFixed(1)} | ` +
      `${t.cpuMs.toFixed(1)} |`);
  }
}
