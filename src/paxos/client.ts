/**
 * The client API at one server: SetVarX(v) and GetVarX(), and the read path behind GetVarX.
 *
 * SetVarX(v) runs Paxos with v as this server's own value and answers with the value actually
 * learned, which may be another client's (the seeds: of concurrent SetVarX(A), SetVarX(B),
 * SetVarX(C) at most one is ever set).
 *
 * GetVarX() is linearizable. A server that learned answers at once. Otherwise it asks every
 * acceptor for its latest vote (`read`, which promises nothing and so never preempts a proposer)
 * and waits for a majority of `read-ok`:
 * - if none of them voted, no value was chosen before the read began (a chosen value has votes
 *   at a majority, which meets ours), so "empty" is a correct answer at that point;
 * - if one of them voted, the value might be chosen, and answering empty could contradict an
 *   earlier SetVarX's answer; so the server completes it: it runs a ballot whose own value is the
 *   highest vote it saw (a proposed value, hence a legal proposal) and answers with what it
 *   learns. Phase2a still picks the highest vote among its own promises, so this is plain Paxos.
 * Left out: reading from a lease-holding leader (Multi-Paxos), which needs clock assumptions.
 */
import { assert } from './assert.js';
import { ballotCmp, NO_BALLOT } from './ballot.js';
import { startBallot } from './proposer.js';
import { acted, count, has, ignored, isQuorum } from './state.js';
import {
  SLOT, type MsgReadOk, type ReadState, type Request, type ServerState, type StepResult,
  type Timer,
} from './types.js';

/** A client request arrives: answer from what was learned, or start the work and wait. */
export function onRequest(s: ServerState, req: Request, rand: number): StepResult {
  assert(req.slot === SLOT, 'step() routes only requests for the slot this server holds');
  const { learned } = s.learner;
  // Learning answers every waiting request and ends every read (learner.ts, learn).
  if (learned !== null) assert(s.pending.length === 0 && s.reads.length === 0, 'nothing waits');
  if (learned !== null) {
    return acted(s, 'Answer', [
      { kind: 'reply', client: req.client, seq: req.seq, op: req.op.name, val: learned },
    ]);
  }
  if (s.pending.some((r) => r.client === req.client && r.seq === req.seq)) {
    return ignored(s, 'duplicate-request');
  }
  const waiting = { ...s, pending: [...s.pending, req] };
  if (req.op.name === 'GetVarX') return startRead(waiting, req);
  if (s.proposer.phase !== 'idle') return acted(waiting, 'SetVarX', []);
  return startBallot(waiting, req.op.v, rand);
}

/** Asks every acceptor for its latest vote, and arms the read's retry timer. */
function startRead(s: ServerState, req: Request): StepResult {
  assert(s.learner.learned === null, 'a server that learned answers reads at once');
  assert(!s.reads.some((r) => r.client === req.client && r.seq === req.seq),
    'one read per call: a retried call is a duplicate request');
  const read: ReadState = {
    client: req.client, seq: req.seq, replies: 0, hbal: NO_BALLOT, hval: null,
  };
  return acted({ ...s, reads: [...s.reads, read] }, 'GetVarX', [
    {
      kind: 'send', to: 'all',
      msg: { type: 'read', slot: req.slot, from: s.config.id, client: req.client, seq: req.seq },
    },
    { kind: 'set-timer', timer: readTimer(req), after: s.config.timeout },
  ]);
}

/** A read-ok: gather it; on a majority answer empty, or complete the highest vote seen. */
export function onReadOk(s: ServerState, m: MsgReadOk, rand: number): StepResult {
  const i = s.reads.findIndex((r) => r.client === m.client && r.seq === m.seq);
  if (i < 0) return ignored(s, 'stale-read');
  const r = s.reads[i]!;
  if (has(r.replies, m.acc)) return ignored(s, 'duplicate-read-reply');
  assert(s.learner.learned === null, 'learning ends every read');
  const higher = ballotCmp(m.mbal, r.hbal) > 0;
  const read = {
    ...r, replies: r.replies | (1 << m.acc), hbal: higher ? m.mbal : r.hbal,
    hval: higher ? m.mval : r.hval,
  };
  assert(count(read.replies) === count(r.replies) + 1, 'each acceptor answers a read once');
  if (!isQuorum(read.replies, s.config.servers)) {
    return acted({ ...s, reads: s.reads.map((x, j) => (j === i ? read : x)) }, 'ReadGather', []);
  }
  const reads = s.reads.filter((_, j) => j !== i);
  if (read.hval === null) {
    const pending = s.pending.filter((p) => p.client !== m.client || p.seq !== m.seq);
    return acted({ ...s, reads, pending }, 'ReadDone', [
      { kind: 'reply', client: m.client, seq: m.seq, op: 'GetVarX', val: null },
    ]);
  }
  if (s.proposer.phase !== 'idle') return acted({ ...s, reads }, 'ReadGather', []);
  // The completing ballot must be above the vote it completes, or its 1a is refused at once.
  const seenRound = Math.max(s.proposer.seenRound, read.hbal.round);
  const completing = startBallot({ ...s, reads, proposer: { ...s.proposer, seenRound } },
    read.hval, rand);
  assert(ballotCmp(completing.state.proposer.bal, read.hbal) > 0,
    'the completing ballot is above the vote it completes');
  return completing;
}

/** The read's timer: if it still lacks a majority, ask again (the network may have lost it). */
export function onReadTimer(s: ServerState, t: Extract<Timer, { name: 'read' }>): StepResult {
  assert(t.slot === SLOT, 'a read timer is armed only for the slot this server holds');
  const r = s.reads.find((x) => x.client === t.client && x.seq === t.seq);
  if (r === undefined) return ignored(s, 'finished-read-timer');
  assert(s.learner.learned === null, 'learning ends every read');
  assert(!isQuorum(r.replies, s.config.servers), 'a read with a majority of replies is over');
  return acted(s, 'ReadRetry', [
    {
      kind: 'send', to: 'all',
      msg: { type: 'read', slot: t.slot, from: s.config.id, client: t.client, seq: t.seq },
    },
    { kind: 'set-timer', timer: t, after: s.config.timeout },
  ]);
}

function readTimer(req: Request): Timer {
  return { name: 'read', slot: req.slot, client: req.client, seq: req.seq };
}
