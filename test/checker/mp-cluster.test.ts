/**
 * The Multi-Paxos implementation model-checked (src/checker/models/mp-cluster.ts): pinned state
 * counts at small bounds, the encoding's canonical numbering, and the mutants of
 * test/sim/multipaxos/mutants.ts that are small enough, each caught exhaustively by its named
 * property with a pinned shortest counterexample. Larger bounds run with SYNOD_SLOW=1.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../src/checker/engine.js';
import { mpClusterModel, type MpClusterBounds } from '../../src/checker/models/mp-cluster.js';
import { Interner } from '../../src/checker/models/mp-cluster-intern.js';
import { handlers, initServer, makeStep, serverConfig, step } from '../../src/multipaxos/index.js';
import { mpMutants } from '../sim/multipaxos/mutants.js';

const slow = process.env.SYNOD_SLOW === '1';

const run = (b: MpClusterBounds) => check(mpClusterModel(b));

describe('the Multi-Paxos cluster model, correct reducer', () => {
  it.each([
    [{ servers: 3, commands: 1, maxBallot: 0, crashes: 0 }, 3_247, 21],
    [{ servers: 2, commands: 1, maxBallot: 1, crashes: 0 }, 33_341, 36],
  ])('%j: every property holds, every target reached; %i states, depth %i', (b, states, depth) => {
    const r = run(b);
    expect(r.verdict).toBe('ok');
    expect(r.distinctStates).toBe(states);
    expect(r.depth).toBe(depth);
  });

  it.runIf(slow).each([
    [{ servers: 2, commands: 1, maxBallot: 1, crashes: 1 }, 213_374, 41],
  ])('%j (slow): ok, %i states, depth %i', (b, states, depth) => {
    const r = run(b);
    expect(r.verdict).toBe('ok');
    expect(r.distinctStates).toBe(states);
    expect(r.depth).toBe(depth);
  });

  it('calls a cluster whose servers ignore every command vacuous (nothing is ever chosen)', () => {
    const deaf = makeStep({
      ...handlers,
      onRequest: (s) =>
        ({ state: s, effects: [], outcome: { kind: 'ignored', reason: 'duplicate-request' } }),
    });
    const r = check(mpClusterModel({
      servers: 2, commands: 1, maxBallot: 1, crashes: 0, step: deaf,
    }));
    expect(r.verdict).toBe('vacuous');
    expect(r.unreached).toEqual(['ValueChosen', 'CommandApplied', 'TwoBallotsPropose']);
  });
});

describe('hash-consed encoding', () => {
  it('numbers equal server states equally, however they were built', () => {
    const t = new Interner();
    const cfg = serverConfig({ id: 0, servers: 3 });
    const a = initServer(cfg);
    const b = JSON.parse(JSON.stringify(initServer(cfg))) as typeof a;
    expect(t.servers.idOf(a)).toBe(t.servers.idOf(b));
    const r = step(a, { kind: 'timer', timer: { name: 'election', tag: 0 }, rand: 0 });
    expect(t.servers.idOf(r.state)).not.toBe(t.servers.idOf(a));
  });

  it('leaves out only the election backoff counter (it sets timer delays only)', () => {
    const t = new Interner();
    const s = initServer(serverConfig({ id: 0, servers: 3 }));
    const backedOff = { ...s, leader: { ...s.leader, attempts: 3 } };
    const otherTag = { ...s, leader: { ...s.leader, timerTag: 3 } };
    expect(t.servers.idOf(backedOff)).toBe(t.servers.idOf(s));
    expect(t.servers.idOf(otherTag)).not.toBe(t.servers.idOf(s));
  });
});

describe('mutants, caught exhaustively', () => {
  const table: readonly (readonly [string, MpClusterBounds, string, number])[] = [
    ['skip-phase1', { servers: 2, commands: 1, maxBallot: 1, crashes: 0 }, 'Inv3', 3],
    ['forgetful-leader', { servers: 2, commands: 1, maxBallot: 1, crashes: 0 }, 'Inv3', 14],
    ['disorderly-replica', { servers: 3, commands: 2, maxBallot: 0, crashes: 0 },
      'StateMachineSafety', 18],
  ];
  it.each(table)('%s at %j breaks %s; shortest counterexample %i states',
    (name, bounds, property, length) => {
      const mutant = mpMutants.find((m) => m.name === name)!;
      const r = check(mpClusterModel({ ...bounds, step: mutant.step }));
      expect(r.verdict).toBe('violation');
      expect(r.violation?.property).toBe(property);
      expect(r.trace.length).toBe(length);
    });
});

describe('the step check', () => {
  it('catches an acceptor whose 1b hides its votes as a Refinement failure (Phase1b reports them)',
    () => {
      const hiding = makeStep({
        ...handlers,
        onPrepare: (s, m) => {
          const r = handlers.onPrepare(s, m);
          const effects = r.effects.map((e) => (e.kind === 'send' && e.msg.type === '1b'
            ? { ...e, msg: { ...e.msg, votes: [] } } : e));
          return { ...r, effects };
        },
      });
      const r = check(mpClusterModel({
        servers: 2, commands: 1, maxBallot: 1, crashes: 0, step: hiding,
      }));
      expect(r.verdict).toBe('violation');
      expect(r.violation?.property).toBe('Refinement');
      expect(r.violation?.summary).toMatch(/the state the actions reach/);
      expect(r.trace.length).toBe(10);
    });
});
