/**
 * The worked example (docs/examples, docs/tutorial-trace-check.md): the independent Paxos in
 * plain JavaScript writes the committed runs byte for byte from their seeds, the correct run is
 * accepted, and each buggy variant is rejected at the line and for the rule the tutorial shows.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../src/trace/run.js';
import { chunksOf } from './helpers.js';

const runs = [
  { file: 'correct-run.jsonl', args: ['--seed', '2'], verdict: 'accepted', line: undefined,
    rule: undefined },
  { file: 'ignore-promises-run.jsonl', args: ['--seed', '3', '--bug', 'ignore-promises'],
    verdict: 'rejected', line: 42, rule: "R2'" },
  { file: 'accept-any-run.jsonl', args: ['--seed', '2', '--bug', 'accept-any'], verdict: 'rejected',
    line: 28, rule: 'R1' },
];

describe('docs/examples/paxos.js', () => {
  for (const r of runs) {
    it(`writes ${r.file} from ${r.args.join(' ')}, and the checker says ${r.verdict}${r.rule === undefined ? '' : ` ${r.rule} at line ${r.line}`}`, async () => {
      const text = execFileSync(process.execPath, ['docs/examples/paxos.js', ...r.args],
        { encoding: 'utf8' });
      expect(text).toBe(readFileSync(`docs/examples/${r.file}`, 'utf8'));
      const report = await checkTrace(chunksOf(text));
      expect(report.verdict).toBe(r.verdict);
      expect(report.summary?.rejections[0]?.line).toBe(r.line);
      expect(report.summary?.rejections[0]?.rule).toBe(r.rule);
    });
  }

  it('is accepted on every seed of a sweep without a bug', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const text = execFileSync(process.execPath, ['docs/examples/paxos.js', '--seed',
        String(seed)], { encoding: 'utf8' });
      expect({ seed, verdict: (await checkTrace(chunksOf(text))).verdict }).toEqual({ seed,
        verdict: 'accepted' });
    }
  });
});
