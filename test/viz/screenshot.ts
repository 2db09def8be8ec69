/**
 * The screenshots in docs/img/ of docs/viewer.md, taken from real verdicts (pages.ts) in
 * Debian's chromium: the model checker's counterexample to Consistency for a Phase2a that
 * ignores the votes reported in 1b, and the trace checker's R1 rejection of
 * traces/invalid/r1-vote-below-promise.jsonl. Run it again when the page changes:
 *
 *     node_modules/.bin/tsx test/viz/screenshot.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { counterexamplePage, rejectedTracePage } from './pages.js';

const out = new URL('../../docs/img/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'synod-shot-'));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 760 } });
  const shots: [string, string][] = [
    ['view-counterexample.png', counterexamplePage()],
    ['view-rejected-trace.png', await rejectedTracePage()],
  ];
  for (const [name, html] of shots) {
    const file = join(dir, name.replace(/\.png$/, '.html'));
    writeFileSync(file, html);
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.screenshot({ path: join(out, name) });
    process.stdout.write(`wrote docs/img/${name}\n`);
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
