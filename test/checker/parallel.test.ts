/**
 * The engine with worker threads (src/checker/parallel.ts, expansion.ts) is the sequential
 * search step for step: the same verdict, distinct, generated and step counts, depth and
 * counterexample, with 1 or 2 workers, on MultiPaxos-SMR with and without symmetry, with only
 * TLC's invariants and with every property (step property R1 included; the 1-write-1-read model
 * then breaks LogAgreement after 14 states, so the first violation must be the same one too).
 */
import { describe, expect, it } from 'vitest';
import { checkSmr, type SmrCheckSettings } from '../../src/checker/multipaxos-check.js';

function summary(s: Partial<SmrCheckSettings>): unknown {
  const r = checkSmr({
    replicas: 3, writes: 1, reads: 0, maxBallot: 2, symmetry: false, refinement: false, ...s,
  }).result;
  return {
    verdict: r.verdict, distinct: r.distinctStates, generated: r.generatedStates,
    steps: r.steps, depth: r.depth, property: r.violation?.property ?? null,
    trace: r.trace.map((t) => t.action), unreached: r.unreached,
  };
}

/**
 * The default suite runs the case that ends in a violation (the shortest, and the one where the
 * first violation found must agree); the three full searches take minutes with each worker
 * loading TypeScript, so they run with SYNOD_SLOW=1.
 */
const slow = process.env.SYNOD_SLOW === '1';
const CASES = [
  ['all', true, 1],
  ...(slow ? [['tlc', false, 0], ['tlc', true, 0], ['all', false, 0]] as const : []),
] as const;

describe('check with worker threads', () => {
  it.each(CASES)('properties %s, symmetry %s, %i reads: the same search with 1 or 2 workers',
    (properties, symmetry, reads) => {
      const settings = { properties, symmetry, reads };
      const sequential = summary(settings);
      expect(summary({ ...settings, workers: 1 })).toEqual(sequential);
      expect(summary({ ...settings, workers: 2 })).toEqual(sequential);
    }, 600_000);

  it('the violation case is one (not vacuously equal)', () => {
    expect(summary({ properties: 'all', symmetry: true, reads: 1, workers: 2 }))
      .toMatchObject({ verdict: 'violation', property: 'LogAgreement' });
  }, 600_000);
});
