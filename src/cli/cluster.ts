/**
 * `synod cluster up|down|status|kill|restart`: a local cluster of `synod serve` processes on
 * loopback, for trying Synod out and for fault experiments.
 *
 *   synod cluster up --servers 3 --data DIR [--protocol paxos]   start; print "s1 http://..."
 *   synod cluster status --data DIR                              leader, ballot, indexes, lag
 *   synod cluster kill s2 --data DIR                             SIGKILL one server
 *   synod cluster restart s2 --data DIR                          start it again from its disk
 *   synod cluster down --data DIR                                stop every server
 *
 * `up` picks free ports, writes a fresh secret to DIR/secret (mode 0600) and the layout to
 * DIR/cluster.json, starts each server detached (its log in DIR/<name>.log, its disk in
 * DIR/<name>/, with --trace its trace in DIR/<name>.trace.jsonl), and returns once every
 * server answers and sees its peers. The processes keep running after `up` returns; `down`
 * stops them through the authenticated admin route.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocolNames } from '../net/protocols.js';
import { intFlag, parseFlags } from './args.js';
import { readMode } from './serve.js';
import { EXIT_OK, EXIT_USAGE, EXIT_VIOLATION, UsageError, type Io } from './io.js';

const HELP = `usage: synod cluster up --servers N --data DIR [--protocol ${protocolNames.join('|')}]
                        [--reads read-index|log] [--trace]
       synod cluster status|down --data DIR
       synod cluster kill|restart NAME --data DIR
A local cluster of synod serve processes on 127.0.0.1 (see docs/cluster.md).
`;

export interface Member {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly clientPort: number;
  pid: number;
}

export interface Layout {
  readonly protocol: string;
  /** `synod serve --reads` for every server (Multi-Paxos), when given to `up`. */
  readonly reads?: string;
  /** Every server writes its trace to DIR/<name>.trace.jsonl (`up --trace`). */
  readonly trace?: boolean;
  readonly members: Member[];
}

const UP_TIMEOUT_MS = 15_000;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

/** The command line that runs `synod` itself (built JavaScript, or the sources through tsx). */
function synodCommand(): string[] {
  const self = fileURLToPath(new URL('./main.js', import.meta.url));
  if (existsSync(self)) return [process.execPath, self];
  const source = fileURLToPath(new URL('./main.ts', import.meta.url));
  return [process.execPath, '--import', 'tsx', source];
}

export function readLayout(dir: string): Layout {
  const file = join(dir, 'cluster.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Layout;
  } catch (e) {
    throw new UsageError(`synod cluster: --data ${dir}: no cluster here (${file}: ` +
      `${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export const secretOf = (dir: string) => readFileSync(join(dir, 'secret'), 'utf8').trim();

function startServer(dir: string, layout: Layout, m: Member): number {
  const peers = layout.members.map((p) => `${p.name}=${p.host}:${p.port}`).join(',');
  const [exe, ...pre] = synodCommand();
  const log = openSync(join(dir, `${m.name}.log`), 'a');
  const child = spawn(exe!, [...pre, 'serve', '--id', m.name, '--peers', peers,
    '--data', join(dir, m.name), '--client-port', String(m.clientPort),
    '--protocol', layout.protocol, '--secret-file', join(dir, 'secret'),
    '--client-urls', layout.members.map((p) => `${p.name}=${urlOf(p)}`).join(','),
    ...(layout.reads === undefined ? [] : ['--reads', layout.reads]),
    ...(layout.trace === true ? ['--trace', join(dir, `${m.name}.trace.jsonl`)] : [])], {
    detached: true, stdio: ['ignore', log, log],
  });
  child.unref();
  return child.pid ?? -1;
}

async function status(url: string): Promise<Record<string, unknown> | null> {
  try {
    const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? (await res.json()) as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

const urlOf = (m: Member) => `http://${m.host}:${m.clientPort}`;

/** Waits until every server answers /status and sees all its peers (or the timeout). */
async function waitReady(layout: Layout, names: readonly string[]): Promise<boolean> {
  const deadline = Date.now() + UP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const all = await Promise.all(layout.members.filter((m) => names.includes(m.name))
      .map((m) => status(urlOf(m))));
    const ready = all.every((s) => s !== null &&
      (s['peers'] as unknown[]).length === layout.members.length - 1 &&
      (s['leader'] === undefined || s['leader'] !== null));
    if (ready) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function up(
  dir: string, servers: number, protocol: string, extra: Pick<Layout, 'reads' | 'trace'>, io: Io,
): Promise<number> {
  if (existsSync(join(dir, 'cluster.json'))) {
    throw new UsageError(`synod cluster up: --data ${dir} already holds a cluster ` +
      '(synod cluster down first, or choose another directory)');
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'secret'), randomBytes(24).toString('hex'), { mode: 0o600 });
  const members: Member[] = [];
  for (let i = 1; i <= servers; i++) {
    members.push({ name: `s${i}`, host: '127.0.0.1', port: await freePort(),
      clientPort: await freePort(), pid: -1 });
  }
  const layout: Layout = { protocol, ...extra, members };
  for (const m of members) m.pid = startServer(dir, layout, m);
  writeFileSync(join(dir, 'cluster.json'), `${JSON.stringify(layout, null, 2)}\n`);
  if (!await waitReady(layout, members.map((m) => m.name))) {
    io.err(`synod cluster up: the servers did not become ready within ${UP_TIMEOUT_MS} ms; ` +
      `see ${dir}/s*.log\n`);
    return EXIT_VIOLATION;
  }
  for (const m of members) io.out(`${m.name} ${urlOf(m)}\n`);
  return EXIT_OK;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function down(dir: string, io: Io): Promise<number> {
  const layout = readLayout(dir);
  const secret = secretOf(dir);
  await Promise.all(layout.members.map(async (m) => {
    try {
      await fetch(`${urlOf(m)}/admin/shutdown`, {
        method: 'POST', headers: { authorization: `Bearer ${secret}` },
        signal: AbortSignal.timeout(2000),
      });
    } catch {
      if (alive(m.pid)) process.kill(m.pid, 'SIGTERM');
    }
  }));
  const deadline = Date.now() + 5000;
  while (layout.members.some((m) => alive(m.pid)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const m of layout.members) if (alive(m.pid)) process.kill(m.pid, 'SIGKILL');
  writeFileSync(join(dir, 'cluster.json.down'), JSON.stringify(layout));
  const { rmSync } = await import('node:fs');
  rmSync(join(dir, 'cluster.json'));
  io.out(`stopped ${layout.members.map((m) => m.name).join(', ')}\n`);
  return EXIT_OK;
}

async function show(dir: string, io: Io): Promise<number> {
  const layout = readLayout(dir);
  const rows = await Promise.all(
    layout.members.map(async (m) => ({ m, s: await status(urlOf(m)) })));
  // Lag: slots this server has yet to apply that the most advanced server has applied.
  const applied = rows.map(({ s }) => s?.['applied']).filter((a): a is number =>
    typeof a === 'number');
  const top = applied.length === 0 ? null : Math.max(...applied);
  for (const { m, s } of rows) {
    if (s === null) {
      io.out(`${m.name} ${urlOf(m)} down\n`);
      continue;
    }
    const { name: _name, ...rest } = s;
    const lag = top !== null && typeof s['applied'] === 'number' ? { lag: top - s['applied'] } : {};
    io.out(`${m.name} ${urlOf(m)} ${Object.entries({ ...rest, ...lag })
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}\n`);
  }
  return EXIT_OK;
}

function member(layout: Layout, name: string | undefined): Member {
  const m = layout.members.find((x) => x.name === name);
  if (m === undefined) {
    throw new UsageError(`synod cluster: no server '${name ?? ''}' (have ` +
      `${layout.members.map((x) => x.name).join(', ')})`);
  }
  return m;
}

export async function clusterCommand(args: readonly string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.out(HELP);
    return sub === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const { values, positionals } = parseFlags('cluster', rest, {
    data: { type: 'string' }, servers: { type: 'string' }, protocol: { type: 'string' },
    reads: { type: 'string' }, trace: { type: 'boolean' },
  }, true);
  if (values.data === undefined) throw new UsageError(`synod cluster ${sub}: --data DIR is ` +
    `required`);
  const dir = resolve(values.data);
  switch (sub) {
    case 'up': {
      const protocol = values.protocol ?? 'multipaxos';
      if (!protocolNames.includes(protocol)) {
        throw new UsageError(`synod cluster up: --protocol must be one of ` +
          `${protocolNames.join(', ')}`);
      }
      if (values.reads !== undefined) readMode(values.reads);
      const extra = { ...(values.reads === undefined ? {} : { reads: values.reads }),
        ...(values.trace === true ? { trace: true } : {}) };
      return up(dir, intFlag('cluster up', 'servers', values.servers, 3, 1, 9), protocol, extra,
        io);
    }
    case 'down': return down(dir, io);
    case 'status': return show(dir, io);
    case 'kill': {
      const layout = readLayout(dir);
      const m = member(layout, positionals[0]);
      if (alive(m.pid)) process.kill(m.pid, 'SIGKILL');
      io.out(`killed ${m.name} (pid ${m.pid})\n`);
      return EXIT_OK;
    }
    case 'restart': {
      const layout = readLayout(dir);
      const m = member(layout, positionals[0]);
      if (alive(m.pid)) process.kill(m.pid, 'SIGKILL');
      m.pid = startServer(dir, layout, m);
      writeFileSync(join(dir, 'cluster.json'), `${JSON.stringify(layout, null, 2)}\n`);
      const ok = await waitReady(layout, [m.name]);
      io.out(`${m.name} ${urlOf(m)}${ok ? '' : ' (not ready yet)'}\n`);
      return ok ? EXIT_OK : EXIT_VIOLATION;
    }
    default:
      throw new UsageError(`synod cluster: unknown subcommand '${sub}'\n${HELP}`);
  }
}
