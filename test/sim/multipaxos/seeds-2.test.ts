/** CI seed sweep, block 2 of 4 (test/sim/multipaxos/seeds.ts says what and why). */
import { describe } from 'vitest';
import { sweepSeeds } from './seeds.js';

describe('Multi-Paxos simulator, CI seed sweep', () => sweepSeeds(1));
