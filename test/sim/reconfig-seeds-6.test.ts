/** Seeds 626..750 of the reconfiguration sweep (reconfig-seeds.ts says why it is split). */
import { describe, expect, it } from 'vitest';
import { SEEDS_PER_FILE, SWEEP_TIMEOUT_MS, sweep } from './reconfig-seeds.js';

describe('synod simulate multipaxos --reconfig, every fault on', () => {
  it('runs clean for seeds 626..750, changing the members in every run', () => {
    expect(sweep(626, SEEDS_PER_FILE)).toBe(0);
  }, SWEEP_TIMEOUT_MS);
});
