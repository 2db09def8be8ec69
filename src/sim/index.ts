/**
 * The simulator's public surface: one checked run (`simulate`), the world and its observers for
 * those who compose their own checks, the refinement mapping, and the trace writers.
 */
export { simulate, type SimOptions, type SimReport } from './simulate.js';
export {
  runWorld, worldConfig, serverName, type WorldConfig, type WorldEvent,
  type ServerStepEvent, type Observer, type FaultCounts,
} from './world.js';
export { clientName, type ClientState } from './clients.js';
export type { Script } from './script.js';
export { ALL_FAULTS, NO_FAULTS, parseFaults, showFaults, type Faults } from './faults.js';
export {
  safetyChecks, violationSink, tookEffect, type CheckName, type Violation,
} from './checks.js';
export { refinement, simNames, type Refinement } from './refinement.js';
export {
  historyRecorder, type ClientEvent, type HistoryCheck, type HistoryRecorder,
} from './history.js';
export { traceObserver, traceHeader, recordObserver } from './trace.js';
export { sfc32, type Prng } from './prng.js';
