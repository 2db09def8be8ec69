/**
 * The simulator's own account of who votes in which slot, for LogAgreement's "chosen" (a
 * majority of the slot's members voted in one ballot) and for checking the configurations in
 * snapshots. It follows the reference replay of the chosen log, not any server: a membership
 * command chosen in slot i and applied for the first time (exactly-once) gives the members of
 * the slots from i + alpha on. Written apart from src/multipaxos/config.ts on purpose, so that
 * a bug there does not hide itself here.
 *
 * Without membership commands every slot's members are the initial ones, and the check is the
 * static majority it always was.
 */
import type { Command, Epoch, Session } from '../../multipaxos/index.js';

export function isMajority(voters: number, members: number): boolean {
  let inside = 0;
  let all = 0;
  for (let i = 0; i < 31; i++) {
    if (((members >>> i) & 1) === 0) continue;
    all++;
    if ((voters >>> i) & 1) inside++;
  }
  return 2 * inside > all;
}

export class Membership {
  /** Ascending by `from`; the first is the initial configuration. */
  private readonly epochs: Epoch[];

  constructor(initial: number, readonly alpha: number) {
    this.epochs = [{ from: 0, members: initial }];
  }

  /** The members of `slot` when the reference applied every slot below `applied`, else null. */
  at(slot: number, applied: number): number | null {
    if (slot >= applied + this.alpha) return null;
    let members = this.epochs[0]!.members;
    for (const e of this.epochs) if (e.from <= slot) members = e.members;
    return members;
  }

  /** The reference applies `cmd` in `slot`, `sessions` being the dedup table before it. */
  apply(slot: number, cmd: Command, sessions: readonly Session[]): void {
    const op = cmd.op;
    if (op.op !== 'add-server' && op.op !== 'remove-server') return;
    const last = sessions.find((s) => s.client === cmd.client);
    if (last !== undefined && last.seq >= cmd.seq) return; // a retry, applied once
    const top = this.epochs[this.epochs.length - 1]!;
    const bit = 1 << op.server;
    const members = op.op === 'add-server' ? top.members | bit
      : (top.members & ~bit) === 0 ? top.members : top.members & ~bit;
    if (members === top.members) return;
    const from = slot + this.alpha;
    if (top.from === from) this.epochs.pop();
    this.epochs.push({ from, members });
  }

  /**
   * The configurations from `upTo` on that the slots below upTo decide (those from later slots
   * take effect at upTo + alpha or later), as a snapshot at upTo must hold them.
   */
  from(upTo: number): readonly Epoch[] {
    const known = this.epochs.filter((e) => e.from < upTo + this.alpha);
    let first = 0;
    while (first + 1 < known.length && known[first + 1]!.from <= upTo) first++;
    return known.slice(first);
  }
}

/** A snapshot's configurations in full: [] stands for the initial members. */
export function expandConfigs(configs: readonly Epoch[], initial: number): readonly Epoch[] {
  return configs.length > 0 ? configs : [{ from: 0, members: initial }];
}
