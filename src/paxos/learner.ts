/**
 * The learner: counts 2b votes and learns a value once a majority voted for it in one ballot.
 *
 * "Chosen" and "learned" are different words (STYLE.md): a value is chosen when a majority of
 * acceptors voted for it in the same ballot (Paxos.tla's ChosenAt); a learner has learned it
 * when it knows that. Counting must stay within one ballot: votes for one value in different
 * ballots do not make it chosen (test/sim/mutants.test.ts keeps a learner that forgets this).
 * The tally follows the highest ballot seen, which loses nothing *for safety*: a value chosen in
 * ballot b is the value of every 2a above b (P2b), so a higher tally can only learn the same
 * value. It can cost liveness: a 2b of a higher ballot that never completes resets the tally,
 * and the lower ballot's late 2b are then dropped as 'stale-vote', so this learner may not learn
 * a value that is chosen until a later ballot (or a commit from another learner) finishes.
 *
 * Once learned, every pending client request is answered with the value, and the proposer of
 * the learned ballot publishes it with a `commit` so the other learners need not count.
 * Left out: learning is volatile (it is not in the seeds' durable list); a restarted server
 * learns again from the acceptors through the read path.
 */
import { assert } from './assert.js';
import { ballotCmp } from './ballot.js';
import { acted, has, ignored, isQuorum } from './state.js';
import type { Effect, Msg2b, MsgCommit, ServerState, StepResult, Value } from './types.js';

/** A 2b reached this learner: count it in its ballot's tally; learn on a majority. */
export function onVote(s: ServerState, m: Msg2b): StepResult {
  const l = s.learner;
  if (l.learned !== null) return ignored(s, 'already-learned');
  const order = ballotCmp(m.bal, l.tallyBal);
  if (order < 0) return ignored(s, 'stale-vote');
  if (order === 0 && has(l.tallyAccs, m.acc)) return ignored(s, 'duplicate-vote');
  const tallyAccs = (order === 0 ? l.tallyAccs : 0) | (1 << m.acc);
  const tallyVal = order === 0 ? l.tallyVal : m.val;
  const next = { ...s, learner: { ...l, tallyBal: m.bal, tallyVal, tallyAccs } };
  if (!isQuorum(tallyAccs, s.config.servers)) return acted(next, 'Vote', []);
  assert(tallyVal !== null, 'a tally with votes has a value');
  return learn(next, tallyVal, m.bal.server === s.config.id);
}

/** A commit: another learner counted a majority; take its word (no Byzantine servers). */
export function onCommit(s: ServerState, m: MsgCommit): StepResult {
  if (s.learner.learned !== null) return ignored(s, 'already-learned');
  return learn(s, m.val, false);
}

/** Learns `val`: answers every pending request, stops the proposer and the reads. */
export function learn(s: ServerState, val: Value, publish: boolean): StepResult {
  assert(s.learner.learned === null, 'a learner learns once');
  const effects: Effect[] = [];
  if (publish) {
    effects.push({
      kind: 'send', to: 'all', msg: { type: 'commit', slot: 0, from: s.config.id, val },
    });
  }
  for (const r of s.pending) {
    effects.push({ kind: 'reply', client: r.client, seq: r.seq, op: r.op.name, val });
  }
  const proposer = { ...s.proposer, phase: 'idle', timerTag: s.proposer.timerTag + 1 } as const;
  const learner = { ...s.learner, learned: val };
  return acted({ ...s, learner, proposer, reads: [], pending: [] }, 'Learn', effects);
}
