/**
 * Hostile input at every entry point that reads user input without starting servers (issue 7,
 * section 6): random flag vectors for trace check/schema/itf, simulate and check paxos, random
 * JSON as an ITF file, a trace with random lines, directories, a device, a missing file. Every
 * run must end in the CLI contract: exit 0, 1, 2 or 3, no exception out of `main`, no stack trace
 * printed. Bounds keep each run small (simulate's steps and check's ballots are fixed low, and
 * the fuzzed flags cannot raise them: the fixed ones come last and win), so no run can hang;
 * the seed is SYNOD_FC_SEED's (test/fc-seed.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { synod } from '../synod.js';

const dir = mkdtempSync(join(tmpdir(), 'synod-fuzz-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

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
  { argv: [], tail: [] },
];

function contract(r: { code: number; out: string; err: string }): void {
  expect([0, 1, 2, 3]).toContain(r.code);
  expect(`${r.out}${r.err}`).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
}

describe('hostile input at every entry point', () => {
  it('flags: exit 0/1/2/3, never an exception or a stack trace', async () => {
    const runs = fc.sample(fc.tuple(fc.nat(commands.length - 1), flags), 150);
    const codes = new Set<number>();
    for (const [i, fs] of runs) {
      const c = commands[i] as (typeof commands)[number];
      const argv = [...c.argv, ...fs, ...c.tail];
      let r;
      try {
        r = await synod(...argv);
      } catch (e) {
        throw new Error(`synod ${JSON.stringify(argv)} threw: ${(e as Error).message}`);
      }
      contract(r);
      codes.add(r.code);
    }
    // The sample reaches both sides of the contract: runs that work and input refused.
    expect(codes).toContain(0);
    expect(codes).toContain(2);
  }, 120_000);

  it('ITF files of random JSON: a verdict or exit 2, never an exception', async () => {
    const docs = fc.sample(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({
      states: fc.array(fc.dictionary(fc.constantFrom('maxBal', 'maxVBal', 'maxVal', 'msgs'),
        fc.jsonValue({ maxDepth: 3 })), { maxLength: 3 }),
    })), 150);
    for (const [i, doc] of docs.entries()) {
      contract(await synod('trace', 'check', file(`r${i}.itf.json`, JSON.stringify(doc))));
    }
  }, 60_000);

  it('traces of random lines after a valid header, and odd paths', async () => {
    const header = '{"format":"synod.trace","version":1,"cluster":{"acceptors":["s1","s2","s3"]}}';
    const texts = fc.sample(fc.array(fc.oneof(fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))), { maxLength: 6 }), 100);
    for (const [i, ls] of texts.entries()) {
      for (const partial of [[], ['--partial']]) {
        contract(await synod('trace', 'check', ...partial, file(`t${i}.jsonl`,
          [header, ...ls].join('\n'))));
      }
    }
    for (const p of [dir, '/dev/null', join(dir, 'missing.jsonl'), '-x', '']) {
      contract(await synod('trace', 'check', p));
    }
  }, 60_000);
});
