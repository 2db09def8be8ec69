/**
 * Flags read strictly (issue 7, section 6): each row is an argument list that was once read
 * loosely or misreported, and what the command must say about it now. Every row is exit 2 with
 * a message naming the flag or argument, except where a row expects a verdict.
 */
import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../src/sim/faults.js';
import { synod } from '../synod.js';

const rows: [string, string[], number, RegExp][] = [
  ['a number with spaces', ['simulate', '--steps', ' 3 '], 2,
    /--steps must be a whole number, got ' 3 '/],
  ['a number with a plus sign', ['check', '--acceptors', '+3'], 2,
    /--acceptors must be a whole number, got '\+3'/],
  ['a hexadecimal number', ['simulate', '--seed', '0x10'], 2, /--seed must be a whole number/],
  ['a fault rate in hexadecimal', ['simulate', '--faults', 'loss=0x1'], 2,
    /--faults: rate of 'loss' must be a number in \[0, 1\], got '0x1'/],
  ['a quorum naming an acceptor twice', ['check', '--quorums', '0,0,0'], 2,
    /--quorums: quorum #1 \('0,0,0'\) names acceptor 0 twice/],
  ['an unknown flag of trace schema', ['trace', 'schema', '--bogus'], 2,
    /synod trace schema: Unknown option '--bogus'/],
  ['an argument to trace schema', ['trace', 'schema', 'extra'], 2,
    /synod trace schema: Unexpected argument 'extra'/],
  ['an unknown model after a flag', ['check', '--json', 'clusters'], 2,
    /unknown model 'clusters' \(have: paxos, cluster\)/],
];

describe('flags are read strictly', () => {
  for (const [what, args, code, message] of rows) {
    it(`refuses ${what}: synod ${args.join(' ')}`, async () => {
      const r = await synod(...args);
      expect(r.code).toBe(code);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\bat .*\.(ts|js):\d+/);
    });
  }

  it('prints the help of trace itf for --help', async () => {
    const r = await synod('trace', 'itf', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('synod trace itf FILE');
  });

  it('finds the cluster model after a flag: synod check --json cluster', async () => {
    const r = await synod('check', '--json', 'cluster', '--servers', '1', '--clients', '1');
    const v = JSON.parse(r.out) as { verdict: string };
    expect(v).toMatchObject({ format: 'synod.check/v1', model: 'cluster' });
    expect(r.code).toBe(v.verdict === 'ok' ? 0 : 1);
  });

  it('reads fault rates as plain decimals only', () => {
    expect(parseFaults('loss=0.5,dup=.25, crash=1')).toMatchObject({ loss: 0.5, dup: 0.25,
      crash: 1 });
    for (const bad of ['loss=1e0', 'loss= 1', 'loss=-0', 'loss=Infinity', 'loss=1.5']) {
      expect(parseFaults(bad)).toMatch(/must be a number in \[0, 1\]/);
    }
  });
});
