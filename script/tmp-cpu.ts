import { MP_ALL_FAULTS } from '../src/cli/simulate-multipaxos.js';
import { checkMachineHistory } from '../src/history/machine.js';
import { simulateMultiPaxos } from '../src/sim/multipaxos/simulate.js';
const from = Number(process.argv[2]); const n = Number(process.argv[3]);
for (const refine of (process.argv[4] === "only" ? [true] : [false, true])) {
  const t = process.cpuUsage();
  const bad: string[] = [];
  for (let seed = from; seed < from + n; seed++) {
    const r = simulateMultiPaxos({ seed, servers: 5, members: 3, reconfig: true, faults: MP_ALL_FAULTS,
      linearizability: checkMachineHistory, ...(refine ? {} : { refinement: null }) });
    if (r.violation) bad.push(`${seed}: ${JSON.stringify(r.violation)}`);
  }
  const u = process.cpuUsage(t);
  console.log(refine ? 'refinement' : 'none', ((u.user + u.system) / 1e6).toFixed(1), 's cpu', bad);
}
