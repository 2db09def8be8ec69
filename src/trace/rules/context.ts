/**
 * What every rule of the trace checker (checker.ts) shares while it reads one trace: the
 * incremental spec state, the line being checked, the counters of the summary, the rejections
 * so far, and the words a refusal is written in (the trace's own names for acceptors, nodes and
 * values). The rules live beside this file, one file per kind of line: actions.ts (the spec's
 * four actions and the sends and receives that claim them), claims.ts (a value is chosen, an
 * acceptor refused), durable.ts (persist, restarts, crashes), clients.ts (invoke and return),
 * justified.ts (a 2a or a learn judged by what its node had received).
 *
 * Left out: anything a rule keeps for itself (durable records, pending calls): it lives in the
 * rule's own file, so the only state here is what more than one rule reads or writes.
 */
import { send as sendSorted, type Ballot, type Constants, type Message,
  type PaxosState, type Value } from '../../../spec/paxos.js';
import type { Names } from '../../../spec/properties.js';
import { constantsOf, type Cluster, type NameTable } from '../events.js';
import { namesOf, type RefusalContext, type Rejection } from '../judge.js';
import { fromSpecState } from '../rebuild.js';
import { initialState, oneBsOf, sentLine, toSpecState, twoBsOf,
  type TraceState } from '../state.js';

/** One trace's checking run: the state the rules read and advance. */
export interface Run {
  /** The spec state reached so far (state.ts); replaced by a forced state in keep-going mode. */
  s: TraceState;
  /** The line being checked. */
  line: number;
  /** Spec actions taken (Phase1a/1b/2a/2b). */
  steps: number;
  /** Sends of messages already in msgs. */
  retransmissions: number;
  /** The spec's words for this trace's names, built on first use (most traces never refuse). */
  names: Names | null;
  readonly cluster: Cluster;
  readonly table: NameTable;
  readonly rejections: Rejection[];
  readonly rejectionsMax: number;
  /** Commits and rejects sent: messages outside the spec's msgs that a recv may still name. */
  readonly sentExtras: Set<string>;
}

export function createRun(cluster: Cluster, table: NameTable, rejectionsMax: number): Run {
  return {
    s: initialState(cluster.acceptors.length, cluster.quorums), line: 0, steps: 0,
    retransmissions: 0, names: null, cluster, table, rejections: [], rejectionsMax,
    sentExtras: new Set(),
  };
}

export function constants(r: Run): Constants {
  return constantsOf(r.cluster, r.table);
}

export function namesIn(r: Run): Names {
  return r.names ??= namesOf(r.cluster, r.table);
}

/** What judge.ts needs to word a refusal of the current line. */
export function context(r: Run, involved: readonly Message[] = [],
  lines: readonly number[] = []): RefusalContext {
  return { k: constants(r), state: r.s, cluster: r.cluster, table: r.table, line: r.line,
    involved, lines };
}

export function nodeName(r: Run, node: number): string {
  return r.table.nodes[node] ?? `#${node}`;
}

export function acceptorName(r: Run, a: number): string {
  return r.cluster.acceptors[a] ?? `#${a}`;
}

export function valueName(r: Run, v: Value | null): string {
  return v === null ? 'None' : namesIn(r).value(v);
}

/** The acceptors of a bit mask (bit a: acceptor a), by name. */
export function maskNames(r: Run, mask: number): string[] {
  return r.cluster.acceptors.filter((_, a) => ((mask >>> a) & 1) === 1);
}

/** A retransmission: a stutter, counted. */
export function retransmit(r: Run): true {
  r.retransmissions++;
  return true;
}

/** Records a rejection; in keep-going mode the forced state becomes the state. */
export function reject(r: Run, rejection: Rejection, forced: PaxosState | null): false {
  r.rejections.push(rejection);
  if (forced !== null && r.rejections.length < r.rejectionsMax) {
    r.s = fromSpecState(forced, r.s, r.line);
  }
  return false;
}

/** reject, with the forced state built from the spec state only when it is needed. */
export function refuse(r: Run, rejection: Rejection,
  forced: ((p: PaxosState) => PaxosState) | null): false {
  return reject(r, rejection, forced === null ? null : forced(toSpecState(r.s)));
}

/** The message by which acceptor a made its current promise maxBal[a] (its 1b or 2b). */
export function promiseOf(r: Run, a: number): Message[] {
  const b = r.s.maxBal[a] as Ballot;
  const x1b = oneBsOf(r.s, b, a)[0];
  if (x1b !== undefined) {
    return [{ type: '1b', acc: a, bal: b, mbal: x1b.value.mbal, mval: x1b.value.mval }];
  }
  const x2b = twoBsOf(r.s, b, a)[0];
  return x2b === undefined ? [] : [{ type: '2b', acc: a, bal: b, val: x2b.value }];
}

/** The 1a or 2a an acceptor's step acts on, when it was sent. */
export function ifSent(r: Run, m: Message): Message[] {
  return sentLine(r.s, m) === -1 ? [] : [m];
}

/** The spec state with m sent: a forced state for keep-going mode. */
export function withMsg(p: PaxosState, m: PaxosState['msgs'][number]): PaxosState {
  return { ...p, msgs: sendSorted(p.msgs, m) };
}

/** The spec state with acceptor a's variables replaced where d gives them. */
export function withAcceptor(
  p: PaxosState, a: number,
  d: { maxBal?: number; maxVBal?: number; maxVal?: Value | null },
): PaxosState {
  const set = <T>(xs: readonly T[], x: T | undefined): readonly T[] => {
    if (x === undefined) return xs;
    const next = xs.slice();
    next[a] = x;
    return next;
  };
  return { ...p, maxBal: set(p.maxBal, d.maxBal), maxVBal: set(p.maxVBal, d.maxVBal),
    maxVal: set(p.maxVal, d.maxVal) };
}
