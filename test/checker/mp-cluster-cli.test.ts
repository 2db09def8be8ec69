/**
 * `synod check cluster --protocol multipaxos`: the contract of `synod check multipaxos`
 * (synod.check/v1 JSON, exit 0 verified, 1 violation or vacuous, 2 bad flags, 3 unknown when
 * --max-states runs out), on the smallest bounds.
 */
import { describe, expect, it } from 'vitest';
import { synod } from '../synod.js';

const run = (...args: string[]) => synod('check', 'cluster', '--protocol', 'multipaxos', ...args);

describe('synod check cluster --protocol multipaxos', () => {
  it('verifies 3 servers with one leader, exit 0, with the bounds in the report', async () => {
    const r = await run('--servers', '3', '--max-ballot', '0');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/3 servers, 1 command\(s\), ballots 0\.\.0, no crash/);
    expect(r.out).toMatch(/OK: every property holds\. 3,247 distinct states/);
  });

  it('prints a versioned JSON verdict with the properties it checked', async () => {
    const r = await run('--servers', '3', '--max-ballot', '0', '--json');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.out) as Record<string, unknown>;
    expect(v).toMatchObject({
      format: 'synod.check/v1', model: 'cluster', protocol: 'multipaxos', verdict: 'ok',
      distinctStates: 3247,
      constants: { servers: 3, commands: 1, maxBallot: 0, crashes: 0 },
    });
    expect((v.properties as { state: string[] }).state)
      .toEqual(expect.arrayContaining(['I1', 'LogAgreement', 'StateMachineSafety']));
  });

  it('says unknown, exit 3, when --max-states runs out', async () => {
    const r = await run('--max-states', '10');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/UNKNOWN: stopped at --max-states/);
    expect(r.err).toMatch(/stopped after 10 states/);
  });

  it.each([
    [['--servers', '1'], /--servers must be between 2 and 4, got 1/],
    [['--commands', 'x'], /--commands must be a whole number, got 'x'/],
    [['--max-ballot', '9'], /--max-ballot must be between 0 and 5, got 9/],
    [['--clients', '2'], /--clients is for --protocol paxos/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j with a message naming the flag, exit 2', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('refuses an unknown protocol and Multi-Paxos flags without the protocol, exit 2', async () => {
    const bad = await synod('check', 'cluster', '--protocol', 'raft');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--protocol must be paxos or multipaxos, got 'raft'/);
    const mixed = await synod('check', 'cluster', '--crash');
    expect(mixed.code).toBe(2);
    expect(mixed.err).toMatch(/--crash is for --protocol multipaxos/);
  });
});
