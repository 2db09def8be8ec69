/**
 * The learner and the replica: what this server knows is chosen, applying it strictly in slot
 * order, log compaction, and catch-up for a replica that fell behind.
 *
 * A slot is learned in one of three ways: the leader counts a quorum of 2b in its ballot
 * (leader.ts); a commit notice from the leader of ballot b says every slot below `upTo` is
 * chosen, and a replica whose own vote in such a slot is in ballot b learns that vote's value
 * (one value per ballot per slot, so it is the chosen one); or catch-up hands over chosen entries
 * or a snapshot. Learned entries are applied as soon as every slot below them is applied, never
 * out of order. After `snapshotEvery` applied slots the replica snapshots its state machine
 * (with the sessions of exactly-once) durably and drops the log and the votes below it: those
 * slots are chosen and applied, and a proposer that asks about them gets the snapshot instead.
 *
 * Catch-up: a replica that sees a commit point above what it can learn asks the leader from its
 * first missing slot; the leader answers with the entries it still has, preceded by its snapshot
 * when the replica is behind the leader's compacted prefix. A snapshot is installed only when it
 * is ahead of what is applied here (an old one, delayed or duplicated, is ignored).
 */
import { ballotCmp, ballotEq } from '../paxos/ballot.js';
import { proposeQueued } from './leader.js';
import { coversKnown, trimConfigs, withConfigOp } from './config.js';
import { applyCommand, chain, isConfigOp, MACHINES, sessionOf } from './machine.js';
import { acted, fx, ignored, reply, send, votesFrom, type Fx } from './state.js';
import type {
  Command, Entry, MsgCatchup, ReplicaState, MsgCommit, MsgEntries, MsgSnapshot, ServerState,
    Snapshot, StepResult,
} from './types.js';

/** The first slot of the replica's log: everything below is in the durable snapshot. */
export function logBase(s: ServerState): number {
  return s.durable.snapshot.upTo;
}

/** The learned entry of `slot`, if this replica still holds it. */
export function learnedAt(s: ServerState, slot: number): Entry | null {
  return s.replica.log[slot - logBase(s)] ?? null;
}

/** Records that `slot` is chosen with `val` (no-op if applied or known already). */
export function learnAt(s: ServerState, slot: number, val: Entry): ServerState {
  const r = s.replica;
  const i = slot - logBase(s);
  if (slot < r.applied || (r.log[i] ?? null) !== null) return s;
  const log = r.log.slice();
  while (log.length < i) log.push(null);
  log[i] = val;
  return { ...s, replica: { ...r, log } };
}

/** Applies every learned entry in slot order from `applied`, replies, reads, compaction. */
export function applyReady(s0: ServerState, f: Fx): ServerState {
  const machine = MACHINES[s0.config.machine];
  let s = s0;
  let r = s.replica;
  let waiting = s.waiting;
  for (let e = learnedAt(s, r.applied); e !== null; e = learnedAt(s, r.applied)) {
    let { app, sessions, configs } = r;
    for (const cmd of e.cmds) {
      if (isConfigOp(cmd.op) && !isStale(sessions, cmd)) {
        configs = withConfigOp(s, configs, r.applied, cmd.op);
      }
      const a = applyCommand(machine, app, sessions, cmd);
      app = a.data;
      sessions = a.sessions;
      const w = waiting.findIndex((c) => c.client === cmd.client && c.seq === cmd.seq);
      if (w >= 0) {
        waiting = waiting.filter((_, j) => j !== w);
        if (a.out !== null) reply(f, cmd.client, cmd.seq, a.out);
      }
    }
    const applied = r.applied + 1;
    configs = trimConfigs(configs, applied);
    r = { ...r, app, sessions, applied, digest: chain(r.digest, e.id), configs };
    s = { ...s, replica: r };
  }
  if (s !== s0) s = compact(serveReads({ ...s, waiting }, f));
  return dropChosen(s);
}

/** A retry of a command this replica applied already (exactly-once applies it once). */
function isStale(sessions: ReplicaState['sessions'], cmd: Command): boolean {
  const last = sessionOf(sessions, cmd.client);
  return last !== null && last.seq >= cmd.seq;
}

/** A leader stops proposing in slots it has applied (it may learn them by catch-up). */
function dropChosen(s: ServerState): ServerState {
  const l = s.leader;
  const applied = s.replica.applied;
  if (l.inflight.length === 0 || l.inflight[0]!.slot >= applied) return s;
  const inflight = l.inflight.filter((x) => x.slot >= applied);
  return { ...s, leader: { ...l, inflight, next: Math.max(l.next, applied) } };
}

/** Snapshots the state machine when `snapshotEvery` slots were applied since the last one. */
export function compact(s: ServerState): ServerState {
  const every = s.config.snapshotEvery;
  const r = s.replica;
  if (every === 0 || r.applied - logBase(s) < every) return s;
  const snapshot: Snapshot = {
    upTo: r.applied, app: r.app, sessions: r.sessions, digest: r.digest, configs: r.configs,
  };
  return install(s, snapshot, r.log.slice(r.applied - logBase(s)));
}

/** Makes `snap` the durable snapshot; drops votes below it; `log` starts at snap.upTo. */
function install(s: ServerState, snap: Snapshot, log: readonly (Entry | null)[]): ServerState {
  const durable = { ...s.durable, snapshot: snap, votes: votesFrom(s.durable.votes, snap.upTo) };
  const replica = {
    ...s.replica, applied: snap.upTo, app: snap.app, sessions: snap.sessions,
    digest: snap.digest, log, asked: Math.max(s.replica.asked, snap.upTo), configs: snap.configs,
  };
  return { ...s, durable, replica };
}

/** Answers the read-index reads whose leadership check passed and whose index is applied. */
export function serveReads(s: ServerState, f: Fx): ServerState {
  const l = s.leader;
  if (l.reads.length === 0) return s;
  const machine = MACHINES[s.config.machine];
  const ready = (x: (typeof l.reads)[number]): boolean =>
    coversKnown(s, x.acks) && x.index <= s.replica.applied;
  if (!l.reads.some(ready)) return s;
  for (const x of l.reads) {
    if (ready(x)) reply(f, x.cmd.client, x.cmd.seq, machine.apply(s.replica.app, x.cmd.op).out);
  }
  const done = (c: { client: number; seq: number }) =>
    l.reads.some((x) => ready(x) && x.cmd.client === c.client && x.cmd.seq === c.seq);
  return {
    ...s, leader: { ...l, reads: l.reads.filter((x) => !ready(x)) },
    waiting: s.waiting.filter((c) => !done(c)),
  };
}

/**
 * Learns every slot below `upTo` whose vote here is in `bal` (the commit point of bal's
 * leader); asks that leader for the rest when `ask` and something is still missing.
 */
export function learnCommitted(
  s0: ServerState, bal: MsgCommit['bal'], upTo: number, f: Fx, ask: boolean,
): ServerState {
  let s = s0;
  for (const v of votesFrom(s.durable.votes, s.replica.applied)) {
    if (v.slot >= upTo) break;
    if (ballotEq(v.bal, bal)) s = learnAt(s, v.slot, v.val);
  }
  s = applyReady(s, f);
  const r = s.replica;
  if (r.applied < upTo && (ask || r.asked < upTo) && bal.server !== s.config.id) {
    send(f, bal.server, { type: 'catchup', from: s.config.id, slot: r.applied });
    s = { ...s, replica: { ...r, asked: upTo } };
  }
  return s;
}

/** A commit notice (also the leader's heartbeat): learn what it teaches, ask for the rest. */
export function onCommit(s: ServerState, m: MsgCommit): StepResult {
  const f = fx();
  const heard = ballotCmp(m.bal, s.durable.maxBal) >= 0 && !s.leader.heard
    ? { ...s, leader: { ...s.leader, heard: true } } : s;
  const next = learnCommitted(heard, m.bal, m.upTo, f, true);
  if (next === s) return ignored(s, 'nothing-new');
  // Learning may empty a leader's window (applyReady drops the slots it applied from inflight):
  // commands queued behind the full window must be proposed now, as after any other learn.
  return acted(s, proposeQueued(next, f), 'CommitNotice', f);
}

/** Serves a catch-up request: the snapshot if the asker is behind it, then the entries held. */
export function onCatchup(s: ServerState, m: MsgCatchup): StepResult {
  const f = fx();
  const base = logBase(s);
  if (m.slot < base) send(f, m.from, { type: 'snapshot', from: s.config.id,
    snap: s.durable.snapshot });
  const from = Math.max(m.slot, base);
  const vals: Entry[] = [];
  for (let e = learnedAt(s, from); e !== null; e = learnedAt(s, from + vals.length)) vals.push(e);
  if (vals.length > 0) send(f, m.from, { type: 'entries', from: s.config.id, slot: from, vals });
  if (f.sends.length === 0) return ignored(s, 'nothing-new');
  return acted(s, s, 'CatchupServe', f);
}

/** Chosen entries from catch-up: learn them and apply what became contiguous. */
export function onEntries(s: ServerState, m: MsgEntries): StepResult {
  const f = fx();
  let next = s;
  m.vals.forEach((val, i) => {
    next = learnAt(next, m.slot + i, val);
  });
  if (next === s) return ignored(s, 'nothing-new');
  return acted(s, proposeQueued(applyReady(next, f), f), 'Learn', f);
}

/** A snapshot from catch-up: install it when it is ahead of what is applied here. */
export function onSnapshot(s: ServerState, m: MsgSnapshot): StepResult {
  if (m.snap.upTo <= s.replica.applied) return ignored(s, 'snapshot-not-newer');
  const f = fx();
  const keep = s.replica.log.slice(Math.max(0, m.snap.upTo - logBase(s)));
  return acted(s, proposeQueued(applyReady(install(s, m.snap, keep), f), f), 'CatchupInstall', f);
}
