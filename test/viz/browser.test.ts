/**
 * The pages of `synod view` in a real browser: Debian's chromium (/usr/bin/chromium), driven
 * headless by playwright-core (no browser download). Each page is generated from a real verdict
 * (pages.ts), opened from a file, and must draw without a single console error: the rejected
 * trace and the counterexample open at their violation with the witness highlighted, clicking a
 * step shows the spec state after it, the keyboard steps, and the filters hide what they say.
 *
 * Skipped, saying so, only when chromium is not installed here; .ci/run installs it, so CI always
 * runs these.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  counterexamplePage, historyPage, multiPaxosPage, rejectedTracePage,
} from './pages.js';

const CHROMIUM = '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) {
  console.warn(`test/viz/browser.test.ts: skipped: ${CHROMIUM} is not installed ` +
    '(apt-get install -y chromium; .ci/run does it)');
}

describe.skipIf(!present)('synod view pages in chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const errors: string[] = [];

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => void errors.push(e.message));
    dir = mkdtempSync(join(tmpdir(), 'synod-view-'));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  async function open(name: string, html: string): Promise<void> {
    const file = join(dir, name);
    writeFileSync(file, html);
    errors.length = 0;
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-ready="true"]');
  }

  const text = async (selector: string): Promise<string> =>
    (await page.locator(selector).first().textContent()) ?? '';

  it('opens a rejected trace at its rule, with the witness highlighted', async () => {
    await open('rejected.html', await rejectedTracePage());
    expect(await text('#violation')).toMatch(/^R1: s2 accepted a proposal in ballot 1/);
    const at = page.locator('.row.violation');
    expect(await at.getAttribute('class')).toContain('sel');
    expect(await at.textContent()).toContain('L9');
    expect(await page.locator('.row.witness').count()).toBeGreaterThanOrEqual(2);
    expect(await text('#heads .witness')).toBe('s2');
    expect(await page.locator('#overlay .msg.witness').count()).toBeGreaterThan(0);
    expect(await text('#state')).toContain('Violation here: R1');
    expect(errors).toEqual([]);
  }, 20_000);

  it('shows the spec state after a clicked step, and what it changed', async () => {
    await page.locator('.row[data-event="2"]').click();
    expect(await text('#state h2')).toBe('Step #2 of 8, line 4');
    expect(await text('[data-cell="s2.maxBal"]')).toBe('1');
    expect(await page.locator('[data-cell="s2.maxBal"]').getAttribute('class')).toBe('changed');
    expect(await text('[data-cell="s2.maxVBal"]')).toBe('-1');
    expect(await text('#state .changes')).toContain('s2.maxBal: -1 \u2192 1');
    await page.keyboard.press('j');
    expect(await text('#state h2')).toBe('Step #3 of 8, line 5');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('k');
    expect(await text('#state h2')).toBe('Step #1 of 8, line 3');
    await page.keyboard.press('v');
    expect(await text('#state h2')).toBe('Step #7 of 8, line 9');
    expect(errors).toEqual([]);
  }, 20_000);

  it('hides a lane when its box is unticked', async () => {
    await page.locator('#toolbar input[data-lane="2"]').uncheck();
    expect(await page.locator('#heads div').allTextContents()).toEqual(['s1', 's2']);
    expect(await page.locator('.row').count()).toBe(7);
    expect(errors).toEqual([]);
  }, 20_000);

  it('opens a counterexample at Consistency, two values chosen, the quorum highlighted',
    async () => {
      await open('counterexample.html', counterexamplePage());
      expect(await text('#violation .rule')).toBe('Consistency');
      expect(await page.locator('#heads .witness').count()).toBeGreaterThanOrEqual(2);
      const chosen = await page.locator('#state ul.chosen li').allTextContents();
      expect(chosen.join(' ')).toMatch(/^"v\d" \(ballot \d\), "v\d" \(ballot \d\)$/);
      expect(errors).toEqual([]);
    }, 20_000);

  it('draws a Multi-Paxos run with per-slot state and a slot filter', async () => {
    await open('multipaxos.html', await multiPaxosPage(join(dir, 'mp.html')));
    const all = await page.locator('.row').count();
    await page.locator('#slot').fill('0');
    await page.locator('.row').first().click();
    expect(await text('#state table th')).toBe('acceptor [slot 0]');
    await page.keyboard.press('End');
    expect(await page.locator('.row').count()).toBeLessThan(all);
    expect(await page.locator('#state ul.chosen li').first().textContent()).toMatch(/^slot 0: /);
    expect(errors).toEqual([]);
  }, 20_000);

  it('shows a history\'s longest linearizable prefix and the call that cannot be placed',
    async () => {
      await open('history.html', historyPage());
      expect(await text('#violation .rule')).toBe('linearizability');
      expect(await page.locator('#overlay .op.unplaced').count()).toBe(1);
      expect(await page.locator('#overlay .point').count()).toBe(2);
      expect(await text('#verdict')).toContain('longest linearizable prefix 2 of 3');
      expect(errors).toEqual([]);
    }, 20_000);
});
