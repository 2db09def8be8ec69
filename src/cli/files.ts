/**
 * The file system side of `synod trace check`: which files the paths on the command line name
 * (directories walked), and reading one of them whole, bounded. Every error of the file system
 * (a dangling symlink, a loop, permission denied, a directory that cannot be listed, a device,
 * a file too large to hold) becomes a problem of that one file, so that the other files keep
 * their verdicts and the command exits 2 naming it (issue 7, section 6), never a crash.
 *
 * What it leaves out: streaming (the CLI streams Synod-format traces; only ITF documents and
 * mapping files are read whole, since JSON.parse needs the whole text) and symlinked
 * directories, which a walk does not follow (a link to an ancestor would loop forever).
 */
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { UsageError } from './io.js';

/** A file to check, or a path that could not be read, with why. */
export interface Entry {
  readonly file: string;
  readonly problem: string | null;
}

const TRACE_EXTENSIONS = ['.jsonl', '.ndjson', '.itf.json'];
/** `-` reads the trace from standard input (a pipe from a running system or a log tool). */
export const STDIN = '-';
/** A walk deeper than this is refused at that directory (a guard against pathological trees). */
const WALK_DEPTH_MAX = 64;

/**
 * Files as given, directories walked (sorted) for trace files. A path on the command line that
 * does not exist is a usage error (a typo in the command); anything found wrong while walking is
 * an entry with a problem.
 */
export async function traceFiles(command: string, paths: readonly string[]): Promise<Entry[]> {
  const out: Entry[] = [];
  for (const p of paths) {
    if (p === STDIN) {
      out.push({ file: p, problem: null });
      continue;
    }
    let stat;
    try {
      stat = await fsp.stat(p);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      throw new UsageError(`synod ${command}: ${p}: ${code === 'ENOENT' ? 'no such file or ' +
        'directory' : describe(e)}`);
    }
    if (stat.isDirectory()) out.push(...await walk(p, 0));
    else out.push({ file: p, problem: null });
  }
  return out;
}

async function walk(dir: string, depth: number): Promise<Entry[]> {
  if (depth >= WALK_DEPTH_MAX) {
    return [{ file: dir, problem: `directories nest more than ${WALK_DEPTH_MAX} deep here` }];
  }
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (e) {
    return [{ file: dir, problem: `cannot list the directory: ${describe(e)}` }];
  }
  entries.sort((x, y) => x.name.localeCompare(y.name));
  const out: Entry[] = [];
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...await walk(p, depth + 1));
    else if (TRACE_EXTENSIONS.some((x) => e.name.endsWith(x))) {
      out.push({ file: p, problem: e.isFile() ? null : await notRegular(p) });
    }
  }
  return out;
}

/**
 * Why a walk does not read `p`, a trace's name on something that is not a regular file, or null
 * for a symlink to one. A named pipe or device met in a walk is not opened (a pipe without a
 * writer would block forever); named on the command line, it is read.
 */
async function notRegular(p: string): Promise<string | null> {
  let stat;
  try {
    stat = await fsp.stat(p);
  } catch (e) {
    return `cannot read the file: ${describe(e)}`;
  }
  if (stat.isFile()) return null;
  const what = stat.isDirectory() ? 'a directory (symlinked directories are not followed)'
    : stat.isFIFO() ? 'a named pipe' : 'a device or socket';
  return `not a regular file but ${what}: name it on the command line to read it`;
}

/**
 * The whole of a file as text, refused past `bytesMax` or at a NUL byte (JSON has none: a
 * device like /dev/zero or a binary file is stopped at once, not read to the limit). Throws a
 * FileProblem naming what went wrong.
 */
export async function readBounded(file: string, bytesMax: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of createReadStream(file,
      { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > bytesMax) {
        throw new FileProblem(`larger than ${bytesMax} bytes, the limit for a file read whole`);
      }
      if (chunk.indexOf(0) !== -1) {
        throw new FileProblem('has a NUL byte: this is not JSON text (a binary file or device?)');
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof FileProblem) throw e;
    throw new FileProblem(`cannot read the file: ${describe(e)}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What was wrong with one file; the CLI reports it against that file. */
export class FileProblem extends Error {
  override readonly name = 'FileProblem';
}

/** A file system error in a few words ("EACCES: permission denied, open 'x'"). */
export function describe(e: unknown, fallback = 'cannot be read'): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 0 ? m : fallback;
}

/** Whether `file` is a regular file, which can be read a second time for an excerpt. */
export async function isRegularFile(file: string): Promise<boolean> {
  try {
    return (await fsp.stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Numbered lines of a stream of chunks, kept as text cut to `widthMax` characters when `keep`
 * wants them. Used twice: reading a regular file again for the lines an excerpt needs, and
 * alongside the checker for a pipe or standard input, which cannot be read again, keeping the
 * last `ringMax` lines seen (a pipe's rejection is shown with what is still at hand).
 */
export class LineKeeper {
  readonly kept = new Map<number, string>();
  private readonly decoder = new TextDecoder();
  private carry = '';
  private line = 0;

  constructor(private readonly keep: (line: number) => boolean, private readonly widthMax: number,
    private readonly ringMax = Infinity) {}

  /** Lines completed so far. */
  get lines(): number {
    return this.line;
  }

  feed(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.take(this.carry + text.slice(start, Math.min(nl, start + this.widthMax + 1)));
      this.carry = '';
      start = nl + 1;
    }
    // A line without its newline yet: only its first characters can ever be shown.
    if (this.carry.length <= this.widthMax) this.carry += text.slice(start, start + this.widthMax
      + 1);
  }

  end(): void {
    if (this.carry.length > 0) this.take(this.carry);
    this.carry = '';
  }

  private take(text: string): void {
    this.line++;
    if (!this.keep(this.line)) return;
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    this.kept.set(this.line, t.length > this.widthMax ? `${t.slice(0, this.widthMax)}...` : t);
    if (this.kept.size > this.ringMax) this.kept.delete(this.line - this.ringMax);
  }
}
