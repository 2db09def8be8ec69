/**
 * The safety checks the simulator runs from the outside on every event, needing nothing but the
 * effects the servers emit and what the clients see:
 *
 * - effect-order: every step's effects come persist, send, reply, set-timer (DESIGN.md): a send
 *   never precedes the persist it depends on. Checked here independently of the reducer's own
 *   assertion, since a mutant or a future reducer may not have it.
 * - one-value-chosen: at most one value is chosen, a value being chosen when a majority of
 *   acceptors sent a 2b for it in the same ballot (Paxos.tla's ChosenAt over the 2b messages).
 * - learned-is-chosen: a learner only learns a value that is chosen.
 * - learners-agree: every learner that learned, learned the same value.
 * - answer-was-proposed: every value a client is answered with was proposed by some SetVarX.
 * - ballots-unique: no ballot's 1a is issued twice (proposal numbers are unique, even across
 *   restarts). The spec cannot see this one: re-sending a 1a is allowed by Phase1a and leaves
 *   msgs unchanged; but a proposer that reuses a ballot may later send two different 2a in it.
 *
 * A step counts as sent (for the 2b tally) when all its persists reached the disk: a crash
 * before the persist voids the step, a crash after it is the same as losing the sends (see
 * refinement.ts, which uses the same rule).
 */
import { isQuorum, showBallot, type Ballot, type Effect } from '../paxos/index.js';
import { serverName, type Observer, type ServerStepEvent, type WorldEvent } from './world.js';

export type CheckName =
  | 'effect-order' | 'one-value-chosen' | 'learned-is-chosen' | 'learners-agree'
  | 'answer-was-proposed' | 'ballots-unique' | 'refinement' | 'linearizability' | 'liveness';

export interface Violation {
  readonly check: CheckName;
  /** For refinement: the spec action or named property (R1, Inv3, Consistency, ...). */
  readonly property?: string;
  /** The world event at which it was found (the index of the history for linearizability). */
  readonly event: number;
  readonly summary: string;
}

/** Every violation found, in order; a run stops at the first. */
export interface ViolationSink {
  readonly report: (v: Violation) => void;
  readonly first: () => Violation | null;
}

export function violationSink(): ViolationSink {
  let found: Violation | null = null;
  return {
    report: (v) => {
      if (found === null) found = v;
    },
    first: () => found,
  };
}

const RANK: Readonly<Record<Effect['kind'], number>> = {
  persist: 0, send: 1, reply: 2, 'set-timer': 3,
};

/** True when every persist among a step's effects was applied: the step took effect. */
export function tookEffect(e: ServerStepEvent): boolean {
  const effects = e.result.effects;
  for (let i = e.applied; i < effects.length; i++) if (effects[i]!.kind === 'persist') return false;
  return true;
}

interface Tally { readonly bal: Ballot; readonly val: string; accs: number }

export interface SafetyState {
  /** Values chosen so far with the ballot they were first chosen in. */
  readonly chosen: { readonly val: string; readonly bal: Ballot }[];
  /** What each server learned last; kept across its restarts, since agreement is for all time. */
  readonly learned: (string | null)[];
  readonly proposed: Set<string>;
}

/** The safety observer: reports to `sink`, exposes what it saw for the summary. */
export function safetyChecks(
  servers: number,
  sink: ViolationSink,
): Observer & { readonly state: SafetyState } {
  const tallies = new Map<string, Tally>();
  const issued = new Set<string>();
  const issue = (index: number, server: number, bal: Ballot): void => {
    const key = `${bal.round}.${bal.server}`;
    if (!issued.has(key)) return void issued.add(key);
    sink.report({
      check: 'ballots-unique', event: index,
      summary: `${serverName(server)} issued ballot ${showBallot(bal)} a second time`,
    });
  };
  const state: SafetyState = {
    chosen: [], learned: Array(servers).fill(null), proposed: new Set(),
  };
  const vote = (index: number, acc: number, bal: Ballot, val: string): void => {
    const key = `${bal.round}.${bal.server}`;
    let t = tallies.get(key);
    if (t === undefined) tallies.set(key, (t = { bal, val, accs: 0 }));
    if (t.val !== val) return; // two values in one ballot: the refinement names it (Phase2a).
    t.accs |= 1 << acc;
    if (!isQuorum(t.accs, servers) || state.chosen.some((c) => c.val === val)) return;
    state.chosen.push({ val, bal });
    if (state.chosen.length > 1) {
      const [a, b] = state.chosen;
      sink.report({
        check: 'one-value-chosen', event: index,
        summary: `two values chosen: ${a!.val} in ballot ${showBallot(a!.bal)} and ` +
          `${b!.val} in ballot ${showBallot(b!.bal)}`,
      });
    }
  };
  const onStep = (e: ServerStepEvent): void => {
    const effects = e.result.effects;
    for (let i = 1; i < effects.length; i++) {
      if (RANK[effects[i - 1]!.kind] > RANK[effects[i]!.kind]) {
        sink.report({
          check: 'effect-order', event: e.index,
          summary: `${serverName(e.server)} emitted ${effects[i - 1]!.kind} before ` +
            `${effects[i]!.kind}`,
        });
      }
    }
    if (tookEffect(e)) {
      for (const x of effects) {
        if (x.kind !== 'send') continue;
        if (x.msg.type === '2b') vote(e.index, x.msg.acc, x.msg.bal, x.msg.val);
        if (x.msg.type === '1a') issue(e.index, e.server, x.msg.bal);
      }
    }
    for (let i = 0; i < e.applied; i++) {
      const x = effects[i]!;
      if (x.kind === 'reply' && x.val !== null && !state.proposed.has(x.val)) {
        sink.report({
          check: 'answer-was-proposed', event: e.index,
          summary: `${serverName(e.server)} answered client ${x.client} with ${x.val}, ` +
            'never proposed',
        });
      }
    }
    const o = e.result.outcome;
    if (o.kind === 'acted' && o.action === 'Learn') learned(e);
  };
  const learned = (e: ServerStepEvent): void => {
    const val = e.result.state.learner.learned;
    if (val === null) return;
    state.learned[e.server] = val;
    if (!state.chosen.some((c) => c.val === val)) {
      sink.report({
        check: 'learned-is-chosen', event: e.index,
        summary: `${serverName(e.server)} learned ${val}, which no majority voted for in one ` +
          'ballot',
      });
    }
    const other = state.learned.find((v) => v !== null && v !== val);
    if (other !== undefined) {
      sink.report({
        check: 'learners-agree', event: e.index,
        summary: `${serverName(e.server)} learned ${val} but another server learned ${other}`,
      });
    }
  };
  return {
    state,
    onEvent: (ev: WorldEvent) => {
      if (ev.kind === 'server-step') onStep(ev.step);
      else if (ev.kind === 'invoke' && ev.op.name === 'SetVarX') state.proposed.add(ev.op.v);
    },
  };
}
