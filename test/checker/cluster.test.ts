/**
 * The implementation, model-checked exhaustively: the reducer of src/paxos/ composed with a
 * network that loses, duplicates and reorders (src/checker/models/cluster.ts), explored by the
 * same engine that checks the spec, with the refinement mapping and every named property checked
 * on every state and step. The bounds are stated in each test name; docs/checker.md has larger
 * runs and their figures.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../src/checker/engine.js';
import { clusterModel, type ClusterBounds } from '../../src/checker/models/cluster.js';
import { mutants } from '../sim/mutants.js';

/** Two clients racing: A calls SetVarX(A) at s1 and B calls SetVarX(B) at s2. */
const race: ClusterBounds = { servers: 3, clients: 2, maxRound: 0, crashes: 0, votesTo: [0] };

const mutant = (name: string) => {
  const m = mutants.find((x) => x.name === name);
  if (m === undefined) throw new Error(`no mutant ${name}`);
  return m.step;
};

describe('the implementation composed with a lossy, duplicating, reordering network', () => {
  it('3 servers, 2 clients, ballots of round 0, 2b delivered to s1: every state refines the spec', () => {
    const r = check(clusterModel(race));
    expect(r.verdict).toBe('ok');
    expect(r.unreached).toEqual([]);
    expect(r.distinctStates).toBe(69_961);
    expect(r.depth).toBe(25);
  });

  it('is not vacuous: with one client, two ballots never reach phase 2, and it says so', () => {
    const r = check(clusterModel({ servers: 3, clients: 1, maxRound: 0, crashes: 0 }));
    expect(r.verdict).toBe('vacuous');
    expect(r.unreached).toEqual(['TwoBallotsReachPhase2']);
  });
});

describe('mutants of the implementation, caught exhaustively with a shortest counterexample', () => {
  it('an acceptor that does not persist its promise: its 1b is not a spec step of its disk', () => {
    const r = check(clusterModel({ ...race, crashes: 1, step: mutant('forgetful-acceptor') }));
    expect(r.verdict).toBe('violation');
    expect(r.violation?.property).toBe('Refinement');
    expect(r.trace.map((t) => t.action)).toEqual([
      null, 'client A: SetVarX(A) at s1', 'deliver 1a(0.s1) to s1',
    ]);
  });

  it('a proposer that ignores previously accepted values: Phase2a refuses its 2a', () => {
    const r = check(clusterModel({ ...race, step: mutant('blind-proposer') }));
    expect(r.verdict).toBe('violation');
    expect(r.violation?.property).toBe('Refinement');
    expect(r.trace).toHaveLength(12);
    expect(r.trace.at(-1)?.action).toBe('deliver 1b(s2, 0.s2, 0.s1/A) to s2');
    expect(r.trace.at(-1)?.change).toMatch(/sends 2a\(0\.s2, B\)/);
  });

  it('a learner that counts votes across ballots: it learns a value that is not chosen', () => {
    const r = check(clusterModel({ ...race, votesTo: undefined, step: mutant('ballot-blind-learner') }));
    expect(r.verdict).toBe('violation');
    expect(r.violation?.property).toBe('LearnedIsChosen');
    expect(r.trace).toHaveLength(15);
  });
});
