/**
 * The CLI of Multi-Paxos traces: `synod trace check` on v2 files (exit 0/1, JSON verdict),
 * `--coverage` summed over files, `synod trace merge` (exit 1 and file:line for a receive whose
 * send no log has), `synod trace check --merge`, and `synod trace schema --version 2`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synod } from '../../synod.js';

const LOGS = 'docs/examples/multipaxos/logs';
const files = (run: string): string[] => ['client-c1', 'client-c2', 's1', 's2', 's3']
  .map((f) => `${LOGS}/${run}/${f}.jsonl`);

describe('synod trace (v2)', () => {
  it('checks v2 files, with --coverage summed over them', async () => {
    const r = await synod('trace', 'check', '--coverage',
      'traces/valid/mp-stable-leader-range.jsonl',
      'traces/valid/mp-instance-per-slot.jsonl');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/coverage over 2 v2 traces/);
    expect(r.out).toMatch(/Phase1a: one slot +3\n/);
    expect(r.out).toMatch(/refused: R1 +0 +\(never\)/);
  });

  it('prints a JSON verdict naming line, rule and slot', async () => {
    const r = await synod('trace', 'check', '--json',
      'traces/invalid/mp-overwrites-chosen-slot.jsonl');
    expect(r.code).toBe(1);
    const v = JSON.parse(r.out) as { format: string; files: { rejections: { line: number;
      rule: string; witness: { slot: number } }[] }[] };
    expect(v.format).toBe('synod.trace/v1');
    expect(v.files[0]?.rejections[0]).toMatchObject({ line: 13, rule: "R2'",
      witness: { slot: 0 } });
  });

  it('merges per-node logs, and checks them with --merge', async () => {
    const m = await synod('trace', 'merge', ...files('correct'));
    expect(m.code).toBe(0);
    expect(m.out.split('\n').filter((l) => l !== '')).toHaveLength(126);
    const c = await synod('trace', 'check', '--merge', ...files('skip-phase1'));
    expect(c.code).toBe(1);
    expect(c.out).toMatch(/:91: rejected: Phase2a/);
  });

  it('reports a receive whose send no log has', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'synod-merge-'));
    const h = JSON.stringify({ format: 'synod.trace', version: 2, cluster: { acceptors: ['s1'] } });
    writeFileSync(path.join(dir, 'a.jsonl'), `${h}\n${JSON.stringify({ ev: 'recv', node: 's1',
      msg: { type: '1a', bal: 1, from: 0 } })}\n`);
    const r = await synod('trace', 'merge', path.join(dir, 'a.jsonl'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/a\.jsonl:2: a receive whose send no log has/);
  });

  it('prints the v2 schema', async () => {
    const r = await synod('trace', 'schema', '--version', '2');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ title: expect.stringMatching(/v2/) });
  });
});
