/**
 * Data-driven test files, after etcd's `datadriven` package: a file is a sequence of blocks,
 * each a `# why` comment, one command, a `----` line and the command's rendered output:
 *
 *     # why: a 1a above maxBal is promised; the promise is persisted before the 1b goes out
 *     deliver 1a(bal 1.s1)
 *     ----
 *     acted: Phase1b
 *       persist round -1, maxBal 1.s1, maxVBal -, maxVal None
 *
 * Blocks are separated by blank lines; a block of comments alone is prose (a file's opening
 * paragraph). The test runs each command through a handler and compares the output with the
 * file; with SYNOD_REWRITE=1 it writes the file back with the outputs it got instead, keeping
 * every comment and command, so a deliberate change shows up as a diff to review before commit.
 *
 * Left out: etcd's command arguments syntax (`cmd key=value`) and multi-line inputs; the
 * commands here are single lines that the caller parses in its own notation.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** One command block: its comment lines, the command, and the output recorded in the file. */
export interface Block {
  /** The 1-based line of the command, for error messages. */
  readonly line: number;
  readonly comments: readonly string[];
  readonly command: string;
  readonly expected: string;
}

/** A comment-only block (prose) or a command block, in file order. */
export type Chunk = { readonly prose: readonly string[] } | Block;

const SEPARATOR = '----';

/** Splits a data-driven file into chunks; throws, naming the line, on a malformed block. */
export function parseDataFile(text: string, file: string): Chunk[] {
  const chunks: Chunk[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && lines[i]!.trim() === '') i++;
    if (i >= lines.length) break;
    const start = i;
    const group: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') group.push(lines[i++]!);
    chunks.push(chunkOf(group, `${file}:${start + 1}`, start + 1));
  }
  return chunks;
}

function chunkOf(group: readonly string[], where: string, firstLine: number): Chunk {
  const comments: string[] = [];
  let k = 0;
  while (k < group.length && group[k]!.startsWith('#')) comments.push(group[k++]!);
  if (k === group.length) return { prose: comments };
  if (comments.length === 0) throw new Error(`${where}: a block opens with a "# why" comment`);
  const command = group[k]!;
  if (group[k + 1] !== SEPARATOR) {
    throw new Error(`${where}: the command "${command}" is followed by "${SEPARATOR}"`);
  }
  const expected = group.slice(k + 2).join('\n');
  return { line: firstLine + k, comments, command, expected };
}

/** The file text with each block's output replaced by `outputs[i]` (the rewrite). */
export function renderDataFile(chunks: readonly Chunk[], outputs: readonly string[]): string {
  let b = 0;
  const parts = chunks.map((c) => {
    if ('prose' in c) return c.prose.join('\n');
    const out = outputs[b++] ?? '';
    return [...c.comments, c.command, SEPARATOR, ...(out === '' ? [] : [out])].join('\n');
  });
  return `${parts.join('\n\n')}\n`;
}

/** Whether SYNOD_REWRITE=1 asks to write the outputs back instead of comparing them. */
export const REWRITE = process.env['SYNOD_REWRITE'] === '1';

/**
 * Runs every block of `file` through `run` (in order, one handler per file so that it can keep
 * state) and returns each block with the output it got. In rewrite mode writes the file back.
 * The file must exist: a missing file is an error, never silently created.
 */
export function runDataFile(
  file: string, run: (command: string, block: Block) => string,
): { readonly block: Block; readonly actual: string }[] {
  const chunks = parseDataFile(readFileSync(file, 'utf8'), file);
  const results: { block: Block; actual: string }[] = [];
  for (const c of chunks) {
    if ('prose' in c) continue;
    try {
      results.push({ block: c, actual: run(c.command, c) });
    } catch (e) {
      throw new Error(`${file}:${c.line}: ${c.command}: ${(e as Error).message}`);
    }
  }
  if (REWRITE) writeFileSync(file, renderDataFile(chunks, results.map((r) => r.actual)));
  return results;
}
