/**
 * Variants of MultiPaxos-SMR (spec/multipaxos/smr.ts), each with one bug a Multi-Paxos
 * implementation could have (issue 8, section 4). Each replaces one action of the spec's
 * actions table, or adds one action, and leaves spec/ untouched; the checker must catch each
 * with a named property (multipaxos-mutants.test.ts). Each variant is the spec's own action run
 * on a state the bug misreads, with the bug's effect put back, so only the bug differs.
 * Left out: bugs the spec cannot express (crashes, lost state).
 */
import {
  actions, compareMessages, hasMessage, type Actions, type Message, type NodeState, type SmrConstants,
  type SmrState, isWrite, nil, numCommands, observe, removePending, sendAll, terminated,
  unseenPending,
} from '../../spec/multipaxos/smr.js';
import type { ExtraAction } from '../../src/checker/models/multipaxos.js';

/** The messages a step sent, from a state whose msgs were misread, sent on the real msgs. */
function resend(s: SmrState, misread: SmrState, next: SmrState): readonly Message[] {
  return sendAll(s.msgs, next.msgs.filter((m) => !hasMessage(misread.msgs, m)));
}

/** A new leader ignores the vote other replicas report for slot 1 (it trusts only its own). */
export const ignoresReportedVote: Actions = {
  ...actions,
  HandlePrepareReplies: (k, s, r) => {
    const misread: SmrState = {
      ...s,
      msgs: s.msgs.map((m) => (m.type === 'PrepareReply' && m.src !== r
        ? { ...m, votes: m.votes.map((v, j) => (j === 0 ? { bal: 0, cmd: nil } : v)) } : m))
        .sort(compareMessages),
    };
    const res = actions.HandlePrepareReplies(k, misread, r);
    return res.ok ? { ok: true, next: { ...res.next, msgs: resend(s, misread, res.next) } } : res;
  },
};

/** A leader assigns the next two pending commands to one slot: an Accept for each. */
export const twoCommandsOneSlot: Actions = {
  ...actions,
  TakeNewRequest: (k, s, r) => {
    const res = actions.TakeNewRequest(k, s, r);
    if (!res.ok) return res;
    const n = s.node[r]!;
    const second = unseenPending(s, n.insts)[1];
    const taken = res.next.msgs.find((m) => m.type === 'Accept' && !hasMessage(s.msgs, m));
    if (second === undefined || taken === undefined || taken.type !== 'Accept') return res;
    const extra: Message = { ...taken, cmd: second };
    return { ok: true, next: { ...res.next, msgs: sendAll(res.next.msgs, [extra]) } };
  },
};

/** A leader commits slot commitUpTo+1 on its own AcceptReply alone (a minority of three). */
export const commitsOnMinority: Actions = {
  ...actions,
  HandleAcceptReplies: (k, s, r) => {
    const n = s.node[r]!;
    const slot = n.commitUpTo + 1;
    const own = s.msgs.some((m) => m.type === 'AcceptReply' && m.src === r && m.slot === slot &&
      m.bal === n.balPrepared);
    if (!own) return actions.HandleAcceptReplies(k, s, r);
    const fake: Message[] = s.node.map((_, src) =>
      ({ type: 'AcceptReply', src, bal: n.balPrepared, slot }));
    const misread: SmrState = { ...s, msgs: sendAll(s.msgs, fake) };
    const res = actions.HandleAcceptReplies(k, misread, r);
    return res.ok ? { ok: true, next: { ...res.next, msgs: resend(s, misread, res.next) } } : res;
  },
};

/**
 * A leader that prepared a ballot keeps taking new requests without phase 1 after it has seen a
 * higher ballot (and followed its leader): it proposes in that higher ballot, unprepared.
 */
export const skipsPhase1AfterHigherBallot: Actions = {
  ...actions,
  TakeNewRequest: (k, s, r) => {
    const n = s.node[r]!;
    if (n.balPrepared === 0 || (n.leader === r && n.balPrepared === n.balMaxKnown)) {
      return actions.TakeNewRequest(k, s, r);
    }
    const node = s.node.slice();
    node[r] = { ...n, leader: r, balPrepared: n.balMaxKnown };
    const res = actions.TakeNewRequest(k, { ...s, node }, r);
    if (!res.ok) return res;
    const after = res.next.node.slice();
    after[r] = { ...(after[r] as NodeState), leader: n.leader, balPrepared: n.balPrepared };
    return { ok: true, next: { ...res.next, node: after } };
  },
};

/** A leader commits slot commitUpTo+2 (if a majority accepted it) before slot commitUpTo+1. */
export const commitsOutOfOrder: Actions = {
  ...actions,
  HandleAcceptReplies: (k, s, r) => {
    const n = s.node[r]!;
    if (n.commitUpTo + 2 > numCommands(k)) return actions.HandleAcceptReplies(k, s, r);
    const node = s.node.slice();
    node[r] = { ...n, commitUpTo: n.commitUpTo + 1 };
    const res = actions.HandleAcceptReplies(k, { ...s, node }, r);
    return res.ok ? res : actions.HandleAcceptReplies(k, s, r);
  },
};

/** Any replica answers the first pending read from its own kvalue, bypassing the log. */
export const localRead: ExtraAction = {
  name: 'LocalRead',
  steps: (k: SmrConstants, s: SmrState) => {
    if (terminated(k, s)) return [];
    const c = s.pending.find((x) => !isWrite(k, x));
    if (c === undefined) return [];
    return s.node.flatMap((n, r) => (s.pc[r] !== 'rloop' ? [] : [{
      what: `LocalRead(s${r + 1}, r${c - k.writes + 1})`,
      next: {
        ...s,
        pending: removePending(s, c),
        observed: observe(observe(s.observed, { type: 'Req', cmd: c }),
          { type: 'Ack', cmd: c, val: n.kvalue }),
      },
    }]));
  },
};
