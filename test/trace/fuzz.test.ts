/**
 * The reader never throws on arbitrary input (issue 4, section 6): random bytes, random JSON,
 * and valid events with random fields swapped for random values all come back as a verdict or
 * an input problem. And the fast path (fast.ts) never accepts what the codecs reject, and
 * decodes what it accepts exactly as the slow path does. Seeds are fixed so failures replay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createResolver, decodeHeader } from '../../src/trace/decode.js';
import { fastDecode } from '../../src/trace/fast.js';
import { checkTrace } from '../../src/trace/run.js';
import { chunksOf, slowPath, header3 } from './helpers.js';

const H = JSON.stringify(header3);

const name = fc.oneof(fc.constantFrom('s1', 's2', 's3', 'p1', 'c1', ''),
  fc.string({ maxLength: 4 }));
const scalar = fc.oneof(
  fc.integer({ min: -3, max: 5 }), fc.double(), fc.constantFrom(null, true, 2 ** 53, -1, 1.5, [1,
    's1'], [1, 'zz']), name,
);
const ballot = fc.oneof(fc.nat(6), fc.tuple(fc.nat(3), fc.constantFrom('s1', 's2', 'p9')), scalar);
const msg = fc.record({
  type: fc.oneof(fc.constantFrom('1a', '1b', '2a', '2b', 'prepare', 'promise', 'accept', 'accepted',
    'commit', 'reject', 'x-y'), scalar),
  bal: ballot, acc: fc.oneof(fc.constantFrom('s1', 's2', 's3'),
    name), mbal: ballot, mval: scalar, val: scalar,
  promised: ballot, slot: fc.oneof(fc.constant(0), scalar),
}, { requiredKeys: [] });
const event = fc.record({
  ev: fc.oneof(fc.constantFrom('send', 'recv', 'persist', 'learn', 'invoke', 'return', 'crash',
    'restart'), scalar),
  node: fc.oneof(fc.constantFrom('s1', 's2', 's3'), name), client: name, msg: fc.oneof(msg, scalar),
  maxBal: ballot, maxVBal: ballot, maxVal: scalar, val: scalar, bal: ballot,
    op: fc.constantFrom('set', 'get', 'put'),
  t: scalar, seq: scalar, to: fc.oneof(name, fc.array(name, { maxLength: 2 })), from: name,
}, { requiredKeys: [] });

/** Valid send/recv/persist lines, then perhaps one field of the line or its msg replaced. */
const acc = fc.constantFrom('s1', 's2', 's3');
const val = fc.oneof(fc.constantFrom('x', 'y'), fc.integer({ min: 0, max: 3 }));
const goodBallot = fc.oneof(fc.nat(6), fc.tuple(fc.nat(3), fc.constantFrom('s1', 's2')));
const vote = fc.oneof(fc.constant({}), fc.constant({ mbal: -1, mval: null }),
  fc.record({ mbal: goodBallot, mval: val }));
const goodMsg = fc.oneof(
  fc.record({ type: fc.constant('1a'), bal: goodBallot }),
  fc.tuple(fc.record({ type: fc.constant('1b'), acc, bal: goodBallot }), vote).map(([m,
    v]) => ({ ...m, ...v })),
  fc.record({ type: fc.constant('2a'), bal: goodBallot, val }),
  fc.record({ type: fc.constant('2b'), acc, bal: goodBallot, val }),
);
const goodEvent = fc.oneof(
  fc.record({ ev: fc.constantFrom('send', 'recv'), node: acc, msg: goodMsg }),
  fc.tuple(fc.record({ ev: fc.constant('persist'), node: acc, maxBal: goodBallot }), vote)
    .map(([e, v]) => ({ ...e, ...('mbal' in v ? { maxVBal: v.mbal, maxVal: v.mval } : {}) })),
);
const fields = fc.constantFrom('ev', 'node', 'msg', 'maxBal', 'maxVBal', 'maxVal', 't', 'to',
  'msg.type', 'msg.bal',
  'msg.acc', 'msg.mbal', 'msg.mval', 'msg.val', 'msg.slot');
const nearEvent = fc.tuple(goodEvent, fc.option(fc.tuple(fields, scalar), { freq: 2 })).map(([e,
  change]) => {
  if (change === null) return e;
  const [field, value] = change;
  const copy = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
  const [head, tail] = field.split('.') as [string, string | undefined];
  if (tail === undefined) copy[head] = value;
  else if (typeof copy[head] === 'object' && copy[head] !== null) (copy[head] as Record<string,
    unknown>)[tail] = value;
  return copy;
});

const params = { seed: 4, numRuns: 300 };

describe('the trace reader on arbitrary input', () => {
  it('never throws on random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1,
      max: 64 }), async (bytes, size) => {
      const r = await checkTrace(chunksOf(bytes, size));
      expect(['accepted', 'rejected', 'unreadable']).toContain(r.verdict);
    }), params);
  });

  it('never throws on random text after a valid header', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }), async (text) => {
      const r = await checkTrace(chunksOf(`${H}\n${text}`, 16));
      expect(['accepted', 'rejected', 'unreadable']).toContain(r.verdict);
    }), params);
  });

  it('never throws on random events, partial or not', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(event, nearEvent), { maxLength: 12 }),
      fc.boolean(), async (events, partial) => {
      const text = [H, ...events.map((e) => JSON.stringify(e))].join('\n');
      const r = await checkTrace(chunksOf(text), { partial, budget: 200 });
      if (r.verdict === 'unreadable') expect(r.problem?.line).toBeGreaterThan(1);
    }), params);
  });

  it('never throws on random headers', async () => {
    const header = fc.record({
      format: fc.constantFrom('synod.trace', 'x'), version: fc.constantFrom(1, 2),
      cluster: fc.record({
        acceptors: fc.array(name, { maxLength: 5 }), proposers: fc.array(name, { maxLength: 3 }),
        quorums: fc.oneof(fc.constant('majority'), fc.array(fc.array(name, { maxLength: 3 }),
          { maxLength: 3 }), scalar),
      }, { requiredKeys: [] }),
      values: fc.array(scalar, { maxLength: 3 }), partial: scalar,
    }, { requiredKeys: [] });
    fc.assert(fc.property(header, (h) => {
      const r = decodeHeader(h, 1);
      if (!r.ok) expect(r.problem.message.length).toBeGreaterThan(0);
    }), params);
  });
});

describe('the fast path', () => {
  const cluster = decodeHeader({ ...header3, cluster: { acceptors: ['s1', 's2', 's3'],
    proposers: ['s1', 's2'] } }, 1);
  if (!cluster.ok) throw new Error('bad test header');

  /** A line as a logger might write it: compact, spaced, or with random extra whitespace. */
  const written = fc.tuple(fc.oneof(event, nearEvent), fc.constantFrom('compact', 'spaced',
    'indented', 'tabs')).map(([e, style]) => {
    const text = JSON.stringify(e);
    if (style === 'spaced') return text.replaceAll('":', '": ').replaceAll(',"', ', "');
    if (style === 'indented') return JSON.stringify(e, null, 1).replaceAll('\n', '');
    if (style === 'tabs') return text.replace(':', ':\t');
    return text;
  });

  it('answers only when the slow path gives the same event', () => {
    let answered = 0;
    fc.assert(fc.property(fc.array(written, { minLength: 1, maxLength: 6 }), (texts) => {
      const resolver = createResolver(cluster.value);
      for (const text of texts) {
        const slow = slowPath(text, resolver);
        const fast = fastDecode(text, 2, resolver);
        if (fast === null) continue;
        answered++;
        expect(slow).toEqual(fast);
      }
    }), { seed: 5, numRuns: 2000 });
    expect(answered).toBeGreaterThan(1000);
  });
});
