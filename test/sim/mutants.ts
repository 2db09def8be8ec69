/**
 * Deliberately broken servers, each built from the real handlers by replacing one entry
 * (src/paxos/step.ts `makeStep`), so no mutant code lives in src/. Each breaks one thing the
 * seeds ask for; test/sim/mutants.test.ts shows that the simulator's checks catch every one.
 */
import {
  handlers, initServer, makeStep, NO_BALLOT, type Handlers, type Step,
} from '../../src/paxos/index.js';

export interface Mutant {
  readonly name: string;
  /** What is broken, in one sentence. */
  readonly breaks: string;
  readonly step: Step;
}

/** An acceptor that promises in memory but never persists the promise (it does persist votes). */
const forgetfulAcceptor: Handlers = {
  ...handlers,
  onPrepare: (s, m) => {
    const r = handlers.onPrepare(s, m);
    return { ...r, effects: r.effects.filter((e) => e.kind !== 'persist') };
  },
};

/** A proposer that ignores the votes its 1b messages report, so it always proposes its own. */
const blindProposer: Handlers = {
  ...handlers,
  onPromise: (s, m) => handlers.onPromise(s, { ...m, mbal: NO_BALLOT, mval: null }),
};

/**
 * A proposer whose round counter is volatile: after a restart it counts from scratch and
 * forgets every ballot it saw, so it can issue a ballot it already used.
 */
const amnesiacProposer: Handlers = {
  ...handlers,
  onRestart: (s, durable) => handlers.onRestart(s, { ...durable, round: -1 }),
  onRequest: (s, req, rand) => {
    if (s.proposer.phase !== 'idle' || s.learner.learned !== null) {
      return handlers.onRequest(s, req, rand);
    }
    // Start the ballot as if this acceptor had promised nothing: the counter alone decides.
    const a = s.durable.acceptor;
    const hidden = { ...s, durable: { ...s.durable, acceptor: { ...a, maxBal: NO_BALLOT } } };
    const r = handlers.onRequest(hidden, req, rand);
    const restore = <T extends { durable: typeof s.durable }>(x: T): T =>
      ({ ...x, durable: { ...x.durable, acceptor: a } });
    return {
      ...r, state: restore(r.state),
      effects: r.effects.map((e) => (e.kind === 'persist' ? restore(e) : e)),
    };
  },
};

/** A learner that adds up votes for a value whatever their ballots. */
const ballotBlindLearner: Handlers = {
  ...handlers,
  onVote: (s, m) => {
    const l = s.learner;
    const same = l.tallyBal.round >= 0 && l.tallyVal === m.val;
    return handlers.onVote(s, same ? { ...m, bal: l.tallyBal } : m);
  },
};

/** GetVarX answered from local state: empty when this server has not learned, no majority. */
const localReader: Handlers = {
  ...handlers,
  onRequest: (s, req, rand) => {
    if (req.op.name !== 'GetVarX' || s.learner.learned !== null) {
      return handlers.onRequest(s, req, rand);
    }
    return {
      state: s,
      effects: [{ kind: 'reply', client: req.client, seq: req.seq, op: 'GetVarX', val: null }],
      outcome: { kind: 'acted', action: 'Answer' },
    };
  },
};

export const mutants: readonly Mutant[] = [
  { name: 'forgetful-acceptor', breaks: 'an acceptor that does not persist its promise',
    step: makeStep(forgetfulAcceptor) },
  { name: 'blind-proposer', breaks: 'a proposer that ignores previously accepted values',
    step: makeStep(blindProposer) },
  { name: 'amnesiac-proposer', breaks: 'a proposer that reuses a proposal number after restart',
    step: makeStep(amnesiacProposer) },
  { name: 'ballot-blind-learner', breaks: 'a learner that counts votes across different ballots',
    step: makeStep(ballotBlindLearner) },
  { name: 'local-reader', breaks: 'GetVarX answered from local state without a majority',
    step: makeStep(localReader) },
];

export { initServer };
