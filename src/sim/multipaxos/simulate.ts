/**
 * One simulated Multi-Paxos run with every check on: the world (world.ts), the safety checks
 * (checks.ts) after every event, the refinement to the per-slot spec when one is given, and at
 * the end the final replica states, liveness and the linearizability of the client history.
 *
 * The linearizability checker lives in src/history, which the simulator may not import
 * (DESIGN.md's layers: sim and history are siblings). The run records the client history here in
 * plain data, and the caller (the CLI, a test) passes the checker in (`linearizability`); without
 * one the report says it was not checked. Runs with `reads: 'local'` are not linearizable by
 * design: the report lists that check as not run, with the reason, rather than passing it.
 *
 * Liveness, stated: after the faults stop, partitions heal and all servers but a random minority
 * restart, every call of a live client returns and every server that is up applies as far as the
 * most advanced one, within `livenessSteps` events.
 */
import {
  currentMembers, isConfigOp, showMembers, type MachineName, type Op,
    type Output } from '../../multipaxos/index.js';
import { showFaults } from '../faults.js';
import { mpRefinement } from './refinement.js';
import { mpSafetyChecks, mpSink, replicaMatches, type MpCheckName,
  type MpViolation } from './checks.js';
import {
  clientName, mpWorldConfig, runMpWorld, serverName, type MpFaultCounts, type MpObserver,
  type MpWorldConfig, type MpWorldEvent,
} from './world.js';

/** The client history, in the order of the world's events. */
export type MpHistoryEvent =
  | { readonly type: 'invoke'; readonly client: string; readonly op: Op }
  | { readonly type: 'return'; readonly client: string; readonly out: Output }
  | { readonly type: 'crash'; readonly client: string };

/** A linearizability checker for a history of `machine` operations. */
export type Linearizability = (
  history: readonly MpHistoryEvent[], machine: MachineName,
) => {
  readonly verdict: 'linearizable' | 'not-linearizable' | 'unknown'; readonly summary: string;
};

/** An observer that checks each step against a spec, reporting to the run's sink. */
export interface MpRefinement extends MpObserver {
  readonly counts: { specSteps: number; stutters: number };
  /** Checks what is still pending at the end of the run. */
  readonly finish?: () => void;
}

export interface MpSimOptions extends Partial<MpWorldConfig> {
  readonly seed: number;
  readonly linearizability?: Linearizability | null;
  /** Builds the refinement observer (default: refinement.ts's, to the per-slot spec). */
  readonly refinement?: ((sink: ReturnType<typeof mpSink>, cfg: MpWorldConfig,
    membersAt: (slot: number) => number | null) => MpRefinement) | null;
  readonly observers?: readonly MpObserver[];
}

export interface MpSimReport {
  readonly seed: number;
  readonly servers: number;
  readonly clients: number;
  readonly steps: number;
  readonly faults: string;
  readonly machine: MachineName;
  readonly reads: string;
  readonly events: number;
  /** Slots chosen in a contiguous prefix, and the commands in them. */
  readonly slots: number;
  readonly commands: number;
  /** How far each server applied at the end (null: down). */
  readonly applied: readonly (number | null)[];
  readonly calls: { readonly invoked: number; readonly returned: number };
  readonly injected: MpFaultCounts;
  /** Messages sent between distinct servers, by type. */
  readonly messages: Readonly<Record<string, number>>;
  readonly livenessSteps: number | null;
  /**
   * With reconfiguration: the membership commands in the chosen log, and the voting members of
   * the most advanced replica at the end; null without.
   */
  readonly membership: { readonly commands: number; readonly members: string } | null;
  readonly specSteps: number;
  readonly stutters: number;
  readonly passed: readonly MpCheckName[];
  /** Checks not run, each with its reason. */
  readonly unchecked: readonly string[];
  readonly violation: MpViolation | null;
}

const SAFETY: readonly MpCheckName[] = [
  'effect-order', 'OneValuePerBallot', 'LogAgreement', 'StateMachineSafety', 'exactly-once',
  'ballots-unique',
];

export function historyRecorder(): MpObserver & { readonly events: MpHistoryEvent[] } {
  const events: MpHistoryEvent[] = [];
  return {
    events,
    onEvent: (e: MpWorldEvent) => {
      // Membership changes are not operations of the machine: linearizability leaves them out.
      if ((e.kind === 'invoke' || e.kind === 'return') && isConfigOp(e.op)) return;
      if (e.kind === 'invoke') events.push({ type: 'invoke', client: clientName(e.client),
        op: e.op });
      else if (e.kind === 'return') {
        events.push({ type: 'return', client: clientName(e.client), out: e.out });
      } else if (e.kind === 'client-crash') {
        events.push({ type: 'crash', client: clientName(e.client) });
      }
    },
  };
}

export function simulateMultiPaxos(opts: MpSimOptions): MpSimReport {
  const cfg = mpWorldConfig(opts);
  const sink = mpSink();
  const safety = mpSafetyChecks(cfg.machine, sink);
  const history = historyRecorder();
  // With membership changes each slot's quorums are the majorities of its own members, as the
  // chosen log decides them (spec/multipaxos/reconfig.ts, mapped in refinement.ts).
  const refinement = opts.refinement === undefined
    ? (sk: typeof sink, c: MpWorldConfig, membersAt: (slot: number) => number | null) =>
      mpRefinement(sk, c, c.reconfig ? { membersAt } : {})
    : opts.refinement;
  const refine = refinement?.(sink, cfg, safety.membersAt) ?? null;
  const observers: MpObserver[] = [safety, history, ...(refine === null ? [] : [refine])];
  observers.push(...(opts.observers ?? []));
  const world = runMpWorld(cfg, observers, () => sink.first() !== null);
  refine?.finish?.();
  const ref = safety.reference;
  const passed: MpCheckName[] = [...SAFETY];
  if (cfg.machine === 'ledger') passed.push('ledger-nonnegative');
  const unchecked: string[] = [];
  if (sink.first() === null) {
    world.servers.forEach((s, i) => {
      if (!world.up[i] || sink.first() !== null) return;
      const diff = replicaMatches(ref, i, s.replica.app, s.replica.applied);
      if (diff !== null) sink.report({ check: 'StateMachineSafety', event: world.events,
        summary: diff });
    });
  }
  if (sink.first() === null && world.livenessUsed === null) {
    sink.report(livenessViolation(cfg, world));
  }
  passed.push('liveness');
  if (refine !== null) passed.push('refinement');
  else unchecked.push('refinement: no per-slot spec mapping was given');
  const lin = opts.linearizability ?? null;
  if (cfg.reads === 'local') {
    unchecked.push('linearizability: --reads local answers from any replica\'s applied state, ' +
      'which is not linearizable by design');
  } else if (lin === null) {
    unchecked.push('linearizability: no checker was given');
  } else {
    passed.push('linearizability');
    if (sink.first() === null) {
      const r = lin(history.events, cfg.machine);
      if (r.verdict !== 'linearizable') {
        sink.report({ check: 'linearizability', event: history.events.length, summary: r.summary });
      }
    }
  }
  const violation = sink.first();
  const slots = ref.digests.length - 1;
  let commands = 0;
  let configCommands = 0;
  for (let k = 0; k < slots; k++) {
    commands += ref.chosen[k]!.cmds.length;
    configCommands += ref.chosen[k]!.cmds.filter((c) => isConfigOp(c.op)).length;
  }
  const furthest = world.servers.reduce((a, b) => (b.replica.applied > a.replica.applied ? b : a));
  return {
    seed: cfg.seed, servers: cfg.servers, clients: cfg.clients, steps: cfg.steps,
    faults: showMpFaults(cfg.faults), machine: cfg.machine, reads: cfg.reads,
    events: world.events, slots, commands,
    applied: world.servers.map((s, i) => (world.up[i] ? s.replica.applied : null)),
    calls: {
      invoked: world.clients.reduce((n, c) => n + c.invoked, 0),
      returned: world.clients.reduce((n, c) => n + c.returned, 0),
    },
    injected: world.faults, messages: world.messages, livenessSteps: world.livenessUsed,
    membership: cfg.reconfig
      ? { commands: configCommands, members: showMembers(currentMembers(furthest)) } : null,
    specSteps: refine?.counts.specSteps ?? 0, stutters: refine?.counts.stutters ?? 0,
    passed: violation === null ? passed : passed.filter((c) => c !== violation.check),
    unchecked, violation,
  };
}

export function showMpFaults(f: MpWorldConfig['faults']): string {
  const base = showFaults(f);
  if (f.slow === 0) return base;
  return base === 'none' ? `slow=${f.slow}` : `${base},slow=${f.slow}`;
}

function livenessViolation(
  cfg: MpWorldConfig, world: ReturnType<typeof runMpWorld>,
): MpViolation {
  const pending = world.clients.filter((c) => !c.crashed && c.op !== null)
    .map((c) => `${c.name}'s call ${c.seq} (last sent to ${serverName(c.server)})`);
  const applied = world.servers.map((s, i) =>
    `${serverName(i)}=${world.up[i] ? s.replica.applied : 'down'}`).join(' ');
  return {
    check: 'liveness', event: world.events,
    summary: `${cfg.livenessSteps} events after the faults stopped, with a majority up and ` +
      `connected: ${pending.length === 0 ? 'no call pending'
        : `calls pending: ${pending.join('; ')}`}; applied: ${applied}`,
  };
}
