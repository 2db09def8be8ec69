/**
 * Reading history files: the EDN subset (src/history/edn.ts), format detection and the three
 * readers (src/history/read.ts), and pairing events into calls per model
 * (src/history/catalog.ts): `:fail` drops a call except a cas's, `:info` leaves it pending.
 */
import { describe, expect, it } from 'vitest';
import { adapterOf, callsOf } from '../../src/history/catalog.js';
import { EdnError, EdnMap, ednToJson, Keyword, readForms } from '../../src/history/edn.js';
import { HistoryInputError, readHistory, type HistoryFormat } from '../../src/history/read.js';

describe('the EDN subset', () => {
  const table: [string, unknown][] = [
    ['nil true false', [null, true, false]],
    ['0 -12 1.5 -2.0e3', [0, -12, 1.5, -2000]],
    ['"a \\"q\\" \\\\ \\n"', ['a "q" \\ \n']],
    [':invoke :timed-out :jepsen/op', [{ keyword: 'invoke' }, { keyword: 'timed-out' },
      { keyword: 'jepsen/op' }]],
    ['[3 0] (1, 2) []', [[3, 0], [1, 2], []]],
    ['{:a 1, :b [nil]} ; a comment', [{ a: 1, b: [null] }]],
  ];
  for (const [text, json] of table) {
    it(`reads ${text}`, () => expect(readForms(text).map(ednToJson)).toEqual(json));
  }

  it('keeps keywords apart from strings and maps in order', () => {
    const [m] = readForms('{:f :read, :value "read"}');
    expect(m).toBeInstanceOf(EdnMap);
    const entries = (m as EdnMap).entries;
    expect([...entries.keys()]).toEqual(['f', 'value']);
    expect(entries.get('f')).toEqual(new Keyword('read'));
    expect(entries.get('value')).toBe('read');
  });

  const refused: [string, RegExp][] = [
    ['#{1 2}', /sets .* not part of the EDN this reads/],
    ['#inst "2020"', /tagged literals/],
    ['\\a', /not nil, true, false/],
    ['foo', /symbols/],
    ['1/2', /ratios/],
    ['1N', /big numbers/],
    ['99999999999999999999', /too large to be read exactly/],
    ['"open', /never closed/],
    ['"\\x"', /unknown escape/],
    ['[1 2', /never closed/],
    ['1]', /closes nothing/],
    ['{:a}', /a value for every key/],
    ['{"a" 1}', /map keys must be keywords/],
    ['{:a 1 :a 2}', /appears twice/],
    [`${'['.repeat(65)}${']'.repeat(65)}`, /more than 64 levels/],
  ];
  for (const [text, message] of refused) {
    it(`refuses ${text.slice(0, 20)}, naming the column`, () => {
      expect(() => readForms(text)).toThrow(message);
      try {
        readForms(text);
      } catch (e) {
        expect(e).toBeInstanceOf(EdnError);
        expect((e as EdnError).column).toBeGreaterThan(0);
      }
    });
  }
});

const SYNOD = '{"format":"synod.history","version":1,"model":"register"}\n' +
  '{"process":0,"type":"invoke","f":"write","value":1}\n' +
  '{"process":0,"type":"ok","f":"write","value":1}\n';
const EDN = '{:process 0, :type :invoke, :f :write, :value 1}\n' +
  '{:process 0, :type :ok, :f :write, :value 1}\n';
const LOG = 'INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t1\n';

describe('reading a history', () => {
  const formats: [HistoryFormat, string][] = [['synod', SYNOD], ['edn', EDN],
    ['jepsen-log', LOG]];
  for (const [format, text] of formats) {
    it(`detects ${format} and reads the same two events`, () => {
      const h = readHistory(text, null);
      expect(h.format).toBe(format);
      expect(h.events.map((e) => [e.process, e.type, e.f, e.key, e.value]))
        .toEqual([['0', 'invoke', 'write', null, 1], ['0', 'ok', 'write', null, 1]]);
    });
  }

  it('reads the header\'s model', () => expect(readHistory(SYNOD, null).model).toBe('register'));

  it('skips the nemesis and other loggers\' lines', () => {
    const edn = `{:process :nemesis, :type :info, :f :start, :value nil}\n${EDN}`;
    expect(readHistory(edn, null).events).toHaveLength(2);
    const log = `INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n${LOG}` +
      'INFO  jepsen.core - Run complete\n';
    expect(readHistory(log, 'jepsen-log').events).toHaveLength(2);
  });

  const bad: [string, HistoryFormat | null, number, string | null, RegExp][] = [
    ['\n ; only a comment\n', null, 0, null, /no events/],
    ['hello\n', null, 1, null, /cannot tell the format.*--format/],
    ['{"format":"synod.trace","version":1}\n', null, 1, 'format', /synod.history/],
    ['{"format":"synod.history","version":2}\n', null, 1, 'version', /version 1, got 2/],
    [`${SYNOD}{"process":0,"type":"done","f":"read"}\n`, null, 4, 'type',
      /one of "invoke", "ok", "fail", "info"/],
    [`${SYNOD}{"process":0,"type":"ok"}\n`, null, 4, 'f', /is missing/],
    [`${SYNOD}{"process":-0.5,"type":"ok","f":"read"}\n`, null, 4, 'process', /a process/],
    [`${SYNOD}{"process":0,"type":"ok","f":"read"`, null, 4, null, /truncated/],
    [`${SYNOD}[1]\n{}\n`, null, 4, null, /expected a JSON object/],
    ['{:process 0, :type :begin, :f :read}\n', null, 1, ':type', /:invoke, :ok, :fail or :info/],
    ['{:process "p", :type :ok, :f :read}\n', null, 1, ':process', /a process number/],
    ['{:process 0, :type :ok, :f "read"}\n', null, 1, ':f', /a keyword/],
    ['{:process 0, :type :ok, :f :read, :key [1]}\n', null, 1, ':key', /string or an integer/],
    ['{:process 0, :type :ok, :f :read} {}\n', null, 1, null, /one operation map/],
    ['{:process 0, :type :ok, :f #{1}}\n', null, 1, 'column 28', /sets/],
    ['INFO  jepsen.util - 0 :invoke :read\n', null, 1, null, /got 3 item/],
  ];
  for (const [text, format, line, field, message] of bad) {
    it(`refuses ${JSON.stringify(text.split('\n').at(-2) ?? text).slice(0, 50)}`, () => {
      let error: unknown = null;
      try {
        readHistory(text, format);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(HistoryInputError);
      const e = error as HistoryInputError;
      expect([e.line, e.field]).toEqual([line, field]);
      expect(e.message).toMatch(message);
    });
  }
});

/** The calls of an EDN history for `model`, as [process, call, ret, output] rows. */
function calls(model: Parameters<typeof adapterOf>[0], edn: string): unknown[] {
  const { ops } = callsOf(readHistory(edn, 'edn').events, adapterOf(model));
  return ops.map((op) => [op.client, op.call, op.ret, op.output]);
}

const op = (p: number, type: string, f: string, value: string): string =>
  `{:process ${p}, :type :${type}, :f :${f}, :value ${value}}\n`;

describe('pairing events into calls', () => {
  it('times are the lines; a read returns its value', () => {
    expect(calls('register', op(0, 'invoke', 'read', 'nil') + op(1, 'invoke', 'write', '2') +
      op(0, 'ok', 'read', '2') + op(1, 'ok', 'write', '2'))).toEqual([
      ['0', 1, 3, { value: 2, ok: true }], ['1', 2, 4, { value: null, ok: true }]]);
  });

  it(':info leaves the call pending (never returns), and the process may call again', () => {
    expect(calls('register', op(0, 'invoke', 'write', '1') + op(0, 'info', 'write',
      ':timed-out') + op(0, 'invoke', 'read', 'nil'))).toEqual([['0', 1, null, null],
      ['0', 3, null, null]]);
  });

  it(':fail leaves a read or write out, but keeps a cas as a compare that failed', () => {
    expect(calls('cas-register', op(0, 'invoke', 'write', '1') + op(0, 'fail', 'write', '1') +
      op(0, 'invoke', 'cas', '[1 2]') + op(0, 'fail', 'cas', '[1 2]'))).toEqual([
      ['0', 3, 4, { value: null, ok: false }]]);
  });

  it('kv reads nil as "" and multipaxos-kv reports a failed call\'s value', () => {
    const kv = '{:process 0, :type :invoke, :f :get, :key "k", :value nil}\n' +
      '{:process 0, :type :ok, :f :get, :key "k", :value nil}\n';
    expect(calls('kv', kv)).toEqual([['0', 1, 2, { value: '' }]]);
    const mp = '{:process 0, :type :invoke, :f :cas, :key "k", :value [nil "b"]}\n' +
      '{:process 0, :type :fail, :f :cas, :key "k", :value "a"}\n';
    expect(calls('multipaxos-kv', mp)).toEqual([['0', 1, 2, { ok: false, value: 'a' }]]);
  });

  const bad: [Parameters<typeof adapterOf>[0], string, number, string, RegExp][] = [
    ['register', op(0, 'invoke', 'cas', '[1 2]'), 1, 'f', /no function 'cas'.*read, write/],
    ['register', op(0, 'invoke', 'write', 'nil'), 1, 'value', /value written.*got null/],
    ['cas-register', op(0, 'invoke', 'cas', '[1]'), 1, 'value', /\[expected, new\]/],
    ['cas-register', op(0, 'invoke', 'cas', '[[1] 2]'), 1, 'value[0]', /value expected/],
    ['kv', op(0, 'invoke', 'get', 'nil'), 1, 'key', /is missing/],
    ['setvarx', op(0, 'invoke', 'set', '1'), 1, 'value', /a string/],
    ['register', op(0, 'invoke', 'read', 'nil') + op(0, 'invoke', 'read', 'nil'), 2, 'process',
      /pending/],
    ['register', op(0, 'ok', 'read', 'nil'), 1, 'type', /never invoked/],
    ['register', op(0, 'invoke', 'read', 'nil') + op(0, 'ok', 'write', '1'), 2, 'f',
      /completes the 'read' of line 1 as 'write'/],
    ['register', op(0, 'invoke', 'read', 'nil') + op(0, 'ok', 'read', ':x'), 2, 'value',
      /value read.*\{"keyword":"x"\}/],
  ];
  for (const [model, edn, line, field, message] of bad) {
    it(`${model}: refuses ${edn.split('\n').at(-2)!.slice(0, 60)}`, () => {
      let error: unknown = null;
      try {
        calls(model, edn);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(HistoryInputError);
      expect([(error as HistoryInputError).line, (error as HistoryInputError).field])
        .toEqual([line, field]);
      expect((error as Error).message).toMatch(message);
    });
  }
});
