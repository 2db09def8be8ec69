/**
 * `synod simulate` and `synod demo` as a user meets them: exit codes, the summary, the JSON
 * verdict, the trace file, the replay line of a violation, and flags that name what was wrong.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describe as describeRun, type Plan } from '../../src/cli/simulate.js';
import { ALL_FAULTS } from '../../src/sim/faults.js';
import { simulate } from '../../src/sim/simulate.js';
import { linearizability } from '../../src/cli/sim-history.js';
import { mutants } from './mutants.js';
import { synod } from '../synod.js';

/** The linearizability check `synod simulate` runs (src/cli/sim-history.ts). */
const history = linearizability();

describe('synod simulate', () => {
  it('prints what was chosen, the calls, the faults and the checks, and exits 0', async () => {
    const r = await synod('simulate', '--seed', '7', '--steps', '800');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/seed 7, 800 steps/);
    expect(r.out).toMatch(/^chosen: [ABC] \(ballot \d+\.s\d\)/m);
    expect(r.out).toMatch(/faults injected: \d+ lost/);
    expect(r.out).toMatch(/checks passed: .*refinement, linearizability/);
  });
  it('prints one versioned JSON object with --json', async () => {
    const r = await synod('simulate', '--seed', '7', '--steps', '300', '--json');
    const verdict = JSON.parse(r.out) as Record<string, unknown>;
    expect(verdict['format']).toBe('synod.simulate/v1');
    expect(verdict['violation']).toBeNull();
    expect(verdict['replay']).toMatch(/--seed 7 /);
  });
  it('runs a range of seeds with --seeds', async () => {
    const r = await synod('simulate', '--seed', '100', '--seeds', '20', '--servers', '5');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/20 seeds from 100/);
  });
  it('writes trace format v1 with --trace', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'synod-')), 'run.ndjson');
    expect((await synod('simulate', '--seed', '3', '--steps', '200', '--trace', file)).code)
      .toBe(0);
    const [header] = readFileSync(file, 'utf8').split('\n');
    expect(JSON.parse(header!)).toMatchObject({ format: 'synod.trace', version: 1 });
  });
  it('writes every step with its resulting state with --record', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'synod-')), 'run.jsonl');
    expect((await synod('simulate', '--seed', '3', '--steps', '200', '--record', file)).code)
      .toBe(0);
    const steps = readFileSync(file, 'utf8').trimEnd().split('\n')
      .map((l) => JSON.parse(l) as { kind: string; state?: unknown; input?: unknown });
    const step = steps.find((x) => x.kind === 'step')!;
    expect(step).toHaveProperty('input');
    expect(step).toHaveProperty('state.durable.acceptor.maxBal');
  });
  it.each([
    [['--servers', '10'], /--servers must be between 1 and 9, got 10/],
    [['--faults', 'loss=2'], /--faults: rate of 'loss' must be a number in \[0, 1\]/],
    [['--faults', 'flood=0.1'], /--faults: unknown fault 'flood'/],
    [['--properties', 'often'], /--properties must be step, end or off/],
    [['--seeds', '2', '--trace', 'x'], /--trace writes one run/],
    [['--seed', 'x'], /--seed must be a whole number/],
    [['--servers', '3', '--distinguished', '4'], /--distinguished must be between 1 and 3/],
  ])('refuses %j with exit 2 and a message naming the flag', async (args, message) => {
    const r = await synod('simulate', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
  it('ends a violation with the command that replays its seed', () => {
    const step = mutants.find((m) => m.name === 'local-reader')!.step;
    const report = simulate({ history, seed: 1, steps: 2000, faults: ALL_FAULTS, step });
    expect(report.violation?.check).toBe('linearizability');
    const plan: Plan = {
      servers: 3, clients: 3, seed: 1, seeds: 1, steps: 2000, faults: ALL_FAULTS,
      properties: 'step', livenessSteps: 20_000, distinguished: null, trace: null, record: null,
      html: null,
    };
    expect(describeRun(report, plan)).toMatch(
      new RegExp('VIOLATION of linearizability at event \\d+[\\s\\S]*replay: synod simulate ' +
        '--servers 3 --clients 3 --seed 1 --steps 2000 --faults loss=0\\.1,'));
  });
});

describe('synod demo', () => {
  it('tells the race, the crash, the reads and the checks, and exits 0', async () => {
    const r = await synod('demo');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/A calls SetVarX\("A"\) at s1/);
    expect(r.out).toMatch(/s2 crashes/);
    expect(r.out.match(/GetVarX returns "[ABC]"/g)).toHaveLength(3);
    expect(r.out).toMatch(/Checks passed: /);
  });
  it('then tells a Multi-Paxos run: a new leader recovers the log, a replica installs a ' +
    'snapshot, every check passes', async () => {
    const r = await synod('demo');
    const mp = r.out.slice(r.out.indexOf('Multi-Paxos:'));
    expect(mp).toMatch(/s1 crashes/);
    expect(mp).toMatch(/leads ballot .*it recovers \d+ unchosen slot/);
    expect(mp).toMatch(/installs a snapshot up to slot \d+/);
    expect(mp).toMatch(/get\(x\) returns "12/);
    expect(mp).toMatch(/Checks passed: [\s\S]*refinement, linearizability\./);
  });
  it('then grows a cluster from three voting servers to five while clients write', async () => {
    const r = await synod('demo');
    const grow = r.out.slice(r.out.indexOf('Reconfiguration:'));
    expect(grow).toMatch(/s4 boots as a learner/);
    expect(grow).toMatch(/the operator calls add-server\(s4\)/);
    expect(grow).toMatch(/from slot \d+ on the voting members are \{s1, s2, s3, s4\}/);
    expect(grow).toMatch(/from slot \d+ on the voting members are \{s1, s2, s3, s4, s5\}/);
    expect(grow).toMatch(/voting members at the end: \{s1, s2, s3, s4, s5\}/);
    expect(grow).toMatch(/Checks passed: [\s\S]*refinement, linearizability\./);
  });
  it('replays another story from --seed, still passing every check', async () => {
    for (const seed of ['1', '3', '4']) expect((await synod('demo', '--seed', seed)).code).toBe(0);
  });
});
