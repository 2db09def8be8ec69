/**
 * `synod kv put|get|delete|cas|append KEY [VALUE...] (--data DIR | --endpoints URL,...)`: one
 * operation on a running Multi-Paxos cluster's key-value store; `synod kv add-server|
 * remove-server sN` changes its voting members through the log.
 *
 * The command picks one (client id, sequence number) pair and keeps it through every retry, so
 * a put that timed out at one server and is retried at another is applied at most once. It
 * follows redirects to the leader, and tries the next endpoint when one does not answer, for up
 * to --timeout seconds. Exit 0 on success (a get of a missing key prints nothing), 1 when a cas
 * finds another value, 2 on bad usage or when no server answered in time.
 */
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { readLayout } from './cluster.js';
import { intFlag, parseFlags } from './args.js';
import { EXIT_OK, EXIT_USAGE, EXIT_VIOLATION, UsageError, type Io } from './io.js';

const HELP = `usage: synod kv put KEY VALUE | get KEY | delete KEY | cas KEY EXPECTED VALUE |
              append KEY VALUE | add-server sN | remove-server sN
              (--data DIR | --endpoints URL,...) [--timeout S] [--json]
cas: EXPECTED '-' means "the key is absent". add-server/remove-server: the Nth server of the
cluster (s1 is the first of --peers) becomes or stops being a voting member, alpha slots after
the command is chosen (docs/reconfiguration.md). Exit 0 ok, 1 cas failed, 2 bad
usage/unreachable.
`;

interface Request {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

function request(op: string, args: readonly string[]): Request {
  const want = (n: number) => {
    if (args.length !== n) throw new UsageError(`synod kv ${op}: expected ${n} ` +
      `argument(s)\n${HELP}`);
  };
  const key = args[0] ?? '';
  const path = `/kv/${encodeURIComponent(key)}`;
  switch (op) {
    case 'get': want(1); return { method: 'GET', path, body: {} };
    case 'delete': want(1); return { method: 'DELETE', path, body: {} };
    case 'put': want(2); return { method: 'PUT', path, body: { value: args[1] } };
    case 'append':
      want(2);
      return { method: 'POST', path: `${path}/append`, body: { value: args[1] } };
    case 'cas':
      want(3);
      return {
        method: 'POST', path: `${path}/cas`,
        body: { expect: args[1] === '-' ? null : args[1], value: args[2] },
      };
    case 'add-server': case 'remove-server': {
      want(1);
      const m = /^s([1-9][0-9]{0,2})$/.exec(args[0]!);
      if (m === null) throw new UsageError(`synod kv ${op}: '${args[0]}' is not a server name sN`);
      return { method: 'POST', path: '/call', body: { op: { op, server: Number(m[1]) - 1 } } };
    }
    default: throw new UsageError(`synod kv: unknown operation '${op}'\n${HELP}`);
  }
}

function endpoints(data: string | undefined, list: string | undefined): string[] {
  if (list !== undefined) {
    const urls = list.split(',').map((u) => u.trim());
    const bad = urls.find((u) => !/^https?:\/\/[\w.:[\]-]+$/.test(u));
    if (bad !== undefined) throw new UsageError(`synod kv: --endpoints: '${bad}' is not ` +
      `http://HOST:PORT`);
    return urls;
  }
  if (data === undefined) throw new UsageError(`synod kv: --data DIR or --endpoints URL,... is ` +
    `needed\n${HELP}`);
  return readLayout(join(data)).members.map((m) => `http://${m.host}:${m.clientPort}`);
}

/** Sends `req` with one (client, seq), trying endpoints in turn until one answers. */
async function send(urls: readonly string[], req: Request,
  deadline: number): Promise<Record<string, unknown> | null> {
  const identity = { client: randomInt(1, 2 ** 47), seq: 0 };
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const url = urls[attempt % urls.length]!;
    try {
      const res = await fetch(`${url}${req.path}`, {
        method: req.method,
        ...(req.method === 'GET' ? {} : { body: JSON.stringify({ ...req.body, ...identity }) }),
        headers: { 'x-synod-client': String(identity.client), 'x-synod-seq': '0' },
        signal: AbortSignal.timeout(Math.max(100, Math.min(6000, deadline - Date.now()))),
      });
      const body = await res.json() as Record<string, unknown>;
      if (res.status === 200) return body;
      if (res.status === 400 || res.status === 404 || res.status === 405) {
        throw new UsageError(`synod kv: ${url} refused the request: ${String(body['error'])}`);
      }
    } catch (e) {
      if (e instanceof UsageError) throw e;
    }
    await new Promise((r) => setTimeout(r, Math.min(500, 50 * 2 ** Math.min(attempt, 4))));
  }
  return null;
}

export async function kvCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('kv', args, {
    data: { type: 'string' }, endpoints: { type: 'string' }, timeout: { type: 'string' },
    json: { type: 'boolean' }, help: { type: 'boolean' },
  }, true);
  if (values.help === true || positionals.length === 0) {
    io.out(HELP);
    return values.help === true ? EXIT_OK : EXIT_USAGE;
  }
  const [op, ...rest] = positionals;
  const req = request(op!, rest);
  const urls = endpoints(values.data, values.endpoints);
  const seconds = intFlag('kv', 'timeout', values.timeout, 10, 1, 3600);
  const answer = await send(urls, req, Date.now() + seconds * 1000);
  if (answer === null) {
    io.err(`synod kv: no server answered within ${seconds} s (tried ${urls.join(', ')})\n`);
    return EXIT_USAGE;
  }
  const result = answer['result'] as { ok: boolean; value: string | null };
  if (values.json === true) io.out(`${JSON.stringify({ format: 'synod.kv/v1', op, ...result })}\n`);
  else if (op === 'get' && result.value !== null) io.out(`${result.value}\n`);
  else if (op === 'cas' && !result.ok) io.err(
    `cas failed: the value is ${JSON.stringify(result.value)}\n`);
  return op === 'cas' && !result.ok ? EXIT_VIOLATION : EXIT_OK;
}
