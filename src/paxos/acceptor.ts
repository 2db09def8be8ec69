/**
 * The acceptor: Paxos.tla's Phase1b(a) and Phase2b(a), plus the read path's answer.
 *
 * An acceptor's whole job is to keep two promises (Paxos Made Simple, P1a): never vote in a
 * ballot below one it promised, and report its latest vote to whoever asks for a promise. Both
 * rest on maxBal/maxVBal/maxVal surviving crashes, so every change is persisted before the
 * message that announces it is sent (the effect order of state.ts).
 *
 * Beyond the spec: a 1a or 2a below maxBal gets a `reject` carrying maxBal, so the proposer
 * abandons early (section 2.5) instead of waiting for its timeout; and a server that already
 * learned the value answers a 1a with a `commit` as well, so a late proposer stops at once.
 * Neither changes the acceptor's state, so both map to stutters of the spec.
 */
import { assert } from './assert.js';
import { ballotCmp } from './ballot.js';
import { acted, ignored, refused } from './state.js';
import type { Effect, Msg1a, Msg2a, MsgRead, ServerState, StepResult } from './types.js';

/**
 * Phase1b(a): on a 1a whose bal is above maxBal[a], promise it (maxBal[a] := m.bal) and send a
 * 1b with the latest vote. Enabling conjunct: m.bal > maxBal[a].
 */
export function onPrepare(s: ServerState, m: Msg1a): StepResult {
  const { acceptor } = s.durable;
  const id = s.config.id;
  const order = ballotCmp(m.bal, acceptor.maxBal);
  if (order < 0) return reject(s, m);
  if (order === 0) return ignored(s, 'prepare-not-above-maxBal');
  const durable = { ...s.durable, acceptor: { ...acceptor, maxBal: m.bal } };
  assertAcceptor(durable.acceptor);
  const effects: Effect[] = [
    { kind: 'persist', durable },
    {
      kind: 'send', to: m.bal.server,
      msg: { type: '1b', slot: m.slot, acc: id, bal: m.bal, mbal: acceptor.maxVBal,
        mval: acceptor.maxVal },
    },
  ];
  const { learned } = s.learner;
  if (learned !== null) {
    effects.push({
      kind: 'send', to: m.bal.server, msg: { type: 'commit', slot: m.slot, from: id, val: learned },
    });
  }
  return acted({ ...s, durable, proposer: seen(s, m.bal.round) }, 'Phase1b', effects);
}

/**
 * Phase2b(a): on a 2a whose bal is at least maxBal[a], vote for it: maxBal[a], maxVBal[a] :=
 * m.bal, maxVal[a] := m.val, then tell every learner with a 2b. Enabling: m.bal >= maxBal[a].
 */
export function onAccept(s: ServerState, m: Msg2a): StepResult {
  const { acceptor } = s.durable;
  if (ballotCmp(m.bal, acceptor.maxBal) < 0) return reject(s, m);
  const durable = {
    ...s.durable, acceptor: { maxBal: m.bal, maxVBal: m.bal, maxVal: m.val },
  };
  assert(ballotCmp(durable.acceptor.maxBal, acceptor.maxBal) >= 0, 'maxBal never decreases');
  assertAcceptor(durable.acceptor);
  return acted({ ...s, durable, proposer: seen(s, m.bal.round) }, 'Phase2b', [
    { kind: 'persist', durable },
    {
      kind: 'send', to: 'all',
      msg: { type: '2b', slot: m.slot, acc: s.config.id, bal: m.bal, val: m.val },
    },
  ]);
}

/**
 * The read path's question: report the latest vote (maxVBal, maxVal) without promising
 * anything, so reads never disturb proposers. Always answered; changes no state.
 */
export function onRead(s: ServerState, m: MsgRead): StepResult {
  const { maxVBal, maxVal } = s.durable.acceptor;
  return acted(s, 'ReadReply', [{
    kind: 'send', to: m.from,
    msg: {
      type: 'read-ok', slot: m.slot, acc: s.config.id, client: m.client, seq: m.seq,
      mbal: maxVBal, mval: maxVal,
    },
  }]);
}

/** Paxos.tla's TypeOK and Inv1 shape for one acceptor: a vote is never above the promise. */
function assertAcceptor(a: ServerState['durable']['acceptor']): void {
  assert(ballotCmp(a.maxVBal, a.maxBal) <= 0, 'maxVBal <= maxBal');
  assert((a.maxVBal.round < 0) === (a.maxVal === null), 'maxVal is None exactly before a vote');
}

/**
 * Refuses a ballot below maxBal[a]: a stutter for the spec (Phase1b and Phase2b are not
 * enabled), and a hint for the proposer, which can give up on the ballot at once.
 */
function reject(s: ServerState, m: Msg1a | Msg2a): StepResult {
  const { maxBal } = s.durable.acceptor;
  assert(ballotCmp(m.bal, maxBal) < 0, 'only a ballot below the promise is refused');
  const msg = { type: 'reject', slot: m.slot, acc: s.config.id, bal: m.bal, maxBal } as const;
  return refused(s, 'promised-higher', msg);
}

/** The proposer half remembers the highest round it saw, so its next ballot outbids it. */
function seen(s: ServerState, round: number): ServerState['proposer'] {
  const p = s.proposer;
  return round > p.seenRound ? { ...p, seenRound: round } : p;
}
