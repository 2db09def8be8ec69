/**
 * The trace checker's rules for the spec's four actions (Paxos.tla's Phase1a, Phase1b, Phase2a,
 * Phase2b) and for the sends and receives that claim them:
 *
 *   send 1a            Phase1a(bal)                 always enabled
 *   send 1b            Phase1b(acc) on the 1a(bal)  1a sent, bal > maxBal[acc], reports the vote
 *   send 2a            Phase2a(bal, val)            no 2a for bal, a quorum's 1b show val safe
 *   send 2b            Phase2b(acc) on the 2a       2a sent, bal >= maxBal[acc]
 *   send of a message already in msgs   a retransmission: a stutter (msgs is a set)
 *   recv               the message is in msgs (or, for a commit or reject, was sent)
 *
 * The guards are steps.ts's, on the incremental state; the words of a refusal come from the
 * spec itself (judge.ts). A new 2b is followed by the only checks it can break: OneValuePerBallot
 * in its ballot, and Consistency/R2 over the chosen values; a new 2a by R2' against the chosen.
 *
 * Left out: the persist-before-send rule, which dispatch applies before a send (durable.ts).
 */
import type { Action, Ballot, Message, Msg1b, PaxosState, Value } from '../../../spec/paxos.js';
import { showMessage } from '../../../spec/properties.js';
import type { TraceMessage } from '../events.js';
import { refuseAction, refuseClaim, type RefusalContext, type Rejection } from '../judge.js';
import { firstViolation } from '../safety.js';
import { addMessage, oneBsOf, otherVoteIn, sentLine, toSpecState } from '../state.js';
import { applyPhase1b, applyPhase2b, canPhase1b, canPhase2a, canPhase2b,
  reply1b } from '../steps.js';
import { checkReject, claimChosen } from './claims.js';
import { acceptorName as acc, constants, context, ifSent, namesIn, nodeName, promiseOf, reject,
  refuse, retransmit, valueName as val, withAcceptor, withMsg, type Run } from './context.js';

/** A node sends m: a spec action, a retransmission, or a claim (commit, reject). */
export function send(r: Run, node: number, m: TraceMessage): boolean {
  switch (m.type) {
    case '1a':
      if (!addMessage(r.s, m, r.line)) return retransmit(r);
      r.steps++;
      return true;
    case '1b':
      if (sentLine(r.s, m) !== -1) return retransmit(r);
      return phase1b(r, m.acc, m.bal, m);
    case '2a':
      if (sentLine(r.s, m) !== -1) return retransmit(r);
      return phase2a(r, m.bal, m.val);
    case '2b':
      if (sentLine(r.s, m) !== -1) return retransmit(r);
      return phase2b(r, m.acc, m.bal, m.val);
    case 'commit':
      r.sentExtras.add(extraKey(m));
      return claimChosen(r, 'commit',
        () => `${nodeName(r, node)} announced ${val(r, m.val)} as chosen`, m.val, m.bal);
    case 'reject':
      r.sentExtras.add(extraKey(m));
      return checkReject(r, m.acc, m.bal, m.promised);
    case 'ext':
      return true;
  }
}

/** A node receives m: m \in msgs (a commit or reject: it was sent). */
export function recv(r: Run, node: number, m: TraceMessage): boolean {
  const sent = m.type === 'ext' ? true
    : m.type === 'commit' || m.type === 'reject' ? r.sentExtras.has(extraKey(m))
      : sentLine(r.s, m) !== -1;
  if (sent) return true;
  const shown = m.type === '1a' || m.type === '1b' || m.type === '2a' || m.type === '2b'
    ? showMessage(m, namesIn(r)) : JSON.stringify(m);
  return refuse(r, refuseClaim(context(r), 'recv', `${nodeName(r, node)} received a message ` +
    `that was never sent (m \\in msgs fails): ${shown}`, null), null);
}

/** Phase1b(a) on the 1a of bal; `logged` is the 1b the trace says a sent (null: a persist). */
export function phase1b(r: Run, a: number, bal: Ballot, logged: Msg1b | null): boolean {
  const s = r.s;
  // The common case first, allocating nothing: enabled, and the 1b reports a's latest vote.
  if (!canPhase1b(s, a, bal)) return refuse1b(r, a, bal, logged);
  if (logged !== null && (logged.mbal !== s.maxVBal[a] || logged.mval !== s.maxVal[a])) {
    return refuse1b(r, a, bal, logged);
  }
  applyPhase1b(s, a, bal, r.line);
  r.steps++;
  return true;
}

/** Phase1b(a) refused: not enabled, or the logged 1b is not the one it sends. */
function refuse1b(r: Run, a: number, bal: Ballot, logged: Msg1b | null): false {
  const s = r.s;
  const m1a = { type: '1a', bal } as const;
  const text = `Phase1b(${acc(r, a)}) on 1a(bal ${bal})`;
  const reply = reply1b(s, a, bal);
  const shown = logged ?? reply;
  const forced = (p: PaxosState): PaxosState => withAcceptor(withMsg(p, shown), a,
    { maxBal: bal });
  const action: Action = { name: 'Phase1b', a, m: m1a };
  const reports = (x: { mbal: number; mval: Value | null }): string =>
    `<<${x.mbal}, ${val(r, x.mval)}>>`;
  if (!canPhase1b(s, a, bal)) {
    const earlier = logged !== null && s.maxBal[a] === bal
      ? oneBsOf(s, bal, a)[0] : undefined;
    const involved = [...ifSent(r, m1a), ...promiseOf(r, a), shown];
    if (earlier === undefined) {
      return refuse(r, refuseAction(context(r, involved), action, text, forced, null), forced);
    }
    return refuse(r, refuseClaimAction(context(r, involved), action, text, {
      conjunct: 'mbal |-> maxVBal[a], mval |-> maxVal[a]',
      why: `${acc(r, a)} already sent its 1b for ballot ${bal} at line ${earlier.line}, ` +
        `reporting ${reports(earlier.value)}; this one reports ${reports(shown)}`,
    }), forced);
  }
  return refuse(r, refuseAction(context(r, [m1a, shown]), action, text, forced, {
    conjunct: 'mbal |-> maxVBal[a], mval |-> maxVal[a]',
    why: `${acc(r, a)}'s latest vote is ${reports(reply)}, but its 1b reports ${reports(shown)}`,
  }), forced);
}

/** Phase2a(bal, v), and R2' (incremental) for the new proposal. */
export function phase2a(r: Run, bal: Ballot, v: Value): boolean {
  const s = r.s;
  const m2a = { type: '2a', bal, val: v } as const;
  const forced = (p: PaxosState): PaxosState => withMsg(p, m2a);
  const involved = (): Message[] => [...toSpecState(s).msgs.filter((m) => m.bal === bal
    && (m.type === '1b' || m.type === '2a')), m2a];
  const action: Action = { name: 'Phase2a', b: bal, v };
  const text = `Phase2a(${bal}, ${val(r, v)})`;
  if (!canPhase2a(s, bal, v)) {
    return refuse(r, refuseAction(context(r, involved()), action, text, forced, null), forced);
  }
  // R2' (incremental): only a new 2a can be a new "issued proposal"; compare it with the
  // chosen proposals below it. Implied by Inv3 and VotesSafe, so this is a safety net.
  const clash = s.chosen.find((c) => c.bal < bal && c.val !== v);
  if (clash !== undefined) {
    return refuse(r, refuseAction(context(r, involved()), action, text, forced,
      { conjunct: "R2'", why: `${val(r, clash.val)} was chosen in ballot ${clash.bal}` }), forced);
  }
  addMessage(s, m2a, r.line);
  r.steps++;
  return true;
}

/** Phase2b(a) on the 2a of (bal, v), then the properties a new vote can break. */
export function phase2b(r: Run, a: number, bal: Ballot, v: Value): boolean {
  const s = r.s;
  // Taken anyway, the vote leaves a promise above bal in place: a buggy acceptor votes without
  // lowering maxBal, and R1 then names the broken promise rather than a withdrawn one.
  const forced = (p: PaxosState): PaxosState => withAcceptor(
    withMsg(p, { type: '2b', acc: a, bal, val: v }), a,
    { maxBal: Math.max(bal, p.maxBal[a] as number), maxVBal: bal, maxVal: v });
  if (!canPhase2b(s, a, bal, v)) {
    const m2a = { type: '2a', bal, val: v } as const;
    const m2b = { type: '2b', acc: a, bal, val: v } as const;
    const involved = [...ifSent(r, m2a), ...promiseOf(r, a), m2b];
    return refuse(r, refuseAction(context(r, involved), { name: 'Phase2b', a, m: m2a },
      `Phase2b(${acc(r, a)}) on 2a(bal ${bal}, ${val(r, v)})`, forced, null), forced);
  }
  applyPhase2b(s, a, bal, v, r.line);
  r.steps++;
  return checkVotes(r, bal, v);
}

/**
 * OneValuePerBallot, Consistency and R2 after a new 2b(a, bal, v): only votes in bal changed,
 * and only (bal, v) can have become chosen, so these are the only places they can fail.
 */
function checkVotes(r: Run, bal: Ballot, v: Value): boolean {
  const other = otherVoteIn(r.s, bal, v);
  // s.chosen has one entry per chosen value: two entries are two values chosen, which breaks
  // Consistency, and R2 (a higher ballot choosing another value) with it.
  const split = r.s.chosen.length > 1;
  if (!other && !split) return true;
  const violation = firstViolation(constants(r), toSpecState(r.s), namesIn(r));
  if (violation === null) {
    throw new Error(`checker: incremental check disagrees with the spec at line ${r.line}`);
  }
  return reject(r, refuseClaim(context(r), violation.property, violation.summary, (p) => p),
    null);
}

/** A refusal where the spec's guard fails for a reason the mismatch explains better. */
function refuseClaimAction(c: RefusalContext, action: Action, text: string,
  why: { conjunct: string; why: string }): Rejection {
  return { ...refuseClaim(c, action.name, why.why, null), action: text, conjunct: why.conjunct };
}

/** The identity of a commit or reject, which msgs does not hold. */
function extraKey(m: Extract<TraceMessage, { type: 'commit' | 'reject' }>): string {
  return m.type === 'commit' ? `c:${m.val}:${m.bal}` : `r:${m.acc}:${m.bal}:${m.promised}`;
}
