/**
 * Every mutant of test/sim/mutants.ts is caught by the simulator's checks, with the seed that
 * shows it and the check (and, for the refinement, the spec action or property) it breaks. The
 * correct server, on the same seeds and profiles, passes: the checks are not merely strict.
 */
import { describe, expect, it } from 'vitest';
import { parseFaults, type Faults } from '../../src/sim/faults.js';
import { simulate, type SimReport } from '../../src/sim/simulate.js';
import { linearizability } from '../../src/cli/sim-history.js';
import { mutants } from './mutants.js';

/** The linearizability check `synod simulate` runs (src/cli/sim-history.ts). */
const history = linearizability();

interface Expectation {
  readonly mutant: string;
  readonly check: string;
  readonly property?: string;
  readonly faults: string;
}

/** Which check catches which mutant, and the fault profile that shows it within a few seeds. */
const table: readonly Expectation[] = [
  { mutant: 'forgetful-acceptor', check: 'refinement', property: 'Phase1b', faults: 'all' },
  { mutant: 'blind-proposer', check: 'refinement', property: 'Phase2a', faults: 'all' },
  { mutant: 'amnesiac-proposer', check: 'ballots-unique', faults: 'all' },
  { mutant: 'ballot-blind-learner', check: 'learned-is-chosen', faults: 'all,loss=0.3' },
  { mutant: 'local-reader', check: 'linearizability', faults: 'all' },
];

const SEEDS_MAX = 200;

function faults(text: string): Faults {
  const f = parseFaults(text);
  if (typeof f === 'string') throw new Error(f);
  return f;
}

/** The first seed in 1..SEEDS_MAX on which `step` breaks a check, with its report. */
function hunt(step: (typeof mutants)[number]['step'], f: Faults): SimReport | null {
  for (let seed = 1; seed <= SEEDS_MAX; seed++) {
    const r = simulate({ history, seed, steps: 2000, faults: f, step });
    if (r.violation !== null) return r;
  }
  return null;
}

describe('mutants', () => {
  it('has one expectation per mutant', () => {
    expect(table.map((t) => t.mutant).sort()).toEqual(mutants.map((m) => m.name).sort());
  });
  for (const t of table) {
    const m = mutants.find((x) => x.name === t.mutant)!;
    it(`catches ${m.breaks} (${m.name}) by ${t.check}${t.property ? ` ${t.property}` : ''}`, () => {
      const r = hunt(m.step, faults(t.faults));
      expect(r, `${m.name} survived seeds 1..${SEEDS_MAX}`).not.toBeNull();
      console.log(`${m.name}: seed ${r!.seed}, ${r!.violation!.check}` +
        `${r!.violation!.property ? ` (${r!.violation!.property})` : ''}: ` +
        r!.violation!.summary);
      expect(r!.violation!.check).toBe(t.check);
      if (t.property !== undefined) expect(r!.violation!.property).toBe(t.property);
      const correct = simulate({ history, seed: r!.seed, steps: 2000, faults: faults(t.faults) });
      expect(correct.violation).toBeNull();
    });
  }
});
