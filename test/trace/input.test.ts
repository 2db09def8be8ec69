/**
 * Bad input (issue 4, section 6): each kind of broken trace gets a problem that names the line
 * and the field, never an exception; through the CLI that is one line on stdout, exit 2, and no
 * stack trace. Each row is one sentence: the input, then the line and field it must name.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { bufferIo } from '../../src/cli/io.js';
import { limits } from '../../src/format/trace.js';
import { checkTrace } from '../../src/trace/run.js';
import { chunksOf, header3, lines } from './helpers.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const H = JSON.stringify(header3);
const send1a = '{"ev":"send","node":"s1","msg":{"type":"1a","bal":1}}';

interface Row { readonly name: string; readonly text: string | Uint8Array; readonly line: number;
  readonly field: string | null; readonly says: RegExp }

const rows: Row[] = [
  { name: 'an empty file', text: '', line: 1, field: null, says: /empty/ },
  { name: 'a file of blank lines', text: '\n\n  \n', line: 3, field: null, says: /empty/ },
  { name: 'a binary file (NUL bytes)', text: new Uint8Array([0x7b, 0, 1, 2, 10]), line: 1,
    field: null, says: /binary/ },
  { name: 'bytes that are not UTF-8', text: new Uint8Array([...new TextEncoder().encode(`${H}\n`),
    0xff, 0xfe, 10]), line: 2, field: null, says: /UTF-8/ },
  { name: 'malformed JSON', text: `${H}\n{"ev":"send",\n`, line: 2, field: null,
    says: /not valid JSON/ },
  { name: 'a truncated last line', text: `${H}\n${send1a}\n{"ev":"send","node":"s1","ms`, line: 3,
    field: null, says: /truncated/ },
  { name: 'an over-long line', text: `${H}\n${'x'.repeat(limits.lineBytesMax + 10)}\n`, line: 2,
    field: null, says: /longer than/ },
  { name: 'an over-long line with no newline at all',
    text: `${H}\n${'x'.repeat(3 * limits.lineBytesMax)}`, line: 2, field: null,
      says: /longer than/ },
  { name: 'a first line that is not a header', text: `${send1a}\n`, line: 1, field: 'format',
    says: /header/ },
  { name: 'another version',
    text: '{"format":"synod.trace","version":3,"cluster":{"acceptors":["a"]}}\n', line: 1,
      field: 'version', says: /versions 1 and 2/ },
  { name: 'a header without acceptors', text: '{"format":"synod.trace","version":1,"cluster":{}}\n',
    line: 1, field: 'cluster.acceptors', says: /missing/ },
  { name: 'an acceptor listed twice',
    text: '{"format":"synod.trace","version":1,"cluster":{"acceptors":["a","a"]}}\n', line: 1,
      field: 'cluster.acceptors[1]', says: /twice/ },
  { name: 'quorums that do not intersect',
    text: '{"format":"synod.trace","version":1,"cluster":{"acceptors":["a","b","c","d"],"quorums":[["a","b"],["c","d"]]}}\n', line: 1, field: 'cluster.quorums', says: /do not intersect/ },
  { name: 'a quorum naming an unknown acceptor',
    text: '{"format":"synod.trace","version":1,"cluster":{"acceptors":["a","b"],"quorums":[["a","z"]]}}\n', line: 1, field: 'cluster.quorums[0][1]', says: /not an acceptor/ },
  { name: 'an event that is not an object', text: `${H}\n[1,2]\n`, line: 2, field: null,
    says: /JSON object/ },
  { name: 'an event without ev', text: `${H}\n{"node":"s1"}\n`, line: 2, field: 'ev',
    says: /missing/ },
  { name: 'an unknown event type', text: `${H}\n{"ev":"vote","node":"s1"}\n`, line: 2, field: 'ev',
    says: /unknown event type "vote"/ },
  { name: 'an unknown message type', text: `${H}\n{"ev":"send","node":"s1","msg":{"type":"3a"}}\n`,
    line: 2, field: 'msg.type', says: /unknown message type/ },
  { name: 'a missing field', text: `${H}\n{"ev":"send","node":"s1","msg":{"type":"2a","bal":1}}\n`,
    line: 2, field: 'msg.val', says: /missing/ },
  { name: 'a mistyped field',
    text: `${H}\n{"ev":"send","node":"s1","msg":{"type":"1a","bal":"one"}}\n`, line: 2,
      field: 'msg.bal', says: /expected a ballot/ },
  { name: 'a negative ballot',
    text: `${H}\n{"ev":"send","node":"s1","msg":{"type":"1a","bal":-3}}\n`, line: 2,
      field: 'msg.bal', says: /got -3/ },
  { name: 'a ballot beyond 2^53',
    text: `${H}\n{"ev":"send","node":"s1","msg":{"type":"1a","bal":9007199254740993}}\n`, line: 2,
      field: 'msg.bal', says: /expected a ballot/ },
  { name: 'a fractional ballot',
    text: `${H}\n{"ev":"send","node":"s1","msg":{"type":"1a","bal":1.5}}\n`, line: 2,
      field: 'msg.bal', says: /expected a ballot/ },
  { name: 'an unknown acceptor in an event',
    text: `${H}\n{"ev":"send","node":"s9","msg":{"type":"2b","acc":"s9","bal":1,"val":"x"}}\n`,
      line: 2, field: 'msg.acc', says: /'s9' is not an acceptor/ },
  { name: 'a persist by a non-acceptor', text: `${H}\n{"ev":"persist","node":"p1","maxBal":1}\n`,
    line: 2, field: 'node', says: /not an acceptor/ },
  { name: 'an unknown proposer in a ballot pair',
    text: `${H}\n{"ev":"send","node":"s1","msg":{"type":"1a","bal":[1,"p7"]}}\n`, line: 2,
      field: 'msg.bal[1]', says: /not a proposer/ },
  { name: 'a vote without a value',
    text: `${H}\n{"ev":"send","node":"s1","msg":{"type":"1b","acc":"s1","bal":2,"mbal":1}}\n`,
      line: 2, field: 'msg.mval', says: /value voted for/ },
  { name: 'a value outside the header\'s values',
    text: `${JSON.stringify({ ...header3, values: ['x'] })}\n{"ev":"send","node":"s1","msg":{"type":"2a","bal":1,"val":"y"}}\n`, line: 2, field: 'msg.val', says: /not one of the header's values/ },
  { name: 'a slot other than 0',
    text: `${H}\n{"ev":"send","node":"s1","msg":{"type":"1a","bal":1,"slot":3}}\n`, line: 2,
      field: 'msg.slot', says: /slot 0/ },
  { name: 'an empty node name', text: `${H}\n{"ev":"crash","node":""}\n`, line: 2, field: 'node',
    says: /non-empty/ },
];

describe('the reader on bad input', () => {
  for (const row of rows) {
    it(`names line ${row.line}${row.field === null ? '' : ` and field ${row.field}`} for ${row.name}`, async () => {
      const r = await checkTrace(chunksOf(row.text, 5));
      expect(r.verdict).toBe('unreadable');
      expect(r.problem?.line).toBe(row.line);
      expect(r.problem?.field).toBe(row.field);
      expect(r.problem?.message).toMatch(row.says);
    });
  }

  it('accepts unknown fields and extension messages', async () => {
    const text = lines(header3, { ev: 'send', node: 's1', msg: { type: '1a', bal: 1,
      why: 'timeout' }, debug: 7 },
      { ev: 'send', node: 's1', msg: { type: 'x-heartbeat', term: 3 } });
    expect((await checkTrace(chunksOf(text))).verdict).toBe('accepted');
  });
});

describe('synod trace check on bad input', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'synod-trace-'));
  const bad = path.join(dir, 'bad.jsonl');
  writeFileSync(bad, `${H}\n{"ev":"send","node":"s1","msg":{"type":"1a","bal":"one"}}\n`);

  it('prints file, line and field, and exits 2 without a stack trace', async () => {
    const io = bufferIo();
    expect(await main(['trace', 'check', bad], io)).toBe(2);
    expect(io.stdout()).toContain(`${bad}:2: msg.bal: expected a ballot`);
    expect(io.stdout() + io.stderr()).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('refuses a path that does not exist, naming it', async () => {
    const io = bufferIo();
    expect(await main(['trace', 'check', path.join(dir, 'nope.jsonl')], io)).toBe(2);
    expect(io.stderr()).toContain('nope.jsonl: no such file');
  });

  it('refuses a bad --budget, naming the flag', async () => {
    const io = bufferIo();
    expect(await main(['trace', 'check', '--budget', 'lots', bad], io)).toBe(2);
    expect(io.stderr()).toContain('--budget');
  });
});
