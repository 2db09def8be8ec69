/**
 * One simulated run with every check on: the world (world.ts), the safety checks from outside
 * (checks.ts), the refinement to the spec (refinement.ts), the client history's
 * linearizability (history.ts) and liveness once the faults stop. Returns a summary that the
 * CLI prints and the tests assert on; a violation carries the seed that replays it.
 *
 * Liveness, stated: after the faults stop, partitions heal and all servers but a random
 * minority restart, every call of a live client returns within `livenessSteps` events (default
 * `livenessStepsFor`: 20,000 for 3 servers and 3 clients, growing with both; runs of the CI
 * profile need at most a few hundred, see docs/simulator.md). A run cannot prove that a call
 * never returns, so a call still pending at the bound is `unknown`, not a violation; so is a
 * linearizability search that runs out of its budget (issue 7, section 6).
 *
 * A run in which no value was ever chosen is `vacuous`: every safety property holds of it
 * trivially (every fault rate at 1 gives such runs), as `synod check` says of a model whose
 * "sometimes" partner is never reached.
 */
import { showBallot } from '../paxos/index.js';
import { safetyChecks, violationSink, type CheckName, type Violation } from './checks.js';
import { showFaults } from './faults.js';
import { checkHistory, historyRecorder } from './history.js';
import { refinement } from './refinement.js';
import {
  runWorld, serverName, worldConfig, type FaultCounts, type Observer, type WorldConfig,
} from './world.js';

export interface SimOptions extends Partial<WorldConfig> {
  readonly seed: number;
  /** When the named properties are checked: after every spec step, at the end, or never. */
  readonly properties?: 'step' | 'end' | 'off';
  readonly linearizability?: boolean;
  /** More observers (the trace writer). */
  readonly observers?: readonly Observer[];
}

export interface SimReport {
  readonly seed: number;
  readonly servers: number;
  readonly clients: number;
  readonly steps: number;
  readonly faults: string;
  readonly events: number;
  /** The value chosen (a majority voted for it in one ballot), and the ballot; null if none. */
  readonly chosen: { readonly val: string; readonly ballot: string } | null;
  /** What each server had learned at the end (null: nothing, or lost in a crash). */
  readonly learned: readonly (string | null)[];
  readonly calls: { readonly invoked: number; readonly returned: number };
  readonly injected: FaultCounts;
  readonly livenessSteps: number | null;
  readonly specSteps: number;
  readonly stutters: number;
  /** The checks that ran and passed (all of them when `violation` is null). */
  readonly passed: readonly CheckName[];
  readonly violation: Violation | null;
  /** A check that could not decide within its bound (no violation found, none ruled out). */
  readonly unknown: Violation | null;
  /** No value was ever chosen: the safety checks held of a run that proves nothing. */
  readonly vacuous: boolean;
}

/**
 * The default bound on the liveness phase: 20,000 events for 3 servers and 3 clients, scaled by
 * servers x clients (more proposers duel longer before one wins; more calls take longer to
 * answer). 9 servers and 26 clients get 520,000.
 */
export function livenessStepsFor(servers: number, clients: number): number {
  return Math.round(20_000 * Math.max(1, (servers * clients) / 9));
}

const SAFETY: readonly CheckName[] = [
  'effect-order', 'one-value-chosen', 'learned-is-chosen', 'learners-agree', 'answer-was-proposed',
  'ballots-unique',
];

export function simulate(opts: SimOptions): SimReport {
  const base = worldConfig(opts);
  const cfg = opts.livenessSteps !== undefined ? base
    : { ...base, livenessSteps: livenessStepsFor(base.servers, base.clients) };
  const sink = violationSink();
  const safety = safetyChecks(cfg.servers, sink);
  const history = historyRecorder();
  const properties = opts.properties ?? 'step';
  const refine = properties === 'off' ? null : refinement(
    { servers: cfg.servers, clients: cfg.clients, every: properties }, sink,
  );
  const observers: Observer[] = [safety, history, ...(refine === null ? [] : [refine])];
  observers.push(...(opts.observers ?? []));
  const world = runWorld(cfg, observers, () => sink.first() !== null);
  if (sink.first() === null) refine?.finish(world.events);
  const unknown: Violation[] = [];
  if (sink.first() === null && world.livenessUsed === null) {
    unknown.push(livenessUnknown(cfg, world.events, world.clients));
  }
  if (sink.first() === null && opts.linearizability !== false) {
    const checked = checkHistory(history.events);
    if (checked.violation !== null) sink.report(checked.violation);
    if (checked.unknown !== null) unknown.push(checked.unknown);
  }
  const passed: CheckName[] = [...SAFETY, 'liveness'];
  if (refine !== null) passed.push('refinement');
  if (opts.linearizability !== false) passed.push('linearizability');
  const violation = sink.first();
  const undecided = violation === null ? unknown[0] ?? null : null;
  const chosen = safety.state.chosen[0];
  return {
    seed: cfg.seed, servers: cfg.servers, clients: cfg.clients, steps: cfg.steps,
    faults: showFaults(cfg.faults), events: world.events,
    chosen: chosen === undefined ? null : { val: chosen.val, ballot: showBallot(chosen.bal) },
    learned: world.servers.map((s, i) => (world.up[i] ? s.learner.learned : null)),
    calls: {
      invoked: world.clients.reduce((n, c) => n + c.invoked, 0),
      returned: world.clients.reduce((n, c) => n + c.returned, 0),
    },
    injected: world.faults,
    livenessSteps: world.livenessUsed,
    specSteps: refine?.counts.specSteps ?? 0,
    stutters: refine?.counts.stutters ?? 0,
    passed: passed.filter((c) => c !== violation?.check && !unknown.some((u) => u.check === c)),
    violation,
    unknown: undecided,
    vacuous: violation === null && chosen === undefined,
  };
}

function livenessUnknown(
  cfg: WorldConfig,
  index: number,
  clients: ReturnType<typeof runWorld>['clients'],
): Violation {
  const pending = clients.filter((c) => !c.crashed && c.op !== null).map((c) =>
    `${c.name}'s ${c.op!.name === 'SetVarX' ? `SetVarX(${c.value})` : 'GetVarX()'} ` +
    `(last sent to ${serverName(c.server)})`);
  return {
    check: 'liveness', event: index,
    summary: `${cfg.livenessSteps} events after the faults stopped (the bound; ` +
      `--liveness-steps raises it), with a majority up and connected, calls still pending: ` +
      `${pending.join('; ')}`,
  };
}

