/**
 * The v2 checker's opt-in and partial checks: liveness (`--liveness N`: a call waiting N events
 * with a quorum and a leader up is reported at the line the bound ran out, naming the line it
 * waited from; with a quorum down it is not), and partial traces (only what no hidden step can
 * repair is rejected: a vote below a promise is, a receive of a message whose send is missing is
 * not).
 */
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../../src/trace/run.js';

const header = (extra: object = {}): string => JSON.stringify({ format: 'synod.trace',
  version: 2, cluster: { acceptors: ['s1', 's2', 's3'] }, ...extra });
const ev = (o: object): string => JSON.stringify(o);
async function* chunks(lines: readonly string[]): AsyncGenerator<string> {
  yield `${lines.join('\n')}\n`;
}
const idle = (n: number, node = 's1'): string[] => Array.from({ length: n }, () =>
  ev({ ev: 'send', node, msg: { type: 'x-heartbeat' } }));
const invoke = ev({ ev: 'invoke', client: 'c1', seq: 1, op: 'put', key: 'x', val: 'a' });

describe('--liveness N', () => {
  it('reports a call that waits N events with a quorum and a leader up', async () => {
    const r = await checkTrace(chunks([header(), ev({ ev: 'leader', node: 's1', bal: 1 }), invoke,
      ...idle(10)]), { liveness: 5 });
    expect(r.summary?.rejections[0]).toMatchObject({ rule: 'liveness', line: 8 });
    expect(r.summary?.rejections[0]?.explanation).toMatch(/line 3/);
  });

  it('does not count events while a quorum is down, nor a call that returned', async () => {
    const down = [ev({ ev: 'crash', node: 's2' }), ev({ ev: 'crash', node: 's3' })];
    const r = await checkTrace(chunks([header(), invoke, ...down, ...idle(10)]), { liveness: 5 });
    expect(r.verdict).toBe('accepted');
    const done = ev({ ev: 'return', client: 'c1', seq: 1, ok: true, val: null });
    const r2 = await checkTrace(chunks([header(), invoke, done, ...idle(10)]), { liveness: 5 });
    expect(r2.verdict).toBe('accepted');
    const off = await checkTrace(chunks([header(), invoke, ...idle(10)]));
    expect(off.verdict).toBe('accepted');
  });
});

describe('partial v2 traces', () => {
  const vote = (acc: string, bal: number) => ev({ ev: 'send', node: acc,
    msg: { type: '2b', acc, bal, slot: 0, val: 'A' } });
  it('accepts what hidden lines could explain', async () => {
    const r = await checkTrace(chunks([header({ partial: true }),
      ev({ ev: 'recv', node: 's2', msg: { type: '2a', bal: 1, slot: 0, val: 'A' } }),
      vote('s2', 1), ev({ ev: 'apply', node: 's2', slot: 3, val: 'Z' })]));
    expect(r.verdict).toBe('accepted');
    expect(r.notes?.[0]).toMatch(/conservatively/);
  });

  it('rejects a vote below a logged promise: no hidden line can repair it', async () => {
    const r = await checkTrace(chunks([header({ partial: true }),
      ev({ ev: 'send', node: 's2', msg: { type: '1a', bal: 2, from: 0 } }),
      ev({ ev: 'send', node: 's2', msg: { type: '1b', acc: 's2', bal: 2, from: 0, votes: [] } }),
      vote('s2', 1)]));
    expect(r.summary?.rejections[0]).toMatchObject({ rule: 'R1', line: 4 });
  });
});
