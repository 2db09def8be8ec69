/**
 * Round trip (issue 10, section 4): every simulated Multi-Paxos run, written in trace format v2
 * by the simulator's observer, is accepted by `synod trace check`'s v2 checker, over many seeds
 * with every fault on (loss, duplication, reordering, delay, partitions, crashes mid-step, client
 * crashes, slow replicas that catch up from snapshots), both as one log and as per-node logs
 * merged (src/trace/merge.ts: every receive finds its send, and the merged trace is accepted),
 * and with a tenth of the lines dropped and marked partial. The checker is not vacuous: the same
 * runs with one 2b's value changed are rejected.
 * Seeds run from SYNOD_SEED0 (default 1) so that a failure replays with
 * `synod simulate multipaxos --seed S --steps 600 --trace FILE`.
 */
import { describe, expect, it } from 'vitest';
import { MP_ALL_FAULTS } from '../../../src/cli/simulate-multipaxos.js';
import { callsCheck } from '../../../src/cli/trace-calls.js';
import { simulateMultiPaxos } from '../../../src/sim/multipaxos/simulate.js';
import { mpTraceObserver } from '../../../src/sim/multipaxos/trace.js';
import { checkTrace } from '../../../src/trace/run.js';
import { mergeLogs } from '../../../src/trace/merge.js';

const SEED0 = Number(process.env['SYNOD_SEED0'] ?? 1);
const SEEDS = 30;

/** The run of `seed` as one v2 trace, and as per-node logs. */
export function simulatedTrace(seed: number, servers = 3, steps = 600):
  { text: string; nodes: Map<string, string[]> } {
  const all: string[] = [];
  const nodes = new Map<string, string[]>();
  const one = mpTraceObserver({ servers, seed, perNode: false, validate: true },
    () => (l) => void all.push(l));
  const per = mpTraceObserver({ servers, seed, perNode: true }, (node) => {
    const lines: string[] = [];
    nodes.set(node as string, lines);
    return (l) => void lines.push(l);
  });
  simulateMultiPaxos({ seed, servers, steps, faults: MP_ALL_FAULTS, snapshotEvery: 8,
    observers: [one, per] });
  return { text: all.join(''), nodes };
}

async function* chunks(text: string): AsyncGenerator<string> {
  yield text;
}

describe('simulate multipaxos --trace, then trace check', () => {
  it(`accepts every run, seeds ${SEED0}..${SEED0 + SEEDS - 1}, all faults on`, async () => {
    let rejected = 0;
    for (let seed = SEED0; seed < SEED0 + SEEDS; seed++) {
      const { text, nodes } = simulatedTrace(seed, seed % 2 === 0 ? 3 : 5);
      const r = await checkTrace(chunks(text), { callsCheck: callsCheck() });
      const why = r.summary?.rejections[0]?.explanation ?? r.problem ?? null;
      expect({ seed, verdict: r.verdict, why })
        .toEqual({ seed, verdict: 'accepted', why: null });
      expect(r.multipaxos?.slotsChosen ?? 0).toBeGreaterThan(0);
      // The per-node logs (servers and clients), merged with no clock, are accepted too.
      const merged: string[] = [];
      const m = await mergeLogs([...nodes].map(([name, ls]) => ({ name, chunks: chunks(ls.join(''))
        })), (l) => void merged.push(l));
      expect({ seed, unmatched: m.unmatched, events: m.events })
        .toEqual({ seed, unmatched: [], events: text.trimEnd().split('\n').length - 1 });
      const mr = await checkTrace(chunks(merged.join('')));
      expect({ seed, merged: mr.verdict, why: mr.summary?.rejections[0]?.explanation ?? null })
        .toEqual({ seed, merged: 'accepted', why: null });
      // Lines missing (a tenth, at random by seed), marked partial: never rejected.
      let x = seed * 2654435761 >>> 0;
      const kept = text.trimEnd().split('\n').filter((_, i) => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return i === 0 || (x >>> 16) % 10 !== 0;
      });
      const pr = await checkTrace(chunks(`${kept.join('\n')}\n`), { partial: true });
      expect({ seed, partial: pr.verdict, why: pr.summary?.rejections[0]?.explanation ?? null })
        .toEqual({ seed, partial: 'accepted', why: null });
      // Not vacuous: the first 2b with its value changed is rejected at that line.
      const lines = text.split('\n');
      const i = lines.findIndex((l) => l.includes('"type":"2b"') && l.includes('"ev":"send"'));
      lines[i] = (lines[i] as string).replace(/"val":"[^"]*"/, '"val":"forged"');
      const bad = await checkTrace(chunks(lines.join('\n')));
      expect(bad.summary?.rejections[0]?.line).toBe(i + 1);
      rejected++;
    }
    expect(rejected).toBe(SEEDS);
  }, 60_000);
});
