/**
 * The reader's shortcuts against its slow path (issue 4, section 7): the canonical-shape regular
 * expression and the general scanner of fast.ts each answer only with the event the codecs give;
 * and whole traces read the fast way (ASCII chunks copied, lines read in place) give the same
 * events, the same input problem, and the same verdict with the same rejection line and rule as
 * read the slow way (every chunk decoded, every line JSON.parse'd), whatever the chunk sizes,
 * line endings, BOMs, non-ASCII text, NUL bytes or bad UTF-8. Seeds are fixed so failures replay.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createChecker } from '../../src/trace/checker.js';
import { createResolver, decodeHeader } from '../../src/trace/decode.js';
import type { Event } from '../../src/trace/events.js';
import { fastTiers } from '../../src/trace/fast.js';
import { readTrace, type ReadOutcome } from '../../src/trace/reader.js';
import { chunksOf, slowPath } from './helpers.js';

const HEADER = { format: 'synod.trace', version: 1,
  cluster: { acceptors: ['s1', 's2', 's3'], proposers: ['s1', 's2'] },
  values: ['x', 'y', 'v0', 'é', 0, 1, 2, 3] };

const acc = fc.constantFrom('s1', 's2', 's3');
const odd = fc.oneof(fc.constantFrom(-0, -1, -2, 1.5, 1e3, 2 ** 53, 1234567890123456, null, true,
  '', 'é', 'a"b', 'a\\b', 'tab\t', [1, 's1'], [0, 's2'], [1, 'zz'], ['s1'], {}, 's4', 'x', 'v0'),
fc.string({ maxLength: 3 }), fc.integer({ min: -2, max: 9 }));
/** Numbers at the edges of what the codecs accept, mixed into the canonical lines. */
const edge = fc.constantFrom(-2, -0, 1.5, 1e21, 123456789012345, 1234567890123456, -1);
const bal = fc.oneof(fc.nat(9), fc.nat(9), fc.tuple(fc.nat(3), fc.constantFrom('s1', 's2')),
  edge, fc.tuple(fc.constantFrom(0, 7, 2 ** 50, 123456789012345, 1234567890123456, -1),
    fc.constantFrom('s1', 's2', 'zz', '')));
const orNone = fc.oneof(bal, fc.constantFrom(-1, null));
const val = fc.oneof(fc.constantFrom('x', 'y', 'v0', 'é'), fc.integer({ min: 0, max: 3 }),
  edge);
const valOrNone = fc.oneof(val, fc.constant(null));

/**
 * What loggers put in fields the codecs ignore (an extension message's own fields, or extra
 * context on a line): scalars, escapes, numbers JSON writes with fractions and exponents, nested
 * arrays and objects, and text that is not JSON at all (as a raw string, spliced in unquoted).
 */
const ignoredJson = fc.oneof(fc.constantFrom(null, true, false, 0, -1, 1.5, -2e-7, 1e21, 12e400,
  '', 'a"b', 'a\\b', 'tab\t', 'é', '\u0001', [1, 's1'], [], {}, { a: [1, { b: null }] }),
fc.string({ maxLength: 4 }), fc.jsonValue({ depthSize: 'small', maxDepth: 10 }));
const ignoredRaw = fc.constantFrom('01', '-', '1.', '.5', '1e', '"\\x"', '"\\u12"', '[1,]',
  '{"a"}', '{"a":1,}', 'tru', 'nul', '"\u0007"', '[[[[[[[[[[[[1]]]]]]]]]]]]');
const extType = fc.oneof(fc.constantFrom('x-read', 'x-timer', 'x-', 'x-request', 'x-é',
  `x-${'a'.repeat(126)}`, `x-${'a'.repeat(127)}`, 'x', 'X-read', '-x'), fc.string({ maxLength: 3 })
  .map((t) => `x-${t}`));
/** An "x-" extension message with fields of its own (some named as the codecs' fields). */
const extension = fc.tuple(extType, fc.dictionary(fc.constantFrom('client', 'seq', 'op', 'from',
  'acc', 'bal', 'mbal', 'mval', 'val', 'slot', 'tag', 'd\\u0065', 'we"ird'), ignoredJson,
{ maxKeys: 4 })).map(([type, fields]) => ({ type, ...fields }));

/** Events in the canonical key order (what the regular expression reads), mostly valid. */
const canonical = fc.oneof(
  fc.record({ ev: fc.constantFrom('send', 'recv'), node: acc, msg: fc.oneof(
    fc.record({ type: fc.constant('1a'), bal }),
    fc.record({ type: fc.constant('1b'), acc, bal, mbal: orNone, mval: valOrNone }),
    fc.record({ type: fc.constant('2a'), bal, val }),
    fc.record({ type: fc.constant('2b'), acc, bal, val }),
  ) }),
  fc.record({ ev: fc.constant('persist'), node: acc, maxBal: orNone, maxVBal: orNone,
    maxVal: valOrNone }, { requiredKeys: ['ev', 'node', 'maxBal'] }),
  fc.record({ ev: fc.constant('learn'), node: fc.constantFrom('s1', 'l1'), val, bal },
    { requiredKeys: ['ev', 'node', 'val'] }),
  fc.record({ ev: fc.constantFrom('send', 'recv'), node: acc, msg: extension }),
  fc.record({ ev: fc.constantFrom('send', 'recv'), node: acc, msg: fc.oneof(
    fc.record({ type: fc.constant('prepare'), bal }),
    fc.record({ type: fc.constant('promise'), acc, bal, mbal: orNone, mval: valOrNone }),
    fc.record({ type: fc.constant('accept'), bal, val }),
    fc.record({ type: fc.constantFrom('accepted', 'Accepted', 'acceptedx'), acc, bal, val }),
  ) }),
);

/** A canonical event, perhaps with one field replaced, removed, or a stamp added. */
const paths = ['ev', 'node', 'msg', 'maxBal', 'maxVBal', 'maxVal', 'val', 'bal', 't', 'seq', 'to',
  'from', 'msg.type', 'msg.bal', 'msg.acc', 'msg.mbal', 'msg.mval', 'msg.val', 'msg.slot'];
const event = fc.tuple(canonical, fc.option(fc.tuple(fc.constantFrom(...paths), odd,
  fc.boolean()), { freq: 2 })).map(([e, change]) => {
  if (change === null) return e;
  const [path, value, remove] = change;
  const copy = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
  const [head, tail] = path.split('.') as [string, string | undefined];
  const target = tail === undefined ? copy : copy[head];
  if (typeof target !== 'object' || target === null) return copy;
  const key = tail ?? head;
  if (remove) delete (target as Record<string, unknown>)[key];
  else (target as Record<string, unknown>)[key] = value;
  return copy;
});

/** An event, perhaps with a field the codecs ignore (JSON, or raw text that is not JSON). */
const extra = fc.tuple(event, fc.option(fc.tuple(fc.constantFrom('ignored', 'client', 'msg.x'),
  fc.oneof(ignoredJson, ignoredRaw.map((raw) => ({ raw })))), { freq: 2 })).map(([e, field]) => {
  if (field === null) return e;
  const [path, value] = field;
  const copy = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
  const target = path === 'msg.x' ? copy['msg'] : copy;
  if (typeof target !== 'object' || target === null) return copy;
  (target as Record<string, unknown>)[path === 'msg.x' ? 'x' : path] = value;
  return copy;
});

/** JSON text, with a `{ raw }` value written as its raw text (possibly not JSON). */
function stringify(e: unknown, space?: number): string {
  return JSON.stringify(e, (_k, v: unknown) => (typeof v === 'object' && v !== null && 'raw' in v
    ? `\u0000${(v as { raw: string }).raw}\u0000` : v), space)
    .replace(/"\\u0000(.*?)\\u0000"/g, (_m, raw: string) => JSON.parse(`"${raw}"`) as string);
}

/** A line as loggers write it: compact, spaced, indented, or with its keys reversed. */
const line = fc.tuple(extra, fc.constantFrom('compact', 'compact', 'spaced', 'indented',
  'reversed')).map(([e, style]) => {
  if (style === 'spaced') return stringify(e).replaceAll('":', '": ').replaceAll(',"', ', "');
  if (style === 'indented') return stringify(e, 1).replaceAll('\n', '');
  if (style === 'reversed') return stringify(Object.fromEntries(Object.entries(e).reverse()));
  return stringify(e);
});

describe('the fast decoding tiers', () => {
  const cluster = decodeHeader(HEADER, 1);
  if (!cluster.ok) throw new Error('bad test header');

  for (const tier of ['shaped', 'scanned'] as const) {
    it(`${tier}: answers only with the event the slow path gives`, () => {
      let answered = 0;
      let extensions = 0;
      const texts_ = fc.array(fc.oneof(line, canonical.map((e) => JSON.stringify(e))),
        { minLength: 1, maxLength: 8 });
      fc.assert(fc.property(texts_, (texts) => {
        const resolver = createResolver(cluster.value);
        for (const text of texts) {
          const fast = fastTiers[tier](text, resolver.tables);
          const slow = slowPath(text, resolver);
          if (fast === null) continue;
          answered++;
          if ('msg' in fast && fast.msg.type === 'ext') extensions++;
          expect(slow).toEqual({ ok: true, value: fast });
        }
      }), { seed: 11, numRuns: 1500 });
      // Each tier answers for a good share of the lines, or the comparison proves little; the
      // scanner reads extension messages too (the canonical shapes leave them to it).
      expect(answered).toBeGreaterThan(tier === 'shaped' ? 500 : 1800);
      expect(extensions).toBeGreaterThan(tier === 'shaped' ? -1 : 200);
    });
  }
});

/** Everything a read reports: each event with its line, then the outcome. */
async function read(bytes: Uint8Array, size: number, fast: boolean): Promise<{
  events: { e: Event; line: number }[]; outcome: ReadOutcome }> {
  const events: { e: Event; line: number }[] = [];
  const outcome = await readTrace(chunksOf(bytes, size), {
    header: () => undefined,
    event: (e, n) => { events.push({ e, line: n }); return true; },
  }, { fast });
  return { events, outcome };
}

/** The checker's verdict on events read: the first rejection's line and rule, or null. */
function verdict(events: readonly { e: Event; line: number }[]): string | null {
  const cluster = decodeHeader(HEADER, 1);
  if (!cluster.ok) throw new Error('bad test header');
  const checker = createChecker(cluster.value, createResolver(cluster.value).names);
  for (const { e, line: n } of events) if (!checker.event(e, n)) break;
  const r = checker.summary().rejections[0];
  return r === undefined ? null : `${r.line} ${r.rule}`;
}

const encoder = new TextEncoder();
/** Bytes that make a file unusual: a BOM, a NUL, a byte that is not UTF-8, blank lines. */
const oddity = fc.constantFrom('none', 'none', 'bom', 'crlf', 'blank', 'nul', 'badbyte', 'cut',
  'nonascii');

/** The header without its non-ASCII value, so that whole chunks can take the ASCII copy. */
const HEADER_ASCII = { ...HEADER, values: ['x', 'y', 'v0', 0, 1, 2, 3] };

function traceBytes(lines: readonly string[], how: string, at: number): Uint8Array {
  const body = [JSON.stringify(at % 2 === 0 ? HEADER_ASCII : HEADER), ...lines];
  if (how === 'blank') body.splice(1 + (at % lines.length), 0, '', '  ');
  if (how === 'nonascii') body.push('{"ev":"send","node":"s1","msg":{"type":"2a","bal":1,' +
    '"val":"ü"}}');
  const text = body.join(how === 'crlf' ? '\r\n' : '\n') + (how === 'cut' ? '' : '\n');
  const bytes = encoder.encode(text);
  const out = how === 'bom' ? new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]) : bytes;
  if (how === 'nul' || how === 'badbyte') {
    const copy = out.slice();
    copy[Math.floor(copy.length / 2) + (at % 7)] = how === 'nul' ? 0 : 0xff;
    return copy;
  }
  return out;
}

describe('reading a whole trace fast', () => {
  it('gives the slow reading\'s events, problem and verdict, for any chunking', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.oneof(line, canonical.map((e) => JSON.stringify(e))), { maxLength: 30 }),
      oddity, fc.nat(50), fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(1 << 20)),
      async (lines, how, at, size) => {
        const bytes = traceBytes(lines, how, at);
        const fast = await read(bytes, size, true);
        const slow = await read(bytes, size, false);
        expect(fast).toEqual(slow);
        expect(verdict(fast.events)).toBe(verdict(slow.events));
      }), { seed: 12, numRuns: 600 });
  });
});

describe('reading a chunk larger than the text pieces', () => {
  it('reports a NUL byte in the second half before reading any line of the chunk', async () => {
    const one = '{"ev":"send","node":"s1","msg":{"type":"1a","bal":1}}';
    const header = JSON.stringify(HEADER_ASCII);
    const bytes = encoder.encode(`${[header, ...Array.from({ length: 20_000 }, () => one)]
      .join('\n')}\n`);
    bytes[bytes.length - 100] = 0;
    const fast = await read(bytes, bytes.length, true);
    expect(fast).toEqual(await read(bytes, bytes.length, false));
    expect(fast.events).toEqual([]);
    expect(fast.outcome.kind).toBe('problem');
  });
});
