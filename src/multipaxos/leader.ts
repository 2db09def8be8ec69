/**
 * The proposer and leader: election by ballots (round, server id), one phase 1 for every slot
 * from the first one this server has not learned, recovery of the log, then phase 2 only while
 * nobody outbids it: pipelining up to `window` slots, batching up to `batch` commands a slot,
 * and counting 2b per slot to learn.
 *
 * Phase2a is where safety is decided, slot by slot: once a quorum promised ballot b for every
 * slot from `from`, the leader proposes in each slot the value of the highest-ballot vote the
 * quorum reported there, and a no-op in a hole no vote covers (so later slots can be applied);
 * only above every reported vote is it free to propose new commands. Slots this server already
 * learned need no proposal. After that, a stable leader sends a 2a per new slot and counts the
 * 2b: no phase-1 message at all.
 *
 * Liveness is outside the spec: a follower that hears nothing from the leader of its promise
 * for a timeout starts an election; a candidate whose election fails retries after a random
 * wait that doubles with each attempt; the randomness arrives as the input's `rand`. With a
 * distinguished leader configured, the others wait DEFERENCE_FACTOR times longer.
 * Left out: leases (reads use the log or a read index, which need no clock assumptions).
 */
import { assert } from '../paxos/assert.js';
import { ballotCmp, ballotEq, type Ballot } from '../paxos/ballot.js';
import { DEFERENCE_FACTOR } from '../paxos/proposer.js';
import {
  configPending, coversKnown, isQuorumAt, isVoter, proposalLimit,
} from './config.js';
import { applyReady, learnAt, learnedAt } from './replica.js';
import {
  acted, fx, has, ignored, reply, send, timer, withVote, type Fx,
} from './state.js';
import type {
  Entry, Inflight, Msg1b, Msg2b, MsgReject, ServerState, StepResult, Timer,
} from './types.js';

/** Doubling stops here: the longest election backoff is timeout * 2^BACKOFF_DOUBLINGS_MAX. */
const BACKOFF_DOUBLINGS_MAX = 5;

/** The value of a hole: a slot no reported vote covers, below a slot that has one. */
export const NOOP: Entry = { id: 'noop', cmds: [] };

/** Ticks to wait before an election: a random part that doubles with failed attempts. */
export function electionWait(s: ServerState, rand: number): number {
  const { timeout, distinguished, id } = s.config;
  const doublings = Math.min(s.leader.attempts, BACKOFF_DOUBLINGS_MAX);
  const wait = timeout + ((rand >>> 0) % (timeout * 2 ** doublings));
  return distinguished === null || distinguished === id ? wait : wait * DEFERENCE_FACTOR;
}

/**
 * Phase1a(b) for every slot from the first one not learned here: a ballot above every round
 * used or seen, the round persisted before the 1a goes out. Always enabled (as in the spec).
 */
export function startElection(s: ServerState, f: Fx, rand: number): ServerState {
  const l = s.leader;
  const round = Math.max(s.durable.round, l.seenRound, s.durable.maxBal.round) + 1;
  const bal: Ballot = { round, server: s.config.id };
  const from = s.replica.applied;
  send(f, 'all', { type: '1a', bal, from });
  const next = {
    ...s,
    durable: { ...s.durable, round },
    leader: {
      ...l, role: 'candidate', bal, from, promised: 0, adopted: [], inflight: [], next: from,
      seenRound: round, attempts: l.attempts + 1, timerTag: l.timerTag + 1, heard: false,
    },
  } as const;
  timer(f, { name: 'election', tag: next.leader.timerTag }, electionWait(next, rand));
  return next;
}

/**
 * A 1b for the current ballot: record the promise and, per slot, the highest-ballot vote
 * reported. On a quorum, Phase2a in every slot phase 1 covered (becomeLeader).
 */
export function onPromise(s: ServerState, m: Msg1b): StepResult {
  const l = s.leader;
  if (l.role !== 'candidate') return ignored(s, 'not-candidate');
  if (!ballotEq(m.bal, l.bal)) return ignored(s, 'stale-ballot');
  if (has(l.promised, m.acc)) return ignored(s, 'duplicate-promise');
  // The acceptor dropped its votes below m.from: count it only if this server knows them chosen.
  if (m.from > Math.max(l.from, s.replica.applied)) return ignored(s, 'promise-beyond-log');
  let adopted = l.adopted;
  for (const v of m.votes) {
    const had = adopted.find((a) => a.slot === v.slot);
    if (v.slot >= l.from && (had === undefined || ballotCmp(v.bal, had.bal) > 0)) {
      adopted = withVote(adopted, v);
    }
  }
  const promised = l.promised | (1 << m.acc);
  const next = { ...s, leader: { ...l, promised, adopted } };
  if (!coversKnown(next, promised)) return acted(s, next, 'Promise', fx());
  const f = fx();
  return acted(s, proposeQueued(becomeLeader(next, f), f), 'Phase2a', f);
}

/**
 * Phase2a(b, slot, v) for every slot from the first one not learned to the highest reported:
 * v is the highest-ballot vote reported in the slot, or a no-op in a hole. Only below
 * applied + alpha (config.ts, Known): the votes above stay adopted for proposeQueued.
 */
export function becomeLeader(s: ServerState, f: Fx): ServerState {
  const l = s.leader;
  const start = Math.max(l.from, s.replica.applied);
  const reported = l.adopted.length === 0 ? start - 1 : l.adopted[l.adopted.length - 1]!.slot;
  const top = Math.min(reported, proposalLimit(s) - 1);
  const inflight: Inflight[] = [];
  for (let slot = start; slot <= top; slot++) {
    if (learnedAt(s, slot) !== null) continue;
    const val = l.adopted.find((v) => v.slot === slot)?.val ?? NOOP;
    inflight.push({ slot, val, accs: 0 });
  }
  const next = Math.max(start, top + 1);
  const leader = {
    ...l, role: 'leader', next, inflight, adopted: l.adopted.filter((v) => v.slot >= next),
    queue: l.queue, attempts: 0, timerTag: l.timerTag + 1,
  } as const;
  for (const x of inflight) sendAccept(s, f, l.bal, x);
  timer(f, { name: 'heartbeat', tag: leader.timerTag }, s.config.heartbeat);
  return { ...s, leader };
}

function sendAccept(s: ServerState, f: Fx, bal: Ballot, x: Inflight): void {
  send(f, 'all', { type: '2a', bal, slot: x.slot, val: x.val, commit: s.replica.applied });
}

function resendAccept(s: ServerState, f: Fx, bal: Ballot, x: Inflight): void {
  const msg = { type: '2a', bal, slot: x.slot, val: x.val, commit: s.replica.applied } as const;
  for (let to = 0; to < s.config.servers; to++) if (!has(x.accs, to)) send(f, to, msg);
}

/**
 * Phase2a(b, slot, v) for new slots: while the window has room, the next slot gets a batch of up
 * to `batch` queued commands. Enabled only for a leader (its phase 1 covered every slot above).
 */
export function proposeQueued(s: ServerState, f: Fx): ServerState {
  const l = s.leader;
  const { window, batch } = s.config;
  const more = l.queue.length > 0 || l.adopted.length > 0 || configPending(s);
  if (l.role !== 'leader' || !more || l.inflight.length >= window) return s;
  const limit = proposalLimit(s);
  // A configuration came into force whose majority did not promise this ballot: phase 1 again.
  if (limit < 0) return startElection(s, f, 0);
  let { next, queue } = l;
  // Votes below `next` are moot: those slots were learned (catch-up may move next past them).
  let adopted = l.adopted.filter((v) => v.slot >= next);
  const inflight = l.inflight.slice();
  while (inflight.length < window && next < limit) {
    const held = adopted.length > 0 && adopted[0]!.slot === next ? adopted[0]!.val : null;
    if (held !== null) adopted = adopted.slice(1);
    if (learnedAt(s, next) !== null) { next++; continue; }
    let val: Entry;
    if (held !== null) val = held;
    else if (adopted.length > 0) val = NOOP; // a hole below a reported vote
    else if (queue.length > 0) {
      val = { id: `${l.bal.round}.${l.bal.server}/${next}`, cmds: queue.slice(0, batch) };
      queue = queue.slice(batch);
    } else if (configPending(s) && inflight.length === 0) val = NOOP; // bring it into force
    else break;
    const x = { slot: next, val, accs: 0 };
    inflight.push(x);
    sendAccept(s, f, l.bal, x);
    next++;
  }
  if (next === l.next) return s;
  return { ...s, leader: { ...l, next, queue, adopted, inflight } };
}

/**
 * A 2b for the leader's ballot: count it in its slot; on a quorum of one ballot the slot is
 * chosen (the spec's ChosenAt): learn it, apply what is contiguous, refill the window.
 */
export function onVote(s: ServerState, m: Msg2b): StepResult {
  const l = s.leader;
  if (l.role !== 'leader') return ignored(s, 'not-leader');
  if (!ballotEq(m.bal, l.bal)) return ignored(s, 'stale-ballot');
  const i = l.inflight.findIndex((x) => x.slot === m.slot);
  if (i < 0) return ignored(s, 'not-in-flight');
  const x = l.inflight[i]!;
  if (has(x.accs, m.acc)) return ignored(s, 'duplicate-vote');
  assert(x.val.id === m.val.id, 'a 2b in this ballot votes for this ballot\'s 2a');
  const counted = { ...x, accs: x.accs | (1 << m.acc) };
  if (!isQuorumAt(s, x.slot, counted.accs)) {
    const inflight = l.inflight.map((y, j) => (j === i ? counted : y));
    return acted(s, { ...s, leader: { ...l, inflight } }, 'Vote', fx());
  }
  const f = fx();
  const inflight = l.inflight.filter((_, j) => j !== i);
  const learned = learnAt({ ...s, leader: { ...l, inflight } }, x.slot, x.val);
  return acted(s, proposeQueued(applyReady(learned, f), f), 'Learn', f);
}

/** A reject for the ballot in flight: a higher ballot was promised; step down. */
export function onReject(s: ServerState, m: MsgReject): StepResult {
  const l = s.leader;
  if (l.role === 'follower' || !ballotEq(m.bal, l.bal)) return ignored(s, 'stale-ballot');
  if (ballotCmp(m.maxBal, l.bal) <= 0) return ignored(s, 'not-above-maxBal');
  const f = fx();
  const seenRound = Math.max(l.seenRound, m.maxBal.round);
  return acted(s, stepDown({ ...s, leader: { ...l, seenRound } }, f), 'Abdicate', f);
}

/** Steps down when this server promised a ballot above the one it leads (or runs for). */
export function abdicateIfOutbid(s: ServerState, f: Fx): ServerState {
  const l = s.leader;
  if (l.role === 'follower' || ballotCmp(s.durable.maxBal, l.bal) <= 0) return s;
  return stepDown(s, f);
}

/**
 * Back to follower: queued commands and pending reads are redirected to the server whose
 * ballot is promised here (slots in flight may still be chosen: their clients keep waiting,
 * and are answered if this server applies them).
 */
function stepDown(s: ServerState, f: Fx): ServerState {
  const l = s.leader;
  const hint = leaderHint(s);
  const dropped = [...l.queue, ...l.reads.map((r) => r.cmd)];
  for (const c of dropped) reply(f, c.client, c.seq, null, hint);
  const gone = (c: { client: number; seq: number }) =>
    dropped.some((d) => d.client === c.client && d.seq === c.seq);
  const timerTag = l.timerTag + 1;
  timer(f, { name: 'election', tag: timerTag }, electionWait(s, 0));
  return {
    ...s,
    leader: {
      ...l, role: 'follower', promised: 0, adopted: [], inflight: [], queue: [], reads: [],
      timerTag,
    },
    waiting: s.waiting.filter((c) => !gone(c)),
  };
}

/** The server this one believes leads: the owner of the ballot it promised, unless itself. */
export function leaderHint(s: ServerState): number | null {
  const b = s.durable.maxBal;
  if (b.round < 0) return null;
  if (b.server === s.config.id) return s.leader.role === 'leader' ? b.server : null;
  return b.server;
}

/**
 * The election and heartbeat timers. A follower that heard from the leader since the timer was
 * armed waits again; otherwise (or a candidate whose attempt timed out) it runs Phase1a. The
 * leader's heartbeat sends the commit notice and re-sends what may have been lost: the 2a of
 * slots in flight and the pings of pending reads.
 */
export function onTimer(s: ServerState, t: Timer, rand: number): StepResult {
  const l = s.leader;
  if (t.tag !== l.timerTag) return ignored(s, 'stale-timer');
  const f = fx();
  if (t.name === 'heartbeat') {
    if (l.role !== 'leader') return ignored(s, 'stale-timer');
    send(f, 'all', { type: 'commit', bal: l.bal, upTo: s.replica.applied });
    // Only to the servers whose 2b is missing: resending to all feeds a congested network.
    for (const x of l.inflight) resendAccept(s, f, l.bal, x);
    for (const r of l.reads) send(f, 'all', { type: 'ping', bal: l.bal, id: r.id });
    timer(f, t, s.config.heartbeat);
    return acted(s, s, 'Heartbeat', f);
  }
  if (l.role === 'leader') return ignored(s, 'stale-timer');
  // A learner (or a removed server) watches and never runs: its ballots would only disrupt.
  if ((l.role === 'follower' && l.heard) || !isVoter(s)) {
    const next = { ...s, leader: { ...l, heard: false } };
    timer(f, t, electionWait(next, rand));
    return acted(s, next, 'Watch', f);
  }
  return acted(s, startElection(s, f, rand), 'Phase1a', f);
}
