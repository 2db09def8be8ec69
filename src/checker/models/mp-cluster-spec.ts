/**
 * The Multi-Paxos cluster model's view of the per-slot spec (spec/multipaxos/slots.ts): the
 * refinement mapping from a world to a per-slot spec state, and the verdicts on it.
 *
 * The mapping (the one src/sim/multipaxos/refinement.ts keeps incrementally along a run, here a
 * function of one world, as spec/multipaxos/smr-refinement.ts maps MultiPaxos-SMR):
 *  - msgs: the 1a, 1b, 2a and 2b in the network (specMessage); commit, reject, catch-up and read
 *    messages map to nothing;
 *  - maxVBal[a][s], maxVal[a][s]: a's durable vote in slot s (no compaction in this model, so
 *    every vote a ever cast is on its disk until a newer one replaces it);
 *  - maxBal[a][s]: as msgs imply it (promisesFromMsgs: the spec's actions raise maxBal only by
 *    sending a 1b or 2b); a's one durable promise must be at or above it in every slot
 *    (PromiseCovers), which is what makes the reducer's refusals stutters.
 * A step refines when the spec explains it (stepsBetween): one spec action per new message, each
 * enabled where it is taken, reaching exactly the mapped successor, so the disk agrees with the
 * spec's variables after every step. R1 is checked in every slot on every step.
 *
 * The mapped state depends only on the disks and the spec packets of the network, so it is
 * computed once per distinct projection (those words), with its verdicts; a step's refinement
 * verdict once per pair of projections.
 */
import { majorities } from '../../../spec/quorums.js';
import {
  type Constants, type Message, type SlotsState, send, maxBallotOn,
} from '../../../spec/multipaxos/slots.js';
import {
  firstViolation, R1, type Violation as SlotViolation,
} from '../../../spec/multipaxos/slots-properties.js';
import {
  chosenLog, promisesFromMsgs, stepsBetween,
} from '../../../spec/multipaxos/slots-refinement.js';
import type { Names } from '../../../spec/names.js';
import { toNatural, type Msg, type ServerState } from '../../multipaxos/index.js';
import { StateStore } from '../store.js';
import { forEachBit } from './cluster-support.js';
import type { MpWorld } from './mp-cluster-world.js';

/** The per-slot spec's message for an implementation message, or null (not a spec message). */
export function specMessage(m: Msg, n: number, value: (id: string) => number): Message | null {
  switch (m.type) {
    case '1a': return { type: '1a', bal: toNatural(m.bal, n), from: m.from, to: null };
    case '1b': return {
      type: '1b', acc: m.acc, bal: toNatural(m.bal, n), from: m.from, to: null,
      votes: m.votes.map((v) =>
        ({ slot: v.slot, mbal: toNatural(v.bal, n), mval: value(v.val.id) })),
    };
    case '2a': return { type: '2a', bal: toNatural(m.bal, n), slot: m.slot, val: value(m.val.id) };
    case '2b': return {
      type: '2b', acc: m.acc, bal: toNatural(m.bal, n), slot: m.slot, val: value(m.val.id),
    };
    default: return null;
  }
}

/** One projection: its spec state and what has been found out about it. */
interface Projected {
  readonly state: SlotsState;
  /** The first violated spec property (or PromiseCovers), computed on demand. */
  verdict?: SlotViolation | null;
  /** Per slot, the chosen value's entry id, or null; undefined past the last chosen slot. */
  chosen?: (string | null)[];
}

export class MpSpecView {
  /** The constants but Value: values are numbered as entry ids appear (see kNow). */
  private readonly base: Constants;
  readonly names: Names;
  /** Entry ids by spec value, and back. */
  readonly ids: string[] = [];
  private readonly values = new Map<string, number>();
  private readonly projections: StateStore;
  private readonly projected: Projected[] = [];
  private readonly scratch: Uint32Array;
  /** Spec packets (1a/1b/2a/2b) as a bitset over packet numbers, grown as packets appear. */
  private readonly specMask: Uint32Array;
  private masked = 0;
  private readonly specOfMsg: (Message | null | undefined)[] = [];
  private readonly steps = new Map<number, string | null>();

  constructor(private readonly world: MpWorld) {
    const n = world.N;
    this.base = {
      acceptors: n, values: 0, quorums: majorities(n),
      maxBallot: world.bounds.maxBallot, slots: Infinity,
    };
    this.names = { acceptor: (a) => `s${a + 1}`, value: (v) => this.ids[v] ?? `value ${v}` };
    this.projections = new StateStore(n + world.netWords);
    this.scratch = new Uint32Array(n + world.netWords);
    this.specMask = new Uint32Array(world.netWords);
  }

  /**
   * The constants with Value = every value numbered so far. The single-decree properties range
   * over Value, so it must be finite; a value no message or vote carries changes no verdict.
   */
  get k(): Constants {
    return { ...this.base, values: this.ids.length };
  }

  value(id: string): number {
    let v = this.values.get(id);
    if (v === undefined) {
      v = this.ids.length;
      this.values.set(id, v);
      this.ids.push(id);
    }
    return v;
  }

  private specMsg(msg: number): Message | null {
    let m = this.specOfMsg[msg];
    if (m === undefined) {
      m = specMessage(this.world.tables.msgs.get(msg), this.world.N, (id) => this.value(id));
      this.specOfMsg[msg] = m;
    }
    return m;
  }

  /** The projection number of the world at buf[off..]: its disks and spec packets. */
  projection(buf: Uint32Array, off: number): number {
    const w = this.world;
    for (; this.masked < w.packetMsg.length; this.masked++) {
      const p = this.masked;
      if (w.packetIsSpec[p]) this.specMask[p >>> 5]! |= 1 << (p & 31);
    }
    const x = this.scratch;
    for (let i = 0; i < w.N; i++) x[i] = w.durableOf(buf[off + i]!);
    for (let j = 0; j < w.netWords; j++) x[w.N + j] = buf[off + w.OFF_NET + j]! & this.specMask[j]!;
    const id = this.projections.insert(x, 0);
    if (id < 0) return -id - 1;
    this.projected.push({ state: this.specStateOf(x) });
    return id;
  }

  private specStateOf(x: Uint32Array): SlotsState {
    const w = this.world;
    let msgs: readonly Message[] = [];
    forEachBit(x.subarray(w.N), (p) => {
      msgs = send(msgs, this.specMsg(w.packetMsg[p]!)!);
    });
    const maxVBal: number[][] = [];
    const maxVal: (number | null)[][] = [];
    for (let a = 0; a < w.N; a++) {
      const vbal: number[] = [];
      const val: (number | null)[] = [];
      for (const v of w.tables.durables.get(x[a]!).votes) {
        while (vbal.length < v.slot) { vbal.push(-1); val.push(null); }
        vbal.push(toNatural(v.bal, w.N));
        val.push(this.value(v.val.id));
      }
      maxVBal.push(vbal);
      maxVal.push(val);
    }
    return { maxBal: promisesFromMsgs(this.k, msgs), maxVBal, maxVal, msgs };
  }

  state(proj: number): SlotsState {
    return this.projected[proj]!.state;
  }

  /** The first violated per-slot property or PromiseCovers in projection `proj`, or null. */
  verdict(proj: number): SlotViolation | null {
    const p = this.projected[proj]!;
    if (p.verdict === undefined) {
      p.verdict = firstViolation(this.k, p.state, this.names) ?? this.promiseProblem(proj);
    }
    return p.verdict;
  }

  private promiseProblem(proj: number): SlotViolation | null {
    const st = this.projected[proj]!.state;
    const x = this.projections.chunk(proj).subarray(this.projections.offset(proj));
    for (let a = 0; a < this.world.N; a++) {
      const mine = toNatural(this.world.tables.durables.get(x[a]!).maxBal, this.world.N);
      const spec = maxBallotOn(st.maxBal[a]!, 0, null);
      if (mine < spec) {
        return {
          property: 'PromiseCovers' as SlotViolation['property'],
          summary: `s${a + 1}'s durable promise ${mine} is below the spec's maxBal ${spec}`,
          witness: { acceptor: a },
        };
      }
    }
    return null;
  }

  /** Per slot, the entry id chosen there (null: none yet). */
  chosen(proj: number): readonly (string | null)[] {
    const p = this.projected[proj]!;
    if (p.chosen === undefined) {
      const log = chosenLog(this.k, p.state);
      const out: (string | null)[] = [];
      for (const [s, vals] of log) {
        while (out.length <= s) out.push(null);
        out[s] = vals.length === 1 ? this.ids[vals[0]!]! : `<${vals.length} values>`;
      }
      p.chosen = out;
    }
    return p.chosen;
  }

  /** Why the step between two projections is not spec steps or a stutter, or null. */
  stepProblem(from: number, to: number): string | null {
    if (from === to) return null;
    const key = from * 0x200000 + to;
    let v = this.steps.get(key);
    if (v === undefined) {
      const s = this.state(from);
      const t = this.state(to);
      const e = stepsBetween(this.k, s, t, undefined, this.names);
      const r1 = R1(this.k, s, t, this.names);
      v = !e.ok ? `Refinement: ${e.conjunct}: ${e.why}` : r1 !== null ? `R1: ${r1.summary}` : null;
      this.steps.set(key, v);
    }
    return v;
  }

  /** The messages of a projection, as people read them (for reports). */
  messageCount(proj: number): number {
    return this.state(proj).msgs.length;
  }
}

/** Whether a server state's learned and applied log agrees with the chosen log. */
export function replicaProblem(
  s: ServerState, chosen: readonly (string | null)[], reference: (upTo: number) => number | null,
): string | null {
  const r = s.replica;
  for (let i = 0; i < r.log.length; i++) {
    const e = r.log[i];
    if (e === null || e === undefined) continue;
    const c = chosen[i] ?? null;
    if (c !== e.id) {
      return `s${s.config.id + 1} learned ${e.id} in slot ${i}, where ` +
        `${c === null ? 'nothing is chosen' : `${c} is chosen`}`;
    }
  }
  const digest = reference(r.applied);
  if (digest === null || digest !== r.digest) {
    return `s${s.config.id + 1} applied slots 0..${r.applied - 1} out of the chosen log's order ` +
      `(its digest differs from the chosen prefix's)`;
  }
  return null;
}
