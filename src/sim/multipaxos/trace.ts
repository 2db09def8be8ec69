/**
 * A simulated Multi-Paxos run written in trace format v2 (src/format/trace-v2.ts) through the
 * format's writer, so `synod trace check` reads what `synod simulate multipaxos --trace FILE`
 * writes: every server step becomes its events in the order they happened (the message or
 * restart it took, then what its replica learned and applied, then its effects: persist, sends),
 * and the world's client calls, crashes and restarts their own.
 *
 * Mapping: the per-slot spec's four messages keep their names (a 1b covers every slot from its
 * `from`, reporting its votes there; `from` is above the 1a's when the acceptor compacted past
 * it, declared by the `compact` line its persist of the snapshot wrote); reject is the format's
 * reject; the commit notice, catch-up, snapshot transfer and read-index pings are extension
 * messages ("x-commit", ...), which carry no safety obligation. A replica's apply lists the
 * commands its exactly-once layer executed (a retry it skipped is not listed); a snapshot it
 * installed is a `snapshot` line; each persist lists the votes that changed since the last one.
 *
 * With `perNode`, each server's events go to its own log (a header naming the node, then only
 * that server's lines; each client's calls to its own log, `client-A`), as a real cluster writes
 * them, for `synod trace merge`. Left out: ledger operations (the v2 client events are KV calls;
 * a ledger run logs no client events), partitions and slow periods (faults of the world, not
 * events of a node).
 */
import { createWriterV2, type TraceEventV2, type TraceWriter } from '../../format/writer.js';
import type { MsgV2 } from '../../format/trace-v2.js';
import {
  chain, changed, isConfigOp, type Ballot, type Durable, type Entry, type Epoch, type Msg,
  type Op, type ServerState, type Vote,
} from '../../multipaxos/index.js';
import { clientName, serverName, type MpObserver, type MpStepEvent,
  type MpWorldEvent } from './world.js';

export interface MpTraceOptions {
  readonly servers: number;
  readonly seed: number;
  /** One log per server (for `synod trace merge`) instead of one log of the whole run. */
  readonly perNode: boolean;
  /** Check every event against the codecs (slower; tests). */
  readonly validate?: boolean;
  /** The header's provenance.implementation (default: synod simulate multipaxos). */
  readonly implementation?: string;
  /** Membership changes: the header's alpha and first members (a bitmask), and config lines. */
  readonly reconfig?: { readonly alpha: number; readonly members: number };
}

type Pair = [number, string];

function bal(b: Ballot): Pair | -1 {
  return b.round < 0 ? -1 : [b.round, serverName(b.server)];
}

function pair(b: Ballot): Pair {
  if (b.round < 0) throw new Error('trace: a message with no ballot');
  return [b.round, serverName(b.server)];
}

function votesOf(votes: readonly Vote[]) {
  return votes.map((v) => ({ slot: v.slot, mbal: pair(v.bal), mval: v.val.id }));
}

/** A reducer message as a v2 message: the spec's four and reject, the rest extensions. */
export function msgV2(m: Msg): MsgV2 {
  switch (m.type) {
    case '1a': return { type: '1a', bal: pair(m.bal), from: m.from };
    case '1b': return { type: '1b', acc: serverName(m.acc), bal: pair(m.bal), from: m.from,
      votes: votesOf(m.votes) };
    // `commit`, the leader's commit point it piggybacks, is an extra field: the checker ignores
    // it, and a merge needs it to tell a 2a sent before a slot was chosen from one sent after.
    case '2a': return { type: '2a', bal: pair(m.bal), slot: m.slot, val: m.val.id,
      commit: m.commit } as MsgV2;
    case '2b': return { type: '2b', acc: serverName(m.acc), bal: pair(m.bal), slot: m.slot,
      val: m.val.id };
    case 'reject': return { type: 'reject', acc: serverName(m.acc), bal: pair(m.bal),
      promised: bal(m.maxBal) };
    default: return extension(m);
  }
}

/**
 * The other messages as "x-" extensions, with their fields (the checker ignores them; a merge of
 * per-node logs matches a receive to its send by them).
 */
function extension(m: Msg): MsgV2 {
  const fields = ((): Record<string, unknown> => {
    switch (m.type) {
      case 'commit': return { bal: pair(m.bal), upTo: m.upTo };
      case 'catchup': return { from: serverName(m.from), slot: m.slot };
      case 'entries': return { from: serverName(m.from), slot: m.slot,
        vals: m.vals.map((v) => v.id) };
      case 'snapshot': return { from: serverName(m.from), upTo: m.snap.upTo,
        digest: m.snap.digest };
      case 'ping': return { bal: pair(m.bal), id: m.id };
      case 'pong': return { acc: serverName(m.acc), bal: pair(m.bal), id: m.id };
      default: return {};
    }
  })();
  return { type: `x-${m.type}`, ...fields } as MsgV2;
}

/** The entry a step applied in `slot`: where the replica found it (its log, or this input). */
function entryAt(step: MpStepEvent, slot: number): Entry {
  const before = step.before;
  const after = step.result.state;
  const inLog = (s: ServerState): Entry | null => s.replica.log[slot - s.durable.snapshot.upTo]
    ?? null;
  const msg = step.input.kind === 'deliver' ? step.input.msg : null;
  const found = (slot >= after.durable.snapshot.upTo ? inLog(after) : null)
    ?? (slot >= before.durable.snapshot.upTo ? inLog(before) : null)
    ?? (msg?.type === 'entries' ? msg.vals[slot - msg.slot] ?? null : null)
    ?? before.leader.inflight.find((x) => x.slot === slot)?.val
    ?? before.durable.votes.find((v) => v.slot === slot)?.val ?? null;
  if (found === null) throw new Error(`trace: no entry for slot ${slot} applied by ` +
    `${serverName(step.server)}`);
  return found;
}

export function mpTraceObserver(options: MpTraceOptions,
  open: (file: string | null) => (line: string) => void): MpObserver {
  const servers = Array.from({ length: options.servers }, (_, i) => serverName(i));
  const header = (node?: string) => ({
    format: 'synod.trace' as const, version: 2 as const,
    cluster: { acceptors: servers, proposers: servers },
    provenance: { implementation: options.implementation ?? 'synod simulate multipaxos',
      seed: options.seed },
    ...(node === undefined ? {} : { node }),
    ...(options.reconfig === undefined ? {} : { alpha: options.reconfig.alpha,
      members: servers.filter((_, i) => ((options.reconfig!.members >>> i) & 1) === 1) }),
  });
  const validate = options.validate ?? false;
  const writers: TraceWriter<TraceEventV2>[] = options.perNode
    ? servers.map((s) => createWriterV2(header(s), open(s), { validate }))
    : [createWriterV2(header(), open(null), { validate })];
  const out = (server: number, e: TraceEventV2): void =>
    (writers[options.perNode ? server : 0] as TraceWriter<TraceEventV2>).write(e);
  /** A client's calls: in per-node mode the client's own log (`client-A`), as a client writes. */
  const clients = new Map<number, TraceWriter<TraceEventV2>>();
  const outClient = (client: number, e: TraceEventV2): void => {
    if (!options.perNode) return out(0, e);
    let wr = clients.get(client);
    if (wr === undefined) {
      const name = `client-${clientName(client)}`;
      wr = createWriterV2(header(name), open(name), { validate });
      clients.set(client, wr);
    }
    wr.write(e);
  };
  const lastDisk: (Durable | null)[] = servers.map(() => null);
  return {
    onEvent: (e: MpWorldEvent) => {
      switch (e.kind) {
        case 'server-step': return step(e.step, out, lastDisk);
        case 'invoke': {
          const kv = kvCall(e.op);
          if (kv !== null) {
            outClient(e.client, { ev: 'invoke', client: clientName(e.client), seq: e.seq,
              ...kv, node: serverName(e.server) });
          }
          return;
        }
        case 'return':
          if (kvCall(e.op) !== null) {
            outClient(e.client, { ev: 'return', client: clientName(e.client), seq: e.seq,
              ok: e.out.ok, val: e.out.value, node: serverName(e.server) });
          }
          return;
        case 'client-crash': return outClient(e.client, { ev: 'crash',
          client: clientName(e.client) });
        case 'crash': return out(e.server, { ev: 'crash', node: serverName(e.server) });
        default: return undefined;
      }
    },
  };
}

/** A KV operation as the fields of a v2 invoke, or null for a ledger operation. */
function kvCall(op: Op) {
  switch (op.op) {
    case 'get': case 'delete': return { op: op.op, key: op.key };
    case 'put': case 'append': return { op: op.op, key: op.key, val: op.value };
    case 'cas': return { op: op.op, key: op.key, val: op.value, expect: op.expect };
    default: return null;
  }
}

function step(s: MpStepEvent, out: (server: number, e: TraceEventV2) => void,
  lastDisk: (Durable | null)[]): void {
  const node = serverName(s.server);
  const emit = (e: TraceEventV2): void => out(s.server, e);
  if (s.input.kind === 'restart') {
    emit({ ev: 'restart', node });
    lastDisk[s.server] = s.input.durable;
  }
  if (s.input.kind === 'deliver') emit({ ev: 'recv', node, msg: msgV2(s.input.msg) });
  replica(s, emit);
  for (const fx of s.result.effects.slice(0, s.applied)) {
    if (fx.kind === 'persist') {
      const prev = lastDisk[s.server];
      const upTo = fx.durable.snapshot.upTo;
      if (upTo > (prev?.snapshot.upTo ?? 0)) emit({ ev: 'compact', node, upTo });
      const changed = fx.durable.votes.filter((v) => !prev?.votes.some((p) => p.slot === v.slot
        && p.bal.round === v.bal.round && p.bal.server === v.bal.server && p.val.id === v.val.id));
      emit({ ev: 'persist', node, from: 0, maxBal: bal(fx.durable.maxBal),
        ...(changed.length === 0 ? {} : { votes: votesOf(changed) }) });
      lastDisk[s.server] = fx.durable;
    } else if (fx.kind === 'send') {
      emit({ ev: 'send', node, msg: msgV2(fx.msg),
        ...(fx.to === 'all' ? {} : { to: serverName(fx.to) }) });
    }
  }
}

/** What the replica learned and applied in the step, and a snapshot it installed. */
function replica(s: MpStepEvent, emit: (e: TraceEventV2) => void): void {
  const node = serverName(s.server);
  const before = s.before.replica;
  const after = s.result.state.replica;
  const base = s.result.state.durable.snapshot.upTo;
  const msg = s.input.kind === 'deliver' ? s.input.msg : null;
  let from = before.applied;
  let digest = before.digest;
  let sessions = new Map(before.sessions.map((x) => [x.client, x.seq]));
  const newest = (configs: readonly Epoch[]): number =>
    configs.length === 0 ? s.before.config.members : configs[configs.length - 1]!.members;
  let members = newest(before.configs);
  if (msg?.type === 'snapshot' && after.applied >= msg.snap.upTo && msg.snap.upTo > from) {
    emit({ ev: 'snapshot', node, upTo: msg.snap.upTo });
    from = msg.snap.upTo;
    digest = msg.snap.digest;
    sessions = new Map(msg.snap.sessions.map((x) => [x.client, x.seq]));
    members = newest(msg.snap.configs);
  }
  if (s.input.kind === 'restart') return;
  for (let slot = from; slot < after.applied; slot++) {
    const e = entryAt(s, slot);
    const known = slot >= s.before.durable.snapshot.upTo
      ? before.log[slot - s.before.durable.snapshot.upTo] ?? null : null;
    if (known === null) emit({ ev: 'learn', node, slot, val: e.id });
    const cmds = [];
    const prior = members;
    for (const c of e.cmds) {
      if ((sessions.get(c.client) ?? -1) >= c.seq) continue; // seq 0 is a first call too
      sessions.set(c.client, c.seq);
      cmds.push({ client: clientName(c.client), seq: c.seq });
      if (isConfigOp(c.op)) members = changed(members, c.op);
    }
    emit({ ev: 'apply', node, slot, val: e.id, cmds });
    if (members !== prior) {
      const names = Array.from({ length: s.before.config.servers }, (_, i) => i)
        .filter((i) => ((members >>> i) & 1) === 1).map(serverName);
      emit({ ev: 'config', node, slot, members: names });
    }
    digest = chain(digest, e.id);
  }
  if (digest !== after.digest) throw new Error(`trace: ${node}'s applied entries do not ` +
    `chain to its digest at slot ${after.applied}`);
  for (let i = Math.max(0, after.applied - base); i < after.log.length; i++) {
    const slot = base + i;
    const e = after.log[i] ?? null;
    const had = slot >= s.before.durable.snapshot.upTo
      ? before.log[slot - s.before.durable.snapshot.upTo] ?? null : null;
    if (e !== null && had === null) emit({ ev: 'learn', node, slot, val: e.id });
  }
}
