/**
 * Memory of a fully logged trace follows the spec state it needs, within a stated limit (issue 7,
 * section 6): the state grows with the ballots msgs holds messages of, not with the trace's
 * length; past run.ts's ballot limit the verdict is "unknown" (the CLI's exit 3) with the reason,
 * never a crash; and the receipts of a trace that logs receives keep a bounded number of lines
 * per message however often it is received again. The limit is set small here so the test is
 * fast; the default (ballotsMaxFor) is what fits in STATE_BYTES_MAX.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ballotsMaxFor, bytesPerBallot, checkTrace, STATE_BYTES_MAX } from '../../src/trace/run.js';
import { fullTrace } from '../bench/trace-gen.js';
import { synod } from '../synod.js';
import { chunksOf, header3, lines } from './helpers.js';

/** A fully logged trace with a fresh ballot on every line: `send 1a(b)` for b = 0, 1, ... */
function freshBallots(n: number): string {
  const out = [JSON.stringify(header3)];
  for (let b = 0; b < n; b++) out.push(`{"ev":"send","node":"s1","msg":{"type":"1a","bal":${b}}}`);
  return `${out.join('\n')}\n`;
}

describe('the spec state limit of a fully logged trace', () => {
  it('says "unknown" at the first line past the limit, names it, checks no further', async () => {
    const r = await checkTrace(chunksOf(freshBallots(5000)), { ballotsMax: 1000 });
    expect(r.verdict).toBe('unknown');
    // Line 1 is the header: the 1,001st ballot is on line 1,002.
    expect(r.notes).toEqual([expect.stringMatching(new RegExp('^memory budget exhausted at ' +
      'line 1002: the spec state holds messages of more than 1,000 ballots \\(about \\d+ MiB, ' +
      "the checker's limit\\); every line before it was allowed$"))]);
    expect(r.summary?.events).toBe(1001);
  });

  it('accepts the same trace when the limit covers it', async () => {
    const r = await checkTrace(chunksOf(freshBallots(5000)), { ballotsMax: 5000 });
    expect(r.verdict).toBe('accepted');
  });

  it('follows the spec state, not the length: a long run over 20 ballots fits in 20', async () => {
    const text = [...fullTrace(40_000, 20)].join('');
    const r = await checkTrace(chunksOf(text), { ballotsMax: 20 });
    expect(r.verdict).toBe('accepted');
    expect(r.summary?.events).toBeGreaterThanOrEqual(40_000);
  });

  it('still rejects what it rejected before the limit', async () => {
    const text = lines(header3,
      { ev: 'send', node: 's1', msg: { type: '2a', bal: 0, val: 'x' } },
      ...Array.from({ length: 50 }, (_, b) => ({ ev: 'send', node: 's1',
        msg: { type: '1a', bal: b + 1 } })));
    const r = await checkTrace(chunksOf(text), { ballotsMax: 10 });
    expect(r.verdict).toBe('rejected');
    expect(r.summary?.rejections[0]?.line).toBe(2);
  });

  it('states a default that fits the budget and a JavaScript Map', () => {
    for (const n of [1, 3, 5, 16]) {
      expect(ballotsMaxFor(n) * bytesPerBallot(n)).toBeLessThanOrEqual(STATE_BYTES_MAX);
      expect(ballotsMaxFor(n)).toBeLessThan(2 ** 24);
    }
    // Three acceptors: about 6 million fresh ballots, the lines of a 350 MB trace.
    expect(ballotsMaxFor(3)).toBe(Math.floor(STATE_BYTES_MAX / 360));
  });
});

describe('receipts of a trace that logs receives', () => {
  it('keep a bounded number of lines of one message received again and again', async () => {
    const h = { ...header3, receives: true };
    const oneB = (acc: string) => ({ type: '1b', acc, bal: 1, mbal: -1, mval: null });
    const text = lines(h,
      { ev: 'send', node: 's1', msg: { type: '1a', bal: 1 } },
      { ev: 'send', node: 's1', msg: oneB('s1') },
      { ev: 'send', node: 's2', msg: oneB('s2') },
      ...Array.from({ length: 500 }, () => ({ ev: 'recv', node: 's1', msg: oneB('s1') })),
      { ev: 'send', node: 's1', msg: { type: '2a', bal: 1, val: 'x' } });
    const r = await checkTrace(chunksOf(text));
    expect(r.verdict).toBe('rejected');
    const rejection = r.summary?.rejections[0];
    expect(rejection?.rule).toBe('Phase2a-received');
    expect(rejection?.line).toBe(505);
    const listed = rejection?.witness.messages ?? [];
    expect(listed.length).toBeGreaterThan(1);
    expect(listed.length).toBeLessThanOrEqual(8);
  });
});

describe('synod trace check --max-memory', () => {
  it('sets the limit in MiB: exit 3, and the JSON verdict says why it is unknown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synod-memory-'));
    const file = join(dir, 'fresh.jsonl');
    // 1 MiB holds 1 MiB / bytesPerBallot(3) ballots; the trace has more.
    const fit = ballotsMaxFor(3, 2 ** 20);
    writeFileSync(file, freshBallots(fit + 10));
    const r = await synod('trace', 'check', '--max-memory', '1', '--json', file);
    expect(r.code).toBe(3);
    const verdict = JSON.parse(r.out) as { files: { verdict: string; notes?: string[] }[] };
    expect(verdict.files[0]?.verdict).toBe('unknown');
    const note = new RegExp(`^memory budget exhausted at line ${fit + 2}:`);
    expect(verdict.files[0]?.notes?.[0]).toMatch(note);
    expect((await synod('trace', 'check', '--max-memory', '2', file)).code).toBe(0);
    expect((await synod('trace', 'check', '--max-memory', '0', file)).code).toBe(2);
  });
});

describe('commit and reject messages held outside the spec state', () => {
  it('are counted against their own limit: "unknown" past it, never a crash', async () => {
    const text = lines(header3,
      { ev: 'send', node: 's1', msg: { type: '1a', bal: 100 } },
      { ev: 'send', node: 's1', msg: { type: '1b', acc: 's1', bal: 100, mbal: -1, mval: null } },
      ...Array.from({ length: 50 }, (_, b) => ({ ev: 'send', node: 's1',
        msg: { type: 'reject', acc: 's1', bal: b, promised: 100 } })));
    expect((await checkTrace(chunksOf(text), { extrasMax: 50 })).verdict).toBe('accepted');
    const r = await checkTrace(chunksOf(text), { extrasMax: 20 });
    expect(r.verdict).toBe('unknown');
    // Lines 1-3 are the header, the 1a and the 1b: the 21st reject is on line 24.
    expect(r.notes).toEqual(['memory budget exhausted at line 24: the trace sent more than 20 ' +
      "distinct commit and reject messages (the checker's limit); every line before it was " +
      'allowed']);
  });
});
