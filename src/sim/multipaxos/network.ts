/**
 * The simulated network of the Multi-Paxos world (world.ts): the copies in flight, those delayed
 * until a later tick, a partition of the servers into two sides, and one slow replica that loses
 * most of what is sent to it. Every random choice comes from the world's one PRNG, in the order
 * the world asks, so a seed replays a run exactly.
 *
 * What it leaves out: when faults happen (the world decides, and emits the events), and whether
 * the destination is up (the world knows its servers).
 */
import type { Msg } from '../../multipaxos/index.js';
import type { Prng } from '../prng.js';
import type { MpFaultCounts, MpFaults } from './world-config.js';

export interface Copy { readonly from: number; readonly to: number; readonly msg: Msg }

const DELAY_MAX = 50;
/** Probability that a copy to a slow replica is lost. */
const SLOW_LOSS = 0.9;

export class Network {
  inflight: Copy[] = [];
  private delayed: (Copy & { readonly due: number })[] = [];
  /** The earliest tick a delayed copy is due (Infinity: none). */
  delayedDue = Infinity;
  /** Each server's side while partitioned, or null. */
  sides: number[] | null = null;
  /** The slow replica (-1: none), until the tick slowUntil. */
  slow = -1;
  slowUntil = Infinity;
  /** Messages sent between distinct servers, by type. */
  readonly messages: Record<string, number> = {};

  constructor(private readonly rng: Prng, private readonly counts: MpFaultCounts) {}

  /** Moves the delayed copies due by `now` into flight, in the order they were delayed. */
  release(now: number): void {
    if (this.delayedDue > now) return;
    const still: (Copy & { readonly due: number })[] = [];
    this.delayedDue = Infinity;
    for (const d of this.delayed) {
      if (d.due <= now) {
        this.inflight.push({ from: d.from, to: d.to, msg: d.msg });
      } else {
        still.push(d);
        this.delayedDue = Math.min(this.delayedDue, d.due);
      }
    }
    this.delayed = still;
  }

  /** Every delayed copy into flight now (the faults stopped). */
  releaseAll(): void {
    for (const d of this.delayed) this.inflight.push({ from: d.from, to: d.to, msg: d.msg });
    this.delayed = [];
    this.delayedDue = Infinity;
  }

  /** The next copy to deliver: the oldest, or a random one (reorder); it may stay (dup). */
  take(faults: MpFaults): Copy {
    let copy: Copy;
    if (this.rng.chance(faults.reorder) && this.inflight.length > 1) {
      const i = this.rng.below(this.inflight.length);
      copy = this.inflight[i]!;
      this.inflight[i] = this.inflight[this.inflight.length - 1]!;
      this.inflight.pop();
      this.counts.reordered++;
    } else {
      copy = this.inflight.shift()!;
    }
    if (this.rng.chance(faults.dup)) {
      this.inflight.push(copy);
      this.counts.duplicated++;
    }
    return copy;
  }

  connected(a: number, b: number): boolean {
    return this.sides === null || this.sides[a] === this.sides[b];
  }

  /** Sends one copy: lost, lost to the slow replica, delayed, or in flight. */
  send(from: number, to: number, msg: Msg, now: number, faults: MpFaults): void {
    if (from !== to) this.messages[msg.type] = (this.messages[msg.type] ?? 0) + 1;
    if (this.rng.chance(faults.loss)) return void this.counts.lost++;
    if (to === this.slow && from !== to && this.rng.chance(SLOW_LOSS)) {
      return void this.counts.slowLost++;
    }
    if (this.rng.chance(faults.delay)) {
      this.counts.delayed++;
      const due = now + 1 + this.rng.below(DELAY_MAX);
      this.delayed.push({ from, to, msg, due });
      this.delayedDue = Math.min(this.delayedDue, due);
      return;
    }
    this.inflight.push({ from, to, msg });
  }
}
