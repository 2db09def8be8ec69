/**
 * Benchmark of the Multi-Paxos (v2) trace checker and of the merge of per-node logs (issue 10,
 * section 5): events per second on generated, fully logged stable-leader runs (one phase 1 for
 * every slot, then pipelined phase 2: the leader's 2a, each acceptor's receive and 2b, the
 * leader's receives, a learn and an apply per replica and slot, client calls, a compaction every
 * 1,024 slots), 3 and 5 servers, streamed from a temporary file (deleted after), with the peak
 * memory sampled while checking; and the merge
 * of 5 per-node logs of that shape.
 *
 * Flags: --mp-events=N (events per trace, default 10,000,000), --mp-merge=N (events per node
 * log, default 2,000,000), --mp-window=W (slots in flight, default 8).
 */
import {
  createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { checkTraceV2 } from '../../src/trace/multipaxos/run.js';
import { mergeLogs } from '../../src/trace/merge.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const flag = (args: readonly string[], name: string, fallback: number): number => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? fallback : Number(a.slice(name.length + 3));
};

/**
 * The lines of a stable-leader run, each with the node that logs it: `events` lines after the
 * header(s), `window` slots in flight at a time.
 */
export function* stableLeader(servers: number, events: number, window: number):
  Generator<[number, string]> {
  const names = Array.from({ length: servers }, (_, i) => `s${i + 1}`);
  const bal = '[1,"s1"]';
  let n = 0;
  const emit = function* (node: number, line: string): Generator<[number, string]> {
    n++;
    yield [node, line];
  };
  yield* emit(0, `{"ev":"send","node":"s1","msg":{"type":"1a","bal":${bal},"from":0}}`);
  for (let a = 0; a < servers; a++) {
    const m = `{"type":"1b","acc":"${names[a]}","bal":${bal},"from":0,"votes":[]}`;
    yield* emit(a, `{"ev":"send","node":"${names[a]}","msg":${m}}`);
    yield* emit(0, `{"ev":"recv","node":"s1","msg":${m}}`);
  }
  // One client per slot in flight, each with one call per round: seq = round + 1.
  for (let base = 0; n < events; base += window) {
    const seq = base / window + 1;
    for (let s = base; s < base + window; s++) {
      yield* emit(0, `{"ev":"invoke","client":"c${s - base}","seq":${seq},"op":"put",` +
        `"key":"k${s % 16}","val":"v${s}"}`);
      yield* emit(0, `{"ev":"send","node":"s1","msg":{"type":"2a","bal":${bal},` +
        `"slot":${s},"val":"c${s}"}}`);
    }
    for (let s = base; s < base + window; s++) {
      for (let a = 0; a < servers; a++) {
        const m = `{"type":"2b","acc":"${names[a]}","bal":${bal},"slot":${s},"val":"c${s}"}`;
        yield* emit(a, `{"ev":"recv","node":"${names[a]}","msg":{"type":"2a",` +
          `"bal":${bal},"slot":${s},"val":"c${s}"}}`);
        yield* emit(a, `{"ev":"send","node":"${names[a]}","msg":${m}}`);
        yield* emit(0, `{"ev":"recv","node":"s1","msg":${m}}`);
      }
      for (let a = 0; a < servers; a++) {
        yield* emit(a, `{"ev":"learn","node":"${names[a]}","slot":${s},"val":"c${s}"}`);
        yield* emit(a, `{"ev":"apply","node":"${names[a]}","slot":${s},"val":"c${s}",` +
          `"cmds":[{"client":"c${s - base}","seq":${seq}}]}`);
      }
    }
    for (let s = base; s < base + window; s++) {
      yield* emit(0, `{"ev":"return","client":"c${s - base}","seq":${seq},"ok":true,` +
        '"val":null}');
    }
    // Each replica compacts every 1,024 slots: the declared prefix the checker summarizes.
    const upTo = base + window;
    if (upTo % 1024 === 0) {
      for (let a = 0; a < servers; a++) {
        yield* emit(a, `{"ev":"compact","node":"${names[a]}","upTo":${upTo}}`);
      }
    }
  }
}

export const header = (servers: number, node?: string): string => JSON.stringify({
  format: 'synod.trace', version: 2, cluster: { acceptors: Array.from({ length: servers }, (_, i) => `s${i + 1}`) },
  ...(node === undefined ? {} : { node }) });

async function writeAll(outs: WriteStream[], lines: Iterable<[number, string]>,
  perNode: boolean): Promise<void> {
  const bufs: string[][] = outs.map(() => []);
  const flush = async (i: number): Promise<void> => {
    const out = outs[i] as WriteStream;
    if (!out.write(`${(bufs[i] as string[]).join('\n')}\n`)) {
      await new Promise<void>((r) => out.once('drain', () => r()));
    }
    bufs[i] = [];
  };
  for (const [node, line] of lines) {
    const i = perNode ? node : 0;
    (bufs[i] as string[]).push(line);
    if ((bufs[i] as string[]).length >= 4096) await flush(i);
  }
  for (let i = 0; i < outs.length; i++) if ((bufs[i] as string[]).length > 0) await flush(i);
  await Promise.all(outs.map((o) => new Promise<void>((r) => o.end(() => r()))));
}

export async function run(log: (line: string) => void, args: readonly string[]): Promise<void> {
  const events = flag(args, 'mp-events', 10_000_000);
  const perNode = flag(args, 'mp-merge', 2_000_000);
  const window = flag(args, 'mp-window', 8);
  const dir = mkdtempSync(path.join(tmpdir(), 'synod-mp-bench-'));
  try {
    log('| trace | events | wall s | events/s | peak heap+arrays MiB | verdict |');
    log('|---|---:|---:|---:|---:|---|');
    for (const servers of [3, 5]) {
      const file = path.join(dir, `mp${servers}.jsonl`);
      const out = createWriteStream(file);
      out.write(`${header(servers)}\n`);
      await writeAll([out], stableLeader(servers, events, window), false);
      gc();
      // The most memory held while checking (sampled between chunks), not after.
      let peak = 0;
      const sample = (): void => {
        const m = process.memoryUsage();
        peak = Math.max(peak, m.heapUsed + m.arrayBuffers);
      };
      const timer = setInterval(sample, 100);
      const t0 = performance.now();
      const r = await checkTraceV2(createReadStream(file, { highWaterMark: 1 << 20 }));
      const wall = (performance.now() - t0) / 1000;
      clearInterval(timer);
      const n = r.summary?.events ?? 0;
      log(`| stable leader, ${servers} servers, window ${window} | ${n} | ${wall.toFixed(1)} | ` +
        `${Math.round(n / wall)} | ${(peak / 2 ** 20).toFixed(0)} ` +
        `| ${r.verdict} (${r.summary?.slotsChosen} slots chosen) |`);
      rmSync(file);
    }
    const outs = Array.from({ length: 5 }, (_, i) => {
      const o = createWriteStream(path.join(dir, `s${i + 1}.jsonl`));
      o.write(`${header(5, `s${i + 1}`)}\n`);
      return o;
    });
    await writeAll(outs, stableLeader(5, perNode * 5, window), true);
    const t0 = performance.now();
    let bytes = 0;
    const m = await mergeLogs(Array.from({ length: 5 }, (_, i) => ({ name: `s${i + 1}`,
      chunks: createReadStream(path.join(dir, `s${i + 1}.jsonl`), { highWaterMark: 1 << 20 }) })),
    (l) => { bytes += l.length; });
    const wall = (performance.now() - t0) / 1000;
    log('');
    log('| merge | events | wall s | events/s | output MiB | unmatched receives |');
    log('|---|---:|---:|---:|---:|---:|');
    log(`| 5 per-node logs, stable leader | ${m.events} | ${wall.toFixed(1)} | ` +
      `${Math.round(m.events / wall)} | ${(bytes / 2 ** 20).toFixed(0)} | ${m.unmatched.length} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
