/**
 * The Synod spec: Consensus <- Voting <- Paxos, after Lamport's Consensus.tla, Voting.tla and
 * Paxos.tla, with the named properties of DESIGN.md. Read in this order: consensus.ts (what
 * must hold), voting.ts (the abstract algorithm), paxos.ts (the messages), properties.ts.
 */
export * from './quorums.js';
export * from './paxos.js';
export * as Voting from './voting.js';
export * as Consensus from './consensus.js';
export * from './properties.js';
export * from './names.js';
