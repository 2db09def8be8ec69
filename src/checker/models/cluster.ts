/**
 * The implementation itself, model-checked: N copies of the reducer of src/paxos/ composed with
 * a network, explored exhaustively by the same engine that checks the spec.
 *
 * The world of one state:
 *  - each server's in-memory state (the reducer's ServerState) and its disk (the last durable
 *    record it persisted);
 *  - the network: the set of every (destination, message) ever sent. Delivery does not remove a
 *    message, so any message can be delivered any number of times, in any order, or never:
 *    loss, duplication and reordering are all covered, as by Paxos.tla's msgs;
 *  - each server's pending timers (a timer may fire at any moment: time is abstracted away,
 *    which over-approximates every timing the simulator can produce);
 *  - each client's call: not sent yet, in flight, or answered with a value;
 *  - how many crashes are left. A crash loses everything volatile (in-memory state, timers) and
 *    restarts the server from its disk. A crash between a persist and the send after it needs no
 *    action of its own: it is a step whose sends are never delivered, followed by a crash.
 *
 * Bounds: ballots up to round `maxRound` (a step that would make a proposer use a higher round
 * is not taken), `crashes` crashes in all, one SetVarX per client (client i calls server
 * i mod N), no GetVarX (reads are checked in simulation, src/sim/, where their timing matters).
 *
 * What is checked, on every distinct state and step:
 *  - refinement: the state maps to a spec state (spec/paxos.ts) — disks give maxBal, maxVBal,
 *    maxVal; the 1a/1b/2a/2b messages in the network give msgs; ballots (round, server) map to
 *    round * N + server — and every step maps to a spec step (the mapped successor is one of the
 *    spec's enabled successors) or a stutter;
 *  - every named property of spec/properties.ts on the mapped state, and R1 on the mapped step;
 *  - the implementation's own promises: no two servers learn different values (Agreement), a
 *    learned value is chosen (LearnedIsChosen), and every SetVarX returns the chosen value
 *    (ReplyIsChosen).
 * Mapped spec states repeat across many implementation states, so spec verdicts are cached by
 * the mapped state's key.
 *
 * The engine wants fixed-width states: server states, disks, timer sets and messages are
 * interned (each distinct one gets a small number), and the network is a bitset over message
 * numbers, `netWords` words wide.
 */
import {
  enabledSteps, firstViolation, majorities, R1, send, stateKey, stateProperties as specTable,
  Voting, type Constants, type Message, type PaxosState,
  type Violation as SpecViolation,
} from '../../../spec/index.js';
import {
  initServer, step as correctStep, toNatural, showBallot, type Durable, type Msg,
  type ServerState, type Step, type Timer,
} from '../../paxos/index.js';
import type { Model, Violation } from '../engine.js';
import {
  compareJson, forEachBit, Interner, showMsg, specMessage,
} from './cluster-support.js';

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

const CLIENT_UNSENT = 0;
const CLIENT_WAITING = 1;
/** Client status word: 0 unsent, 1 waiting, 2 + v answered with value v (a client index). */

interface Packet { readonly to: number; readonly msg: Msg }

/** A decoded world, for stepping. */
interface World {
  servers: ServerState[];
  disks: Durable[];
  timers: Timer[][];
  /** The network bitset: bit p set when packet p has been sent. */
  net: Uint32Array;
  clients: number[];
  crashesLeft: number;
}

const IMPL_PROPERTIES = ['Agreement', 'LearnedIsChosen', 'ReplyIsChosen'] as const;

export function clusterModel(bounds: ClusterBounds): Model & { readonly constants: Constants } {
  const N = bounds.servers;
  const C = bounds.clients;
  const netWords = bounds.netWords ?? 8;
  const stepFn = bounds.step ?? correctStep;
  const k: Constants = {
    acceptors: N, values: C, quorums: majorities(N), maxBallot: (bounds.maxRound + 1) * N - 1,
  };
  const serversI = new Interner<ServerState>();
  const partsI = new Interner<unknown>();
  const disksI = new Interner<Durable>();
  const timersI = new Interner<Timer[]>();
  const packetsI = new Interner<Packet>();
  const labelsI = new Interner<string>();
  // Layout: [server ids][disk ids][timer-set ids][clients][crashesLeft][net bitset].
  const OFF_DISK = N;
  const OFF_TIMERS = 2 * N;
  const OFF_CLIENTS = 3 * N;
  const OFF_CRASH = 3 * N + C;
  const OFF_NET = OFF_CRASH + 1;
  const W = OFF_NET + netWords;
  const config = (id: number) => ({ id, servers: N, timeout: 4, distinguished: null });

  const decode = (buf: Uint32Array, off: number): World => {
    const net = buf.slice(off + OFF_NET, off + W);
    const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => buf[off + from + i] as number);
    return {
      servers: ids(0, N).map((id) => serversI.get(id)),
      disks: ids(OFF_DISK, N).map((id) => disksI.get(id)),
      timers: ids(OFF_TIMERS, N).map((id) => timersI.get(id)),
      net,
      clients: ids(OFF_CLIENTS, C),
      crashesLeft: buf[off + OFF_CRASH] as number,
    };
  };

  const encode = (w: World, out: Uint32Array, off: number): void => {
    for (let i = 0; i < N; i++) {
      out[off + i] = serversI.idOfRecord(w.servers[i]!, partsI);
      out[off + OFF_DISK + i] = disksI.idOf(w.disks[i]!);
      out[off + OFF_TIMERS + i] = timersI.idOf(w.timers[i]!);
    }
    for (let c = 0; c < C; c++) out[off + OFF_CLIENTS + c] = w.clients[c]!;
    out[off + OFF_CRASH] = w.crashesLeft;
    out.set(w.net, off + OFF_NET);
  };

  const packetId = (pk: Packet): number => {
    const id = packetsI.id(JSON.stringify(pk), pk);
    if (id >= netWords * 32) {
      throw new RangeError(`cluster model: more than ${netWords * 32} distinct messages; raise netWords`);
    }
    return id;
  };

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
          if (e.client >= 0 && e.client < C && clients[e.client] === CLIENT_WAITING) clients[e.client] = 2 + v;
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

  const successorsOf = (w: World): [string, World][] => {
    const next: [string, World][] = [];
    const push = (label: string, x: World | null): void => void (x !== null && next.push([label, x]));
    for (let c = 0; c < C; c++) {
      if (w.clients[c] !== CLIENT_UNSENT) continue;
      const at = c % N;
      const req = { client: c, seq: 0, slot: 0, op: { name: 'SetVarX', v: clientValue(c) } } as const;
      const r = stepFn(w.servers[at]!, { kind: 'request', req, rand: 0 });
      const waiting = w.clients.map((st, i) => (i === c ? CLIENT_WAITING : st));
      push(`client ${clientValue(c)}: SetVarX(${clientValue(c)}) at s${at + 1}`, apply({ ...w, clients: waiting }, at, r));
    }
    forEachBit(w.net, (p) => {
      const pk = packetsI.get(p);
      if (pk.msg.type === '2b' && bounds.votesTo !== undefined && !bounds.votesTo.includes(pk.to)) return;
      const r = stepFn(w.servers[pk.to]!, { kind: 'deliver', msg: pk.msg, rand: 0 });
      if (r.outcome.kind === 'ignored') return; // a stutter of the whole world: no new state
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
        const restarted = stepFn(initServer(config(id), w.disks[id]!), { kind: 'restart', durable: w.disks[id]! });
        const x = apply({ ...w, timers: w.timers.map((ts, i) => (i === id ? [] : ts)) }, id, restarted);
        if (x !== null) x.crashesLeft = w.crashesLeft - 1;
        push(`s${id + 1} crashes and restarts from its disk`, x);
      }
    }
    return next;
  };

  // --- the mapping to the spec, with caches keyed by the mapped state -----------------------

  const specOf = (w: World): PaxosState => {
    const bal = (b: Parameters<typeof toNatural>[0]) => toNatural(b, N);
    const val = (v: string | null) => (v === null ? null : v.charCodeAt(0) - 65);
    let msgs: readonly Message[] = [];
    forEachBit(w.net, (p) => {
      const m = specMessage(packetsI.get(p).msg, bal, val);
      if (m !== null) msgs = send(msgs, m);
    });
    return {
      maxBal: w.disks.map((d) => bal(d.acceptor.maxBal)),
      maxVBal: w.disks.map((d) => bal(d.acceptor.maxVBal)),
      maxVal: w.disks.map((d) => val(d.acceptor.maxVal)),
      msgs,
    };
  };

  /** The spec state depends only on the disks and the network: cache it by those words. */
  const specCache = new Map<string, { readonly state: PaxosState; readonly key: string }>();
  const specWordsKey = (buf: Uint32Array, off: number): string => {
    let key = '';
    for (let i = OFF_DISK; i < OFF_DISK + N; i++) key += `${buf[off + i]},`;
    for (let i = OFF_NET; i < W; i++) key += `${buf[off + i]},`;
    return key;
  };
  const specAt = (buf: Uint32Array, off: number): { readonly state: PaxosState; readonly key: string } => {
    const wk = specWordsKey(buf, off);
    let hit = specCache.get(wk);
    if (hit === undefined) {
      const state = specOf(decode(buf, off));
      hit = { state, key: stateKey(state) };
      specCache.set(wk, hit);
    }
    return hit;
  };

  const stateVerdicts = new Map<string, SpecViolation | null>();
  const specVerdict = (s: PaxosState, key = stateKey(s)): SpecViolation | null => {
    let v = stateVerdicts.get(key);
    if (v === undefined) {
      v = firstViolation(k, s);
      stateVerdicts.set(key, v);
    }
    return v;
  };
  const stepVerdicts = new Map<string, string | null>();
  /** Why the mapped step is neither a spec step nor a stutter, or null when it is one. */
  const refinementProblem = (s: PaxosState, t: PaxosState, ks = stateKey(s), kt = stateKey(t)): string | null => {
    if (ks === kt) return null;
    const key = `${ks}\n${kt}`;
    let v = stepVerdicts.get(key);
    if (v === undefined) {
      const r1 = R1(k, s, t);
      const isStep = enabledSteps(k, s).some((st) => stateKey(st.next) === kt);
      v = r1 !== null ? `R1: ${r1.summary}` : isStep ? null : 'no spec action takes the mapped state to the next one';
      stepVerdicts.set(key, v);
    }
    return v;
  };

  const chosenOf = (s: PaxosState): number[] => Voting.chosen(k, { votes: votesOfState(s), maxBal: s.maxBal });
  const votesOfState = (s: PaxosState) => {
    const votes: { bal: number; val: number }[][] = Array.from({ length: N }, () => []);
    for (const m of s.msgs) if (m.type === '2b') votes[m.acc]!.push({ bal: m.bal, val: m.val });
    return votes;
  };

  /** The implementation-level properties: index into IMPL_PROPERTIES and a summary, or null. */
  const implProblem = (w: World, s: PaxosState): [number, string] | null => {
    const learned = w.servers.map((x) => x.learner.learned);
    const distinct = [...new Set(learned.filter((v): v is string => v !== null))];
    if (distinct.length > 1) return [0, `servers learned different values: ${learned.map((v, i) => `s${i + 1}=${v ?? '-'}`).join(', ')}`];
    const chosen = chosenOf(s).map(clientValue);
    const unchosen = distinct.find((v) => !chosen.includes(v));
    if (unchosen !== undefined) return [1, `a server learned ${unchosen}, which is not chosen`];
    for (let c = 0; c < C; c++) {
      const status = w.clients[c]!;
      if (status < 2) continue;
      const v = status === 1 ? null : clientValue(status - 2);
      if (v === null || !chosen.includes(v)) return [2, `client ${clientValue(c)}'s SetVarX returned ${v ?? 'empty'}, which is not chosen`];
    }
    return null;
  };

  const specProperties: string[] = specTable.map((p) => p.name);
  const stateProperties = [...specProperties, ...IMPL_PROPERTIES];

  const reachability = [
    { name: 'ValueChosen', partners: ['Consistency', 'Agreement'] },
    { name: 'ClientAnswered', partners: ['ReplyIsChosen', 'LearnedIsChosen'] },
    { name: 'TwoBallotsReachPhase2', partners: ['OneValuePerBallot', 'Inv3'] },
  ];

  const model: Model & { readonly constants: Constants } = {
    name: `cluster(servers=${N}, clients=${C}, maxRound=${bounds.maxRound}, crashes=${bounds.crashes})`,
    constants: k,
    words: W,
    maxSuccessors: netWords * 32 + N * 8 + C + N,
    initial(out) {
      const w: World = {
        servers: Array.from({ length: N }, (_, i) => initServer(config(i))),
        disks: Array.from({ length: N }, () => initServer(config(0)).durable),
        timers: Array.from({ length: N }, () => []),
        net: new Uint32Array(netWords),
        clients: Array.from({ length: C }, () => CLIENT_UNSENT),
        crashesLeft: bounds.crashes,
      };
      encode(w, out, 0);
      return 1;
    },
    successors(src, off, out, labels, weights) {
      const next = successorsOf(decode(src, off));
      next.forEach(([label, w], j) => {
        encode(w, out, j * W);
        labels[j] = labelsI.id(label, label);
        weights[j] = 1;
      });
      return next.length;
    },
    stateProperties,
    checkState(src, off) {
      const w = decode(src, off);
      const { state: s, key } = specAt(src, off);
      const v = specVerdict(s, key);
      if (v !== null) return specProperties.indexOf(v.property);
      const impl = implProblem(w, s);
      return impl === null ? -1 : specProperties.length + impl[0];
    },
    stepProperties: ['Refinement'],
    checkStep(src, srcOff, _label, dst, dstOff) {
      const a = specAt(src, srcOff);
      const b = specAt(dst, dstOff);
      return refinementProblem(a.state, b.state, a.key, b.key) === null ? -1 : 0;
    },
    reachability,
    reaches(i, src, off) {
      if (i === 1) {
        for (let c = 0; c < C; c++) if ((src[off + OFF_CLIENTS + c] as number) >= 2) return true;
        return false;
      }
      const s = specAt(src, off).state;
      if (i === 0) return chosenOf(s).length > 0;
      const bals = new Set(s.msgs.filter((m) => m.type === '2a').map((m) => m.bal));
      return bals.size >= 2;
    },
    explainState(property, src, off): Violation {
      const w = decode(src, off);
      const s = specOf(w);
      const v = specVerdict(s);
      if (v !== null && property < specProperties.length) return v;
      const impl = implProblem(w, s);
      return { property: stateProperties[property] ?? '?', summary: impl?.[1] ?? '?', witness: { learned: w.servers.map((x) => x.learner.learned) } };
    },
    explainStep(_property, src, srcOff, _label, dst, dstOff): Violation {
      const s = specOf(decode(src, srcOff));
      const t = specOf(decode(dst, dstOff));
      const why = refinementProblem(s, t) ?? '?';
      const vs = Voting.votingStep(k, { votes: votesOfState(s), maxBal: s.maxBal }, { votes: votesOfState(t), maxBal: t.maxBal });
      return {
        property: why.startsWith('R1') ? 'R1' : 'Refinement',
        summary: why,
        witness: { voting: vs.ok ? vs.action.name : `${vs.conjunct}: ${vs.why}` },
      };
    },
    describeAction: (label) => labelsI.get(label),
    describeChange(prev, prevOff, next, nextOff) {
      const a = decode(prev, prevOff);
      const b = decode(next, nextOff);
      const parts: string[] = [];
      for (let i = 0; i < N; i++) {
        const da = a.disks[i]!.acceptor;
        const db = b.disks[i]!.acceptor;
        if (JSON.stringify(da) !== JSON.stringify(db)) {
          parts.push(`s${i + 1} persists maxBal ${showBallot(db.maxBal)} vote ${showBallot(db.maxVBal)}/${db.maxVal ?? '-'}`);
        }
        if (a.servers[i]!.learner.learned !== b.servers[i]!.learner.learned) parts.push(`s${i + 1} learns ${b.servers[i]!.learner.learned}`);
      }
      forEachBit(b.net, (p) => {
        if ((((a.net[p >>> 5] as number) >>> (p & 31)) & 1) === 0) parts.push(`sends ${showMsg(packetsI.get(p).msg)} to s${packetsI.get(p).to + 1}`);
      });
      return parts.length > 0 ? parts.join('; ') : 'no durable change, no message';
    },
    describeState(src, off) {
      const w = decode(src, off);
      const s = specOf(w);
      return {
        disks: w.disks.map((d) => ({ round: d.round, maxBal: showBallot(d.acceptor.maxBal), maxVBal: showBallot(d.acceptor.maxVBal), maxVal: d.acceptor.maxVal })),
        learned: w.servers.map((x) => x.learner.learned),
        clients: w.clients.map((c) => (c === 0 ? 'unsent' : c === 1 ? 'waiting' : clientValue(c - 2))),
        msgs: s.msgs.length,
      };
    },
  };
  return model;
}

