/**
 * `synod check` as CI sees it: exit codes 0/1/2, the JSON verdict, messages that name the bad
 * flag. Runs in-process through the dispatcher with captured output.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synod } from '../synod.js';

const run = (...args: string[]) => synod('check', ...args);

describe('synod check paxos', () => {
  it('verifies MaxBallot 1 with TLC\'s counts and exits 0', async () => {
    const r = await run('paxos', '--max-ballot', '1', '--json');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.out);
    expect(v).toMatchObject({
      format: 'synod.check/v1', verdict: 'ok', distinctStates: 3_921, generatedStates: 23_563,
      depth: 17, violation: null, counterexample: null, unreached: [],
    });
    expect(v.properties.state).toContain('Consistency');
    expect(v.properties.step).toEqual(['R1']);
  });

  it('counts symmetry classes with --symmetry, checks refinement with --refinement', async () => {
    const r = await run('paxos', '--max-ballot', '1', '--symmetry', '--refinement', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ distinctStates: 443, depth: 17 });
    expect(JSON.parse(r.out).properties.step).toEqual(['R1', 'Refinement']);
  });

  it('gives the same counts with the readable model', async () => {
    const r = await run('paxos', '--max-ballot', '1', '--model', 'readable', '--json');
    expect(JSON.parse(r.out)).toMatchObject({ verdict: 'ok', distinctStates: 3_921 });
  });

  it('calls a model too small to reach its "sometimes" targets vacuous, and exits 1', async () => {
    const r = await run('paxos', '--max-ballot', '0');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/VACUOUS: never reached TwoBallotsCompete/);
  });

  it('prints a human verdict with the figures by default', async () => {
    const r = await run('--max-ballot', '1');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /OK: every property holds\. 3,921 distinct states, 23,563 generated, depth 17/);
    expect(r.err).toBe('');
  });

  it('reports progress on stderr with --progress', async () => {
    const r = await run('paxos', '--max-ballot', '2', '--progress');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/185,369 distinct states/);
    expect(r.err).toMatch(
      /^progress: [\d,]+ states, [\d,]+ generated\/s, depth \d+, queue [\d,]+$/m);
  });

  it('stops at --max-states with exit 3 ("unknown", as DESIGN.md says for a budget)', async () => {
    const r = await run('paxos', '--max-states', '1000', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out).verdict).toBe('incomplete');
    expect(r.err).toMatch(/--max-states/);
  });

  it('writes no counterexample file when there is no violation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synod-check-'));
    const file = join(dir, 'cex.ndjson');
    const r = await run('paxos', '--max-ballot', '1', '--counterexample', file, '--json');
    expect(JSON.parse(r.out).counterexampleFile).toBeNull();
    expect(() => readFileSync(file)).toThrow();
  });

  it('refuses an unknown model with exit 2', async () => {
    const r = await run('raft');
    expect([r.code, r.err]).toEqual([2,
      "synod check: unknown model 'raft' (have: paxos, cluster, reconfig, multipaxos)\n"]);
  });

  it.each([
    [['--acceptors', '0'], /--acceptors must be between 1 and 7, got 0/],
    [['--acceptors=-2'], /--acceptors must be between 1 and 7, got -2/],
    [['--values', 'two'], /--values must be a whole number, got 'two'/],
    [['--max-ballot', '1.5'], /--max-ballot must be a whole number/],
    [['--max-ballot', '99'], /--max-ballot must be between 0 and 7, got 99/],
    [['--quorums', '0,1;;1,2'], /--quorums must be quorums separated by ';'/],
    [['--quorums', '0,x'], /quorum #1 \('0,x'\) has 'x'/],
    [['--quorums', '0,5'], /--quorums: quorum #1 names acceptor 5, which is not an acceptor/],
    [['--quorums', '0;1,2'], /do not intersect/],
    [['--model', 'fast'], /--model must be packed or readable, got 'fast'/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
  ])('refuses %j with exit 2 and a message naming it', async (args, message) => {
    const r = await run('paxos', ...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });
});

describe('synod check paxos with bounds too large', () => {
  it('refuses a model whose states would not fit the encoding, naming the bounds', async () => {
    const r = await run('paxos', '--acceptors', '7', '--values', '4', '--max-ballot', '7');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^synod check: bounds: the model needs \d+ words per state/);
  });
});
