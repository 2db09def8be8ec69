/**
 * Initial state, restart, and the small helpers every handler shares: majorities over bitmasks
 * and the result builders that keep effects in DESIGN.md's order (persist, send, reply, timer).
 *
 * A restart rebuilds the server from its durable record alone (DESIGN.md, "The implementation"):
 * the acceptor's maxBal/maxVBal/maxVal and the proposer's highest round. Everything else (the
 * proposer's attempt, the learner's tally, what it learned, pending client requests) is volatile
 * and lost, exactly as in a fail-stop crash; it is rebuilt from the other servers.
 */
import { assert } from './assert.js';
import { NO_BALLOT } from './ballot.js';
import {
  EFFECT_RANK, MAX_SERVERS, type Action, type Durable, type Effect, type IgnoreReason,
  type MsgReject, type RefuseReason, type ServerConfig, type ServerState, type StepResult,
} from './types.js';

/** Paxos.tla's Init for one acceptor, and a proposer that never used a round. */
export const INITIAL_DURABLE: Durable = {
  round: -1,
  acceptor: { maxBal: NO_BALLOT, maxVBal: NO_BALLOT, maxVal: null },
};

/** A server that just started (or restarted) with the given durable record. */
export function initServer(config: ServerConfig, durable: Durable = INITIAL_DURABLE): ServerState {
  assert(config.servers >= 1 && config.servers <= MAX_SERVERS, 'servers in 1..MAX_SERVERS');
  assert(config.id >= 0 && config.id < config.servers, 'server id in 0..servers-1');
  assert(config.timeout >= 1, 'timeout at least one tick');
  if (config.distinguished !== null) {
    assert(config.distinguished >= 0 && config.distinguished < config.servers,
      'the distinguished proposer is one of the servers');
  }
  return {
    config,
    durable,
    proposer: {
      phase: 'idle', bal: NO_BALLOT, value: null, promised: 0, hbal: NO_BALLOT, hval: null,
      attempts: 0, seenRound: -1, timerTag: 0,
    },
    learner: { learned: null, tallyBal: NO_BALLOT, tallyVal: null, tallyAccs: 0 },
    reads: [],
    pending: [],
  };
}

/** The size of a majority of `servers`: any two majorities intersect. */
export function majority(servers: number): number {
  return Math.floor(servers / 2) + 1;
}

/** The number of acceptors in a bitmask. */
export function count(mask: number): number {
  let n = 0;
  for (let m = mask; m !== 0; m &= m - 1) n++;
  return n;
}

export function has(mask: number, id: number): boolean {
  return (mask & (1 << id)) !== 0;
}

export function isQuorum(mask: number, servers: number): boolean {
  return count(mask) >= majority(servers);
}

/** A step that acted. Asserts the effect order: a send never precedes a persist. */
export function acted(
  state: ServerState,
  action: Action,
  effects: readonly Effect[],
): StepResult {
  for (let i = 1; i < effects.length; i++) {
    const prev = effects[i - 1]!;
    const next = effects[i]!;
    assert(EFFECT_RANK[prev.kind] <= EFFECT_RANK[next.kind], `${prev.kind} before ${next.kind}`);
  }
  return { state, effects, outcome: { kind: 'acted', action } };
}

/** A step that changed nothing and sent nothing, with its reason. */
export function ignored(state: ServerState, reason: IgnoreReason): StepResult {
  return { state, effects: [], outcome: { kind: 'ignored', reason } };
}

/**
 * A step that changed nothing but answers: a reject to the proposer of the refused ballot, the
 * step's only effect.
 */
export function refused(state: ServerState, reason: RefuseReason, reply: MsgReject): StepResult {
  assert(reply.acc === state.config.id, 'a reject names the acceptor that sends it');
  return {
    state, effects: [{ kind: 'send', to: reply.bal.server, msg: reply }],
    outcome: { kind: 'refused', reason },
  };
}
