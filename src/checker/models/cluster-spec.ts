/**
 * The cluster model's view of the spec (cluster.ts): the refinement mapping from a world to a
 * spec state, and the verdicts on it, cached by the mapped state (many worlds share one).
 */
import {
  enabledSteps, firstViolation, majorities, R1, send, stateKey, Voting, votingState, type Constants,
  type Message, type PaxosState, type Violation as SpecViolation,
} from '../../../spec/index.js';
import { toNatural } from '../../paxos/index.js';
import { forEachBit, specMessage } from './cluster-support.js';
import { clientValue, type ClusterBounds, type World, type WorldCodec } from './cluster-world.js';

export const IMPL_PROPERTIES = ['Agreement', 'LearnedIsChosen', 'ReplyIsChosen'] as const;

export interface SpecView {
  readonly k: Constants;
  readonly specOf: (w: World) => PaxosState;
  readonly specAt: (buf: Uint32Array, off: number) =>
    { readonly state: PaxosState; readonly key: string };
  readonly specVerdict: (s: PaxosState, key?: string) => SpecViolation | null;
  readonly refinementProblem: (s: PaxosState, t: PaxosState, ks?: string, kt?: string) =>
    string | null;
  readonly chosenOf: (s: PaxosState) => number[];
  readonly implProblem: (w: World, s: PaxosState) => [number, string] | null;
}

export function specView(bounds: ClusterBounds, codec: WorldCodec): SpecView {
  const N = bounds.servers;
  const C = bounds.clients;
  const { W, OFF_DISK, OFF_NET, decode, packets: packetsI } = codec;
  const k: Constants = {
    acceptors: N, values: C, quorums: majorities(N), maxBallot: (bounds.maxRound + 1) * N - 1,
  };
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
  const specAt = (buf: Uint32Array,
    off: number): { readonly state: PaxosState; readonly key: string } => {
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
  const refinementProblem = (
    s: PaxosState, t: PaxosState, ks = stateKey(s), kt = stateKey(t),
  ): string | null => {
    if (ks === kt) return null;
    const key = `${ks}\n${kt}`;
    let v = stepVerdicts.get(key);
    if (v === undefined) {
      const r1 = R1(k, s, t);
      const isStep = enabledSteps(k, s).some((st) => stateKey(st.next) === kt);
      v = r1 !== null ? `R1: ${r1.summary}` : isStep ? null : 'no spec action takes the mapped ' +
        'state to the next one';
      stepVerdicts.set(key, v);
    }
    return v;
  };

  const chosenOf = (s: PaxosState): number[] => Voting.chosen(k, votingState(k, s));

  /** The implementation-level properties: index into IMPL_PROPERTIES and a summary, or null. */
  const implProblem = (w: World, s: PaxosState): [number, string] | null => {
    const learned = w.servers.map((x) => x.learner.learned);
    const distinct = [...new Set(learned.filter((v): v is string => v !== null))];
    if (distinct.length > 1) {
      const each = learned.map((v, i) => `s${i + 1}=${v ?? '-'}`).join(', ');
      return [0, `servers learned different values: ${each}`];
    }
    const chosen = chosenOf(s).map(clientValue);
    const unchosen = distinct.find((v) => !chosen.includes(v));
    if (unchosen !== undefined) return [1, `a server learned ${unchosen}, which is not chosen`];
    for (let c = 0; c < C; c++) {
      const status = w.clients[c]!;
      if (status < 2) continue;
      const v = status === 1 ? null : clientValue(status - 2);
      if (v === null || !chosen.includes(v)) return [2, `client ${clientValue(c)}'s SetVarX ` +
        `returned ${v ?? 'empty'}, which is not chosen`];
    }
    return null;
  };

  return { k, specOf, specAt, specVerdict, refinementProblem, chosenOf, implProblem };
}
