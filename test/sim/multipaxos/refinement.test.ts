/**
 * The refinement of the Multi-Paxos servers to the per-slot spec (src/sim/multipaxos/
 * refinement.ts): clean runs map onto spec steps with every per-slot property holding, the
 * incremental slot views equal the spec's slotView, and a spec that forbids what the servers
 * do is reported with the action and the conjunct (so the check can fail).
 */
import { describe, expect, it } from 'vitest';
import { actions, type Actions } from '../../../spec/multipaxos/slots.js';
import { checkMachineHistory } from '../../../src/history/machine.js';
import { MP_ALL_FAULTS } from '../../../src/cli/simulate-multipaxos.js';
import { mpRefinement } from '../../../src/sim/multipaxos/refinement.js';
import { simulateMultiPaxos, type MpSimOptions } from '../../../src/sim/multipaxos/simulate.js';

const base: MpSimOptions = {
  seed: 0, steps: 600, faults: MP_ALL_FAULTS, linearizability: checkMachineHistory,
};

describe('refinement to the per-slot spec', () => {
  it('maps clean runs onto spec steps, the kept slot views equal to slotView', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = simulateMultiPaxos({
        ...base, seed, snapshotEvery: 4,
        refinement: (sink, cfg) => mpRefinement(sink, cfg, { exactViews: true }),
      });
      expect(r.violation, `seed ${seed}`).toBeNull();
      expect(r.passed).toContain('refinement');
      expect(r.passed).toContain('linearizability');
      expect(r.specSteps).toBeGreaterThan(20);
      expect(r.stutters).toBeGreaterThan(0);
    }
  });

  it('judges each slot under its own members in reconfig runs, views and verdicts exact', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const r = simulateMultiPaxos({
        ...base, seed, steps: 2000, servers: 5, members: 3, reconfig: true, snapshotEvery: 4,
        refinement: (sink, cfg, membersAt) =>
          mpRefinement(sink, cfg, { exactViews: true, literal: true, membersAt }),
      });
      expect(r.violation, `seed ${seed}`).toBeNull();
      expect(r.passed).toContain('refinement');
      expect(r.membership?.commands, `seed ${seed}`).toBeGreaterThan(0);
    }
  });

  it('refuses a run with membership changes but no account of the members', () => {
    expect(() => simulateMultiPaxos({
      ...base, seed: 1, servers: 5, members: 3, reconfig: true,
      refinement: (sink, cfg) => mpRefinement(sink, cfg),
    })).toThrow(/needs membersAt/);
  });

  it('checks the state properties from what each step changed exactly as the literal check', () => {
    // literal: every touched slot's view is also checked with firstViolation after every step,
    // and the two verdicts (and the 1a shortcut's skipped slots) asserted equal.
    for (let seed = 7; seed <= 14; seed++) {
      const r = simulateMultiPaxos({
        ...base, seed, snapshotEvery: 4,
        refinement: (sink, cfg) => mpRefinement(sink, cfg, { literal: true }),
      });
      expect(r.violation, `seed ${seed}`).toBeNull();
    }
  });

  it('runs by default, and is reported as not run when turned off', () => {
    const on = simulateMultiPaxos({ ...base, seed: 3 });
    expect(on.passed).toContain('refinement');
    const off = simulateMultiPaxos({ ...base, seed: 3, refinement: null });
    expect(off.unchecked.join(' ')).toMatch(/^refinement/);
  });

  it('reports the action and conjunct when the spec forbids a step the servers take', () => {
    // A spec in which no acceptor may vote: the first 2b is no spec step.
    const mute: Actions = {
      ...actions,
      Phase2b: () => ({ ok: false, conjunct: 'FALSE', why: 'no votes in this variant' }),
    };
    const r = simulateMultiPaxos({
      ...base, seed: 1, refinement: (sink, cfg) => mpRefinement(sink, cfg, { actions: mute }),
    });
    expect(r.violation?.check).toBe('refinement');
    expect(r.violation?.property).toBe('Phase2b');
    expect(r.violation?.summary).toMatch(/FALSE: no votes in this variant/);
  });
});
