/**
 * `synod check multipaxos` as CI sees it: the synod.check/v1 verdict with TLC's counts, the
 * refinement to the per-slot spec checked on every step of the 1-write model (issue 8, section
 * 2: 15,709 states, every step a per-slot step or a stutter), exit 2 on bad flags naming the
 * flag, exit 3 when --max-states runs out. Runs in-process through the dispatcher.
 */
import { describe, expect, it } from 'vitest';
import { synod } from '../synod.js';

const run = (...args: string[]) => synod('check', 'multipaxos', ...args);

describe('synod check multipaxos', () => {
  it('verifies the 1-write model with symmetry, TLC\'s counts, every named property', async () => {
    const r = await run('--symmetry', '--json');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.out);
    expect(v).toMatchObject({
      format: 'synod.check/v1', model: 'multipaxos', verdict: 'ok', distinctStates: 2_628,
      generatedStates: 4_697, depth: 19, violation: null, unreached: [],
      constants: { replicas: 3, writes: 1, reads: 0, maxBallot: 2 },
    });
    expect(v.properties.state).toEqual(expect.arrayContaining(['TypeOK', 'LogAgreement',
      'StateMachineSafety', 'Inv1', 'Inv2', 'Inv3', 'Inv4', 'VotesSafe', 'OneValuePerBallot',
      'Consistency', 'R2', "R2'", 'I1', 'Linearizability']));
    expect(v.properties.step).toEqual(['R1']);
    expect(v.properties.sometimes).toContain('HistoryComplete');
  });

  it('--refinement: every step of the 1-write model maps to per-slot steps or a stutter', async () => {
    const r = await run('--refinement', '--json');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.out);
    expect(v).toMatchObject({ verdict: 'ok', distinctStates: 15_709, generatedStates: 28_027 });
    expect(v.properties.step).toEqual(['R1', 'Refinement']);
  }, 60_000);

  it('--tlc-invariants checks only TypeOK and Linearizability, as MultiPaxos_MC.cfg', async () => {
    const r = await run('--tlc-invariants', '--json', '--model', 'readable', '--symmetry');
    expect(JSON.parse(r.out)).toMatchObject({
      verdict: 'ok', distinctStates: 2_628, properties: { state: ['TypeOK', 'Linearizability'] },
    });
  });

  it('exits 3 with verdict incomplete when --max-states runs out', async () => {
    const r = await run('--max-states', '100', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out).verdict).toBe('incomplete');
    expect(r.err).toContain('stopped after');
  });

  it.each([
    [['--replicas', '0'], '--replicas must be between 1 and 5, got 0'],
    [['--max-ballot', '1'], '--max-ballot must be between 2 and 4, got 1'],
    [['--model', 'fast'], "--model must be packed or readable, got 'fast'"],
    [['--acceptors', '3'], '--acceptors'],
  ])('exits 2 on %j, naming the flag', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });
});
