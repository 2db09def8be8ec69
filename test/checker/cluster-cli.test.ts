import { describe, expect, it } from 'vitest';
import { synod } from '../synod.js';

const run = (...args: string[]) => synod('check', 'cluster', ...args);

describe('synod check cluster', () => {
  it('verifies 2 servers and 2 racing clients, exit 0, with the bounds in the report', async () => {
    const r = await run('--servers', '2', '--clients', '2');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2 servers, 2 clients, rounds 0\.\.0, 0 crashes, 2b delivered to s1/);
    expect(r.out).toMatch(/OK: every state refines the spec.* 389 distinct states/);
  });

  it('calls a model with one client vacuous (two ballots never compete), exit 1', async () => {
    const r = await run('--clients', '1');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/VACUOUS: never reached TwoBallotsReachPhase2/);
  });

  it('prints a versioned JSON verdict', async () => {
    const r = await run('--servers', '2', '--clients', '2', '--json');
    const v = JSON.parse(r.out) as Record<string, unknown>;
    expect(v).toMatchObject({ format: 'synod.check/v1', model: 'cluster', verdict: 'ok', distinctStates: 389 });
  });

  it.each([
    [['--servers', '0'], /--servers must be between 1 and 5, got 0/],
    [['--clients', 'two'], /--clients must be a whole number, got 'two'/],
    [['--votes-to', 's7'], /--votes-to: 's7' is not one of s1\.\.s3/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j with a message naming the flag, exit 2', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe('check cluster state cap', () => {
  it('stops at --max-states with exit 3 ("unknown": no verdict) and says why', async () => {
    const r = await run('--max-states', '10', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out).verdict).toBe('incomplete');
    expect(r.err).toMatch(/stopped after 10 states \(--max-states\); no verdict/);
  });

  it('says UNKNOWN in its human report at the cap', async () => {
    const r = await run('--max-states', '10');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^UNKNOWN: stopped at --max-states/m);
  });
});

describe('check cluster memory cap', () => {
  it('caps states at half the memory, at 1 KB or 8 bytes a word per state', async () => {
    const { memoryCap } = await import('../../src/cli/check-cluster.js');
    expect(memoryCap(10, 2 ** 30)).toBe(2 ** 19);
    expect(memoryCap(1000, 2 ** 30)).toBe(Math.floor(2 ** 29 / 8000));
    expect(memoryCap(10, 2 ** 50)).toBe(Math.floor(2 ** 28 / 10));
    expect(memoryCap(10, 0)).toBe(1);
  });
});
