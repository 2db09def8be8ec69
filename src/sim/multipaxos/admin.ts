/**
 * The simulated operator of reconfiguration runs (`--reconfig`): an extra client that changes
 * the voting members one server at a time, growing them from the first `members` servers to all
 * of them and shrinking them back (3 -> 4 -> 5 -> 4 -> 3 -> ... with five servers), for as long
 * as the faults run. A server is added only after it booted and caught up as a learner (within
 * LEARNER_LAG slots of the furthest replica): the operator watches, as a real one watches a new
 * node's replication lag. Its commands go through the same redirects, retries and crashes as any
 * client's; the world (world.ts) runs its turns and the checks see its commands in the log.
 *
 * Left out: changing several servers at once, and removing a server from the world once it left
 * the configuration (it stays up as a learner, and may be added again in the next cycle).
 */
import type { ConfigOp } from '../../multipaxos/index.js';
import type { MpWorldConfig } from './world.js';

/** Ticks between the operator's turns. */
export const ADMIN_PERIOD = 120;
/** How far behind the furthest replica a learner may be when it is added. */
export const LEARNER_LAG = 4;

export class Admin {
  private readonly cycle: readonly ConfigOp[];
  private at = 0;
  private readonly seen = new Set<number>();

  /** `client` is the operator's client index (after the cfg.clients ordinary ones). */
  constructor(cfg: MpWorldConfig, readonly client: number) {
    const extra = Array.from({ length: cfg.servers - cfg.members }, (_, i) => cfg.members + i);
    this.cycle = [
      ...extra.map((server): ConfigOp => ({ op: 'add-server', server })),
      ...extra.reverse().map((server): ConfigOp => ({ op: 'remove-server', server })),
    ];
    if (this.cycle.length === 0) throw new RangeError('reconfiguration needs learners: servers > ' +
      'members');
  }

  /** The next membership command of the cycle. */
  next(): ConfigOp {
    return this.cycle[this.at % this.cycle.length]!;
  }

  /** The command returned by `next` was sent: move on. */
  sent(): void {
    this.at++;
  }

  /** Whether `server` was booted before (a second call says yes). */
  booted(server: number): boolean {
    const had = this.seen.has(server);
    this.seen.add(server);
    return had;
  }

  /** How many membership commands were sent. */
  get changes(): number {
    return this.at;
  }
}
