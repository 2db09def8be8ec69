/**
 * The deterministic world around the reducer: N servers, M clients, a network, a clock, and the
 * faults of faults.ts, all driven by one seeded PRNG so that a seed replays a run exactly.
 *
 * Each simulated step is one event: a message delivered, a timer fired, a client call, a crash,
 * a restart, or a partition forming or healing. Server events go through the reducer's `step`
 * (any Step: tests pass mutants) and its effects are applied in order: a persist writes the
 * server's disk, a send puts one copy per destination into the network (where loss, delay and
 * duplication act), a reply reaches its client, a set-timer goes on the agenda. A crash in the
 * middle of a step applies only a prefix of the effects, so it can fall between a persist and
 * the send after it.
 *
 * After `steps` events the faults stop, partitions heal and crashed servers restart, but for a
 * random minority of them that stays down; the world then runs until every call of a live
 * client returned, or `livenessSteps` more events passed.
 *
 * A scripted world (`script`, used by the demo) replaces the random clients with given calls and
 * crashes at given ticks; faults still strike at their rates.
 *
 * Observers (checks.ts, refinement.ts, history.ts, trace.ts) see every event; they never change
 * the world, so turning checks on or off cannot change a run. The world is mutable inside (it is
 * the environment, and speed matters here), but it only ever hands the reducer readonly data.
 * Left out: real time, message sizes and bandwidth; a tick is one event, which is all the
 * reducer's timers need.
 */
import {
  INITIAL_DURABLE, initServer, step as paxosStep, type Durable, type Effect, type Input, type Msg,
  type Operation, type ServerState, type Step, type StepResult, type Timer,
} from '../paxos/index.js';
import { NO_FAULTS, type Faults } from './faults.js';
import { sfc32, type Prng } from './prng.js';

export interface WorldConfig {
  readonly servers: number;
  readonly clients: number;
  readonly seed: number;
  readonly steps: number;
  readonly faults: Faults;
  /** Events allowed after the faults stop for every pending call to return. */
  readonly livenessSteps: number;
  /** The server's step function: the real one, or a mutant's. */
  readonly step: Step;
  /** The reducer's proposer timeout, in ticks (one tick per event). */
  readonly timeout: number;
  /** The distinguished proposer, or null (see ServerConfig). */
  readonly distinguished: number | null;
  /**
   * A scripted run (the demo): these calls and crashes at these ticks, and no random calls.
   * The main phase then ends as soon as the script is done and every call returned.
   */
  readonly script: Script | null;
}

export interface Script {
  readonly calls: readonly {
    readonly at: number; readonly client: number; readonly server: number;
    readonly op: Operation;
  }[];
  readonly crashes: readonly { readonly at: number; readonly server: number }[];
}

/** Most ticks a delayed message is held back. */
export const DELAY_MAX = 50;
/** Ticks a crashed server stays down: uniform in [DOWNTIME_MIN, DOWNTIME_MIN + DOWNTIME_SPAN). */
const DOWNTIME_MIN = 10;
const DOWNTIME_SPAN = 200;
/** Ticks a client thinks between calls, and waits for an answer before asking another server. */
const THINK_MAX = 120;
const CLIENT_PATIENCE_FACTOR = 6;
/** Probability that an event is a delivery when both deliveries and due timers are possible. */
const DELIVERY_BIAS = 0.8;

export function worldConfig(partial: Partial<WorldConfig> & { seed: number }): WorldConfig {
  const servers = partial.servers ?? 3;
  return {
    servers,
    clients: partial.clients ?? 3,
    seed: partial.seed,
    steps: partial.steps ?? 2000,
    faults: partial.faults ?? NO_FAULTS,
    livenessSteps: partial.livenessSteps ?? 20_000,
    step: partial.step ?? paxosStep,
    timeout: partial.timeout ?? 12 * servers + 20,
    distinguished: partial.distinguished ?? null,
    script: partial.script ?? null,
  };
}

/** Every step of a server as observers see it. `applied` effects took place (a crash cut it). */
export interface ServerStepEvent {
  readonly index: number;
  readonly now: number;
  readonly server: number;
  readonly input: Input;
  readonly before: ServerState;
  readonly result: StepResult;
  readonly applied: number;
  readonly disk: Durable;
}

export type WorldEvent =
  | { readonly kind: 'server-step'; readonly step: ServerStepEvent }
  | { readonly kind: 'invoke'; readonly index: number; readonly client: number;
    readonly seq: number; readonly op: Operation; readonly server: number }
  | { readonly kind: 'return'; readonly index: number; readonly client: number;
    readonly seq: number; readonly op: Operation; readonly val: string | null;
    readonly server: number }
  | { readonly kind: 'client-crash'; readonly index: number; readonly client: number }
  | { readonly kind: 'client-restart'; readonly index: number; readonly client: number }
  | { readonly kind: 'crash'; readonly index: number; readonly server: number;
    readonly midStep: boolean }
  | { readonly kind: 'partition'; readonly index: number; readonly sides: readonly number[] | null }
  | { readonly kind: 'phase'; readonly index: number; readonly phase: 'liveness' };

export interface Observer {
  readonly onEvent: (e: WorldEvent) => void;
}

export interface FaultCounts {
  lost: number;
  duplicated: number;
  delayed: number;
  reordered: number;
  partitions: number;
  crashes: number;
  midStepCrashes: number;
  clientCrashes: number;
  /** Copies dropped because their destination was down or on the other side of a partition. */
  undeliverable: number;
}

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

export interface WorldResult {
  readonly events: number;
  readonly mainSteps: number;
  /** Events the liveness phase took for every pending call to return; null if it ran out. */
  readonly livenessUsed: number | null;
  readonly servers: readonly ServerState[];
  readonly up: readonly boolean[];
  readonly clients: readonly ClientState[];
  readonly faults: FaultCounts;
}

interface Copy { readonly from: number; readonly to: number; readonly msg: Msg }
type Agendum =
  | { readonly due: number; readonly kind: 'timer'; readonly server: number;
    readonly timer: Timer }
  | { readonly due: number; readonly kind: 'restart'; readonly server: number }
  | { readonly due: number; readonly kind: 'client'; readonly client: number;
    readonly seq: number }
  | { readonly due: number; readonly kind: 'call'; readonly client: number;
    readonly server: number; readonly op: Operation }
  | { readonly due: number; readonly kind: 'crash'; readonly server: number };

/** Names clients A, B, C, ... (and values after them): the seeds' SetVarX(A) racing SetVarX(B). */
export function clientName(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `C${i}`;
}

/** Names servers s1, s2, ... in everything people read (ids are 0-based inside). */
export function serverName(id: number): string {
  return `s${id + 1}`;
}

/** Runs one world to the end, telling `observers` everything. Stops early if `stop()` says so. */
export function runWorld(
  cfg: WorldConfig,
  observers: readonly Observer[],
  stop: () => boolean = () => false,
): WorldResult {
  return new World(cfg, observers, stop).run();
}

/** The world's mutable machinery; `runWorld` is its only user. */
class World {
  private readonly rng: Prng;
  private readonly servers: ServerState[];
  private readonly disk: Durable[];
  private readonly up: boolean[];
  private readonly clients: ClientState[];
  private inflight: Copy[] = [];
  private delayed: (Copy & { readonly due: number })[] = [];
  /** The earliest due time among `delayed` (Infinity when empty), so most events skip it. */
  private delayedDue = Infinity;
  private agenda: Agendum[] = [];
  private sides: number[] | null = null;
  private midCrash = -1;
  private returns: WorldEvent[] = [];
  private now = 0;
  private index = 0;
  private faults: Faults;
  private readonly counts: FaultCounts = {
    lost: 0, duplicated: 0, delayed: 0, reordered: 0, partitions: 0, crashes: 0,
    midStepCrashes: 0, clientCrashes: 0, undeliverable: 0,
  };

  constructor(
    private readonly cfg: WorldConfig,
    private readonly observers: readonly Observer[],
    private readonly stop: () => boolean,
  ) {
    this.rng = sfc32(cfg.seed);
    this.faults = cfg.faults;
    this.servers = Array.from({ length: cfg.servers }, (_, id) =>
      initServer({
        id, servers: cfg.servers, timeout: cfg.timeout, distinguished: cfg.distinguished,
      }, INITIAL_DURABLE));
    this.disk = this.servers.map(() => INITIAL_DURABLE);
    this.up = this.servers.map(() => true);
    this.clients = Array.from({ length: cfg.clients }, (_, i) => ({
      name: clientName(i), value: clientName(i), seq: 0, op: null, server: 0, crashed: false,
      invoked: 0, returned: 0,
    }));
    if (cfg.script === null) {
      for (let c = 0; c < cfg.clients; c++) this.scheduleClient(c, this.rng.below(THINK_MAX));
    } else {
      for (const c of cfg.script.calls) this.agenda.push({ due: c.at, kind: 'call', ...c });
      for (const c of cfg.script.crashes) this.agenda.push({ due: c.at, kind: 'crash', ...c });
    }
  }

  run(): WorldResult {
    for (let i = 0; i < this.cfg.steps && !this.stop() && !this.scriptDone(); i++) {
      this.event(true);
    }
    const mainSteps = this.index;
    this.enterLivenessPhase();
    let livenessUsed: number | null = null;
    for (let i = 0; i < this.cfg.livenessSteps && !this.stop(); i++) {
      if (this.allAnswered()) {
        livenessUsed = i;
        break;
      }
      this.event(false);
    }
    if (livenessUsed === null && this.allAnswered()) livenessUsed = this.cfg.livenessSteps;
    return {
      events: this.index, mainSteps, livenessUsed, servers: this.servers, up: this.up,
      clients: this.clients, faults: this.counts,
    };
  }

  private emit(e: WorldEvent): void {
    for (const o of this.observers) o.onEvent(e);
  }

  /** One event. In the main phase faults may strike and clients start calls. */
  private event(main: boolean): void {
    this.now++;
    this.releaseDelayed();
    if (main && this.fault()) return void this.index++;
    const due = this.earliestDue();
    const canDeliver = this.inflight.length > 0;
    if (canDeliver && (due < 0 || this.rng.chance(DELIVERY_BIAS))) this.deliver();
    else if (due >= 0) this.fire(due, main);
    else this.idle();
    this.index++;
  }

  /** Nothing to do now: jump the clock to the next agendum or delayed message. */
  private idle(): void {
    let next = Infinity;
    for (const a of this.agenda) next = Math.min(next, a.due);
    for (const d of this.delayed) next = Math.min(next, d.due);
    if (next !== Infinity) this.now = Math.max(this.now, next);
  }

  private releaseDelayed(): void {
    if (this.delayedDue > this.now) return;
    const still: (Copy & { readonly due: number })[] = [];
    this.delayedDue = Infinity;
    for (const d of this.delayed) {
      if (d.due <= this.now) {
        this.inflight.push({ from: d.from, to: d.to, msg: d.msg });
      } else {
        still.push(d);
        this.delayedDue = Math.min(this.delayedDue, d.due);
      }
    }
    this.delayed = still;
  }

  private earliestDue(): number {
    let best = -1;
    for (let i = 0; i < this.agenda.length; i++) {
      const a = this.agenda[i]!;
      if (a.due <= this.now && (best < 0 || a.due < this.agenda[best]!.due)) best = i;
    }
    return best;
  }

  // -------------------------------------------------------------------------------------------
  // Faults

  /** At most one fault per event; true when one struck. */
  private fault(): boolean {
    const f = this.faults;
    if (this.rng.chance(f.partition)) return this.togglePartition();
    if (this.rng.chance(f.crash)) return this.crashSomeServer();
    if (this.rng.chance(f.clientCrash)) return this.crashSomeClient();
    return false;
  }

  private togglePartition(): boolean {
    if (this.sides !== null) {
      this.sides = null;
    } else {
      const sides = this.servers.map(() => this.rng.below(2));
      if (sides.every((x) => x === sides[0])) sides[this.rng.below(sides.length)] = 1 - sides[0]!;
      this.sides = sides;
      this.counts.partitions++;
    }
    this.emit({ kind: 'partition', index: this.index, sides: this.sides });
    return true;
  }

  private crashSomeServer(): boolean {
    const live = this.up.flatMap((u, i) => (u && i !== this.midCrash ? [i] : []));
    if (live.length === 0) return false;
    const id = this.rng.pick(live);
    if (this.rng.chance(0.5)) {
      // Crash during this server's next step, after a random prefix of its effects.
      this.midCrash = id;
      return true;
    }
    this.crash(id, false);
    return true;
  }

  private crash(id: number, midStep: boolean): void {
    this.up[id] = false;
    this.counts.crashes++;
    if (midStep) this.counts.midStepCrashes++;
    this.agenda = this.agenda.filter((a) => a.kind !== 'timer' || a.server !== id);
    this.agenda.push({
      due: this.now + DOWNTIME_MIN + this.rng.below(DOWNTIME_SPAN), kind: 'restart', server: id,
    });
    this.emit({ kind: 'crash', index: this.index, server: id, midStep });
  }

  private crashSomeClient(): boolean {
    const live = this.clients.flatMap((c, i) => (c.crashed ? [] : [i]));
    if (live.length === 0) return false;
    const c = this.clients[this.rng.pick(live)]!;
    const i = this.clients.indexOf(c);
    c.crashed = true;
    c.op = null;
    this.counts.clientCrashes++;
    this.emit({ kind: 'client-crash', index: this.index, client: i });
    // It comes back as a fresh caller (a new seq) after a while.
    this.scheduleClient(i, DOWNTIME_MIN + this.rng.below(DOWNTIME_SPAN));
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // The network

  private deliver(): void {
    const reorder = this.rng.chance(this.faults.reorder) && this.inflight.length > 1;
    let copy: Copy;
    if (reorder) {
      const i = this.rng.below(this.inflight.length);
      copy = this.inflight[i]!;
      this.inflight[i] = this.inflight[this.inflight.length - 1]!;
      this.inflight.pop();
      this.counts.reordered++;
    } else {
      copy = this.inflight.shift()!;
    }
    if (this.rng.chance(this.faults.dup)) {
      this.inflight.push(copy);
      this.counts.duplicated++;
    }
    if (!this.up[copy.to] || !this.connected(copy.from, copy.to)) {
      this.counts.undeliverable++;
      return;
    }
    this.serverStep(copy.to, { kind: 'deliver', msg: copy.msg, rand: this.rng.u32() });
  }

  private connected(a: number, b: number): boolean {
    return this.sides === null || this.sides[a] === this.sides[b];
  }

  private send(from: number, to: number, msg: Msg): void {
    if (this.rng.chance(this.faults.loss)) {
      this.counts.lost++;
      return;
    }
    if (this.rng.chance(this.faults.delay)) {
      this.counts.delayed++;
      const due = this.now + 1 + this.rng.below(DELAY_MAX);
      this.delayed.push({ from, to, msg, due });
      this.delayedDue = Math.min(this.delayedDue, due);
      return;
    }
    this.inflight.push({ from, to, msg });
  }

  // -------------------------------------------------------------------------------------------
  // Servers

  /** Runs the reducer and applies its effects in order (a prefix of them, on a mid-step crash). */
  private serverStep(id: number, input: Input): void {
    const before = this.servers[id]!;
    const result = this.cfg.step(before, input);
    const effects = result.effects;
    const crashing = this.midCrash === id;
    const applied = crashing ? this.rng.below(effects.length + 1) : effects.length;
    for (let i = 0; i < applied; i++) this.apply(id, effects[i]!);
    this.servers[id] = result.state;
    const e: ServerStepEvent = {
      index: this.index, now: this.now, server: id, input, before, result, applied,
      disk: this.disk[id]!,
    };
    this.emit({ kind: 'server-step', step: e });
    if (this.returns.length > 0) {
      for (const r of this.returns) this.emit(r);
      this.returns = [];
    }
    if (crashing) {
      this.midCrash = -1;
      this.crash(id, true);
    }
  }

  private apply(id: number, e: Effect): void {
    switch (e.kind) {
      case 'persist':
        this.disk[id] = e.durable;
        return;
      case 'send':
        if (e.to === 'all') for (let to = 0; to < this.cfg.servers; to++) this.send(id, to, e.msg);
        else this.send(id, e.to, e.msg);
        return;
      case 'reply':
        this.reply(id, e.client, e.seq, e.val);
        return;
      case 'set-timer':
        this.agenda.push({ due: this.now + e.after, kind: 'timer', server: id, timer: e.timer });
        return;
    }
  }

  private fire(i: number, main: boolean): void {
    const a = this.agenda[i]!;
    this.agenda[i] = this.agenda[this.agenda.length - 1]!;
    this.agenda.pop();
    switch (a.kind) {
      case 'timer':
        return this.serverStep(a.server, { kind: 'timer', timer: a.timer, rand: this.rng.u32() });
      case 'restart':
        return this.restart(a.server);
      case 'client':
        return this.clientTurn(a.client, a.seq, main);
      case 'call':
        return this.invoke(a.client, a.server, a.op);
      case 'crash':
        if (this.up[a.server]) this.crash(a.server, false);
        return;
    }
  }

  private restart(id: number): void {
    if (this.up[id]) return;
    this.up[id] = true;
    this.serverStep(id, { kind: 'restart', durable: this.disk[id]! });
  }

  // -------------------------------------------------------------------------------------------
  // Clients

  private scheduleClient(c: number, after: number): void {
    this.agenda.push({ due: this.now + after, kind: 'client', client: c, seq: -1 });
  }

  /**
   * A client's agendum: seq -1 means "think time over", so an idle client calls (main phase
   * only); otherwise it is the patience timer of call `seq`, which is re-sent to another server.
   */
  private clientTurn(i: number, seq: number, main: boolean): void {
    const c = this.clients[i]!;
    if (seq >= 0) {
      if (c.op === null || c.seq !== seq || c.crashed) return;
      c.server = (c.server + 1 + this.rng.below(this.cfg.servers)) % this.cfg.servers;
      return this.callServer(i);
    }
    if (c.crashed) {
      c.crashed = false;
      this.emit({ kind: 'client-restart', index: this.index, client: i });
    }
    if (!main) return;
    const op: Operation = this.rng.chance(0.5)
      ? { name: 'SetVarX', v: c.value }
      : { name: 'GetVarX' };
    this.invoke(i, this.rng.below(this.cfg.servers), op);
  }

  /** Client i calls `op` at `server`, unless it is busy or down. */
  private invoke(i: number, server: number, op: Operation): void {
    const c = this.clients[i]!;
    if (c.op !== null || c.crashed) return;
    c.seq++;
    c.op = op;
    c.invoked++;
    c.server = server;
    this.emit({ kind: 'invoke', index: this.index, client: i, seq: c.seq, op, server });
    this.callServer(i);
  }

  private callServer(i: number): void {
    const c = this.clients[i]!;
    const op = c.op!;
    this.agenda.push({
      due: this.now + CLIENT_PATIENCE_FACTOR * this.cfg.timeout, kind: 'client', client: i,
      seq: c.seq,
    });
    if (!this.up[c.server]) return;
    this.serverStep(c.server, {
      kind: 'request', rand: this.rng.u32(), req: { client: i, seq: c.seq, slot: 0, op },
    });
  }

  private reply(server: number, i: number, seq: number, val: string | null): void {
    const c = this.clients[i];
    if (c === undefined || c.crashed || c.op === null || c.seq !== seq) return;
    const op = c.op;
    c.op = null;
    c.returned++;
    // Observers hear of the return after the server step that sent it (see serverStep).
    this.returns.push({ kind: 'return', index: this.index, client: i, seq, op, val, server });
    if (this.cfg.script === null) this.scheduleClient(i, this.rng.below(THINK_MAX));
  }

  // -------------------------------------------------------------------------------------------
  // The end of faults

  private enterLivenessPhase(): void {
    this.faults = NO_FAULTS;
    this.emit({ kind: 'phase', index: this.index, phase: 'liveness' });
    if (this.sides !== null) this.togglePartition();
    this.midCrash = -1;
    for (const d of this.delayed) this.inflight.push({ from: d.from, to: d.to, msg: d.msg });
    this.delayed = [];
    this.delayedDue = Infinity;
    // A majority is enough: a random minority of the servers that are down stays down.
    const down = this.up.flatMap((u, id) => (u ? [] : [id]));
    let stayDown = this.rng.below(Math.floor((this.cfg.servers - 1) / 2) + 1);
    for (const id of down) {
      if (stayDown > 0 && this.rng.chance(0.5)) stayDown--;
      else this.restart(id);
    }
    this.agenda = this.agenda.filter((a) => a.kind !== 'restart');
  }

  /** A scripted run is done when every scripted call and crash happened and returned. */
  private scriptDone(): boolean {
    if (this.cfg.script === null) return false;
    const scripted = this.agenda.some((a) => a.kind === 'call' || a.kind === 'crash');
    return !scripted && this.allAnswered();
  }

  /** True when no live client waits for an answer. */
  private allAnswered(): boolean {
    return this.clients.every((c) => c.crashed || c.op === null);
  }
}
