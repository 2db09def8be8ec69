/**
 * docs/reconfiguration.md quotes real output. This test reruns its commands and holds the quoted
 * blocks to what they print now. The sibling-configuration counterexample takes about 20 s of CPU
 * on this machine, so that block is rerun with SYNOD_SLOW=1 (its steps are pinned in CI by
 * test/checker/reconfig-mutants.test.ts all the same).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { slotsReconfigProperties } from '../../spec/multipaxos/reconfig-properties.js';
import type { Constants } from '../../spec/multipaxos/reconfig.js';
import { check } from '../../src/checker/engine.js';
import { slotsReconfigModel } from '../../src/checker/models/slots-reconfig.js';
import * as M from '../checker/slots-reconfig-mutants.js';
import { synod } from '../synod.js';

const page = readFileSync(new URL('../../docs/reconfiguration.md', import.meta.url), 'utf8');
const blocks = [...page.matchAll(/```(?:sh)?\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const quoted = (start: string): string[] =>
  blocks.find((b) => b.startsWith(start))!.trimEnd().split('\n');
const words = (line: string): string[] => line.trim().split(/\s+/);

describe('docs/reconfiguration.md', () => {
  it.runIf(process.env['SYNOD_SLOW'] === '1')(
    'quotes the sibling-configuration counterexample as the command prints it (SYNOD_SLOW)',
    async () => {
      const r = await synod('check', 'reconfig', '--with-log', '--max-term', '3',
        '--max-config-version', '3', '--max-log-len', '2', '--symmetry', '--without',
        'own-term-commit');
      expect(r.code).toBe(1);
      const lines = quoted('synod check reconfig: MongoRaftReconfig without');
      const printed = r.out.trimEnd().split('\n');
      expect(printed.slice(0, -1).map(words)).toEqual(lines.slice(0, -1).map(words));
      expect(printed.at(-1)).toMatch(/^82,215 distinct states, 300,241 generated, depth 10, /);
    });

  it('quotes the SlotQuorum mutant\'s counterexample as the engine finds it', () => {
    const k: Constants = {
      servers: 3, initial: 0b111, dataValues: 1, configs: [0b001], slots: 2, maxBallot: 1,
      alpha: 1,
    };
    const r = check(slotsReconfigModel(k, { impl: M.electionConfigQuorum }));
    expect(r.trace.map((t) => `${t.action ?? 'Init'}: ${t.change}`))
      .toEqual(quoted('Init: initial state'));
  });

  it('quotes the member-only counting mutant\'s counterexample as the engine finds it', () => {
    const k: Constants = {
      servers: 3, initial: 0b001, dataValues: 1, configs: [0b110], slots: 2, maxBallot: 1,
      alpha: 1,
    };
    const properties = slotsReconfigProperties.slice(0, 1);
    const r = check(slotsReconfigModel(k, { impl: M.nonMemberCounting, properties }));
    const block = blocks.filter((b) => b.startsWith('Init: initial state'))[1]!;
    expect(r.trace.map((t) => `${t.action ?? 'Init'}: ${t.change}`))
      .toEqual(block.trimEnd().split('\n'));
  });

  it('quotes the simulator run it names', async () => {
    const r = await synod('simulate', 'multipaxos', '--reconfig', '--seed', '7');
    expect(r.code).toBe(0);
    for (const line of quoted('membership:')) expect(r.out).toContain(line);
  });
});
