/**
 * Peer links carry length-prefixed frames: a u32 (big-endian) byte count, then that many bytes
 * of UTF-8 JSON. The decoder here is incremental (TCP delivers any split of the byte stream)
 * and bounded (a frame over the limit ends the connection before it is buffered), and it never
 * throws on bad input: it returns a named error for the caller to log and act on.
 *
 * A link starts with a mutual challenge-response, so that only processes holding the cluster
 * secret can join (issue "A real cluster", Security):
 *   connector -> listener  hello     { id, nonce: Nc }
 *   listener  -> connector challenge { id, nonce: Ns, mac: HMAC(secret, "listener|Nc|Ns|id") }
 *   connector -> listener  auth      { mac: HMAC(secret, "connector|Ns|Nc|id") }
 * Each side proves it knows the secret by a MAC over the other side's fresh nonce, so a
 * recorded handshake cannot be replayed, and MACs are compared in constant time.
 *
 * What it leaves out: encryption (the peers are on loopback or a trusted network; the secret
 * authenticates, it does not hide traffic) and the meaning of frames after the handshake (the
 * runtime decodes them with the io-ts codecs of the reducer's messages).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The largest frame accepted, in bytes: far above any message, and it bounds memory. */
export const FRAME_BYTES_MAX = 4 * 1024 * 1024;

export function encodeFrame(value: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length, 0);
  return Buffer.concat([header, payload]);
}

export type FrameResult =
  | { readonly ok: true; readonly frames: readonly unknown[] }
  | { readonly ok: false; readonly reason: string };

/** An incremental decoder of one connection's byte stream. */
export interface FrameDecoder {
  readonly push: (chunk: Buffer) => FrameResult;
  /** Bytes buffered that do not yet make a whole frame. */
  readonly pending: () => number;
}

export function frameDecoder(limit = FRAME_BYTES_MAX): FrameDecoder {
  let buffer: Buffer = Buffer.alloc(0);
  return {
    pending: () => buffer.length,
    push(chunk) {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      const frames: unknown[] = [];
      while (buffer.length >= 4) {
        const length = buffer.readUInt32BE(0);
        if (length > limit) {
          return { ok: false, reason: `frame of ${length} bytes is over the limit of ${limit}` };
        }
        if (buffer.length < 4 + length) break;
        const text = buffer.subarray(4, 4 + length).toString('utf8');
        buffer = buffer.subarray(4 + length);
        try {
          frames.push(JSON.parse(text));
        } catch {
          return { ok: false, reason: `frame of ${length} bytes is not JSON` };
        }
      }
      return { ok: true, frames };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The handshake

export type Hello = { readonly type: 'hello'; readonly id: string; readonly nonce: string };
export type Challenge = {
  readonly type: 'challenge'; readonly id: string; readonly nonce: string; readonly mac: string;
};
export type Auth = { readonly type: 'auth'; readonly mac: string };

function mac(secret: string, ...parts: readonly string[]): string {
  return createHmac('sha256', secret).update(parts.join('|')).digest('hex');
}

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function field(value: unknown, name: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = (value as Record<string, unknown>)[name];
  return typeof v === 'string' && v.length > 0 && v.length <= 256 ? v : null;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | {
  readonly ok: false; readonly reason: string;
};

export function hello(id: string, nonce: string): Hello {
  return { type: 'hello', id, nonce };
}

/** The listener's answer to a hello: its own nonce, and its proof over the connector's. */
export function challenge(
  secret: string, selfId: string, nonce: string, frame: unknown,
): Checked<{ readonly peer: string; readonly peerNonce: string; readonly reply: Challenge }> {
  const peer = field(frame, 'id');
  const peerNonce = field(frame, 'nonce');
  if (field(frame, 'type') !== 'hello' || peer === null || peerNonce === null) {
    return { ok: false, reason: 'first frame is not a hello with an id and a nonce' };
  }
  const proof = mac(secret, 'listener', peerNonce, nonce, selfId);
  return { ok: true, value: { peer, peerNonce, reply: { type: 'challenge', id: selfId, nonce,
    mac: proof } } };
}

/** The connector checks the listener's proof and answers with its own. */
export function answer(
  secret: string, selfId: string, selfNonce: string, expected: string, frame: unknown,
): Checked<Auth> {
  const id = field(frame, 'id');
  const nonce = field(frame, 'nonce');
  const proof = field(frame, 'mac');
  if (field(frame, 'type') !== 'challenge' || id === null || nonce === null || proof === null) {
    return { ok: false, reason: 'expected a challenge with an id, a nonce and a mac' };
  }
  if (id !== expected) return { ok: false, reason: `peer says it is ${id}, expected ${expected}` };
  if (!sameMac(proof, mac(secret, 'listener', selfNonce, nonce, id))) {
    return { ok: false, reason: `${id} does not know the cluster secret (bad mac)` };
  }
  return { ok: true, value: { type: 'auth', mac: mac(secret, 'connector', nonce, selfNonce,
    selfId) } };
}

/** The listener checks the connector's proof; then the link is open. */
export function verify(
  secret: string, peer: string, peerNonce: string, selfNonce: string, frame: unknown,
): Checked<true> {
  const proof = field(frame, 'mac');
  if (field(frame, 'type') !== 'auth' || proof === null) {
    return { ok: false, reason: 'expected an auth frame with a mac' };
  }
  if (!sameMac(proof, mac(secret, 'connector', selfNonce, peerNonce, peer))) {
    return { ok: false, reason: `${peer} does not know the cluster secret (bad mac)` };
  }
  return { ok: true, value: true };
}
