/**
 * `synod view` and the `--html` flags from the command line: the exit codes of DESIGN.md (0 the
 * page was written, 1 where the command's own verdict is a rejection, 2 bad usage or input
 * naming the file and line), the kind of each input detected, and pages that load nothing from
 * outside.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { jsonReport } from '../../src/cli/check.js';
import { checkPaxos, type PaxosCheckSettings } from '../../src/checker/paxos-check.js';
import * as M from '../checker/mutants.js';

const dir = mkdtempSync(join(tmpdir(), 'synod-view-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function synod(...args: string[]) {
  const io = bufferIo();
  const code = await main(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A page must load nothing: no external script, style, image or frame, no fetch. */
function selfContained(html: string): void {
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(html).not.toMatch(/<(link|img|iframe)\b|\bsrc=|\bfetch\(|XMLHttpRequest|@import/);
  expect(html).toContain("default-src 'none'");
}

describe('synod view', () => {
  it('writes a rejected trace\'s page, exit 0, the verdict on stdout', async () => {
    const out = join(dir, 'r1.html');
    const r = await synod('view', 'traces/invalid/r1-vote-below-promise.jsonl', '-o', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('trace checker: rejected at line 9: R1');
    const html = readFileSync(out, 'utf8');
    selfContained(html);
    expect(html).toContain('s2 accepted a proposal in ballot 1 after promising ballot 2');
  });

  it('defaults the output to FILE.html', async () => {
    const input = file('basic.jsonl', readFileSync('traces/valid/basic-majority.jsonl', 'utf8'));
    expect((await synod('view', input)).code).toBe(0);
    expect(existsSync(`${input}.html`)).toBe(true);
  });

  it('reads a client history and says it is not linearizable', async () => {
    const lines = [
      { type: 'invoke', client: 'A', input: { kind: 'set', key: 'X', value: 'a' } },
      { type: 'return', client: 'A', output: { value: 'a' } },
      { type: 'invoke', client: 'B', input: { kind: 'get', key: 'X' } },
      { type: 'return', client: 'B', output: { value: null } },
    ].map((x) => JSON.stringify(x)).join('\n');
    const r = await synod('view', file('h.jsonl', lines), '-o', join(dir, 'h.html'));
    expect([r.code, r.out]).toEqual([0, expect.stringContaining('history, 4 events; not ' +
      'linearizable on key X: longest linearizable prefix 1 of 2 calls')]);
  });

  it('reads a model checker\'s JSON verdict with a counterexample', async () => {
    const settings: PaxosCheckSettings = { acceptors: 3, values: 2, maxBallot: 1, quorums: null,
      symmetry: false, refinement: false, model: 'readable', impl: M.phase2bIgnoresMaxBal };
    const json = jsonReport(checkPaxos(settings), settings, 1, null);
    const r = await synod('view', file('check.json', json), '-o', join(dir, 'check.html'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('counterexample, 7 events; model checker: R1 violated after 7 steps');
  });

  it.each([
    ['an unknown JSON line', '{"hello": 1}\n', 1, /unknown input: expected a synod.trace header/],
    ['a line that is not JSON', '\n\nnot json\n', 3, /not JSON/],
    ['an empty file', '\n', 0, /empty/],
    ['a bad trace event', `${JSON.stringify({ format: 'synod.trace', version: 1, cluster: {
      acceptors: ['s1'] } })}\n{"ev":"send","node":"s1","msg":{"type":"2a","bal":1}}\n`, 2,
      /val/],
    ['a check verdict with no counterexample', JSON.stringify({ format: 'synod.check/v1',
      model: 'paxos', verdict: 'ok', counterexample: null, violation: null }), 1,
      /no paxos counterexample/],
    ['a history return with no call', '{"type":"return","client":"A","output":{"value":"a"}}',
      0, /client 'A' returns but has no pending call/],
  ])('exits 2 on %s, naming the file and line', async (_, text, line, why) => {
    const input = file('bad.jsonl', text);
    const r = await synod('view', input, '-o', join(dir, 'bad.html'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`synod view: ${input}:${line}: `);
    expect(r.err).toMatch(why);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on bad usage', async () => {
    expect((await synod('view')).code).toBe(2);
    expect((await synod('view', 'a', 'b')).code).toBe(2);
    expect((await synod('view', 'x.jsonl', '--model', 'queue')).err).toMatch(/--model must be/);
    expect((await synod('view', join(dir, 'missing.jsonl'))).err).toMatch(/missing\.jsonl: /);
  });
});

describe('--html', () => {
  it('on trace check writes the page and keeps the verdict\'s exit code', async () => {
    const out = join(dir, 'tc.html');
    const r = await synod('trace', 'check', 'traces/invalid/two-values-one-ballot.jsonl',
      '--html', out);
    expect(r.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toContain('Inv3');
  });

  it('on trace check refuses a directory', async () => {
    const r = await synod('trace', 'check', 'traces/invalid', '--html', join(dir, 'x.html'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--html draws one trace/);
  });

  it('on check paxos says nothing was written when there is no counterexample', async () => {
    const out = join(dir, 'none.html');
    const r = await synod('check', 'paxos', '--acceptors', '1', '--values', '1',
      '--max-ballot', '0', '--html', out);
    // One acceptor and one ballot is vacuous (no two ballots compete): exit 1, and no page.
    expect(r.code).toBe(1);
    expect(r.err).toContain('--html: no counterexample (verdict vacuous)');
    expect(existsSync(out)).toBe(false);
  });

  it('on simulate writes one run, and refuses several seeds', async () => {
    const out = join(dir, 'sim.html');
    const r = await synod('simulate', '--seed', '5', '--steps', '100', '--html', out);
    expect(r.code).toBe(0);
    selfContained(readFileSync(out, 'utf8'));
    const many = await synod('simulate', '--seeds', '2', '--html', out);
    expect([many.code, many.err]).toEqual([2, expect.stringContaining('--html writes one run')]);
  });
});
