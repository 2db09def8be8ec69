/**
 * The corpus (issue 4, section 5): every trace in traces/valid is accepted, and every trace in
 * traces/invalid is rejected at exactly the line and for exactly the rule its header states.
 * Each is read whole and again in 7-byte chunks, so that verdicts do not depend on where the
 * reader's chunks end. Multi-Paxos traces (format v2, mp-*.jsonl) are in the same corpus, their
 * client calls judged as `synod trace check` judges them (linearizability, composed in cli).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkItf } from '../../src/trace/itf-run.js';
import { checkTrace, type FileReport } from '../../src/trace/run.js';
import { chunksOf } from './helpers.js';
import { callsCheck } from '../../src/cli/trace-calls.js';

const dir = (d: string): string[] => readdirSync(d).filter((f) => f.endsWith('.jsonl')
  || f.endsWith('.itf.json')).sort();

async function check(path: string, chunk?: number): Promise<FileReport> {
  const text = readFileSync(path, 'utf8');
  return path.endsWith('.itf.json') ? checkItf(text, null)
    : checkTrace(chunksOf(text, chunk), { callsCheck: callsCheck() });
}

describe('traces/valid', () => {
  for (const f of dir('traces/valid')) {
    it(`accepts ${f}`, async () => {
      const r = await check(`traces/valid/${f}`);
      expect(r.summary?.rejections ?? r.problem).toEqual([]);
      expect(r.verdict).toBe('accepted');
    });
  }
});

describe('traces/invalid', () => {
  for (const f of dir('traces/invalid')) {
    it(`rejects ${f} at the line and rule its header states`, async () => {
      const path = `traces/invalid/${f}`;
      const whole = await check(path);
      const expected = whole.expect ?? expectationOf(path);
      expect(expected).not.toBeNull();
      expect(whole.verdict).toBe('rejected');
      const r = whole.summary?.rejections[0];
      expect({ line: r?.line, rule: r?.rule }).toEqual({ line: expected?.line,
        rule: expected?.rule });
      if (!f.endsWith('.itf.json')) {
        const chunked = await check(path, 7);
        expect(chunked.summary?.rejections[0]?.line).toBe(r?.line);
      }
    });
  }
});

/** ITF files state their expectation in "#meta".expect. */
function expectationOf(path: string): { line?: number; rule?: string } | null {
  const doc = JSON.parse(readFileSync(path,
    'utf8')) as { '#meta'?: { expect?: { line?: number; rule?: string } } };
  return doc['#meta']?.expect ?? null;
}
