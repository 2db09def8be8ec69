/**
 * `synod trace merge` (src/trace/merge.ts): per-node logs merged with no clock, keeping each
 * node's order and every send before its receives; a receive whose send no log has is reported
 * (file and line) and kept, so the checker rejects it with rule `recv`.
 */
import { describe, expect, it } from 'vitest';
import { mergeLogs, messageOf } from '../../../src/trace/merge.js';
import { checkTrace } from '../../../src/trace/run.js';

const header = (node: string): string => JSON.stringify({ format: 'synod.trace', version: 2,
  cluster: { acceptors: ['s1', 's2', 's3'] }, node });
const line = (o: object): string => JSON.stringify(o);
const m1a = { type: '1a', bal: 1, from: 0 };
const m1b = (acc: string) => ({ type: '1b', acc, bal: 1, from: 0, votes: [] });

async function* chunks(lines: readonly string[]): AsyncGenerator<string> {
  yield `${lines.join('\n')}\n`;
}

async function merged(logs: Record<string, string[]>) {
  const out: string[] = [];
  const r = await mergeLogs(Object.entries(logs).map(([name, ls]) => ({ name,
    chunks: chunks(ls) })), (l) => void out.push(l));
  return { r, out };
}

describe('mergeLogs', () => {
  it('puts every receive after its send, whatever order the files come in', async () => {
    const s1 = [header('s1'), line({ ev: 'send', node: 's1', msg: m1a }),
      line({ ev: 'recv', node: 's1', msg: m1b('s2') }), line({ ev: 'recv', node: 's1',
        msg: m1b('s3') })];
    const s2 = [header('s2'), line({ ev: 'recv', node: 's2', msg: m1a }),
      line({ ev: 'send', node: 's2', msg: m1b('s2') })];
    const s3 = [header('s3'), line({ ev: 'recv', node: 's3', msg: m1a }),
      line({ ev: 'send', node: 's3', msg: m1b('s3') })];
    const { r, out } = await merged({ s3, s2, s1 });
    expect(r.unmatched).toEqual([]);
    expect(r.events).toBe(7);
    const at = (needle: string): number => out.findIndex((l) => l.includes(needle));
    expect(at('"send","node":"s1"')).toBeLessThan(at('"recv","node":"s2"'));
    expect(at('"send","node":"s2"')).toBeLessThan(at('"recv","node":"s1","msg":{"type":"1b",' +
      '"acc":"s2"'));
    expect(JSON.parse(out[0] as string)).not.toHaveProperty('node');
    const c = await checkTrace(chunks(out.map((l) => l.trimEnd())));
    expect(c.verdict).toBe('accepted');
  });

  it('reports a receive whose send no log has, and the checker rejects it there', async () => {
    const s1 = [header('s1'), line({ ev: 'recv', node: 's1', msg: m1b('s2') })];
    const s2 = [header('s2'), line({ ev: 'send', node: 's2', msg: m1a })];
    const { r, out } = await merged({ s1, s2 });
    expect(r.unmatched).toEqual([{ file: 's1', line: 2, msg: JSON.stringify(m1b('s2')),
      mergedLine: 3 }]);
    const c = await checkTrace(chunks(out.map((l) => l.trimEnd())));
    expect(c.summary?.rejections[0]).toMatchObject({ line: 3, rule: 'recv' });
  });

  it('refuses logs of different clusters', async () => {
    const other = JSON.stringify({ format: 'synod.trace', version: 2,
      cluster: { acceptors: ['x'] } });
    const { r } = await merged({ a: [header('s1')], b: [other] });
    expect(r.problem).toMatchObject({ file: 'b', line: 1 });
  });

  it('reads a message by its JSON text, strings with braces included', () => {
    expect(messageOf('{"ev":"recv","node":"a","msg":{"type":"x-y","v":"}{"}}'))
      .toEqual({ recv: true, key: '{"type":"x-y","v":"}{"}' });
    expect(messageOf('{"ev":"apply","node":"a","slot":1,"val":"v"}')).toBeNull();
  });
});
