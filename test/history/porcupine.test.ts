/**
 * `synod history check` gives Porcupine's verdicts on Porcupine's test data, read in its
 * original formats (Jepsen log lines for etcd, EDN for kv): four files are committed
 * (testdata/porcupine/NOTICE.md says where from); all 108 are checked when PORCUPINE_DATA names
 * a copy of Porcupine's `test_data/` directory (with `jepsen/` and `kv/`), and that part is
 * skipped, saying so, when it is unset.
 *
 * The expected verdicts are Porcupine's own: its porcupine_test.go (commit 55508eb) expects
 * etcd histories 002, 005, 007, 018, 025, 031, 038, 045, 048, 049, 051, 053, 056, 067, 075,
 * 076, 080, 087, 092, 098, 100, 101 and 102 to be linearizable and the other 79 not
 * (etcd_095.log is empty and has no test), and the kv histories named `bad` not to be.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synod } from '../synod.js';

const HERE = path.join(path.dirname(new URL(import.meta.url).pathname), 'testdata/porcupine');
const ETCD_LINEARIZABLE = new Set([2, 5, 7, 18, 25, 31, 38, 45, 48, 49, 51, 53, 56, 67, 75, 76,
  80, 87, 92, 98, 100, 101, 102]);

/** The model and the verdict Porcupine's tests expect for one of its files. */
function expected(file: string): { model: string; linearizable: boolean } {
  const name = path.basename(file);
  const etcd = /^etcd_(\d{3})\.log$/.exec(name);
  if (etcd !== null) {
    return { model: 'cas-register', linearizable: ETCD_LINEARIZABLE.has(Number(etcd[1])) };
  }
  return { model: 'kv', linearizable: !name.includes('bad') };
}

async function verdict(file: string, model: string): Promise<string> {
  const r = await synod('history', 'check', '--json', '--model', model, file);
  const out = JSON.parse(r.out) as { files: { verdict: string }[] };
  expect([0, 1]).toContain(r.code);
  return out.files[0]!.verdict;
}

describe("Porcupine's test data, the four files committed", () => {
  for (const name of ['c01-ok.txt', 'c01-bad.txt', 'etcd_067.log', 'etcd_097.log']) {
    const want = expected(name);
    it(`${name} is ${want.linearizable ? '' : 'not '}linearizable as a ${want.model}`, async () => {
      expect(await verdict(path.join(HERE, name), want.model))
        .toBe(want.linearizable ? 'linearizable' : 'not-linearizable');
    });
  }
});

const DATA = process.env['PORCUPINE_DATA'];
if (DATA === undefined) {
  console.log('PORCUPINE_DATA is unset: the check of all 108 Porcupine histories is skipped');
}

describe.skipIf(DATA === undefined)("Porcupine's test data, all 108 histories", () => {
  it('gets every verdict of Porcupine\'s tests', async () => {
    const root = DATA as string;
    const files = ['jepsen', 'kv'].flatMap((dir) => readdirSync(path.join(root, dir)).sort()
      .map((f) => path.join(root, dir, f)))
      .filter((f) => !f.endsWith('etcd_095.log'));
    expect(files).toHaveLength(108);
    const wrong: string[] = [];
    for (const file of files) {
      const want = expected(file);
      const got = await verdict(file, want.model);
      if (got !== (want.linearizable ? 'linearizable' : 'not-linearizable')) wrong.push(file);
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('has the empty etcd_095.log Porcupine leaves out', () => {
    expect(existsSync(path.join(DATA as string, 'jepsen/etcd_095.log'))).toBe(true);
  });
});
