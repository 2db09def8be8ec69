/**
 * The per-slot reconfiguration spec (spec/multipaxos/reconfig.ts; issue 11, section 2) checked
 * exhaustively by the engine at small bounds, and its mutants (slots-reconfig-mutants.ts), each
 * caught by its named property with a shortest counterexample, pinned step by step.
 *
 * Bounds: 3 servers, initial configuration {n1, n2, n3}, one command v1 and one configuration
 * command (the configuration becomes {n1}: two servers leave at once, which the alpha window
 * allows), 2 slots, ballots 0..1, alpha 1. The counts are Synod's own (no TLA+ original exists to
 * compare with). With 3 slots the spec holds on 2,684,285 states (14,171,224 generated, depth 29;
 * 296 s here on 2 December 2026, docs/reconfiguration.md), too slow for CI.
 *
 * A second set of constants, `disjoint`, starts from the one-server configuration {n1} with n2
 * and n3 as non-members, and its configuration command replaces {n1} by {n2, n3}, which shares
 * no server with it: the spec holds there too (no overlap guard is needed), and non-members vote
 * from the start, which is what the member-only counting mutant needs to go wrong within 2 slots
 * (from {n1, n2, n3} it needs a third slot, beyond what CI can explore).
 */
import { describe, expect, it } from 'vitest';
import { slotsReconfigProperties } from '../../spec/multipaxos/reconfig-properties.js';
import type { Constants } from '../../spec/multipaxos/reconfig.js';
import { check, type CheckResult } from '../../src/checker/engine.js';
import { slotsReconfigModel } from '../../src/checker/models/slots-reconfig.js';
import * as M from './slots-reconfig-mutants.js';

const k: Constants = {
  servers: 3, initial: 0b111, dataValues: 1, configs: [0b001], slots: 2, maxBallot: 1, alpha: 1,
};
const disjoint: Constants = { ...k, initial: 0b001, configs: [0b110] };
const consistencyOnly = { properties: slotsReconfigProperties.slice(0, 1) };
const steps = (r: CheckResult): string[] =>
  r.trace.map((t) => `${t.action ?? 'Init'}: ${t.change}`);

describe('SlotsReconfig, 3 servers, 2 slots, ballots 0..1, alpha 1', () => {
  it('holds Consistency and ConfigKnownBeforeProposal on all 39,181 states, none vacuous', () => {
    const r = check(slotsReconfigModel(k));
    expect([r.verdict, r.distinctStates, r.generatedStates, r.depth, r.unreached])
      .toEqual(['ok', 39_181, 164_032, 21, []]);
  });
});

describe('SlotsReconfig from {n1} to the disjoint {n2, n3}, non-members n2 and n3 voting', () => {
  it('holds Consistency and ConfigKnownBeforeProposal on all 39,021 states, none vacuous', () => {
    const r = check(slotsReconfigModel(disjoint));
    expect([r.verdict, r.distinctStates, r.generatedStates, r.depth, r.unreached])
      .toEqual(['ok', 39_021, 167_558, 19, []]);
  });
});

describe('Phase2a without Known (a leader proposes past its alpha window)', () => {
  it('breaks ConfigKnownBeforeProposal after 4 states', () => {
    const r = check(slotsReconfigModel(k, { impl: M.unknownConfig }));
    expect([r.violation?.property, r.trace.length]).toEqual(['ConfigKnownBeforeProposal', 4]);
  });

  it('and then Consistency: slot 1 chooses two values under {n1}, after 10 states', () => {
    const r = check(slotsReconfigModel(k, { impl: M.unknownConfig, ...consistencyOnly }));
    expect(r.violation?.summary).toBe('slot 1 (configuration {n1}) has two values chosen: ' +
      'v1 in ballot 0 by {n1} and config {n1} in ballot 1 by {n1}');
    expect(steps(r)).toEqual([
      'Init: initial state',
      'Phase1b(n2, 1): maxBal[n2] -1 -> 1',
      'Phase1b(n3, 1): maxBal[n3] -1 -> 1',
      'Phase2a(0, slot 1, v1): 2a(0, slot 1, v1)',
      'Phase2b(n1, 0, slot 1): maxBal[n1] -1 -> 0; n1 votes v1 (0, slot 1)',
      'Phase2a(1, slot 0, config {n1}): 2a(1, slot 0, config {n1})',
      'Phase2b(n1, 1, slot 0): maxBal[n1] 0 -> 1; n1 votes config {n1} (1, slot 0)',
      'Phase2a(1, slot 1, config {n1}): 2a(1, slot 1, config {n1})',
      'Phase2b(n2, 1, slot 0): n2 votes config {n1} (1, slot 0); ConfigAt(1) = {n1}',
      'Phase2b(n1, 1, slot 1): n1 votes config {n1} (1, slot 1)',
    ]);
  });
});

describe('Phase2a without SlotQuorum (safety shown to the configuration of the election)', () => {
  it('breaks Consistency: slot 1 chooses two values under {n1}, after 10 states', () => {
    const r = check(slotsReconfigModel(k, { impl: M.electionConfigQuorum }));
    expect([r.violation?.property, r.distinctStates]).toEqual(['Consistency', 5_147]);
    expect(r.violation?.witness).toMatchObject({ slot: 1, config: 0b001 });
    expect(steps(r)).toEqual([
      'Init: initial state',
      'Phase1b(n2, 1): maxBal[n2] -1 -> 1',
      'Phase1b(n3, 1): maxBal[n3] -1 -> 1',
      'Phase2a(1, slot 0, config {n1}): 2a(1, slot 0, config {n1})',
      'Phase2b(n2, 1, slot 0): n2 votes config {n1} (1, slot 0)',
      'Phase2b(n3, 1, slot 0): n3 votes config {n1} (1, slot 0); ConfigAt(1) = {n1}',
      'Phase2a(0, slot 1, v1): 2a(0, slot 1, v1)',
      'Phase2b(n1, 0, slot 1): maxBal[n1] -1 -> 0; n1 votes v1 (0, slot 1)',
      'Phase2a(1, slot 1, config {n1}): 2a(1, slot 1, config {n1})',
      'Phase2b(n1, 1, slot 1): maxBal[n1] 0 -> 1; n1 votes config {n1} (1, slot 1)',
    ]);
  });
});

describe('without member-only counting (a leader counts non-members toward choosing)', () => {
  it('breaks ConfigKnownBeforeProposal after 5 states: a non-member vote "chooses" slot 0', () => {
    const r = check(slotsReconfigModel(disjoint, { impl: M.nonMemberCounting }));
    expect([r.violation?.property, r.trace.length]).toEqual(['ConfigKnownBeforeProposal', 5]);
    expect(steps(r)).toEqual([
      'Init: initial state',
      'Phase1b(n1, 0): maxBal[n1] -1 -> 0',
      'Phase2a(0, slot 0, v1): 2a(0, slot 0, v1)',
      'Phase2b(n2, 0, slot 0): maxBal[n2] -1 -> 0; n2 votes v1 (0, slot 0)',
      'Phase2a(0, slot 1, v1): 2a(0, slot 1, v1)',
    ]);
  });

  it('and then Consistency: slot 1 chooses two values under {n1}, after 12 states', () => {
    const impl = M.nonMemberCounting;
    const r = check(slotsReconfigModel(disjoint, { impl, ...consistencyOnly }));
    expect([r.violation?.property, r.distinctStates]).toEqual(['Consistency', 36_007]);
    expect(r.violation?.summary).toBe('slot 1 (configuration {n1}) has two values chosen: ' +
      'v1 in ballot 0 by {n1} and config {n2, n3} in ballot 1 by {n1}');
    expect(steps(r)).toEqual([
      'Init: initial state',
      'Phase1b(n1, 0): maxBal[n1] -1 -> 0',
      'Phase2a(0, slot 0, config {n2, n3}): 2a(0, slot 0, config {n2, n3})',
      'Phase2b(n2, 0, slot 0): maxBal[n2] -1 -> 0; n2 votes config {n2, n3} (0, slot 0)',
      'Phase1b(n2, 1): maxBal[n2] 0 -> 1',
      'Phase1b(n3, 1): maxBal[n3] -1 -> 1',
      'Phase2a(0, slot 1, v1): 2a(0, slot 1, v1)',
      'Phase2b(n1, 0, slot 1): n1 votes v1 (0, slot 1)',
      'Phase2a(1, slot 1, config {n2, n3}): 2a(1, slot 1, config {n2, n3})',
      'Phase2b(n1, 1, slot 1): maxBal[n1] 0 -> 1; n1 votes config {n2, n3} (1, slot 1)',
      'Phase2a(1, slot 0, v1): 2a(1, slot 0, v1)',
      'Phase2b(n1, 1, slot 0): n1 votes v1 (1, slot 0); ConfigAt(1) = {n1}',
    ]);
  });
});
