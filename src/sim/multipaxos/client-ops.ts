/**
 * The random operations simulated clients call (world.ts): on the key-value store, puts,
 * deletes, compare-and-swaps, appends and gets over three keys (one of them SetVarX/GetVarX's
 * X); on the ledger, deposits, withdrawals, transfers and balance reads over three accounts.
 * Values name their client and call (`A3`), so a history says who wrote what.
 *
 * What it leaves out: membership changes (the operator's, admin.ts).
 */
import type { MachineName, Op } from '../../multipaxos/index.js';
import type { Prng } from '../prng.js';
import { clientName } from '../clients.js';

const KEYS = ['x', 'y', 'X'];
const ACCOUNTS = ['a1', 'a2', 'a3'];

/** The next operation of a client named `name` whose last call was `seq`. */
export function randomOp(r: Prng, machine: MachineName, clients: number, name: string,
  seq: number): Op {
  const v = `${name}${seq + 1}`;
  if (machine === 'ledger') {
    const acct = r.pick(ACCOUNTS);
    const amount = 1 + r.below(10);
    switch (r.below(4)) {
      case 0: return { op: 'deposit', acct, amount };
      case 1: return { op: 'withdraw', acct, amount };
      case 2: return { op: 'transfer', from: acct, to: r.pick(ACCOUNTS), amount };
      default: return { op: 'balance', acct };
    }
  }
  const key = r.pick(KEYS);
  switch (r.below(6)) {
    case 0: return { op: 'put', key, value: v };
    case 1: return { op: 'delete', key };
    case 2: {
      const expect = r.chance(0.3) ? null : `${clientName(r.below(clients))}1`;
      return { op: 'cas', key, expect, value: v };
    }
    case 3: return { op: 'append', key, value: v };
    default: return { op: 'get', key };
  }
}
