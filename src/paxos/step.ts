/**
 * `step(state, input) -> { state, effects, outcome }`: the only door into a Synod server.
 *
 * Dispatch follows etcd-raft's Step: first the slot, then the input kind, then the message
 * type. The input kind is matched with ts-pattern's `.exhaustive()`; the message type goes
 * through a record keyed by every `Msg['type']` (a mapped type, so a missing key is a compile
 * error just as `.exhaustive()` makes it). Either way a new message type that nobody handles
 * cannot compile, rather than being dropped silently. The record is used for messages because
 * they are the hot path of the simulator: a ts-pattern chain of eight arms cost about a tenth
 * of its time (docs/simulator.md, "Speed"). The handlers are a record so that tests can build
 * deliberately broken servers (mutants) by replacing one entry, without any mutant code in src/:
 * `makeStep({ ...handlers, onPrepare: forgetfulPrepare })`.
 *
 * Pure: no clock, randomness or I/O. The same state and input always give the same result.
 */
import { match } from 'ts-pattern';
import { onAccept, onPrepare, onRead } from './acceptor.js';
import { onReadOk, onReadTimer, onRequest } from './client.js';
import { onCommit, onVote } from './learner.js';
import { onPromise, onProposerTimer, onReject } from './proposer.js';
import { ignored, initServer } from './state.js';
import type {
  Durable, Input, Msg, Msg1a, Msg1b, Msg2a, Msg2b, MsgCommit, MsgRead, MsgReadOk, MsgReject,
  Request, ServerState, StepResult, Timer,
} from './types.js';
import { SLOT } from './types.js';

/** One handler per input; each documents the spec action it implements. */
export interface Handlers {
  /** Phase1b(a). */
  readonly onPrepare: (s: ServerState, m: Msg1a) => StepResult;
  /** Phase1b's answer at the proposer; Phase2a(b, v) on a majority. */
  readonly onPromise: (s: ServerState, m: Msg1b) => StepResult;
  /** Phase2b(a). */
  readonly onAccept: (s: ServerState, m: Msg2a) => StepResult;
  /** The learner's count of Phase2b votes (Paxos.tla's ChosenAt, as known to one learner). */
  readonly onVote: (s: ServerState, m: Msg2b) => StepResult;
  readonly onCommit: (s: ServerState, m: MsgCommit) => StepResult;
  readonly onReject: (s: ServerState, m: MsgReject, rand: number) => StepResult;
  readonly onRead: (s: ServerState, m: MsgRead) => StepResult;
  readonly onReadOk: (s: ServerState, m: MsgReadOk, rand: number) => StepResult;
  /** SetVarX(v) or GetVarX(); SetVarX may start Phase1a(b). */
  readonly onRequest: (s: ServerState, req: Request, rand: number) => StepResult;
  /** Phase1a(b) again after a timeout or backoff. */
  readonly onProposerTimer: (s: ServerState, tag: number, rand: number) => StepResult;
  readonly onReadTimer: (s: ServerState, t: Extract<Timer, { name: 'read' }>) => StepResult;
  /** Rebuilds the server from its durable record alone (a stutter for the spec). */
  readonly onRestart: (s: ServerState, durable: Durable) => StepResult;
}

function onRestart(s: ServerState, durable: Durable): StepResult {
  return { state: initServer(s.config, durable), effects: [], outcome: restarted };
}
const restarted = { kind: 'acted', action: 'Restart' } as const;

/** The correct server. */
export const handlers: Handlers = {
  onPrepare, onPromise, onAccept, onVote, onCommit, onReject, onRead, onReadOk, onRequest,
  onProposerTimer, onReadTimer, onRestart,
};

export type Step = (s: ServerState, input: Input) => StepResult;

/** For each message type, the handler that receives it. */
type MessageRoutes = {
  readonly [T in Msg['type']]: (
    h: Handlers, s: ServerState, m: Extract<Msg, { type: T }>, rand: number,
  ) => StepResult;
};

const routes: MessageRoutes = {
  '1a': (h, s, m) => h.onPrepare(s, m),
  '1b': (h, s, m) => h.onPromise(s, m),
  '2a': (h, s, m) => h.onAccept(s, m),
  '2b': (h, s, m) => h.onVote(s, m),
  commit: (h, s, m) => h.onCommit(s, m),
  reject: (h, s, m, rand) => h.onReject(s, m, rand),
  read: (h, s, m) => h.onRead(s, m),
  'read-ok': (h, s, m, rand) => h.onReadOk(s, m, rand),
};

function route<T extends Msg['type']>(
  h: Handlers, s: ServerState, m: Extract<Msg, { type: T }>, rand: number,
): StepResult {
  return (routes[m.type as T] as MessageRoutes[T])(h, s, m, rand);
}

/** Builds a server's step function from its handlers. */
export function makeStep(h: Handlers): Step {
  const deliver = (s: ServerState, msg: Msg, rand: number): StepResult => route(h, s, msg, rand);
  return (s, input) =>
    match(input)
      .with({ kind: 'deliver' }, (i) =>
        i.msg.slot === SLOT ? deliver(s, i.msg, i.rand) : ignored(s, 'other-slot'))
      .with({ kind: 'request' }, (i) =>
        i.req.slot === SLOT ? h.onRequest(s, i.req, i.rand) : ignored(s, 'other-slot'))
      .with({ kind: 'timer' }, (i) => (i.timer.name === 'proposer'
        ? h.onProposerTimer(s, i.timer.tag, i.rand)
        : h.onReadTimer(s, i.timer)))
      .with({ kind: 'restart' }, (i) => h.onRestart(s, i.durable))
      .exhaustive();
}

/** The one door: the correct server's step. */
export const step: Step = makeStep(handlers);
