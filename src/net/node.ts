/**
 * One Synod server process: one reducer, driven by real inputs. Peer frames, client calls and
 * timers from a real clock go into a queue; each turn of the event loop steps the reducer over
 * the whole queue (protocol.ts's `drive`), appends every persist of the turn to the disk with
 * one fsync, and only then sends, replies and arms timers. Restart is a process start: the
 * state is rebuilt from the data directory alone.
 *
 * A tick (the reducer's unit of time) is `tickMs` milliseconds of the real clock. Randomness the
 * reducer needs (backoff jitter) arrives as inputs drawn here, as DESIGN.md asks.
 *
 * Left out: the HTTP API (http.ts) and the trace writer (trace.ts) are separate; this file owns
 * only the loop, the store and the links.
 */
import { randomInt } from 'node:crypto';
import { drive, type ClientCall, type Protocol, type StepObserver } from './protocol.js';
import { startPeers, type PeerAddress, type Peers } from './peers.js';
import { openStore, type Store } from './storage.js';

export interface NodeConfig {
  readonly id: number;
  readonly members: readonly PeerAddress[];
  readonly dataDir: string;
  readonly secret: string;
  readonly tickMs: number;
  /** Compact the log into one image once it holds this many bytes. */
  readonly compactBytes: number;
  readonly log: (line: string) => void;
  /** Sees every step, before its effects take place (a trace writer). */
  readonly onStep?: StepObserver<any, any,
    any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Called once a turn's records are durable, before its sends (a trace writer flushes). */
  readonly onDurable?: () => void;
}

export interface ReplyWaiter {
  readonly resolve: (result: unknown) => void;
}

/** What a live node offers the HTTP layer and the tests. */
export interface RunningNode {
  readonly name: string;
  /** Hands a client call to the reducer; `waiter` hears the reply (if one ever comes). */
  readonly call: (call: ClientCall, waiter: ReplyWaiter) => void;
  readonly cancel: (call: ClientCall, waiter: ReplyWaiter) => void;
  readonly status: () => Record<string, unknown>;
  readonly peers: Peers;
  readonly stop: () => Promise<void>;
}

const rand = () => randomInt(0, 2 ** 32 - 1);
const key = (client: number, seq: number) => `${client}:${seq}`;

export async function startNode<S, I, E, M>(
  p: Protocol<S, I, E, M>, cfg: NodeConfig,
): Promise<RunningNode> {
  const self = cfg.members[cfg.id]!;
  const store: Store = openStore(cfg.dataDir);
  const { torn } = store.recovered;
  if (torn !== null) {
    cfg.log(`recovered: cut a torn tail of ${torn.bytes} bytes at byte ${torn.offset} of ` +
      `${torn.file}`);
  }
  let state = p.boot(cfg.id, cfg.members.length, store.recovered.snapshot, store.recovered.records);
  const queue: I[] = [];
  const waiters = new Map<string, ReplyWaiter[]>();
  const timers = new Set<NodeJS.Timeout>();
  let scheduled = false;
  let stopped = false;

  const enqueue = (input: I) => {
    if (stopped) return;
    queue.push(input);
    if (!scheduled) {
      scheduled = true;
      setImmediate(turn);
    }
  };
  const send = (to: number, msg: M) => {
    if (to === cfg.id) enqueue(p.deliver(msg, rand()));
    else peers.send(cfg.members[to]!.name, msg);
  };
  function turn(): void {
    scheduled = false;
    if (stopped || queue.length === 0) return;
    const inputs = queue.splice(0, queue.length);
    const { state: next, batch } = drive(p, state, inputs, cfg.onStep);
    state = next;
    store.append(batch.persist); // fsync: nothing below leaves before the records are durable
    cfg.onDurable?.();
    for (const e of batch.after) {
      if (e.kind === 'send') {
        if (e.to === 'all') cfg.members.forEach((_, i) => send(i, e.msg));
        else send(e.to, e.msg);
      } else if (e.kind === 'reply') {
        const list = waiters.get(key(e.client, e.seq)) ?? [];
        waiters.delete(key(e.client, e.seq));
        for (const w of list) w.resolve(e.result);
      } else {
        const t = setTimeout(() => {
          timers.delete(t);
          enqueue(p.timer(e.timer, rand()));
        }, e.ticks * cfg.tickMs);
        timers.add(t);
      }
    }
    if (store.logBytes() > cfg.compactBytes) store.compact(p.durable(state));
  }

  const peers = await startPeers({
    self,
    others: cfg.members.filter((_, i) => i !== cfg.id),
    secret: cfg.secret,
    log: cfg.log,
    onFrame(peer, frame) {
      const msg = p.decode(frame);
      if (typeof msg === 'string') cfg.log(`dropped a frame from ${peer}: ${msg}`);
      else enqueue(p.deliver(msg, rand()));
    },
  });
  if (p.start !== undefined) enqueue(p.start(state, rand()));
  return {
    name: self.name,
    peers,
    call(call, waiter) {
      const k = key(call.client, call.seq);
      waiters.set(k, [...(waiters.get(k) ?? []), waiter]);
      enqueue(p.request(call, rand()));
    },
    cancel(call, waiter) {
      const k = key(call.client, call.seq);
      const rest = (waiters.get(k) ?? []).filter((w) => w !== waiter);
      if (rest.length === 0) waiters.delete(k);
      else waiters.set(k, rest);
    },
    status: () => {
      const shown = p.status(state);
      const leader = shown['leader'];
      // The reducer knows servers by index; people know them by name.
      if (typeof leader === 'number') shown['leader'] = cfg.members[leader]?.name ?? leader;
      return { name: self.name, ...shown, peers: peers.connected() };
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await peers.close();
      store.close();
    },
  };
}
