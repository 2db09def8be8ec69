/**
 * The deterministic world around the Multi-Paxos reducer: N servers, M clients calling KV or
 * ledger operations, a network, a clock and the faults of ../faults.ts plus slow replicas, all
 * driven by one seeded PRNG so that a seed replays a run exactly.
 *
 * The shape is src/sim/world.ts's (one event per step: a delivery, a timer, a client turn, a
 * fault; effects applied in order, a mid-step crash applying only a prefix), for the Multi-Paxos
 * vocabulary: a server boots through its `restart` input (which arms its election timer),
 * clients follow redirects to the leader, and a retry keeps its (client, seq) so exactly-once is
 * exercised. A slow replica loses most messages sent to it for a while, falls behind the
 * compacted log and must catch up from a snapshot.
 *
 * After `steps` events the faults stop, partitions heal and crashed servers restart except a
 * random minority; the world then runs until every call of a live client returned and every
 * server that is up applied as far as the most advanced one (liveness), or `livenessSteps` more
 * events passed. A script (the demo) replaces random calls with given ones and adds crashes and
 * slow periods at given ticks.
 *
 * Observers see every event and never change the world, so checks on or off cannot change a run.
 *
 * Here: the event loop, the agenda (timers, restarts, client turns, the script), faults on
 * servers and clients, servers' steps and the clients' calls. Elsewhere: the configuration and
 * the events (world-config.ts), the network (network.ts), the clients' random operations
 * (client-ops.ts), the operator's membership changes (admin.ts).
 */
import {
  INITIAL_DURABLE, initServer, serverConfig, type Durable, type Effect, type Input, type Msg,
  type Op, type Output, type ServerState, type Timer,
} from '../../multipaxos/index.js';
import { sfc32, type Prng } from '../prng.js';
import { clientName } from '../clients.js';
import { serverName } from '../world.js';
import { Admin, ADMIN_PERIOD, LEARNER_LAG } from './admin.js';
import { randomOp } from './client-ops.js';
import { Network } from './network.js';
import {
  MP_NO_FAULTS, type MpClient, type MpFaultCounts, type MpFaults, type MpObserver,
  type MpWorldConfig, type MpWorldEvent, type MpWorldResult,
} from './world-config.js';

export { clientName, serverName };
export * from './world-config.js';

const DOWNTIME_MIN = 10;
const DOWNTIME_SPAN = 200;
const CLIENT_PATIENCE_FACTOR = 4;

type Agendum =
  | { readonly due: number; readonly kind: 'timer'; readonly server: number; readonly timer: Timer }
  | { readonly due: number; readonly kind: 'restart'; readonly server: number }
  | { readonly due: number; readonly kind: 'client'; readonly client: number; readonly seq: number }
  | { readonly due: number; readonly kind: 'call'; readonly client: number;
    readonly server: number; readonly op: Op }
  | { readonly due: number; readonly kind: 'crash'; readonly server: number }
  | { readonly due: number; readonly kind: 'slow'; readonly server: number;
    readonly for: number }
  | { readonly due: number; readonly kind: 'admin' };

export function runMpWorld(
  cfg: MpWorldConfig, observers: readonly MpObserver[], stop: () => boolean = () => false,
): MpWorldResult {
  return new World(cfg, observers, stop).run();
}

class World {
  private readonly rng: Prng;
  private readonly servers: ServerState[];
  private readonly disk: Durable[];
  private readonly up: boolean[];
  private readonly clients: MpClient[];
  private readonly admin: Admin | null;
  private readonly net: Network;
  private agenda: Agendum[] = [];
  private midCrash = -1;
  private returns: MpWorldEvent[] = [];
  private now = 0;
  private index = 0;
  private faults: MpFaults;
  private readonly counts: MpFaultCounts = {
    lost: 0, duplicated: 0, delayed: 0, reordered: 0, partitions: 0, crashes: 0,
    midStepCrashes: 0, clientCrashes: 0, undeliverable: 0, slowPeriods: 0, slowLost: 0,
  };

  constructor(
    private readonly cfg: MpWorldConfig,
    private readonly observers: readonly MpObserver[],
    private readonly stop: () => boolean,
  ) {
    this.rng = sfc32(cfg.seed);
    this.net = new Network(this.rng, this.counts);
    this.faults = cfg.faults;
    this.servers = Array.from({ length: cfg.servers }, (_, id) => initServer(serverConfig({
      id, servers: cfg.servers, members: 2 ** cfg.members - 1, alpha: cfg.alpha,
      timeout: cfg.timeout, distinguished: cfg.distinguished,
      window: cfg.window, batch: cfg.batch, snapshotEvery: cfg.snapshotEvery,
      machine: cfg.machine, reads: cfg.reads,
    })));
    this.disk = this.servers.map(() => INITIAL_DURABLE);
    this.up = this.servers.map(() => false);
    const clients = cfg.clients + (cfg.reconfig ? 1 : 0);
    this.admin = cfg.reconfig ? new Admin(cfg, cfg.clients) : null;
    this.clients = Array.from({ length: clients }, (_, i) => ({
      name: clientName(i), seq: 0, op: null, server: 0, crashed: false, invoked: 0, returned: 0,
    }));
    const script = cfg.script;
    if (script === null) {
      for (let c = 0; c < cfg.clients; c++) this.scheduleClient(c, this.rng.below(this.cfg.think));
      if (this.admin !== null) this.agenda.push({ due: ADMIN_PERIOD, kind: 'admin' });
    } else {
      for (const c of script.calls) this.agenda.push({ due: c.at, kind: 'call', ...c });
      for (const c of script.crashes) this.agenda.push({ due: c.at, kind: 'crash', ...c });
      for (const c of script.slow) this.agenda.push({ due: c.at, kind: 'slow', ...c });
      const from = script.operator?.from;
      if (this.admin !== null && from !== undefined) this.agenda.push({ due: from, kind: 'admin' });
    }
  }

  run(): MpWorldResult {
    // Learners beyond the first members boot when the operator adds them (admin.ts).
    for (let id = 0; id < this.cfg.members; id++) this.restart(id);
    for (let i = 0; i < this.cfg.steps && !this.stop() && !this.scriptDone(); i++) {
      this.event(true);
    }
    const mainSteps = this.index;
    this.enterLivenessPhase();
    let livenessUsed: number | null = null;
    for (let i = 0; i < this.cfg.livenessSteps && !this.stop(); i++) {
      if (this.settled()) {
        livenessUsed = i;
        break;
      }
      this.event(false);
    }
    if (livenessUsed === null && this.settled()) livenessUsed = this.cfg.livenessSteps;
    return {
      events: this.index, mainSteps, livenessUsed, servers: this.servers, up: this.up,
      clients: this.clients, faults: this.counts, messages: this.net.messages,
    };
  }

  private emit(e: MpWorldEvent): void {
    for (const o of this.observers) o.onEvent(e);
  }

  private event(main: boolean): void {
    this.now++;
    this.net.release(this.now);
    if (this.net.slow >= 0 && this.now >= this.net.slowUntil) this.setSlow(-1, 0);
    if (main && this.fault()) return void this.index++;
    const due = this.earliestDue();
    const deliver = this.net.inflight.length > 0 &&
      (due < 0 || this.rng.chance(this.cfg.deliveryBias));
    if (deliver) this.deliver();
    else if (due >= 0) this.fire(due, main);
    else this.idle();
    this.index++;
  }

  private idle(): void {
    let next = Infinity;
    for (const a of this.agenda) next = Math.min(next, a.due);
    next = Math.min(next, this.net.delayedDue);
    if (next !== Infinity) this.now = Math.max(this.now, next);
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

  private fault(): boolean {
    const f = this.faults;
    if (this.rng.chance(f.partition)) return this.togglePartition();
    if (this.rng.chance(f.crash)) return this.crashSomeServer();
    if (this.rng.chance(f.clientCrash)) return this.crashSomeClient();
    if (this.rng.chance(f.slow)) {
      if (this.net.slow >= 0) this.setSlow(-1, 0);
      else this.setSlow(this.rng.below(this.cfg.servers), 100 + this.rng.below(400));
      return true;
    }
    return false;
  }

  private setSlow(server: number, ticks: number): void {
    this.net.slow = server;
    this.net.slowUntil = server < 0 ? Infinity : this.now + ticks;
    if (server >= 0) this.counts.slowPeriods++;
    this.emit({ kind: 'slow', index: this.index, server: server < 0 ? null : server });
  }

  private togglePartition(): boolean {
    if (this.net.sides !== null) {
      this.net.sides = null;
    } else {
      const sides = this.servers.map(() => this.rng.below(2));
      if (sides.every((x) => x === sides[0])) sides[this.rng.below(sides.length)] = 1 - sides[0]!;
      this.net.sides = sides;
      this.counts.partitions++;
    }
    this.emit({ kind: 'partition', index: this.index, sides: this.net.sides });
    return true;
  }

  private crashSomeServer(): boolean {
    const live = this.up.flatMap((u, i) => (u && i !== this.midCrash ? [i] : []));
    if (live.length === 0) return false;
    const id = this.rng.pick(live);
    if (this.rng.chance(0.5)) {
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
    const i = this.rng.pick(live);
    const c = this.clients[i]!;
    c.crashed = true;
    c.op = null;
    this.counts.clientCrashes++;
    this.emit({ kind: 'client-crash', index: this.index, client: i });
    this.scheduleClient(i, DOWNTIME_MIN + this.rng.below(DOWNTIME_SPAN));
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // The network

  private deliver(): void {
    const copy = this.net.take(this.faults);
    if (!this.up[copy.to] || !this.net.connected(copy.from, copy.to)) {
      this.counts.undeliverable++;
      return;
    }
    this.serverStep(copy.to, { kind: 'deliver', msg: copy.msg, rand: this.rng.u32() });
  }

  private send(from: number, to: number, msg: Msg): void {
    this.net.send(from, to, msg, this.now, this.faults);
  }

  // -------------------------------------------------------------------------------------------
  // Servers

  private serverStep(id: number, input: Input): void {
    const before = this.servers[id]!;
    const result = this.cfg.step(before, input);
    const effects = result.effects;
    const crashing = this.midCrash === id;
    const applied = crashing ? this.rng.below(effects.length + 1) : effects.length;
    for (let i = 0; i < applied; i++) this.apply(id, effects[i]!);
    this.servers[id] = result.state;
    this.emit({
      kind: 'server-step',
      step: { index: this.index, server: id, input, before, result, applied, disk: this.disk[id]! },
    });
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
        return this.reply(id, e.client, e.seq, e.out, e.redirect);
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
      case 'restart': return this.restart(a.server);
      case 'client': return this.clientTurn(a.client, a.seq, main);
      case 'call': return this.invoke(a.client, a.server, a.op);
      case 'crash':
        if (this.up[a.server]) this.crash(a.server, false);
        return;
      case 'slow': return this.setSlow(a.server, a.for);
      case 'admin': return this.adminTurn(main);
    }
  }

  private restart(id: number): void {
    if (this.up[id]) return;
    this.up[id] = true;
    this.serverStep(id, { kind: 'restart', durable: this.disk[id]!, rand: this.rng.u32() });
  }

  // -------------------------------------------------------------------------------------------
  // Clients

  private scheduleClient(c: number, after: number): void {
    this.agenda.push({ due: this.now + after, kind: 'client', client: c, seq: -1 });
  }

  /**
   * seq -1: think time over, call (main phase only); seq >= 0: call `seq` timed out, retry at
   * another server; seq <= -2: call -2 - seq was redirected, resend it to the hinted server.
   */
  private clientTurn(i: number, seq: number, main: boolean): void {
    const c = this.clients[i]!;
    if (seq <= -2) {
      if (c.op === null || c.seq !== -2 - seq || c.crashed) return;
      return this.callServer(i, false);
    }
    if (seq >= 0) {
      if (c.op === null || c.seq !== seq || c.crashed) return;
      c.server = (c.server + 1 + this.rng.below(this.cfg.servers - 1 || 1)) % this.cfg.servers;
      return this.callServer(i);
    }
    if (c.crashed) c.crashed = false;
    if (!main || i >= this.cfg.clients) return; // the operator calls on its own turns
    const server = this.rng.below(this.cfg.servers);
    this.invoke(i, server, randomOp(this.rng, this.cfg.machine, this.cfg.clients, c.name, c.seq));
  }

  private invoke(i: number, server: number, op: Op): void {
    const c = this.clients[i]!;
    if (c.op !== null || c.crashed) return;
    c.seq++;
    c.op = op;
    c.invoked++;
    c.server = server;
    this.emit({ kind: 'invoke', index: this.index, client: i, seq: c.seq, op, server });
    this.callServer(i);
  }

  /** Sends client i's call to its server; `patience` arms the timer that retries elsewhere. */
  private callServer(i: number, patience = true): void {
    const c = this.clients[i]!;
    if (patience) {
      this.agenda.push({
        due: this.now + CLIENT_PATIENCE_FACTOR * this.cfg.timeout, kind: 'client', client: i,
        seq: c.seq,
      });
    }
    if (!this.up[c.server]) return;
    this.serverStep(c.server, {
      kind: 'request', rand: this.rng.u32(),
      req: { cmd: { client: i, seq: c.seq, op: c.op! } },
    });
  }

  private reply(
    server: number, i: number, seq: number, out: Output | null, redirect: number | null,
  ): void {
    const c = this.clients[i];
    if (c === undefined || c.crashed || c.op === null || c.seq !== seq) return;
    if (out === null) {
      // Redirected: try the hinted server (or another one) soon, with the same seq.
      c.server = redirect ?? (server + 1) % this.cfg.servers;
      this.agenda.push({ due: this.now + 2, kind: 'client', client: i, seq: -2 - seq });
      return;
    }
    const op = c.op;
    c.op = null;
    c.returned++;
    this.returns.push({ kind: 'return', index: this.index, client: i, seq, op, out, server });
    if (this.cfg.script === null && i < this.cfg.clients) {
      this.scheduleClient(i, this.rng.below(this.cfg.think));
    }
  }

  // -------------------------------------------------------------------------------------------
  // The end of faults

  private enterLivenessPhase(): void {
    this.faults = MP_NO_FAULTS;
    this.emit({ kind: 'phase', index: this.index, phase: 'liveness' });
    if (this.net.sides !== null) this.togglePartition();
    if (this.net.slow >= 0) this.setSlow(-1, 0);
    this.midCrash = -1;
    this.net.releaseAll();
    const down = this.up.flatMap((u, id) => (u ? [] : [id]));
    // A minority of the smallest configuration may stay down.
    let stayDown = this.rng.below(Math.floor((this.cfg.members - 1) / 2) + 1);
    for (const id of down) {
      if (stayDown > 0 && this.rng.chance(0.5)) stayDown--;
      else this.restart(id);
    }
    this.agenda = this.agenda.filter((a) => a.kind !== 'restart' && a.kind !== 'slow');
  }

  /**
   * The operator's turn (main phase only): boot the next server to add and wait until it has
   * caught up as a learner, or send the next membership command once its last one returned.
   */
  private adminTurn(main: boolean): void {
    if (!main || this.admin === null) return;
    const c = this.clients[this.admin.client]!;
    // A scripted operator stops once its last change returned.
    const quota = this.cfg.script?.operator?.changes ?? Infinity;
    if (this.admin.changes >= quota && (c.op === null || c.crashed)) return;
    this.agenda.push({ due: this.now + ADMIN_PERIOD, kind: 'admin' });
    if (c.op !== null || c.crashed) return;
    const op = this.admin.next();
    if (op.op === 'add-server' && !this.caughtUp(op.server)) {
      if (!this.up[op.server] && !this.admin.booted(op.server)) this.restart(op.server);
      return;
    }
    this.admin.sent();
    this.invoke(this.admin.client, this.rng.below(this.cfg.servers), op);
  }

  /** A learner is caught up when it is up and applied within LEARNER_LAG of every replica. */
  private caughtUp(id: number): boolean {
    if (!this.up[id]) return false;
    let top = 0;
    for (const s of this.servers) top = Math.max(top, s.replica.applied);
    return this.servers[id]!.replica.applied + LEARNER_LAG >= top;
  }

  private scriptDone(): boolean {
    if (this.cfg.script === null) return false;
    const scripted = this.agenda.some((a) => a.kind === 'call' || a.kind === 'crash' ||
      a.kind === 'slow' || a.kind === 'admin');
    return !scripted && this.settled();
  }

  /** No live client waits, and every server that is up applied as far as the furthest. */
  private settled(): boolean {
    if (!this.clients.every((c) => c.crashed || c.op === null)) return false;
    let top = 0;
    for (const s of this.servers) top = Math.max(top, s.replica.applied);
    return this.servers.every((s, i) => !this.up[i] || s.replica.applied === top);
  }
}
