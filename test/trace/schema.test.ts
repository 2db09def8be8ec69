/**
 * The JSON Schema shipped in docs/schema is the one generated from the codecs today (regenerate
 * with `npx tsx src/cli/main.ts trace schema > docs/schema/synod-trace-v1.schema.json`), and it
 * agrees with the codecs on the corpus: every line of every trace in traces/valid has the shape
 * it describes (checked by a small validator for the keywords the generator emits).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { traceSchema } from '../../src/trace/schema.js';
import { valid } from '../format/json-schema.js';

describe('docs/schema/synod-trace-v1.schema.json', () => {
  it('is what the codecs generate today', () => {
    const shipped = JSON.parse(readFileSync('docs/schema/synod-trace-v1.schema.json',
      'utf8')) as unknown;
    expect(shipped).toEqual(traceSchema());
  });

  it('describes every line of the valid corpus (v1 files by v1, v2 files by v2)', () => {
    for (const f of readdirSync('traces/valid').filter((x) => x.endsWith('.jsonl'))) {
      const lines = readFileSync(`traces/valid/${f}`, 'utf8').trim().split('\n');
      const schema = traceSchema((JSON.parse(lines[0] as string) as { version: 1 | 2 }).version);
      for (const line of lines) {
        expect({ f, line, ok: valid(schema, JSON.parse(line), schema) }).toEqual({ f, line,
          ok: true });
      }
    }
  });

  it('refuses a line the codecs refuse', () => {
    const schema = traceSchema();
    expect(valid(schema, { ev: 'send', node: 's1', msg: { type: '1a', bal: -2 } },
      schema)).toBe(false);
    expect(valid(schema, { ev: 'send', node: 's1', msg: { type: '1a', bal: 2 } },
      schema)).toBe(true);
  });
});

describe('docs/schema/synod-trace-v2.schema.json', () => {
  it('is what the v2 codecs generate today', () => {
    const shipped = JSON.parse(readFileSync('docs/schema/synod-trace-v2.schema.json',
      'utf8')) as unknown;
    expect(shipped).toEqual(traceSchema(2));
  });

  it('takes both phase-1 styles and the replica and client events, refuses a slotless 2a', () => {
    const schema = traceSchema(2);
    const ok = (v: unknown): boolean => valid(schema, v, schema);
    expect(ok({ ev: 'send', node: 's1', msg: { type: '1a', bal: [1, 's1'], from: 3 } })).toBe(true);
    expect(ok({ ev: 'send', node: 's1', msg: { type: 'promise', acc: 's1', bal: 4, from: 0,
      votes: [{ slot: 2, mbal: 1, mval: 'put x' }] } })).toBe(true);
    expect(ok({ ev: 'apply', node: 's2', slot: 7, val: 'v', cmds: [{ client: 'c1', seq: 3 }] }))
      .toBe(true);
    expect(ok({ ev: 'invoke', client: 'c1', seq: 1, op: 'cas', key: 'x', expect: null,
      val: 'a' })).toBe(true);
    expect(ok({ ev: 'config', node: 's2', slot: 4, members: ['s1', 's2', 's3', 's4'] }))
      .toBe(true);
    expect(ok({ ev: 'config', node: 's2', members: ['s1'] })).toBe(false);
    expect(ok({ ev: 'send', node: 's1', msg: { type: '2a', bal: 1, val: 'v' } })).toBe(false);
    expect(ok({ ev: 'apply', node: 's2', val: 'v' })).toBe(false);
  });
});
