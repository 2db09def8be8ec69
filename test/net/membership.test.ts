/**
 * Membership changes on the real cluster (issue 11): `synod kv remove-server` and `add-server`
 * go through the log of a running three-server Multi-Paxos cluster (3 -> 2 -> 3 voting members)
 * while writes go on, each server's trace logs the change as `config` lines, and the three
 * traces, merged, are accepted with every slot judged under its own members. The codecs refuse
 * membership commands and snapshot configurations that name servers outside the cluster.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMultiPaxosMessage, decodeOp } from '../../src/net/multipaxos-protocol.js';
import { synod } from '../synod.js';
import { tempDir } from './helpers.js';

let dir: string | null = null;
afterEach(async () => {
  if (dir !== null) await synod('cluster', 'down', '--data', dir);
  dir = null;
});

describe('synod kv add-server / remove-server on a real cluster', () => {
  it('shrinks to {s1, s2} and grows back while writing; the merged traces are accepted',
    async () => {
      dir = tempDir('synod-membership-');
      const up = await synod('cluster', 'up', '--servers', '3', '--data', dir, '--trace');
      expect(up.code, up.err).toBe(0);
      const kv = (...args: string[]) => synod('kv', ...args, '--data', dir!);
      for (const [args, out] of [
        [['put', 'x', '1'], ''], [['remove-server', 's3'], ''], [['put', 'x', '2'], ''],
        [['add-server', 's3'], ''], [['put', 'x', '3'], ''], [['get', 'x'], '3\n'],
      ] as const) {
        const r = await kv(...args);
        expect([args, r.code, r.out], r.err).toEqual([args, 0, out]);
      }
      const bad = await kv('add-server', 's9');
      expect([bad.code, bad.err]).toEqual([2, expect.stringContaining('outside a cluster of 3')]);
      expect((await synod('cluster', 'down', '--data', dir)).code).toBe(0);
      const traces = ['s1', 's2', 's3'].map((s) => join(dir!, `${s}.trace.jsonl`));
      const configs = traces.flatMap((f) => readFileSync(f, 'utf8').split('\n')
        .filter((l) => l.includes('"ev":"config"')).map((l) => JSON.parse(l).members));
      expect(configs).toContainEqual(['s1', 's2']);
      expect(configs).toContainEqual(['s1', 's2', 's3']);
      const check = await synod('trace', 'check', '--merge', ...traces);
      expect(check.code, check.out).toBe(0);
      dir = null;
    }, 120_000);

  it('decodes membership commands, and refuses ids outside the cluster', () => {
    expect(decodeOp({ op: 'remove-server', server: 2 }, 3))
      .toEqual({ op: 'remove-server', server: 2 });
    expect(decodeOp({ op: 'add-server', server: 3 }, 3)).toMatch(/outside a cluster of 3/);
    const entry = { id: 'e', cmds: [{ client: 1, seq: 0, op: { op: 'add-server', server: 4 } }] };
    expect(decodeMultiPaxosMessage({ type: '2a', bal: { round: 1, server: 0 }, slot: 0,
      val: entry, commit: 0 }, 3)).toMatch(/server id 4 is outside/);
  });

  it('decodes a snapshot\'s configurations, and refuses bad ones', () => {
    const snap = (configs: unknown) => ({ type: 'snapshot', from: 1, snap: { upTo: 9, app: {},
      digest: 0, sessions: [], configs } });
    const good = decodeMultiPaxosMessage(snap([{ from: 8, members: 3 }, { from: 12, members: 7 }]),
      3);
    expect(good).toMatchObject({ snap: { configs: [{ from: 8, members: 3 }, { from: 12,
      members: 7 }] } });
    expect(decodeMultiPaxosMessage(snap([{ from: 8, members: 8 }]), 3))
      .toMatch(/server id 3 is outside/);
    expect(decodeMultiPaxosMessage(snap([{ from: 8, members: 0 }]), 3)).toMatch(/not a Multi/);
    expect(decodeMultiPaxosMessage(snap([{ from: 8, members: 1 }, { from: 8, members: 3 }]), 3))
      .toMatch(/does not start after/);
    expect(decodeMultiPaxosMessage({ ...snap([]), snap: { upTo: 9, app: {}, digest: 0,
      sessions: [] } }, 3)).toMatch(/not a Multi/);
  });
});
