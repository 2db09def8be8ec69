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

  it('describes every line of the valid corpus', () => {
    const schema = traceSchema();
    for (const f of readdirSync('traces/valid').filter((x) => x.endsWith('.jsonl'))) {
      for (const line of readFileSync(`traces/valid/${f}`, 'utf8').trim().split('\n')) {
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
