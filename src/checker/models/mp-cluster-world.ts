/**
 * The world of the Multi-Paxos cluster model (mp-cluster.ts): N servers running the reducer of
 * src/multipaxos (or a mutant's, in tests), a lossy network, clients and crashes, as fixed-width
 * words, and its steps.
 *
 * The words of one state: [server state ids: N][armed timers: N][crashes left][network bitset].
 *  - A server's state is a number from the hash-consing tables (mp-cluster-intern.ts). Its disk
 *    needs no word: a reducer step persists exactly its new durable record (state.ts's `acted`),
 *    so the disk is always the state's `durable`, and a restart rebuilds from that alone.
 *  - Timers: a bit each for the election and the heartbeat timer armed with the server's
 *    current `timerTag`. A timer armed with an older tag can only ever be ignored ('stale-timer':
 *    tags only grow within a run of the server, and a crash clears every timer), so it is not
 *    kept. Time is abstracted away: an armed timer may fire at any moment.
 *  - The network: the set of every (destination, message) ever sent, as a bitset over packet
 *    numbers. Delivery does not remove a packet, so every message can be delivered to its
 *    destination any number of times, in any order, or never (loss, duplication, reordering).
 *  - Clients: client c's one command, put(X, c's letter) with (client c, seq 1), may arrive at
 *    any server at any moment, any number of times (a client retrying everywhere), so clients
 *    need no word. Replies change nothing here (StateMachineSafety checks what was applied).
 *
 * A step is one reducer step at one server: a delivery, a request, a timer firing, or a crash
 * and restart from the disk (`crashes` in all). A crash between a persist and the send after it
 * needs no action of its own: it is the step, whose sends are never delivered, then a crash.
 * A step that would make a server use a ballot above `maxBallot` (numbered round * N + server,
 * as the spec numbers them) is not taken. Ignored inputs that send (a reject) are steps too.
 *
 * What makes it fast: the reducer is called once per distinct (server state, input) pair; its
 * result (the next server state's number, the timers set, the packets sent) is cached, so a
 * successor of a world is a few word writes. Configuration: reads through the log, the KV
 * machine, no log compaction (snapshotEvery 0), window 4, batch 8, alpha 8.
 */
import {
  INITIAL_DURABLE, initServer, serverConfig, step as correctStep, type Command, type Durable,
  type Input, type ServerConfig, type ServerState, type Step, type StepResult, type Timer,
} from '../../multipaxos/index.js';
import { Interner } from './mp-cluster-intern.js';

export interface MpClusterBounds {
  readonly servers: number;
  /** Client commands, one per client. */
  readonly commands: number;
  /** Highest ballot, numbered round * servers + server (the spec's Ballot = 0..maxBallot). */
  readonly maxBallot: number;
  /** Crashes allowed in a run, in all. */
  readonly crashes: number;
  /** Width of the network bitset in 32-bit words (32 distinct packets a word). */
  readonly netWords?: number;
  /** The reducer to check: the correct one by default, a mutant's in tests. */
  readonly step?: Step;
}

export const TIMER_ELECTION = 1;
export const TIMER_HEARTBEAT = 2;

/** Input kinds, the low two bits of an input key. */
const DELIVER = 0;
const REQUEST = 1;
const TIMER = 2;

/** What one reducer step does to the world, cached per (server state, input). */
export interface StepOut {
  readonly server: number;
  /** The server's timer tag did not move: its armed timers stay armed. */
  readonly keepTimers: boolean;
  /** Timers armed by the step, at the new tag. */
  readonly timers: number;
  /** Packet numbers sent. */
  readonly sends: readonly number[];
  readonly result: StepResult;
}

/** A value of a client command: its letter. */
export const commandValue = (c: number): string => String.fromCharCode(65 + c);

export function clientCommand(c: number): Command {
  return { client: c, seq: 1, op: { op: 'put', key: 'X', value: commandValue(c) } };
}

export class MpWorld {
  readonly N: number;
  readonly C: number;
  readonly netWords: number;
  readonly W: number;
  readonly OFF_TIMERS: number;
  readonly OFF_CRASH: number;
  readonly OFF_NET: number;
  readonly tables = new Interner();
  readonly configs: ServerConfig[];
  /** Per packet: its destination and message number. */
  readonly packetTo: number[] = [];
  readonly packetMsg: number[] = [];
  /** Per packet: whether its message is one of the spec's (1a, 1b, 2a, 2b). */
  readonly packetIsSpec: boolean[] = [];
  /** Per server state: the number of its durable record. */
  private readonly durableIds: number[] = [];
  private readonly packetIds = new Map<number, number>();
  /** Per server state: input key -> its step (null: out of bounds). */
  private readonly cache: Map<number, StepOut | null>[] = [];
  private readonly restarts = new Map<number, StepOut>();
  private readonly stepFn: Step;
  private readonly requests: Command[];

  constructor(readonly bounds: MpClusterBounds) {
    this.N = bounds.servers;
    this.C = bounds.commands;
    this.netWords = bounds.netWords ?? 8;
    this.OFF_TIMERS = this.N;
    this.OFF_CRASH = 2 * this.N;
    this.OFF_NET = 2 * this.N + 1;
    this.W = this.OFF_NET + this.netWords;
    this.stepFn = bounds.step ?? correctStep;
    this.configs = Array.from({ length: this.N }, (_, id) => serverConfig({
      id, servers: this.N, timeout: 4, heartbeat: 1, snapshotEvery: 0,
    }));
    this.requests = Array.from({ length: this.C }, (_, c) => clientCommand(c));
  }

  server(id: number): ServerState {
    return this.tables.servers.get(id);
  }

  /** The number of server state `sid`'s durable record (its disk). */
  durableOf(sid: number): number {
    let d = this.durableIds[sid];
    if (d === undefined) {
      d = this.tables.durables.idOf(this.server(sid).durable);
      this.durableIds[sid] = d;
    }
    return d;
  }

  /** Every server started (restarted from the empty disk), nothing sent, crashes unused. */
  initial(out: Uint32Array): void {
    out.fill(0, 0, this.W);
    for (let i = 0; i < this.N; i++) {
      const r = this.restartOf(i, INITIAL_DURABLE);
      out[i] = r.server;
      out[this.OFF_TIMERS + i] = r.timers;
    }
    out[this.OFF_CRASH] = this.bounds.crashes;
  }

  packet(to: number, msg: number): number {
    const key = msg * 16 + to;
    let p = this.packetIds.get(key);
    if (p === undefined) {
      p = this.packetTo.length;
      if (p >= this.netWords * 32) {
        throw new RangeError(`the network holds at most ${this.netWords * 32} distinct packets`);
      }
      this.packetIds.set(key, p);
      this.packetTo.push(to);
      this.packetMsg.push(msg);
      const type = this.tables.msgs.get(msg).type;
      this.packetIsSpec.push(type === '1a' || type === '1b' || type === '2a' || type === '2b');
    }
    return p;
  }

  /** Runs the reducer and turns its effects into a StepOut; null when out of bounds. */
  private outOf(at: number, before: ServerState, r: StepResult): StepOut | null {
    const s = r.state;
    if (s.durable.round * this.N + at > this.bounds.maxBallot) return null;
    const sends: number[] = [];
    let timers = 0;
    for (const e of r.effects) {
      if (e.kind === 'persist') {
        if (e.durable !== s.durable) {
          throw new Error('mp-cluster model: a step persisted a record other than its state\'s');
        }
      } else if (e.kind === 'send') {
        const msg = this.tables.msgs.idOf(e.msg);
        if (e.to === 'all') for (let to = 0; to < this.N; to++) sends.push(this.packet(to, msg));
        else sends.push(this.packet(e.to, msg));
      } else if (e.kind === 'set-timer' && e.timer.tag === s.leader.timerTag) {
        timers |= e.timer.name === 'election' ? TIMER_ELECTION : TIMER_HEARTBEAT;
      }
    }
    if (s.durable !== before.durable && r.effects[0]?.kind !== 'persist') {
      throw new Error('mp-cluster model: a step changed the durable record without persisting');
    }
    return {
      server: this.tables.servers.idOf(s),
      keepTimers: s.leader.timerTag === before.leader.timerTag,
      timers, sends, result: r,
    };
  }

  private input(key: number): Input {
    const x = key >>> 2;
    switch (key & 3) {
      case DELIVER: return { kind: 'deliver', msg: this.tables.msgs.get(x), rand: 0 };
      case REQUEST: return { kind: 'request', req: { cmd: this.requests[x]! }, rand: 0 };
      default: return { kind: 'timer', timer: this.timerOf(x), rand: 0 };
    }
  }

  private timerOf(bit: number): Timer {
    return { name: bit === TIMER_ELECTION ? 'election' : 'heartbeat', tag: 0 };
  }

  /** The step of server state `sid` (at server `at`) on input `key`, cached. */
  stepOf(at: number, sid: number, key: number): StepOut | null {
    let byInput = this.cache[sid];
    if (byInput === undefined) this.cache[sid] = byInput = new Map();
    let out = byInput.get(key);
    if (out === undefined) {
      const s = this.server(sid);
      let inp = this.input(key);
      if (inp.kind === 'timer') inp = { ...inp, timer: { ...inp.timer, tag: s.leader.timerTag } };
      out = this.outOf(at, s, this.stepFn(s, inp));
      byInput.set(key, out);
    }
    return out;
  }

  /** A crash of server `at` and its restart from `durable`. */
  restartOf(at: number, durable: Durable): StepOut {
    const d = this.tables.durables.idOf(durable);
    let out = this.restarts.get(d * 16 + at);
    if (out === undefined) {
      const fresh = initServer(this.configs[at]!, durable);
      const r = this.stepFn(fresh, { kind: 'restart', durable, rand: 0 });
      const o = this.outOf(at, fresh, r);
      if (o === null) throw new Error('mp-cluster model: a restart left the ballot bounds');
      out = { ...o, keepTimers: false };
      this.restarts.set(d * 16 + at, out);
    }
    return out;
  }

  static deliverKey(msg: number): number { return msg * 4 + DELIVER; }
  static requestKey(c: number): number { return c * 4 + REQUEST; }
  static timerKey(bit: number): number { return bit * 4 + TIMER; }
}
