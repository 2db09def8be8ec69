/**
 * The receive-based rules (src/trace/received.ts, issue 7 section 2). The proposer and learner
 * bugs of traces/invalid/ that the spec's sent-based Phase2a cannot see are accepted without
 * `"receives": true` and rejected with it (traces/corpus.test.ts holds the line and rule); the
 * simulator, which logs every receive and says so, never has a run rejected by them (its runs
 * with every fault on, over random configurations; seed SYNOD_FC_SEED or the one printed).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linearizability } from '../../src/cli/sim-history.js';
import { ALL_FAULTS } from '../../src/sim/faults.js';
import { simulate } from '../../src/sim/simulate.js';
import { traceObserver } from '../../src/sim/trace.js';
import { worldConfig } from '../../src/sim/world.js';
import { checkTrace } from '../../src/trace/run.js';
import { chunksOf } from './helpers.js';

const SEED = Number(process.env.SYNOD_FC_SEED ?? 20261202);
const bugs = ['proposer-counts-a-promise-twice', 'proposer-quorum-too-small',
  'proposer-adopts-first-promise', 'learner-counts-a-vote-twice'];

const check = (text: string) => checkTrace(chunksOf(text));

describe('traces that log receives', () => {
  for (const bug of bugs) {
    it(`${bug}: rejected by its receive rule, accepted by the sent messages alone`, async () => {
      const text = readFileSync(`traces/invalid/${bug}.jsonl`, 'utf8');
      const judged = await check(text);
      expect(judged.verdict).toBe('rejected');
      expect(judged.summary?.rejections[0]?.rule).toMatch(/-received$/);
      const unflagged = await check(text.replace('"receives":true,', ''));
      expect(unflagged.summary?.rejections).toEqual([]);
      expect(unflagged.verdict).toBe('accepted');
    });
  }

  it('are not judged by receives when partial (a lost recv line proves nothing)', async () => {
    const text = readFileSync('traces/invalid/proposer-counts-a-promise-twice.jsonl', 'utf8')
      .replace('"receives":true,', '"receives":true,"partial":true,');
    expect((await check(text)).verdict).toBe('accepted');
  });

  it(`of simulated runs with every fault are never rejected (seed ${SEED})`, async () => {
    const history = linearizability();
    const runs = fc.sample(fc.record({
      seed: fc.integer({ min: 0, max: 2 ** 30 }), servers: fc.constantFrom(3, 4, 5),
      clients: fc.integer({ min: 1, max: 3 }), steps: fc.integer({ min: 50, max: 600 }),
    }), { seed: SEED, numRuns: 60 });
    for (const run of runs) {
      const lines: string[] = [];
      const opts = { ...run, faults: ALL_FAULTS };
      simulate({ history, ...opts, observers: [traceObserver(worldConfig(opts),
        (l) => void lines.push(l))] });
      const text = lines.join('');
      expect(text.split('\n', 1)[0]).toContain('"receives":true');
      const r = await check(text);
      expect({ run, rejections: r.summary?.rejections ?? r.problem }).toEqual({ run,
        rejections: [] });
    }
  }, 60_000);
});
