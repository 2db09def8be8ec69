/**
 * Helpers shared by the trace tests: a trace text as a stream of chunks (of a chosen size, so
 * that line boundaries fall inside chunks), a header, and a line read the slow way.
 */
import { decodeShape, type EventResolver } from '../../src/trace/decode.js';
import type { Header } from '../../src/format/trace.js';

export async function* chunksOf(text: string | Uint8Array,
  size = 1 << 20): AsyncGenerator<Uint8Array> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export const header3: Header = {
  format: 'synod.trace', version: 1, cluster: { acceptors: ['s1', 's2', 's3'] },
};

/** A trace text from a header and events given as objects. */
export function lines(header: unknown, ...events: unknown[]): string {
  return [header, ...events].map((x) => JSON.stringify(x)).join('\n') + '\n';
}

/** A line read the slow way (JSON.parse, the codecs, the resolver), as line 2: the reference. */
export function slowPath(text: string, resolver: EventResolver): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const shape = decodeShape(json, 2);
  return shape.ok ? resolver.resolve(shape.value, 2) : shape;
}
