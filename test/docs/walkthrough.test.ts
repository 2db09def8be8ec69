/**
 * docs/walkthrough.md quotes real output. This test reruns its commands and holds every quoted
 * block to what the commands print now, so the page cannot drift from the code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synod } from '../synod.js';

const page = readFileSync(new URL('../../docs/walkthrough.md', import.meta.url), 'utf8');
/** The fenced blocks of the page, in order (without the fences). */
const blocks = [...page.matchAll(/```(?:sh)?\n([\s\S]*?)```/g)].map((m) => m[1] as string);


describe('docs/walkthrough.md', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synod-walkthrough-'));
  const trace = join(dir, 'run.ndjson');

  it('records the run it describes, with the summary it quotes', async () => {
    const r = await synod('simulate', '--seed', '7', '--steps', '60', '--clients', '2',
      '--faults', 'none', '--trace', trace);
    expect(r.code).toBe(0);
    const quoted = blocks[1]!.trim().split('\n');
    for (const line of quoted) expect(r.out).toContain(line);
  });

  it('quotes trace lines that are in the recorded trace, verbatim', () => {
    const recorded = new Set(readFileSync(trace, 'utf8').split('\n'));
    const quoted = blocks.filter((b) => b.trimStart().startsWith('{"ev"'))
      .flatMap((b) => b.trim().split('\n'));
    expect(quoted.length).toBeGreaterThan(10);
    for (const line of quoted) expect(recorded.has(line)).toBe(true);
  });

  it('gets the verdict it quotes for the run', async () => {
    const r = await synod('trace', 'check', trace);
    expect(r.code).toBe(0);
    const verdict = blocks.find((b) => b.includes('accepted: 91 events'))!;
    expect(r.out.replaceAll(trace, 'run.ndjson')).toBe(verdict);
  });

  it('gets the rejection it quotes when line 39 is deleted', async () => {
    const bad = join(dir, 'run-bad.ndjson');
    const lines = readFileSync(trace, 'utf8').split('\n');
    lines.splice(38, 1);
    writeFileSync(bad, lines.join('\n'));
    const r = await synod('trace', 'check', bad);
    expect(r.code).toBe(1);
    const rejection = blocks.find((b) => b.includes('rejected: persist-before-send'))!;
    expect(r.out.replaceAll(bad, 'run-bad.ndjson')).toBe(rejection);
  });
});
