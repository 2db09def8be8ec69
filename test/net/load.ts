/**
 * A load generator for a running Multi-Paxos cluster (real HTTP), recording the client history
 * for the linearizability checker, and used by the fault tests and the cluster benchmark.
 *
 * Each client is sequential: it picks an operation on a few keys from a seeded generator, keeps
 * one (client id, seq) pair through every retry (other endpoint after a refused connection,
 * a 503 or a 504; redirects to the leader followed by fetch), and records `invoke` before the
 * first attempt and `return` on the first answer. A call still unanswered when the load stops,
 * or after `giveUpMs`, is recorded as a client crash: it may or may not have taken effect, and
 * the client id is retired (a new id takes its place, as a restarted client would).
 */
import type { MachineHistoryEvent } from '../../src/history/machine.js';
import type { Op, Output } from '../../src/multipaxos/index.js';
import { postJson } from './http-client.js';

export interface LoadOptions {
  /** Client URLs to try, read afresh for every attempt (servers come and go). */
  readonly endpoints: () => readonly string[];
  readonly clients: number;
  readonly seed: number;
  readonly keys?: number;
  /** Share of reads among the operations (the rest: put, append, cas). */
  readonly reads?: number;
  /** One HTTP attempt's timeout. */
  readonly attemptMs?: number;
  /** How long one call is retried before the client gives up on it. */
  readonly giveUpMs?: number;
  /** First client id (distinct runs against one cluster must not share ids). */
  readonly firstClient?: number;
}

export interface Load {
  readonly history: MachineHistoryEvent[];
  /** Calls answered so far. */
  readonly answered: () => number;
  /** Latencies of answered calls in ms, by kind of operation. */
  readonly latencies: { readonly read: number[]; readonly write: number[] };
  /** Resolves once `n` more calls have been answered (rejects after `ms`). */
  readonly progress: (n: number, ms?: number) => Promise<void>;
  /** Stops issuing calls; resolves when every client has stopped. */
  readonly stop: () => Promise<void>;
}

/** mulberry32: a small seeded generator, so a failing run replays from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickOp(rand: () => number, keys: number, reads: number, n: number): Op {
  const key = `k${Math.floor(rand() * keys)}`;
  const r = rand();
  if (r < reads) return { op: 'get', key };
  const value = `v${n}`;
  if (r < reads + (1 - reads) / 2) return { op: 'put', key, value };
  if (r < reads + (3 * (1 - reads)) / 4) return { op: 'append', key, value };
  return { op: 'cas', key, expect: rand() < 0.5 ? null : `v${Math.floor(rand() * n)}`, value };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One attempt: the output, or null when this endpoint could not answer. */
async function attempt(url: string, client: number, seq: number, op: Op, ms: number): Promise<Output | null> {
  try {
    const res = await postJson(`${url}/call`, { client, seq, op }, ms);
    const body = res.body as { result?: Output };
    return res.status === 200 && body.result !== undefined ? body.result : null;
  } catch {
    return null;
  }
}

export function startLoad(o: LoadOptions): Load {
  const rand = prng(o.seed);
  const history: MachineHistoryEvent[] = [];
  const latencies = { read: [] as number[], write: [] as number[] };
  let answered = 0;
  let stopping = false;
  let nextClient = o.firstClient ?? 1;
  let waiters: { at: number; done: () => void }[] = [];

  const call = async (client: number, seq: number, op: Op): Promise<Output | null> => {
    const started = performance.now();
    for (let i = 0; !stopping && performance.now() - started < (o.giveUpMs ?? 20_000); i++) {
      const urls = o.endpoints();
      if (urls.length === 0) {
        await sleep(50);
        continue;
      }
      const out = await attempt(urls[(client + i) % urls.length]!, client, seq, op, o.attemptMs ?? 3000);
      if (out !== null) return out;
      await sleep(Math.min(200, 10 * (i + 1)));
    }
    return null;
  };

  const runClient = async (): Promise<void> => {
    let client = nextClient++;
    for (let seq = 1; !stopping; seq++) {
      const op = pickOp(rand, o.keys ?? 3, o.reads ?? 0.3, history.length);
      const name = `c${client}`;
      history.push({ type: 'invoke', client: name, op });
      const t0 = performance.now();
      const out = await call(client, seq, op);
      if (out === null) {
        history.push({ type: 'crash', client: name });
        client = nextClient++;
        seq = 0;
        continue;
      }
      history.push({ type: 'return', client: name, out });
      (op.op === 'get' ? latencies.read : latencies.write).push(performance.now() - t0);
      answered++;
      waiters = waiters.filter((w) => (answered >= w.at ? (w.done(), false) : true));
    }
  };

  const running = Array.from({ length: o.clients }, runClient);
  return {
    history,
    latencies,
    answered: () => answered,
    progress: (n, ms = 20_000) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load: fewer than ${n} calls answered ` +
        `in ${ms} ms (seed ${o.seed})`)), ms);
      waiters.push({ at: answered + n, done: () => (clearTimeout(timer), resolve()) });
    }),
    stop: async () => {
      stopping = true;
      await Promise.all(running);
    },
  };
}
