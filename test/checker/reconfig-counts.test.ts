/**
 * Parity with TLC (issue 11, section 1): TLC 2.20 on will62794/logless-reconfig with the cfgs of
 * shared/tla/reconfig/ (1 worker). A different count would mean a different model.
 *
 *   MongoLoglessDynamicRaft, 3 servers, MaxTerm 3, MaxConfigVersion 3:
 *     66,259 distinct / 486,562 generated / depth 14; with SYMMETRY 11,141 / 82,007 / 14
 *   MongoRaftReconfig, 3 servers, MaxTerm 2, MaxConfigVersion 2, MaxLogLen 2:
 *     470,098 / 4,971,847 / 22; with SYMMETRY 79,129 / 841,937 / 22
 *   MongoRaftReconfig, MaxLogLen 1 (the same cfgs with MaxLogLen = 1, run for these tests):
 *     74,947 / 739,414 / 16; with SYMMETRY 12,668 / 125,612 / 16
 *
 * The logless configurations and the MaxLogLen 1 one with symmetry take a few seconds and run
 * in CI; the MaxLogLen 2 ones (about 8 and 25 s of CPU) run with SYNOD_SLOW=1 and in the bench.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../src/checker/engine.js';
import { loglessModel, raftReconfigModel } from '../../src/checker/models/reconfig.js';

const slow = process.env['SYNOD_SLOW'] === '1';
const none = { state: [], reachability: [] };

describe('MongoLoglessDynamicRaft, 3 servers, MaxTerm 3, MaxConfigVersion 3', () => {
  it.each([
    [false, 66_259, 486_562, 14],
    [true, 11_141, 82_007, 14],
  ])('with symmetry %s finds %i states, generates %i, depth %i', (symmetry, d, g, depth) => {
    const m = loglessModel({ servers: 3, maxTerm: 3, maxConfigVersion: 3, maxLogLen: null },
      { properties: none });
    const r = check(m, { symmetry });
    expect([r.verdict, r.distinctStates, r.generatedStates, r.depth]).toEqual(['ok', d, g, depth]);
  });
});

describe('MongoRaftReconfig, 3 servers, MaxTerm 2, MaxConfigVersion 2', () => {
  const run = (maxLogLen: number, symmetry: boolean): number[] => {
    const m = raftReconfigModel({ servers: 3, maxTerm: 2, maxConfigVersion: 2, maxLogLen },
      { properties: none });
    const r = check(m, { symmetry });
    return [r.distinctStates, r.generatedStates, r.depth];
  };

  it('with MaxLogLen 1 and symmetry finds 12,668 states, generates 125,612, depth 16', () => {
    expect(run(1, true)).toEqual([12_668, 125_612, 16]);
  });

  it.runIf(slow).each([
    [1, false, 74_947, 739_414, 16],
    [2, true, 79_129, 841_937, 22],
    [2, false, 470_098, 4_971_847, 22],
  ])('with MaxLogLen %i and symmetry %s finds %i states, generates %i, depth %i (SYNOD_SLOW)',
    (maxLogLen, symmetry, d, g, depth) => {
      expect(run(maxLogLen, symmetry)).toEqual([d, g, depth]);
    });
});
