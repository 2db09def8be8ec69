/**
 * How the trace commands read what they are given besides the traces' own lines: the chunks of
 * a file or of stdin, an ITF mapping file, and the bounds on what is read whole.
 *
 * Left out: walking directories and opening errors (files.ts), decoding (src/trace/).
 */
import { createReadStream } from 'node:fs';
import { readBounded, type LineKeeper } from './files.js';
import { UsageError } from './io.js';

/** ITF documents are read whole (JSON.parse needs the text): this bounds how large. */
export const ITF_BYTES_MAX = 256 * 1024 * 1024;
/** A mapping is a few names: a larger file is not one. */
const MAPPING_BYTES_MAX = 1 << 20;

export async function* stdinChunks(): AsyncGenerator<Uint8Array> {
  yield* process.stdin as AsyncIterable<Uint8Array>;
}

/** The chunks of a file; an open error becomes an input problem on line 0 via run.ts's reader. */
export async function* openChunks(file: string): AsyncGenerator<Uint8Array> {
  yield* createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>;
}

/** The chunks, passed on unchanged, with their lines given to `kept` on the way. */
export async function* keeping(chunks: AsyncIterable<Uint8Array>,
  kept: LineKeeper): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    kept.feed(chunk);
    yield chunk;
  }
  kept.end();
}

/** `--mapping FILE`: ITF variable names, a JSON object of strings. */
export async function readMapping(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readBounded(file, MAPPING_BYTES_MAX);
  } catch (e) {
    throw new UsageError(`synod trace check: --mapping ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`synod trace check: --mapping ${file}: not JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)
    || !Object.values(json).every((v) => typeof v === 'string')) {
    throw new UsageError(`synod trace check: --mapping ${file}: expected an object of strings, ` +
      `like {"maxBal": "promised"}`);
  }
  return json as Record<string, string>;
}

