/**
 * One describe per handler, named after the spec action it implements; one `it` per enabling
 * conjunct, next-state clause, effect-order rule and ignored-input reason.
 */
import { describe, expect, it } from 'vitest';
import { step, type Input, type StepResult } from '../../src/paxos/index.js';
import { NONE, b, deliver, get, p1b, p2b, run, server, set } from './fixtures.js';

const prepare = (bal = b(1, 1)): Input => deliver({ type: '1a', slot: 0, bal });
const accept = (bal = b(1, 1), val = 'A'): Input => deliver({ type: '2a', slot: 0, bal, val });
const kinds = (r: StepResult): string[] => r.effects.map((e) => e.kind);

describe('Phase1b(a): acceptor.onPrepare', () => {
  it('promises a 1a above maxBal: persists maxBal, then sends a 1b with its latest vote', () => {
    const r = run(server(0), accept(b(0, 2), 'B'), prepare(b(1, 1)));
    expect(r.outcome).toEqual({ kind: 'acted', action: 'Phase1b' });
    expect(r.state.durable.acceptor).toEqual({ maxBal: b(1, 1), maxVBal: b(0, 2), maxVal: 'B' });
    expect(kinds(r)).toEqual(['persist', 'send']);
    expect(r.effects[1]).toEqual({
      kind: 'send', to: 1, msg: p1b(0, b(1, 1), b(0, 2), 'B'),
    });
  });
  it('ignores a 1a whose ballot equals maxBal', () => {
    const r = run(server(0), prepare(b(1, 1)), prepare(b(1, 1)));
    expect(r.outcome).toEqual({ kind: 'ignored', reason: 'prepare-not-above-maxBal' });
    expect(r.effects).toEqual([]);
  });
  it('refuses a 1a below maxBal with a reject carrying maxBal, changing nothing', () => {
    const before = run(server(0), prepare(b(2, 2))).state;
    const r = step(before, prepare(b(1, 1)));
    expect(r.outcome).toEqual({ kind: 'refused', reason: 'promised-higher' });
    expect(r.state).toBe(before);
    expect(r.effects).toEqual([{
      kind: 'send', to: 1,
      msg: { type: 'reject', slot: 0, acc: 0, bal: b(1, 1), maxBal: b(2, 2) },
    }]);
  });
  it('also sends a commit to the proposer when this server already learned', () => {
    const r = run(server(0), deliver({ type: 'commit', slot: 0, from: 2, val: 'C' }), prepare());
    expect(r.effects.at(-1)).toEqual({
      kind: 'send', to: 1, msg: { type: 'commit', slot: 0, from: 0, val: 'C' },
    });
  });
});

describe('Phase2b(a): acceptor.onAccept', () => {
  it('votes for a 2a at maxBal: persists the vote, then sends a 2b to every learner', () => {
    const r = run(server(0), prepare(b(1, 1)), accept(b(1, 1), 'A'));
    expect(r.outcome).toEqual({ kind: 'acted', action: 'Phase2b' });
    expect(r.state.durable.acceptor).toEqual({ maxBal: b(1, 1), maxVBal: b(1, 1), maxVal: 'A' });
    expect(r.effects).toEqual([
      { kind: 'persist', durable: r.state.durable },
      { kind: 'send', to: 'all', msg: p2b(0, b(1, 1), 'A') },
    ]);
  });
  it('votes for a 2a above maxBal without a promise first (m.bal >= maxBal[a])', () => {
    const r = run(server(0), accept(b(3, 2), 'C'));
    expect(r.state.durable.acceptor.maxBal).toEqual(b(3, 2));
  });
  it('refuses a 2a below maxBal with a reject', () => {
    const r = run(server(0), prepare(b(2, 2)), accept(b(1, 1)));
    expect(r.outcome).toEqual({ kind: 'refused', reason: 'promised-higher' });
    expect(r.effects[0]).toMatchObject({ kind: 'send', msg: { type: 'reject' } });
  });
});

describe('Phase1a(b): SetVarX starts a ballot', () => {
  it('persists the new round, then sends 1a to all, then arms its timer', () => {
    const r = run(server(1), set('A'));
    expect(r.outcome).toEqual({ kind: 'acted', action: 'Phase1a' });
    expect(kinds(r)).toEqual(['persist', 'send', 'set-timer']);
    expect(r.state.durable.round).toBe(0);
    expect(r.effects[1]).toEqual({
      kind: 'send', to: 'all', msg: { type: '1a', slot: 0, bal: b(0, 1) },
    });
  });
  it('chooses a round above every ballot promised here', () => {
    const r = run(server(1), prepare(b(4, 2)), set('A'));
    expect(r.state.proposer.bal).toEqual(b(5, 1));
  });
  it('never reuses a ballot after a restart: the round is durable', () => {
    const first = run(server(1), set('A'));
    const durable = first.state.durable;
    const r = run(first.state, { kind: 'restart', durable }, set('A'));
    expect(r.state.proposer.bal).toEqual(b(1, 1));
  });
  it('only queues a SetVarX while a ballot is already in flight', () => {
    const r = run(server(1), set('A', 1, 1), set('B', 2, 1));
    expect(r.outcome).toEqual({ kind: 'acted', action: 'SetVarX' });
    expect(r.state.pending).toHaveLength(2);
    expect(r.state.proposer.value).toBe('A');
  });
  it('ignores the same (client, seq) twice', () => {
    const r = run(server(1), set('A'), set('A'));
    expect(r.outcome).toEqual({ kind: 'ignored', reason: 'duplicate-request' });
  });
});

describe('Phase2a(b, v): proposer.onPromise', () => {
  const bal = b(0, 0);
  it('on a majority of 1b with no vote, proposes its own value', () => {
    const r = run(server(0), set('A'), deliver(p1b(0, bal, NONE, null)),
      deliver(p1b(2, bal, NONE, null)));
    expect(r.outcome).toEqual({ kind: 'acted', action: 'Phase2a' });
    expect(r.effects).toEqual([{ kind: 'send', to: 'all', msg: { type: '2a', slot: 0, bal,
      val: 'A' } }]);
  });
  it('proposes the value of the highest-numbered vote reported (P2c)', () => {
    const r = run(server(0, 5), set('A'), deliver({ type: '1a', slot: 0, bal: b(5, 3) }),
      set('A', 7, 2));
    const bal6 = r.state.proposer.bal;
    const done = run(r.state, deliver(p1b(1, bal6, b(2, 1), 'B')),
      deliver(p1b(2, bal6, b(4, 2), 'C')), deliver(p1b(3, bal6, b(3, 3), 'D')));
    expect(done.effects[0]).toMatchObject({ msg: { type: '2a', val: 'C' } });
  });
  it('records a 1b short of a majority without sending', () => {
    const r = run(server(0), set('A'), deliver(p1b(1, bal, NONE, null)));
    expect(r.outcome).toEqual({ kind: 'acted', action: 'Promise' });
    expect(r.effects).toEqual([]);
  });
  it('ignores a 1b when not gathering promises', () => {
    const r = run(server(0), deliver(p1b(1, bal, NONE, null)));
    expect(r.outcome).toEqual({ kind: 'ignored', reason: 'not-in-phase1' });
  });
  it('ignores a 1b for another ballot', () => {
    const r = run(server(0), set('A'), deliver(p1b(1, b(0, 2), NONE, null)));
    expect(r.outcome).toEqual({ kind: 'ignored', reason: 'stale-ballot' });
  });
  it('ignores a second 1b from the same acceptor', () => {
    const m = deliver(p1b(1, bal, NONE, null));
    const r = run(server(0), set('A'), m, m);
    expect(r.outcome).toEqual({ kind: 'ignored', reason: 'duplicate-promise' });
  });
});

describe('Learner: learner.onVote and onCommit', () => {
  it('learns when a majority voted in one ballot, and answers every pending request', () => {
    const r = run(server(0), set('A'), deliver(p2b(1, b(0, 2), 'B')),
      deliver(p2b(2, b(0, 2), 'B')));
    expect(r.outcome).toEqual({ kind: 'acted', action: 'Learn' });
    expect(r.state.learner.learned).toBe('B');
    expect(r.effects).toEqual([{ kind: 'reply', client: 7, seq: 1, op: 'SetVarX', val: 'B' }]);
  });
  it('publishes a commit when it learned its own ballot', () => {
    const r = run(server(0), set('A'), deliver(p2b(1, b(0, 0), 'A')),
      deliver(p2b(2, b(0, 0), 'A')));
    expect(r.effects[0]).toEqual({
      kind: 'send', to: 'all', msg: { type: 'commit', slot: 0, from: 0, val: 'A' },
    });
  });
  it('does not count votes of different ballots together', () => {
    const r = run(server(0), deliver(p2b(1, b(0, 1), 'B')), deliver(p2b(2, b(1, 2), 'B')));
    expect(r.outcome).toEqual({ kind: 'acted', action: 'Vote' });
    expect(r.state.learner.learned).toBeNull();
  });
  it('ignores a 2b below the ballot it is counting', () => {
    const r = run(server(0), deliver(p2b(1, b(1, 1), 'B')), deliver(p2b(2, b(0, 2), 'B')));
    expect(r.outcome).toEqual({ kind: 'ignored', reason: 'stale-vote' });
  });
  it('ignores a second 2b from the same acceptor', () => {
    const m = deliver(p2b(1, b(1, 1), 'B'));
    expect(run(server(0), m, m).outcome).toEqual({ kind: 'ignored', reason: 'duplicate-vote' });
  });
  it('ignores 2b and commit once learned', () => {
    const commit = deliver({ type: 'commit', slot: 0, from: 1, val: 'B' });
    expect(run(server(0), commit, commit).outcome)
      .toEqual({ kind: 'ignored', reason: 'already-learned' });
    expect(run(server(0), commit, deliver(p2b(1, b(1, 1), 'B'))).outcome)
      .toEqual({ kind: 'ignored', reason: 'already-learned' });
  });
});

describe('Backoff: proposer.onReject and the proposer timer', () => {
  const reject = (bal = b(0, 0)): Input =>
    deliver({ type: 'reject', slot: 0, acc: 1, bal, maxBal: b(3, 2) });
  it('abandons the ballot on a reject and arms a backoff timer', () => {
    const r = run(server(0), set('A'), reject());
    expect(r.outcome).toEqual({ kind: 'acted', action: 'Backoff' });
    expect(r.state.proposer.phase).toBe('backoff');
    expect(kinds(r)).toEqual(['set-timer']);
  });
  it('starts a ballot above the rejecting one when the backoff ends', () => {
    const r = run(server(0), set('A'), reject(),
      { kind: 'timer', rand: 0, timer: { name: 'proposer', slot: 0, tag: 2 } });
    expect(r.outcome).toEqual({ kind: 'acted', action: 'Phase1a' });
    expect(r.state.proposer.bal).toEqual(b(4, 0));
  });
  it('waits longer when another server is the distinguished proposer', () => {
    const rejected = (distinguished: number | null) => {
      const s = { ...server(0), config: { ...server(0).config, distinguished } };
      const r = run(s, set('A'), { ...reject(), rand: 5 } as Input);
      return r.effects[0]!.kind === 'set-timer' ? r.effects[0]!.after : -1;
    };
    expect(rejected(null)).toBe(6);
    expect(rejected(0)).toBe(6);
    expect(rejected(2)).toBe(16);
  });
  it('ignores a reject with no ballot in flight', () => {
    expect(run(server(0), reject()).outcome)
      .toEqual({ kind: 'ignored', reason: 'no-ballot-in-flight' });
  });
  it('ignores a reject for another ballot', () => {
    expect(run(server(0), set('A'), reject(b(0, 1))).outcome)
      .toEqual({ kind: 'ignored', reason: 'stale-ballot' });
  });
  const proposerTimer = (tag: number): Input =>
    ({ kind: 'timer', rand: 0, timer: { name: 'proposer', slot: 0, tag } });
  it('ignores the timer of an attempt it replaced by a backoff or a newer ballot', () => {
    const backoff = run(server(0), set('A'), reject(), proposerTimer(1));
    expect(backoff.outcome).toEqual({ kind: 'ignored', reason: 'superseded-timer' });
    const retried = run(server(0), set('A'), reject(), proposerTimer(2), proposerTimer(2));
    expect(retried.state.proposer.timerTag).toBe(3);
    expect(retried.outcome).toEqual({ kind: 'ignored', reason: 'superseded-timer' });
  });
  it('ignores its live timer once the value is learned: there is nothing to retry', () => {
    const r = run(server(0), set('A'), deliver({ type: 'commit', slot: 0, from: 2, val: 'A' }),
      proposerTimer(1));
    expect(r.outcome).toEqual({ kind: 'ignored', reason: 'timer-after-learned' });
  });
});

describe('GetVarX: the read path', () => {
  const ok = (acc: number, mbal = NONE, mval: string | null = null): Input =>
    deliver({ type: 'read-ok', slot: 0, acc, client: 8, seq: 1, mbal, mval });
  it('an acceptor answers a read with its latest vote, promising nothing', () => {
    const r = run(server(2), accept(b(0, 1), 'B'),
      deliver({ type: 'read', slot: 0, from: 0, client: 8, seq: 1 }));
    expect(r.outcome).toEqual({ kind: 'acted', action: 'ReadReply' });
    expect(r.effects).toEqual([{ kind: 'send', to: 0, msg: {
      type: 'read-ok', slot: 0, acc: 2, client: 8, seq: 1, mbal: b(0, 1), mval: 'B' } }]);
  });
  it('answers at once from a learned value', () => {
    const r = run(server(0), deliver({ type: 'commit', slot: 0, from: 1, val: 'B' }), get());
    expect(r.effects).toEqual([{ kind: 'reply', client: 8, seq: 1, op: 'GetVarX', val: 'B' }]);
  });
  it('asks every acceptor when it has not learned', () => {
    const r = run(server(0), get());
    expect(kinds(r)).toEqual(['send', 'set-timer']);
  });
  it('answers empty when a majority reports no vote', () => {
    const r = run(server(0), get(), ok(0), ok(2));
    expect(r.outcome).toEqual({ kind: 'acted', action: 'ReadDone' });
    expect(r.effects).toEqual([{ kind: 'reply', client: 8, seq: 1, op: 'GetVarX', val: null }]);
  });
  it('completes a vote it finds by running a ballot for it, answering only once learned', () => {
    const r = run(server(0), get(), ok(0), ok(2, b(0, 2), 'C'));
    expect(r.outcome).toEqual({ kind: 'acted', action: 'Phase1a' });
    expect(r.state.proposer.value).toBe('C');
    expect(r.effects.some((e) => e.kind === 'reply')).toBe(false);
  });
  it('ignores a read-ok for a read that is not pending', () => {
    expect(run(server(0), ok(1)).outcome).toEqual({ kind: 'ignored', reason: 'stale-read' });
  });
  it('ignores a second read-ok from the same acceptor', () => {
    expect(run(server(0), get(), ok(1), ok(1)).outcome)
      .toEqual({ kind: 'ignored', reason: 'duplicate-read-reply' });
  });
  it('asks again when its timer fires before a majority answered', () => {
    const timer: Input = { kind: 'timer', rand: 0,
      timer: { name: 'read', slot: 0, client: 8, seq: 1 } };
    expect(run(server(0), get(), timer).outcome).toEqual({ kind: 'acted', action: 'ReadRetry' });
  });
  it('ignores the timer of a read that was already answered', () => {
    const timer: Input = { kind: 'timer', rand: 0,
      timer: { name: 'read', slot: 0, client: 8, seq: 1 } };
    expect(run(server(0), get(), ok(0), ok(2), timer).outcome)
      .toEqual({ kind: 'ignored', reason: 'finished-read-timer' });
  });
});

describe('Slots and restarts', () => {
  it('ignores messages and requests for a slot this server does not hold', () => {
    const m = deliver({ type: '1a', slot: 1, bal: b(0, 1) });
    expect(run(server(0), m).outcome).toEqual({ kind: 'ignored', reason: 'other-slot' });
    const req: Input = { kind: 'request', rand: 0,
      req: { client: 1, seq: 1, slot: 3, op: { name: 'GetVarX' } } };
    expect(run(server(0), req).outcome).toEqual({ kind: 'ignored', reason: 'other-slot' });
  });
  it('rebuilds from the durable record alone after a restart', () => {
    const busy = run(server(0), accept(b(0, 1), 'B'), set('A'), get());
    const r = step(busy.state, { kind: 'restart', durable: busy.state.durable });
    expect(r.state).toEqual({ ...server(0), durable: busy.state.durable });
  });
});
