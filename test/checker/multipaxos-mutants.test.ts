/**
 * Mutants of MultiPaxos-SMR (issue 8, section 4; test/checker/multipaxos-mutants.ts): each is
 * caught by its named property with a shortest counterexample whose length is pinned (3
 * replicas, 1 write, 1 read, MaxBallot 2, symmetry; BFS levels do not depend on symmetry, so
 * the length is the unreduced model's too). Each run checks only the property that catches the
 * mutant, so that CI stays short; `synod check multipaxos` checks them all, in the order of
 * smrStateProperties, and the catching property is the first to fail in each case.
 * TLC 2.20 confirms three lengths on MultiPaxos.tla with the same bug written in (in /tmp,
 * MultiPaxos_MC_small.cfg): two commands in a slot, 5 states (invariant "one Accept command
 * per ballot and slot"); commit on a minority, 11 (Linearizability fails at the same depth);
 * local read, 8 (Linearizability).
 */
import { describe, expect, it } from 'vitest';
import { smrStateProperties } from '../../spec/multipaxos/smr-properties.js';
import { checkSmr, type SmrCheckSettings } from '../../src/checker/multipaxos-check.js';
import * as M from './multipaxos-mutants.js';

const base: SmrCheckSettings = {
  replicas: 3, writes: 1, reads: 1, maxBallot: 2, symmetry: true, refinement: false,
};

function caught(property: string, mutant: Partial<SmrCheckSettings>) {
  const state = smrStateProperties.filter((p) => p.name === property);
  const r = checkSmr({ ...base, ...mutant, properties: { state, step: [], reachability: [] } });
  return { r: r.result, actions: r.result.trace.map((t) => t.action ?? 'Init') };
}

describe('MultiPaxos-SMR mutants, each caught with a pinned shortest counterexample', () => {
  it('a new leader ignoring the vote reported in slot 1: Inv3, 11 states', () => {
    const { r, actions } = caught('Inv3', { impl: M.ignoresReportedVote });
    expect([r.verdict, r.violation?.property, r.trace.length]).toEqual(['violation', 'Inv3', 11]);
    expect(r.violation?.witness).toMatchObject({ slot: 1, ballot: 2, commands: ['r1'] });
    expect(actions.slice(-3)).toEqual(['HandlePrepare(s1) on Prepare(s2, bal 2)',
      'HandlePrepareReplies(s2)', 'TakeNewRequest(s2)']);
  });

  it('two commands in one slot: Inv3 (one 2a per ballot and slot), 5 states', () => {
    const { r, actions } = caught('Inv3', { impl: M.twoCommandsOneSlot });
    expect([r.violation?.property, r.trace.length]).toEqual(['Inv3', 5]);
    expect(r.violation?.witness).toMatchObject({ slot: 1, ballot: 1,
      messages: ['Accept(bal 1, slot 1, w1)', 'Accept(bal 1, slot 1, r1)'] });
    expect(actions).toEqual(['Init', 'BecomeLeader(s1, bal 1)',
      'HandlePrepare(s2) on Prepare(s1, bal 1)', 'HandlePrepareReplies(s1)',
      'TakeNewRequest(s1)']);
  });

  it('commit on a minority of accept replies: LogAgreement, 11 states', () => {
    const { r } = caught('LogAgreement', { impl: M.commitsOnMinority });
    expect([r.violation?.property, r.trace.length]).toEqual(['LogAgreement', 11]);
    expect(r.violation?.witness).toMatchObject({ slot: 1, commands: ['w1', 'r1'] });
  });

  it('a leader skipping phase 1 after a higher ballot was seen: Inv3, 11 states', () => {
    const { r } = caught('Inv3', { impl: M.skipsPhase1AfterHigherBallot });
    expect([r.violation?.property, r.trace.length]).toEqual(['Inv3', 11]);
    expect(r.violation?.witness).toMatchObject({ slot: 1, ballot: 2 });
  });

  it('a read answered from local state: Linearizability, 8 states', () => {
    const { r, actions } = caught('Linearizability', { extra: M.localRead });
    expect([r.violation?.property, r.trace.length]).toEqual(['Linearizability', 8]);
    expect(r.violation?.witness).toEqual(
      { history: ['Req(w1)', 'Ack(w1, nil)', 'Req(r1)', 'Ack(r1, nil)'] });
    expect(actions.at(-1)).toMatch(/^LocalRead\(s[23], r1\)$/);
  });

  it('commit of slot 2 before slot 1 is applied: StateMachineSafety, 8 states', () => {
    const { r } = caught('StateMachineSafety', { impl: M.commitsOutOfOrder });
    expect([r.violation?.property, r.trace.length]).toEqual(['StateMachineSafety', 8]);
    expect(r.violation?.summary).toBe('s1 holds nil but its applied slots 1..2 give w1');
  });
});
