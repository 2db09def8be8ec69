/**
 * Hostile input at every entry point that reads user input without starting servers (issue 7,
 * section 6): random flag vectors for trace check/schema/itf/merge, simulate, history check and
 * check paxos/cluster/reconfig/multipaxos, random JSON as an ITF file, a trace with random lines,
 * deeply nested JSON, directories, a device, a named pipe, standard input, a missing file, and
 * traces with a fresh ballot on every line, fully logged and partial. Every run must end in
 * the CLI contract: exit 0, 1, 2 or 3, no exception out of `main`, no stack trace
 * printed, and within bounded memory and time. Each case runs in a child process
 * (fuzz-child.ts) with a heap limit and a watchdog: a case that hangs or exhausts memory fails
 * the test with its arguments, instead of hanging CI or taking the runner down. Bounds keep each
 * run small (simulate's steps and check's ballots are fixed low, and the fuzzed flags cannot
 * raise them: the fixed ones come last and win); the seed is SYNOD_FC_SEED's (test/fc-seed.ts).
 */
import { fork, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FuzzAnswer, FuzzCase } from './fuzz-child.js';

const dir = mkdtempSync(join(tmpdir(), 'synod-fuzz-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** The child's limits: old-generation heap, resident memory after any case, time per case. */
const HEAP_MIB = 384;
const RSS_MAX_MIB = 768;
const CASE_MS = 60_000;

/**
 * One child process for a batch of cases, fed one case at a time. A case that takes longer than
 * CASE_MS is a hang: the child is killed and the test fails naming the case; so is a child that
 * dies (a heap exhausted past HEAP_MIB ends the process).
 */
class Isolated {
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private stderr = '';
  private pending: { c: FuzzCase; done: (a: FuzzAnswer) => void; fail: (e: Error) => void;
    timer: NodeJS.Timeout } | null = null;
  private dead: string | null = null;

  constructor() {
    this.child = fork(fileURLToPath(new URL('./fuzz-child.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx', `--max-old-space-size=${HEAP_MIB}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr?.on('data', (d: Buffer) => { this.stderr = (this.stderr + d).slice(-2000); });
    this.ready = new Promise((resolve) => {
      this.child.once('message', () => resolve());
    });
    this.child.on('message', (m: FuzzAnswer | { ready: true }) => {
      const p = this.pending;
      if (!('i' in m) || p === null || m.i !== p.c.i) return;
      clearTimeout(p.timer);
      this.pending = null;
      p.done(m);
    });
    this.child.on('exit', (code, signal) => {
      this.dead = `the child exited (code ${code}, signal ${signal}): ${this.stderr}`;
      const p = this.pending;
      if (p === null) return;
      clearTimeout(p.timer);
      this.pending = null;
      p.fail(new Error(`synod ${JSON.stringify(p.c.argv)} crashed: ${this.dead}`));
    });
  }

  async run(argv: readonly string[], i: number): Promise<FuzzAnswer> {
    await this.ready;
    if (this.dead !== null) throw new Error(this.dead);
    return new Promise((done, fail) => {
      const c = { i, argv };
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        fail(new Error(`synod ${JSON.stringify(argv)} hung: no exit within ${CASE_MS} ms`));
      }, CASE_MS);
      this.pending = { c, done, fail, timer };
      this.child.send(c);
    });
  }

  stop(): void {
    this.child.kill();
  }
}

let isolated: Isolated;
let count = 0;
beforeAll(() => { isolated = new Isolated(); });
afterAll(() => isolated.stop());

/** Runs one case in the child and holds it to the contract; returns its exit code. */
async function check(...argv: string[]): Promise<FuzzAnswer> {
  const r = await isolated.run(argv, count++);
  const what = `synod ${JSON.stringify(argv).slice(0, 300)}`;
  if (r.threw !== null) throw new Error(`${what} threw: ${r.threw}`);
  expect([0, 1, 2, 3], what).toContain(r.code);
  expect(`${r.out}${r.err}`, what).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  expect(r.rssMiB, `${what}: resident memory`).toBeLessThan(RSS_MAX_MIB);
  return r;
}

const hostileValue = fc.oneof(
  fc.constantFrom('', ' 3 ', '+3', '0x1', '-1', '1e400', 'NaN', '3.5', '99999999999999999999',
    'all', 'none', 'loss=0x1', 'loss=2', '0,0,0', '0,1;1,2', 'a,b', '"', '{}', '[]', '\u0000',
    'x'.repeat(5000), '/dev/null', '/nonexistent/file', dir),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -5, max: 5 }).map(String),
);
const flagNames = ['--seed', '--faults', '--clients', '--servers', '--budget', '--time-budget',
  '--keep-going', '--mapping', '--acceptors', '--values', '--quorums', '--json', '--partial',
  '--help', '--bogus', '-x', '--properties', '--distinguished', '--model', '--symmetry'];
const flags = fc.array(fc.tuple(fc.constantFrom(...flagNames), fc.option(hostileValue)),
  { maxLength: 4 }).map((xs) => xs.flatMap(([f, v]) => (v === null ? [f] : [f, v])));

/** The fixed tail each command gets, so that no fuzzed flag can make a run large. */
const commands: readonly { readonly argv: string[]; readonly tail: string[] }[] = [
  { argv: ['trace', 'check'], tail: ['traces/valid/basic-majority.jsonl'] },
  { argv: ['trace', 'schema'], tail: [] },
  { argv: ['trace', 'itf'], tail: ['traces/valid/basic-majority.jsonl'] },
  { argv: ['simulate'], tail: ['--steps', '40', '--seeds', '1', '--servers', '3', '--clients',
    '2', '--liveness-steps', '20000'] },
  { argv: ['check', 'paxos'], tail: ['--max-ballot', '0', '--acceptors', '2', '--values', '1',
    '--max-states', '10000'] },
  { argv: ['check', 'cluster'], tail: ['--servers', '2', '--clients', '1', '--max-states', '500'] },
  { argv: ['check', 'reconfig'], tail: ['--max-states', '500'] },
  { argv: ['check', 'multipaxos'], tail: ['--max-states', '200'] },
  { argv: ['trace', 'merge'], tail: ['traces/valid/basic-majority.jsonl'] },
  { argv: ['history', 'check'], tail: ['--model', 'register',
    'docs/examples/history/register-ok.jsonl'] },
  { argv: [], tail: [] },
];

const HEADER = '{"format":"synod.trace","version":1,"cluster":{"acceptors":["s1","s2","s3"]}}';
/** 5,000 levels of arrays: 10 KB that JSON.parse reads and a recursive walk overflows on. */
const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;

describe('hostile input at every entry point, each run isolated and watched', () => {
  it('flags: exit 0/1/2/3, never an exception or a stack trace', async () => {
    const runs = fc.sample(fc.tuple(fc.nat(commands.length - 1), flags), 200);
    const codes = new Set<number>();
    for (const [i, fs] of runs) {
      const c = commands[i] as (typeof commands)[number];
      codes.add((await check(...c.argv, ...fs, ...c.tail)).code);
    }
    // The sample reaches both sides of the contract: runs that work and input refused.
    expect(codes).toContain(0);
    expect(codes).toContain(2);
  }, 300_000);

  it('ITF files of random JSON: a verdict or exit 2, never an exception', async () => {
    const docs = fc.sample(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({
      states: fc.array(fc.dictionary(fc.constantFrom('maxBal', 'maxVBal', 'maxVal', 'msgs'),
        fc.jsonValue({ maxDepth: 3 })), { maxLength: 3 }),
    })), 150);
    for (const [i, doc] of docs.entries()) {
      await check('trace', 'check', file(`r${i}.itf.json`, JSON.stringify(doc)));
    }
  }, 300_000);

  it('traces of random lines after a valid header, and odd paths', async () => {
    const texts = fc.sample(fc.array(fc.oneof(fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))), { maxLength: 6 }), 100);
    for (const [i, ls] of texts.entries()) {
      for (const partial of [[], ['--partial']]) {
        await check('trace', 'check', ...partial, file(`t${i}.jsonl`, [HEADER, ...ls].join('\n')));
      }
    }
    for (const p of [dir, '/dev/null', join(dir, 'missing.jsonl'), '-x', '', '-']) {
      await check('trace', 'check', p);
    }
  }, 300_000);

  it('deeply nested JSON in a field, a ballot, provenance and an ITF value: exit 2', async () => {
    const cases = [
      [HEADER, `{"ev":"send","node":"s1","msg":{"type":"1a","bal":${deep}}}`],
      [HEADER, `{"ev":"send","node":"s1","msg":{"type":"x-deep","d":${deep}}}`],
      [HEADER, `{"ev":"send","node":"s1","x":${deep},"msg":{"type":"1a","bal":1}}`],
      [HEADER.replace('}}', `},"provenance":{"build":${deep}}}`)],
    ];
    for (const [i, ls] of cases.entries()) {
      for (const json of [[], ['--json']]) {
        const r = await check('trace', 'check', ...json, file(`deep${i}.jsonl`, ls.join('\n')));
        expect(r.code).toBe(2);
      }
    }
    const itf = `{"vars":["maxBal"],"states":[{"#meta":{"index":0},"maxBal":${deep}}]}`;
    expect((await check('trace', 'check', file('deep.itf.json', itf))).code).toBe(2);
  }, 120_000);

  it('/dev/zero named .itf.json; a rejected trace from a named pipe', async () => {
    const zero = join(dir, 'zero.itf.json');
    execFileSync('ln', ['-s', '/dev/zero', zero]);
    expect((await check('trace', 'check', zero)).code).toBe(2);
    const fifo = join(dir, 'rejected.fifo');
    execFileSync('mkfifo', [fifo]);
    const w = createWriteStream(fifo);
    w.end(`${HEADER}\n{"ev":"send","node":"s1","msg":{"type":"2a","bal":0,"val":"x"}}\n`);
    expect((await check('trace', 'check', fifo)).code).toBe(1);
  }, 120_000);

  it('a trace with a fresh ballot on every line stays within bounded memory', async () => {
    const lines = Array.from({ length: 100_000 }, (_, b) =>
      `{"ev":"send","node":"s1","msg":{"type":"1a","bal":${b}}}`);
    const r = await check('trace', 'check', file('fresh.jsonl', [HEADER, ...lines].join('\n')));
    expect(r.code).toBe(0);
  }, 120_000);

  it('so does a partial one: 50,000 lost-promise 2a lines (2.9 MB; once quadratic)', async () => {
    const lines = Array.from({ length: 50_000 }, (_, b) =>
      `{"ev":"send","node":"s1","msg":{"type":"2a","bal":${b},"val":"v"}}`);
    const r = await check('trace', 'check', '--partial', file('fresh-partial.jsonl',
      [HEADER, ...lines].join('\n')));
    expect(r.code).toBe(0);
  }, 120_000);
});
