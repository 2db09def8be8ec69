/**
 * `synod check reconfig --without GUARD`: the spec with one of Reconfig's guards removed, from
 * the command line (docs/reconfiguration.md shows its output). The counterexamples themselves
 * are pinned step by step in reconfig-mutants.test.ts; here, the flag's contract.
 */
import { describe, expect, it } from 'vitest';
import { synod } from '../synod.js';

const run = (...args: string[]) => synod('check', 'reconfig', ...args);

describe('synod check reconfig --without', () => {
  it('without config-quorum, two active configs stop overlapping after 4 states (exit 1)',
    async () => {
      const r = await run('--without', 'config-quorum', '--json');
      const v = JSON.parse(r.out);
      expect([r.code, v.without, v.violation.property, v.counterexample.length])
        .toEqual([1, 'ConfigQuorumCheck(i)', 'ActiveConfigsOverlap', 4]);
    });

  it('names the guards it knows when given another (exit 2)', async () => {
    const r = await run('--without', 'overlap');
    expect([r.code, r.err]).toEqual([2, "synod check reconfig: --without must be one of " +
      "config-quorum, term-quorum, quorums-overlap, own-term-commit, got 'overlap'\n"]);
  });

  it('needs --with-log for own-term-commit (exit 2)', async () => {
    const r = await run('--without', 'own-term-commit');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--without own-term-commit needs --with-log');
  });
});
