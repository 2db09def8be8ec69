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
 * The clients are clients.ts's; a scripted world (`script`, used by the demo: script.ts) replaces
 * their random calls with given calls and crashes at given ticks; faults still strike at their
 * rates.
 *
 * Observers (checks.ts, refinement.ts, history.ts, trace.ts) see every event; they never change
 * the world, so turning checks on or off cannot change a run. The world is mutable inside (it is
 * the environment, and speed matters here), but it only ever hands the reducer readonly data.
 * Left out: real time, message sizes and bandwidth; a tick is one event, which is all the
 * reducer's timers need.
 */
import {
  INITIAL_DURABLE, initServer, step as paxosStep, type Durable, type Effect, type Input, type Msg,
  type Operation, type Request, type ServerState, type Step, type StepResult, type Timer,
} from '../paxos/index.js';
import { Clients, type ClientAgendum, type ClientHost, type ClientState } from './clients.js';
import { DOWNTIME_MIN, DOWNTIME_SPAN, NO_FAULTS, type Faults } from './faults.js';
import { sfc32, type Prng } from './prng.js';
import { scriptAgenda, scriptSpent, type CrashAgendum, type Script } from './script.js';

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

/** Most ticks a delayed message is held back. */
export const DELAY_MAX = 50;
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
  | ClientAgendum
  | CrashAgendum;

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

/**
 * The world's mutable machinery; `runWorld` is its only user. It is the clients' host: what
 * ClientHost names is public here for them, and for nobody else (the class is not exported).
 */
class World implements ClientHost {
  readonly rng: Prng;
  private readonly servers: ServerState[];
  private readonly disk: Durable[];
  readonly up: boolean[];
  private readonly clients: Clients;
  private inflight: Copy[] = [];
  private delayed: (Copy & { readonly due: number })[] = [];
  /** The earliest due time among `delayed` (Infinity when empty), so most events skip it. */
  private delayedDue = Infinity;
  private agenda: Agendum[] = [];
  private sides: number[] | null = null;
  private midCrash = -1;
  private returns: WorldEvent[] = [];
  now = 0;
  index = 0;
  private faults: Faults;
  readonly counts: FaultCounts = {
    lost: 0, duplicated: 0, delayed: 0, reordered: 0, partitions: 0, crashes: 0,
    midStepCrashes: 0, clientCrashes: 0, undeliverable: 0,
  };

  constructor(
    readonly cfg: WorldConfig,
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
    this.clients = new Clients(this, cfg.clients);
    if (cfg.script === null) this.clients.start();
    else this.agenda.push(...scriptAgenda(cfg.script));
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
      clients: this.clients.states, faults: this.counts,
    };
  }

  emit(e: WorldEvent): void {
    for (const o of this.observers) o.onEvent(e);
  }

  schedule(a: ClientAgendum): void {
    this.agenda.push(a);
  }

  request(server: number, req: Request): void {
    this.serverStep(server, { kind: 'request', rand: this.rng.u32(), req });
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
    if (this.rng.chance(f.clientCrash)) return this.clients.crashSome();
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
      case 'reply': {
        // Observers hear of the return after the server step that sent it (see serverStep).
        const r = this.clients.reply(id, e.client, e.seq, e.val);
        if (r !== null) this.returns.push(r);
        return;
      }
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
        return this.clients.turn(a.client, a.seq, main);
      case 'call':
        return this.clients.invoke(a.client, a.server, a.op);
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
    return this.cfg.script !== null && scriptSpent(this.agenda) && this.allAnswered();
  }

  private allAnswered(): boolean {
    return this.clients.allAnswered();
  }
}
