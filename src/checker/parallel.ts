/**
 * Worker threads for the engine: they expand batches of consecutive state ids (expansion.ts)
 * while the main thread stores the targets, in id order, as they come back. The store's chunks
 * are SharedArrayBuffers, so a worker reads its sources where they are stored; each chunk is
 * handed to each worker once, with the first batch that needs it.
 *
 * The engine's check() is synchronous, so results are received with receiveMessageOnPort and
 * waited for with Atomics.wait on a counter each worker bumps after posting (a worker's batches
 * come back in the order it was given them; batch k goes to worker k mod count).
 *
 * A worker builds its own copy of the model from a module, an export and JSON arguments
 * (WorkerModel): a model is closures and cannot be sent. Left out: work stealing (batches are
 * small and dealt round robin), and running the main thread's share of expansions itself.
 */
import {
  MessageChannel, type MessagePort, receiveMessageOnPort, Worker,
} from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { RECORD_HEAD } from './expansion.js';
import { CHUNK_BITS, type StateStore } from './store.js';

/** How a worker builds the model: `(await import(module))[exportName](args)`. */
export interface WorkerModel {
  readonly module: string;
  readonly exportName: string;
  readonly args: unknown;
}

/** The URL of a module beside `metaUrl`, in the same form (.ts under tsx or vitest, else .js). */
export function siblingModule(metaUrl: string, name: string): string {
  const ext = metaUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, metaUrl).href;
}

/**
 * A worker's first code: loads worker.ts (through tsx when it is TypeScript) and posts any
 * failure to load it, so that the main thread, waiting synchronously, never waits forever.
 */
const BOOT = `(async () => {
  const { workerData: d } = await import('node:worker_threads');
  try {
    if (d.tsx !== '') (await import(require('node:url').pathToFileURL(d.tsx).href)).register();
    await import(d.entry);
  } catch (e) {
    d.port.postMessage({ error: String(e && e.stack || e) });
    Atomics.add(d.flags, d.index, 1);
    Atomics.notify(d.flags, d.index);
  }
})();`;

/** tsx's ESM API (its CommonJS build cannot register the loader from a worker). */
function tsxLoader(): string {
  const dir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  return `${dir}/dist/esm/api/index.mjs`;
}

/** Sources per batch: large enough to amortize a message, small enough to keep both busy. */
const BATCH = 256;
/** Batches in flight per worker. */
const AHEAD = 4;

interface Batch {
  readonly from: number;
  readonly to: number;
  readonly worker: number;
}

/** The steps from one source: n records from `at` in buf (and its word view). */
export interface Expansion {
  readonly buf: Int32Array;
  readonly words: Uint32Array;
  readonly at: number;
  readonly n: number;
}

export class Pool {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly sent: number[] = [];
  private readonly flags = new Int32Array(new SharedArrayBuffer(4 * 16));
  private readonly inFlight: Batch[] = [];
  private dispatched = 0;
  private batches = 0;
  private current: { batch: Batch; buf: Int32Array; words: Uint32Array; next: number } | null =
    null;
  private readonly record: number;

  constructor(
    count: number, model: WorkerModel, symmetry: boolean, private readonly store: StateStore,
  ) {
    if (!(Number.isInteger(count) && count >= 1 && count <= 16)) {
      throw new RangeError(`workers ${count}: 1..16`);
    }
    this.record = RECORD_HEAD + store.words;
    const entry = siblingModule(import.meta.url, 'worker');
    // Under tsx or vitest the sources are TypeScript, which a worker loads only through tsx's
    // loader, registered in the worker itself (--import in a worker's execArgv is not honoured).
    const tsx = entry.endsWith('.ts') ? tsxLoader() : '';
    for (let i = 0; i < count; i++) {
      const { port1, port2 } = new MessageChannel();
      const w = new Worker(BOOT, {
        eval: true,
        workerData: { model, symmetry, flags: this.flags, index: i, port: port2,
          words: store.words, entry, tsx },
        transferList: [port2],
      });
      w.unref();
      this.workers.push(w);
      this.ports.push(port1);
      this.sent.push(0);
    }
  }

  /** The steps from source id; ids must be asked for in order, each once. */
  next(id: number): Expansion {
    let c = this.current;
    if (c === null || id >= c.batch.to) {
      this.fill(id);
      c = this.receive();
    }
    if (id < c.batch.from) throw new Error(`checker bug: source ${id} asked for out of order`);
    const n = c.buf[id - c.batch.from]!;
    const e = { buf: c.buf, words: c.words, at: c.next, n };
    c.next += n * this.record;
    return e;
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
    for (const p of this.ports) p.close();
  }

  /** Deals out batches of stored, not yet dispatched sources, up to AHEAD per worker. */
  private fill(id: number): void {
    if (this.dispatched < id) this.dispatched = id;
    const limit = AHEAD * this.workers.length;
    while (this.inFlight.length < limit && this.dispatched < this.store.count) {
      const from = this.dispatched;
      const to = Math.min(from + BATCH, this.store.count);
      const worker = this.batches++ % this.workers.length;
      const chunks: [number, SharedArrayBuffer][] = [];
      const last = (to - 1) >>> CHUNK_BITS;
      for (let k = this.sent[worker]!; k <= last; k++) {
        chunks.push([k, this.store.chunks[k]!.buffer as SharedArrayBuffer]);
      }
      this.sent[worker] = Math.max(this.sent[worker]!, last + 1);
      this.workers[worker]!.postMessage({ from, to, chunks });
      this.inFlight.push({ from, to, worker });
      this.dispatched = to;
    }
  }

  /** Waits for the oldest batch in flight. */
  private receive(): NonNullable<Pool['current']> {
    const batch = this.inFlight.shift();
    if (batch === undefined) throw new Error('checker bug: no batch in flight');
    const port = this.ports[batch.worker]!;
    for (;;) {
      const seen = Atomics.load(this.flags, batch.worker);
      const got = receiveMessageOnPort(port);
      if (got !== undefined) {
        const m = got.message as { buf?: Int32Array; error?: string };
        if (m.buf === undefined) throw new Error(`checker worker failed: ${m.error}`);
        const words = new Uint32Array(m.buf.buffer, m.buf.byteOffset, m.buf.length);
        const sources = batch.to - batch.from;
        this.current = { batch, buf: m.buf, words, next: sources };
        return this.current;
      }
      Atomics.wait(this.flags, batch.worker, seen, 1000);
    }
  }
}
