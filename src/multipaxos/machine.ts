/**
 * The state machines the log drives: a key-value store and the seed's bank ledger, behind one
 * interface (`Machine`), and the exactly-once layer every machine shares (`applyCommand`).
 *
 * A machine is a pure function from (data, operation) to (data, output). The KV store offers
 * get, put, delete, compare-and-swap and append; SetVarX/GetVarX are put/get of key "X". The
 * ledger offers deposit, withdraw, transfer and balance; a withdraw or transfer that would make
 * a balance negative fails and changes nothing. Balances are decimal strings in the data record
 * so that both machines share one plain-data shape.
 *
 * Exactly-once: every command carries (client, seq); a client has one call outstanding at a time
 * and its seq only grows, so one session per client (the last seq applied and its output) tells
 * a retry from a new call. A retry of the last command gets the recorded output again without
 * touching the data; an older seq is a stale retry and changes nothing. Sessions live in the
 * snapshot, so they survive compaction and restarts.
 * Left out: expiring sessions of clients that went away (the table grows with the clients).
 */
import type {
  AppState, Command, ConfigOp, KvOp, LedgerOp, MachineName, Op, Output, Session,
} from './types.js';

export interface Machine {
  readonly name: MachineName;
  /** Applies one operation; operations of the other machine fail with 'unsupported'. */
  readonly apply: (data: AppState, op: Op) => { readonly data: AppState; readonly out: Output };
}

const UNSUPPORTED: Output = { ok: false, value: 'unsupported' };

/**
 * The value stored under `key`, or null: own properties only, so that a key named like a
 * prototype member ("constructor", "toString", "__proto__") reads as absent until it is written.
 */
function stored(data: AppState, key: string): string | null {
  return Object.hasOwn(data, key) ? data[key]! : null;
}

function applyKv(data: AppState, op: KvOp): { data: AppState; out: Output } {
  const cur = stored(data, op.key);
  switch (op.op) {
    case 'get': return { data, out: { ok: true, value: cur } };
    case 'put': return { data: { ...data, [op.key]: op.value }, out: { ok: true, value: null } };
    case 'delete': {
      if (cur === null) return { data, out: { ok: false, value: null } };
      const { [op.key]: _gone, ...rest } = data;
      return { data: rest, out: { ok: true, value: cur } };
    }
    case 'cas':
      if (cur !== op.expect) return { data, out: { ok: false, value: cur } };
      return { data: { ...data, [op.key]: op.value }, out: { ok: true, value: cur } };
    case 'append': {
      const value = (cur ?? '') + op.value;
      return { data: { ...data, [op.key]: value }, out: { ok: true, value } };
    }
  }
}

function balance(data: AppState, acct: string): number {
  return Number(stored(data, acct) ?? '0');
}

function applyLedger(data: AppState, op: LedgerOp): { data: AppState; out: Output } {
  switch (op.op) {
    case 'balance': return { data, out: { ok: true, value: String(balance(data, op.acct)) } };
    case 'deposit': {
      const b = balance(data, op.acct) + op.amount;
      return { data: { ...data, [op.acct]: String(b) }, out: { ok: true, value: String(b) } };
    }
    case 'withdraw': {
      const b = balance(data, op.acct) - op.amount;
      if (b < 0) return { data, out: { ok: false, value: String(b + op.amount) } };
      return { data: { ...data, [op.acct]: String(b) }, out: { ok: true, value: String(b) } };
    }
    case 'transfer': {
      const from = balance(data, op.from) - op.amount;
      if (from < 0) return { data, out: { ok: false, value: String(from + op.amount) } };
      const moved = { ...data, [op.from]: String(from) };
      const to = balance(moved, op.to) + op.amount;
      return { data: { ...moved, [op.to]: String(to) }, out: { ok: true, value: String(from) } };
    }
  }
}

function isKv(op: Op): op is KvOp {
  return op.op === 'get' || op.op === 'put' || op.op === 'delete' || op.op === 'cas' ||
    op.op === 'append';
}

/** A membership change: applied by the replica to its configurations, never by a machine. */
export function isConfigOp(op: Op): op is ConfigOp {
  return op.op === 'add-server' || op.op === 'remove-server';
}

/** What a membership change answers: it was ordered (config.ts says what it changed). */
const CONFIG_DONE: Output = { ok: true, value: null };

export const kvMachine: Machine = {
  name: 'kv',
  apply: (data, op) => (isKv(op) ? applyKv(data, op) : { data, out: UNSUPPORTED }),
};

export const ledgerMachine: Machine = {
  name: 'ledger',
  apply: (data, op) =>
    (isKv(op) || isConfigOp(op) ? { data, out: UNSUPPORTED } : applyLedger(data, op)),
};

export const MACHINES: Readonly<Record<MachineName, Machine>> = {
  kv: kvMachine, ledger: ledgerMachine,
};

/** True for operations that only read: the ones a read-index or local read may serve. */
export function isRead(op: Op): boolean {
  return op.op === 'get' || op.op === 'balance';
}

/** The session of `client`, or null. Sessions are sorted by client. */
export function sessionOf(sessions: readonly Session[], client: number): Session | null {
  for (const s of sessions) if (s.client === client) return s;
  return null;
}

export interface Applied {
  readonly data: AppState;
  readonly sessions: readonly Session[];
  /** The command's output: fresh, or the one recorded for a retry; null for a stale retry. */
  readonly out: Output | null;
}

/** Applies `cmd` exactly once: a retry of the last seq returns its output again. */
export function applyCommand(
  machine: Machine, data: AppState, sessions: readonly Session[], cmd: Command,
): Applied {
  const last = sessionOf(sessions, cmd.client);
  if (last !== null && last.seq >= cmd.seq) {
    return { data, sessions, out: last.seq === cmd.seq ? last.out : null };
  }
  const r = isConfigOp(cmd.op) ? { data, out: CONFIG_DONE } : machine.apply(data, cmd.op);
  const session: Session = { client: cmd.client, seq: cmd.seq, out: r.out };
  const rest = sessions.filter((s) => s.client !== cmd.client);
  const at = rest.findIndex((s) => s.client > cmd.client);
  const next = at < 0 ? [...rest, session] : [...rest.slice(0, at), session, ...rest.slice(at)];
  return { data: r.data, sessions: next, out: r.out };
}

/** The next link of the applied log's chain hash (FNV-1a over the entry id). */
export function chain(digest: number, id: string): number {
  let h = (digest ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Every key or account an operation touches (the linearizability check partitions by it). */
export function keysOf(op: Op): readonly string[] {
  switch (op.op) {
    case 'transfer': return [op.from, op.to];
    case 'deposit': case 'withdraw': case 'balance': return [op.acct];
    case 'add-server': case 'remove-server': return [];
    default: return [op.key];
  }
}

/** An operation as people read it: put(x, "a"), withdraw(acct1, 5), ... */
export function showOp(op: Op): string {
  switch (op.op) {
    case 'get': case 'delete': return `${op.op}(${op.key})`;
    case 'put': case 'append': return `${op.op}(${op.key}, ${JSON.stringify(op.value)})`;
    case 'cas': return `cas(${op.key}, ${JSON.stringify(op.expect)}, ${JSON.stringify(op.value)})`;
    case 'deposit': case 'withdraw': return `${op.op}(${op.acct}, ${op.amount})`;
    case 'balance': return `balance(${op.acct})`;
    case 'transfer': return `transfer(${op.from}, ${op.to}, ${op.amount})`;
    case 'add-server': case 'remove-server': return `${op.op}(s${op.server + 1})`;
  }
}
