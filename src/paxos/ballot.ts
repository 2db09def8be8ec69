/**
 * Ballots (proposal numbers): pairs (round, server), ordered by round and then by server id.
 *
 * Paxos Made Simple (section 2.2) only asks that proposal numbers be totally ordered and that no
 * two proposers ever issue the same one. Pairing a proposer's round with its own server id gives
 * both for free, and the proposer's highest round is durable (see state.ts) so a restarted server
 * never issues a number twice. The spec (Paxos.tla) numbers ballots with naturals; `toNatural`
 * is the order-preserving injection used by the refinement mapping in src/sim/refinement.ts.
 *
 * Left out: nothing the single decree needs. Multi-Paxos reuses these ballots unchanged.
 */
import { assert } from './assert.js';

/** A proposal number. `round` -1 is the "no ballot yet" of Paxos.tla's `-1`. */
export interface Ballot {
  readonly round: number;
  readonly server: number;
}

/** Below every ballot a proposer can issue: the initial maxBal and maxVBal (Paxos.tla: -1). */
export const NO_BALLOT: Ballot = Object.freeze({ round: -1, server: 0 });

/** The total order on ballots: negative, zero or positive as `a` is below, equal or above `b`. */
export function ballotCmp(a: Ballot, b: Ballot): number {
  return a.round !== b.round ? a.round - b.round : a.server - b.server;
}

export function ballotEq(a: Ballot, b: Ballot): boolean {
  return a.round === b.round && a.server === b.server;
}

/** The larger of two ballots (the first one on a tie). */
export function ballotMax(a: Ballot, b: Ballot): Ballot {
  return ballotCmp(a, b) >= 0 ? a : b;
}

/**
 * The spec's ballot number: round * servers + server, and -1 for NO_BALLOT. Strictly monotone in
 * `ballotCmp` for servers in 0..n-1, hence an order isomorphism onto its image.
 */
export function toNatural(b: Ballot, servers: number): number {
  if (b.round < 0) return -1;
  assert(b.server >= 0 && b.server < servers, 'ballot server outside 0..n-1');
  return b.round * servers + b.server;
}

/** The inverse of `toNatural` on its image. */
export function fromNatural(natural: number, servers: number): Ballot {
  if (natural < 0) return NO_BALLOT;
  return { round: Math.floor(natural / servers), server: natural % servers };
}

/**
 * The one human notation for a ballot (docs/glossary.md, "Writing ballots"): `round.server`
 * with the server's name, 1-based like everywhere else, so `3.s2` is round 3 of server s2 (id
 * 1); `-` is NO_BALLOT. A trace logs the same ballot as `[3, "s2"]`.
 */
export function showBallot(b: Ballot): string {
  return b.round < 0 ? '-' : `${b.round}.s${b.server + 1}`;
}
