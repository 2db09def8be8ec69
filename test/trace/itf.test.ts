/**
 * ITF (issue 4, section 4): Apalache's and Quint's encodings of Paxos.tla states are read
 * (bigints, sets, maps, tuples, variants, Option, module-qualified names, a mapping for other
 * names), consecutive states are judged as spec steps or stutters, and Synod's own traces
 * written as ITF read back to the same states.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkItf } from '../../src/trace/itf-run.js';
import { traceToItf } from '../../src/trace/itf-export.js';
import { readItf } from '../../src/trace/itf.js';
import { itfRun } from '../bench/itf.js';

const apalache = JSON.parse(readFileSync('traces/valid/paxos-apalache.itf.json',
  'utf8')) as unknown;
const quint = JSON.parse(readFileSync('traces/valid/paxos-quint.itf.json', 'utf8')) as unknown;

describe('readItf', () => {
  it('reads the Apalache and the Quint encodings of the same run to the same states', () => {
    const a = readItf(apalache);
    const q = readItf(quint);
    expect(a.acceptors).toEqual(['a1', 'a2', 'a3']);
    expect(q.states).toEqual(a.states);
    expect(a.states[4]?.msgs).toContainEqual({ type: '2a', bal: 1, val: 0 });
  });

  it('renames variables and fields through a mapping', () => {
    const renamed = JSON.parse(JSON.stringify(quint).replaceAll('"maxBal"',
      '"promised"').replaceAll('"bal"', '"ballot"')) as unknown;
    expect(() => readItf(renamed)).toThrow(/no variable maxBal/);
    expect(readItf(renamed, { maxBal: 'promised',
      bal: 'ballot' }).states).toEqual(readItf(quint).states);
  });

  it('names the JSON path of a value it cannot read', () => {
    const broken = JSON.parse(JSON.stringify(apalache)) as { states: Record<string, unknown>[] };
    (broken.states[1] as Record<string, unknown>)['Paxos::msgs'] = { '#set': [{ type: '1a',
      bal: 'one' }] };
    expect(() => readItf(broken)).toThrow(/integer/);
  });
});

describe('checkItf', () => {
  it('accepts both encodings of a valid run and names the chosen value', async () => {
    for (const doc of [apalache, quint]) {
      const r = await checkItf(JSON.stringify(doc), null);
      expect(r.verdict).toBe('accepted');
      expect(r.summary?.chosen[0]).toMatchObject({ value: '"v1"', ballot: 1 });
    }
  });

  it('rejects a state that is not Init at index 0', async () => {
    const doc = JSON.parse(JSON.stringify(quint)) as { states: unknown[] };
    doc.states.shift();
    const r = await checkItf(JSON.stringify(doc), null);
    expect(r.summary?.rejections[0]).toMatchObject({ line: 0, rule: 'Init' });
  });

  it('rejects two steps taken at once', async () => {
    const doc = JSON.parse(JSON.stringify(quint)) as { states: unknown[] };
    doc.states.splice(2, 1);
    const r = await checkItf(JSON.stringify(doc), null);
    expect(r.summary?.rejections[0]).toMatchObject({ line: 2, rule: 'Next' });
  });

  it('reports unreadable ITF with exit-2 problems, not exceptions', async () => {
    expect((await checkItf('{"states": 3}', null)).verdict).toBe('unreadable');
    expect((await checkItf('not json', null)).verdict).toBe('unreadable');
  });
});

describe('traceToItf', () => {
  it('writes the spec states of a synod trace, which read back and check as a valid run',
    async () => {
    const r = traceToItf(readFileSync('traces/valid/competing-ballots-dups-reorder.jsonl'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const back = await checkItf(JSON.stringify(r.itf), null);
    expect(back.verdict).toBe('accepted');
    expect(back.summary?.chosen.map((c) => c.value)).toEqual(['"y"']);
  });

  it('ends a rejected trace with the refused step, which the ITF check rejects for the same rule',
    async () => {
    const r = traceToItf(readFileSync('traces/invalid/r1-vote-below-promise.jsonl'));
    if (!r.ok) throw new Error(r.problem.message);
    const back = await checkItf(JSON.stringify(r.itf), null);
    expect(back.summary?.rejections[0]?.rule).toBe('R1');
  });
});

describe('checkItf on the messages of consecutive states (one merge of sorted sets)', () => {
  const base = JSON.parse(itfRun(2)) as { states: { msgs: { '#set': unknown[] } }[] };
  const cases: [string, (s: typeof base.states) => void, string, RegExp | null][] = [
    ['a valid run of 2 ballots', () => {}, 'accepted', null],
    ['a repeated state (a stutter)', (s) => void s.splice(3, 0, s[3] as never), 'accepted', null],
    ['a state that adds two messages', (s) => void s.splice(2, 1), 'rejected',
      /2 messages added and 0 removed/],
    ['a state that loses a message', (s) => void (s[5] as { msgs: { '#set': unknown[] } })
      .msgs['#set'].splice(0, 1), 'rejected', /1 messages added and 1 removed/],
  ];
  for (const [what, edit, verdict, why] of cases) {
    it(`judges ${what}: ${verdict}`, async () => {
      const doc = JSON.parse(JSON.stringify(base)) as typeof base;
      edit(doc.states);
      const r = await checkItf(JSON.stringify(doc), null);
      expect(r.verdict).toBe(verdict);
      if (why !== null) expect(r.summary?.rejections[0]?.explanation).toMatch(why);
    });
  }
});
