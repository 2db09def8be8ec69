/**
 * `synod history check` and `synod history schema` from the outside: the exit codes (0
 * linearizable, 1 not, 2 bad usage or input naming the file, line and field, 3 unknown), the
 * JSON verdict, each input format, and fuzzed input: whatever the bytes, the command ends in
 * exit 0, 1, 2 or 3 with a message, never a crash. The fuzzing seed is printed (and taken from
 * SYNOD_FC_SEED when set) so a failure replays.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historySchema } from '../../src/history/schema.js';
import { valid } from '../format/json-schema.js';
import { synod } from '../synod.js';

const dir = mkdtempSync(path.join(tmpdir(), 'synod-history-'));
const write = (name: string, text: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const EXAMPLES = 'docs/examples/history';
const PORCUPINE = 'test/history/testdata/porcupine';

describe('synod history check: exit codes', () => {
  it('exits 0 on a linearizable history, the model taken from its header', async () => {
    const r = await synod('history', 'check', `${EXAMPLES}/register-ok.jsonl`);
    expect([r.code, r.out]).toEqual([0, `${EXAMPLES}/register-ok.jsonl: linearizable ` +
      '(cas-register, 5 calls read as synod, 5 search steps)\n']);
  });

  it('exits 1 on one that is not, with the longest prefix and the call that cannot follow',
    async () => {
      const r = await synod('history', 'check', `${EXAMPLES}/register-bad.jsonl`);
      expect(r.code).toBe(1);
      expect(r.out).toContain('Longest linearizable prefix found (4 operations), leaving ' +
        "state '2':");
      expect(r.out).toContain('#4 1 [12, 13] read() -> 1: its result is not legal there');
    });

  it('exits 1 when any file is not linearizable, 2 when any cannot be read', async () => {
    const ok = `${EXAMPLES}/register-ok.jsonl`;
    const bad = `${EXAMPLES}/register-bad.jsonl`;
    expect((await synod('history', 'check', ok, bad)).code).toBe(1);
    const missing = path.join(dir, 'missing.jsonl');
    const r = await synod('history', 'check', ok, bad, missing);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`${missing}: cannot read the file: ENOENT`);
  });

  it('exits 3 when the budget runs out first, naming the key', async () => {
    const r = await synod('history', 'check', '--model', 'cas-register', '--budget', '10',
      `${PORCUPINE}/etcd_067.log`);
    expect(r.code).toBe(3);
    expect(r.out).toContain('unknown (cas-register, 78 calls read as jepsen-log, 10 search steps)');
    expect(r.out).toContain('the search ran out of its budget of 10 steps per key on key(s) ' +
      '"register" before a verdict');
  });

  it('prints one JSON object, format synod.history/v1, with lines for the failure', async () => {
    const r = await synod('history', 'check', '--json', `${EXAMPLES}/register-bad.jsonl`);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.out) as Record<string, unknown>;
    expect(out).toMatchObject({ format: 'synod.history/v1', verdict: 'not-linearizable' });
    expect((out['files'] as unknown[])[0]).toMatchObject({ format: 'synod', model:
      'cas-register', calls: 5, verdict: 'not-linearizable', key: 'register', prefix: [2, 3, 6,
      8], state: '2', unplaced: [12], deadline: 12 });
  });

  it('reports unknown in JSON with the budget', async () => {
    const r = await synod('history', 'check', '--json', '--model', 'cas-register', '--budget',
      '10', `${PORCUPINE}/etcd_067.log`);
    expect(JSON.parse(r.out)).toMatchObject({ verdict: 'unknown', files: [{ verdict: 'unknown',
      reason: 'budget-exhausted', keys: ['register'], budget: 10 }] });
  });
});

describe('synod history check: each format, detected or named', () => {
  const cases: [string, string, string, number][] = [
    ['synod', `${EXAMPLES}/register-ok.jsonl`, 'cas-register', 0],
    ['edn', `${EXAMPLES}/kv-bad.edn`, 'kv', 1],
    ['edn', `${PORCUPINE}/c01-ok.txt`, 'kv', 0],
    ['jepsen-log', `${PORCUPINE}/etcd_097.log`, 'cas-register', 1],
  ];
  for (const [format, file, model, code] of cases) {
    it(`reads ${path.basename(file)} as ${format}`, async () => {
      for (const named of [[], ['--format', format]]) {
        const r = await synod('history', 'check', '--json', '--model', model, ...named, file);
        expect(r.code).toBe(code);
        expect(JSON.parse(r.out)).toMatchObject({ files: [{ format }] });
      }
    });
  }

  it('refuses a file in another format than --format names, at its first line', async () => {
    const r = await synod('history', 'check', '--model', 'kv', '--format', 'synod',
      `${EXAMPLES}/kv-bad.edn`);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/kv-bad\.edn:1: this line is not valid JSON/);
  });
});

describe('synod history check: the setvarx and multipaxos-kv models', () => {
  const jsonl = (model: string, events: object[]): string => [{ format: 'synod.history',
    version: 1, model }, ...events].map((e) => JSON.stringify(e)).join('\n');
  const call = (p: number, f: string, arg: unknown, type: string, out: unknown): object[] => [
    { process: p, type: 'invoke', f, key: 'k', value: arg },
    { process: p, type, f, key: 'k', value: out }];

  it('setvarx: two overlapping sets both return the value chosen, or one is wrong', async () => {
    const events = (second: string): object[] => [
      { process: 'A', type: 'invoke', f: 'set', value: 'a' },
      { process: 'B', type: 'invoke', f: 'set', value: 'b' },
      { process: 'A', type: 'ok', f: 'set', value: 'a' },
      { process: 'B', type: 'ok', f: 'set', value: second }];
    expect((await synod('history', 'check', write('set-ok.jsonl', jsonl('setvarx',
      events('a'))))).code).toBe(0);
    const r = await synod('history', 'check', write('set-bad.jsonl', jsonl('setvarx',
      events('b'))));
    expect(r.code).toBe(1);
    expect(r.out).toContain("write-once register (SetVarX/GetVarX): the operations on key 'X'");
  });

  it('multipaxos-kv: outputs are the machine\'s, a failed cas reports what it found',
    async () => {
      const events = (found: string): object[] => [...call(0, 'put', 'a', 'ok', null),
        ...call(1, 'cas', ['b', 'c'], 'fail', found), ...call(0, 'append', 'x', 'ok', 'ax')];
      expect((await synod('history', 'check', write('mp-ok.jsonl', jsonl('multipaxos-kv',
        events('a'))))).code).toBe(0);
      const r = await synod('history', 'check', write('mp-bad.jsonl', jsonl('multipaxos-kv',
        events('b'))));
      expect(r.code).toBe(1);
      expect(r.out).toContain('cas(k, "b", "c") -> failed "b": its result is not legal there');
    });
});

describe('synod history check: :info is possibly applied', () => {
  const edn = (last: string): string => [
    '{:process 0, :type :invoke, :f :write, :value 1}',
    '{:process 0, :type :info, :f :write, :value 1}',
    '{:process 1, :type :invoke, :f :read, :value nil}',
    `{:process 1, :type :ok, :f :read, :value ${last}}`,
    '{:process 1, :type :invoke, :f :read, :value nil}',
    '{:process 1, :type :ok, :f :read, :value nil}',
  ].join('\n');

  it('as not yet applied: a read may miss it', async () => {
    expect((await synod('history', 'check', '--model', 'register',
      write('info-nil.edn', edn('nil')))).code).toBe(0);
  });

  it('as applied: a read may see it, but then a later read cannot miss it', async () => {
    const r = await synod('history', 'check', '--model', 'register', write('info-1.edn',
      edn('1')));
    expect(r.code).toBe(1);
    expect(r.out).toContain('read() -> nil: its result is not legal there');
  });
});

describe('synod history check: bad usage and input (exit 2)', () => {
  const cases: [string[], RegExp][] = [
    [[], /give at least one history file/],
    [['--model', 'bank', 'x'],
      /--model must be one of register, cas-register, kv, setvarx, multipaxos-kv, got 'bank'/],
    [['--format', 'csv', 'x'], /--format must be one of synod, edn, jepsen-log/],
    [['--budget', '0', 'x'], /--budget must be between 1 and/],
    [['--timeout', '0', 'x'], /--timeout must be between 1 and/],
  ];
  for (const [args, message] of cases) {
    it(`refuses ${args.join(' ') || 'no file'}`, async () => {
      const r = await synod('history', 'check', ...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    });
  }

  it('asks for a model when neither --model nor a header names one', async () => {
    const r = await synod('history', 'check', `${EXAMPLES}/kv-bad.edn`);
    expect(r.code).toBe(2);
    expect(r.out).toContain('kv-bad.edn: no model: name one with --model');
  });

  it('names the file, line and field of an event that does not fit the model', async () => {
    const r = await synod('history', 'check', '--model', 'setvarx', `${EXAMPLES}/kv-bad.edn`);
    expect(r.code).toBe(2);
    expect(r.out).toBe(`${EXAMPLES}/kv-bad.edn:1: f: the setvarx model has no function 'put' ` +
      '(it has set, get)\n');
  });

  it('refuses an unknown subcommand', async () => {
    const r = await synod('history', 'verify');
    expect([r.code, r.err]).toEqual([2, "synod history: unknown subcommand 'verify' (expected " +
      'check or schema)\n']);
  });
});

describe('synod history schema', () => {
  it('prints the schema shipped in docs/schema, which the codecs generate today', async () => {
    const r = await synod('history', 'schema');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(historySchema());
    expect(JSON.parse(readFileSync('docs/schema/synod-history-v1.schema.json', 'utf8')))
      .toEqual(historySchema());
  });

  it('describes every line of the example histories, and refuses a line the codecs refuse',
    () => {
      const schema = historySchema();
      for (const f of ['register-ok.jsonl', 'register-bad.jsonl']) {
        for (const line of readFileSync(`${EXAMPLES}/${f}`, 'utf8').trim().split('\n')) {
          expect({ line, ok: valid(schema, JSON.parse(line), schema) }).toEqual({ line,
            ok: true });
        }
      }
      expect(valid(schema, { process: 0, type: 'done', f: 'read' }, schema)).toBe(false);
      expect(valid(schema, { process: 0, type: 'ok' }, schema)).toBe(false);
    });
});

const FC_SEED = Number(process.env['SYNOD_FC_SEED'] ?? 20261202);

describe('synod history check: fuzzed input', () => {
  /** Histories to mutate, each with the model it is for. */
  const seeds: [string, string][] = [
    [readFileSync(`${EXAMPLES}/register-bad.jsonl`, 'utf8'), 'cas-register'],
    [readFileSync(`${EXAMPLES}/kv-bad.edn`, 'utf8'), 'kv'],
    [readFileSync(`${PORCUPINE}/etcd_097.log`, 'utf8').split('\n').slice(0, 30).join('\n'),
      'cas-register'],
  ];
  const models = ['register', 'cas-register', 'kv', 'setvarx', 'multipaxos-kv'];
  /**
   * A seed with a few edits (characters replaced, inserted or cut, lines swapped or dropped,
   * digits changed), checked with its own model or, one time in four, another.
   */
  const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(
    fc.nat(), fc.constantFrom('replace', 'insert', 'cut', 'swap', 'drop', 'digit'),
    fc.constantFrom('{', '}', '[', ']', '"', ':', ' ', '\n', 'nil', '-1', ':info', ':ok', '#{',
      '1e999', '\\', ',', '\u0000', 'x'.repeat(200))), { minLength: 1, maxLength: 4 }),
  fc.option(fc.constantFrom(...models), { freq: 3 }))
    .map(([[text, own], edits, other]) => ({ model: other ?? own,
      text: edits.reduce((t, [at, kind, s]) => edit(t, at, kind, s), text) }));

  it('ends in exit 0, 1, 2 or 3 with a message, never a crash', async () => {
    console.log(`fast-check seed ${FC_SEED} (set SYNOD_FC_SEED to replay another)`);
    let n = 0;
    const codes = [0, 0, 0, 0];
    await fc.assert(fc.asyncProperty(mutated, async ({ model, text }) => {
      const file = write(`fuzz-${n++ % 8}.txt`, text);
      const r = await synod('history', 'check', '--model', model, '--budget', '100000', file);
      expect([0, 1, 2, 3]).toContain(r.code);
      codes[r.code] = (codes[r.code] as number) + 1;
      expect(r.out.length).toBeGreaterThan(0);
      expect(`${r.out}${r.err}`).not.toMatch(/\n\s+at .*:\d+:\d+/);
    }), { seed: FC_SEED, numRuns: 300 });
    // Not only refusals: mutated histories that still parse reach the search, both ways.
    expect(codes[0]).toBeGreaterThan(5);
    expect(codes[1]).toBeGreaterThan(5);
  }, 60_000);
});

function edit(text: string, at: number, kind: string, s: string): string {
  const i = text.length === 0 ? 0 : at % text.length;
  const lines = text.split('\n');
  const j = lines.length === 0 ? 0 : at % lines.length;
  switch (kind) {
    case 'replace': return text.slice(0, i) + s + text.slice(i + 1);
    case 'insert': return text.slice(0, i) + s + text.slice(i);
    case 'cut': return text.slice(0, i);
    case 'digit': return text.replace(/\d/g, (d, k: number) => (k === i ? String((Number(d) +
      1) % 10) : d));
    case 'swap': return [...lines.slice(0, j), ...lines.slice(j + 1, j + 2), lines[j],
      ...lines.slice(j + 2)].filter((l) => l !== undefined).join('\n');
    default: return [...lines.slice(0, j), ...lines.slice(j + 1)].join('\n');
  }
}
