/**
 * The trace checker for fully logged traces: each event is mapped onto the spec action it
 * claims, the action's enabling conditions are tested on the incremental spec state
 * (state.ts), and the step is taken. The mapping (docs/trace-format.md), with the file under
 * rules/ that holds each rule:
 *
 *   send 1a/1b/2a/2b   Phase1a/Phase1b/Phase2a/Phase2b, or a retransmission   actions.ts
 *   recv               the message is in msgs                                  actions.ts
 *   learn, commit      the value is chosen;  reject: the acceptor had promised claims.ts
 *   persist            the durable half of Phase1b or Phase2b, or nothing new  durable.ts
 *   a 1b or 2b sent    covered by the acceptor's last persist                  durable.ts
 *   crash/restart      a crashed node does nothing; a restart recovers its durable state
 *                                                                              durable.ts
 *   invoke/return      one call at a time per client; a returned value is chosen  clients.ts
 *   2a, learn, commit  justified by what the node received (when logged)       justified.ts
 *
 * Properties. Every state reached by these steps from Init is reachable in Paxos.tla, so by the
 * spec's invariance theorem (Paxos.tla's THEOREM Invariance, Voting's VotesSafe and
 * OneValuePerBallot) all the named state properties hold in it; R1 is the Phase2b guard plus
 * "maxBal never decreases", which every action here keeps. The checker therefore evaluates only
 * what an event can change, as a second line of defence: on a new 2b, OneValuePerBallot in its
 * ballot and Consistency/R2 over the chosen proposals; on a new 2a, R2' against the chosen ones.
 * The rest are evaluated in full (spec/properties.ts; safety.ts for the SafeAt ones) when a
 * line is refused, to name what it breaks (judge.ts), and after every step with
 * `fullProperties` (small traces, and the test that cross-checks this file against the spec on
 * random traces).
 *
 * This file holds the checker's interface and the dispatch of each event to its rules; the state
 * they share is rules/context.ts's. Left out here: hidden steps. A partial trace goes to
 * partial.ts.
 */
import type { PaxosState } from '../../spec/paxos.js';
import { stepProperties } from '../../spec/properties.js';
import type { Cluster, Event, NameTable } from './events.js';
import { ballotName, refuseClaim, type Rejection } from './judge.js';
import { createReceipts } from './received.js';
import { firstViolation } from './safety.js';
import { toSpecState, type TraceState } from './state.js';
import { recv, send } from './rules/actions.js';
import { claimChosen } from './rules/claims.js';
import { clientCall, clientCrash, clientRestart, createClients } from './rules/clients.js';
import { constants, context, createRun, namesIn, nodeName, reject, valueName,
  type Run } from './rules/context.js';
import { alive, covered, crash, createDurable, persist, restart } from './rules/durable.js';
import { learnedBy, sentBy } from './rules/justified.js';

export interface CheckOptions {
  /** After a rejection, take the step anyway and go on, up to this many rejections (default 1). */
  readonly rejectionsMax?: number;
  /** Evaluate every named property on the full state after every step (slow; small traces). */
  readonly fullProperties?: boolean;
}

export interface CheckSummary {
  readonly events: number;
  /** Spec actions taken (Phase1a/1b/2a/2b). */
  readonly steps: number;
  /** Sends of messages already in msgs. */
  readonly retransmissions: number;
  /** |msgs| at the end. */
  readonly messages: number;
  /** The values chosen: the ballot as the spec numbers it and as the trace wrote it. */
  readonly chosen: readonly { readonly value: string; readonly ballot: number;
    readonly ballotText?: string; readonly line: number }[];
  readonly rejections: readonly Rejection[];
}

export interface Checker {
  /** Checks one event; false when the checker has its verdict and wants no more. */
  readonly event: (e: Event, line: number) => boolean;
  readonly summary: () => CheckSummary;
  readonly state: () => TraceState;
  /** Distinct commit and reject messages held (outside the spec state), for run.ts's limit. */
  readonly extras: () => number;
}

export function createChecker(cluster: Cluster, table: NameTable,
  options: CheckOptions = {}): Checker {
  const r = createRun(cluster, table, options.rejectionsMax ?? 1);
  const durable = createDurable(cluster.acceptors.length);
  const clients = createClients();
  /** What each node received, when the header says receives are logged (received.ts). */
  const receipts = cluster.header.receives === true ? createReceipts(cluster.quorums) : null;
  let events = 0;

  const dispatch = (e: Event): boolean => {
    switch (e.kind) {
      case 'send':
        return alive(r, durable, e.node) && covered(r, durable, e.msg)
          && send(r, e.node, e.msg) && sentBy(r, receipts, e.node, e.msg);
      case 'recv':
        if (!alive(r, durable, e.node) || !recv(r, e.node, e.msg)) return false;
        receipts?.receive(e.node, e.msg, r.line);
        return true;
      case 'persist': return alive(r, durable, e.node) && persist(r, durable, e.node, e.state);
      case 'learn': return alive(r, durable, e.node) && claimChosen(r, 'learn',
        () => `${nodeName(r, e.node)} learned ${valueName(r, e.val)}`, e.val, e.bal)
        && learnedBy(r, receipts, e.node, e.val, e.bal);
      case 'invoke': case 'return': return clientCall(r, clients, e);
      case 'crash': return crash(r, durable, e.node);
      case 'restart': return restart(r, durable, e.node, e.state);
      case 'client-crash': return clientCrash(r, clients, e.client);
      case 'client-restart': return clientRestart(clients, e.client);
    }
  };

  return {
    event: (e, lineNo) => {
      r.line = lineNo;
      events++;
      const before = options.fullProperties === true ? toSpecState(r.s) : null;
      const ok = dispatch(e) && (before === null || fullCheck(r, before));
      return ok || r.rejections.length < r.rejectionsMax;
    },
    summary: () => ({
      events, steps: r.steps, retransmissions: r.retransmissions, messages: r.s.size,
      chosen: r.s.chosen.map((c) => ({ value: valueName(r, c.val), ballot: c.bal,
        ballotText: ballotName(cluster, c.bal), line: c.line })),
      rejections: r.rejections,
    }),
    state: () => r.s,
    extras: () => r.sentExtras.size,
  };
}

/** Every named property after a step (`fullProperties`): the step ones, then the state ones. */
function fullCheck(r: Run, before: PaxosState): boolean {
  const after = toSpecState(r.s);
  const n = namesIn(r);
  const k = constants(r);
  const v = stepProperties.map((p) => p.check(k, before, after, n)).find((x) => x !== null)
    ?? firstViolation(k, after, n);
  if (v === null || v === undefined) return true;
  return reject(r, refuseClaim(context(r), v.property, v.summary, (p) => p), null);
}
