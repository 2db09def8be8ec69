/**
 * The runtime adapters' group commit: a batch writes the records `squash` keeps, and a server
 * rebuilt from them must be the server rebuilt from every record the batch produced. Checked on
 * random runs of durable states (promises, votes, snapshots that change or stay), for both
 * protocols.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INITIAL_DURABLE, type Durable, type Snapshot } from '../../src/multipaxos/index.js';
import { multiPaxosProtocol } from '../../src/net/multipaxos-protocol.js';
import { paxosProtocol } from '../../src/net/paxos-protocol.js';
import { drive, type Protocol } from '../../src/net/protocol.js';

const SEED = Number(process.env['SYNOD_FC_SEED'] ?? 20261201);

const snapshotArb: fc.Arbitrary<Snapshot> = fc.record({
  upTo: fc.nat(50), app: fc.dictionary(fc.constantFrom('a', 'b'), fc.string({ maxLength: 3 })),
  digest: fc.nat(),
}).map((changed) => ({ ...INITIAL_DURABLE.snapshot, ...changed }));

/** A run of durable states, the snapshot object kept (===) or replaced from one to the next. */
const runArb = fc.array(fc.record({
  round: fc.nat(5), server: fc.nat(2), newSnapshot: fc.option(snapshotArb, { nil: null }),
}), { minLength: 1, maxLength: 8 });

function durables(run: readonly { round: number; server: number; newSnapshot: Snapshot | null }[]): Durable[] {
  let snapshot = INITIAL_DURABLE.snapshot;
  return run.map(({ round, server, newSnapshot }) => {
    snapshot = newSnapshot ?? snapshot;
    return { ...INITIAL_DURABLE, round, maxBal: { round, server }, snapshot };
  });
}

/** One step per durable state, each persisting it: the batch a busy turn produces. */
function persisting<S>(p: Protocol<S, any, any, any>, effects: readonly unknown[]) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const fake = { ...p, step: (s: S, e: unknown) => ({ state: s, effects: [e] }) };
  return drive(fake, p.boot(0, 3, null, []), effects).batch.persist;
}

describe('group commit squashes a batch into the records that rebuild the same server', () => {
  it('Multi-Paxos: the last durable state, with the latest snapshot any record carried', () => {
    fc.assert(fc.property(runArb, runArb, (before, run) => {
      const persist = (ds: Durable[]) => ds.map((durable) => ({ kind: 'persist', durable }));
      // Two servers' adapters see the same turns: one writes every record, one squashes.
      const plain = { ...multiPaxosProtocol(3), squash: undefined };
      const all = [...persisting(plain, persist(durables(before))), ...persisting(plain, persist(durables(run)))];
      const p = multiPaxosProtocol(3);
      const earlier = persisting(p, persist(durables(before)));
      const squashed = [...earlier, ...persisting(p, persist(durables(run)))];
      expect(squashed).toHaveLength(2);
      expect(p.boot(0, 3, null, squashed).durable).toEqual(p.boot(0, 3, null, all).durable);
    }), { seed: SEED, numRuns: 300 });
  });

  it('single-decree: the last record', () => {
    const p = paxosProtocol(3);
    const records = persisting(p, [1, 2, 3].map((b) => ({
      kind: 'persist', durable: { maxBal: b, maxVBal: b - 1, maxVal: 'x' },
    })));
    expect(records).toHaveLength(1);
    expect(records[0]).toEqual({ maxBal: 3, maxVBal: 2, maxVal: 'x' });
  });
});
