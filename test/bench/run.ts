/**
 * `npm run bench`: every benchmark suite in turn, each printing markdown rows that can be pasted
 * into docs/benchmarks.md. Benchmarks measure; they never pass or fail on time.
 *
 * Usage: node dist/test/bench/run.js [suite ...]   (no suite: all of them)
 */
import os from 'node:os';

type Suite = (log: (line: string) => void, args: readonly string[]) => Promise<void>;

const suites: Record<string, () => Promise<Suite>> = {
  trace: async () => (await import('./trace.js')).run,
  sim: async () => (await import('./sim.js')).run,
  history: async () => (await import('./history.js')).run,
  'history-porcupine': async () => (await import('./history-porcupine.js')).run,
  checker: async () => (await import('./checker.js')).run,
  'multipaxos-check': async () => (await import('./multipaxos-check.js')).run,
  cluster: async () => (await import('./cluster.js')).run,
  itf: async () => (await import('./itf.js')).run,
  'cluster-real': async () => (await import('./cluster-real.js')).run,
  'trace-multipaxos': async () => (await import('./trace-multipaxos.js')).run,
  'multipaxos-sim': async () => (await import('./multipaxos-sim.js')).run,
  viz: async () => (await import('./viz.js')).run,
  'mp-cluster': async () => (await import('./mp-cluster.js')).run,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
  const names = wanted.length > 0 ? wanted : Object.keys(suites);
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  log(`# synod benchmarks, ${new Date().toISOString()}`);
  log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  for (const name of names) {
    const load = suites[name];
    if (load === undefined) {
      process.stderr.write(`bench: unknown suite '${name}' (have: ${Object.keys(suites).join(', ')})\n`);
      process.exitCode = 2;
      return;
    }
    log(`\n## ${name}\n`);
    await (await load())(log, flags);
  }
}

await main();
