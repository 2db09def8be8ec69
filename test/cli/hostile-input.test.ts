/**
 * Hostile input to `synod trace check` (issue 7, section 6): values nested thousands deep, file
 * system errors met while walking a directory, devices and pipes, ITF functions with a key
 * twice, numbers out of range. Each must end in exit 2 naming the file and field (or a verdict
 * with exit 0/1 for the other files), never in a stack overflow or exit 70, never in a hang.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBounded } from '../../src/cli/files.js';
import { showJson, tooDeep } from '../../src/format/json.js';
import { header3, lines } from '../trace/helpers.js';
import { synod } from '../synod.js';

const dir = mkdtempSync(path.join(tmpdir(), 'synod-hostile-'));
const write = (name: string, text: string): string => {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};
const H = JSON.stringify(header3);
const nest = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('a value nested 5,000 deep (a 10 KB line)', () => {
  const cases: [string, string, string[], RegExp][] = [
    ['a trace field', `${H}\n{"ev":"send","node":"s1","msg":{"type":"1a","bal":${nest(5000)}}}\n`,
      [], /deep-0\.jsonl:2: msg\.bal\[0\]\[0\]\.\.\.: nests arrays and objects more than 64/],
    ['the event kind', `${H}\n{"ev":${nest(5000)}}\n`, [], /deep-1\.jsonl:2: ev\[0\]/],
    ['a ballot pair', `${H}\n{"ev":"send","node":"s1","msg":{"type":"1a","bal":[1,${
      nest(5000)}]}}\n`, [], /deep-2\.jsonl:2: msg\.bal\[1\]/],
    ['provenance, with --json', `{"format":"synod.trace","version":1,"cluster":{"acceptors":` +
      `["s1"]},"provenance":{"x":${nest(5000)}}}\n`, ['--json'], /"field":"provenance\.x\[0\]/],
  ];
  for (const [i, [where, text, flags, expected]] of cases.entries()) {
    it(`in ${where} is exit 2 naming the field`, async () => {
      const r = await synod('trace', 'check', ...flags, write(`deep-${i}.jsonl`, text));
      expect(r.code).toBe(2);
      expect(r.out).toMatch(expected);
    });
  }

  it('in an ITF value is exit 2 naming the JSON path', async () => {
    const r = await synod('trace', 'check', write('deep.itf.json',
      `{"states":[{"maxBal":${nest(5000)}}]}`));
    expect(r.code).toBe(2);
    expect(r.out).toContain('deep.itf.json:0: $.states[0].maxBal[0]...: nests arrays');
  });

  it('is found and shown without recursion on any depth', () => {
    const deep = JSON.parse(nest(100_000)) as unknown;
    expect(tooDeep(deep)).toBe('[0][0][0][0]...');
    expect(tooDeep({ a: [1, { b: 2 }] })).toBeNull();
    expect(showJson(deep)).toBe('[[[[[...]]]]]');
    expect(showJson(Infinity)).toBe('Infinity (a number out of range)');
  });
});

describe('values the codecs must refuse', () => {
  const cases: [string, string, string][] = [
    ['a ballot pair of three', '{"ev":"send","node":"s1","msg":{"type":"1a","bal":[1,"s1","x"]}}',
      'msg.bal: expected a ballot: a whole number >= 0, or a [round, "proposer"] pair, got ' +
        '[1,"s1","x"]'],
    ['1e400', '{"ev":"send","node":"s1","msg":{"type":"1a","bal":1e400}}',
      'msg.bal: expected a ballot: a whole number >= 0, or a [round, "proposer"] pair, got ' +
        'Infinity (a number out of range)'],
  ];
  for (const [what, line, message] of cases) {
    it(`refuses ${what} with exit 2`, async () => {
      const r = await synod('trace', 'check', write(`refuse-${what.length}.jsonl`,
        `${H}\n${line}\n`));
      expect(r.code).toBe(2);
      expect(r.out).toContain(`:2: ${message}`);
    });
  }

  const itfState = (keys: unknown[]) => ({
    maxBal: { '#map': keys.map((k) => [k, -1]) }, maxVBal: { '#map': keys.map((k) => [k, -1]) },
    maxVal: { '#map': keys.map((k) => [k, null]) }, msgs: { '#set': [] },
  });
  for (const keys of [['a', 'a'], [1, '1'], ['a', 'b']]) {
    it(`refuses an ITF #map with keys ${JSON.stringify(keys)} naming one acceptor twice`,
      async () => {
        const states = keys[1] === 'b' ? [itfState(['a', 'b']), itfState(['a', 'a'])]
          : [itfState(keys)];
        const r = await synod('trace', 'check', write(`dup-${keys.join('')}.itf.json`,
          JSON.stringify({ states })));
        expect(r.code).toBe(2);
        expect(r.out).toMatch(/\.maxBal\[1\]\[0\]: names acceptor \S+ twice/);
      });
  }

  it('prints a chosen value once quoted in the JSON verdict', async () => {
    const r = await synod('trace', 'check', '--json', 'traces/valid/basic-majority.jsonl');
    expect(r.out).toContain('"chosen":[{"value":"x","ballot":1,"line":11}]');
  });

  it('gives the chosen ballot in the JSON verdict as the trace logged it', async () => {
    const r = await synod('trace', 'check', '--json',
      'traces/valid/ballot-pairs-and-aliases.jsonl');
    const chosen = (JSON.parse(r.out) as { files: { chosen: { ballot: unknown }[] }[] })
      .files[0]!.chosen;
    expect(chosen.length).toBeGreaterThan(0);
    for (const c of chosen) expect(c.ballot).toEqual([expect.any(Number), expect.any(String)]);
  });
});

describe('file system errors while walking a directory', () => {
  const tree = path.join(dir, 'tree');
  const ok = write('tree/a/ok.jsonl', lines(header3,
    { ev: 'send', node: 's1', msg: { type: '1a', bal: 1 } }));
  write('tree/a/bad.jsonl', lines(header3, { ev: 'recv', node: 's1',
    msg: { type: '1a', bal: 1 } }));
  symlinkSync('nowhere', path.join(tree, 'dangling.jsonl'));
  symlinkSync('loop.itf.json', path.join(tree, 'loop.itf.json'));
  symlinkSync('/dev/zero', path.join(tree, 'zero.itf.json'));
  symlinkSync('a', path.join(tree, 'linked.jsonl'));
  execFileSync('mkfifo', [path.join(tree, 'fifo.jsonl')]);
  mkdirSync(path.join(tree, 'z', ...Array.from({ length: 70 }, () => 'd')), { recursive: true });

  it('reports each bad file against itself and keeps the other verdicts (exit 2)', async () => {
    const r = await synod('trace', 'check', tree);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`${ok}: accepted`);
    expect(r.out).toMatch(/a\/bad\.jsonl:2: rejected/);
    expect(r.out).toMatch(/dangling\.jsonl:0: cannot read the file: ENOENT/);
    expect(r.out).toMatch(/loop\.itf\.json:0: cannot read the file: ELOOP/);
    expect(r.out).toMatch(/zero\.itf\.json:0: not a regular file but a device/);
    expect(r.out).toMatch(/fifo\.jsonl:0: not a regular file but a named pipe/);
    expect(r.out).toMatch(/linked\.jsonl:0: not a regular file but a directory/);
    expect(r.out).toMatch(/\/d:0: directories nest more than 64 deep here/);
    expect(r.out).toMatch(/\n8 traces: 1 accepted, 1 rejected, 6 unreadable\n$/);
  });

  it.skipIf(process.getuid?.() === 0)('reports a directory it cannot list, deep in a walk',
    async () => {
      const locked = path.join(dir, 'locked', 'a', 'b');
      mkdirSync(locked, { recursive: true });
      write('locked/ok.jsonl', lines(header3));
      chmodSync(locked, 0o000);
      const r = await synod('trace', 'check', path.join(dir, 'locked'));
      chmodSync(locked, 0o755);
      expect(r.code).toBe(2);
      expect(r.out).toMatch(/b:0: cannot list the directory: EACCES/);
      expect(r.out).toContain('ok.jsonl: accepted');
    });

  it('reads a device named on the command line as .itf.json and stops at its first NUL',
    async () => {
      const r = await synod('trace', 'check', path.join(tree, 'zero.itf.json'));
      expect(r.code).toBe(2);
      expect(r.out).toContain('zero.itf.json:0: has a NUL byte');
    });

  it('refuses a file read whole past its limit', async () => {
    const file = write('big.itf.json', ' '.repeat(5000));
    await expect(readBounded(file, 4096)).rejects.toThrow('larger than 4096 bytes');
  });
});

describe('a trace from a named pipe', () => {
  it('is rejected with its excerpt, without opening the pipe again (no hang)', async () => {
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `cat traces/invalid/r1-vote-below-promise.jsonl > ${fifo}`]);
    const r = await synod('trace', 'check', fifo);
    writer.kill();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/> 9 \| \{"ev":"send","node":"s2","msg":\{"type":"2b"/);
  }, 10_000);
});
