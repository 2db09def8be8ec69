/**
 * The acceptor of every slot: the per-slot spec's Phase1b(a) for all slots from `from` at once,
 * Phase2b(a) in one slot, and the answer to a read-index leadership check.
 *
 * One promise `maxBal` covers every slot (that is what lets one phase 1 serve the whole log); a
 * vote is per slot. Every change is persisted before the message that announces it (state.ts's
 * `acted`). Votes below the snapshot were dropped by compaction: those slots are chosen and
 * applied, so a 1a from below the snapshot is answered with the snapshot and a 1b from the
 * snapshot point, and a 2a below it is ignored.
 *
 * Beyond the spec: a 1a, 2a or ping below maxBal gets a `reject` carrying maxBal so the proposer
 * steps down at once; a 2a carries the leader's commit point, which the acceptor's replica uses
 * to learn (replica.ts). Neither changes the acceptor's promise or votes.
 */
import { ballotCmp } from '../paxos/ballot.js';
import { abdicateIfOutbid } from './leader.js';
import { learnCommitted, logBase } from './replica.js';
import { acted, fx, ignored, send, votesFrom, withVote } from './state.js';
import type { Ballot, Msg1a, Msg2a, MsgPing, ServerState, StepResult } from './types.js';

/**
 * Phase1b(a) for every slot >= m.from: on a 1a above maxBal, promise it and report the votes in
 * those slots. Enabling conjunct: m.bal > maxBal[a].
 */
export function onPrepare(s: ServerState, m: Msg1a): StepResult {
  const order = ballotCmp(m.bal, s.durable.maxBal);
  if (order < 0) return reject(s, m.bal);
  if (order === 0) return ignored(s, 'prepare-not-above-maxBal');
  const f = fx();
  const base = logBase(s);
  if (m.from < base) {
    send(f, m.bal.server, { type: 'snapshot', from: s.config.id, snap: s.durable.snapshot });
  }
  const from = Math.max(m.from, base);
  const votes = votesFrom(s.durable.votes, from);
  send(f, m.bal.server, { type: '1b', acc: s.config.id, bal: m.bal, from, votes });
  const promised = seen({ ...s, durable: { ...s.durable, maxBal: m.bal } }, m.bal);
  return acted(s, abdicateIfOutbid(promised, f), 'Phase1b', f);
}

/**
 * Phase2b(a) in m.slot: on a 2a at or above maxBal, vote for it (maxBal := m.bal, and the slot's
 * maxVBal, maxVal := m.bal, m.val), tell the leader with a 2b, then learn what the 2a's commit
 * point teaches. Enabling conjunct: m.bal >= maxBal[a].
 */
export function onAccept(s: ServerState, m: Msg2a): StepResult {
  if (ballotCmp(m.bal, s.durable.maxBal) < 0) return reject(s, m.bal);
  if (m.slot < logBase(s)) return ignored(s, 'slot-compacted');
  const f = fx();
  const durable = {
    ...s.durable, maxBal: m.bal,
    votes: withVote(s.durable.votes, { slot: m.slot, bal: m.bal, val: m.val }),
  };
  send(f, m.bal.server, { type: '2b', acc: s.config.id, bal: m.bal, slot: m.slot, val: m.val });
  let next = abdicateIfOutbid(seen({ ...s, durable }, m.bal), f);
  next = learnCommitted(next, m.bal, m.commit, f, false);
  return acted(s, next, 'Phase2b', f);
}

/** A leadership check: ack it when no ballot above m.bal was promised here. */
export function onPing(s: ServerState, m: MsgPing): StepResult {
  if (ballotCmp(m.bal, s.durable.maxBal) < 0) return reject(s, m.bal);
  const f = fx();
  send(f, m.bal.server, { type: 'pong', acc: s.config.id, bal: m.bal, id: m.id });
  return acted(s, seen(s, m.bal), 'ReadPing', f);
}

/** Refuses a ballot below maxBal (ignored for the spec; a hint for the proposer). */
function reject(s: ServerState, bal: Ballot): StepResult {
  const f = fx();
  send(f, bal.server, { type: 'reject', acc: s.config.id, bal, maxBal: s.durable.maxBal });
  return ignored(s, 'promised-higher', f);
}

/**
 * A message of ballot `bal` at or above the promise: this server heard from that ballot's
 * leader (its election timer waits on), and its next ballot must outbid the round.
 */
function seen(s: ServerState, bal: Ballot): ServerState {
  const l = s.leader;
  if (l.heard && l.seenRound >= bal.round) return s;
  return { ...s, leader: { ...l, heard: true, seenRound: Math.max(l.seenRound, bal.round) } };
}
