/**
 * The simulated clients of the seeds' system: each calls SetVarX(its own name) or GetVarX() at
 * a random server after a random think time, one call at a time; when no answer comes within its
 * patience it asks another server with the same call (same seq, so the reducer can recognise
 * it); a crashed client forgets its call and comes back later as a fresh caller (a new seq).
 * In a scripted world (script.ts) they make only the scripted calls.
 *
 * The clients live inside the world (world.ts): they read its clock and its PRNG, put their
 * timers on its agenda and their requests into its servers, through `ClientHost`. Every random
 * choice is drawn in a fixed order, so a seed replays the same calls.
 *
 * Left out: client-side retries with backoff, and sessions: the seeds' clients need neither.
 */
import type { Operation, Request } from '../paxos/index.js';
import { DOWNTIME_MIN, DOWNTIME_SPAN } from './faults.js';
import type { Prng } from './prng.js';
import type { FaultCounts, WorldConfig, WorldEvent } from './world.js';

/** Ticks a client thinks between calls, and waits for an answer before asking another server. */
const THINK_MAX = 120;
const CLIENT_PATIENCE_FACTOR = 6;

export interface ClientState {
  readonly name: string;
  /** The value this client proposes with SetVarX. */
  readonly value: string;
  seq: number;
  op: Operation | null;
  server: number;
  crashed: boolean;
  invoked: number;
  returned: number;
}

/**
 * A client's entry on the world's agenda: its turn (seq -1: think time over; otherwise the
 * patience timer of call `seq`), or a scripted call.
 */
export type ClientAgendum =
  | { readonly due: number; readonly kind: 'client'; readonly client: number;
    readonly seq: number }
  | { readonly due: number; readonly kind: 'call'; readonly client: number;
    readonly server: number; readonly op: Operation };

/** What the clients use of the world. */
export interface ClientHost {
  readonly cfg: WorldConfig;
  readonly rng: Prng;
  readonly now: number;
  readonly index: number;
  readonly up: readonly boolean[];
  readonly counts: FaultCounts;
  schedule(a: ClientAgendum): void;
  emit(e: WorldEvent): void;
  /** The request reaches the server now: one server step. */
  request(server: number, req: Request): void;
}

/** Names clients A, B, C, ... (and values after them): the seeds' SetVarX(A) racing SetVarX(B). */
export function clientName(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `C${i}`;
}

/** The world's clients: their states, and what each does on its turn. */
export class Clients {
  readonly states: ClientState[];

  constructor(private readonly host: ClientHost, count: number) {
    this.states = Array.from({ length: count }, (_, i) => ({
      name: clientName(i), value: clientName(i), seq: 0, op: null, server: 0, crashed: false,
      invoked: 0, returned: 0,
    }));
  }

  /** A random world: every client's first call comes after a random think time. */
  start(): void {
    for (let c = 0; c < this.states.length; c++) this.schedule(c, this.host.rng.below(THINK_MAX));
  }

  /** The fault "a client crashes": a random live one; false when none is live. */
  crashSome(): boolean {
    const h = this.host;
    const live = this.states.flatMap((c, i) => (c.crashed ? [] : [i]));
    if (live.length === 0) return false;
    const i = h.rng.pick(live);
    const c = this.states[i] as ClientState;
    c.crashed = true;
    c.op = null;
    h.counts.clientCrashes++;
    h.emit({ kind: 'client-crash', index: h.index, client: i });
    // It comes back as a fresh caller (a new seq) after a while.
    this.schedule(i, DOWNTIME_MIN + h.rng.below(DOWNTIME_SPAN));
    return true;
  }

  /**
   * A client's agendum: seq -1 means "think time over", so an idle client calls (main phase
   * only); otherwise it is the patience timer of call `seq`, which is re-sent to another server.
   */
  turn(i: number, seq: number, main: boolean): void {
    const h = this.host;
    const c = this.states[i] as ClientState;
    if (seq >= 0) {
      if (c.op === null || c.seq !== seq || c.crashed) return;
      c.server = (c.server + 1 + h.rng.below(h.cfg.servers)) % h.cfg.servers;
      return this.callServer(i);
    }
    if (c.crashed) {
      c.crashed = false;
      h.emit({ kind: 'client-restart', index: h.index, client: i });
    }
    if (!main) return;
    const op: Operation = h.rng.chance(0.5)
      ? { name: 'SetVarX', v: c.value }
      : { name: 'GetVarX' };
    this.invoke(i, h.rng.below(h.cfg.servers), op);
  }

  /** Client i calls `op` at `server`, unless it is busy or down. */
  invoke(i: number, server: number, op: Operation): void {
    const c = this.states[i] as ClientState;
    if (c.op !== null || c.crashed) return;
    c.seq++;
    c.op = op;
    c.invoked++;
    c.server = server;
    this.host.emit({ kind: 'invoke', index: this.host.index, client: i, seq: c.seq, op, server });
    this.callServer(i);
  }

  /**
   * A server's reply to client i's call `seq`: the return event, for the world to tell observers
   * after the server step that sent it; null when the client no longer waits for that call.
   */
  reply(server: number, i: number, seq: number, val: string | null): WorldEvent | null {
    const c = this.states[i];
    if (c === undefined || c.crashed || c.op === null || c.seq !== seq) return null;
    const op = c.op;
    c.op = null;
    c.returned++;
    const e: WorldEvent = { kind: 'return', index: this.host.index, client: i, seq, op, val,
      server };
    if (this.host.cfg.script === null) this.schedule(i, this.host.rng.below(THINK_MAX));
    return e;
  }

  /** True when no live client waits for an answer. */
  allAnswered(): boolean {
    return this.states.every((c) => c.crashed || c.op === null);
  }

  private schedule(c: number, after: number): void {
    this.host.schedule({ due: this.host.now + after, kind: 'client', client: c, seq: -1 });
  }

  /** Sends client i's call to its current server, and sets its patience timer. */
  private callServer(i: number): void {
    const h = this.host;
    const c = this.states[i] as ClientState;
    const op = c.op;
    if (op === null) throw new Error(`sim: client ${c.name} calls a server with no call`);
    h.schedule({
      due: h.now + CLIENT_PATIENCE_FACTOR * h.cfg.timeout, kind: 'client', client: i,
      seq: c.seq,
    });
    if (!h.up[c.server]) return;
    h.request(c.server, { client: i, seq: c.seq, slot: 0, op });
  }
}
