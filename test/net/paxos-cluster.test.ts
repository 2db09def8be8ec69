/**
 * Three real single-decree servers over TCP and fsync'd disks: racing SetVarX calls at
 * different servers all learn one value; a server restarted from its data directory alone
 * keeps its promise and vote; a stray process without the secret cannot join; admin routes
 * need the secret; bad requests get JSON errors with the right status.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, hello } from '../../src/net/frames.js';
import { SECRET, paxosCluster, type TestCluster } from './helpers.js';
import { createConnection } from 'node:net';

let cluster: TestCluster | null = null;
afterEach(async () => {
  await cluster?.stopAll();
  cluster = null;
});

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

const put = (url: string, value: string, client: number, seq = 0) => json(`${url}/x`, {
  method: 'PUT', body: JSON.stringify({ value, client, seq }),
});

describe('a real three-server cluster (single-decree)', () => {
  it('racing SetVarX at three servers: every answer and every later read is the one value', async () => {
    cluster = await paxosCluster(3);
    const [a, b, c] = await Promise.all([0, 1, 2].map((i) => cluster!.start(i)));
    const answers = await Promise.all([put(a!.url, 'A', 1), put(b!.url, 'B', 2), put(c!.url, 'C', 3)]);
    const values = answers.map((r) => r.body.result.value);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(values).size).toBe(1);
    expect(['A', 'B', 'C']).toContain(values[0]);
    for (const t of [a, b, c]) {
      expect((await json(`${t!.url}/x`, { headers: { 'x-synod-client': '9', 'x-synod-seq': '1' } }))
        .body.result.value).toBe(values[0]);
    }
  });

  it('a server restarted from its data directory keeps its vote, and the value stays chosen', async () => {
    cluster = await paxosCluster(3);
    const nodes = await Promise.all([0, 1, 2].map((i) => cluster!.start(i)));
    const first = (await put(nodes[0]!.url, 'A', 1)).body.result.value;
    const before = nodes[1]!.node.status();
    await cluster.stop(1);
    const again = await cluster.start(1);
    const after = again.node.status();
    expect(after['maxBal']).toBe(before['maxBal']);
    expect(after['maxVBal']).toBe(before['maxVBal']);
    expect(after['maxVal']).toBe(before['maxVal']);
    await cluster.stop(0);
    expect((await put(again.url, 'Z', 2)).body.result.value).toBe(first);
  });

  it('refuses a peer link from a process without the cluster secret', async () => {
    cluster = await paxosCluster(3);
    await cluster.start(0);
    const socket = createConnection({ host: '127.0.0.1', port: cluster.members[0]!.port });
    const closed = new Promise((resolve) => socket.on('close', resolve));
    const port = await new Promise((resolve) => socket.on('connect', () => resolve(socket.localPort)));
    socket.on('error', () => undefined);
    socket.write(encodeFrame(hello('s2', 'n')));
    socket.write(encodeFrame({ type: 'auth', mac: 'f'.repeat(64) }));
    socket.resume(); // read to the end, so the listener's close is seen
    await closed;
    expect(cluster.logs).toContain(
      's1: peer link from 127.0.0.1:' + String(port) +
      ' refused: s2 does not know the cluster secret (bad mac)');
  });

  it('answers bad requests with a JSON error and the right status', async () => {
    cluster = await paxosCluster(3);
    const { url } = await cluster.start(0);
    expect(await json(`${url}/x`, { method: 'PUT', body: '{"value": 3}' })).toEqual({
      status: 400, body: { error: 'value: expected a string of at most 1024 characters' },
    });
    expect((await json(`${url}/x`, { method: 'PUT', body: '{' })).status).toBe(400);
    expect((await json(`${url}/nope`)).status).toBe(404);
    expect(await json(`${url}/admin/shutdown`, { method: 'POST' })).toEqual({
      status: 401, body: { error: 'admin routes need the cluster secret' },
    });
    const fault = await json(`${url}/admin/fault`, {
      method: 'POST', headers: { authorization: `Bearer ${SECRET}` },
      body: JSON.stringify({ peer: 's2', drop: 1 }),
    });
    expect(fault).toEqual({ status: 200, body: { faults: { s2: { drop: 1, delayMs: 0 } } } });
  });
});
