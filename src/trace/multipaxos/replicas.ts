/**
 * The replicas and clients of a Multi-Paxos trace, held to the chosen log (checker.ts):
 *
 * - StateMachineSafety, from `apply` events: each replica applies slot after slot from 0 (or from
 *   the snapshot it installed, or after a restart from its last snapshot or compaction point),
 *   each slot's value only once it is chosen and only the chosen value; every replica executes
 *   the same commands in a slot (the first replica to apply a slot fixes them: one entry per
 *   applied slot is kept); and a command (client, seq) is executed once: a client's commands run
 *   in its seq order, so executing a seq at or below one already executed is a second execution.
 * - snapshot and compact: a snapshot covers only chosen slots; a node compacts only what it has
 *   applied. Below its compaction point an acceptor's 1b may omit votes (checker.ts).
 * - client events: one call at a time per client, a return answers the pending (client, seq);
 *   the calls are handed to the caller, whose linearizability check (src/history, composed by
 *   the CLI, as DESIGN.md's layers keep trace and history apart) judges them on the same trace.
 * - liveness (opt-in, `liveness` > 0): a call that waits that many events during which a quorum
 *   of acceptors and a leader are up, without its command executed or answered, is reported.
 *   With no `leader` events in the trace, a leader counts as up whenever a quorum is.
 *
 * What it leaves out: the state machine's data (a snapshot's content is not logged), and the
 * commands of a value whose apply event lists no `cmds` (then only the value is compared).
 */
import type { Rejection, Witness } from '../judge.js';
import type { Chosen } from './slots.js';
import type { Cmd, KvCall, MpEvent } from './decode.js';
import type { MpCheckOptions, MpWords } from './checker.js';

/** One client call as the trace logged it, with the lines of its invoke and return. */
export interface ClientCall {
  readonly client: string;
  readonly seq: number;
  readonly call: KvCall;
  readonly invokeLine: number;
  ret: { readonly ok: boolean; readonly val: string | null; readonly line: number } | null;
}

export interface Replicas {
  readonly tick: (line: number) => void;
  readonly replicaEvent: (e: MpEvent & { kind: 'apply' | 'snapshot' | 'compact' }) => boolean;
  readonly learn: (e: MpEvent & { kind: 'learn' }) => boolean;
  readonly leader: (e: MpEvent & { kind: 'leader' }) => boolean;
  readonly lifecycle: (e: MpEvent & { kind: 'crash' | 'restart' }) => boolean;
  readonly client: (e: MpEvent & { kind: 'invoke' | 'return' | 'client-crash'
    | 'client-restart' }) => boolean;
  /** The acceptor's compaction point: it discarded every slot below. */
  readonly compacted: (a: number) => number;
  readonly end: () => void;
  readonly applies: () => number;
  readonly calls: () => ClientCall[];
}

export interface ReplicaContext {
  readonly n: number;
  readonly acceptors: number;
  readonly words: MpWords;
  readonly options: MpCheckOptions;
  readonly reject: (r: Rejection, repairable?: boolean) => boolean;
  readonly cover: (key: string) => void;
  readonly chosenAt: (s: number) => Chosen | null;
  readonly crashed: ReadonlySet<number>;
  /** Every acceptor has compacted below `upTo`: the checker may summarize those slots. */
  readonly prune: (upTo: number) => void;
}

interface Replica {
  next: number;
  /** The durable point a restart resumes from: the last snapshot or compaction. */
  durable: number;
  compacted: number;
  lastLine: number;
}

export function createReplicas(ctx: ReplicaContext): Replicas {
  const { words: w, reject } = ctx;
  const replicas = new Map<number, Replica>();
  /** Per applied slot: the value, its commands (as a key) and the line that first applied it. */
  const refVal: number[] = [];
  const refCmds: (string | null)[] = [];
  const refLine: number[] = [];
  const lastSeq = new Map<number, { seq: number; slot: number; line: number }>();
  const calls: ClientCall[] = [];
  const pending = new Map<number, ClientCall>();
  const leaders = new Set<number>();
  let line = 0;
  let applies = 0;
  const liveness = ctx.options.liveness ?? 0;
  /** Events so far during which a quorum and a leader were up. */
  let upEvents = 0;
  const waiting: { client: number; seq: number; since: number; line: number }[] = [];
  const done = new Set<string>();

  const cmdsKey = (cmds: readonly Cmd[] | null): string | null =>
    cmds === null ? null : cmds.map((x) => `${w.client(x.client)}:${x.seq}`).join(', ');
  const rep = (node: number): Replica => {
    let r = replicas.get(node);
    if (r === undefined) {
      r = { next: 0, durable: 0, compacted: 0, lastLine: 0 };
      replicas.set(node, r);
    }
    return r;
  };
  /** A rejection; `repairable` when a hidden step of a partial trace could explain it. */
  const fail = (rule: string, text: string, witness: Witness, repairable = true): boolean => {
    const lines = [...new Set([...(witness.messages ?? []).map((m) => m.line), line])]
      .filter((l) => l > 0).sort((x, y) => x - y);
    return reject({ line, rule, action: null, conjunct: null, explanation: text, witness,
      breaks: [], skipped: [], excerpt: lines.slice(-8) }, repairable);
  };

  const apply = (e: MpEvent & { kind: 'apply' }): boolean => {
    const r = rep(e.node);
    const who = w.node(e.node);
    if (e.slot !== r.next) {
      return fail('StateMachineSafety', `${who} applied slot ${e.slot}, but the next slot it ` +
        `may apply is ${r.next}: replicas apply every slot once, in slot order` + (r.lastLine > 0
        ? ` (its last apply: line ${r.lastLine})` : ''), { slot: e.slot, messages: r.lastLine > 0
        ? [{ line: r.lastLine, text: `${who}'s last apply` }] : [] }) && applied(r, e);
    }
    const c = ctx.chosenAt(e.slot);
    if (c === null) {
      return fail('StateMachineSafety', `${who} applied ${w.val(e.val)} in slot ${e.slot} ` +
        'before any value was chosen there (no quorum of 2b in one ballot yet)',
      { slot: e.slot, value: w.val(e.val) }) && applied(r, e);
    }
    if (c.val !== e.val) {
      return fail('StateMachineSafety', `${who} applied ${w.val(e.val)} in slot ${e.slot}, but ` +
        `${w.val(c.val)} is chosen there (ballot ${w.bal(c.bal)})`, { slot: e.slot,
        value: w.val(e.val), messages: [{ line: c.line, text: `${w.val(c.val)} chosen` }] }, false)
        && applied(r, e);
    }
    const key = cmdsKey(e.cmds);
    const ref = refLine[e.slot];
    if (ref !== undefined) {
      const other = refCmds[e.slot] ?? null;
      if (key !== null && other !== null && key !== other) {
        return fail('StateMachineSafety', `${who} executed other commands in slot ${e.slot} ` +
          `than the replica that applied it first (line ${ref}): [${key}] against [${other}]`,
        { slot: e.slot, messages: [{ line: ref, text: 'first apply of the slot' }] }, false)
        && applied(r, e);
      }
    } else if (!exactlyOnce(e)) return applied(r, e);
    ctx.cover('apply');
    return applied(r, e);
  };

  /** The first application of a slot: its commands must not have been executed before. */
  const exactlyOnce = (e: MpEvent & { kind: 'apply' }): boolean => {
    refVal[e.slot] = e.val;
    refCmds[e.slot] = cmdsKey(e.cmds);
    refLine[e.slot] = line;
    for (const c of e.cmds ?? []) {
      // A client's commands run in seq order along the log: a seq at or below one executed in
      // an earlier slot (or at or above one executed in a later slot, when replicas first apply
      // slots out of order because lines are missing) is a second or out-of-order execution.
      // Within one slot the commands run in the order listed, so a later one counts as later.
      const last = lastSeq.get(c.client);
      const later = last !== undefined && e.slot >= last.slot;
      if (last !== undefined && (later ? c.seq <= last.seq : c.seq >= last.seq)) {
        return fail('StateMachineSafety', `command (${w.client(c.client)}, seq ${c.seq}) is ` +
          `executed in slot ${e.slot}, but ${w.client(c.client)}'s seq ${last.seq} is executed ` +
          `in slot ${last.slot}: each (client, seq) is executed exactly once, in seq order`,
        { slot: e.slot, messages: [{ line: last.line, text: `seq ${last.seq} executed` }] }, false);
      }
      if (last === undefined || later) lastSeq.set(c.client, { seq: c.seq, slot: e.slot, line });
      done.add(`${c.client}:${c.seq}`);
    }
    return true;
  };

  const applied = (r: Replica, e: MpEvent & { kind: 'apply' }): boolean => {
    r.next = e.slot + 1;
    r.lastLine = line;
    applies++;
    return true;
  };

  const prefixChosen = (upTo: number): number => {
    for (let s = upTo - 1; s >= 0 && refLine[s] === undefined; s--) {
      if (ctx.chosenAt(s) === null) return s;
    }
    return -1;
  };

  const replicaEvent = (e: MpEvent & { kind: 'apply' | 'snapshot' | 'compact' }): boolean => {
    if (e.kind === 'apply') return apply(e);
    const r = rep(e.node);
    const who = w.node(e.node);
    if (e.kind === 'compact' && e.upTo > r.next) {
      return fail('StateMachineSafety', `${who} compacted its log up to slot ${e.upTo}, but it ` +
        `has applied only the slots below ${r.next}`, { slot: r.next });
    }
    const hole = prefixChosen(e.upTo);
    if (hole >= 0) {
      return fail('StateMachineSafety', `${who}'s ${e.kind} covers the slots below ${e.upTo}, ` +
        `but slot ${hole} is not chosen`, { slot: hole });
    }
    if (e.kind === 'snapshot') r.next = e.upTo;
    // An installed snapshot is durable only once a compact line (its persist) says so: a crash
    // between the two restarts the replica from its older snapshot.
    if (e.kind === 'compact') r.durable = e.upTo;
    r.compacted = Math.max(r.compacted, e.upTo);
    ctx.cover(e.kind);
    let floor = Infinity;
    for (let a = 0; a < ctx.acceptors; a++) floor = Math.min(floor, rep(a).compacted);
    if (floor > 0) ctx.prune(floor);
    return true;
  };

  const client = (e: MpEvent & { kind: 'invoke' | 'return' | 'client-crash'
    | 'client-restart' }): boolean => {
    const who = w.client(e.client);
    const open = pending.get(e.client);
    switch (e.kind) {
      case 'invoke': {
        if (open !== undefined) {
          return fail('client', `${who} invoked seq ${e.seq} while its call seq ${open.seq} ` +
            `(line ${open.invokeLine}) is pending: a client has one call at a time`,
          { messages: [{ line: open.invokeLine, text: `${who} invoked seq ${open.seq}` }] });
        }
        const call: ClientCall = { client: who, seq: e.seq, call: e.call, invokeLine: line,
          ret: null };
        calls.push(call);
        pending.set(e.client, call);
        if (liveness > 0) waiting.push({ client: e.client, seq: e.seq, since: upEvents, line });
        ctx.cover(`invoke ${e.call.op}`);
        return true;
      }
      case 'return':
        if (open === undefined || open.seq !== e.seq) {
          return fail('client', `${who} got a return for seq ${e.seq}, but ` + (open === undefined
            ? 'it has no call pending' : `its pending call is seq ${open.seq} (line ` +
            `${open.invokeLine})`), {});
        }
        open.ret = { ok: e.ok, val: e.val, line };
        pending.delete(e.client);
        done.add(`${e.client}:${e.seq}`);
        ctx.cover('return');
        return true;
      case 'client-crash':
        pending.delete(e.client);
        if (open !== undefined) done.add(`${e.client}:${open.seq}`);
        return true;
      case 'client-restart':
        return true;
    }
  };

  /** Liveness: the oldest waiting call that is not done, held to the bound. */
  const tick = (l: number): void => {
    line = l;
    if (liveness === 0) return;
    let up = 0;
    for (let a = 0; a < ctx.acceptors; a++) if (!ctx.crashed.has(a)) up++;
    const leaderUp = leaders.size === 0 || [...leaders].some((x) => !ctx.crashed.has(x));
    if (up * 2 > ctx.acceptors && leaderUp) upEvents++;
    while (waiting.length > 0 && done.has(`${waiting[0]!.client}:${waiting[0]!.seq}`)) {
      waiting.shift();
    }
    const head = waiting[0];
    if (head !== undefined && upEvents - head.since >= liveness) {
      waiting.shift();
      fail('liveness', `${w.client(head.client)}'s call seq ${head.seq} (line ${head.line}) ` +
        `waited ${liveness} events with a quorum of acceptors and a leader up, and its command ` +
        'was neither executed nor answered', { messages: [{ line: head.line, text: 'the call' }] });
    }
  };

  return {
    tick,
    replicaEvent,
    learn: () => {
      ctx.cover('learn');
      return true;
    },
    leader: (e) => {
      leaders.clear();
      leaders.add(e.node);
      ctx.cover('leader');
      return true;
    },
    lifecycle: (e) => {
      if (e.kind === 'restart') {
        const r = replicas.get(e.node);
        if (r !== undefined) r.next = r.durable;
        ctx.cover('restart');
      } else ctx.cover('crash');
      return true;
    },
    client,
    compacted: (a) => replicas.get(a)?.compacted ?? 0,
    end: () => undefined,
    applies: () => applies,
    calls: () => calls,
  };
}
