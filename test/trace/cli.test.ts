/**
 * `synod trace check` end to end, in process: the verdict text, the versioned JSON object, many
 * files and directories with a summary, and the exit codes 0 / 1 / 2 / 3.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { header3, lines } from './helpers.js';
import { synod } from '../synod.js';

const run = (...args: string[]) => synod('trace', ...args);

describe('synod trace check', () => {
  it('accepts a valid trace with exit 0 and says what was chosen', async () => {
    const r = await run('check', 'traces/valid/basic-majority.jsonl');
    expect(r.code).toBe(0);
    expect(r.out).toContain('accepted: 11 events, 6 spec steps, chosen "x" (ballot 1, line 11)');
  });

  it('rejects with exit 1: line, rule, explanation, witness lines and excerpt', async () => {
    const r = await run('check', 'traces/invalid/r1-vote-below-promise.jsonl');
    expect(r.code).toBe(1);
    expect(r.out).toContain('r1-vote-below-promise.jsonl:9: rejected: R1');
    expect(r.out).toContain('s2 accepted a proposal in ballot 1 after promising ballot 2');
    expect(r.out).toContain('line 7: 1b(s2, bal 2, mbal -1, mval None)');
    expect(r.out).toMatch(/> 9 \| \{"ev":"send"/);
  });

  it('prints one synod.trace/v1 object with --json', async () => {
    const r = await run('check', '--json', 'traces/invalid/ignores-reported-vote.jsonl',
      'traces/valid/basic-majority.jsonl');
    const v = JSON.parse(r.out) as { format: string; files: { verdict: string;
      rejections: { rule: string;
        witness: { messages: { line: number }[] } }[] }[]; summary: unknown };
    expect(v.format).toBe('synod.trace/v1');
    expect(v.files.map((f) => f.verdict)).toEqual(['rejected', 'accepted']);
    expect(v.files[0]?.rejections[0]?.rule).toBe("R2'");
    expect(v.files[0]?.rejections[0]?.witness.messages.map((m) => m.line)).toEqual([6, 7, 9, 10,
      11]);
    expect(v.summary).toEqual({ files: 2, accepted: 1, rejected: 1, unknown: 0, unreadable: 0 });
  });

  it('walks directories and sums up', async () => {
    const r = await run('check', 'traces/valid', 'traces/invalid');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\n\d+ traces: 12 accepted, \d+ rejected, 0 unreadable\n$/);
  });

  it('reports more than one rejection with --keep-going', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'synod-trace-'));
    const file = path.join(dir, 'two.jsonl');
    writeFileSync(file, lines(header3,
      { ev: 'recv', node: 's1', msg: { type: '1a', bal: 1 } },
      { ev: 'send', node: 's1', msg: { type: '1a', bal: 1 } },
      { ev: 'learn', node: 's2', val: 'x' }));
    const one = JSON.parse((await run('check', '--json',
      file)).out) as { files: { rejections: { line: number }[] }[] };
    expect(one.files[0]?.rejections.map((x) => x.line)).toEqual([2]);
    const all = JSON.parse((await run('check', '--json', '--keep-going', '5',
      file)).out) as typeof one;
    expect(all.files[0]?.rejections.map((x) => x.line)).toEqual([2, 4]);
  });

  it('treats a trace as partial with --partial and reports the hidden steps', async () => {
    const r = await run('check', '--partial', 'traces/valid/partial-sends-only.jsonl');
    expect(r.code).toBe(0);
    expect(r.out).toContain('6 hidden steps inferred');
  });

  it('says "unknown: budget exhausted" with exit 3 and a JSON verdict when the budget runs out',
    async () => {
      const file = 'traces/valid/partial-sends-only.jsonl';
      const r = await run('check', '--budget', '3', file);
      expect(r.code).toBe(3);
      expect(r.out).toContain('partial-sends-only.jsonl: unknown: budget exhausted');
      expect(r.out).toContain('0 rejected, 0 unreadable, 1 unknown');
      const j = await run('check', '--json', '--budget', '3', file);
      expect(j.code).toBe(3);
      const v = JSON.parse(j.out) as { files: { verdict: string; rejections: unknown[];
        partial: { budgetExhausted: boolean; unknown: string } }[]; summary: unknown };
      expect(v.files[0]).toMatchObject({ verdict: 'unknown', rejections: [],
        partial: { budgetExhausted: true, unknown: 'budget exhausted' } });
      expect(v.summary).toEqual({ files: 1, accepted: 0, rejected: 0, unknown: 1,
        unreadable: 0 });
    });

  it('prints the schema and converts to ITF', async () => {
    expect(JSON.parse((await run('schema')).out)).toHaveProperty('$defs.TraceEvent');
    const itf = JSON.parse((await run('itf',
      'traces/valid/basic-majority.jsonl')).out) as { states: unknown[] };
    expect(itf.states.length).toBe(7);
  });

  it('exits 2 for an unknown subcommand or no files', async () => {
    expect((await run('verify')).code).toBe(2);
    expect((await run('check')).code).toBe(2);
  });
});
