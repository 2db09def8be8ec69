/**
 * docs/cluster.md runs as written: every command of its `sh` blocks, in order, against a real
 * cluster (its directory and PORT1 replaced by this run's), with the outputs the page quotes.
 * `synod` commands run in-process (as the CLI tests do; the servers are real processes);
 * curl commands run through bash.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readLayout } from '../../src/cli/cluster.js';
import { tempDir } from '../net/helpers.js';
import { synod, type SynodRun } from '../synod.js';

const page = readFileSync(new URL('../../docs/cluster.md', import.meta.url), 'utf8');
const commands = [...page.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1]!.replace(/\\\n\s*/g, '').split('\n').filter((l) => l.trim() !== ''));

/** Shell words of a command line: plain, '...' and "..." (enough for this page). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const dir = tempDir('synod-doc-cluster-');
afterAll(async () => {
  await synod('cluster', 'down', '--data', dir);
});

async function run(line: string): Promise<SynodRun> {
  const port = () => String(readLayout(dir).members[0]!.clientPort);
  const here = line.replaceAll('/tmp/synod-cluster', dir)
    .replaceAll('PORT1', line.includes('PORT1') ? port() : 'PORT1');
  const prefix = 'npm run -s synod -- ';
  if (here.startsWith(prefix)) {
    const [cmd, fallback] = here.slice(prefix.length).split(' || ');
    const r = await synod(...words(cmd!));
    return fallback === 'echo "exit $?"' && r.code !== 0 ? { ...r, out: `${r.out}exit ${r.code}\n`, code: 0 } : r;
  }
  expect(here.startsWith('curl '), `a command the page test knows how to run: ${line}`).toBe(true);
  const out = execFileSync('bash', ['-c', here], { encoding: 'utf8', timeout: 15_000 });
  return { code: 0, out, err: '' };
}

describe('docs/cluster.md', () => {
  it('has the commands this test expects', () => {
    expect(commands[0]).toBe('npm run -s synod -- cluster up --servers 3 --data /tmp/synod-cluster');
    expect(commands.at(-1)).toBe('npm run -s synod -- cluster down --data /tmp/synod-cluster');
    expect(commands.length).toBeGreaterThan(12);
  });

  it('runs every command as written, printing what the page says', async () => {
    const outputs = new Map<string, SynodRun>();
    for (const line of commands.slice(0, -1)) {
      const r = await run(line);
      expect(r.code, `${line}\n${r.err}`).toBe(0);
      outputs.set(line, r);
    }
    const out = (start: string) => [...outputs].find(([l]) => l.startsWith(start))![1];
    expect(out('npm run -s synod -- cluster up').out).toMatch(/^s1 http:\/\/127\.0\.0\.1:\d+\ns2 .*\ns3 .*\n$/);
    expect([...outputs].filter(([l]) => l.includes('kv get greeting --data /tmp/synod-cluster --json'))[0]![1].out)
      .toBe('{"format":"synod.kv/v1","op":"get","ok":true,"value":"hello, world"}\n');
    const second = out('npm run -s synod -- kv cas x - B');
    expect(second.err).toContain('cas failed: the value is "A"');
    expect(second.out).toBe('exit 1\n');
    expect(out('curl -s -X POST').out).toBe('{"faults":{"s3":{"drop":1,"delayMs":0}}}');
    expect(out('curl -sL http://127.0.0.1:PORT1/kv/colour').out).toMatch(/"result":\{"ok":true,"value":"blue"\}/);
    const status = [...outputs].filter(([l]) => l.includes('cluster status')).at(-1)![1].out;
    expect(status).toMatch(/^s2 \S+ down$/m);
    expect(status).toMatch(/role=leader/);
    const down = await run(commands.at(-1)!);
    expect(down.out).toBe('stopped s1, s2, s3\n');
  }, 90_000);
});
