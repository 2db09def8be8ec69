/**
 * Benchmark of `synod view` on long runs: a simulated single-decree run of about N events
 * (default 100,000; faults on, so messages are lost, duplicated and reordered, and servers
 * crash), written as a trace, then (1) read, judged by the trace checker and its client calls
 * checked, (2) rendered to one HTML page, (3) opened in Debian's chromium headless until the
 * page says it is ready, (4) stepped to the last event (End) and (5) scrolled to the middle.
 * Each browser figure is the median of --runs opens (default 3) in one browser; the bar
 * is that 100,000 events open "in a few seconds".
 *
 * Flags: --events=N (simulated steps; about one trace line each), --runs=N, --seed=N.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ALL_FAULTS } from '../../src/sim/faults.js';
import { simulate } from '../../src/sim/simulate.js';
import { traceObserver } from '../../src/sim/trace.js';
import { worldConfig } from '../../src/sim/world.js';
import { linearizability } from '../../src/cli/sim-history.js';
import { traceView } from '../../src/cli/view.js';
import { renderPage } from '../../src/viz/page.js';
import { traceRun } from '../../src/viz/trace.js';
import { median } from './stats.js';

const CHROMIUM = '/usr/bin/chromium';

function flag(args: readonly string[], name: string, fallback: number): number {
  const raw = args.find((a) => a.startsWith(`--${name}=`));
  return raw === undefined ? fallback : Number(raw.slice(name.length + 3));
}


const ms = (x: number): string => `${Math.round(x)} ms`;

export async function run(log: (line: string) => void, args: readonly string[]): Promise<void> {
  const steps = flag(args, 'events', 100_000);
  const runs = flag(args, 'runs', 3);
  const seed = flag(args, 'seed', 1);
  const options = { servers: 3, clients: 3, seed, steps, faults: ALL_FAULTS,
    properties: 'off' as const, history: linearizability() };
  const lines: string[] = [];
  simulate({ ...options, observers: [traceObserver(worldConfig(options), (l) => void
    lines.push(l))] });
  const text = lines.join('');
  let t = performance.now();
  traceRun(text, 'simulation', 'model only', true);
  const modelMs = performance.now() - t;
  t = performance.now();
  const view = await traceView(text, `simulate seed ${seed}`, 'simulation');
  const readMs = performance.now() - t;
  t = performance.now();
  const html = renderPage(view);
  const renderMs = performance.now() - t;
  log(`simulate --seed ${seed} --steps ${steps} --faults all: ${view.events.length} events, ` +
    `${view.messages.length} messages, ${view.ops.length} client calls; ` +
    `page ${(html.length / 2 ** 20).toFixed(1)} MiB`);
  log('');
  log('| step | time |');
  log('|---|---|');
  log(`| read into the run model (traceRun, lines already decoded) | ${ms(modelMs)} |`);
  log(`| the same with the trace checker and linearizability (traceView) | ${ms(readMs)} |`);
  log(`| render the page (renderPage) | ${ms(renderMs)} |`);
  if (!existsSync(CHROMIUM)) {
    log(`| open in chromium | skipped: ${CHROMIUM} is not installed |`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'synod-bench-view-'));
  const file = join(dir, 'view.html');
  writeFileSync(file, html);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const open: number[] = [];
    const end: number[] = [];
    const scroll: number[] = [];
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      await page.goto(`file://${file}`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
      open.push(performance.now() - t);
      t = performance.now();
      await page.keyboard.press('End');
      await page.waitForSelector(`.row.sel[data-event="${view.events.length - 1}"]`);
      end.push(performance.now() - t);
      t = performance.now();
      // Strings, evaluated in the page (this file is compiled without the DOM's types).
      await page.evaluate('(s => { s.scrollTop = s.scrollHeight / 2; })' +
        '(document.getElementById("scroll"))');
      await page.waitForFunction('Number((document.querySelector(".row") || { getAttribute: ' +
        '() => 0 }).getAttribute("data-event")) > 1000');
      scroll.push(performance.now() - t);
    }
    log(`| open in chromium until ready (median of ${runs}) | ${ms(median(open))} |`);
    log(`| step to the last event, End (median) | ${ms(median(end))} |`);
    log(`| scroll to the middle and redraw (median) | ${ms(median(scroll))} |`);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
