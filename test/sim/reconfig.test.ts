/**
 * Reconfiguration scenarios (issue 11, section 2): a cluster grows from 3 to 5 voting members and
 * shrinks back, one server at a time, while clients write; the learners catch up before they
 * vote; the configuration survives restarts (it is in the durable snapshot and relearned with
 * the log); and a learner never runs for election.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MP_ALL_FAULTS } from '../../src/cli/simulate-multipaxos.js';
import { checkMachineHistory } from '../../src/history/machine.js';
import {
  currentMembers, EMPTY_SNAPSHOT, INITIAL_DURABLE, initServer, serverConfig, showMembers, step,
  type ServerState,
} from '../../src/multipaxos/index.js';
import { simulateMultiPaxos } from '../../src/sim/multipaxos/simulate.js';
import { MP_NO_FAULTS, type MpObserver } from '../../src/sim/multipaxos/world.js';
import { synod } from '../synod.js';

/** The voting members each server saw in force, in order, and the commands applied under 5. */
function membersSeen(): MpObserver & { readonly seen: string[][]; underFive: number } {
  const seen: string[][] = [[], [], [], [], []];
  const o = {
    seen, underFive: 0,
    onEvent: (e: Parameters<MpObserver['onEvent']>[0]) => {
      if (e.kind !== 'server-step') return;
      const { server, before, result } = e.step;
      const after = result.state;
      const now = showMembers(currentMembers(after));
      const list = seen[server]!;
      if (list[list.length - 1] !== now) list.push(now);
      if (currentMembers(after) === 0b11111) {
        o.underFive += Math.max(0, after.replica.applied - before.replica.applied);
      }
    },
  };
  return o;
}

const THREE = '{s1, s2, s3}';
const FOUR = '{s1, s2, s3, s4}';
const FIVE = '{s1, s2, s3, s4, s5}';

describe('growing from 3 to 5 voting members and back while clients write', () => {
  it('goes 3 -> 4 -> 5 -> 4 -> 3 at every replica, with every check passing', () => {
    const seen = membersSeen();
    const r = simulateMultiPaxos({
      seed: 7, servers: 5, members: 3, reconfig: true, faults: MP_NO_FAULTS, steps: 3000,
      linearizability: checkMachineHistory, observers: [seen],
    });
    expect(r.violation).toBeNull();
    expect(r.passed).toContain('linearizability');
    for (const list of seen.seen) {
      expect(list.slice(0, 5)).toEqual([THREE, FOUR, FIVE, FOUR, THREE]);
    }
    // Slots were applied while all five voted: clients wrote during the change.
    expect(seen.underFive).toBeGreaterThan(0);
    expect(r.calls.returned).toBe(r.calls.invoked);
  });

  // Seed 30 found the leader forgetting votes adopted past its window (before the world changed
  // under later merges, so it no longer replays that run); the 1,000-seed sweep is the real net.
  it('keeps every check passing under every fault (seed 30), changing the members', () => {
    const r = simulateMultiPaxos({
      seed: 30, servers: 5, members: 3, reconfig: true, faults: MP_ALL_FAULTS,
      linearizability: checkMachineHistory,
    });
    expect(r.violation).toBeNull();
    expect(r.membership?.commands).toBeGreaterThan(0);
  });
});

describe('the configuration is durable', () => {
  const cfg = serverConfig({ id: 3, servers: 5, members: 0b00111, alpha: 4 });
  const grown = { ...EMPTY_SNAPSHOT, upTo: 12, configs: [{ from: 9, members: 0b01111 }] };

  it('a restart from a snapshot keeps the members it holds', () => {
    const before: ServerState = initServer(cfg, INITIAL_DURABLE);
    const r = step(before, { kind: 'restart', durable: { ...INITIAL_DURABLE, snapshot: grown },
      rand: 0 });
    expect([showMembers(currentMembers(before)), showMembers(currentMembers(r.state))])
      .toEqual([THREE, FOUR]);
  });

  it('a learner watches instead of running for election; a member runs', () => {
    const timer = { kind: 'timer', timer: { name: 'election', tag: 0 }, rand: 0 } as const;
    const learner = step(initServer(cfg), timer);
    const member = step(initServer(cfg, { ...INITIAL_DURABLE, snapshot: grown }), timer);
    expect([learner.outcome, member.outcome]).toEqual([
      { kind: 'acted', action: 'Watch' }, { kind: 'acted', action: 'Phase1a' },
    ]);
  });
});

describe('synod simulate multipaxos --reconfig', () => {
  it('writes config lines with --trace, and trace check accepts the run (and one per node)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'synod-reconfig-'));
      const file = join(dir, 'run.jsonl');
      const sim = await synod('simulate', 'multipaxos', '--reconfig', '--seed', '7', '--trace',
        file, '--trace-dir', join(dir, 'nodes'));
      expect(sim.code).toBe(0);
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      expect(JSON.parse(lines[0]!)).toMatchObject({ alpha: 8, members: ['s1', 's2', 's3'] });
      expect(lines.filter((l) => l.includes('"ev":"config"')).length).toBeGreaterThan(5);
      const one = await synod('trace', 'check', file);
      expect([one.code, one.out]).toEqual([0, expect.stringContaining('accepted')]);
      const nodes = readdirSync(join(dir, 'nodes')).map((f) => join(dir, 'nodes', f));
      const merged = await synod('trace', 'check', '--merge', ...nodes);
      expect(merged.code, merged.out + merged.err).toBe(0);
    });
});
