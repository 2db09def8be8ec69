/**
 * The client API at one server: a command arrives, and is answered from the session table
 * (a retry of a command already applied), served as a read, queued for the log, or redirected
 * to the leader.
 *
 * Reads (docs/multipaxos.md, "Reads"), chosen by the configuration's `reads`:
 * - 'log' (default): a read is a command like any other; it is answered when its slot is
 *   applied, so it is linearizable at the point its slot was chosen;
 * - 'read-index': the leader notes its read index: the next slot it would assign or, when
 *   phase 1 left votes adopted above its window, the slot above the highest of them. Every
 *   write that completed before the read is below it (this leader's own are below `next`; one
 *   a deposed leader completed was reported in phase 1 and is re-proposed here). It asks every
 *   acceptor whether it still holds this ballot as the highest promise (`ping`), and answers
 *   from the applied state once a quorum said yes and the log is applied up to that slot
 *   (the new leader's re-proposals, in its own ballot, are below it). A leader that was
 *   deposed cannot collect that quorum;
 * - 'local': any replica answers from what it applied. Not linearizable (a lagging replica
 *   answers stale values); the simulator reports runs with it as unchecked for linearizability.
 */
import { ballotEq } from '../paxos/ballot.js';
import { leaderHint, proposeQueued } from './leader.js';
import { isRead, MACHINES, sessionOf } from './machine.js';
import { serveReads } from './replica.js';
import { acted, fx, has, ignored, reply, send } from './state.js';
import type { Command, MsgPong, Request, ServerState, StepResult } from './types.js';

/** A client command arrives at this server. */
export function onRequest(s: ServerState, req: Request): StepResult {
  const cmd = req.cmd;
  const f = fx();
  const last = sessionOf(s.replica.sessions, cmd.client);
  if (last !== null && last.seq >= cmd.seq) {
    if (last.seq > cmd.seq) return ignored(s, 'duplicate-request');
    reply(f, cmd.client, cmd.seq, last.out);
    return acted(s, s, 'Answer', f);
  }
  if (isPending(s, cmd)) return ignored(s, 'duplicate-request');
  if (isRead(cmd.op) && s.config.reads === 'local') {
    reply(f, cmd.client, cmd.seq, MACHINES[s.config.machine].apply(s.replica.app, cmd.op).out);
    return acted(s, s, 'ReadLocal', f);
  }
  const l = s.leader;
  if (l.role === 'follower') {
    reply(f, cmd.client, cmd.seq, null, leaderHint(s));
    return acted(s, s, 'Redirect', f);
  }
  // A retry of a command this server lost track of (its slot was lost when it stepped down)
  // is queued again; exactly-once makes a second slot harmless.
  const waiting = isWaiting(s, cmd) ? s.waiting : [...s.waiting, cmd];
  if (l.role === 'leader' && isRead(cmd.op) && s.config.reads === 'read-index') {
    return readIndex({ ...s, waiting }, cmd);
  }
  const queued = { ...s, waiting, leader: { ...l, queue: [...l.queue, cmd] } };
  const proposed = proposeQueued(queued, f);
  return acted(s, proposed, proposed === queued ? 'Queue' : 'Propose', f);
}

function same(a: Command, b: Command): boolean {
  return a.client === b.client && a.seq === b.seq;
}

function isWaiting(s: ServerState, cmd: Command): boolean {
  return s.waiting.some((c) => same(c, cmd));
}

/** Queued, in a slot in flight, or a read in progress at this (leading) server. */
function isPending(s: ServerState, cmd: Command): boolean {
  const l = s.leader;
  return l.queue.some((c) => same(c, cmd)) || l.reads.some((r) => same(r.cmd, cmd)) ||
    l.inflight.some((x) => x.val.cmds.some((c) => same(c, cmd)));
}

/** A read-index read: note the read index, and check leadership with every acceptor. */
function readIndex(s: ServerState, cmd: Command): StepResult {
  const l = s.leader;
  const f = fx();
  const id = l.readSeq + 1;
  send(f, 'all', { type: 'ping', bal: l.bal, id });
  // Votes adopted in phase 1 above the window are not yet re-proposed (next is below them).
  const top = l.adopted.length === 0 ? -1 : l.adopted[l.adopted.length - 1]!.slot;
  const reads = [...l.reads, { id, cmd, index: Math.max(l.next, top + 1), acks: 0 }];
  return acted(s, { ...s, leader: { ...l, reads, readSeq: id } }, 'ReadIndex', f);
}

/** An acceptor confirmed this ballot for a read: answer it once a quorum did and it is applied. */
export function onPong(s: ServerState, m: MsgPong): StepResult {
  const l = s.leader;
  if (l.role !== 'leader') return ignored(s, 'not-leader');
  if (!ballotEq(m.bal, l.bal)) return ignored(s, 'stale-ballot');
  const i = l.reads.findIndex((r) => r.id === m.id);
  if (i < 0) return ignored(s, 'no-such-read');
  const r = l.reads[i]!;
  if (has(r.acks, m.acc)) return ignored(s, 'duplicate-vote');
  const reads = l.reads.map((x, j) => (j === i ? { ...r, acks: r.acks | (1 << m.acc) } : x));
  const f = fx();
  return acted(s, serveReads({ ...s, leader: { ...l, reads } }, f), 'ReadPong', f);
}
