/**
 * The vocabulary shared by the reconfiguration specs (the part of will62794/logless-reconfig's
 * `Defs.tla` they use, and the constants `Server`, `Primary`, `Secondary` its modules declare):
 * servers, sets of servers, the majority quorums of a configuration, and whether the quorums of
 * two configurations overlap.
 *
 * Unlike Paxos.tla, whose quorum system is one fixed constant (spec/quorums.ts), here every
 * server carries its own configuration and the quorums are computed from it: a quorum of a
 * configuration C is any subset of C holding more than half of C's members. This file is meant
 * to serve any reconfiguration spec (the logless one, its composition with a log, and a per-slot
 * Multi-Paxos extension), so it knows nothing of terms, logs or ballots.
 *
 * A set of servers is a bitmask: bit s is set when server s is a member. Servers are numbered
 * 0..n-1 and written n1, n2, ... as in the TLC models (`Server = {n1, n2, n3}`).
 */

/** Server == 0..servers-1. */
export type Server = number;
/** A subset of Server, as a bitmask (bit s set when s is a member). */
export type ServerSet = number;

/** The largest server count a model may have: SUBSET Server is enumerated, 2^n sets. */
export const SERVERS_MAX = 7;

/** Primary and Secondary, the two values of `state[s]` (model values in TLC). */
export type Role = 'Primary' | 'Secondary';
export const Primary: Role = 'Primary';
export const Secondary: Role = 'Secondary';

/** The name of a server for people: n1, n2, ... */
export const serverName = (s: Server): string => `n${s + 1}`;

/** A set of servers for people: {n1, n3}. */
export function showSet(set: ServerSet): string {
  return `{${members(set).map(serverName).join(', ')}}`;
}

/** s \in set. */
export const isMember = (s: Server, set: ServerSet): boolean => ((set >>> s) & 1) === 1;

/** The members of a set, ascending. */
export function members(set: ServerSet): Server[] {
  const out: Server[] = [];
  for (let s = 0; set >>> s !== 0; s++) if (isMember(s, set)) out.push(s);
  return out;
}

/** Cardinality(set). */
export function cardinality(set: ServerSet): number {
  let n = 0;
  for (let x = set >>> 0; x !== 0; x &= x - 1) n++;
  return n;
}

/** SUBSET Server: every subset of 0..servers-1, the empty set first, in bitmask order. */
export function subsets(servers: number): ServerSet[] {
  return Array.from({ length: 1 << servers }, (_, set) => set);
}

/** Subsets of one set, in bitmask order (SUBSET set). */
function subsetsOf(set: ServerSet): ServerSet[] {
  const out: ServerSet[] = [];
  // Walks the submasks of set from the smallest up.
  for (let sub = 0; ; sub = (sub - set) & set) {
    out.push(sub);
    if (sub === set) break;
  }
  return out;
}

const quorumCache = new Map<ServerSet, readonly ServerSet[]>();

/**
 * Quorums(S) == {i \in SUBSET(S) : Cardinality(i) * 2 > Cardinality(S)}: every majority of S,
 * not only the smallest ones. The spec ranges over all of them (BecomeLeader(i, Q) has one
 * instance per quorum Q of i's config), so TLC's counts depend on it. Empty for S = {}.
 */
export function quorums(S: ServerSet): readonly ServerSet[] {
  let qs = quorumCache.get(S);
  if (qs === undefined) {
    const size = cardinality(S);
    qs = subsetsOf(S).filter((q) => cardinality(q) * 2 > size);
    quorumCache.set(S, qs);
  }
  return qs;
}

/**
 * QuorumsOverlap(x, y) == \A qx \in Quorums(x), qy \in Quorums(y) : qx \cap qy # {}.
 * The safety condition of a configuration change: whatever a quorum of the old configuration
 * decided, every quorum of the new one contains a server that knows it.
 */
export function quorumsOverlap(x: ServerSet, y: ServerSet): boolean {
  for (const qx of quorums(x)) {
    for (const qy of quorums(y)) if ((qx & qy) === 0) return false;
  }
  return true;
}

/**
 * Some quorum of S all of whose members satisfy p, or null
 * (\E Q \in Quorums(S) : \A t \in Q : p(t)).
 */
export function quorumWhere(S: ServerSet, p: (t: Server) => boolean): ServerSet | null {
  let agree = 0;
  for (const t of members(S)) if (p(t)) agree |= 1 << t;
  // A superset of a quorum is a quorum, so the members that agree form one if any quorum does.
  return cardinality(agree) * 2 > cardinality(S) ? agree : null;
}

/** Replaces xs[i] by x (TLA+'s [xs EXCEPT ![i] = x]). */
export function except<T>(xs: readonly T[], i: number, x: T): readonly T[] {
  const next = xs.slice();
  next[i] = x;
  return next;
}
