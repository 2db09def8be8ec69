/**
 * ITF as Quint writes it for its own Paxos example (issue 7, section 5): 1b messages name the
 * acceptor `acceptor`, 2b messages `acc`, 2a/2b carry `value`, "no vote" is -1, and ballots are
 * drawn from Nat as #bigint far beyond 2^53. Such traces are read without a mapping (field names
 * per message type, -1 as None where the vote's ballot is -1, ballots replaced by their ranks),
 * and a mapping can still rename one message type's field. The traces generated with Quint from
 * the example and from variants of it are in traces/ (corpus.test.ts holds their verdicts; the
 * file's "#meta" says how each was made); here, the reading itself.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkItf } from '../../src/trace/itf-run.js';
import { traceToItf } from '../../src/trace/itf-export.js';
import { readItf } from '../../src/trace/itf.js';

const read = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8')) as unknown;
const published = read('traces/valid/quint-paxos-published.itf.json');
const fixed = read('traces/valid/quint-paxos-fixed.itf.json');

/** Every ballot b >= 0 of a Paxos.tla-shaped ITF document replaced by f(b), -1 kept. */
function mapBallots(doc: unknown, f: (b: bigint) => bigint): unknown {
  const big = (v: unknown): unknown => {
    const b = BigInt(typeof v === 'number' ? v : (v as { '#bigint': string })['#bigint']);
    return b < 0n ? v : { '#bigint': f(b).toString() };
  };
  const walk = (v: unknown, key: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Record<string, unknown>;
    if (/(^|::)(maxBal|maxVBal)$/.test(key) && Array.isArray(o['#map'])) {
      return { '#map': (o['#map'] as [unknown, unknown][]).map(([k, x]) => [k, big(x)]) };
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, k === 'bal' || k === 'mbal'
      ? big(x) : walk(x, k)]));
  };
  return walk(doc, '');
}

describe("Quint's Paxos example, as published", () => {
  it('is read without a mapping: synonyms per message type, -1 as None, #bigint ballots', () => {
    const t = readItf(published);
    expect(t.acceptors).toEqual(['a1', 'a2', 'a3']);
    expect(t.ballots).not.toBeNull();
    const ranks = (t.ballots ?? []).map((b) => BigInt(b));
    expect(ranks.some((b) => b > 2n ** 53n)).toBe(true);
    expect(ranks.every((b, i) => i === 0 || (ranks[i - 1] as bigint) < b)).toBe(true);
    const last = t.states[t.states.length - 1];
    expect(last?.msgs.some((m) => m.type === '1b')).toBe(true);
    expect(last?.maxVal.every((v, a) => (v === null) === (last.maxVBal[a] === -1))).toBe(true);
  });

  it('is accepted, and its ballots are named as logged in reports', async () => {
    const r = await checkItf(JSON.stringify(published), null);
    expect(r.verdict).toBe('accepted');
  });
});

describe('ballots beyond 2^53', () => {
  const huge = (b: bigint): bigint => 2n ** 200n + b * 2n ** 70n;
  it('keep the verdict of the same trace with small ballots, and are reported as logged',
    async () => {
    const valid = read('traces/valid/paxos-apalache.itf.json');
    const small = await checkItf(JSON.stringify(valid), null);
    const big = await checkItf(JSON.stringify(mapBallots(valid, huge)), null);
    expect(big.verdict).toBe(small.verdict);
    expect(big.summary?.chosen.map((c) => [c.value, c.ballotText]))
      .toEqual(small.summary?.chosen.map((c) => [c.value, huge(BigInt(c.ballot)).toString()]));
    const r = traceToItf(readFileSync('traces/invalid/r1-vote-below-promise.jsonl'));
    if (!r.ok) throw new Error(r.problem.message);
    const bad = await checkItf(JSON.stringify(mapBallots(r.itf, huge)), null);
    const before = await checkItf(JSON.stringify(r.itf), null);
    const [x, y] = [bad.summary?.rejections[0], before.summary?.rejections[0]];
    expect({ line: x?.line, rule: x?.rule }).toEqual({ line: y?.line, rule: y?.rule });
    expect(x?.explanation).toContain(huge(1n).toString().slice(0, 30));
  });

  it('are refused below -1', () => {
    const valid = read('traces/valid/paxos-apalache.itf.json');
    expect(() => readItf(mapBallots(valid, (b) => -2n - b))).toThrow(/a natural, or -1/);
  });
});

describe('a mapping per message type', () => {
  it('renames a field of one message type only', () => {
    const voter = JSON.parse(JSON.stringify(fixed), (_, v: unknown) => {
      if (typeof v === 'object' && v !== null && (v as { tag?: string }).tag === 'Msg2b') {
        const { acc, ...rest } = (v as { value: Record<string, unknown> }).value;
        return { tag: 'Msg2b', value: { ...rest, voter: acc } };
      }
      return v;
    }) as unknown;
    expect(readItf(fixed).states.some((s) => s.msgs.some((m) => m.type === '2b'))).toBe(true);
    expect(() => readItf(voter)).toThrow(/acceptor/);
    expect(() => readItf(voter, { acc: 'voter' })).toThrow(/voter/);
    expect(readItf(voter, { '2b.acc': 'voter' }).states).toEqual(readItf(fixed).states);
  });
});
