/**
 * Partial traces (issue 4, section 3): the search fills in hidden steps when some explanation
 * exists, backtracks when an early choice makes a later line impossible, counts what it
 * inferred and how ambiguous it was, stops at its budget, and on rejection names the last line
 * it matched and, per candidate state, the first guard that failed.
 */
import { describe, expect, it } from 'vitest';
import { collectEvents } from '../../src/trace/reader.js';
import { checkPartial, type PartialReport } from '../../src/trace/partial.js';
import { header3, lines } from './helpers.js';

const send = (node: string, msg: Record<string, unknown>) => ({ ev: 'send', node, msg });

function partial(budget: number, ...events: unknown[]): PartialReport {
  const read = collectEvents(lines({ ...header3, partial: true }, ...events));
  if (!read.ok) throw new Error(read.problem.message);
  return checkPartial(read.cluster, read.names, read.events, budget);
}

describe('checkPartial', () => {
  it('infers the 1a and a quorum of 1b behind a logged 2a', () => {
    const r = partial(100, send('s1', { type: '2a', bal: 1, val: 'x' }));
    expect(r.accepted).toBe(true);
    expect(r.inferred).toBe(3);
    expect(r.choicePoints).toBe(1);
    expect(r.alternativesMax).toBe(3);
  });

  it('infers the send behind a logged receive', () => {
    const r = partial(100, { ev: 'recv', node: 's2', msg: { type: '2b', acc: 's3', bal: 2,
      val: 'x' } });
    expect(r.accepted).toBe(true);
    expect(r.inferred).toBe(5);
  });

  it('infers the vote a 1b reports', () => {
    const r = partial(100, send('s2', { type: '1b', acc: 's2', bal: 4, mbal: 2, mval: 'y' }));
    expect(r.accepted).toBe(true);
    expect(r.inferred).toBe(6);
  });

  it('backtracks when the first quorum chosen makes a later line impossible', () => {
    const r = partial(100,
      send('p', { type: '2a', bal: 0, val: 'z' }),
      send('p', { type: '2a', bal: 1, val: 'x' }),
      send('s1', { type: '2b', acc: 's1', bal: 0, val: 'z' }));
    expect(r.accepted).toBe(true);
    expect(r.inferred).toBe(6);
    expect(r.explored).toBeGreaterThan(r.inferred);
  });

  it('stops at its budget and says so', () => {
    const r = partial(1, send('s1', { type: '2a', bal: 1, val: 'x' }));
    expect(r.verdict).toBe('unknown');
    expect(r.unknown).toBe('budget exhausted');
    expect(r.budgetExhausted).toBe(true);
    expect(r.summary.rejections).toEqual([]);
  });

  it('names the last matched line and the guard each candidate state failed', () => {
    const r = partial(100,
      send('s2', { type: '1b', acc: 's2', bal: 5 }),
      send('s2', { type: '2b', acc: 's2', bal: 1, val: 'x' }));
    expect(r.accepted).toBe(false);
    expect(r.lastMatchedLine).toBe(2);
    expect(r.candidates[0]).toMatchObject({ conjunct: 'Phase2b: m.bal \\geq maxBal[a]' });
    expect(r.candidates[0]?.why).toContain('s2');
  });

  it('places a hidden 1b before its acceptor\'s logged vote when a later line receives it', () => {
    const r = partial(100, send('s1', { type: '2a', bal: 1, val: 'x' }),
      send('s3', { type: '2b', acc: 's3', bal: 1, val: 'x' }),
      { ev: 'recv', node: 's1', msg: { type: '1b', acc: 's3', bal: 1 } });
    expect(r.verdict).toBe('accepted');
  });

  it('lets two hidden steps of one acceptor (a vote, then a promise) lead to a logged state', () => {
    const r = partial(100, send('s1', { type: '2a', bal: 1, val: 'x' }),
      { ev: 'persist', node: 's2', maxBal: 2, maxVBal: 1, maxVal: 'x' });
    expect(r.verdict).toBe('accepted');
    expect(r.inferred).toBeGreaterThanOrEqual(5);
  });

  it('rejects at the first line with no completion, however far its cause lies behind it', () => {
    const ballots = Array.from({ length: 40 }, (_, b) => [
      send('s1', { type: '2a', bal: b + 1, val: 'x' }),
      send('s2', { type: '2b', acc: 's2', bal: b + 1, val: 'x' })]).flat();
    const r = partial(100_000, ...ballots,
      send('s2', { type: '1b', acc: 's2', bal: 3, mbal: -1 }));
    expect(r.verdict).toBe('rejected');
    expect(r.summary.rejections[0]).toMatchObject({ line: 82, rule: 'Phase1b' });
    expect(r.candidates[0]?.why).toContain('s2\'s 1b for ballot 3 reports no vote');
  });

  it('says unknown, not rejected, when only a 1b nobody logged could justify a 2a', () => {
    const r = partial(100_000,
      send('s1', { type: '2a', bal: 1, val: 'x' }),
      send('s1', { type: '2b', acc: 's1', bal: 1, val: 'x' }),
      send('s1', { type: '1b', acc: 's1', bal: 2, mbal: 1, mval: 'x' }),
      send('s2', { type: '1b', acc: 's2', bal: 2 }),
      send('s3', { type: '2a', bal: 2, val: 'y' }));
    expect(r.verdict).toBe('accepted');
    const unsafe = partial(100_000,
      send('s1', { type: '2a', bal: 1, val: 'x' }),
      send('s1', { type: '2b', acc: 's1', bal: 1, val: 'x' }),
      send('s2', { type: '2b', acc: 's2', bal: 1, val: 'x' }),
      send('s3', { type: '2b', acc: 's3', bal: 1, val: 'x' }),
      send('s3', { type: '2a', bal: 2, val: 'y' }));
    expect(unsafe.verdict).toBe('unknown');
    expect(unsafe.unknown).toContain('hidden votes or ballots');
  });

  it('names ballots as the trace logged them', () => {
    const read = collectEvents(lines({ ...header3, partial: true,
      cluster: { acceptors: ['s1', 's2', 's3'], proposers: ['p1', 'p2'] } },
    send('s2', { type: '1b', acc: 's2', bal: [2, 'p2'] }),
    send('s2', { type: '2b', acc: 's2', bal: [1, 'p1'], val: 'x' })));
    if (!read.ok) throw new Error(read.problem.message);
    const r = checkPartial(read.cluster, read.names, read.events, 1000);
    expect(r.summary.rejections[0]?.explanation).toContain('maxBal [2,"p2"]');
    expect(r.summary.rejections[0]?.explanation).toContain('ballot [1,"p1"]');
    expect(r.summary.rejections[0]?.explanation).not.toMatch(/ballot \d/);
  });

  it('learns only values a quorum can vote for, in a ballot with a 2a for them', () => {
    expect(partial(100, send('s1', { type: '2a', bal: 1, val: 'x' }), { ev: 'learn', node: 's1',
      val: 'x' }).accepted).toBe(true);
    expect(partial(100, send('s1', { type: '2a', bal: 1, val: 'x' }), { ev: 'learn', node: 's1',
      val: 'y' }).accepted).toBe(false);
  });
});
