/**
 * The refinement mapping from the implementation to the spec (spec/paxos.ts, after Paxos.tla),
 * and its check: every implementation step maps to one spec step or to a stutter, and the named
 * properties of DESIGN.md hold after it.
 *
 * The mapping, from the world's state to Paxos.tla's variables:
 * - maxBal[a], maxVBal[a], maxVal[a]: acceptor a's durable record, as it is on a's disk (what a
 *   crash cannot take away), not its in-memory copy;
 * - msgs: every 1a, 1b, 2a and 2b any server has ever emitted in a step that took effect (all of
 *   its persists reached the disk; see checks.ts `tookEffect`). Sends cut off by a crash after
 *   the persist still count: that is the spec's lost message, which msgs already allows for.
 *   commit, reject, read and read-ok have no counterpart in Paxos.tla and map to nothing;
 * - a ballot (round, server) maps to the natural round * N + server (src/paxos/ballot.ts), so
 *   the spec's order on ballots is the implementation's; "no ballot" maps to -1;
 * - a value, the name of the client that proposed it, maps to that client's index.
 *
 * Which spec step a server step is: its spec messages say it. A 1a is Phase1a(b); a 1b is
 * Phase1b(a) on the 1a of its ballot; a 2a is Phase2a(b, v); a 2b is Phase2b(a) on the 2a it
 * answers. No spec message: a stutter, and then the acceptor's durable record must not change.
 * The spec's own "test one step" functions judge the step and name the conjunct that fails; the
 * mapped acceptor record must then equal the spec's next one, and the messages must be the ones
 * the spec sends.
 *
 * Properties are checked after every spec step (`every: 'step'`) or only at the end of the run
 * (`every: 'end'`): msgs only grows, and checking them all after each step costs time
 * proportional to msgs squared (see docs/simulator.md for the figures).
 */
import {
  Phase1a, Phase1b, Phase2a, Phase2b, R1, firstViolation, hasMessage, init, majorities,
  type Constants, type Message, type Names, type PaxosState, type StepResult,
} from '../../spec/index.js';
import { toNatural, type AcceptorState, type Ballot, type Msg } from '../paxos/index.js';
import { tookEffect, type Violation, type ViolationSink } from './checks.js';
import { clientName, serverName, type Observer, type ServerStepEvent } from './world.js';

export interface RefinementOptions {
  readonly servers: number;
  readonly clients: number;
  readonly every: 'step' | 'end';
}

export interface Refinement extends Observer {
  /** The spec state the run maps to so far. */
  readonly spec: () => PaxosState;
  /** Spec steps and stutters seen. */
  readonly counts: { specSteps: number; stutters: number };
  /** Checks the named properties on the final state (needed when `every` is 'end'). */
  readonly finish: (index: number) => void;
}

/** How the spec's witnesses name acceptors and values: the simulator's own names. */
export function simNames(): Names {
  return { acceptor: serverName, value: clientName };
}

export function refinement(opts: RefinementOptions, sink: ViolationSink): Refinement {
  const n = opts.servers;
  const k: Constants = {
    acceptors: n, values: opts.clients, quorums: majorities(n), maxBallot: Infinity,
  };
  const names = simNames();
  const valueOf = (name: string): number => valueIndex(name, opts.clients);
  const bal = (b: Ballot): number => toNatural(b, n);
  let spec = init(k);
  const counts = { specSteps: 0, stutters: 0 };

  const mapMsg = (m: Msg): Message | null => {
    switch (m.type) {
      case '1a': return { type: '1a', bal: bal(m.bal) };
      case '1b': return {
        type: '1b', acc: m.acc, bal: bal(m.bal), mbal: bal(m.mbal),
        mval: m.mval === null ? null : valueOf(m.mval),
      };
      case '2a': return { type: '2a', bal: bal(m.bal), val: valueOf(m.val) };
      case '2b': return { type: '2b', acc: m.acc, bal: bal(m.bal), val: valueOf(m.val) };
      default: return null;
    }
  };

  const fail = (index: number, property: string, summary: string): void =>
    sink.report({ check: 'refinement', property, event: index, summary });

  /** The spec step a server step maps to, judged by the spec; null for a stutter. */
  const judge = (e: ServerStepEvent, sent: readonly Message[]): [string, StepResult] | null => {
    const m = sent[0];
    if (m === undefined) return null;
    const a = e.server;
    switch (m.type) {
      case '1a': return ['Phase1a', Phase1a(k, spec, m.bal)];
      case '1b': return ['Phase1b', Phase1b(k, spec, a, { type: '1a', bal: m.bal })];
      case '2a': return ['Phase2a', Phase2a(k, spec, m.bal, m.val)];
      case '2b': return ['Phase2b', Phase2b(k, spec, a, { type: '2a', bal: m.bal, val: m.val })];
    }
  };

  const onStep = (e: ServerStepEvent): void => {
    if (!tookEffect(e)) return void counts.stutters++;
    const sent: Message[] = [];
    for (const x of e.result.effects) {
      if (x.kind !== 'send') continue;
      const m = mapMsg(x.msg);
      if (m !== null) sent.push(m);
    }
    if (sent.some((m) => m.type !== sent[0]!.type)) {
      return fail(e.index, 'one-action-per-step',
        `${serverName(e.server)} sent ${sent.map((m) => m.type).join(', ')} in one step`);
    }
    const judged = judge(e, sent);
    if (judged === null) return stutter(e);
    const [action, r] = judged;
    if (!r.ok) return fail(e.index, action, `${serverName(e.server)}: ${r.conjunct}: ${r.why}`);
    const problem = mismatch(r.next, e, sent);
    if (problem !== null) return fail(e.index, action, `${serverName(e.server)}: ${problem}`);
    counts.specSteps++;
    if (opts.every === 'step') properties(e.index, spec, r.next);
    spec = r.next;
  };

  const stutter = (e: ServerStepEvent): void => {
    counts.stutters++;
    const diff = acceptorDiff(spec, e.server, e.disk.acceptor, bal, valueOf);
    if (diff !== null) {
      fail(e.index, 'stutter', `${serverName(e.server)} changed ${diff} with no spec action`);
    }
  };

  const mismatch = (next: PaxosState, e: ServerStepEvent, sent: readonly Message[]) => {
    const diff = acceptorDiff(next, e.server, e.disk.acceptor, bal, valueOf);
    if (diff !== null) return `its durable record differs from the spec's next state: ${diff}`;
    const extra = sent.find((m) => !hasMessage(next.msgs, m));
    return extra === undefined ? null : `sent ${JSON.stringify(extra)}, not what the spec sends`;
  };

  const properties = (index: number, before: PaxosState, after: PaxosState): void => {
    const r1 = R1(k, before, after, names);
    const v = r1 ?? firstViolation(k, after, names);
    if (v !== null) fail(index, v.property, v.summary);
  };

  return {
    spec: () => spec,
    counts,
    onEvent: (ev) => {
      if (ev.kind === 'server-step') onStep(ev.step);
    },
    finish: (index) => {
      const v = firstViolation(k, spec, names);
      if (v !== null) fail(index, v.property, v.summary);
    },
  };
}

/** A value's index: clients are named A, B, C, ... and propose their own names. */
function valueIndex(name: string, clients: number): number {
  for (let i = 0; i < clients; i++) if (clientName(i) === name) return i;
  throw new Error(`assertion failed: value ${name} is no client's`);
}

/** Where acceptor a's mapped durable record differs from the spec state, or null. */
function acceptorDiff(
  s: PaxosState,
  a: number,
  record: AcceptorState,
  bal: (b: Ballot) => number,
  valueOf: (v: string) => number,
): string | null {
  const maxBal = bal(record.maxBal);
  const maxVBal = bal(record.maxVBal);
  const maxVal = record.maxVal === null ? null : valueOf(record.maxVal);
  if (s.maxBal[a] !== maxBal) return `maxBal: durable ${maxBal}, spec ${s.maxBal[a]}`;
  if (s.maxVBal[a] !== maxVBal) return `maxVBal: durable ${maxVBal}, spec ${s.maxVBal[a]}`;
  if (s.maxVal[a] !== maxVal) return `maxVal: durable ${maxVal}, spec ${s.maxVal[a]}`;
  return null;
}

export type { Violation };
