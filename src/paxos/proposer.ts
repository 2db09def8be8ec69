/**
 * The proposer: Paxos.tla's Phase1a(b) and Phase2a(b, v), with timeouts, rejections and
 * randomized exponential backoff around them.
 *
 * Phase2a is where safety is decided (Paxos.tla calls its second conjunct the heart of the
 * algorithm): once a majority promised ballot b, the proposer must propose the value of the
 * highest-numbered vote any of them reported, and may use its own value only if none reported
 * a vote (Paxos Made Simple, P2c). A ballot is (round, server id); the round is persisted before
 * the 1a goes out, so a restarted proposer never issues a ballot twice.
 *
 * Liveness is outside the spec: duelling proposers can preempt each other forever (section 2.4).
 * A proposer that is rejected or times out waits a random time that doubles with each failed
 * attempt before trying a higher ballot. The randomness arrives as the input's `rand`. When the
 * configuration names a distinguished proposer, the others wait longer, so it usually wins.
 * Left out: electing the distinguished proposer (it is configured); Multi-Paxos brings leader
 * election.
 */
import { assert } from './assert.js';
import { NO_BALLOT, ballotCmp, ballotEq, type Ballot } from './ballot.js';
import { acted, has, ignored, isQuorum } from './state.js';
import type { Msg1b, MsgReject, ServerState, StepResult, Timer, Value } from './types.js';

/** Doubling stops here: the longest backoff is timeout * 2^BACKOFF_DOUBLINGS_MAX ticks. */
const BACKOFF_DOUBLINGS_MAX = 5;
/** How much longer a proposer that is not the distinguished one waits before each retry. */
export const DEFERENCE_FACTOR = 3;

/**
 * Phase1a(b): start a new ballot above every round this server used or saw, persist the round,
 * then send 1a to every acceptor and arm the timeout. Always enabled (as in Paxos.tla).
 */
export function startBallot(s: ServerState, value: Value, rand: number): StepResult {
  const { id, timeout } = s.config;
  const p = s.proposer;
  const round = Math.max(s.durable.round, p.seenRound, s.durable.acceptor.maxBal.round) + 1;
  const bal: Ballot = { round, server: id };
  assert(ballotCmp(bal, s.proposer.bal) > 0, 'a new ballot is above the previous one');
  const durable = { ...s.durable, round };
  const timerTag = p.timerTag + 1;
  const proposer = {
    phase: 'phase1', bal, value, promised: 0, hbal: NO_BALLOT, hval: null,
    attempts: p.attempts + 1, seenRound: Math.max(p.seenRound, round), timerTag,
  } as const;
  return acted({ ...s, durable, proposer }, 'Phase1a', [
    { kind: 'persist', durable },
    { kind: 'send', to: 'all', msg: { type: '1a', slot: 0, bal } },
    { kind: 'set-timer', timer: proposerTimer(timerTag), after: timeout + jitter(s, rand) },
  ]);
}

/**
 * A 1b for the current ballot. Records the promise and the highest vote reported; on a
 * majority, Phase2a(b, v): v is that vote's value, or this server's own if nobody voted.
 */
export function onPromise(s: ServerState, m: Msg1b): StepResult {
  const p = s.proposer;
  if (p.phase !== 'phase1') return ignored(s, 'not-in-phase1');
  if (!ballotEq(m.bal, p.bal)) return ignored(s, 'stale-ballot');
  if (has(p.promised, m.acc)) return ignored(s, 'duplicate-promise');
  const higher = ballotCmp(m.mbal, p.hbal) > 0;
  const promised = p.promised | (1 << m.acc);
  const next = {
    ...p, promised, hbal: higher ? m.mbal : p.hbal, hval: higher ? m.mval : p.hval,
  };
  if (!isQuorum(promised, s.config.servers)) return acted({ ...s, proposer: next }, 'Promise', []);
  const val = next.hval ?? next.value;
  assert(val !== null, 'a proposer in phase 1 has a value of its own');
  // P2c: with a vote reported, the value proposed is the highest vote's, never our own.
  if (next.hbal.round >= 0) assert(val === next.hval, 'Phase2a proposes the highest vote');
  return acted({ ...s, proposer: { ...next, phase: 'phase2' } }, 'Phase2a', [
    { kind: 'send', to: 'all', msg: { type: '2a', slot: m.slot, bal: p.bal, val } },
  ]);
}

/** A reject for the ballot in flight: abandon it and back off (Paxos Made Simple, 2.5). */
export function onReject(s: ServerState, m: MsgReject, rand: number): StepResult {
  const p = s.proposer;
  if (p.phase !== 'phase1' && p.phase !== 'phase2') return ignored(s, 'no-ballot-in-flight');
  if (!ballotEq(m.bal, p.bal)) return ignored(s, 'stale-ballot');
  const timerTag = p.timerTag + 1;
  const proposer = {
    ...p, phase: 'backoff', seenRound: Math.max(p.seenRound, m.maxBal.round), timerTag,
  } as const;
  return acted({ ...s, proposer }, 'Backoff', [
    { kind: 'set-timer', timer: proposerTimer(timerTag), after: 1 + jitter(s, rand) },
  ]);
}

/** The proposer's timer: the ballot timed out or the backoff ended; try a higher ballot. */
export function onProposerTimer(s: ServerState, tag: number, rand: number): StepResult {
  const p = s.proposer;
  if (s.learner.learned !== null) return ignored(s, 'timer-after-learned');
  if (tag !== p.timerTag) return ignored(s, 'superseded-timer');
  // Tags only grow within one life of the server, the first armed timer has tag 1, and learning
  // (the only way back to idle) bumps the tag: a live tag means an attempt in progress.
  assert(p.phase !== 'idle', 'the live proposer timer belongs to an attempt');
  assert(p.value !== null, 'an active proposer has a value');
  return startBallot(s, p.value, rand);
}

function proposerTimer(tag: number): Timer {
  return { name: 'proposer', slot: 0, tag };
}

/**
 * A random wait in [0, timeout * 2^attempts), the attempts capped; times DEFERENCE_FACTOR when
 * another server is the distinguished proposer.
 */
function jitter(s: ServerState, rand: number): number {
  const { timeout, distinguished, id } = s.config;
  const doublings = Math.min(s.proposer.attempts, BACKOFF_DOUBLINGS_MAX);
  const wait = (rand >>> 0) % (timeout * 2 ** doublings);
  return distinguished === null || distinguished === id ? wait : wait * DEFERENCE_FACTOR;
}
