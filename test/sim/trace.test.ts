/**
 * The simulator's traces are trace format v1 and the trace checker (src/trace) accepts the runs
 * of the correct server, while it rejects the saved run of the blind proposer, naming the rule.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_FAULTS } from '../../src/sim/faults.js';
import { simulate } from '../../src/sim/simulate.js';
import { linearizability } from '../../src/cli/sim-history.js';
import { traceObserver } from '../../src/sim/trace.js';
import { worldConfig } from '../../src/sim/world.js';
import { checkTrace } from '../../src/trace/run.js';

/** The linearizability check `synod simulate` runs (src/cli/sim-history.ts). */
const history = linearizability();

async function* once(text: string): AsyncIterable<string> {
  yield text;
}

function traced(seed: number): string {
  const lines: string[] = [];
  const opts = { seed, steps: 2000, faults: ALL_FAULTS };
  const observers = [traceObserver(worldConfig(opts), (l) => void lines.push(l))];
  simulate({ history, ...opts, observers });
  return lines.join('');
}

describe('simulated traces', () => {
  it('writes a header and then one JSON event per line', () => {
    const lines = traced(1).trimEnd().split('\n').map((l) => JSON.parse(l) as { ev?: string });
    expect(lines[0]).toMatchObject({ format: 'synod.trace', version: 1 });
    expect(lines.slice(1).every((e) => typeof e.ev === 'string')).toBe(true);
  });
  for (const seed of [1, 2, 3]) {
    it(`are accepted by the trace checker (seed ${seed}, every fault on)`, async () => {
      const report = await checkTrace(once(traced(seed)));
      expect(report.verdict).toBe('accepted');
    });
  }
  it('shows the blind proposer broke Phase2a to the trace checker too', async () => {
    const text = readFileSync('traces/regressions/mutant-blind-proposer.ndjson', 'utf8');
    const report = await checkTrace(once(text));
    expect(report.verdict).toBe('rejected');
  });
});
