/**
 * The Multi-Paxos implementation itself, model-checked: N copies of src/multipaxos's reducer
 * composed with a lossy network (mp-cluster-world.ts), explored exhaustively by the engine that
 * checks the specs, every state mapped to the per-slot spec (mp-cluster-spec.ts).
 *
 * What is checked, on every distinct state:
 *  - every per-slot named property of spec/multipaxos/slots-properties.ts (TypeOK, Inv1..Inv4,
 *    VotesSafe, OneValuePerBallot, Consistency, R2, R2', I1, in every slot) on the mapped state,
 *    and PromiseCovers (each durable promise is at or above the spec's maxBal);
 *  - LogAgreement: at most one value is chosen in each slot (by a quorum of 2b in one ballot);
 *  - StateMachineSafety: every entry a replica learned is the one chosen in its slot, and the
 *    prefix it applied is the chosen log's, in slot order (its chain digest is the chosen
 *    prefix's, src/multipaxos/machine.ts `chain`).
 * And on every step: Refinement (the step is per-slot spec steps or a stutter, the disks
 * included) and R1 in every slot. A step whose target breaks a state property is left to the
 * state check, so a violation is reported under its named property.
 *
 * "Sometimes" partners: a value is chosen (ValueChosen), a replica applies a client command
 * (CommandApplied), and with two ballots or more, two ballots send 2a (TwoBallotsPropose).
 *
 * Left out: reads (the simulator checks linearizability, where timing matters), compaction and
 * snapshots, catch-up by snapshot, membership changes, client replies.
 */
import {
  stateProperties as slotStateProperties,
} from '../../../spec/multipaxos/slots-properties.js';
import type { Model, Reachability, Violation } from '../engine.js';
import { chain, showBallot, type ServerState } from '../../multipaxos/index.js';
import { forEachBit } from './cluster-support.js';
import { MpSpecView, replicaProblem } from './mp-cluster-spec.js';
import {
  commandValue, MpWorld, TIMER_ELECTION, TIMER_HEARTBEAT, type MpClusterBounds, type StepOut,
} from './mp-cluster-world.js';
import { describeMsg } from './mp-cluster-show.js';

export type { MpClusterBounds } from './mp-cluster-world.js';

/** A disk in words: the round used, the promise, the votes. */
function showDurable(s: ServerState): string {
  const d = s.durable;
  const votes = d.votes.map((v) => `${v.slot}:${showBallot(v.bal)}/${v.val.id}`).join(' ');
  return `round ${d.round}, maxBal ${showBallot(d.maxBal)}, votes ${votes || '-'}`;
}

/** Label kinds (low two bits of a label; the server is next, then the input). */
const L_DELIVER = 0;
const L_REQUEST = 1;
const L_TIMER = 2;
const L_CRASH = 3;

/** The per-slot spec's state properties, in its order, then the disks' promise. */
const SPEC_PROPERTIES: readonly string[] = [
  ...slotStateProperties.map((p) => p.name), 'PromiseCovers',
];

export interface MpClusterModel extends Model {
  readonly world: MpWorld;
  readonly spec: MpSpecView;
}

export function mpClusterModel(bounds: MpClusterBounds): MpClusterModel {
  const world = new MpWorld(bounds);
  const spec = new MpSpecView(world);
  const { N, C, W, OFF_TIMERS, OFF_CRASH, OFF_NET, netWords } = world;
  const stateProperties = [...SPEC_PROPERTIES, 'LogAgreement', 'StateMachineSafety'];
  const LOG_AGREEMENT = SPEC_PROPERTIES.length;
  const SMS = LOG_AGREEMENT + 1;
  const reachability: Reachability[] = [
    { name: 'ValueChosen', partners: ['Consistency', 'LogAgreement'] },
    { name: 'CommandApplied', partners: ['StateMachineSafety'] },
    ...(bounds.maxBallot >= 1
      ? [{ name: 'TwoBallotsPropose', partners: ['OneValuePerBallot', 'I1'] }] : []),
  ];

  /** Chain digests of the chosen prefix 0..k-1 per projection (null past a hole). */
  const digests = new Map<number, (number | null)[]>();
  const referenceOf = (proj: number) => (upTo: number): number | null => {
    let ds = digests.get(proj);
    if (ds === undefined) {
      ds = [0];
      let d = 0;
      for (const id of spec.chosen(proj)) {
        if (id === null) break;
        d = chain(d, id);
        ds.push(d);
      }
      digests.set(proj, ds);
    }
    return ds[upTo] ?? null;
  };

  /** The index of the first violated state property and why, or null. */
  const stateProblem = (src: Uint32Array, off: number): [number, Violation] | null => {
    const proj = spec.projection(src, off);
    const v = spec.verdict(proj);
    if (v !== null) {
      const i = stateProperties.indexOf(v.property);
      if (i < 0) throw new Error(`mp-cluster model bug: unlisted property ${v.property}`);
      return [i, v];
    }
    const chosen = spec.chosen(proj);
    const many = chosen.findIndex((c) => c !== null && c.startsWith('<'));
    if (many >= 0) {
      return [LOG_AGREEMENT, {
        property: 'LogAgreement', summary: `slot ${many}: ${chosen[many]} are chosen`,
        witness: { slot: many },
      }];
    }
    const reference = referenceOf(proj);
    for (let i = 0; i < N; i++) {
      const why = replicaProblem(world.server(src[off + i]!), chosen, reference);
      if (why !== null) {
        return [SMS, { property: 'StateMachineSafety', summary: why, witness: { server: i } }];
      }
    }
    return null;
  };

  const showPacketMsg = (p: number): string =>
    describeMsg(world.tables.msgs.get(world.packetMsg[p]!));
  let out: Uint32Array;
  let count = 0;
  /**
   * Per successor of the last expanded state: whether the step changed a disk or sent a spec
   * message not sent before. When not, its mapped state is the source's: a stutter of the spec,
   * which checkStep knows without mapping either state.
   */
  const specChanged = new Uint8Array(netWords * 32 + N * (C + 3));
  let lastSrc: Uint32Array | null = null;
  let lastOff = -1;
  let lastOut: Uint32Array | null = null;
  /**
   * Writes the successor of the state at src[off..] where server `at` took step `o`, unless the
   * step changed nothing (a self-loop of the world).
   */
  const emit = (src: Uint32Array, off: number, at: number, o: StepOut, timers: number,
    label: number, labels: Int32Array, weights: Int32Array, crash: boolean): void => {
    const nextTimers = (o.keepTimers ? timers : 0) | o.timers;
    let changed = crash || o.server !== src[off + at] || nextTimers !== src[off + OFF_TIMERS + at];
    let specChange = world.durableOf(o.server) !== world.durableOf(src[off + at]!);
    for (const p of o.sends) {
      if ((src[off + OFF_NET + (p >>> 5)]! & (1 << (p & 31))) !== 0) continue;
      changed = true;
      if (world.packetIsSpec[p]) specChange = true;
    }
    if (!changed) return;
    const base = count * W;
    for (let i = 0; i < W; i++) out[base + i] = src[off + i]!;
    out[base + at] = o.server;
    out[base + OFF_TIMERS + at] = nextTimers;
    if (crash) out[base + OFF_CRASH] = src[off + OFF_CRASH]! - 1;
    for (const p of o.sends) out[base + OFF_NET + (p >>> 5)]! |= 1 << (p & 31);
    labels[count] = label;
    weights[count] = 1;
    specChanged[count] = specChange ? 1 : 0;
    count++;
  };

  const model: MpClusterModel = {
    world, spec,
    name: `multipaxos cluster(servers=${N}, commands=${C}, maxBallot=${bounds.maxBallot}, ` +
      `crashes=${bounds.crashes})`,
    words: W,
    maxSuccessors: netWords * 32 + N * (C + 3),
    initial(o) {
      world.initial(o);
      return 1;
    },
    successors(src, off, o, labels, weights) {
      out = o;
      count = 0;
      lastSrc = src;
      lastOff = off;
      lastOut = o;
      for (let j = 0; j < netWords; j++) {
        for (let word = src[off + OFF_NET + j]!; word !== 0; word &= word - 1) {
          const p = j * 32 + (31 - Math.clz32(word & -word));
          const to = world.packetTo[p]!;
          const r = world.stepOf(to, src[off + to]!, MpWorld.deliverKey(world.packetMsg[p]!));
          if (r === null) continue;
          emit(src, off, to, r, src[off + OFF_TIMERS + to]!, (p * 16 + to) * 4 + L_DELIVER,
            labels, weights, false);
        }
      }
      for (let at = 0; at < N; at++) {
        const sid = src[off + at]!;
        const timers = src[off + OFF_TIMERS + at]!;
        for (let c = 0; c < C; c++) {
          const r = world.stepOf(at, sid, MpWorld.requestKey(c));
          if (r === null) continue;
          emit(src, off, at, r, timers, (c * 16 + at) * 4 + L_REQUEST, labels, weights, false);
        }
        for (let bit = TIMER_ELECTION; bit <= TIMER_HEARTBEAT; bit <<= 1) {
          if ((timers & bit) === 0) continue;
          const r = world.stepOf(at, sid, MpWorld.timerKey(bit));
          if (r !== null) {
            const label = (bit * 16 + at) * 4 + L_TIMER;
            emit(src, off, at, r, timers & ~bit, label, labels, weights, false);
          }
        }
        if (src[off + OFF_CRASH]! > 0) {
          const r = world.restartOf(at, world.server(sid).durable);
          emit(src, off, at, r, 0, at * 4 + L_CRASH, labels, weights, true);
        }
      }
      return count;
    },
    stateProperties,
    checkState(src, off) {
      return stateProblem(src, off)?.[0] ?? -1;
    },
    stepProperties: ['Refinement', 'R1'],
    checkStep(src, srcOff, _label, dst, dstOff) {
      const known = src === lastSrc && srcOff === lastOff && dst === lastOut;
      if (known && specChanged[dstOff / W] === 0) return -1;
      const from = spec.projection(src, srcOff);
      const to = spec.projection(dst, dstOff);
      const why = spec.stepProblem(from, to);
      if (why === null || stateProblem(dst, dstOff) !== null) return -1;
      return why.startsWith('R1') ? 1 : 0;
    },
    reachability,
    reaches(i, src, off) {
      const name = reachability[i]!.name;
      if (name === 'CommandApplied') {
        for (let s = 0; s < N; s++) {
          if (Object.keys(world.server(src[off + s]!).replica.app).length > 0) return true;
        }
        return false;
      }
      const proj = spec.projection(src, off);
      if (name === 'ValueChosen') return spec.chosen(proj).some((c) => c !== null);
      const bals = new Set(spec.state(proj).msgs.filter((m) => m.type === '2a').map((m) => m.bal));
      return bals.size >= 2;
    },
    explainState(property, src, off): Violation {
      return stateProblem(src, off)?.[1]
        ?? { property: stateProperties[property] ?? '?', summary: '?', witness: null };
    },
    explainStep(property, src, srcOff, _label, dst, dstOff): Violation {
      const why = spec.stepProblem(spec.projection(src, srcOff), spec.projection(dst, dstOff));
      return { property: model.stepProperties[property]!, summary: why ?? '?', witness: null };
    },
    describeAction(label) {
      const kind = label & 3;
      const at = (label >>> 2) & 15;
      const x = label >>> 6;
      const who = `s${at + 1}`;
      switch (kind) {
        case L_DELIVER: return `deliver ${showPacketMsg(x)} to ${who}`;
        case L_REQUEST: return `client ${commandValue(x)}'s put(X, ${commandValue(x)}) at ${who}`;
        case L_TIMER:
          return `${x === TIMER_ELECTION ? 'election' : 'heartbeat'} timer fires at ${who}`;
        default: return `${who} crashes and restarts from its disk`;
      }
    },
    describeChange(prev, prevOff, next, nextOff) {
      const parts: string[] = [];
      for (let i = 0; i < N; i++) {
        const a = world.server(prev[prevOff + i]!);
        const b = world.server(next[nextOff + i]!);
        if (a.durable !== b.durable) parts.push(`s${i + 1} persists ${showDurable(b)}`);
        if (a.leader.role !== b.leader.role) parts.push(`s${i + 1} becomes ${b.leader.role}`);
        if (a.replica.applied !== b.replica.applied) {
          parts.push(`s${i + 1} applied ${b.replica.applied} slot(s)`);
        }
      }
      for (let j = 0; j < netWords; j++) {
        const fresh = next[nextOff + OFF_NET + j]! & ~prev[prevOff + OFF_NET + j]!;
        forEachBit(Uint32Array.of(fresh), (b) => {
          const p = j * 32 + b;
          parts.push(`sends ${showPacketMsg(p)} to s${world.packetTo[p]! + 1}`);
        });
      }
      return parts.length > 0 ? parts.join('; ') : 'no durable change, no message';
    },
    describeState(src, off) {
      const servers = Array.from({ length: N }, (_, i) => {
        const s = world.server(src[off + i]!);
        return {
          role: s.leader.role, bal: showBallot(s.leader.bal), maxBal: showBallot(s.durable.maxBal),
          votes: s.durable.votes.map((v) => `${v.slot}:${showBallot(v.bal)}/${v.val.id}`),
          applied: s.replica.applied, app: s.replica.app,
        };
      });
      const msgs = spec.messageCount(spec.projection(src, off));
      return { servers, crashesLeft: src[off + OFF_CRASH], msgs };
    },
  };
  return model;
}
