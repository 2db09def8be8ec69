/**
 * Test helpers for the real runtime: free loopback ports, temporary data directories, and an
 * in-process cluster of real nodes (real TCP, real fsync'd files) for src/net's tests.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { startHttp } from '../../src/net/http.js';
import { startNode, type RunningNode } from '../../src/net/node.js';
import { serverProtocol } from '../../src/net/protocols.js';
import type { PeerAddress } from '../../src/net/peers.js';

/** A port that was free a moment ago (the kernel picks it; the race is harmless in tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

export interface TestNode {
  node: RunningNode;
  http: Server;
  url: string;
}

export interface TestCluster {
  readonly members: readonly PeerAddress[];
  readonly dirs: readonly string[];
  readonly nodes: (TestNode | null)[];
  readonly logs: string[];
  start: (i: number) => Promise<TestNode>;
  stop: (i: number) => Promise<void>;
  stopAll: () => Promise<void>;
}

export const SECRET = 'test-secret';

export const paxosCluster = (n: number) => testCluster('paxos', n);

/** `n` servers of `protocol` (not started: `start(i)` each), with real ports and disks. */
export async function testCluster(
  protocolName: string, n: number, compactBytes = 4096,
): Promise<TestCluster> {
  const members: PeerAddress[] = [];
  const clientPorts: number[] = [];
  for (let i = 0; i < n; i++) {
    members.push({ name: `s${i + 1}`, host: '127.0.0.1', port: await freePort() });
    clientPorts.push(await freePort());
  }
  const clientUrls = clientPorts.map((p) => `http://127.0.0.1:${p}`);
  const dirs = members.map((m) => tempDir(`synod-${m.name}-`));
  const nodes: (TestNode | null)[] = members.map(() => null);
  const logs: string[] = [];
  const cluster: TestCluster = {
    members, dirs, nodes, logs,
    async start(i) {
      const { protocol, route } = serverProtocol(protocolName, n)!;
      const node = await startNode(protocol, {
        id: i, members, dataDir: dirs[i]!, secret: SECRET, tickMs: 5, compactBytes,
        log: (line) => logs.push(`${members[i]!.name}: ${line}`),
      });
      const http = await startHttp(node, {
        host: '127.0.0.1', port: clientPorts[i]!, secret: SECRET, replyTimeoutMs: 3000, route,
        operation: protocol.operation, shutdown: () => undefined,
        members: members.map((m) => m.name), clientUrls,
      });
      const t = { node, http, url: clientUrls[i]! };
      nodes[i] = t;
      return t;
    },
    async stop(i) {
      const t = nodes[i];
      if (t === null || t === undefined) return;
      nodes[i] = null;
      t.http.closeAllConnections();
      await new Promise((resolve) => t.http.close(resolve));
      await t.node.stop();
    },
    async stopAll() {
      for (let i = 0; i < n; i++) await cluster.stop(i);
    },
  };
  return cluster;
}
