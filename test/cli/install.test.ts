/**
 * The packed package installs and runs (issue 7, section 4): `npm pack`, `npm install -g` of the
 * tarball into a temporary prefix, then `synod` from another directory. It uses the dist/ that
 * `npm ci` builds (the package's `prepare`); the install fetches the three runtime dependencies
 * through npm's cache.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'synod-install-'));
const npm = (...args: string[]): string => execFileSync('npm', args, { cwd: root,
  encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('the packed package', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs globally and runs as `synod` from another directory', () => {
    expect(existsSync(join(root, 'dist/src/cli/main.js')), 'dist/ is built by npm ci; ' +
      'run npm run build').toBe(true);
    npm('pack', '--ignore-scripts', '--silent', '--pack-destination', dir);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const prefix = join(dir, 'global');
    npm('install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline',
      '--ignore-scripts', join(dir, tarball as string));
    const bin = join(prefix, process.platform === 'win32' ? 'synod.cmd' : 'bin/synod');
    const trace = join(root, 'traces/valid/basic-majority.jsonl');
    const out = execFileSync(bin, ['trace', 'check', trace], { cwd: dir, encoding: 'utf8' });
    expect(out).toContain('accepted: 11 events');
    const help = execFileSync(bin, ['--help'], { cwd: dir, encoding: 'utf8' });
    expect(help).toMatch(/^usage: synod <command>/);
  }, 120_000);
});
