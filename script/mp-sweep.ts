/**
 * The recorded Multi-Paxos seed sweep (docs/benchmarks.md): seeds FROM..FROM+COUNT-1 of
 * `synod simulate multipaxos` with the default faults, every check on, in the CI sweep's
 * profiles (test/sim/multipaxos/seeds.ts, profileOf: KV with log reads, the ledger, KV with
 * read-index reads), stopping at the first violation. Prints progress every 1,000 seeds
 * and a summary line.
 *
 * Usage: npx tsx script/mp-sweep.ts [FROM] [COUNT] [STEPS]   (defaults 1 100000 400)
 */
import { MP_ALL_FAULTS } from '../src/cli/simulate-multipaxos.js';
import { checkMachineHistory } from '../src/history/machine.js';
import { simulateMultiPaxos } from '../src/sim/multipaxos/simulate.js';
import { profileOf } from '../test/sim/multipaxos/seeds.js';

const from = Number(process.argv[2] ?? 1);
const count = Number(process.argv[3] ?? 100_000);
const steps = Number(process.argv[4] ?? 400);
const t0 = Date.now();
let events = 0;
let commands = 0;
for (let seed = from; seed < from + count; seed++) {
  const r = simulateMultiPaxos({
    seed, steps, faults: MP_ALL_FAULTS, linearizability: checkMachineHistory, ...profileOf(seed),
  });
  events += r.events;
  commands += r.commands;
  if (r.violation !== null) {
    console.log(`VIOLATION seed ${seed} (${r.machine}, reads ${r.reads}): ${r.violation.check} ` +
      `${r.violation.property ?? ''} ${r.violation.summary}`);
    process.exit(1);
  }
  if ((seed - from + 1) % 1000 === 0) {
    console.log(`${seed - from + 1} seeds, ${events} events, ${commands} commands, ` +
      `${Math.round((Date.now() - t0) / 1000)} s`);
  }
}
console.log(`sweep: seeds ${from}..${from + count - 1}, ${steps} steps each: every check passed; ` +
  `${events} events, ${commands} commands chosen, ${Math.round((Date.now() - t0) / 1000)} s`);
