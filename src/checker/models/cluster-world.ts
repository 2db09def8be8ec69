/**
 * The world of the cluster model (cluster.ts): its state, its fixed-width encoding, and its
 * steps. A step is one reducer step at one server (a client request, a delivery, a timer) or a
 * crash and restart; the reducer is src/paxos/'s `step`, or a mutant's in tests.
 */
import {
  initServer, step as correctStep, type Durable, type Msg, type ServerState, type Step, type Timer,
} from '../../paxos/index.js';
import { compareJson, forEachBit, Interner, showMsg } from './cluster-support.js';

export interface ClusterBounds {
  readonly servers: number;
  readonly clients: number;
  /** Highest proposer round (ballot (round, server)) any server may use. */
  readonly maxRound: number;
  /** Crashes allowed in a run, in all. */
  readonly crashes: number;
  /** Width of the network bitset in 32-bit words (32 distinct messages per word). */
  readonly netWords?: number;
  /**
   * The servers 2b messages are delivered to (default: all). Delivering them to fewer servers
   * is an under-approximation (the rest are lost, which the fault model allows) that keeps the
   * interleavings of learners in check; the others still learn through commit messages.
   */
  readonly votesTo?: readonly number[];
  /** The reducer to check: the correct one by default, a mutant in tests. */
  readonly step?: Step;
}

/** A value proposed by client i: its name, as in the simulator. */
export const clientValue = (i: number): string => String.fromCharCode(65 + i);

/** Client status word: 0 unsent, 1 waiting, 2 + v answered with value v (a client index). */
export const CLIENT_UNSENT = 0;
export const CLIENT_WAITING = 1;

export interface Packet { readonly to: number; readonly msg: Msg }

/** A decoded world, for stepping. */
export interface World {
  servers: ServerState[];
  disks: Durable[];
  timers: Timer[][];
  /** The network bitset: bit p set when packet p has been sent. */
  net: Uint32Array;
  clients: number[];
  crashesLeft: number;
}

/** The encoding of a world as `W` words; interned parts are numbered in the interners. */
export interface WorldCodec {
  readonly W: number;
  readonly OFF_DISK: number;
  readonly OFF_CLIENTS: number;
  readonly OFF_NET: number;
  readonly packets: Interner<Packet>;
  readonly initial: () => World;
  readonly decode: (buf: Uint32Array, off: number) => World;
  readonly encode: (w: World, out: Uint32Array, off: number) => void;
  readonly packetId: (pk: Packet) => number;
}

export const serverConfig = (id: number, servers: number) =>
  ({ id, servers, timeout: 4, distinguished: null });

/** Layout: [server ids][disk ids][timer-set ids][clients][crashesLeft][net bitset]. */
export function worldCodec(bounds: ClusterBounds): WorldCodec {
  const N = bounds.servers;
  const C = bounds.clients;
  const netWords = bounds.netWords ?? 8;
  const serversI = new Interner<ServerState>();
  const partsI = new Interner<unknown>();
  const disksI = new Interner<Durable>();
  const timersI = new Interner<Timer[]>();
  const packets = new Interner<Packet>();
  const OFF_DISK = N;
  const OFF_TIMERS = 2 * N;
  const OFF_CLIENTS = 3 * N;
  const OFF_CRASH = 3 * N + C;
  const OFF_NET = OFF_CRASH + 1;
  const W = OFF_NET + netWords;
  const ids = (buf: Uint32Array, at: number, n: number): number[] =>
    Array.from({ length: n }, (_, i) => buf[at + i] as number);
  return {
    W, OFF_DISK, OFF_CLIENTS, OFF_NET, packets,
    initial: () => ({
      servers: Array.from({ length: N }, (_, i) => initServer(serverConfig(i, N))),
      disks: Array.from({ length: N }, () => initServer(serverConfig(0, N)).durable),
      timers: Array.from({ length: N }, () => []),
      net: new Uint32Array(netWords),
      clients: Array.from({ length: C }, () => CLIENT_UNSENT),
      crashesLeft: bounds.crashes,
    }),
    decode: (buf, off) => ({
      servers: ids(buf, off, N).map((id) => serversI.get(id)),
      disks: ids(buf, off + OFF_DISK, N).map((id) => disksI.get(id)),
      timers: ids(buf, off + OFF_TIMERS, N).map((id) => timersI.get(id)),
      net: buf.slice(off + OFF_NET, off + W),
      clients: ids(buf, off + OFF_CLIENTS, C),
      crashesLeft: buf[off + OFF_CRASH] as number,
    }),
    encode: (w, out, off) => {
      for (let i = 0; i < N; i++) {
        out[off + i] = serversI.idOfRecord(w.servers[i]!, partsI);
        out[off + OFF_DISK + i] = disksI.idOf(w.disks[i]!);
        out[off + OFF_TIMERS + i] = timersI.idOf(w.timers[i]!);
      }
      for (let c = 0; c < C; c++) out[off + OFF_CLIENTS + c] = w.clients[c]!;
      out[off + OFF_CRASH] = w.crashesLeft;
      out.set(w.net, off + OFF_NET);
    },
    packetId: (pk) => {
      const id = packets.id(JSON.stringify(pk), pk);
      if (id >= netWords * 32) {
        throw new RangeError(`cluster model: more than ${netWords * 32} distinct messages; raise ` +
          `netWords`);
      }
      return id;
    },
  };
}

/** Every step from a world, labelled: the world's Next. */
export function worldSuccessors(
  bounds: ClusterBounds, codec: WorldCodec,
): (w: World) => [string, World][] {
  const N = bounds.servers;
  const C = bounds.clients;
  const stepFn = bounds.step ?? correctStep;
  const { packetId } = codec;
  /** Applies one reducer step at server `id`; null when the step leaves the bounds. */
  const apply = (w: World, id: number, result: ReturnType<Step>): World | null => {
    const servers = w.servers.slice();
    const disks = w.disks.slice();
    const timers = w.timers.slice();
    const net = w.net.slice();
    const clients = w.clients.slice();
    servers[id] = result.state;
    if (result.state.durable.round > bounds.maxRound) return null;
    for (const e of result.effects) {
      switch (e.kind) {
        case 'persist':
          disks[id] = e.durable;
          break;
        case 'send': {
          const targets = e.to === 'all' ? Array.from({ length: N }, (_, i) => i) : [e.to];
          for (const to of targets) {
            const p = packetId({ to, msg: e.msg });
            net[p >>> 5] = ((net[p >>> 5] as number) | (1 << (p & 31))) >>> 0;
          }
          break;
        }
        case 'reply': {
          const v = e.val === null ? -1 : e.val.charCodeAt(0) - 65;
          const waiting = e.client >= 0 && e.client < C && clients[e.client] === CLIENT_WAITING;
          if (waiting) clients[e.client] = 2 + v;
          break;
        }
        case 'set-timer':
          // Kept sorted, so that equal sets of timers are equal arrays.
          timers[id] = [...timers[id]!.filter((t) => compareJson(t, e.timer) !== 0), e.timer]
            .sort(compareJson);
          break;
      }
    }
    return { servers, disks, timers, net, clients, crashesLeft: w.crashesLeft };
  };

  return (w: World): [string, World][] => {
    const next: [string, World][] = [];
    const push = (label: string, x: World | null): void => void (x !== null && next.push([label,
      x]));
    for (let c = 0; c < C; c++) {
      if (w.clients[c] !== CLIENT_UNSENT) continue;
      const at = c % N;
      const op = { name: 'SetVarX', v: clientValue(c) } as const;
      const req = { client: c, seq: 0, slot: 0, op } as const;
      const r = stepFn(w.servers[at]!, { kind: 'request', req, rand: 0 });
      const waiting = w.clients.map((st, i) => (i === c ? CLIENT_WAITING : st));
      push(`client ${clientValue(c)}: SetVarX(${clientValue(c)}) at s${at + 1}`, apply({ ...w,
        clients: waiting }, at, r));
    }
    forEachBit(w.net, (p) => {
      const pk = codec.packets.get(p);
      const votesTo = bounds.votesTo;
      if (pk.msg.type === '2b' && votesTo !== undefined && !votesTo.includes(pk.to)) return;
      const r = stepFn(w.servers[pk.to]!, { kind: 'deliver', msg: pk.msg, rand: 0 });
      // An ignored delivery is a stutter of the whole world. So is a refused one here: the model
      // leaves the reject hint out (it changes no state; liveness is not checked here).
      if (r.outcome.kind !== 'acted') return;
      push(`deliver ${showMsg(pk.msg)} to s${pk.to + 1}`, apply(w, pk.to, r));
    });
    for (let id = 0; id < N; id++) {
      for (const t of w.timers[id]!) {
        const r = stepFn(w.servers[id]!, { kind: 'timer', timer: t, rand: 0 });
        const x = apply(w, id, r);
        if (x !== null) x.timers[id] = x.timers[id]!.filter((u) => u !== t);
        push(`timer ${t.name} fires at s${id + 1}`, x);
      }
      if (w.crashesLeft > 0) {
        const restarted = stepFn(initServer(serverConfig(id, N), w.disks[id]!), { kind: 'restart',
          durable: w.disks[id]! });
        const x = apply({ ...w, timers: w.timers.map((ts, i) => (i === id ? [] : ts)) }, id,
          restarted);
        if (x !== null) x.crashesLeft = w.crashesLeft - 1;
        push(`s${id + 1} crashes and restarts from its disk`, x);
      }
    }
    return next;
  };
}
