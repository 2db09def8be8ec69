/**
 * The implementation's public surface: the step function, the handlers it is built from (for
 * mutants in tests), the state constructors and the vocabulary. Nothing here imports spec/.
 */
export * from './ballot.js';
export * from './types.js';
export { assert } from './assert.js';
export { INITIAL_DURABLE, initServer, majority, count, has, isQuorum } from './state.js';
export { handlers, makeStep, step, type Handlers, type Step } from './step.js';
