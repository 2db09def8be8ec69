/**
 * Round trips (issue 4, section 5): every model-checker counterexample of a broken spec variant
 * (test/checker/mutants.ts), written as a trace by src/checker, is rejected by the trace
 * checker at its last step (where the mutant first did what Paxos forbids), and the property
 * the model checker named is among those that step breaks. With Consistency alone, the model
 * checker's counterexample runs on to two values chosen; the trace checker still rejects it at
 * the first bad step, and with --keep-going it reports Consistency broken at the last line too.
 * The simulator's round trip is in test/sim/trace.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { specProperties } from '../../src/checker/models/paxos-properties.js';
import { counterexampleLines } from '../../src/checker/models/paxos-trace.js';
import { checkPaxos, type PaxosCheckSettings } from '../../src/checker/paxos-check.js';
import { checkTrace } from '../../src/trace/run.js';
import * as M from '../checker/mutants.js';

const base: PaxosCheckSettings = {
  acceptors: 3, values: 2, maxBallot: 1, quorums: null, symmetry: false, refinement: false,
    model: 'readable',
};
const consistencyOnly = {
  state: specProperties.state.filter((p) => p.name === 'Consistency'), step: [], reachability: [],
};

async function* once(text: string): AsyncIterable<string> {
  yield text;
}

const mutants = [
  { name: 'Phase2a ignoring the highest reported vote', impl: M.phase2aIgnoresVotes },
  { name: 'Phase1b not checking maxBal', impl: M.phase1bIgnoresMaxBal },
  { name: 'Phase2b accepting below maxBal', impl: M.phase2bIgnoresMaxBal },
  { name: 'two 2a messages with different values in one ballot', impl: M.phase2aTwicePerBallot },
];

describe('model-checker counterexamples', () => {
  for (const m of mutants) {
    it(`of ${m.name} are rejected at the last step, breaking the property the model checker named`,
      async () => {
      const check = checkPaxos({ ...base, impl: m.impl });
      const lines = counterexampleLines(check.constants, check.result.trace,
        check.result.violation);
      const report = await checkTrace(once(lines.join('')));
      const r = report.summary?.rejections[0];
      expect(r?.line).toBe(lines.length);
      expect(r?.breaks.map((b) => b.property)).toContain(check.result.violation?.property);
    });

    it(`of ${m.name}, run on to two values chosen, show Consistency broken at the last line`,
      async () => {
      const check = checkPaxos({ ...base, impl: m.impl, properties: consistencyOnly });
      expect(check.result.violation?.property).toBe('Consistency');
      const lines = counterexampleLines(check.constants, check.result.trace,
        check.result.violation);
      const report = await checkTrace(once(lines.join('')), { rejectionsMax: 50 });
      const rejections = report.summary?.rejections ?? [];
      expect(rejections[0]?.line).toBeLessThan(lines.length);
      const last = rejections.filter((x) => x.line === lines.length);
      expect(last.flatMap((x) => x.breaks.map((b) => b.property))).toContain('Consistency');
    });
  }
});
