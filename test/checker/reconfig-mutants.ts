/**
 * Deliberately broken variants of the reconfiguration specs (issue 11, section 1), each the
 * spec's own Reconfig with one named guard removed from its list, so spec/ stays untouched and
 * the mutant differs from the spec by exactly that conjunct.
 */
import * as Logless from '../../spec/reconfig/logless.js';
import * as Raft from '../../spec/reconfig/raft-reconfig.js';
import { withoutGuard as without } from '../../src/checker/reconfig-check.js';

const logless = (conjunct: string): Logless.Actions =>
  ({ ...Logless.actions, Reconfig: Logless.reconfigWith(without(Logless.reconfigGuards, conjunct)) });

/**
 * Reconfig without ConfigQuorumCheck(i): a primary may change the config again before its last
 * change reached a quorum, so it walks {n1, n2, n3} -> {n1, n2} -> {n1} alone, and {n1} and the
 * untouched {n1, n2, n3} elect two primaries in one term. OnePrimaryPerTerm, 6 states (TLC too).
 */
export const noConfigQuorumCheck = logless('ConfigQuorumCheck(i)');

/**
 * Reconfig without TermQuorumCheck(i): a primary elected by the quorum {n1} of config {n1}
 * grows it to {n1, n2, n3} one server at a time while n2 and n3 are still in term 0; n2, holding
 * the newest config, is elected by {n2, n3} in the same term 1. OnePrimaryPerTerm, 7 states
 * (TLC too).
 */
export const noTermQuorumCheck = logless('TermQuorumCheck(i)');

/**
 * The composed spec's Reconfig without OplogCommitment's first conjunct, Raft's fix for its
 * 2015 single-server change bug ("a leader may not change the configuration until it has
 * committed an entry of its own term"). A primary re-elected in a new term changes the config
 * at once; an entry committed by a quorum of an older config is then on no quorum of the newer
 * one, and a server without it is elected. LeaderCompleteness, 10 states (TLC too) with
 * MaxTerm 3, MaxConfigVersion 3; no counterexample exists at MaxTerm 2.
 */
export const noOwnTermCommit: Raft.Actions = {
  ...Raft.actions,
  Reconfig: Logless.reconfigWith(without(Raft.reconfigGuards,
    '(committed = {}) \\/ (\\E c \\in committed : c.term = currentTerm[s])')),
};
