/**
 * Round trip with membership changes (issue 11): every `simulate multipaxos --reconfig` run,
 * written in trace format v2 with its `config` lines and the header's `alpha` and `members`,
 * is accepted by `synod trace check` as one log, as per-node logs merged, and with a tenth of
 * its other lines dropped and marked partial (config lines kept, as the format asks), each
 * slot judged under its own members. Not vacuous: every trace whose first config line names
 * other members than the others do is rejected, and so are some of the same traces without
 * config lines, alpha and members (every slot then judged under majorities of all five, as
 * before issue 11; learners vote too, so many runs have such a majority in every slot anyway).
 * Seeds run from SYNOD_SEED0 (default 1); a failure replays with `synod simulate multipaxos
 * --reconfig --seed S --trace FILE`.
 */
import { describe, expect, it } from 'vitest';
import { MP_ALL_FAULTS } from '../../../src/cli/simulate-multipaxos.js';
import { callsCheck } from '../../../src/cli/trace-calls.js';
import { simulateMultiPaxos } from '../../../src/sim/multipaxos/simulate.js';
import { mpTraceObserver } from '../../../src/sim/multipaxos/trace.js';
import { checkTrace } from '../../../src/trace/run.js';
import { mergeLogs } from '../../../src/trace/merge.js';

const SEED0 = Number(process.env['SYNOD_SEED0'] ?? 1);
const SEEDS = 12;

function reconfigTrace(seed: number): { text: string; nodes: Map<string, string[]> } {
  const all: string[] = [];
  const nodes = new Map<string, string[]>();
  const reconfig = { alpha: 8, members: 0b111 };
  const one = mpTraceObserver({ servers: 5, seed, perNode: false, validate: true, reconfig },
    () => (l) => void all.push(l));
  const per = mpTraceObserver({ servers: 5, seed, perNode: true, reconfig }, (node) => {
    const lines: string[] = [];
    nodes.set(node as string, lines);
    return (l) => void lines.push(l);
  });
  simulateMultiPaxos({ seed, servers: 5, members: 3, reconfig: true, faults: MP_ALL_FAULTS,
    observers: [one, per] });
  return { text: all.join(''), nodes };
}

async function* chunks(text: string): AsyncGenerator<string> {
  yield text;
}

const why = (r: Awaited<ReturnType<typeof checkTrace>>): string | null =>
  r.summary?.rejections[0]?.explanation ?? r.problem?.message ?? null;

describe('simulate multipaxos --reconfig --trace, then trace check', () => {
  it(`accepts every run, seeds ${SEED0}..${SEED0 + SEEDS - 1}, all faults on`, async () => {
    let bareRejected = 0;
    for (let seed = SEED0; seed < SEED0 + SEEDS; seed++) {
      const { text, nodes } = reconfigTrace(seed);
      const r = await checkTrace(chunks(text), { callsCheck: callsCheck() });
      expect({ seed, verdict: r.verdict, why: why(r) })
        .toEqual({ seed, verdict: 'accepted', why: null });
      const merged: string[] = [];
      await mergeLogs([...nodes].map(([name, ls]) => ({ name, chunks: chunks(ls.join('')) })),
        (l) => void merged.push(l));
      const mr = await checkTrace(chunks(merged.join('')));
      expect({ seed, merged: mr.verdict, why: why(mr) })
        .toEqual({ seed, merged: 'accepted', why: null });
      // Lines missing (a tenth, config lines kept, as the format asks), marked partial.
      let x = seed * 2654435761 >>> 0;
      const kept = text.trimEnd().split('\n').filter((l, i) => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return i === 0 || l.includes('"ev":"config"') || (x >>> 16) % 10 !== 0;
      });
      const pr = await checkTrace(chunks(`${kept.join('\n')}\n`), { partial: true });
      expect({ seed, partial: pr.verdict, why: why(pr) })
        .toEqual({ seed, partial: 'accepted', why: null });
      // Not vacuous: without its config lines, or with the first one naming other members.
      const lines = text.trimEnd().split('\n');
      const header = JSON.parse(lines[0]!) as Record<string, unknown>;
      delete header['alpha'];
      delete header['members'];
      const bare = [JSON.stringify(header), ...lines.slice(1)
        .filter((l) => !l.includes('"ev":"config"'))];
      const rb = await checkTrace(chunks(`${bare.join('\n')}\n`));
      if (rb.verdict === 'rejected') bareRejected++;
      const i = lines.findIndex((l) => l.includes('"ev":"config"'));
      const forged = lines.map((l, j) => (j === i ? l.replace(/"members":\[[^\]]*\]/,
        '"members":["s1"]') : l));
      const rf = await checkTrace(chunks(`${forged.join('\n')}\n`));
      expect({ seed, forged: rf.verdict }).toEqual({ seed, forged: 'rejected' });
    }
    // Learners vote too, so a run's slots often have a majority of all five anyway.
    expect(bareRejected).toBeGreaterThan(0);
  }, 600_000);
});
