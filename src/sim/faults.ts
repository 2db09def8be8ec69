/**
 * The fault model of DESIGN.md as rates the simulator draws against, one per kind of fault,
 * each switchable independently (rate 0 turns it off).
 *
 * - loss: each message copy (one per destination) is dropped with this probability when sent;
 * - dup: each delivered message is put back into the network with this probability;
 * - reorder: each delivery takes a random message in flight instead of the oldest;
 * - delay: each message copy is held back for 1..DELAY_MAX ticks with this probability;
 * - partition: per step, the probability that a partition forms (when none) or heals;
 * - crash: per step, the probability that a server crashes: at once, or in the middle of its
 *   next step, after a random prefix of its effects (say between a persist and the send after
 *   it); it restarts from its durable record after a random downtime;
 * - client-crash: per step, the probability that a client crashes; its pending call, if any,
 *   never returns (the history marks it so), and it comes back later as a fresh caller.
 *
 * Left out: Byzantine faults (DESIGN.md rules them out) and disk corruption.
 */

export interface Faults {
  readonly loss: number;
  readonly dup: number;
  readonly reorder: number;
  readonly delay: number;
  readonly partition: number;
  readonly crash: number;
  readonly clientCrash: number;
}

export const NO_FAULTS: Faults = {
  loss: 0, dup: 0, reorder: 0, delay: 0, partition: 0, crash: 0, clientCrash: 0,
};

/**
 * Ticks a crashed server or client stays down: uniform in [DOWNTIME_MIN, DOWNTIME_MIN +
 * DOWNTIME_SPAN).
 */
export const DOWNTIME_MIN = 10;
export const DOWNTIME_SPAN = 200;

/** Every fault on, at rates that still let runs of a few thousand steps choose a value. */
export const ALL_FAULTS: Faults = {
  loss: 0.1, dup: 0.05, reorder: 0.5, delay: 0.1, partition: 0.005, crash: 0.004,
  clientCrash: 0.002,
};

/** The name of each rate in `--faults` (kebab-case, as flags are). */
const NAMES: Readonly<Record<string, keyof Faults>> = {
  loss: 'loss', dup: 'dup', reorder: 'reorder', delay: 'delay', partition: 'partition',
  crash: 'crash', 'client-crash': 'clientCrash',
};

export const FAULT_NAMES: readonly string[] = Object.keys(NAMES);

/**
 * Parses `all`, `none`, or a comma list `name=rate` on top of `none` (or on top of `all` when the
 * list starts with `all,`). Returns the faults, or a message naming the bad item.
 */
export function parseFaults(text: string): Faults | string {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  let faults: Faults = NO_FAULTS;
  for (const [i, item] of items.entries()) {
    if (item === 'all' || item === 'none') {
      if (i !== 0) return `'${item}' must come first`;
      faults = item === 'all' ? ALL_FAULTS : NO_FAULTS;
      continue;
    }
    const match = /^([a-z-]+)=(.+)$/.exec(item);
    if (match === null) return `'${item}' is not name=rate`;
    const key = NAMES[match[1]!];
    if (key === undefined) return `unknown fault '${match[1]}' (have: ${FAULT_NAMES.join(', ')})`;
    // A plain decimal: Number() would also read '0x1', '1e0' and ' 1' (as 1).
    const rate = /^\d+(\.\d+)?$|^\.\d+$/.test(match[2]!) ? Number(match[2]) : NaN;
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
      return `rate of '${match[1]}' must be a number in [0, 1], got '${match[2]}'`;
    }
    faults = { ...faults, [key]: rate };
  }
  return faults;
}

/** `loss=0.1,dup=0.05,...` with only the faults that are on; `none` when none is. */
export function showFaults(f: Faults): string {
  const on = Object.entries(NAMES).filter(([, k]) => f[k] > 0).map(([n, k]) => `${n}=${f[k]}`);
  return on.length === 0 ? 'none' : on.join(',');
}
