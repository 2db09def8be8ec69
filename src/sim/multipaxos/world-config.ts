/**
 * The vocabulary of the simulated Multi-Paxos world (world.ts): its configuration and faults,
 * the events observers see, and what a run returns. Kept apart from the world's machinery so
 * that the checks and the CLI read the one without the other.
 */
import type {
  Durable, Input, MachineName, Op, Output, ReadMode, ServerState, Step, StepResult,
} from '../../multipaxos/index.js';
import { step as mpStep } from '../../multipaxos/index.js';
import { NO_FAULTS, type Faults } from '../faults.js';

/** The faults of single-decree plus `slow`: per step, a replica turns slow (or recovers). */
export interface MpFaults extends Faults {
  readonly slow: number;
}

export const MP_NO_FAULTS: MpFaults = { ...NO_FAULTS, slow: 0 };

export interface MpWorldConfig {
  readonly servers: number;
  readonly clients: number;
  readonly seed: number;
  readonly steps: number;
  readonly faults: MpFaults;
  readonly livenessSteps: number;
  readonly step: Step;
  readonly machine: MachineName;
  readonly reads: ReadMode;
  readonly timeout: number;
  readonly distinguished: number | null;
  readonly window: number;
  readonly batch: number;
  readonly snapshotEvery: number;
  readonly script: MpScript | null;
  /** The voting members at the start: servers 0..members-1; the others are learners. */
  readonly members: number;
  /**
   * An operator (an extra client, admin.ts) grows the voting members to every server and
   * shrinks them back, one server at a time, over and over, while the clients run.
   */
  readonly reconfig: boolean;
  /** Slots between a membership command and the slot it governs (src/multipaxos/config.ts). */
  readonly alpha: number;
  /**
   * A client thinks 0..think-1 ticks between a call's return and its next call (1: it calls
   * again at once, so that calls queue at the leader and batches fill).
   */
  readonly think: number;
  /**
   * The chance that an event delivers a message when both a message and an agenda item (a
   * timer, a client's call) are ready. Lower: clients get more turns per delivery, so more
   * calls arrive while a slot is in flight (the efficiency benchmark).
   */
  readonly deliveryBias: number;
}

export interface MpScript {
  readonly calls: readonly {
    readonly at: number; readonly client: number; readonly server: number; readonly op: Op;
  }[];
  readonly crashes: readonly { readonly at: number; readonly server: number }[];
  /** The server is slow (loses what is sent to it) from `at` for `for` ticks. */
  readonly slow: readonly { readonly at: number; readonly server: number; readonly for: number }[];
  /**
   * With `reconfig`: the operator (admin.ts) takes its first turn at `from` and makes the first
   * `changes` membership changes of its cycle (add the first learner, then the next, ...), then
   * stops. Without it a scripted run changes no membership.
   */
  readonly operator?: { readonly from: number; readonly changes: number };
}

export function mpWorldConfig(
  partial: Partial<MpWorldConfig> & { seed: number },
): MpWorldConfig {
  const servers = partial.servers ?? 3;
  return {
    servers, clients: 3, steps: 2000, faults: MP_NO_FAULTS, livenessSteps: 20_000, step: mpStep,
    machine: 'kv', reads: 'log', timeout: 8 * servers + 16, distinguished: null, window: 4,
    batch: 8, snapshotEvery: 16, script: null, members: partial.members ?? servers,
    reconfig: false, alpha: 8, think: 60, deliveryBias: 0.8,
    ...partial,
  };
}

export interface MpStepEvent {
  readonly index: number;
  readonly server: number;
  readonly input: Input;
  readonly before: ServerState;
  readonly result: StepResult;
  /** How many effects took place (fewer than all on a mid-step crash). */
  readonly applied: number;
  /** The server's disk after the step. */
  readonly disk: Durable;
}

export type MpWorldEvent =
  | { readonly kind: 'server-step'; readonly step: MpStepEvent }
  | { readonly kind: 'invoke'; readonly index: number; readonly client: number;
    readonly seq: number; readonly op: Op; readonly server: number }
  | { readonly kind: 'return'; readonly index: number; readonly client: number;
    readonly seq: number; readonly op: Op; readonly out: Output; readonly server: number }
  | { readonly kind: 'client-crash'; readonly index: number; readonly client: number }
  | { readonly kind: 'crash'; readonly index: number; readonly server: number;
    readonly midStep: boolean }
  | { readonly kind: 'partition'; readonly index: number; readonly sides: readonly number[] | null }
  | { readonly kind: 'slow'; readonly index: number; readonly server: number | null }
  | { readonly kind: 'phase'; readonly index: number; readonly phase: 'liveness' };

export interface MpObserver {
  readonly onEvent: (e: MpWorldEvent) => void;
}

export interface MpFaultCounts {
  lost: number; duplicated: number; delayed: number; reordered: number; partitions: number;
  crashes: number; midStepCrashes: number; clientCrashes: number; undeliverable: number;
  slowPeriods: number; slowLost: number;
}

export interface MpClient {
  readonly name: string;
  seq: number;
  op: Op | null;
  server: number;
  crashed: boolean;
  invoked: number;
  returned: number;
}

export interface MpWorldResult {
  readonly events: number;
  readonly mainSteps: number;
  readonly livenessUsed: number | null;
  readonly servers: readonly ServerState[];
  readonly up: readonly boolean[];
  readonly clients: readonly MpClient[];
  readonly faults: MpFaultCounts;
  /** Messages sent between distinct servers, by type. */
  readonly messages: Readonly<Record<string, number>>;
}
