/**
 * The reducers a server can run, by name: each with its runtime adapter and its REST routes.
 * `serve` and `cluster` take the name from `--protocol`.
 */
import type { Route } from './http.js';
import { kvRoute, multiPaxosProtocol } from './multipaxos-protocol.js';
import { paxosProtocol, paxosRoute } from './paxos-protocol.js';
import type { Protocol } from './protocol.js';
import type { ReadMode } from '../multipaxos/index.js';

export interface ServerProtocol {
  readonly protocol: Protocol<any, any, any,
    any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly route: Route;
}

/** Options a protocol may read (the others ignore them). */
export interface ProtocolOptions {
  /** Multi-Paxos: how linearizable reads are served (default read-index). */
  readonly reads?: ReadMode;
}

const registry: Record<string, (servers: number, o: ProtocolOptions) => ServerProtocol> = {
  multipaxos: (servers, o) => ({
    protocol: multiPaxosProtocol(servers, { reads: o.reads ?? 'read-index' }), route: kvRoute,
  }),
  paxos: (servers) => ({ protocol: paxosProtocol(servers), route: paxosRoute }),
};

export const protocolNames = Object.keys(registry);

/** The protocol called `name`, or null when there is none. */
export function serverProtocol(
  name: string, servers: number, options: ProtocolOptions = {},
): ServerProtocol | null {
  return Object.hasOwn(registry, name) ? registry[name]!(servers, options) : null;
}
