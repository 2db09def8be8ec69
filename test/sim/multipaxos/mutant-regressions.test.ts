/**
 * Shrunk Multi-Paxos counterexamples, in traces/regressions/multipaxos/ (a configuration, the
 * violation and the run's JSON lines), each replayed: the mutant is caught by the same check at
 * the same event, and the correct server passes. SYNOD_WRITE_REGRESSIONS=1 rewrites them
 * (SYNOD_MUTANT=name for one), shrinking the pinned failing run of mutants.test.ts greedily
 * (steps, clients, servers, each fault rate to 0) while the mutant is still caught by the same
 * check.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MpSimReport } from '../../../src/sim/multipaxos/simulate.js';
import { mpTraceObserver } from '../../../src/sim/multipaxos/trace.js';
import { DEFAULT, DIR, mpMutants, run, table, type Config, type MpMutant } from './mutants.js';

/**
 * Smaller configurations than c, most aggressive first: fewer steps (half, then 90%), fewer
 * clients, fewer servers, each fault switched off. A greedy shrink takes the first that still
 * fails, until none does (each run is deterministic, so the result is a fixed point).
 */
function smaller(c: Config): Config[] {
  const out: Config[] = [];
  if (c.steps > 0) out.push({ ...c, steps: Math.floor(c.steps / 2) });
  if (c.steps > 10) out.push({ ...c, steps: Math.floor(c.steps * 0.9) });
  if (c.clients > 1) out.push({ ...c, clients: c.clients - 1 });
  if (c.servers > 1) out.push({ ...c, servers: c.servers - 1 });
  for (const [name, r] of Object.entries(c.faults)) {
    if (r !== 0) out.push({ ...c, faults: { ...c.faults, [name]: 0 } });
  }
  return out;
}

function shrink(c0: Config, fails: (c: Config) => boolean): Config {
  let c = c0;
  for (let rounds = 0; rounds < 200; rounds++) {
    const next = smaller(c).find(fails);
    if (next === undefined) return c;
    c = next;
  }
  return c;
}

function save(m: MpMutant, c: Config, r: MpSimReport): void {
  mkdirSync(DIR, { recursive: true });
  const lines: string[] = [];
  // The trace observer describes correct servers; a mutant whose run it cannot describe (the
  // regressive catch-up goes back past what it applied) keeps the trace up to that step, and
  // the record says where and why it stops. The replay uses the configuration, not the trace.
  let traceCut: string | undefined;
  try {
    run(c, m, { observers: [mpTraceObserver({ servers: c.servers, seed: c.seed, perNode: false },
      () => (l: string) => void lines.push(l))] });
  } catch (e) {
    traceCut = `after ${lines.length} lines: ${(e as Error).message}`;
  }
  const record = { mutant: m.name, config: c, world: m.world ?? {}, violation: r.violation,
    ...(traceCut === undefined ? {} : { traceCut }) };
  writeFileSync(join(DIR, `mutant-${m.name}.json`), `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(join(DIR, `mutant-${m.name}.ndjson`), lines.join(''));
}

describe('shrunk Multi-Paxos counterexamples', () => {
  it.runIf(process.env['SYNOD_WRITE_REGRESSIONS'] === '1')(
    'shrinks each mutant\'s pinned failure and saves it', () => {
      const only = process.env['SYNOD_MUTANT'];
      for (const m of mpMutants.filter((x) => only === undefined || x.name === only)) {
        const t = table.find((x) => x.mutant === m.name)!;
        const fails = (c: Config) => run(c, m).violation?.check === t.check;
        const c = shrink({ seed: t.seed, ...DEFAULT }, fails);
        save(m, c, run(c, m));
      }
    }, 3_600_000);

  const files = readdirSync(DIR).filter((f) => f.startsWith('mutant-') && f.endsWith('.json'));
  it('has a saved counterexample for every mutant', () => {
    expect(files.sort()).toEqual(mpMutants.map((m) => `mutant-${m.name}.json`).sort());
  });
  for (const f of files) {
    const record = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as {
      mutant: string; config: Config; violation: MpSimReport['violation'];
    };
    it(`replays ${f}: the mutant is caught, the correct server passes`, () => {
      const m = mpMutants.find((x) => x.name === record.mutant)!;
      const r = run(record.config, m);
      expect(r.violation?.check).toBe(record.violation?.check);
      expect(r.violation?.property).toBe(record.violation?.property);
      expect(r.violation?.event).toBe(record.violation?.event);
      expect(run(record.config, m, {}, true).violation).toBeNull();
    });
  }
});
