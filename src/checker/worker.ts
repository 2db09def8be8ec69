/**
 * A worker thread of the engine (parallel.ts): builds its copy of the model, then expands each
 * batch of source ids it is sent (expansion.ts), reading the sources from the store's shared
 * chunks, and posts the records back on its port, bumping its counter so the main thread wakes.
 * A failure is posted as a message, never left to hang the main thread.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { Model } from './engine.js';
import { expandBatch } from './expansion.js';
import type { WorkerModel } from './parallel.js';
import { CHUNK_BITS, CHUNK_STATES } from './store.js';

interface Data {
  readonly model: WorkerModel;
  readonly symmetry: boolean;
  readonly flags: Int32Array;
  readonly index: number;
  readonly port: MessagePort;
  readonly words: number;
}

interface Task {
  readonly from: number;
  readonly to: number;
  readonly chunks: readonly [number, SharedArrayBuffer][];
}

const data = workerData as Data;
const chunks: Uint32Array[] = [];

function post(message: unknown, transfer: ArrayBuffer[] = []): void {
  data.port.postMessage(message, transfer);
  Atomics.add(data.flags, data.index, 1);
  Atomics.notify(data.flags, data.index);
}

let model: Model | null = null;
try {
  const m = (await import(data.model.module)) as Record<string, (args: unknown) => Model>;
  model = m[data.model.exportName]!(data.model.args);
  if (model.words !== data.words) throw new Error('the worker built a different model');
} catch (e) {
  post({ error: String(e) });
}

parentPort!.on('message', (task: Task) => {
  try {
    if (model === null) throw new Error('no model');
    for (const [k, buffer] of task.chunks) chunks[k] = new Uint32Array(buffer);
    const W = data.words;
    const buf = expandBatch(model, { symmetry: data.symmetry }, task.to - task.from, (i) => {
      const id = task.from + i;
      return [chunks[id >>> CHUNK_BITS]!, (id & (CHUNK_STATES - 1)) * W];
    });
    post({ buf }, [buf.buffer as ArrayBuffer]);
  } catch (e) {
    post({ error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
});
