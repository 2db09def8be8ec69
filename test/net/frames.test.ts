/**
 * src/net/frames.ts: frames survive any split of the byte stream; oversized or non-JSON frames
 * are named errors, never throws; the handshake admits only holders of the cluster secret.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  answer, challenge, encodeFrame, frameDecoder, hello, verify,
} from '../../src/net/frames.js';

describe('frameDecoder', () => {
  it('gives back the same frames whatever chunks the stream arrives in', () => {
    fc.assert(fc.property(fc.array(fc.jsonValue(), { maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }), (values, cuts) => {
        const bytes = Buffer.concat(values.map(encodeFrame));
        const decoder = frameDecoder();
        const out: unknown[] = [];
        let at = 0;
        for (let i = 0; at < bytes.length; i++) {
          const next = Math.min(bytes.length, at + cuts[i % cuts.length]!);
          const result = decoder.push(bytes.subarray(at, next));
          expect(result.ok).toBe(true);
          if (result.ok) out.push(...result.frames);
          at = next;
        }
        expect(out).toEqual(JSON.parse(JSON.stringify(values)));
        expect(decoder.pending()).toBe(0);
      }), { seed: 1201, numRuns: 200 });
  });

  it('refuses a frame over the limit before buffering it', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(10_000, 0);
    expect(frameDecoder(1000).push(header)).toEqual({
      ok: false, reason: 'frame of 10000 bytes is over the limit of 1000',
    });
  });

  it('names a frame that is not JSON', () => {
    const bad = Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('{x')]);
    expect(frameDecoder().push(bad)).toEqual({ ok: false, reason: 'frame of 2 bytes is not JSON' });
  });

  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      frameDecoder(32).push(Buffer.from(bytes));
    }), { seed: 1202, numRuns: 300 });
  });
});

describe('the handshake', () => {
  const run = (connectorSecret: string, listenerSecret: string) => {
    const first = hello('s2', 'nonce-c');
    const c = challenge(listenerSecret, 's1', 'nonce-l', first);
    if (!c.ok) return c;
    const a = answer(connectorSecret, 's2', 'nonce-c', 's1', c.value.reply);
    if (!a.ok) return a;
    return verify(listenerSecret, c.value.peer, c.value.peerNonce, 'nonce-l', a.value);
  };

  it('opens the link when both sides hold the secret', () => {
    expect(run('k', 'k')).toEqual({ ok: true, value: true });
  });

  it('a connector without the secret is turned away by the listener\'s check', () => {
    const c = challenge('k', 's1', 'nl', hello('s2', 'nc'));
    if (!c.ok) throw new Error('unreachable');
    const forged = { type: 'auth', mac: '00'.repeat(32) };
    expect(verify('k', 's2', 'nc', 'nl', forged)).toEqual({
      ok: false, reason: 's2 does not know the cluster secret (bad mac)',
    });
  });

  it('a listener without the secret is turned away by the connector', () => {
    expect(run('k', 'other')).toEqual({
      ok: false, reason: 's1 does not know the cluster secret (bad mac)',
    });
  });

  it('an auth recorded for one nonce does not open a link with another', () => {
    const c = challenge('k', 's1', 'n1', hello('s2', 'nc'));
    if (!c.ok) throw new Error('unreachable');
    const a = answer('k', 's2', 'nc', 's1', c.value.reply);
    if (!a.ok) throw new Error('unreachable');
    expect(verify('k', 's2', 'nc', 'n2', a.value).ok).toBe(false);
  });

  it('a first frame that is not a hello is refused with a reason', () => {
    expect(challenge('k', 's1', 'n', { type: 'auth', mac: 'x' })).toEqual({
      ok: false, reason: 'first frame is not a hello with an id and a nonce',
    });
  });
});
