/**
 * A scripted world (the demo, src/cli/demo.ts): given calls and server crashes at given ticks
 * replace the random clients, so a story is told the same way every time; faults still strike
 * at their rates, and the main phase ends as soon as the script is done and every call returned.
 *
 * Left out: scripted partitions and client crashes (the demo needs neither; the fault rates
 * still produce them).
 */
import type { Operation } from '../paxos/index.js';
import type { ClientAgendum } from './clients.js';

export interface Script {
  readonly calls: readonly {
    readonly at: number; readonly client: number; readonly server: number;
    readonly op: Operation;
  }[];
  readonly crashes: readonly { readonly at: number; readonly server: number }[];
}

/** A scripted server crash on the world's agenda. */
export interface CrashAgendum { readonly due: number; readonly kind: 'crash';
  readonly server: number }

/** The script's calls and crashes as agenda entries. */
export function scriptAgenda(script: Script): (ClientAgendum | CrashAgendum)[] {
  return [
    ...script.calls.map((c) => ({ due: c.at, kind: 'call' as const, ...c })),
    ...script.crashes.map((c) => ({ due: c.at, kind: 'crash' as const, ...c })),
  ];
}

/** True when no scripted call or crash is still to come. */
export function scriptSpent(agenda: readonly { readonly kind: string }[]): boolean {
  return !agenda.some((a) => a.kind === 'call' || a.kind === 'crash');
}
