/**
 * docs/linearizability.md and docs/history-format.md quote `synod history` commands and what
 * they print. This test reruns every command of their ```console blocks and holds the quoted
 * output (and the exit code quoted by a following `$ echo $?`) to what the command prints now,
 * so the pages cannot drift from the code. A command quoted without output must exit 0.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { synod } from '../synod.js';

interface Quoted {
  readonly args: string[];
  readonly output: string;
  readonly code: number | null;
}

/** The commands of a page's console blocks, each with the lines it is quoted printing. */
function commands(page: string): Quoted[] {
  const out: Quoted[] = [];
  for (const [, block] of page.matchAll(/```console\n([\s\S]*?)```/g)) {
    const lines = (block as string).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (!line.startsWith('$ synod ')) continue;
      let end = i + 1;
      while (end < lines.length && !(lines[end] as string).startsWith('$ ')) end++;
      const output = lines.slice(i + 1, end).join('\n').replace(/\n*$/, '');
      const echo = lines[end] === '$ echo $?' ? Number(lines[end + 1]) : null;
      out.push({ args: line.slice('$ synod '.length).split(' '), output, code: echo });
    }
  }
  return out;
}

for (const name of ['linearizability.md', 'history-format.md']) {
  const page = readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
  describe(`docs/${name}`, () => {
    const quoted = commands(page);

    it('quotes synod history commands', () => {
      expect(quoted.length).toBeGreaterThanOrEqual(3);
    });

    for (const q of quoted) {
      it(`prints what it quotes for: synod ${q.args.join(' ')}`, async () => {
        const r = await synod(...q.args);
        if (q.output === '') {
          expect(r.code).toBe(0);
          return;
        }
        expect(`${r.out}${r.err}`.replace(/\n$/, '')).toBe(q.output);
        if (q.code !== null) expect(r.code).toBe(q.code);
      });
    }
  });
}
