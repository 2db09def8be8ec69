/**
 * Regression for a leader's queue behind a full window (src/multipaxos/replica.ts, onCommit): a
 * new leader re-proposes every recovered slot at once, so its window can be full while a client
 * command waits in its queue. When a commit notice (its own heartbeat included) taught those
 * slots, applying them emptied the window, but the commit-notice handler did not propose what
 * was queued, as every other learning handler does; later retries of the command were ignored
 * as duplicates of the queued one, so the call never returned. Found by the recorded 100,000-seed
 * sweep (docs/benchmarks.md) at seed 35,975 (KV, read-index reads, 400 steps, default faults):
 * "VIOLATION of liveness ... B's call 4 pending". Pinned here with a unit test of the handler.
 */
import { describe, expect, it } from 'vitest';
import { MP_ALL_FAULTS } from '../../../src/cli/simulate-multipaxos.js';
import { checkMachineHistory } from '../../../src/history/machine.js';
import { initServer, serverConfig, step, type ServerState } from '../../../src/multipaxos/index.js';
import { simulateMultiPaxos } from '../../../src/sim/multipaxos/simulate.js';

const bal = { round: 1, server: 0 };
const cmd = { client: 1, seq: 4, op: { op: 'put', key: 'y', value: 'B4' } } as const;

/** Leader s1 of ballot (1, s1), promised by s1 and s2: slots 0..3 in flight (a full window),
 * a command queued. */
function leaderWithFullWindow(): ServerState {
  const s = initServer(serverConfig({ id: 0, servers: 3, window: 4 }));
  const slots = [0, 1, 2, 3];
  const val = (slot: number) => ({ id: `1.0/${slot}`, cmds: [] });
  return {
    ...s,
    durable: {
      ...s.durable, maxBal: bal, votes: slots.map((slot) => ({ slot, bal, val: val(slot) })),
    },
    leader: {
      ...s.leader, role: 'leader', bal, next: 4, queue: [cmd], promised: 0b011,
      inflight: slots.map((slot) => ({ slot, val: val(slot), accs: 0 })),
    },
  };
}

describe('multipaxos commit notices', () => {
  it('a leader proposes its queued command once a commit notice empties its window', () => {
    const notice = { type: 'commit', bal, upTo: 4 } as const;
    const r = step(leaderWithFullWindow(), { kind: 'deliver', msg: notice, rand: 0 });
    expect(r.state.replica.applied).toBe(4);
    expect(r.state.leader.queue).toEqual([]);
    expect(r.state.leader.inflight.map((x) => x.slot)).toEqual([4]);
    const sent = r.effects.filter((e) => e.kind === 'send').map((e) => e.kind === 'send' && e.msg);
    expect(sent).toContainEqual(expect.objectContaining({ type: '2a', slot: 4 }));
  });

  it('seed 35975 (KV, read-index) is live', () => {
    const r = simulateMultiPaxos({
      seed: 35975, steps: 400, faults: MP_ALL_FAULTS, linearizability: checkMachineHistory,
      machine: 'kv', reads: 'read-index',
    });
    expect(r.violation, 'synod simulate multipaxos --seed 35975 --steps 400 --reads read-index')
      .toBeNull();
  });
});
