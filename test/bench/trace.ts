/**
 * Benchmark of the trace checker (issue 4, section 7): events per second on generated, fully
 * logged traces of 1 and 10 million events, streamed from a temporary file (generated first,
 * never committed, deleted after), with the memory it took; the same length over a bounded spec
 * state (retransmissions) to show memory follows the spec state, not the trace; and a 3,000-line
 * partial trace whose hidden 1a/1b steps the search must infer.
 *
 * Flags: --trace-quick (1 M only, one run each), --trace-runs=N (runs per figure, default 3),
 * --trace-styles (only the table of logging styles: names, ballots, "x-" messages).
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createChecker, type Checker } from '../../src/trace/checker.js';
import { collectEvents, readTrace } from '../../src/trace/reader.js';
import { checkPartial } from '../../src/trace/partial.js';
import { fullTrace, partialTrace, SPEC_STYLE, type TraceStyle } from './trace-gen.js';
import { median } from './stats.js';

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

async function writeTrace(file: string, events: number, ballotsMax: number,
  style: TraceStyle = SPEC_STYLE): Promise<void> {
  const out = createWriteStream(file);
  for (const chunk of fullTrace(events, ballotsMax, style)) {
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e)
    : resolve())));
}

interface Figure { events: number; wallMs: number; cpuMs: number; heapMiB: number; verdict: string }

/** A full collection, so that the heap measured is what the checker holds, not garbage. */
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * The memory the process holds: the JavaScript heap, and the typed arrays' backing stores,
 * which live outside it (the checker's packed state, src/trace/state.ts, is such arrays).
 */
const held = (): number => v8.getHeapStatistics().used_heap_size
  + process.memoryUsage().arrayBuffers;

/**
 * One check of a fully logged trace, as run.ts's checkTrace does it (reader, then checker), but
 * keeping the checker alive to the end: the heap figure is measured after a full collection with
 * the checker's state (the spec state) still held.
 */
async function checkFile(file: string): Promise<Figure> {
  gc();
  const heap0 = held();
  let checker: Checker | null = null;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outcome = await readTrace(createReadStream(file, { highWaterMark: 1 << 20 }), {
    header: (c, n) => { checker = createChecker(c, n); },
    event: (e, line) => (checker as unknown as Checker).event(e, line),
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  gc();
  const heldBytes = held() - heap0;
  const summary = (checker as Checker | null)?.summary();
  const verdict = outcome.kind === 'problem' ? 'unreadable'
    : (summary?.rejections.length ?? 0) > 0 ? 'rejected' : 'accepted';
  return {
    events: summary?.events ?? 0, wallMs, cpuMs: (cpu.user + cpu.system) / 1000,
    heapMiB: Number(mib(heldBytes)), verdict,
  };
}

export async function run(log: (line: string) => void, flags: readonly string[]): Promise<void> {
  const quick = flags.includes('--trace-quick');
  const runs = Number(flags.find((f) => f.startsWith('--trace-runs='))?.split('=')[1] ?? (quick ? 1
    : 3));
  if (flags.includes('--trace-styles')) {
    await styles(log, quick ? 200_000 : 1_000_000, runs);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'synod-bench-trace-'));
  log('| trace | events | runs | median wall | median CPU | events/s (wall) | events/s (CPU) | ' +
    'heap held | verdict |');
  log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  const cases: [string, number, number][] = [
    ['fully logged, fresh ballots', 1_000_000, Infinity],
    ['fully logged, 100 ballots resent', 1_000_000, 100],
  ];
  if (!quick) cases.push(['fully logged, fresh ballots', 10_000_000, Infinity],
    ['fully logged, 100 ballots resent', 10_000_000, 100]);
  try {
    for (const [name, events, ballotsMax] of cases) {
      const file = path.join(dir, 'trace.jsonl');
      await writeTrace(file, events, ballotsMax);
      const n = events >= 10_000_000 ? Math.min(runs, 1) : runs;
      const figures: Figure[] = [];
      for (let i = 0; i < n; i++) figures.push(await checkFile(file));
      rmSync(file);
      const wall = median(figures.map((f) => f.wallMs));
      const cpu = median(figures.map((f) => f.cpuMs));
      const f = figures[0] as Figure;
      log(`| ${name} | ${f.events.toLocaleString('en')} | ${n} | ${(wall / 1000).toFixed(2)} s | ` +
        `${(cpu / 1000).toFixed(2)} s | ` +
        `${Math.round(f.events / wall * 1000).toLocaleString('en')} | ${Math.round(f.events / cpu * 1000).toLocaleString('en')} | ` +
        `${median(figures.map((x) => x.heapMiB))} MiB | ${f.verdict} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await styles(log, quick ? 200_000 : 1_000_000, runs);
  partial(log, quick ? 1 : 5);
  log('');
  log('Command: `npm run bench -- trace` (flags `--trace-quick`, `--trace-runs=N`). CPU time ' +
    'includes GC threads. Heap held: heap and array buffers after a full collection, with the ' +
    'checker (the spec state) still alive, less the same before the run.');
}

/**
 * The same run written in each style a logger may choose (issue 7, section 4: [round,
 * "proposer"] ballots with classic names must check as fast as numbers with 1a/1b; section 6:
 * "x-" messages must not take the slow path). Runs interleave the styles, so that the machine's
 * load falls on all of them alike; ratios are CPU time against the spec style's.
 */
async function styles(log: (line: string) => void, events: number, runs: number): Promise<void> {
  const all: [string, TraceStyle][] = [
    ['numbers, 1a..2b', SPEC_STYLE],
    ['[round, "proposer"], 1a..2b', { ...SPEC_STYLE, ballots: 'pairs' }],
    ['numbers, prepare..accepted', { ...SPEC_STYLE, names: 'classic' }],
    ['[round, "proposer"], prepare..accepted', { ...SPEC_STYLE, ballots: 'pairs',
      names: 'classic' }],
    ['numbers, 1a..2b, an "x-" message after each line', { ...SPEC_STYLE, extensions: true }],
  ];
  const dir = mkdtempSync(path.join(tmpdir(), 'synod-bench-styles-'));
  try {
    const files = all.map((_, i) => path.join(dir, `style-${i}.jsonl`));
    for (const [i, [, style]] of all.entries()) {
      await writeTrace(files[i] as string, events, Infinity, style);
    }
    const figures: Figure[][] = all.map(() => []);
    for (let r = 0; r < runs; r++) {
      for (const [i, file] of files.entries()) (figures[i] as Figure[]).push(await checkFile(file));
    }
    const perEvent = (fs: Figure[]): number => median(fs.map((f) => f.cpuMs)) /
      (fs[0] as Figure).events;
    const base = perEvent(figures[0] as Figure[]);
    log('');
    log('| style (same run, fresh ballot every 26 spec events) | events | runs | median wall | ' +
      'median CPU | events/s (CPU) | CPU per event / first row | verdict |');
    log('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const [i, [name]] of all.entries()) {
      const fs = figures[i] as Figure[];
      const f = fs[0] as Figure;
      const cpu = median(fs.map((x) => x.cpuMs));
      const wall = median(fs.map((x) => x.wallMs));
      const rate = Math.round(f.events / cpu * 1000).toLocaleString('en');
      log(`| ${name} | ${f.events.toLocaleString('en')} | ${runs} | ` +
        `${(wall / 1000).toFixed(2)} s | ${(cpu / 1000).toFixed(2)} s | ${rate} | ` +
        `${(perEvent(fs) / base).toFixed(2)} | ${f.verdict} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function partial(log: (line: string) => void, runs: number): void {
  const text = partialTrace(3000);
  const times: number[] = [];
  let summary = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const read = collectEvents(text);
    if (!read.ok) throw new Error(read.problem.message);
    const r = checkPartial(read.cluster, read.names, read.events, 1_000_000);
    times.push(performance.now() - t0);
    summary = `${r.accepted ? 'accepted' : 'rejected'}, ${r.inferred} hidden steps inferred, ${r.choicePoints} ambiguous lines`;
  }
  log('');
  log('| partial trace | lines | runs | median time | result |');
  log('|---|---:|---:|---:|---|');
  log(`| 2a/2b sends and learns only, hidden 1a/1b | 3,000 | ${runs} | ${median(times).toFixed(0)} ms | ${summary} |`);
}
