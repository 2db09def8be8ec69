/**
 * Each slot's Paxos instance (spec/multipaxos/slots-refinement.ts `slotView`), kept up to date
 * as the refinement (refinement.ts) records messages, instead of recomputed from all of msgs:
 * a slot's messages are the 1a/1b that cover it (as `messageAt` reads them for that slot) and
 * its own 2a/2b, each added once, in msgs' order. The acceptor variables are read from the
 * spec state at the moment of the view.
 *
 * Values are renamed per slot to 0, 1, 2, ... in the order they first appear in that slot. A
 * renaming of values changes no property (none compares values other than for equality), and
 * the single-decree properties range over Value, so a slot's handful keeps them cheap where
 * the log's thousands would not. `names` turns a slot's value back into the entry id.
 *
 * `exact: true` (tests) recomputes every view with the spec's own slotView and asserts that the
 * two agree, which is what licenses the incremental form.
 *
 * A view's msgs is the slot's live list unless `copy` (tests) is set: read it before the slot's
 * next view is taken (the refinement keeps a slot's last view only for its maxBal).
 */
import {
  compareMessages as comparePaxos, type Constants as PaxosConstants, type Message as PaxosMessage,
  type PaxosState,
} from '../../../spec/paxos.js';
import type { Names } from '../../../spec/names.js';
import {
  ballotAt, maxValAt, maxVBalAt, type Constants, type Message, type SlotsState,
} from '../../../spec/multipaxos/slots.js';
import { messageAt, slotView } from '../../../spec/multipaxos/slots-refinement.js';
import { serverName } from './world.js';

/** One slot's instance, its constants (its own values) and how to name them. */
export interface SlotViewOf {
  readonly view: PaxosState;
  readonly pk: PaxosConstants;
  readonly names: Names;
  /** The messages in view.msgs that were not in the slot's previous view, sorted as msgs. */
  readonly added: readonly PaxosMessage[];
}

/** What the views read: the spec's acceptor variables and msgs, indexed. */
export interface ViewSource {
  readonly vars: () => Omit<SlotsState, 'msgs'>;
  readonly phase1: readonly Message[];
  /**
   * Each slot's 2a and 2b messages, each once (msgs is a set). Distinct ones stay distinct as
   * the slot's single-decree messages (messageAt keeps every field but the slot, and renaming
   * values is one-to-one), so only the 1a and 1b are checked for repeats.
   */
  readonly bySlot: ReadonlyMap<number, readonly Message[]>;
  /** Entry ids by global value. */
  readonly ids: readonly string[];
}

interface Cache {
  /** The slot's messages, renamed, sorted by the single-decree order, without repeats. */
  readonly msgs: PaxosMessage[];
  /** keyOf of its 1a and 1b messages. */
  readonly keys: Set<string>;
  /** How many of phase1 and of the slot's own messages are in `msgs`. */
  p1: number;
  /** What was added since the last view was taken. */
  added: PaxosMessage[];
  own: number;
  /** Local value -> global value, and back. */
  readonly global: number[];
  readonly local: Map<number, number>;
  /** How to name the slot's values, and its constants (Value grows as values appear). */
  readonly names: Names;
  pk: PaxosConstants;
}

const keyOf = (m: Extract<PaxosMessage, { type: '1a' | '1b' }>): string =>
  (m.type === '1a' ? `a${m.bal}` : `b${m.bal}/${m.acc}/${m.mbal}/${m.mval}`);

export function slotViews(k: Constants, pk: PaxosConstants, src: ViewSource,
  exact = false, copy = exact): (s: number) => SlotViewOf {
  const caches = new Map<number, Cache>();
  const rename = (c: Cache, v: number): number => {
    let x = c.local.get(v);
    if (x === undefined) {
      x = c.global.length;
      c.local.set(v, x);
      c.global.push(v);
    }
    return x;
  };
  const local = (c: Cache, m: PaxosMessage): PaxosMessage => {
    switch (m.type) {
      case '1a': return m;
      case '1b': return m.mval === null ? m : { ...m, mval: rename(c, m.mval) };
      case '2a': case '2b': return { ...m, val: rename(c, m.val) };
    }
  };
  const add = (c: Cache, s: number, m: Message): void => {
    const p = messageAt(m, s);
    if (p === null) return;
    const q = local(c, p);
    if (q.type === '1a' || q.type === '1b') {
      const key = keyOf(q);
      if (c.keys.has(key)) return;
      c.keys.add(key);
    }
    c.added.push(q);
    let lo = 0;
    let hi = c.msgs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (comparePaxos(c.msgs[mid]!, q) < 0) lo = mid + 1;
      else hi = mid;
    }
    c.msgs.splice(lo, 0, q);
  };

  const fresh = (): Cache => {
    const global: number[] = [];
    const names: Names = {
      acceptor: serverName, value: (v) => src.ids[global[v]!] ?? `value ${v}`,
    };
    return {
      msgs: [], keys: new Set(), p1: 0, added: [], own: 0, global, local: new Map(), names,
      pk: { ...pk, values: 0 },
    };
  };
  // Every 1a and 1b covers every slot from its `from` on (to = null) and reports no vote in a
  // slot above its last vote: in every slot above `bound` (the largest such slot of phase1, or
  // Infinity once a bounded range appears) phase1's messages are the same single-decree ones,
  // with no value to rename. `far` holds them once, as add would put them in such a slot.
  const far = fresh();
  let bound = -1;
  const start = (s: number): Cache => {
    const c = fresh();
    for (; far.p1 < src.phase1.length; far.p1++) {
      const m = src.phase1[far.p1]!;
      bound = Math.max(bound, lastSlot(m));
      add(far, BEYOND, m);
    }
    far.added.length = 0;
    if (s > bound) {
      c.msgs.push(...far.msgs);
      c.added.push(...far.msgs);
      for (const key of far.keys) c.keys.add(key);
      c.p1 = far.p1;
    }
    return c;
  };

  return (s: number): SlotViewOf => {
    let c = caches.get(s);
    if (c === undefined) caches.set(s, (c = start(s)));
    for (; c.p1 < src.phase1.length; c.p1++) add(c, s, src.phase1[c.p1]!);
    const own = src.bySlot.get(s) ?? [];
    for (; c.own < own.length; c.own++) add(c, s, own[c.own]!);
    const vars = src.vars();
    const [maxBal, maxVBal, maxVal]: [number[], number[], (number | null)[]] = [[], [], []];
    for (let a = 0; a < k.acceptors; a++) {
      maxBal.push(ballotAt(vars.maxBal[a]!, s));
      maxVBal.push(maxVBalAt(vars, a, s));
      const v = maxValAt(vars, a, s);
      maxVal.push(v === null ? null : rename(c, v));
    }
    const view: PaxosState = { maxBal, maxVBal, maxVal, msgs: copy ? c.msgs.slice() : c.msgs };
    if (exact) assertExact(k, src, s, view, c.global);
    if (c.pk.values !== c.global.length) c.pk = { ...pk, values: c.global.length };
    // Everything was added (a slot's first view): msgs is that, sorted already.
    const added = c.added.length === c.msgs.length ? c.msgs.slice() :
      c.added.length > 1 ? c.added.sort(comparePaxos) : c.added;
    c.added = [];
    return { view, pk: c.pk, names: c.names, added };
  };
}

/** A slot above every slot any message of a run names. */
const BEYOND = Number.MAX_SAFE_INTEGER;

/** The last slot a 1a or 1b is particular about (its from, its last vote), or Infinity. */
function lastSlot(m: Message): number {
  if (m.type === '2a' || m.type === '2b' || m.to !== null) return Infinity;
  return m.type === '1a' ? m.from : Math.max(m.from, m.votes[m.votes.length - 1]?.slot ?? -1);
}

/** The view equals the spec's slotView, values mapped back. */
function assertExact(k: Constants, src: ViewSource, s: number, view: PaxosState,
  global: readonly number[]): void {
  const back = (v: number | null): number | null => (v === null ? null : global[v]!);
  const mine = {
    ...view,
    maxVal: view.maxVal.map(back),
    msgs: view.msgs.map((m) => {
      if (m.type === '1b') return { ...m, mval: back(m.mval) };
      if (m.type === '2a' || m.type === '2b') return { ...m, val: back(m.val)! };
      return m;
    }).sort(comparePaxos),
  };
  const spec = slotView(k, { ...src.vars(), msgs: [...src.phase1, ...(src.bySlot.get(s) ?? [])] },
    s);
  if (JSON.stringify(mine) !== JSON.stringify(spec)) {
    throw new Error(`assertion failed: slot ${s}'s kept view is not slotView's`);
  }
}
