/**
 * Durable storage for one server: an append-only log of records and atomic snapshots, on a real
 * disk with fsync. This is where "persist before send" (DESIGN.md, "The implementation") stops
 * being an ordering of effects and becomes a promise about bytes on a disk: `append` returns
 * only after the records are on stable storage, so the runtime may then send what they justify.
 *
 * Layout of a data directory (generation g counts compactions):
 *   snap-<g>.bin   the state the log starts from (absent for g = 0), written atomically:
 *                  write to a temporary file, fsync it, rename, fsync the directory;
 *   wal-<g>.log    the records appended since that snapshot.
 * Every record, in either file, is framed as
 *   magic "SYND" (4 bytes) | payload length (u32 LE) | CRC-32 of the payload (u32 LE) | payload
 * with the payload UTF-8 JSON. The checksum is what tells a torn write from a sound record.
 *
 * Recovery (`openStore`) reads the newest snapshot and its log:
 * - a torn tail (the last record cut short by a crash mid-append, or ending in zeros a file
 *   system left when it extended the file) is cut off, and the cut is reported: that record's
 *   fsync never returned, so nothing that depended on it was ever sent;
 * - anything else that fails its checks (a bad checksum with sound records after it, a bad
 *   magic, a length over the limit, an unreadable snapshot) makes the store refuse to open with
 *   a StorageError naming the file and the byte offset. It never repairs silently: a record in
 *   the middle of the log may be a promise or a vote, and forgetting one breaks safety.
 *
 * What it leaves out: what the records mean (the runtime folds them over the reducer's durable
 * state), concurrency (one process owns a directory; a lock file says so), and asynchronous
 * I/O: the calls are synchronous on purpose, so that no send can overtake the fsync it needs.
 */
import {
  closeSync, existsSync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync,
  readFileSync, renameSync, rmSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** Bad or corrupted storage: the message names the file and, where there is one, the offset. */
export class StorageError extends Error {
  constructor(readonly file: string, readonly offset: number | null, detail: string) {
    super(`${file}${offset === null ? '' : ` at byte ${offset}`}: ${detail}`);
    this.name = 'StorageError';
  }
}

const MAGIC = 0x444e5953; // "SYND" read as a little-endian u32
const HEADER_BYTES = 12;
/** The largest record: far above any durable state Synod writes, and it bounds a bad length. */
export const RECORD_BYTES_MAX = 64 * 1024 * 1024;

/** One record framed for the disk. */
export function encodeRecord(value: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  if (payload.length > RECORD_BYTES_MAX) throw new Error(`record of ${payload.length} bytes`);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(payload.length, 4);
  header.writeUInt32LE(crc32(payload), 8);
  return Buffer.concat([header, payload]);
}

/** What a scan of one file found: the sound records and, if the tail was torn, where. */
export interface Scan {
  readonly records: readonly unknown[];
  /** Byte offset of a torn tail (everything from here on is dropped), or null. */
  readonly tornAt: number | null;
  readonly size: number;
}

function allZero(bytes: Buffer, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Reads every record of `bytes` (the content of `file`), telling a torn tail from corruption.
 * A record that fails a check is a torn tail only when nothing sound can follow it: it runs to
 * or past the end of the file, or only zeros follow its start.
 */
export function scanRecords(file: string, bytes: Buffer): Scan {
  const records: unknown[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const remaining = bytes.length - offset;
    const torn = { records, tornAt: offset, size: bytes.length };
    if (remaining < HEADER_BYTES) return torn;
    if (bytes.readUInt32LE(offset) !== MAGIC) {
      if (allZero(bytes, offset)) return torn;
      throw new StorageError(file, offset, 'not the start of a record (bad magic); refusing to ' +
        'start: the log is corrupted in the middle, restore it from a replica or a backup');
    }
    const length = bytes.readUInt32LE(offset + 4);
    if (length > RECORD_BYTES_MAX) {
      throw new StorageError(file, offset, `record length ${length} is over the limit ` +
        `${RECORD_BYTES_MAX} (corruption, never repaired silently)`);
    }
    const end = offset + HEADER_BYTES + length;
    if (end > bytes.length) return torn;
    const payload = bytes.subarray(offset + HEADER_BYTES, end);
    if (crc32(payload) !== bytes.readUInt32LE(offset + 8)) {
      if (end === bytes.length) return torn;
      throw new StorageError(file, offset, 'checksum mismatch in a record followed by ' +
        `${bytes.length - end} more bytes: the log is corrupted in the middle, and is never ` +
          `repaired silently`);
    }
    records.push(parsePayload(file, offset, payload));
    offset = end;
  }
  return { records, tornAt: null, size: bytes.length };
}

function parsePayload(file: string, offset: number, payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    // The checksum matched, so these are the bytes we wrote: a bug in the writer, not the disk.
    throw new StorageError(file, offset, 'a record with a sound checksum is not JSON');
  }
}

/** What `openStore` recovered, for the runtime to fold over its durable state. */
export interface Recovered {
  readonly snapshot: unknown;
  readonly records: readonly unknown[];
  /** Bytes cut from a torn tail, with the file and offset, or null when the log was whole. */
  readonly torn: { readonly file: string; readonly offset: number; readonly bytes: number } | null;
}

/** An open store: append records (durably), compact into a snapshot, close. */
export interface Store {
  readonly dir: string;
  readonly recovered: Recovered;
  /** Appends the records and returns once they are on stable storage (one fdatasync). */
  readonly append: (records: readonly unknown[]) => void;
  /** Makes `snapshot` the new starting point, durably, and drops the log before it. */
  readonly compact: (snapshot: unknown) => void;
  /** Bytes appended to the current log, for deciding when to compact. */
  readonly logBytes: () => number;
  readonly close: () => void;
}

const SNAP = /^snap-(\d+)\.bin$/;
const WAL = /^wal-(\d+)\.log$/;

function generations(dir: string): { snaps: number[]; wals: number[] } {
  const names = readdirSync(dir);
  const pick = (re: RegExp) => names.flatMap((n) => {
    const m = re.exec(n);
    return m === null ? [] : [Number(m[1])];
  }).sort((a, b) => a - b);
  return { snaps: pick(SNAP), wals: pick(WAL) };
}

function readSnapshot(file: string): unknown {
  const scan = scanRecords(file, readFileSync(file));
  if (scan.tornAt !== null || scan.records.length !== 1) {
    throw new StorageError(file, scan.tornAt ?? 0, 'a snapshot must hold exactly one sound ' +
      'record (it is written atomically, so this is corruption)');
  }
  return scan.records[0];
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `bytes` to `file` atomically: temporary file, fsync, rename, fsync of the directory. */
export function writeAtomically(dir: string, name: string, bytes: Buffer): void {
  const temporary = join(dir, `${name}.tmp`);
  const fd = openSync(temporary, 'w');
  try {
    writeAll(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, join(dir, name));
  syncDir(dir);
}

/** Writes all of `bytes` at file position `position` (a short write is retried). */
function writeAll(fd: number, bytes: Buffer, position = 0): void {
  let written = 0;
  while (written < bytes.length) {
    written += writeSync(fd, bytes, written, bytes.length - written, position + written);
  }
}

/**
 * Opens (creating if needed) the store in `dir`, recovering the newest snapshot and its log.
 * Throws StorageError, naming file and offset, when the data cannot be trusted.
 */
export function openStore(dir: string): Store {
  mkdirSync(dir, { recursive: true });
  const { snaps } = generations(dir);
  let generation = snaps.length === 0 ? 0 : snaps[snaps.length - 1]!;
  const snapshot = generation === 0 ? null : readSnapshot(join(dir, `snap-${generation}.bin`));
  const walPath = (g: number) => join(dir, `wal-${g}.log`);
  const file = walPath(generation);
  const bytes = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
  const scan = scanRecords(file, bytes);
  let fd = openSync(file, existsSync(file) ? 'r+' : 'w+');
  let size = scan.size;
  let torn: Recovered['torn'] = null;
  if (scan.tornAt !== null) {
    torn = { file, offset: scan.tornAt, bytes: scan.size - scan.tornAt };
    ftruncateSync(fd, scan.tornAt);
    fsyncSync(fd);
    size = scan.tornAt;
  }
  const recovered: Recovered = { snapshot, records: scan.records, torn };
  removeOlder(dir, generation);
  return {
    dir,
    recovered,
    append(records) {
      if (records.length === 0) return;
      const frame = Buffer.concat(records.map(encodeRecord));
      writeAll(fd, frame, size);
      fdatasyncSync(fd);
      size += frame.length;
    },
    compact(next) {
      const target = generation + 1;
      writeAtomically(dir, `snap-${target}.bin`, encodeRecord(next));
      const nextFd = openSync(walPath(target), 'w+');
      fsyncSync(nextFd);
      syncDir(dir);
      closeSync(fd);
      fd = nextFd;
      generation = target;
      size = 0;
      removeOlder(dir, generation);
    },
    logBytes: () => size,
    close: () => closeSync(fd),
  };
}

/** Removes the snapshots and logs that a newer snapshot has made obsolete. */
function removeOlder(dir: string, generation: number): void {
  const { snaps, wals } = generations(dir);
  for (const g of snaps) if (g < generation) rmSync(join(dir, `snap-${g}.bin`), { force: true });
  for (const g of wals) if (g < generation) rmSync(join(dir, `wal-${g}.log`), { force: true });
}
