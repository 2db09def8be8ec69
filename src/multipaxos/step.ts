/**
 * `step(state, input) -> { state, effects, outcome }`: the only door into a Multi-Paxos server.
 *
 * Dispatch as in src/paxos/step.ts: the input kind, then the message type through a record keyed
 * by every `Msg['type']` (a missing key is a compile error, so a new message type cannot be
 * dropped silently). The handlers are a record so that tests build deliberately broken servers
 * (mutants) by replacing one entry, with no mutant code in src/:
 * `makeStep({ ...handlers, onPromise: forgetfulPromise })`.
 *
 * Pure: no clock, randomness or I/O. The same state and input always give the same result.
 */
import { onAccept, onPing, onPrepare } from './acceptor.js';
import { onPong, onRequest } from './client.js';
import { electionWait, onPromise, onReject, onTimer, onVote } from './leader.js';
import { onCatchup, onCommit, onEntries, onSnapshot } from './replica.js';
import { acted, fx, initServer, timer } from './state.js';
import type {
  Durable, Input, Msg, Msg1a, Msg1b, Msg2a, Msg2b, MsgCatchup, MsgCommit, MsgEntries, MsgPing,
  MsgPong, MsgReject, MsgSnapshot, Request, ServerState, StepResult, Timer,
} from './types.js';

/** One handler per input; each documents the spec action (or the stutter) it implements. */
export interface Handlers {
  /** Phase1b(a) for every slot from m.from. */
  readonly onPrepare: (s: ServerState, m: Msg1a) => StepResult;
  /** A 1b at the candidate; Phase2a(b, slot, v) in every covered slot on a quorum. */
  readonly onPromise: (s: ServerState, m: Msg1b) => StepResult;
  /** Phase2b(a) in one slot. */
  readonly onAccept: (s: ServerState, m: Msg2a) => StepResult;
  /** The leader's count of 2b per slot (ChosenAt as known to the leader); learns on a quorum. */
  readonly onVote: (s: ServerState, m: Msg2b) => StepResult;
  /** A commit notice: learn slots whose vote here is in the notice's ballot (a stutter). */
  readonly onCommit: (s: ServerState, m: MsgCommit) => StepResult;
  /** Step down on a higher promise (a stutter). */
  readonly onReject: (s: ServerState, m: MsgReject) => StepResult;
  /** Serve catch-up, take entries, install a snapshot (stutters for the acceptor's spec). */
  readonly onCatchup: (s: ServerState, m: MsgCatchup) => StepResult;
  readonly onEntries: (s: ServerState, m: MsgEntries) => StepResult;
  readonly onSnapshot: (s: ServerState, m: MsgSnapshot) => StepResult;
  /** The read-index leadership check, at the acceptor and back at the leader. */
  readonly onPing: (s: ServerState, m: MsgPing) => StepResult;
  readonly onPong: (s: ServerState, m: MsgPong) => StepResult;
  /** A client command; at the leader it may be Phase2a(b, slot, v) for a new slot. */
  readonly onRequest: (s: ServerState, req: Request) => StepResult;
  /** Election (Phase1a(b)) and heartbeat timers. */
  readonly onTimer: (s: ServerState, t: Timer, rand: number) => StepResult;
  /** Rebuilds the server from its durable record alone (a stutter for the spec). */
  readonly onRestart: (s: ServerState, durable: Durable, rand: number) => StepResult;
}

function onRestart(s: ServerState, durable: Durable, rand: number): StepResult {
  const next = initServer(s.config, durable);
  const f = fx();
  timer(f, { name: 'election', tag: next.leader.timerTag }, electionWait(next, rand));
  return acted(next, next, 'Restart', f);
}

/** The correct server. */
export const handlers: Handlers = {
  onPrepare, onPromise, onAccept, onVote, onCommit, onReject, onCatchup, onEntries, onSnapshot,
  onPing, onPong, onRequest, onTimer, onRestart,
};

export type Step = (s: ServerState, input: Input) => StepResult;

type MessageRoutes = {
  readonly [T in Msg['type']]: (h: Handlers, s: ServerState, m: Extract<Msg, { type: T }>) =>
    StepResult;
};

const routes: MessageRoutes = {
  '1a': (h, s, m) => h.onPrepare(s, m),
  '1b': (h, s, m) => h.onPromise(s, m),
  '2a': (h, s, m) => h.onAccept(s, m),
  '2b': (h, s, m) => h.onVote(s, m),
  commit: (h, s, m) => h.onCommit(s, m),
  reject: (h, s, m) => h.onReject(s, m),
  catchup: (h, s, m) => h.onCatchup(s, m),
  entries: (h, s, m) => h.onEntries(s, m),
  snapshot: (h, s, m) => h.onSnapshot(s, m),
  ping: (h, s, m) => h.onPing(s, m),
  pong: (h, s, m) => h.onPong(s, m),
};

function route<T extends Msg['type']>(
  h: Handlers, s: ServerState, m: Extract<Msg, { type: T }>,
): StepResult {
  return (routes[m.type as T] as MessageRoutes[T])(h, s, m);
}

/** Builds a server's step function from its handlers. */
export function makeStep(h: Handlers): Step {
  return (s, input) => {
    switch (input.kind) {
      case 'deliver': return route(h, s, input.msg);
      case 'request': return h.onRequest(s, input.req);
      case 'timer': return h.onTimer(s, input.timer, input.rand);
      case 'restart': return h.onRestart(s, input.durable, input.rand);
    }
  };
}

/** The one door: the correct server's step. */
export const step: Step = makeStep(handlers);
