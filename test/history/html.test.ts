/**
 * `synod history check --html FILE`: the page of the history and its verdict, as `synod view`
 * draws it (the browser tests of test/viz check what such pages show).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synod } from '../synod.js';

const DATA = 'test/history/testdata/porcupine';

describe('synod history check --html', () => {
  it('writes a self-contained page of a history that is not linearizable, exit 1 as without it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'synod-hist-html-')), 'h.html');
    const r = await synod('history', 'check', `${DATA}/c01-bad.txt`, '--model', 'kv', '--html', out);
    expect(r.code).toBe(1);
    const page = readFileSync(out, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']https?:/i);
    expect(page).toContain('get(\\"7\\")');
  });

  it('draws one history: two files with --html are a usage error', async () => {
    const r = await synod('history', 'check', `${DATA}/c01-ok.txt`, `${DATA}/c01-bad.txt`,
      '--model', 'kv', '--html', '/tmp/never-written.html');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--html draws one history');
  });
});
