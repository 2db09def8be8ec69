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
  stateProperties as specTable, Voting, votingState, type Constants,
} from '../../../spec/index.js';
import { showBallot } from '../../paxos/index.js';
import type { Model, Violation } from '../engine.js';
import { forEachBit, Interner, showMsg } from './cluster-support.js';
import { IMPL_PROPERTIES, specView } from './cluster-spec.js';
import {
  clientValue, worldCodec, worldSuccessors, type ClusterBounds,
} from './cluster-world.js';

export { clientValue, type ClusterBounds } from './cluster-world.js';

export function clusterModel(bounds: ClusterBounds): Model & { readonly constants: Constants } {
  const N = bounds.servers;
  const C = bounds.clients;
  const netWords = bounds.netWords ?? 8;
  const codec = worldCodec(bounds);
  const { W, OFF_CLIENTS, decode, encode, packets: packetsI } = codec;
  const successorsOf = worldSuccessors(bounds, codec);
  const {
    k, specOf, specAt, specVerdict, refinementProblem, chosenOf, implProblem,
  } = specView(bounds, codec);
  const labelsI = new Interner<string>();

  const specProperties: string[] = specTable.map((p) => p.name);
  const stateProperties = [...specProperties, ...IMPL_PROPERTIES];

  const reachability = [
    { name: 'ValueChosen', partners: ['Consistency', 'Agreement'] },
    { name: 'ClientAnswered', partners: ['ReplyIsChosen', 'LearnedIsChosen'] },
    { name: 'TwoBallotsReachPhase2', partners: ['OneValuePerBallot', 'Inv3'] },
  ];

  const model: Model & { readonly constants: Constants } = {
    name: `cluster(servers=${N}, clients=${C}, maxRound=${bounds.maxRound}, ` +
      `crashes=${bounds.crashes})`,
    constants: k,
    words: W,
    maxSuccessors: netWords * 32 + N * 8 + C + N,
    initial(out) {
      encode(codec.initial(), out, 0);
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
      return { property: stateProperties[property] ?? '?', summary: impl?.[1] ?? '?',
        witness: { learned: w.servers.map((x) => x.learner.learned) } };
    },
    explainStep(_property, src, srcOff, _label, dst, dstOff): Violation {
      const s = specOf(decode(src, srcOff));
      const t = specOf(decode(dst, dstOff));
      const why = refinementProblem(s, t) ?? '?';
      const vs = Voting.votingStep(k, votingState(k, s), votingState(k, t));
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
          parts.push(`s${i + 1} persists maxBal ${showBallot(db.maxBal)} vote ` +
            `${showBallot(db.maxVBal)}/${db.maxVal ?? '-'}`);
        }
        if (a.servers[i]!.learner.learned !== b.servers[i]!.learner.learned) parts.push(
          `s${i + 1} learns ${b.servers[i]!.learner.learned}`);
      }
      forEachBit(b.net, (p) => {
        if ((((a.net[p >>> 5] as number) >>> (p & 31)) & 1) === 0) parts.push(
          `sends ${showMsg(packetsI.get(p).msg)} to s${packetsI.get(p).to + 1}`);
      });
      return parts.length > 0 ? parts.join('; ') : 'no durable change, no message';
    },
    describeState(src, off) {
      const w = decode(src, off);
      const s = specOf(w);
      return {
        disks: w.disks.map((d) => ({ round: d.round, maxBal: showBallot(d.acceptor.maxBal),
          maxVBal: showBallot(d.acceptor.maxVBal), maxVal: d.acceptor.maxVal })),
        learned: w.servers.map((x) => x.learner.learned),
        clients: w.clients.map((c) =>
          (c === 0 ? 'unsent' : c === 1 ? 'waiting' : clientValue(c - 2))),
        msgs: s.msgs.length,
      };
    },
  };
  return model;
}

