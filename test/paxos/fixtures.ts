/**
 * Small builders for the handler tests: servers, messages and a runner that threads state
 * through a list of inputs. Plain data only, so every expectation can be a literal.
 */
import {
  INITIAL_DURABLE, initServer, step, type Ballot, type Input, type Msg, type Request,
  type ServerState, type StepResult, type Value,
} from '../../src/paxos/index.js';

export const b = (round: number, server: number): Ballot => ({ round, server });

export function server(id = 0, servers = 3): ServerState {
  return initServer({ id, servers, timeout: 10, distinguished: null }, INITIAL_DURABLE);
}

export const deliver = (msg: Msg): Input => ({ kind: 'deliver', msg, rand: 0 });

export const set = (v: Value, client = 7, seq = 1): Input => ({
  kind: 'request', rand: 0, req: { client, seq, slot: 0, op: { name: 'SetVarX', v } },
});

export const get = (client = 8, seq = 1): Input => ({
  kind: 'request', rand: 0, req: { client, seq, slot: 0, op: { name: 'GetVarX' } } as Request,
});

/** Feeds inputs in order; returns the last result (and every state along the way). */
export function run(s: ServerState, ...inputs: Input[]): StepResult {
  let result: StepResult = { state: s, effects: [], outcome: { kind: 'acted', action: 'Restart' } };
  for (const input of inputs) result = step(result.state, input);
  return result;
}

export const p1b = (acc: number, bal: Ballot, mbal: Ballot, mval: Value | null): Msg =>
  ({ type: '1b', slot: 0, acc, bal, mbal, mval });
export const p2b = (acc: number, bal: Ballot, val: Value): Msg =>
  ({ type: '2b', slot: 0, acc, bal, val });
export const NONE = b(-1, 0);
