/** Seeds 1..125 of the reconfiguration sweep (reconfig-seeds.ts says why it is split). */
import { describe, expect, it } from 'vitest';
import { SEEDS_PER_FILE, SWEEP_TIMEOUT_MS, sweep } from './reconfig-seeds.js';

describe('synod simulate multipaxos --reconfig, every fault on', () => {
  it('runs clean for seeds 1..125, changing the members in every run', () => {
    expect(sweep(1, SEEDS_PER_FILE)).toBe(0);
  }, SWEEP_TIMEOUT_MS);
});
