/**
 * The trace checker's fast forms of SafeAt, ShowsSafeAt and the properties built on them: they
 * moved to spec/fast-safety.ts, below both the trace checker and the simulator, which checks
 * the same properties after every spec step (issue 7, section 6). Kept here so that imports
 * inside src/trace/ keep their place.
 */
export * from '../../spec/fast-safety.js';
