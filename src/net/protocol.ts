/**
 * What the runtime needs to know about a reducer, and the batch driver that keeps its promise.
 *
 * The runtime (src/net/node.ts) runs any of Synod's pure reducers for real: single-decree Paxos
 * (src/paxos, SetVarX/GetVarX) or Multi-Paxos (src/multipaxos, a replicated KV). A `Protocol`
 * adapts one of them: how to boot from what storage recovered, how to turn the outside world
 * (a peer's frame, an HTTP call, a timer) into the reducer's inputs, and what each of its
 * effects asks the runtime to do.
 *
 * `drive` steps the reducer over a batch of inputs and orders what comes out for the I/O shell:
 * every persist of the batch first (one fsync for all of them: group commit), then the sends,
 * replies and timers in the order the reducer produced them. The reducer already orders each
 * step's effects persist-before-send; batching keeps that promise across steps, because a send
 * of an early step may only leave after the persists of every step before it, and all of them
 * are written before any send of the batch. The cost is latency of at most one batch.
 *
 * Pure: no I/O here, so the ordering is tested without sockets or disks.
 */

/** A client call as the runtime hands it to the reducer. */
export interface ClientCall {
  readonly client: number;
  readonly seq: number;
  /** The operation, in the protocol's own shape (decoded and validated by the protocol). */
  readonly op: unknown;
}

/** What a reducer's effect asks of the runtime. */
export type NodeEffect<M> =
  | { readonly kind: 'persist'; readonly record: unknown }
  | { readonly kind: 'send'; readonly to: number | 'all'; readonly msg: M }
  | {
    readonly kind: 'reply'; readonly client: number; readonly seq: number;
    readonly result: unknown;
  }
  | { readonly kind: 'set-timer'; readonly timer: unknown; readonly ticks: number };

/** One reducer, adapted for the runtime. */
export interface Protocol<S, I, E, M> {
  readonly name: string;
  /**
   * The state to start from: a fresh server (no image, no records), or one rebuilt from its
   * durable records: the last image `durable` gave (or null) and the records persisted after it.
   */
  readonly boot: (
    id: number, servers: number, image: unknown, records: readonly unknown[],
  ) => S;
  /**
   * Everything durable in `s`, as one record: the storage compacts its log into this image, so
   * `boot(id, n, durable(s), [])` must rebuild what `boot` rebuilt from the records it replaces.
   */
  readonly durable: (s: S) => unknown;
  /** The input a server takes first after boot (to arm its timers), if its reducer needs one. */
  readonly start?: (s: S, rand: number) => I;
  readonly step: (s: S, input: I) => { readonly state: S; readonly effects: readonly E[] };
  readonly deliver: (msg: M, rand: number) => I;
  readonly request: (call: ClientCall, rand: number) => I;
  readonly timer: (timer: unknown, rand: number) => I;
  readonly effect: (e: E) => NodeEffect<M>;
  /** Validates a peer's frame as a message; a string names what is wrong with it. */
  readonly decode: (frame: unknown) => M | string;
  /** Validates an operation from a client; a string names what is wrong with it. */
  readonly operation: (body: unknown) => unknown;
  /**
   * The records one batch must write, from all it produced in order (group commit). Default:
   * all of them. A protocol whose every record is its whole durable state keeps only what the
   * last one needs, so a busy turn writes one record instead of one per step.
   */
  readonly squash?: (records: readonly unknown[]) => readonly unknown[];
  /** What `GET /status` shows about the reducer's state (leader, ballot, indexes). */
  readonly status: (s: S) => Record<string, unknown>;
}

/** What one batch asks the shell to do, in the order it must be done. */
export interface Batch<M> {
  readonly persist: readonly unknown[];
  readonly after: readonly Exclude<NodeEffect<M>, { kind: 'persist' }>[];
}

/** Steps `inputs` in order from `state`; returns the next state and the ordered effects. */
export function drive<S, I, E, M>(
  p: Protocol<S, I, E, M>, state: S, inputs: readonly I[],
): { readonly state: S; readonly batch: Batch<M> } {
  const persist: unknown[] = [];
  const after: Batch<M>['after'][number][] = [];
  let s = state;
  for (const input of inputs) {
    const result = p.step(s, input);
    s = result.state;
    for (const e of result.effects) {
      const effect = p.effect(e);
      if (effect.kind === 'persist') persist.push(effect.record);
      else after.push(effect);
    }
  }
  return { state: s, batch: { persist: p.squash?.(persist) ?? persist, after } };
}
