/**
 * The simulator at CI scale, and the properties of the simulator itself: runs replay from their
 * seed, every fault actually happens, every check has a "sometimes" partner (values get chosen,
 * ballots compete, reads complete votes), and any N from 1 to 9 works.
 */
import { describe, expect, it } from 'vitest';
import { ALL_FAULTS, NO_FAULTS } from '../../src/sim/faults.js';
import { simulate, type SimReport } from '../../src/sim/simulate.js';
import type { FaultCounts, Observer } from '../../src/sim/world.js';

/**
 * Counts the reducer's outcomes: actions, ignored and refused reasons, and reads that completed a
 * vote.
 */
function outcomeCounter(): Observer & { readonly seen: Record<string, number> } {
  const seen: Record<string, number> = {};
  return {
    seen,
    onEvent: (e) => {
      if (e.kind !== 'server-step') return;
      const o = e.step.result.outcome;
      const fromRead = e.step.input.kind === 'deliver' && e.step.input.msg.type === 'read-ok';
      const key = o.kind !== 'acted' ? o.reason
        : o.action === 'Phase1a' && fromRead ? 'read-completes-a-vote' : o.action;
      seen[key] = (seen[key] ?? 0) + 1;
    },
  };
}

/** The CI profile of the issue: at least 1,000 seeds of at least 2,000 steps, all faults on. */
const CI_SEEDS = 1000;
const CI_STEPS = 2000;

describe('the simulator at CI scale', () => {
  it(`finds no violation in ${CI_SEEDS} seeds x ${CI_STEPS} steps with every fault on`, () => {
    const totals: Record<keyof FaultCounts, number> = {
      lost: 0, duplicated: 0, delayed: 0, reordered: 0, partitions: 0, crashes: 0,
      midStepCrashes: 0, clientCrashes: 0, undeliverable: 0,
    };
    let chosen = 0;
    let contested = 0;
    let livenessMax = 0;
    const failures: string[] = [];
    const outcomes = outcomeCounter();
    for (let seed = 1; seed <= CI_SEEDS; seed++) {
      const r = simulate({ seed, steps: CI_STEPS, faults: ALL_FAULTS, observers: [outcomes] });
      if (r.violation !== null) failures.push(`seed ${seed}: ${JSON.stringify(r.violation)}`);
      if (r.chosen !== null) chosen++;
      // Chosen in a ballot above round 0: some proposer had to retry, so ballots competed.
      if (r.chosen !== null && !r.chosen.ballot.startsWith('0.')) contested++;
      livenessMax = Math.max(livenessMax, r.livenessSteps ?? Infinity);
      for (const k of Object.keys(totals) as (keyof FaultCounts)[]) totals[k] += r.injected[k];
    }
    console.log(`CI sweep: chosen in ${chosen}/${CI_SEEDS}, contested ${contested}, ` +
      `liveness max ${livenessMax} events, faults ${JSON.stringify(totals)}`);
    expect(failures).toEqual([]);
    // The "sometimes" partners: the runs are not vacuous.
    expect(chosen).toBeGreaterThan(CI_SEEDS * 0.95);
    expect(contested).toBeGreaterThan(CI_SEEDS * 0.2);
    for (const [k, n] of Object.entries(totals)) expect(n, k).toBeGreaterThan(0);
    // Every way of ignoring an input happens in simulation (but 'other-slot': one slot today),
    // and so do empty reads, reads that complete a vote, and backoffs.
    const sometimes = [
      'prepare-not-above-maxBal', 'promised-higher', 'not-in-phase1', 'stale-ballot',
      'duplicate-promise', 'no-ballot-in-flight', 'already-learned', 'stale-vote',
      'duplicate-vote', 'stale-read', 'duplicate-read-reply', 'superseded-timer',
      'timer-after-learned', 'finished-read-timer', 'duplicate-request',
      'ReadDone', 'read-completes-a-vote', 'Backoff', 'Restart', 'Learn',
    ];
    for (const k of sometimes) expect(outcomes.seen[k] ?? 0, k).toBeGreaterThan(0);
  });
});

describe('replay', () => {
  it('gives the same run, event for event, from the same seed', () => {
    const a = simulate({ seed: 42, steps: 1500, faults: ALL_FAULTS });
    const b = simulate({ seed: 42, steps: 1500, faults: ALL_FAULTS });
    expect(b).toEqual(a);
  });
  it('gives different runs from different seeds', () => {
    const a = simulate({ seed: 1, steps: 1500, faults: ALL_FAULTS });
    const b = simulate({ seed: 2, steps: 1500, faults: ALL_FAULTS });
    expect(b.injected).not.toEqual(a.injected);
  });
});

describe('cluster sizes', () => {
  for (let servers = 1; servers <= 9; servers++) {
    it(`runs ${servers} server(s) with every fault on and every check passing`, () => {
      const reports: SimReport[] = [];
      for (let seed = 1; seed <= 20; seed++) {
        reports.push(simulate({ seed, servers, clients: 4, steps: 1500, faults: ALL_FAULTS }));
      }
      expect(reports.map((r) => r.violation)).toEqual(reports.map(() => null));
      expect(reports.filter((r) => r.chosen !== null).length).toBeGreaterThan(15);
    });
  }
});

describe('a distinguished proposer', () => {
  it('keeps every check passing, faults on', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = simulate({ seed, steps: 1500, faults: ALL_FAULTS, distinguished: 0 });
      expect(r.violation, `seed ${seed}`).toBeNull();
    }
  });
});

describe('a fault-free world', () => {
  it('chooses one of the values the clients proposed and every call returns', () => {
    const r = simulate({ seed: 3, steps: 500, faults: NO_FAULTS });
    expect(r.violation).toBeNull();
    expect(['A', 'B', 'C']).toContain(r.chosen?.val);
    expect(r.calls.returned).toBe(r.calls.invoked);
    expect(r.injected.crashes + r.injected.lost + r.injected.duplicated).toBe(0);
  });
});
