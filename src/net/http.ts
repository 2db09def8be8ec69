/**
 * The client API of one server, HTTP/JSON on loopback by default.
 *
 *   GET  /status                       the node's view: leader, ballot, indexes, connected peers
 *   POST /call   {client, seq, op}     any operation in the protocol's own shape
 *   plus the protocol's routes (paxos: PUT /x {value} = SetVarX, GET /x = GetVarX;
 *   the KV: PUT/GET/DELETE /kv/:key, POST /kv/:key/cas)
 *   POST /admin/fault {peer, drop, delayMs}   (secret) drop/delay what this server sends to peer
 *   POST /admin/shutdown                       (secret) stop this server
 *
 * A call names its client and sequence number (`client`/`seq` in the body, or the headers
 * `x-synod-client`/`x-synod-seq`): a retry with the same pair is applied at most once. A call
 * without them gets a fresh client id, which is fine for a person with curl and gives up
 * exactly-once. Admin routes need `authorization: Bearer <cluster secret>`. Errors are JSON
 * `{"error": "..."}` with 400 (bad request), 401 (no or bad secret), 404, 405, 413 (body over
 * BODY_BYTES_MAX), 504 (no answer in time: retry with the same client and seq).
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RunningNode } from './node.js';
import type { ClientCall } from './protocol.js';

export const BODY_BYTES_MAX = 1024 * 1024;

/** A protocol's REST routes: an operation, an error to answer with, or null (not a route). */
export type Route = (method: string, path: string, body: unknown) =>
  | { readonly op: unknown } | { readonly error: string; readonly status: number } | null;

export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  readonly replyTimeoutMs: number;
  readonly route: Route;
  /** Validates an operation posted to /call. */
  readonly operation: (body: unknown) => unknown;
  readonly shutdown: () => void;
  /** Server names by id, and their client URLs where known, for redirects to the leader. */
  readonly members: readonly string[];
  readonly clientUrls: readonly (string | null)[];
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json', 'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > BODY_BYTES_MAX) {
        reject(new HttpError(413, `body over ${BODY_BYTES_MAX} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(null);
      try {
        return resolve(JSON.parse(text));
      } catch {
        return reject(new HttpError(400, 'body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function natural(value: unknown, name: string): number | null {
  if (value === undefined || value === null) return null;
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new HttpError(400, `${name} must be a whole number >= 0`);
  }
  return n;
}

function identity(req: IncomingMessage, body: unknown): { client: number; seq: number } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const client = natural(b['client'] ?? req.headers['x-synod-client'], 'client');
  const seq = natural(b['seq'] ?? req.headers['x-synod-seq'], 'seq');
  return { client: client ?? randomInt(1 << 30, 2 ** 47), seq: seq ?? 0 };
}

function authorized(req: IncomingMessage, secret: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? '', 'utf8');
  const wanted = Buffer.from(`Bearer ${secret}`, 'utf8');
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function waitForReply(node: RunningNode, call: ClientCall, ms: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const waiter = {
      resolve: (result: unknown) => {
        clearTimeout(timer);
        resolve(result);
      },
    };
    const timer = setTimeout(() => {
      node.cancel(call, waiter);
      reject(new HttpError(504, `no answer within ${ms} ms; retry with the same client and seq ` +
        `(client ${call.client}, seq ${call.seq})`));
    }, ms);
    node.call(call, waiter);
  });
}

async function handle(node: RunningNode, cfg: HttpConfig, req: IncomingMessage): Promise<[number,
  unknown]> {
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const body = await readBody(req);
  if (path === '/status') return [200, node.status()];
  if (path.startsWith('/admin/')) return admin(node, cfg, req, path, body);
  let op: unknown;
  if (path === '/call') {
    if (method !== 'POST') throw new HttpError(405, 'POST /call');
    op = cfg.operation((body as { op?: unknown } | null)?.op);
  } else {
    const routed = cfg.route(method, path, body);
    if (routed === null) throw new HttpError(404, `no route ${method} ${path}`);
    if ('error' in routed) throw new HttpError(routed.status, routed.error);
    op = routed.op;
  }
  if (typeof op === 'string') throw new HttpError(400, op);
  const call: ClientCall = { ...identity(req, body), op };
  const result = await waitForReply(node, call, cfg.replyTimeoutMs);
  const redirect = redirectOf(result);
  if (redirect !== undefined) return notLeader(cfg, redirect, req.url ?? path);
  return [200, { client: call.client, seq: call.seq, result }];
}

/** The leader a reply points to, when the server could not serve the call itself. */
function redirectOf(result: unknown): number | null | undefined {
  if (typeof result !== 'object' || result === null || !('redirect' in result)) return undefined;
  const r = (result as { redirect: unknown }).redirect;
  return typeof r === 'number' ? r : null;
}

/** 307 to the leader's client URL when it is known (curl -L follows it), else 503. */
function notLeader(cfg: HttpConfig, leader: number | null, url: string): [number, unknown] {
  const name = leader === null ? null : cfg.members[leader] ?? null;
  const base = leader === null ? null : cfg.clientUrls[leader] ?? null;
  if (base === null) {
    throw new HttpError(503, name === null ? 'not the leader, and no leader is known yet: retry'
      : `not the leader; ${name} leads (its client URL is not known here)`);
  }
  return [307, { error: `not the leader; ${name} leads`, leader: name, location: `${base}${url}` }];
}

function admin(
  node: RunningNode, cfg: HttpConfig, req: IncomingMessage, path: string, body: unknown,
): [number, unknown] {
  if (!authorized(req, cfg.secret)) throw new HttpError(401, 'admin routes need the cluster ' +
    'secret');
  if (req.method !== 'POST') throw new HttpError(405, `POST ${path}`);
  if (path === '/admin/shutdown') {
    setImmediate(cfg.shutdown);
    return [200, { stopping: node.name }];
  }
  if (path === '/admin/fault') {
    const b = (body ?? {}) as { peer?: unknown; drop?: unknown; delayMs?: unknown };
    if (typeof b.peer !== 'string') throw new HttpError(400, 'peer: expected a server name');
    const drop = typeof b.drop === 'number' && b.drop >= 0 && b.drop <= 1 ? b.drop : 0;
    const delayMs = typeof b.delayMs === 'number' && b.delayMs >= 0 && b.delayMs <= 60_000
      ? b.delayMs : 0;
    node.peers.setFault(b.peer, drop === 0 && delayMs === 0 ? null : { drop, delayMs });
    return [200, { faults: node.peers.faults() }];
  }
  throw new HttpError(404, `no route ${path}`);
}

export function startHttp(node: RunningNode, cfg: HttpConfig): Promise<Server> {
  const server = createServer((req, res) => {
    handle(node, cfg, req).then(([status, body]) => {
      const location = (body as { location?: unknown }).location;
      if (status === 307 && typeof location === 'string') res.setHeader('location', location);
      send(res, status, body);
    }, (e: unknown) => {
      if (e instanceof HttpError) send(res, e.status, { error: e.message });
      else send(res, 500, { error: `internal error: ${String(e)}` });
    });
  });
  server.requestTimeout = cfg.replyTimeoutMs + 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => resolve(server));
  });
}
