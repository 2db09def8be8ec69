/**
 * The trace checker's rules for durable state and for crashes:
 *
 *   persist            the durable half of Phase1b or Phase2b, or nothing new
 *   a 1b or 2b sent    covered by the sender's last persist, once it logs persists at all
 *   crash/restart      a crashed node does nothing; a restart recovers its durable state
 *
 * Persist before send (DESIGN.md, "The implementation"; etcd-raft's Ready contract): once an
 * acceptor logs persists at all, a 1b or 2b it sends must be covered by what it persisted, or a
 * crash right after the send would make it forget a promise or a vote it announced.
 *
 * Left out: client crashes (clients.ts).
 */
import type { PaxosState, Value } from '../../../spec/paxos.js';
import type { Durable, TraceMessage } from '../events.js';
import { refuseClaim } from '../judge.js';
import { sentLine } from '../state.js';
import { phase1b, phase2b } from './actions.js';
import { acceptorName as acc, context, nodeName, refuse, valueName as val, withAcceptor,
  type Run } from './context.js';

/** What each acceptor last made durable, and which nodes are down. */
export interface DurableRecords {
  /** The line of each acceptor's last persist, or -1 when it has logged none. */
  readonly line: number[];
  readonly maxBal: number[];
  readonly maxVBal: number[];
  /** Each crashed node and the line of its crash, until it restarts. */
  readonly crashed: Map<number, number>;
}

export function createDurable(acceptors: number): DurableRecords {
  const none = (): number[] => Array.from({ length: acceptors }, () => -1);
  return { line: none(), maxBal: none(), maxVBal: none(), crashed: new Map() };
}

/** Persist before send: a 1b or 2b is covered by the sender's last persist (if it logs any). */
export function covered(r: Run, d: DurableRecords, m: TraceMessage): boolean {
  if (m.type !== '1b' && m.type !== '2b') return true;
  const a = m.acc;
  const logged = d.line[a] as number;
  if (logged === -1 || ((d.maxBal[a] as number) >= m.bal && (m.type === '1b'
    || (d.maxVBal[a] as number) >= m.bal))) return true;
  const what = m.type === '1b' ? `its promise of ballot ${m.bal}` : `its vote in ballot ${m.bal}`;
  return refuse(r, refuseClaim(context(r, [m]), 'persist-before-send',
    `${acc(r, a)} sent a ${m.type} announcing ${what} before making it durable (its last ` +
      `persist, at line ${logged}, has maxBal ${d.maxBal[a]} and maxVBal ${d.maxVBal[a]}): a ` +
      `crash now would make it forget`, null,
    { acceptor: acc(r, a), ballot: m.bal }), null);
}

/**
 * persist: the logged durable state is the acceptor's state after the one step it makes
 * durable: Phase1b (only maxBal rises) or Phase2b (a new vote, maxBal = maxVBal), or nothing.
 */
export function persist(r: Run, d: DurableRecords, a: number, logged: Durable): boolean {
  const ok = persistStep(r, a, logged);
  if (ok) {
    d.line[a] = r.line;
    d.maxBal[a] = r.s.maxBal[a] as number;
    d.maxVBal[a] = r.s.maxVBal[a] as number;
  }
  return ok;
}

function persistStep(r: Run, a: number, d: Durable): boolean {
  const s = r.s;
  const vote = d.vote;
  const sameVote = vote === null || (vote.maxVBal === s.maxVBal[a]
    && vote.maxVal === s.maxVal[a]);
  if (sameVote && d.maxBal === s.maxBal[a]) return true;
  if (sameVote && d.maxBal > (s.maxBal[a] as number)) return phase1b(r, a, d.maxBal, null);
  // A new vote is Phase2b, which sets maxBal to the vote's ballot; a vote logged under an
  // unchanged, higher maxBal is the same step taken below a promise, for Phase2b to refuse.
  const voteStep = d.maxBal === vote?.maxVBal || d.maxBal === s.maxBal[a];
  if (!sameVote && vote !== null && vote.maxVBal !== -1 && vote.maxVal !== null && voteStep) {
    if (sentLine(s, { type: '2b', acc: a, bal: vote.maxVBal, val: vote.maxVal }) === -1) {
      return phase2b(r, a, vote.maxVBal, vote.maxVal);
    }
  }
  return durableMismatch(r, 'persist', a, d);
}

/** A logged durable state (persist or restart) that no single step of a leads to. */
function durableMismatch(r: Run, rule: string, a: number, d: Durable): false {
  const s = r.s;
  const shown = (b: number, vb: number, v: Value | null): string =>
    `<<maxBal ${b}, maxVBal ${vb}, maxVal ${val(r, v)}>>`;
  const logged = shown(d.maxBal, d.vote?.maxVBal ?? (s.maxVBal[a] as number),
    d.vote === null ? s.maxVal[a] as Value | null : d.vote.maxVal);
  const spec = shown(s.maxBal[a] as number, s.maxVBal[a] as number, s.maxVal[a] as Value | null);
  const why = `${acc(r, a)}'s durable state is ${spec} in the spec, and no single step of ` +
    `${acc(r, a)} leads to the logged ${logged}`;
  const forced = (p: PaxosState): PaxosState => withAcceptor(p, a, {
    maxBal: d.maxBal,
    ...(d.vote === null ? {} : { maxVBal: d.vote.maxVBal, maxVal: d.vote.maxVal }),
  });
  return refuse(r, refuseClaim(context(r), rule, why, forced, { acceptor: acc(r, a) }), forced);
}

export function crash(r: Run, d: DurableRecords, node: number): true {
  d.crashed.set(node, r.line);
  return true;
}

/** A restart of node; an acceptor that logs the state it recovers must recover the spec's. */
export function restart(r: Run, d: DurableRecords, node: number,
  recovered: Durable | null): boolean {
  d.crashed.delete(node);
  if (recovered === null || node >= r.cluster.acceptors.length) return true;
  const s = r.s;
  const same = recovered.maxBal === s.maxBal[node]
    && (recovered.vote === null || (recovered.vote.maxVBal === s.maxVBal[node]
      && recovered.vote.maxVal === s.maxVal[node]));
  return same ? true : durableMismatch(r, 'restart', node, recovered);
}

/** A node that acts must not be down. */
export function alive(r: Run, d: DurableRecords, node: number): boolean {
  const down = d.crashed.get(node);
  if (down === undefined) return true;
  return refuse(r, refuseClaim(context(r, [], [down]), 'crash',
    `${nodeName(r, node)} crashed at line ${down} and has not restarted, yet it acts here`,
    null), null);
}
