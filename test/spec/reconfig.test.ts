/**
 * The reconfiguration specs in test form (spec/reconfig/): each action either steps or names
 * the conjunct of the TLA+ module that fails; the quorum vocabulary of Defs.tla; and each named
 * property with its witness, on states built by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  Primary, quorums, quorumsOverlap, Secondary, showSet, type Role,
} from '../../spec/reconfig/defs.js';
import * as L from '../../spec/reconfig/logless.js';
import type { ConfigState } from '../../spec/reconfig/logless.js';
import {
  ActiveConfigsOverlap, ConfigVersionAndTermUnique, LeaderCompleteness, LogMatching,
  OnePrimaryPerTerm, PrimaryConfigTermEqualToCurrentTerm, StateMachineSafety,
} from '../../spec/reconfig/properties.js';
import * as R from '../../spec/reconfig/raft-reconfig.js';
import type { RaftReconfigState } from '../../spec/reconfig/raft-reconfig.js';

const k = { servers: 3 };
const set = (...xs: number[]): number => xs.reduce((m, x) => m | (1 << x), 0);
const ALL = set(0, 1, 2);

/** A logless state from per-server rows [term, role, version, configTerm, config]. */
function cs(...rows: [number, Role, number, number, number][]): ConfigState {
  return {
    currentTerm: rows.map((r) => r[0]), state: rows.map((r) => r[1]),
    configVersion: rows.map((r) => r[2]), configTerm: rows.map((r) => r[3]),
    config: rows.map((r) => r[4]),
  };
}
const withLog = (s: ConfigState, log: number[][], committed: [number, number][] = []):
RaftReconfigState => ({ ...s, log, committed: committed.map(([index, term]) => ({ index, term })) });

const S = Secondary;
const P = Primary;
const fresh = cs([0, S, 1, 0, ALL], [0, S, 1, 0, ALL], [0, S, 1, 0, ALL]);
/** n1 primary of term 1, elected by {n1, n2}, config {n1, n2, n3} re-stamped (v1, t1). */
const elected = cs([1, P, 1, 1, ALL], [1, S, 1, 0, ALL], [0, S, 1, 0, ALL]);

const refusal = (r: L.StepResult<unknown>): string => (r.ok ? 'ok' : r.conjunct);

describe('Defs.tla', () => {
  it('Quorums(S) is every majority of S, not only the smallest', () => {
    expect(quorums(ALL).map(showSet)).toEqual(['{n1, n2}', '{n1, n3}', '{n2, n3}', '{n1, n2, n3}']);
    expect(quorums(set(0))).toEqual([set(0)]);
    expect(quorums(0)).toEqual([]);
  });

  it.each([
    ['{n1, n2, n3} to {n1, n2}: one server removed', ALL, set(0, 1), true],
    ['{n1} to {n1, n2}: one server added', set(0), set(0, 1), true],
    ['{n1} to {n2}: a replacement', set(0), set(1), false],
    ['{n1, n2, n3} to {n1, n2, n3, n4, n5}: two added at once', ALL, set(0, 1, 2, 3, 4), false],
  ])('QuorumsOverlap: %s is %s', (_why, x, y, overlap) => {
    expect(quorumsOverlap(x, y)).toBe(overlap);
  });
});

describe('MongoLoglessDynamicRaft actions, test form', () => {
  it('has one initial state per nonempty config', () => {
    const inits = L.initialStates(k);
    expect(inits.map((s) => s.config[0])).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(inits[6]).toEqual(fresh);
  });

  it('BecomeLeader moves the voters to the new term and re-stamps the winner\'s config', () => {
    const r = L.BecomeLeader(k, fresh, 0, set(0, 1));
    expect(r).toEqual({ ok: true, next: elected });
  });

  it.each([
    ['a set that is no quorum of its config', fresh, 0, set(0), 'Q \\in Quorums(config[i])'],
    ['a server outside its own config', cs([0, S, 1, 0, set(1, 2)], [0, S, 1, 0, set(1, 2)],
      [0, S, 1, 0, set(1, 2)]), 0, set(1, 2), 'i \\in config[i]'],
    ['a quorum without the candidate', fresh, 0, set(1, 2), 'i \\in voteQuorum'],
    ['a voter already in the term', elected, 2, set(1, 2),
      '\\A v \\in voteQuorum : CanVoteForConfig(v, i, newTerm)'],
    ['a voter with a newer config', cs([0, S, 1, 0, ALL], [0, S, 2, 0, ALL], [0, S, 1, 0, ALL]),
      0, set(0, 1), '\\A v \\in voteQuorum : CanVoteForConfig(v, i, newTerm)'],
  ])('BecomeLeader refuses %s', (_why, s, i, Q, conjunct) => {
    expect(refusal(L.BecomeLeader(k, s, i, Q))).toBe(conjunct);
  });

  it('Reconfig writes the new config as version + 1 of the primary\'s term', () => {
    const installed = cs([1, P, 1, 1, ALL], [1, S, 1, 1, ALL], [0, S, 1, 0, ALL]);
    const r = L.Reconfig(k, installed, 0, set(0, 1));
    expect(r.ok && r.next.config).toEqual([set(0, 1), ALL, ALL]);
    expect(r.ok && [r.next.configVersion[0], r.next.configTerm[0]]).toEqual([2, 1]);
  });

  it.each([
    ['a secondary', fresh, 1, set(0, 1), 'state[i] = Primary'],
    ['a primary whose re-stamped config is on no quorum yet', elected, 0, set(0, 1),
      'ConfigQuorumCheck(i)'],
    ['a primary whose term is on no quorum', cs([1, P, 1, 1, ALL], [0, S, 1, 1, ALL],
      [0, S, 1, 0, ALL]), 0, set(0, 1), 'TermQuorumCheck(i)'],
    ['a config whose quorums miss the old ones', cs([1, P, 1, 1, ALL], [1, S, 1, 1, ALL],
      [0, S, 1, 0, ALL]), 0, set(0), 'QuorumsOverlap(config[i], newConfig)'],
    ['a config without the primary', cs([1, P, 1, 1, ALL], [1, S, 1, 1, ALL],
      [0, S, 1, 0, ALL]), 0, set(1, 2), 'i \\in newConfig'],
  ])('Reconfig refuses %s', (_why, s, i, c, conjunct) => {
    expect(refusal(L.Reconfig(k, s, i, c))).toBe(conjunct);
  });

  it('SendConfig copies a newer config to a secondary, and only then', () => {
    const r = L.SendConfig(k, elected, 0, 1);
    expect(r.ok && [r.next.configVersion[1], r.next.configTerm[1]]).toEqual([1, 1]);
    expect(refusal(L.SendConfig(k, elected, 1, 0))).toBe('state[j] = Secondary');
    expect(refusal(L.SendConfig(k, elected, 2, 1))).toBe('IsNewerConfig(i, j)');
  });

  it('UpdateTerms passes a higher term on and steps a primary down', () => {
    const r = L.UpdateTerms(k, cs([1, P, 1, 1, ALL], [2, S, 1, 0, ALL], [0, S, 1, 0, ALL]), 1, 0);
    expect(r.ok && [r.next.currentTerm[0], r.next.state[0]]).toEqual([2, Secondary]);
    expect(refusal(L.UpdateTerms(k, elected, 2, 0))).toBe('currentTerm[i] > currentTerm[j]');
  });

  it('enumerates one step per \\E witness, in the module\'s order', () => {
    const steps = L.enabledSteps(k, fresh);
    expect(steps.map((s) => L.showConfigAction(s.action))).toEqual([
      'BecomeLeader(n1, {n1, n2})', 'BecomeLeader(n1, {n1, n3})', 'BecomeLeader(n1, {n1, n2, n3})',
      'BecomeLeader(n2, {n1, n2})', 'BecomeLeader(n2, {n2, n3})', 'BecomeLeader(n2, {n1, n2, n3})',
      'BecomeLeader(n3, {n1, n3})', 'BecomeLeader(n3, {n2, n3})', 'BecomeLeader(n3, {n1, n2, n3})',
    ]);
  });
});

describe('MongoRaftReconfig actions, test form', () => {
  const logs = (...l: number[][]): number[][] => l;
  const primary = withLog(cs([1, P, 1, 1, ALL], [1, S, 1, 1, ALL], [0, S, 1, 0, ALL]),
    logs([1], [1], []));

  it('BecomeLeader needs the log vote rule as well as the config one', () => {
    const s = withLog(fresh, logs([], [1], []));
    expect(refusal(R.BecomeLeader(k, s, 0, set(0, 1))))
      .toBe('\\A v \\in voteQuorum : CanVoteForOplog(v, i, newTerm)');
    expect(R.BecomeLeader(k, s, 1, set(0, 1)).ok).toBe(true);
  });

  it('CommitEntry commits the primary\'s last entry once a quorum holds it in its term', () => {
    const r = R.actions.CommitEntry(k, primary, 0, set(0, 1));
    expect(r.ok && r.next.committed).toEqual([{ index: 1, term: 1 }]);
    expect(refusal(R.actions.CommitEntry(k, primary, 0, set(0, 2))))
      .toBe('ImmediatelyCommitted(<<ind, currentTerm[i]>>, commitQuorum)');
  });

  it('GetEntries and RollbackEntries keep a secondary\'s log a prefix of a newer one', () => {
    const s = withLog(fresh, logs([1, 1], [2], []));
    expect(refusal(R.actions.GetEntries(k, s, 1, 0))).toBe('logOk');
    const r = R.actions.RollbackEntries(k, s, 0, 1);
    expect(r.ok && r.next.log[0]).toEqual([1]);
    expect(refusal(R.actions.RollbackEntries(k, s, 1, 0))).toBe('CanRollback(i, j)');
    const g = R.actions.GetEntries(k, s, 2, 0);
    expect(g.ok && g.next.log[2]).toEqual([1]);
  });

  it.each([
    ['nothing committed in the primary\'s term while older entries are', [[1, 0]] as [number, number][],
      '(committed = {}) \\/ (\\E c \\in committed : c.term = currentTerm[s])'],
    ['an entry of its term committed but not in its current config', [[1, 1]] as [number, number][],
      '\\A c \\in committed : (c.term = currentTerm[s]) => IsCommitted(c.entry[1], s)'],
  ])('Reconfig refuses %s (OplogCommitment)', (_why, committed, conjunct) => {
    const s = withLog(cs([1, P, 1, 1, ALL], [1, S, 1, 1, ALL], [0, S, 1, 0, ALL]),
      logs([1], [], []), committed);
    expect(refusal(R.actions.Reconfig(k, s, 0, set(0, 1)))).toBe(conjunct);
  });

  it('Reconfig is allowed once the primary\'s own entry is committed in its config', () => {
    const s = { ...primary, committed: [{ index: 1, term: 1 }] };
    expect(R.actions.Reconfig(k, s, 0, set(0, 1)).ok).toBe(true);
  });
});

describe('the named properties, with witnesses', () => {
  it('OnePrimaryPerTerm names the two primaries, the term and their configs', () => {
    const v = OnePrimaryPerTerm(cs([2, P, 3, 2, set(0)], [2, P, 1, 2, ALL], [2, S, 1, 0, ALL]));
    expect(v?.witness).toMatchObject({ servers: [0, 1], term: 2 });
    expect(v?.summary).toMatch(/^n1 and n2 are both primary in term 2: n1's config \{n1\} \(v3, t2\)/);
    expect(OnePrimaryPerTerm(cs([1, P, 1, 1, ALL], [2, P, 1, 2, ALL], [2, S, 1, 0, ALL]))).toBeNull();
  });

  it('ConfigVersionAndTermUnique names two configs with one stamp', () => {
    const v = ConfigVersionAndTermUnique(cs([1, S, 2, 1, set(0, 1)], [1, S, 2, 1, ALL],
      [0, S, 1, 0, ALL]));
    expect(v?.witness.servers).toEqual([0, 1]);
  });

  it('PrimaryConfigTermEqualToCurrentTerm names the primary', () => {
    expect(PrimaryConfigTermEqualToCurrentTerm(cs([1, P, 1, 0, ALL], [1, S, 1, 0, ALL],
      [0, S, 1, 0, ALL]))?.witness).toMatchObject({ servers: [0], term: 1 });
  });

  it('ActiveConfigsOverlap names two live configs with disjoint quorums', () => {
    const v = ActiveConfigsOverlap(cs([1, S, 2, 1, set(0)], [1, S, 2, 1, set(1)],
      [0, S, 1, 0, set(1)]));
    expect(v?.witness.servers).toEqual([0, 1]);
  });

  it('StateMachineSafety names the index and both entries', () => {
    const v = StateMachineSafety(withLog(fresh, [[], [], []], [[1, 1], [1, 2]]));
    expect(v?.witness).toEqual({ index: 1, entries: [{ index: 1, term: 1 }, { index: 1, term: 2 }] });
  });

  it('LeaderCompleteness names the primary and the entry it lacks', () => {
    const v = LeaderCompleteness(withLog(cs([3, P, 3, 3, ALL], [2, S, 3, 2, ALL],
      [3, S, 1, 0, ALL]), [[], [1], []], [[1, 1]]));
    expect(v?.witness).toMatchObject({ servers: [0], term: 3, entries: [{ index: 1, term: 1 }] });
  });

  it('LogMatching names two logs that agree at an index but not before it', () => {
    expect(LogMatching(withLog(fresh, [[1, 2], [2, 2], []]))?.witness.servers).toEqual([0, 1]);
    expect(LogMatching(withLog(fresh, [[1, 2], [1, 3], []]))).toBeNull();
  });
});
