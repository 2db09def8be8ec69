/**
 * src/net/storage.ts: records survive a reopen; a torn tail is cut and reported; corruption in
 * the middle of the log, or in a snapshot, refuses to open naming the file and the offset.
 */
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StorageError, encodeRecord, openStore, scanRecords } from '../../src/net/storage.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'synod-store-'));
const wal = (dir: string, g = 0) => join(dir, `wal-${g}.log`);

describe('openStore', () => {
  it('gives back every appended record after a reopen, in order', () => {
    const dir = fresh();
    const store = openStore(dir);
    store.append([{ maxBal: 1 }, { vote: [0, 1, 'x'] }]);
    store.append([{ maxBal: 2 }]);
    store.close();
    const again = openStore(dir);
    expect(again.recovered).toEqual({
      snapshot: null, records: [{ maxBal: 1 }, { vote: [0, 1, 'x'] }, { maxBal: 2 }], torn: null,
    });
    again.append([{ maxBal: 3 }]);
    again.close();
    expect(openStore(dir).recovered.records).toHaveLength(4);
  });

  it('cuts a torn last record, reports where, and appends after the cut', () => {
    const dir = fresh();
    const store = openStore(dir);
    store.append([{ a: 1 }]);
    store.close();
    const sound = readFileSync(wal(dir)).length;
    appendFileSync(wal(dir), encodeRecord({ a: 2 }).subarray(0, 15));
    const again = openStore(dir);
    expect(again.recovered.torn).toEqual({ file: wal(dir), offset: sound, bytes: 15 });
    expect(again.recovered.records).toEqual([{ a: 1 }]);
    again.append([{ a: 3 }]);
    again.close();
    expect(openStore(dir).recovered).toMatchObject({ records: [{ a: 1 }, { a: 3 }], torn: null });
  });

  it('cuts a tail of zeros that a file system left when it extended the file', () => {
    const dir = fresh();
    const store = openStore(dir);
    store.append([{ a: 1 }]);
    store.close();
    appendFileSync(wal(dir), Buffer.alloc(100));
    expect(openStore(dir).recovered.torn?.bytes).toBe(100);
  });

  it('refuses to open when a record in the middle is corrupted, naming file and offset', () => {
    const dir = fresh();
    const store = openStore(dir);
    store.append([{ a: 1 }, { a: 2 }, { a: 3 }]);
    store.close();
    const bytes = readFileSync(wal(dir));
    const second = encodeRecord({ a: 1 }).length;
    bytes[second + 14] ^= 0xff; // a payload byte of the second record
    writeFileSync(wal(dir), bytes);
    expect(() => openStore(dir)).toThrow(StorageError);
    expect(() => openStore(dir)).toThrow(`${wal(dir)} at byte ${second}: checksum mismatch`);
  });

  it('refuses a bad magic in the middle rather than skipping to the next record', () => {
    const dir = fresh();
    const store = openStore(dir);
    store.append([{ a: 1 }, { a: 2 }]);
    store.close();
    const bytes = readFileSync(wal(dir));
    bytes[0] = 0x41;
    writeFileSync(wal(dir), bytes);
    expect(() => openStore(dir)).toThrow(/at byte 0: not the start of a record/);
  });

  it('compacts into a snapshot, drops the old log, and recovers snapshot plus new records', () => {
    const dir = fresh();
    const store = openStore(dir);
    store.append([{ a: 1 }, { a: 2 }]);
    store.compact({ upTo: 2 });
    store.append([{ a: 3 }]);
    store.close();
    expect(readdirSync(dir).sort()).toEqual(['snap-1.bin', 'wal-1.log']);
    expect(openStore(dir).recovered).toEqual({ snapshot: { upTo: 2 }, records: [{ a: 3 }], torn: null });
  });

  it('refuses a corrupted snapshot', () => {
    const dir = fresh();
    const store = openStore(dir);
    store.compact({ upTo: 1 });
    store.close();
    const file = join(dir, 'snap-1.bin');
    const bytes = readFileSync(file);
    bytes[bytes.length - 2] ^= 0x01;
    writeFileSync(file, bytes);
    expect(() => openStore(dir)).toThrow(/snap-1\.bin at byte 0: a snapshot must hold/);
  });
});

describe('scanRecords', () => {
  it('never mistakes a cut log for corruption: every cut point is a torn tail or whole', () => {
    const records = [{ a: 1 }, { b: 'two' }, { c: [3, null] }, { d: 'é' }];
    const log = Buffer.concat(records.map(encodeRecord));
    fc.assert(fc.property(fc.integer({ min: 0, max: log.length }), (cut) => {
      const scan = scanRecords('wal', log.subarray(0, cut));
      const whole = scan.records.length;
      expect(records.slice(0, whole)).toEqual(scan.records);
      expect(scan.tornAt === null).toBe(Buffer.concat(records.slice(0, whole).map(encodeRecord))
        .length === cut);
    }), { seed: 20261201, numRuns: 300 });
  });

  it('never accepts a log with one flipped byte as sound with different records', () => {
    const records = [{ a: 1 }, { b: 'two' }, { c: [3, null] }];
    const log = Buffer.concat(records.map(encodeRecord));
    fc.assert(fc.property(fc.integer({ min: 0, max: log.length - 1 }),
      fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const bytes = Buffer.from(log);
        bytes[at]! ^= flip;
        try {
          const scan = scanRecords('wal', bytes);
          // Sound prefix only: a flip may make the last record torn, never a different record.
          expect(records.slice(0, scan.records.length)).toEqual(scan.records);
          expect(scan.tornAt).not.toBeNull();
        } catch (e) {
          expect(e).toBeInstanceOf(StorageError);
        }
      }), { seed: 20261202, numRuns: 500 });
  });
});
