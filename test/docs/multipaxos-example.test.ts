/**
 * docs/examples/multipaxos (issue 10, section 4): a small Multi-Paxos in Python writing per-node
 * logs in trace format v2. The committed logs are always checked: the correct run is accepted
 * once merged, the leader that skips phase 1 after being preempted is rejected at its 2a (rule
 * Phase2a), the replica that applies before a slot is chosen at its apply (StateMachineSafety).
 * When python3 is installed, the program is run again and must write exactly the committed logs
 * (otherwise the test says it skipped that part).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeLogs } from '../../src/trace/merge.js';
import { checkTrace } from '../../src/trace/run.js';

const DIR = 'docs/examples/multipaxos';
const RUNS = [
  { name: 'correct', args: [], verdict: 'accepted', line: undefined, rule: undefined },
  { name: 'skip-phase1', args: ['--bug', 'skip-phase1'], verdict: 'rejected', line: 91,
    rule: 'Phase2a' },
  { name: 'apply-early', args: ['--bug', 'apply-early'], verdict: 'rejected', line: 24,
    rule: 'StateMachineSafety' },
] as const;

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

async function verdictOf(dir: string) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  const lines: string[] = [];
  const m = await mergeLogs(files.map((f) => ({ name: f,
    chunks: once(readFileSync(join(dir, f), 'utf8')) })), (l) => void lines.push(l));
  expect(m.unmatched).toEqual([]);
  const r = await checkTrace(once(lines.join('')));
  const first = r.summary?.rejections[0];
  return { verdict: r.verdict, line: first?.line, rule: first?.rule };
}

const python = spawnSync('python3', ['--version']).status === 0;

describe('the Python Multi-Paxos example', () => {
  for (const run of RUNS) {
    it(`${run.name}: the committed logs are ${run.verdict}` + (run.rule === undefined ? ''
      : ` at line ${run.line} (${run.rule})`), async () => {
      expect(await verdictOf(`${DIR}/logs/${run.name}`)).toEqual({ verdict: run.verdict,
        line: run.line, rule: run.rule });
    });
  }

  it('writes the committed logs again when run (python3)', () => {
    if (!python) {
      console.log('python3 not found: skipped running docs/examples/multipaxos/multipaxos.py');
      return;
    }
    for (const run of RUNS) {
      const out = join(mkdtempSync(join(tmpdir(), 'synod-py-')), run.name);
      execFileSync('python3', [`${DIR}/multipaxos.py`, out, ...run.args]);
      for (const f of readdirSync(`${DIR}/logs/${run.name}`)) {
        expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(`${DIR}/logs/${run.name}/${f}`,
          'utf8'));
      }
    }
  });
});
