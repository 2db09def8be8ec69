/**
 * MongoStaticRaft's actions: the oplog state machine of MongoDB's replication protocol
 * (will62794/logless-reconfig, `MongoStaticRaft.tla`), Raft-like log replication over a fixed
 * configuration, transcribed conjunct by conjunct. The composed spec (raft-reconfig.ts) runs
 * these actions beside the config state machine of logless.ts, sharing `config`.
 *
 * What differs from Raft as usually told: a secondary pulls entries from any server with a
 * longer log (GetEntries) instead of being pushed to by the primary, and rolls back one entry at
 * a time against a server whose last term is higher (RollbackEntries); an entry is committed
 * when a quorum holds it and is in the primary's term ("immediately committed").
 *
 * What it leaves out, as the module does: messages (an action reads the servers it involves),
 * entry payloads (a log entry is just the term it was written in), and the module's own Next,
 * which nothing here runs on its own: the composition is what the checker explores.
 */
import { at } from '../at.js';
import {
  except, isMember, members, Primary, quorums, Secondary, serverName, showSet, type Role,
    type Server,
  type ServerSet,
} from './defs.js';
import { refuse, type Constants, type StepResult } from './logless.js';

/**
 * An element of `committed`, [entry |-> <<index, term>>, term |-> term]. CommitEntry writes
 * both terms from the primary's currentTerm, so c.entry[2] = c.term always, and one term is
 * kept; the set is kept sorted by index, then term, so equal sets are equal arrays.
 */
export interface CommittedEntry { readonly index: number; readonly term: number }

/** The variables of MongoStaticRaft (config is shared with the config state machine). */
export interface OplogState {
  readonly currentTerm: readonly number[];
  readonly state: readonly Role[];
  /** log[s]: the terms of s's entries, log[s][k-1] being TLA+'s log[s][k]; empty initially. */
  readonly log: readonly (readonly number[])[];
  readonly config: readonly ServerSet[];
  /** committed: every entry a primary has committed, ever (a history variable: no server holds
   *  it; the properties judge the logs against it). */
  readonly committed: readonly CommittedEntry[];
}

// ---------------------------------------------------------------------------------------------
// Helper operators.
// ---------------------------------------------------------------------------------------------

/** LastTerm(xlog): the term of the last entry, or 0 for an empty log. */
export const lastTerm = (xlog: readonly number[]): number =>
  (xlog.length === 0 ? 0 : at(xlog, xlog.length - 1, 'xlog'));

/** GetTerm(xlog, index): the term of the entry at index (1-based), or 0 for index 0. */
export const logTerm = (xlog: readonly number[], index: number): number =>
  (index === 0 ? 0 : at(xlog, index - 1, 'xlog'));

/** InLog(<<index, term>>, i): i's log has an entry of that term at that index. */
export const inLog = (s: OplogState, index: number, term: number, i: Server): boolean =>
  at(s.log, i, 'log')[index - 1] === term;

/** IsPrefix(x, y): x is a prefix of y. */
export function isPrefix(x: readonly number[], y: readonly number[]): boolean {
  return x.length <= y.length && x.every((t, k) => y[k] === t);
}

/** CanRollback(i, j): i's last term is below j's and i's log is not a prefix of j's, so i's
 *  last entry can never be committed (j's log is more up to date) and must go. */
export function canRollback(s: OplogState, i: Server, j: Server): boolean {
  const [li, lj] = [at(s.log, i, 'log'), at(s.log, j, 'log')];
  return lastTerm(li) < lastTerm(lj) && !isPrefix(li, lj);
}

/** CanVoteForOplog(i, j, term): i has not reached term, and j's log is at least as up to date
 *  as i's (a higher last term, or the same last term and at least as long): Raft's vote rule. */
export function canVoteForOplog(s: OplogState, i: Server, j: Server, term: number): boolean {
  const li = at(s.log, i, 'log');
  const lj = at(s.log, j, 'log');
  const logOk = lastTerm(lj) > lastTerm(li) || (lastTerm(lj) === lastTerm(li)
    && lj.length >= li.length);
  return at(s.currentTerm, i, 'currentTerm') < term && logOk;
}

/** ImmediatelyCommitted(<<index, term>>, Q): every member of Q holds the entry and is in its
 *  term. */
export function immediatelyCommitted(s: OplogState, index: number, term: number,
  Q: ServerSet): boolean {
  return members(Q).every((t) => inLog(s, index, term, t) && s.currentTerm[t] === term);
}

const isServer = (k: Constants, s: number): boolean => Number.isInteger(s) && s >= 0
  && s < k.servers;

function withLog<S extends OplogState>(s: S, i: Server, log: readonly number[]): S {
  return { ...s, log: except(s.log, i, log) };
}

// ---------------------------------------------------------------------------------------------
// Actions.
// ---------------------------------------------------------------------------------------------

/**
 * ClientRequest(i). Who: server i. Enabled: i is a primary. Does: appends an entry of i's term
 * to its log. Why no other condition: a primary may write at any time; committing is what
 * needs a quorum.
 */
export function ClientRequest<S extends OplogState>(k: Constants, s: S, i: Server): StepResult<S> {
  if (!isServer(k, i)) return refuse('i \\in Server', `${i} is not a server`);
  if (s.state[i] !== Primary) return refuse('state[i] = Primary',
    `${serverName(i)} is not a primary`);
  return { ok: true, next: withLog(s, i, [...at(s.log, i, 'log'), at(s.currentTerm, i,
    'currentTerm')]) };
}

/**
 * GetEntries(i, j). Who: secondary i, pulling from j. Enabled: i is a Secondary, j's log is
 * longer, and j has i's last entry at the same index (the log consistency check). Does: i
 * appends j's next entry. Why the check: two logs that agree at an index agree up to it (Log
 * Matching), so i's log stays a prefix of some primary's log.
 */
export function GetEntries<S extends OplogState>(
  k: Constants, s: S, i: Server, j: Server,
): StepResult<S> {
  if (!isServer(k, i) || !isServer(k, j)) return refuse('i, j \\in Server',
    `${i}, ${j}: not servers`);
  if (s.state[i] !== Secondary) return refuse('state[i] = Secondary',
    `${serverName(i)} is a primary`);
  const li = at(s.log, i, 'log');
  const lj = at(s.log, j, 'log');
  if (!(lj.length > li.length)) {
    return refuse('Len(log[j]) > Len(log[i])',
      `${serverName(j)} has ${lj.length} entries, ${serverName(i)} ${li.length}`);
  }
  if (li.length > 0 && lj[li.length - 1] !== li[li.length - 1]) {
    return refuse('logOk', `${serverName(j)}'s entry ${li.length} has term ${lj[li.length - 1]}, ` +
      `${serverName(i)}'s last has term ${li[li.length - 1]}`);
  }
  return { ok: true, next: withLog(s, i, [...li, at(lj, li.length, 'lj')]) };
}

/**
 * RollbackEntries(i, j). Who: secondary i, against j. Enabled: i is a Secondary and
 * CanRollback(i, j). Does: i drops its last entry. Why one at a time: i rolls back until its log
 * is a prefix of j's or its last term is no lower, and then GetEntries takes over.
 */
export function RollbackEntries<S extends OplogState>(
  k: Constants, s: S, i: Server, j: Server,
): StepResult<S> {
  if (!isServer(k, i) || !isServer(k, j)) return refuse('i, j \\in Server',
    `${i}, ${j}: not servers`);
  if (s.state[i] !== Secondary) return refuse('state[i] = Secondary',
    `${serverName(i)} is a primary`);
  if (!canRollback(s, i, j)) {
    return refuse('CanRollback(i, j)',
      `${serverName(i)}'s log [${at(s.log, i, 'log').join(',')}] need ` +
      `not roll back against ${serverName(j)}'s [${at(s.log, j, 'log').join(',')}]`);
  }
  return { ok: true, next: withLog(s, i, at(s.log, i, 'log').slice(0, -1)) };
}

/**
 * BecomeLeader(i, Q), the oplog's half, Q a quorum of config[i]. Who: server i, with the votes
 * of Q. Enabled: i is in Q and every voter can vote for i in term currentTerm[i] + 1 by the log
 * rule (CanVoteForOplog). Does: the voters move to the new term, i as Primary, the others as
 * Secondary. Why the log rule: a quorum holding a committed entry meets Q, so the winner's log
 * is at least as up to date as one that holds it (LeaderCompleteness).
 */
export function BecomeLeader<S extends OplogState>(
  k: Constants, s: S, i: Server, Q: ServerSet,
): StepResult<S> {
  if (!isServer(k, i)) return refuse('i \\in Server', `${i} is not a server`);
  if (!quorums(at(s.config, i, 'config')).includes(Q)) {
    return refuse('Q \\in Quorums(config[i])',
      `${showSet(Q)} is not a quorum of ${serverName(i)}'s config ` +
        `${showSet(at(s.config, i, 'config'))}`);
  }
  if (!isMember(i, Q)) return refuse('i \\in voteQuorum',
    `${serverName(i)} is not in ${showSet(Q)}`);
  const newTerm = at(s.currentTerm, i, 'currentTerm') + 1;
  const refuser = members(Q).find((v) => !canVoteForOplog(s, v, i, newTerm));
  if (refuser !== undefined) {
    return refuse('\\A v \\in voteQuorum : CanVoteForOplog(v, i, newTerm)',
      `${serverName(refuser)} cannot vote for ${serverName(i)} in term ${newTerm}: ` +
      (at(s.currentTerm, refuser, 'currentTerm') >= newTerm
        ? `it is in term ${s.currentTerm[refuser]}`
        : `its log [${at(s.log, refuser, 'log').join(',')}] is more up to date than ` +
          `[${at(s.log, i, 'log').join(',')}]`));
  }
  return { ok: true, next: { ...s,
    currentTerm: s.currentTerm.map((t, v) => (isMember(v, Q) ? newTerm : t)),
    state: s.state.map((r, v) => (v === i ? Primary : isMember(v, Q) ? Secondary : r)) } };
}

/**
 * CommitEntry(i, Q), Q a quorum of config[i]. Who: primary i. Enabled: i's last entry is of its
 * own term, every member of Q holds it and is in that term (ImmediatelyCommitted), and it is not
 * committed yet. Does: adds it to committed. Why only entries of the primary's own term: an
 * older entry on a quorum can still be overwritten (Raft's Figure 8); it becomes committed with
 * the first entry of the current term above it.
 */
export function CommitEntry<S extends OplogState>(
  k: Constants, s: S, i: Server, Q: ServerSet,
): StepResult<S> {
  if (!isServer(k, i)) return refuse('i \\in Server', `${i} is not a server`);
  if (!quorums(at(s.config, i, 'config')).includes(Q)) {
    return refuse('Q \\in Quorums(config[i])',
      `${showSet(Q)} is not a quorum of ${serverName(i)}'s config ` +
        `${showSet(at(s.config, i, 'config'))}`);
  }
  const ind = at(s.log, i, 'log').length;
  const term = at(s.currentTerm, i, 'currentTerm');
  if (!(ind > 0)) return refuse('ind > 0', `${serverName(i)}'s log is empty`);
  if (s.state[i] !== Primary) return refuse('state[i] = Primary',
    `${serverName(i)} is not a primary`);
  if (at(s.log, i, 'log')[ind - 1] !== term) {
    return refuse('log[i][ind] = currentTerm[i]', `${serverName(i)}'s last entry has term ` +
      `${at(s.log, i, 'log')[ind - 1]}, not its term ${term}`);
  }
  if (!immediatelyCommitted(s, ind, term, Q)) {
    return refuse('ImmediatelyCommitted(<<ind, currentTerm[i]>>, commitQuorum)',
      `not every member of ${showSet(Q)} holds entry (${ind}, ${term}) in term ${term}`);
  }
  if (s.committed.some((c) => c.index === ind && c.term === term)) {
    return refuse('~\\E c \\in committed : c.entry = <<ind, currentTerm[i]>>',
      `entry (${ind}, ${term}) is already committed`);
  }
  const committed = [...s.committed, { index: ind, term }]
    .sort((x, y) => x.index - y.index || x.term - y.term);
  return { ok: true, next: { ...s, committed } };
}
