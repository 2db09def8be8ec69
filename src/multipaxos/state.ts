/**
 * Initial state, restart, the sorted-vote helpers, and the result builder every handler shares.
 *
 * A restart rebuilds the server from its durable record alone: the acceptor's promise and
 * votes, the proposer's highest round and the latest snapshot. The replica starts from the
 * snapshot (applied = snapshot.upTo) and learns the rest again from the leader (catch-up);
 * the leader's attempt, the queue and the clients waiting here are volatile and lost, exactly as
 * in a fail-stop crash (clients retry, and exactly-once makes the retry safe).
 *
 * Handlers collect sends, replies and timers in an `Fx` and finish with `acted`, which emits
 * one persist of the final durable record first when it changed, then the sends, replies and
 * timers: DESIGN.md's order, so every send follows the persist of the state it announces.
 */
import { assert } from '../paxos/assert.js';
import { NO_BALLOT } from '../paxos/ballot.js';
import {
  EFFECT_RANK, MAX_SERVERS, type Action, type Destination, type Durable, type Effect,
  type IgnoreReason, type Msg, type Output, type ServerConfig, type ServerState, type Snapshot,
  type StepResult, type Timer, type Vote,
} from './types.js';

export { majority, count, has, isQuorum } from '../paxos/state.js';

export const EMPTY_SNAPSHOT: Snapshot = { upTo: 0, app: {}, sessions: [], digest: 0, configs: [] };

/** Nothing promised, no vote, no round used, the empty snapshot. */
export const INITIAL_DURABLE: Durable = {
  round: -1, maxBal: NO_BALLOT, votes: [], snapshot: EMPTY_SNAPSHOT,
};

/** Defaults for everything but id and servers. */
export function serverConfig(
  partial: Partial<ServerConfig> & { id: number; servers: number },
): ServerConfig {
  const timeout = partial.timeout ?? 40;
  return {
    timeout, members: 2 ** partial.servers - 1, alpha: 8,
    heartbeat: partial.heartbeat ?? Math.max(1, Math.floor(timeout / 3)),
    distinguished: null, window: 4, batch: 8, snapshotEvery: 16, machine: 'kv', reads: 'log',
    ...partial,
  };
}

/** A server that just started (or restarted) from `durable`; its timers come from `onRestart`. */
export function initServer(config: ServerConfig, durable: Durable = INITIAL_DURABLE): ServerState {
  assert(config.servers >= 1 && config.servers <= MAX_SERVERS, 'servers in 1..MAX_SERVERS');
  assert(config.id >= 0 && config.id < config.servers, 'server id in 0..servers-1');
  assert(config.heartbeat >= 1 && config.heartbeat < config.timeout, 'heartbeat below timeout');
  assert(config.window >= 1 && config.batch >= 1, 'window and batch at least one');
  assert(config.alpha >= 1 && config.members > 0 && config.members < 2 ** config.servers,
    'alpha at least one, members among the servers');
  const snap = durable.snapshot;
  return {
    config,
    durable,
    leader: {
      role: 'follower', bal: NO_BALLOT, from: 0, promised: 0, adopted: [], next: 0,
      inflight: [], queue: [], reads: [], readSeq: 0, seenRound: durable.maxBal.round,
      attempts: 0, timerTag: 0, heard: false,
    },
    replica: {
      applied: snap.upTo, app: snap.app, sessions: snap.sessions, digest: snap.digest, log: [],
      asked: snap.upTo, configs: snap.configs,
    },
    waiting: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Votes, sorted by slot

export function voteAt(votes: readonly Vote[], slot: number): Vote | null {
  for (const v of votes) if (v.slot === slot) return v;
  return null;
}

/** `votes` with `vote` in its slot (replacing the slot's previous vote). */
export function withVote(votes: readonly Vote[], vote: Vote): readonly Vote[] {
  const at = votes.findIndex((v) => v.slot >= vote.slot);
  if (at < 0) return [...votes, vote];
  const keep = votes[at]!.slot === vote.slot ? at + 1 : at;
  return [...votes.slice(0, at), vote, ...votes.slice(keep)];
}

export function votesFrom(votes: readonly Vote[], slot: number): readonly Vote[] {
  return votes.length === 0 || votes[0]!.slot >= slot ? votes : votes.filter((v) => v.slot >= slot);
}

// ---------------------------------------------------------------------------------------------
// Results

/** The sends, replies and timers of one step, in the order they were decided. */
export interface Fx {
  readonly sends: Effect[];
  readonly replies: Effect[];
  readonly timers: Effect[];
}

export function fx(): Fx {
  return { sends: [], replies: [], timers: [] };
}

export function send(f: Fx, to: Destination, msg: Msg): void {
  f.sends.push({ kind: 'send', to, msg });
}

export function reply(
  f: Fx, client: number, seq: number, out: Output | null, redirect: number | null = null,
): void {
  f.replies.push({ kind: 'reply', client, seq, out, redirect });
}

export function timer(f: Fx, t: Timer, after: number): void {
  f.timers.push({ kind: 'set-timer', timer: t, after });
}

/**
 * A step that acted: persist (when the durable record changed), then sends, replies, timers.
 * Asserts the order, so a reducer change that breaks it fails at once.
 */
export function acted(before: ServerState, state: ServerState, action: Action, f: Fx): StepResult {
  const effects: Effect[] = [];
  if (state.durable !== before.durable) effects.push({ kind: 'persist', durable: state.durable });
  effects.push(...f.sends, ...f.replies, ...f.timers);
  for (let i = 1; i < effects.length; i++) {
    assert(EFFECT_RANK[effects[i - 1]!.kind] <= EFFECT_RANK[effects[i]!.kind], 'effect order');
  }
  return { state, effects, outcome: { kind: 'acted', action } };
}

/** A step that changed nothing, with its reason; `f` may carry sends (a reject). */
export function ignored(s: ServerState, reason: IgnoreReason, f: Fx | null = null): StepResult {
  return {
    state: s, effects: f === null ? [] : [...f.sends], outcome: { kind: 'ignored', reason },
  };
}
