/**
 * Quorum systems (Paxos.tla's constant `Quorum` and its QuorumAssumption).
 *
 * A quorum is a set of acceptors; a quorum system is a set of quorums every two of which
 * intersect. That single assumption is all the safety argument needs: any two quorums share an
 * acceptor, so a value chosen by one quorum is seen by the 1b messages of any later quorum
 * (Paxos Made Simple, section 2.2, "any two majorities have at least one acceptor in common").
 *
 * Acceptors are numbered 0..n-1 here; names ("s1", "alice") belong to the trace layer.
 * A quorum is kept as a sorted array of acceptor numbers, and also as a bitmask (bit a set when
 * acceptor a is in it) because the checkers test membership in tight loops.
 */
import { at } from './at.js';


export type Acceptor = number;

/** A set of acceptors, sorted ascending, without duplicates. */
export type Quorum = readonly Acceptor[];

export interface QuorumSystem {
  /** Number of acceptors; acceptors are 0..acceptors-1. */
  readonly acceptors: number;
  /** Every quorum, sorted by size then lexicographically. */
  readonly quorums: readonly Quorum[];
  /** quorums[i] as a bitmask. */
  readonly masks: readonly number[];
  /** 'majority' when built by `majorities`, 'explicit' otherwise (for reports). */
  readonly kind: 'majority' | 'explicit';
}

/** Largest acceptor count we accept: bitmasks are 32-bit, and beyond this no model is small. */
export const ACCEPTORS_MAX = 16;

/** Bitmask of a set of acceptors. */
export function maskOf(q: readonly Acceptor[]): number {
  let mask = 0;
  for (const a of q) mask |= 1 << a;
  return mask >>> 0;
}

/** Members of a bitmask, ascending. */
export function membersOf(mask: number): Acceptor[] {
  const members: Acceptor[] = [];
  for (let a = 0; a < 32; a++) if ((mask >>> a) & 1) members.push(a);
  return members;
}

function sortQuorums(quorums: Quorum[]): Quorum[] {
  return quorums.sort((x, y) => x.length - y.length || compareLex(x, y));
}

function compareLex(x: Quorum, y: Quorum): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return at(x, i, 'quorum') - at(y, i, 'quorum');
  }
  return x.length - y.length;
}

/**
 * The minimal majorities of n acceptors: every subset of size floor(n/2)+1. TLC's MCPaxos uses
 * exactly these (`{Q \in SUBSET Acceptor : Cardinality(Q) = 2}` for three acceptors); larger
 * supersets add no behaviour because a superset's 1b messages include a minimal quorum's.
 */
export function majorities(n: number): QuorumSystem {
  if (!Number.isInteger(n) || n < 1 || n > ACCEPTORS_MAX) {
    throw new RangeError(`majorities: acceptor count must be 1..${ACCEPTORS_MAX}, got ${n}`);
  }
  const size = Math.floor(n / 2) + 1;
  const quorums: Quorum[] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    if (popcount(mask) === size) quorums.push(membersOf(mask));
  }
  return build(n, sortQuorums(quorums), 'majority');
}

/**
 * The majorities of a configuration `members` (a bitmask) among n acceptors: the minimal
 * subsets of members holding more than half of them (spec/multipaxos/reconfig.ts's
 * member-only counting; an acceptor outside members is in no quorum).
 */
export function majoritiesOf(n: number, members: number): QuorumSystem {
  const all = majorities(n);
  if (members === (1 << n) - 1) return all;
  const size = Math.floor(popcount(members) / 2) + 1;
  const quorums: Quorum[] = [];
  for (let mask = members; mask > 0; mask = (mask - 1) & members) {
    if (popcount(mask) === size) quorums.push(membersOf(mask));
  }
  return build(n, sortQuorums(quorums), 'explicit');
}

/** Why a proposed quorum system is not one; null when it is. */
export type QuorumProblem =
  | { readonly kind: 'empty-system' }
  | { readonly kind: 'empty-quorum'; readonly index: number }
  | { readonly kind: 'unknown-acceptor'; readonly index: number; readonly acceptor: number }
  | { readonly kind: 'disjoint'; readonly first: Quorum; readonly second: Quorum };

/**
 * Checks QuorumAssumption: every quorum is a nonempty subset of the acceptors and every two
 * quorums intersect. Returns the first problem found, or null.
 */
export function quorumProblem(n: number,
  quorums: readonly (readonly number[])[]): QuorumProblem | null {
  if (quorums.length === 0) return { kind: 'empty-system' };
  for (let i = 0; i < quorums.length; i++) {
    const q = at(quorums, i, 'quorums');
    if (q.length === 0) return { kind: 'empty-quorum', index: i };
    for (const a of q) {
      if (!Number.isInteger(a) || a < 0 || a >= n) {
        return { kind: 'unknown-acceptor', index: i, acceptor: a };
      }
    }
  }
  const masks = quorums.map(maskOf);
  for (let i = 0; i < masks.length; i++) {
    for (let j = i; j < masks.length; j++) {
      if ((at(masks, i, 'masks') & at(masks, j, 'masks')) === 0) {
        return { kind: 'disjoint', first: normalize(at(quorums, i, 'quorums')),
          second: normalize(at(quorums, j, 'quorums')) };
      }
    }
  }
  return null;
}

export function describeQuorumProblem(p: QuorumProblem,
  name: (a: Acceptor) => string = String): string {
  const set = (q: Quorum): string => `{${q.map(name).join(', ')}}`;
  switch (p.kind) {
    case 'empty-system':
      return 'the quorum system has no quorums';
    case 'empty-quorum':
      return `quorum #${p.index + 1} is empty`;
    case 'unknown-acceptor':
      return `quorum #${p.index + 1} names acceptor ${p.acceptor}, which is not an acceptor`;
    case 'disjoint':
      return `quorums ${set(p.first)} and ${set(p.second)} do not intersect, so two values could ` +
        'be chosen (QuorumAssumption: every two quorums must share an acceptor)';
  }
}

/**
 * An explicit quorum system. Throws a RangeError naming the problem when QuorumAssumption
 * fails, unless `unchecked` is set (used only by tests that force a broken system past the
 * refusal to show the checker then finds the violation).
 */
export function explicitQuorums(
  n: number,
  quorums: readonly (readonly number[])[],
  options: { readonly unchecked?: boolean } = {},
): QuorumSystem {
  if (!Number.isInteger(n) || n < 1 || n > ACCEPTORS_MAX) {
    throw new RangeError(`explicitQuorums: acceptor count must be 1..${ACCEPTORS_MAX}, got ${n}`);
  }
  const problem = quorumProblem(n, quorums);
  if (problem !== null && options.unchecked !== true) {
    throw new RangeError(describeQuorumProblem(problem));
  }
  const unique = new Map<number, Quorum>();
  for (const q of quorums) unique.set(maskOf(q), normalize(q));
  return build(n, sortQuorums([...unique.values()]), 'explicit');
}

function normalize(q: readonly number[]): Quorum {
  return [...new Set(q)].sort((x, y) => x - y);
}

function build(n: number, quorums: Quorum[], kind: QuorumSystem['kind']): QuorumSystem {
  return { acceptors: n, quorums, masks: quorums.map(maskOf), kind };
}

export function popcount(x: number): number {
  let v = x >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
