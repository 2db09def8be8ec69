/**
 * Finds the seed to pin for a Multi-Paxos mutant (test/sim/multipaxos/mutants.ts): tries seeds
 * 1, 2, 3, ... in the pinned configuration (DEFAULT: 3 servers, 3 clients, 2000 steps, all
 * faults) and prints the first on which the mutant is caught by its named check (and property)
 * while the correct server passes. Exits 1 if none of the seeds tried does.
 *
 * Usage: npx tsx script/mp-mutant-seed.ts MUTANT [MAX_SEED] [FIRST_SEED]   (200, 1)
 * FIRST_SEED skips seeds already tried, e.g. when a seed's shrunk run cannot be saved as a trace.
 */
import { DEFAULT, mpMutants, run, table } from '../test/sim/multipaxos/mutants.js';

const name = process.argv[2] ?? '';
const max = Number(process.argv[3] ?? 200);
const first = Number(process.argv[4] ?? 1);
const m = mpMutants.find((x) => x.name === name);
const t = table.find((x) => x.mutant === name);
if (m === undefined || t === undefined) {
  console.error(`unknown mutant "${name}"; one of ${mpMutants.map((x) => x.name).join(', ')}`);
  process.exit(2);
}
for (let seed = first; seed <= max; seed++) {
  const v = run({ seed, ...DEFAULT }, m).violation;
  const caught = v?.check === t.check && (t.property === undefined || v?.property === t.property);
  if (!caught) continue;
  if (run({ seed, ...DEFAULT }, m, {}, true).violation !== null) {
    console.log(`seed ${seed}: caught, but the correct server fails too; skipped`);
    continue;
  }
  console.log(`${name}: first seed caught by ${t.check}: ${seed} (event ${v?.event})`);
  process.exit(0);
}
console.log(`${name}: not caught by ${t.check} on seeds ${first}..${max}`);
process.exit(1);
