/**
 * The trace checker's rules for clients (SetVarX(v), GetVarX()):
 *
 *   invoke/return      one call at a time per client; a returned value is chosen
 *   client-crash       a crashed client calls nothing until it restarts; its pending call ends
 *
 * X is write-once, so a "not set" answer is checked for linearizability against every value
 * returned before the call was invoked; the full check of a history is history/'s.
 *
 * Left out: server crashes (durable.ts).
 */
import type { Value } from '../../../spec/paxos.js';
import type { Event } from '../events.js';
import { refuseClaim } from '../judge.js';
import { claimChosen } from './claims.js';
import { context, refuse, valueName as val, type Run } from './context.js';

/** What the client rules remember between lines. */
export interface Clients {
  /** Each crashed client and the line of its crash, until it restarts. */
  readonly crashed: Map<number, number>;
  /** Each client's call in progress. */
  readonly pending: Map<number, { readonly op: 'set' | 'get'; readonly line: number }>;
  /** The first value a call returned, and its line: X has it from then on. */
  settled: { readonly val: Value; readonly line: number } | null;
}

export function createClients(): Clients {
  return { crashed: new Map(), pending: new Map(), settled: null };
}

export function clientCall(r: Run, cs: Clients,
  e: Extract<Event, { kind: 'invoke' | 'return' }>): boolean {
  const c = r.table.clients[e.client] ?? `#${e.client}`;
  const fail = (why: string, lines: number[] = []): false =>
    refuse(r, refuseClaim(context(r, [], lines), 'client', why, null), null);
  const down = cs.crashed.get(e.client);
  if (down !== undefined) {
    return fail(`client ${c} crashed at line ${down} and did not come back`, [down]);
  }
  const call = cs.pending.get(e.client);
  if (e.kind === 'invoke') {
    if (call !== undefined) {
      return fail(`client ${c} called ${e.op} while its call at line ${call.line} was pending`,
        [call.line]);
    }
    if (e.op === 'set' && e.val === null) return fail(`client ${c} called set without a value`);
    cs.pending.set(e.client, { op: e.op, line: r.line });
    return true;
  }
  if (call === undefined || call.op !== e.op) {
    return fail(`client ${c} got a return of ${e.op} for a call it never made`);
  }
  cs.pending.delete(e.client);
  if (e.val === null) {
    // X is write-once: after any call has returned a value, X has it for good, so a GetVarX
    // invoked later that answers "not set" cannot be linearized (it must follow that return).
    const settled = cs.settled;
    if (settled === null || call.line < settled.line) return true;
    return fail(`client ${c}'s get, invoked at line ${call.line}, returned "not set", but X ` +
      `was already ${val(r, settled.val)} when it was invoked (a call returned it at line ` +
      `${settled.line}): not linearizable`, [call.line, settled.line]);
  }
  const v = e.val;
  if (!claimChosen(r, 'client', () => `${c}'s ${e.op} returned ${val(r, v)}`, v, -1)) {
    return false;
  }
  cs.settled ??= { val: v, line: r.line };
  return true;
}

export function clientCrash(r: Run, cs: Clients, client: number): true {
  cs.crashed.set(client, r.line);
  cs.pending.delete(client);
  return true;
}

export function clientRestart(cs: Clients, client: number): true {
  cs.crashed.delete(client);
  return true;
}
