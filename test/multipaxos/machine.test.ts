/**
 * The state machines read only what was written: a key or account named like a prototype
 * member ("constructor", "toString", "__proto__") is absent until it is written.
 */
import { describe, expect, it } from 'vitest';
import { kvMachine, ledgerMachine } from '../../src/multipaxos/index.js';

const PROTO_KEYS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('kv machine', () => {
  for (const key of PROTO_KEYS) {
    it(`reads key ${JSON.stringify(key)} as absent, then as written`, () => {
      const empty = kvMachine.apply({}, { op: 'get', key });
      expect(empty.out).toEqual({ ok: true, value: null });
      expect(kvMachine.apply({}, { op: 'delete', key }).out).toEqual({ ok: false, value: null });
      expect(kvMachine.apply({}, { op: 'append', key, value: 'a' }).out)
        .toEqual({ ok: true, value: 'a' });
      expect(kvMachine.apply({}, { op: 'cas', key, expect: null, value: 'v' }).out.ok).toBe(true);
      const put = kvMachine.apply({}, { op: 'put', key, value: 'v' });
      expect(kvMachine.apply(put.data, { op: 'get', key }).out).toEqual({ ok: true, value: 'v' });
    });
  }
});

describe('ledger machine', () => {
  for (const acct of PROTO_KEYS) {
    it(`gives account ${JSON.stringify(acct)} a zero balance until a deposit`, () => {
      expect(ledgerMachine.apply({}, { op: 'balance', acct }).out).toEqual({ ok: true, value: '0' });
      expect(ledgerMachine.apply({}, { op: 'withdraw', acct, amount: 1 }).out.ok).toBe(false);
      const d = ledgerMachine.apply({}, { op: 'deposit', acct, amount: 5 });
      expect(d.out).toEqual({ ok: true, value: '5' });
      expect(ledgerMachine.apply(d.data, { op: 'balance', acct }).out.value).toBe('5');
    });
  }
});
