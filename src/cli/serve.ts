/**
 * `synod serve`: one server process. It runs until SIGTERM/SIGINT or an authenticated
 * `POST /admin/shutdown`, and logs one line per notable event to stderr.
 *
 *   synod serve --id s1 --peers s1=127.0.0.1:7001,s2=127.0.0.1:7002,s3=127.0.0.1:7003
 *               --data DIR --client-port 8001 [--host 127.0.0.1] [--protocol paxos]
 *               [--secret-file FILE] [--tick-ms 5] [--reads read-index|log] [--trace FILE]
 *
 * The cluster secret comes from --secret-file or the SYNOD_CLUSTER_SECRET environment variable;
 * there is no default, because a default secret is no secret. Everything binds to 127.0.0.1
 * unless --host says otherwise. Multi-Paxos reads are linearizable either way: `read-index` (the
 * default, as etcd does) has the leader confirm with a quorum that it still leads before it
 * answers from applied state; `log` puts every read through the log like a write.
 */
import { readFileSync } from 'node:fs';
import { startHttp } from '../net/http.js';
import { startNode } from '../net/node.js';
import { READ_MODES } from '../net/multipaxos-protocol.js';
import { protocolNames, serverProtocol } from '../net/protocols.js';
import type { ReadMode } from '../multipaxos/index.js';
import type { PeerAddress } from '../net/peers.js';
import { StorageError } from '../net/storage.js';
import { intFlag, parseFlags } from './args.js';
import { serverTrace } from './serve-trace.js';
import { EXIT_OK, UsageError, type Io } from './io.js';

const HELP = `usage: synod serve --id NAME --peers NAME=HOST:PORT,... --data DIR --client-port PORT
                   [--host HOST] [--protocol ${protocolNames.join('|')}] [--secret-file FILE]
                   [--tick-ms N] [--client-urls NAME=URL,...] [--reads read-index|log]
                   [--trace FILE]
One Synod server: peers over TCP (authenticated with the cluster secret), clients over HTTP/JSON,
durable state in DIR (fsync'd). The secret comes from --secret-file or SYNOD_CLUSTER_SECRET.
`;

export function parsePeers(raw: string): PeerAddress[] {
  const peers = raw.split(',').map((part) => {
    const m = /^([A-Za-z][\w-]{0,31})=([\w.-]+):(\d{1,5})$/.exec(part.trim());
    if (m === null) {
      throw new UsageError(`synod serve: --peers: '${part}' is not NAME=HOST:PORT`);
    }
    const port = Number(m[3]);
    if (port < 1 || port > 65535) throw new UsageError(`synod serve: --peers: port ${port} out ` +
      `of range`);
    return { name: m[1]!, host: m[2]!, port };
  });
  const names = new Set(peers.map((p) => p.name));
  if (names.size !== peers.length) throw new UsageError('synod serve: --peers names a server ' +
    'twice');
  if (peers.length < 1 || peers.length > 9) {
    throw new UsageError('synod serve: --peers must name 1 to 9 servers');
  }
  return peers;
}

/** `--client-urls s1=http://127.0.0.1:8001,...`: where to redirect a client to the leader. */
function parseClientUrls(raw: string | undefined, members: readonly PeerAddress[]): (
  string | null)[] {
  const urls: (string | null)[] = members.map(() => null);
  for (const part of raw === undefined ? [] : raw.split(',')) {
    const m = /^([^=]+)=(https?:\/\/[\w.:[\]-]+)$/.exec(part.trim());
    const at = m === null ? -1 : members.findIndex((x) => x.name === m[1]);
    if (m === null || at < 0) {
      throw new UsageError(`synod serve: --client-urls: '${part}' is not NAME=http://HOST:PORT ` +
        'with NAME one of --peers');
    }
    urls[at] = m[2]!;
  }
  return urls;
}

export function readSecret(command: string, file: string | undefined): string {
  let secret: string | undefined = process.env['SYNOD_CLUSTER_SECRET'];
  if (file !== undefined) {
    try {
      secret = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new UsageError(`synod ${command}: --secret-file ${file}: ${(e as Error).message}`);
    }
  }
  if (secret === undefined || secret.length < 8) {
    throw new UsageError(`synod ${command}: a cluster secret of at least 8 characters is needed ` +
      '(--secret-file FILE or SYNOD_CLUSTER_SECRET)');
  }
  return secret;
}

/** `--reads`: how the Multi-Paxos KV serves linearizable reads. */
export function readMode(flag: string | undefined): ReadMode {
  if (flag === undefined) return 'read-index';
  const mode = READ_MODES.find((m) => m === flag);
  if (mode === undefined) {
    throw new UsageError(`synod serve: --reads must be one of ${READ_MODES.join(', ')}, got ` +
      `'${flag}'`);
  }
  return mode;
}

export async function serveCommand(args: readonly string[], io: Io): Promise<number> {
  const { values } = parseFlags('serve', args, {
    id: { type: 'string' }, peers: { type: 'string' }, data: { type: 'string' },
    'client-port': { type: 'string' }, host: { type: 'string' }, protocol: { type: 'string' },
    'secret-file': { type: 'string' }, 'tick-ms': { type: 'string' }, help: { type: 'boolean' },
    'client-urls': { type: 'string' }, reads: { type: 'string' }, trace: { type: 'string' },
  });
  if (values.help === true) {
    io.out(HELP);
    return EXIT_OK;
  }
  for (const flag of ['id', 'peers', 'data', 'client-port'] as const) {
    if (values[flag] === undefined) throw new UsageError(
      `synod serve: --${flag} is required\n${HELP}`);
  }
  const members = parsePeers(values.peers!);
  const id = members.findIndex((m) => m.name === values.id);
  if (id < 0) throw new UsageError(`synod serve: --id ${values.id} is not one of --peers`);
  const clientPort = intFlag('serve', 'client-port', values['client-port'], 0, 1, 65535);
  const tickMs = intFlag('serve', 'tick-ms', values['tick-ms'], 5, 1, 1000);
  const clientUrls = parseClientUrls(values['client-urls'], members);
  const reads = readMode(values.reads);
  const protocol = serverProtocol(values.protocol ?? 'multipaxos', members.length, { reads });
  if (protocol === null) {
    throw new UsageError(`synod serve: --protocol must be one of ${protocolNames.join(', ')}, ` +
      `got '${values.protocol}'`);
  }
  const secret = readSecret('serve', values['secret-file']);
  if (values.trace !== undefined && (values.protocol ?? 'multipaxos') !== 'multipaxos') {
    throw new UsageError('synod serve: --trace writes Multi-Paxos traces (format v2); ' +
      `--protocol ${values.protocol} has none`);
  }
  const trace = values.trace === undefined ? null : serverTrace(values.trace, id, members.length);
  const log = (line: string) => io.err(`${new Date().toISOString()} ${values.id}: ${line}\n`);
  let node;
  try {
    node = await startNode(protocol.protocol, {
      id, members, dataDir: values.data!, secret, tickMs, compactBytes: 1 << 20, log,
      ...(trace === null ? {} : { onStep: trace.onStep, onDurable: trace.flush }),
    });
  } catch (e) {
    if (e instanceof StorageError) throw new UsageError(`synod serve: refusing to start: ` +
      `${e.message}`);
    throw e;
  }
  return await new Promise<number>((resolve) => {
    const stop = () => {
      log('stopping');
      http.then((h) => h.close());
      void node.stop().then(() => {
        trace?.close();
        resolve(EXIT_OK);
      });
    };
    const http = startHttp(node, {
      host: values.host ?? '127.0.0.1', port: clientPort, secret, replyTimeoutMs: 5000,
      route: protocol.route, operation: protocol.protocol.operation, shutdown: stop,
      members: members.map((m) => m.name), clientUrls,
    });
    http.then(() => log(`serving clients on http://${values.host ?? '127.0.0.1'}:${clientPort}`),
      (e: Error) => {
        io.err(`synod serve: --client-port ${clientPort}: ${e.message}\n`);
        void node.stop().then(() => resolve(2));
      });
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
