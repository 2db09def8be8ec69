/**
 * `npm run bench -- cluster-real`: a real 3-server Synod cluster (Multi-Paxos KV, fsync on)
 * beside a real 3-member etcd 3.4 cluster (Debian's etcd-server, fsync on, its defaults), both
 * on loopback, driven by one closed-loop load generator over HTTP/JSON (etcd through its v3
 * JSON gateway). Writes are puts; reads are linearizable (Synod: through the log by default;
 * etcd: a range without `serializable`). Every client sends to the leader, found from each
 * system's status route, so neither pays a redirect.
 *
 * For each system, each concurrency (1, 16, 256 clients) and each kind: operations per second,
 * p50 and p99 latency. `--quick` runs 3 s per row instead of 10 s; `--clients 1,16` picks rows;
 * `--synod-only` skips etcd. Prints the load average before and after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { bufferIo } from '../../src/cli/io.js';
import { clusterCommand, readLayout } from '../../src/cli/cluster.js';
import { postJson } from '../net/http-client.js';

interface System {
  readonly name: string;
  readonly leader: string;
  readonly write: (key: string, value: string, client: number, seq: number) => Promise<void>;
  readonly read: (key: string, client: number, seq: number) => Promise<void>;
  readonly stop: () => Promise<void>;
}

async function post(url: string, body: unknown): Promise<unknown> {
  const res = await postJson(url, body);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function poll<T>(what: string, f: () => Promise<T | null>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await f().catch(() => null);
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not ready within ${ms} ms`);
}

async function synodSystem(dir: string): Promise<System> {
  const io = bufferIo();
  if (await clusterCommand(['up', '--servers', '3', '--data', dir], io) !== 0) {
    throw new Error(`synod cluster up failed: ${io.stderr()}`);
  }
  const urls = readLayout(dir).members.map((m) => `http://${m.host}:${m.clientPort}`);
  const leader = await poll('synod leader', async () => {
    for (const u of urls) {
      const s = await (await fetch(`${u}/status`)).json() as { role?: string };
      if (s.role === 'leader') return u;
    }
    return null;
  });
  const call = (client: number, seq: number, op: unknown) =>
    post(`${leader}/call`, { client, seq, op }).then(() => undefined);
  return {
    name: 'synod', leader,
    write: (key, value, client, seq) => call(client, seq, { op: 'put', key, value }),
    read: (key, client, seq) => call(client, seq, { op: 'get', key }),
    stop: async () => void await clusterCommand(['down', '--data', dir], bufferIo()),
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function etcdSystem(dir: string, ports: readonly number[]): Promise<System> {
  const names = ['e1', 'e2', 'e3'];
  const peer = (i: number) => `http://127.0.0.1:${ports[2 * i]}`;
  const client = (i: number) => `http://127.0.0.1:${ports[2 * i + 1]}`;
  const initial = names.map((n, i) => `${n}=${peer(i)}`).join(',');
  const procs: ChildProcess[] = names.map((n, i) => spawn('etcd', [
    '--name', n, '--data-dir', join(dir, n),
    '--listen-peer-urls', peer(i), '--initial-advertise-peer-urls', peer(i),
    '--listen-client-urls', client(i), '--advertise-client-urls', client(i),
    '--initial-cluster', initial, '--initial-cluster-state', 'new', '--log-level', 'error',
  ], { stdio: 'ignore' }));
  const leader = await poll('etcd leader', async () => {
    for (let i = 0; i < 3; i++) {
      const s = await post(`${client(i)}/v3/maintenance/status`, {}) as
        { header: { member_id: string }; leader: string };
      if (s.header.member_id === s.leader) return client(i);
    }
    return null;
  });
  return {
    name: 'etcd', leader,
    write: (key, value) => post(`${leader}/v3/kv/put`, { key: b64(key), value: b64(value) }).then(() => undefined),
    read: (key) => post(`${leader}/v3/kv/range`, { key: b64(key) }).then(() => undefined),
    stop: async () => {
      for (const p of procs) p.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
    },
  };
}

interface Row { readonly ops: number; readonly p50: number; readonly p99: number; readonly errors: number }

const quantile = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

/** `clients` closed-loop clients doing one kind of operation for `ms`. */
async function measure(sys: System, kind: 'write' | 'read', clients: number, ms: number): Promise<Row> {
  const lat: number[] = [];
  let errors = 0;
  const end = performance.now() + ms;
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    const id = 1_000_000 * (kind === 'write' ? 1 : 2) + clients * 1000 + c;
    for (let seq = 1; performance.now() < end; seq++) {
      const t0 = performance.now();
      try {
        if (kind === 'write') await sys.write(`k${c % 64}`, `v${seq}`, id, seq);
        else await sys.read(`k${c % 64}`, id, seq);
        lat.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  }));
  lat.sort((a, b) => a - b);
  return { ops: lat.length / (ms / 1000), p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), errors };
}

const freePorts = async (n: number) => {
  const { createServer } = await import('node:net');
  const out: number[] = [];
  const held = await Promise.all(Array.from({ length: n }, () => new Promise<import('node:net').Server>((r) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => r(s));
  })));
  for (const s of held) out.push((s.address() as { port: number }).port);
  await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  return out;
};

export async function run(log: (line: string) => void, flags: readonly string[]): Promise<void> {
  const ms = flags.includes('--quick') ? 3000 : 10_000;
  const pick = flags.find((f) => f.startsWith('--clients='));
  const levels = pick === undefined ? [1, 16, 256] : pick.slice(10).split(',').map(Number);
  const withEtcd = !flags.includes('--synod-only') && existsSync('/usr/bin/etcd');
  log(`load average before: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ${ms / 1000} s per row` +
    (withEtcd ? '' : '; etcd not run (--synod-only, or /usr/bin/etcd missing)'));
  const dir = mkdtempSync(join(os.tmpdir(), 'synod-bench-'));
  const systems = [await synodSystem(join(dir, 'synod'))];
  if (withEtcd) systems.push(await etcdSystem(join(dir, 'etcd'), await freePorts(6)));
  try {
    log('| clients | kind | system | ops/s | p50 ms | p99 ms | errors |');
    log('|---:|---|---|---:|---:|---:|---:|');
    for (const clients of levels) {
      for (const kind of ['write', 'read'] as const) {
        for (const sys of systems) {
          const r = await measure(sys, kind, clients, ms);
          log(`| ${clients} | ${kind} | ${sys.name} | ${Math.round(r.ops)} | ${r.p50.toFixed(1)} | ` +
            `${r.p99.toFixed(1)} | ${r.errors} |`);
        }
      }
    }
  } finally {
    for (const s of systems) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  log(`load average after: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}
