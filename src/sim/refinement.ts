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
 * (`every: 'end'`). After every step costs, done literally, a full evaluation per step of
 * properties that each read all of msgs (VotesSafe reads it against every voted ballot): 64k
 * events took 17 s and 100k did not finish in 200 s (issue 7, section 6). So `every: 'step'`
 * is kept in its meaning, the first spec step after which a property fails, with the same
 * property and words, but paid for differently:
 * - R1, the step property, is checked on every step against the step's own messages only
 *   (the messages it adds are the only new 2b it can name);
 * - the state properties are checked on the state after spec steps 1, 2, 4, 8, ... (each
 *   checkpoint doubles the last), at the end, and before any other violation is reported (so
 *   the earliest one still comes first). Between checkpoints the steps are kept as their
 *   inputs (a few numbers each); when a checkpoint fails, they are replayed from the last
 *   state that passed and checked one by one, which finds the same first failing step as a
 *   check after every step. The cost is that of a few full evaluations, not one per step.
 * Why this is enough: every state checked is reached by steps the spec's own actions accepted,
 * so the properties are theorems of the spec and fail only if the port has a bug; the check
 * is a net under the spec, which must be exact when it catches something, and cheap always.
 * What it changes: a run whose property fails is stopped at the next checkpoint rather than at
 * the step itself, so its event count (not its violation) can be larger; and a failure that a
 * later step repairs before the next checkpoint is not seen (test/sim/checkpoints.test.ts pins
 * both the exactness for a lasting failure and this limit).
 */
import { firstViolation } from '../../spec/fast-safety.js';
import {
  Phase1a, Phase1b, Phase2a, Phase2b, R1, hasMessage, init, majorities,
  type Constants, type Message, type Names, type PaxosState, type StepResult,
  type Violation as Violation_,
} from '../../spec/index.js';
import { toNatural, type AcceptorState, type Ballot, type Msg } from '../paxos/index.js';
import { tookEffect, type Violation, type ViolationSink } from './checks.js';
import { clientName } from './clients.js';
import { serverName, type Observer, type ServerStepEvent } from './world.js';

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
  /** Checks the named properties on the final state, or the steps not yet checked. */
  readonly finish: (index: number) => void;
  /** Checks the steps not yet checked (before another check reports a violation). */
  readonly flush: () => void;
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

  const fail = (index: number, property: string, summary: string): void => {
    if (opts.every === 'step') deferred.flush();
    sink.report({ check: 'refinement', property, event: index, summary });
  };

  /** The spec step a server step maps to, judged by the spec; null for a stutter. */
  const judge = (from: PaxosState, a: number, m: Message | undefined):
    [string, StepResult] | null => {
    if (m === undefined) return null;
    switch (m.type) {
      case '1a': return ['Phase1a', Phase1a(k, from, m.bal)];
      case '1b': return ['Phase1b', Phase1b(k, from, a, { type: '1a', bal: m.bal })];
      case '2a': return ['Phase2a', Phase2a(k, from, m.bal, m.val)];
      case '2b': return ['Phase2b', Phase2b(k, from, a, { type: '2a', bal: m.bal, val: m.val })];
    }
  };

  /** The state properties, checked at checkpoints with replay (see the header). */
  const deferred = checkpoints<KeptStep>(init(k), (s) => firstViolation(k, s, names),
    (from, step) => {
    const judged = judge(from, step.server, step.msg);
    if (judged === null || !judged[1].ok) throw new Error('assertion failed: a replayed step ' +
      'no longer passes the spec');
    return judged[1].next;
  }, (index, v) => sink.report({ check: 'refinement', property: v.property, event: index,
    summary: v.summary }));

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
    const judged = judge(spec, e.server, sent[0]);
    if (judged === null) return stutter(e);
    const [action, r] = judged;
    if (!r.ok) return fail(e.index, action, `${serverName(e.server)}: ${r.conjunct}: ${r.why}`);
    const problem = mismatch(r.next, e, sent);
    if (problem !== null) return fail(e.index, action, `${serverName(e.server)}: ${problem}`);
    counts.specSteps++;
    if (opts.every === 'step') {
      const v = R1(k, spec, { ...r.next, msgs: sent.filter((m) => !hasMessage(spec.msgs, m)) },
        names);
      if (v !== null) fail(e.index, v.property, v.summary);
      else deferred.step(e.index, { server: e.server, msg: sent[0] as Message }, r.next);
    }
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

  return {
    spec: () => spec,
    counts,
    onEvent: (ev) => {
      if (ev.kind === 'server-step') onStep(ev.step);
    },
    flush: () => {
      if (opts.every === 'step') deferred.flush();
    },
    finish: (index) => {
      if (opts.every === 'step') return deferred.flush();
      const v = firstViolation(k, spec, names);
      if (v !== null) fail(index, v.property, v.summary);
    },
  };
}

/** A spec step as kept between checkpoints: who took it and the message it sent. */
interface KeptStep { readonly server: number; readonly msg: Message }

/**
 * A state check after every step, evaluated at doubling checkpoints with an exact replay when
 * one fails (see the header): `check` judges a state, `replay` redoes one kept step from a
 * state, `report` receives the first failing step's event index and violation. Generic over
 * the step so that test/sim/checkpoints.test.ts can hold it to a check after every step.
 */
export function checkpoints<Step>(initial: PaxosState,
  check: (s: PaxosState) => Violation_ | null,
  replay: (from: PaxosState, step: Step) => PaxosState,
  report: (index: number, v: Violation_) => void) {
  let clean = initial;
  let kept: { index: number; step: Step }[] = [];
  let latest: PaxosState = clean;
  let steps = 0;
  let next = 1;
  let failed = false;
  const flush = (): void => {
    if (failed || kept.length === 0) return;
    if (check(latest) === null) {
      clean = latest;
      kept = [];
      return;
    }
    failed = true;
    let s = clean;
    for (const { index, step } of kept) {
      s = replay(s, step);
      const v = check(s);
      if (v !== null) return report(index, v);
    }
    throw new Error('assertion failed: a state property failed at a checkpoint but at no step');
  };
  return {
    step: (index: number, step: Step, after: PaxosState): void => {
      if (failed) return;
      kept.push({ index, step });
      latest = after;
      if (++steps >= next) {
        next = steps * 2;
        flush();
      }
    },
    flush,
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
