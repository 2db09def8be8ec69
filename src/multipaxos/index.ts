/**
 * Multi-Paxos's public surface: the step function, the handlers it is built from (for mutants
 * in tests), the state constructors, the state machines and the vocabulary. Nothing here
 * imports spec/.
 */
export * from './types.js';
export { handlers, makeStep, step, type Handlers, type Step } from './step.js';
export {
  EMPTY_SNAPSHOT, INITIAL_DURABLE, initServer, serverConfig, voteAt, majority, isQuorum,
} from './state.js';
export {
  MACHINES, kvMachine, ledgerMachine, applyCommand, chain, isConfigOp, isRead, keysOf, sessionOf,
  showOp,
  type Machine,
} from './machine.js';
export { NOOP, leaderHint } from './leader.js';
export { learnedAt, logBase } from './replica.js';
export { changed, configAt, currentMembers, showMembers } from './config.js';
export {
  NO_BALLOT, ballotCmp, ballotEq, showBallot, toNatural,
} from '../paxos/ballot.js';
