/**
 * MultiPaxos-SMR: Guanzhou Hu's `MultiPaxos.tla` (tlaplus/Examples,
 * specifications/MultiPaxos-SMR), transcribed into TypeScript macro by macro. Declarations are
 * in smr-types.ts, the define block and shared helpers in smr-define.ts, the checked properties
 * (TypeOK, Linearizability, and ours) in smr-properties.ts; docs/multipaxos-spec.md has the
 * correspondence table.
 *
 * What it models: replicas that each keep a log of slots, one per client command. A replica
 * becomes leader by starting a ballot with ONE Prepare for all slots; the replies carry every
 * slot's vote; once a majority replied the leader re-proposes the highest voted command of each
 * slot and, being "prepared", fills new slots from the pending requests without phase 1. Slots
 * are accepted in parallel but committed and applied in order; followers learn commits from
 * CommitNotice messages. A one-key KV store is the state machine; clients' requests and
 * acknowledgements are recorded in `observed`, and Linearizability is judged on it at the end.
 *
 * The PlusCal semantics kept exactly (each changes TLC's counts; shared/tla/README.md):
 *  - every action is a step of process `Replica(self)` at label `rloop`, enabled only while
 *    pc[self] = "rloop" and ~terminated; once `terminated` holds, each replica takes its own
 *    step to pc = "Done", and when all are Done `Terminating` stutters (one generated state);
 *  - pending has a fixed order (InitPending), TakeNewRequest takes its head among the commands
 *    not yet in the leader's log, and the first empty slot;
 *  - ballots are unique: BecomeLeader(b) needs no Prepare with ballot b in msgs;
 *  - accept replies and commit notices act only on slot commitUpTo + 1;
 *  - BecomeLeader sends the leader's own PrepareReply and TakeNewRequest its own AcceptReply,
 *    but HandlePrepareReplies sends only the Accepts (the leader votes for them later, through
 *    HandleAccept on its own Accept, like any replica);
 *  - BecomeLeader and HandlePrepare turn Accepting slots back into Preparing.
 *
 * Every action exists once, in test form: given a state and the action's parameters (the
 * replica `self` and the witness of its `with`), it returns the next state or names the
 * conjunct that fails. The enumerate form (`enabledSteps`) applies it to every parameter, so
 * the two cannot disagree. An `Actions` table lets a test replace one action (a mutant).
 *
 * Left out, as in the module: crashes (a replica never loses state), leases and local reads.
 */
import { at } from '../at.js';
import {
  type AcceptMsg, type Ballot, type ClientEvent, type Command, type CommitNoticeMsg,
  type Inst, type Message, type Nil, type NodeState, type PrepareMsg, type PrepareReplyMsg,
  type Replica, type SmrConstants, type SmrState, type Status,
  commandName, hasMessage, majorityNum, nil, numCommands, replicaName, sendAll,
} from './smr-types.js';

export * from './smr-types.js';
export {
  unseenPending, removePending, reqsMade, acksRecv, terminated, votesByNode, firstEmptySlot,
  peakVotedCmd, observe,
} from './smr-define.js';
import {
  commitNext, firstEmptySlot, observe, peakVotedCmd, removePending, reprepared, terminated,
  unseenPending, votesByNode, withInst, withNode,
} from './smr-define.js';

// ---------------------------------------------------------------------------------------------
// Steps.
// ---------------------------------------------------------------------------------------------

/** One step of Next: the action, the replica `self` and the witness of its `with`. */
export type Action =
  | { readonly name: 'BecomeLeader'; readonly r: Replica; readonly b: Ballot }
  | { readonly name: 'HandlePrepare'; readonly r: Replica; readonly m: PrepareMsg }
  | { readonly name: 'HandlePrepareReplies'; readonly r: Replica }
  | { readonly name: 'TakeNewRequest'; readonly r: Replica }
  | { readonly name: 'HandleAccept'; readonly r: Replica; readonly m: AcceptMsg }
  | { readonly name: 'HandleAcceptReplies'; readonly r: Replica }
  | { readonly name: 'HandleCommitNotice'; readonly r: Replica; readonly m: CommitNoticeMsg }
  | { readonly name: 'Finish'; readonly r: Replica }
  | { readonly name: 'Terminating' };

export type ActionName = Action['name'];

export type StepResult =
  | { readonly ok: true; readonly next: SmrState }
  | { readonly ok: false; readonly conjunct: string; readonly why: string };

const refuse = (conjunct: string, why: string): StepResult => ({ ok: false, conjunct, why });

/**
 * rloop's guard, common to every replica action: pc[self] = "rloop" and the THEN branch of
 * `IF ~terminated`. Null when it holds.
 */
function inLoop(k: SmrConstants, s: SmrState, r: Replica): StepResult | null {
  if (!(r >= 0 && r < k.replicas)) return refuse('self \\in Replicas', `${r} is not a replica`);
  if (s.pc[r] !== 'rloop') return refuse('pc[self] = "rloop"', `${replicaName(r)} is Done`);
  if (terminated(k, s)) {
    return refuse('~terminated', 'every command was requested and answered: the loop exits');
  }
  return null;
}

/**
 * BecomeLeader(r), with b the ballot chosen. Who: replica r, when it does not think it leads.
 * Enabled: b is above every ballot r has seen and no Prepare of b was ever sent (a stand-in
 * for ballots unique per proposer). Does: r leads ballot b, unprepared; its Accepting slots
 * go back to Preparing; it sends Prepare(b) for all slots at once and, instantly, its own
 * PrepareReply. Why: one phase 1 for the whole log is what lets a stable leader skip it.
 */
export function BecomeLeader(k: SmrConstants, s: SmrState, r: Replica, b: Ballot): StepResult {
  const guard = inLoop(k, s, r);
  if (guard !== null) return guard;
  const n = at(s.node, r, 'node');
  if (n.leader === r) return refuse('node[self].leader # self', `${replicaName(r)} already leads`);
  if (!(Number.isInteger(b) && b >= 1 && b <= k.maxBallot)) {
    return refuse('b \\in Ballots', `ballot ${b} is not in 1..${k.maxBallot}`);
  }
  if (!(b > n.balMaxKnown)) {
    return refuse('b > node[self].balMaxKnown',
      `${replicaName(r)} has seen ballot ${n.balMaxKnown}, not below ${b}`);
  }
  if (s.msgs.some((m) => m.type === 'Prepare' && m.bal === b)) {
    return refuse('~\\E m \\in msgs: (m.type = "Prepare") /\\ (m.bal = b)',
      `ballot ${b} was already started`);
  }
  const next: NodeState = {
    ...n, leader: r, balPrepared: 0, balMaxKnown: b, insts: n.insts.map(reprepared),
  };
  const sent: Message[] = [
    { type: 'Prepare', src: r, bal: b },
    { type: 'PrepareReply', src: r, bal: b, votes: votesByNode(next) },
  ];
  return { ok: true, next: { ...s, node: withNode(s, r, next), msgs: sendAll(s.msgs, sent) } };
}

/**
 * HandlePrepare(r), with m the Prepare it answers. Who: any replica. Enabled: m's ballot is
 * above every ballot r has seen. Does: r follows m's sender in that ballot, turns its
 * Accepting slots back to Preparing, and replies with its vote in every slot (a promise for
 * all slots at once). Why: the reply's votes are what make the new leader's proposals safe.
 */
export function HandlePrepare(k: SmrConstants, s: SmrState, r: Replica, m: PrepareMsg): StepResult {
  const guard = inLoop(k, s, r);
  if (guard !== null) return guard;
  if (!hasMessage(s.msgs, m)) return refuse('m \\in msgs', `Prepare(bal ${m.bal}) was not sent`);
  if (m.type !== 'Prepare') return refuse('m.type = "Prepare"', 'not a Prepare message');
  const n = at(s.node, r, 'node');
  if (!(m.bal > n.balMaxKnown)) {
    return refuse('m.bal > node[self].balMaxKnown',
      `${replicaName(r)} has seen ballot ${n.balMaxKnown}, so it ignores Prepare(bal ${m.bal})`);
  }
  const next: NodeState = {
    ...n, leader: m.src, balMaxKnown: m.bal, insts: n.insts.map(reprepared),
  };
  const reply: Message = { type: 'PrepareReply', src: r, bal: m.bal, votes: votesByNode(next) };
  return { ok: true, next: { ...s, node: withNode(s, r, next), msgs: sendAll(s.msgs, [reply]) } };
}

/**
 * HandlePrepareReplies(r). Who: a leader still preparing (balPrepared = 0). Enabled: at least
 * MajorityNum PrepareReplies of its ballot are in msgs. Does: marks the ballot prepared; in
 * every slot takes the highest voted command the replies report (PeakVotedCmd); a slot that
 * was Preparing, or Empty with a reported vote, becomes Accepting; and sends an Accept for
 * every Accepting slot. Why: this is Paxos's phase 2a rule (P2c) applied to every slot at once.
 */
export function HandlePrepareReplies(k: SmrConstants, s: SmrState, r: Replica): StepResult {
  const guard = inLoop(k, s, r);
  if (guard !== null) return guard;
  const n = at(s.node, r, 'node');
  if (n.leader !== r) return refuse('node[self].leader = self', `${replicaName(r)} does not lead`);
  if (n.balPrepared !== 0) {
    return refuse('node[self].balPrepared = 0', `ballot ${n.balPrepared} is already prepared`);
  }
  const prs = s.msgs.filter((m): m is PrepareReplyMsg =>
    m.type === 'PrepareReply' && m.bal === n.balMaxKnown);
  if (!(prs.length >= majorityNum(k))) {
    return refuse('Cardinality(prs) >= MajorityNum',
      `${prs.length} PrepareReplies for ballot ${n.balMaxKnown}, ${majorityNum(k)} needed`);
  }
  const insts = n.insts.map((i, j): Inst => {
    const peak = peakVotedCmd(prs, j + 1);
    const accepting = i.status === 'Preparing' || (i.status === 'Empty' && peak !== nil);
    return { ...i, status: accepting ? 'Accepting' : i.status, cmd: peak };
  });
  const next: NodeState = { ...n, balPrepared: n.balMaxKnown, insts };
  const accepts: Message[] = [];
  insts.forEach((i, j) => {
    if (i.status === 'Accepting') {
      accepts.push({ type: 'Accept', src: r, bal: next.balPrepared, slot: j + 1, cmd: i.cmd });
    }
  });
  return {
    ok: true, next: { ...s, node: withNode(s, r, next), msgs: sendAll(s.msgs, accepts) },
  };
}

/**
 * TakeNewRequest(r). Who: a prepared leader (balPrepared = balMaxKnown): the stable leader.
 * Enabled: its log has an Empty slot and some pending command is not in its log yet. Does:
 * puts the first such command in the first Empty slot, votes for it itself, sends the Accept
 * and its own AcceptReply, and records the client's request. Why: no phase 1 per command —
 * the ballot's phase 1 already covered every slot, including this one.
 */
export function TakeNewRequest(k: SmrConstants, s: SmrState, r: Replica): StepResult {
  const guard = inLoop(k, s, r);
  if (guard !== null) return guard;
  const n = at(s.node, r, 'node');
  if (n.leader !== r) return refuse('node[self].leader = self', `${replicaName(r)} does not lead`);
  if (n.balPrepared !== n.balMaxKnown) {
    return refuse('node[self].balPrepared = node[self].balMaxKnown',
      `${replicaName(r)} has not prepared ballot ${n.balMaxKnown}`);
  }
  if (!n.insts.some((i) => i.status === 'Empty')) {
    return refuse('\\E s \\in Slots: node[self].insts[s].status = "Empty"', 'the log is full');
  }
  const unseen = unseenPending(s, n.insts);
  if (unseen.length === 0) {
    return refuse('Len(UnseenPending(node[self].insts)) > 0',
      'every pending command is in the log');
  }
  const slot = firstEmptySlot(n.insts);
  const c = at(unseen, 0, 'unseen');
  const b = n.balPrepared;
  const next: NodeState = {
    ...n, insts: withInst(n.insts, slot, { status: 'Accepting', cmd: c, voted: { bal: b,
      cmd: c } }),
  };
  const sent: Message[] = [
    { type: 'Accept', src: r, bal: b, slot, cmd: c },
    { type: 'AcceptReply', src: r, bal: b, slot },
  ];
  return {
    ok: true,
    next: {
      ...s, node: withNode(s, r, next), msgs: sendAll(s.msgs, sent),
      observed: observe(s.observed, { type: 'Req', cmd: c }),
    },
  };
}

/**
 * HandleAccept(r), with m the Accept it answers. Who: any replica, the leader included (on its
 * own Accepts from HandlePrepareReplies). Enabled: m's ballot is at least every ballot r has
 * seen and above r's vote in m's slot. Does: follows m's sender, votes for m's command in the
 * slot (status Accepting) and sends an AcceptReply. Why: Paxos's phase 2b, slot by slot.
 */
export function HandleAccept(k: SmrConstants, s: SmrState, r: Replica, m: AcceptMsg): StepResult {
  const guard = inLoop(k, s, r);
  if (guard !== null) return guard;
  if (!hasMessage(s.msgs, m)) return refuse('m \\in msgs', `Accept(bal ${m.bal}, slot ${m.slot}) ` +
    `was not sent`);
  if (m.type !== 'Accept') return refuse('m.type = "Accept"', 'not an Accept message');
  const n = at(s.node, r, 'node');
  if (!(m.bal >= n.balMaxKnown)) {
    return refuse('m.bal >= node[self].balMaxKnown',
      `${replicaName(r)} has seen ballot ${n.balMaxKnown}, above the Accept's ${m.bal}`);
  }
  const voted = at(n.insts, m.slot - 1, 'insts').voted;
  if (!(m.bal > voted.bal)) {
    return refuse('m.bal > node[self].insts[m.slot].voted.bal',
      `${replicaName(r)} already voted in ballot ${voted.bal} for slot ${m.slot}`);
  }
  const inst: Inst = { status: 'Accepting', cmd: m.cmd, voted: { bal: m.bal, cmd: m.cmd } };
  const next: NodeState = {
    ...n, leader: m.src, balMaxKnown: m.bal, insts: withInst(n.insts, m.slot, inst),
  };
  const reply: Message = { type: 'AcceptReply', src: r, bal: m.bal, slot: m.slot };
  return { ok: true, next: { ...s, node: withNode(s, r, next), msgs: sendAll(s.msgs, [reply]) } };
}

/** The enabling conjuncts both commits share: the next slot is Accepting. Null when they hold. */
function nextSlotAccepting(k: SmrConstants, n: NodeState): StepResult | null {
  if (!(n.commitUpTo < numCommands(k))) {
    return refuse('node[self].commitUpTo < NumCommands', 'every slot is committed');
  }
  const status: Status = at(n.insts, n.commitUpTo, 'insts').status;
  if (status !== 'Accepting') {
    return refuse('node[self].insts[node[self].commitUpTo+1].status = "Accepting"',
      `slot ${n.commitUpTo + 1} is ${status}`);
  }
  return null;
}

/**
 * HandleAcceptReplies(r). Who: a prepared leader. Enabled: slot commitUpTo + 1 is Accepting
 * and a majority sent AcceptReplies for it in the prepared ballot. Does: commits the slot,
 * applies its command to the KV (a write sets the value), acknowledges the client with the
 * value before the command, drops it from pending and sends CommitNotice. Why: a majority's
 * votes in one ballot make the command chosen; in-order commit keeps every applied prefix a
 * prefix of the one chosen log.
 */
export function HandleAcceptReplies(k: SmrConstants, s: SmrState, r: Replica): StepResult {
  const guard = inLoop(k, s, r);
  if (guard !== null) return guard;
  const n = at(s.node, r, 'node');
  if (n.leader !== r) return refuse('node[self].leader = self', `${replicaName(r)} does not lead`);
  if (n.balPrepared !== n.balMaxKnown) {
    return refuse('node[self].balPrepared = node[self].balMaxKnown',
      `${replicaName(r)} has not prepared ballot ${n.balMaxKnown}`);
  }
  const accepting = nextSlotAccepting(k, n);
  if (accepting !== null) return accepting;
  const slot = n.commitUpTo + 1;
  const c = at(n.insts, slot - 1, 'insts').cmd;
  const ars = s.msgs.filter((m) =>
    m.type === 'AcceptReply' && m.slot === slot && m.bal === n.balPrepared);
  if (!(ars.length >= majorityNum(k))) {
    return refuse('Cardinality(ars) >= MajorityNum',
      `${ars.length} AcceptReplies for slot ${slot} in ballot ${n.balPrepared}, ` +
      `${majorityNum(k)} needed`);
  }
  const notice: Message = { type: 'CommitNotice', upto: slot };
  const ack: ClientEvent = { type: 'Ack', cmd: c as Command, val: n.kvalue };
  return {
    ok: true,
    next: {
      msgs: sendAll(s.msgs, [notice]),
      node: withNode(s, r, commitNext(k, n)),
      pending: removePending(s, c),
      observed: observe(s.observed, ack),
      pc: s.pc,
    },
  };
}

/**
 * HandleCommitNotice(r), with m the notice. Who: a replica that does not lead. Enabled: slot
 * commitUpTo + 1 is Accepting and m says it is committed. Does: commits and applies the
 * slot's command as it holds it. Why: followers learn the chosen log without counting votes.
 */
export function HandleCommitNotice(
  k: SmrConstants, s: SmrState, r: Replica, m: CommitNoticeMsg,
): StepResult {
  const guard = inLoop(k, s, r);
  if (guard !== null) return guard;
  const n = at(s.node, r, 'node');
  if (n.leader === r) return refuse('node[self].leader # self', `${replicaName(r)} leads`);
  const accepting = nextSlotAccepting(k, n);
  if (accepting !== null) return accepting;
  if (!hasMessage(s.msgs, m)) return refuse('m \\in msgs', `CommitNotice(${m.upto}) was not sent`);
  if (m.type !== 'CommitNotice') return refuse('m.type = "CommitNotice"', 'not a CommitNotice');
  if (m.upto !== n.commitUpTo + 1) {
    return refuse('m.upto = s', `the notice is for slot ${m.upto}, not ${n.commitUpTo + 1}`);
  }
  return { ok: true, next: { ...s, node: withNode(s, r, commitNext(k, n)) } };
}

/**
 * Finish(r): rloop's ELSE branch. Who: each replica, on its own. Enabled: pc[r] = "rloop" and
 * terminated. Does: pc[r] := "Done". Why: PlusCal's translation; each such step is a state.
 */
export function Finish(k: SmrConstants, s: SmrState, r: Replica): StepResult {
  if (!(r >= 0 && r < k.replicas)) return refuse('self \\in Replicas', `${r} is not a replica`);
  if (s.pc[r] !== 'rloop') return refuse('pc[self] = "rloop"', `${replicaName(r)} is Done`);
  if (!terminated(k, s)) return refuse('terminated', 'some command is pending or unanswered');
  const pc = s.pc.slice();
  pc[r] = 'Done';
  return { ok: true, next: { ...s, pc } };
}

/** Terminating: once every replica is Done, the state may stutter forever (no deadlock). */
export function Terminating(_k: SmrConstants, s: SmrState): StepResult {
  if (!s.pc.every((p) => p === 'Done')) {
    return refuse('\\A self \\in ProcSet: pc[self] = "Done"', 'some replica is still running');
  }
  return { ok: true, next: s };
}

/** The actions by name, so a variant of the spec (a mutant) can replace one of them. */
export interface Actions {
  readonly BecomeLeader: typeof BecomeLeader;
  readonly HandlePrepare: typeof HandlePrepare;
  readonly HandlePrepareReplies: typeof HandlePrepareReplies;
  readonly TakeNewRequest: typeof TakeNewRequest;
  readonly HandleAccept: typeof HandleAccept;
  readonly HandleAcceptReplies: typeof HandleAcceptReplies;
  readonly HandleCommitNotice: typeof HandleCommitNotice;
  readonly Finish: typeof Finish;
  readonly Terminating: typeof Terminating;
}

export const actions: Actions = {
  BecomeLeader, HandlePrepare, HandlePrepareReplies, TakeNewRequest, HandleAccept,
  HandleAcceptReplies, HandleCommitNotice, Finish, Terminating,
};

/** Tests one step of Next: the test form. */
export function testStep(
  k: SmrConstants, s: SmrState, act: Action, impl: Actions = actions,
): StepResult {
  switch (act.name) {
    case 'BecomeLeader': return impl.BecomeLeader(k, s, act.r, act.b);
    case 'HandlePrepare': return impl.HandlePrepare(k, s, act.r, act.m);
    case 'HandlePrepareReplies': return impl.HandlePrepareReplies(k, s, act.r);
    case 'TakeNewRequest': return impl.TakeNewRequest(k, s, act.r);
    case 'HandleAccept': return impl.HandleAccept(k, s, act.r, act.m);
    case 'HandleAcceptReplies': return impl.HandleAcceptReplies(k, s, act.r);
    case 'HandleCommitNotice': return impl.HandleCommitNotice(k, s, act.r, act.m);
    case 'Finish': return impl.Finish(k, s, act.r);
    case 'Terminating': return impl.Terminating(k, s);
  }
}

export interface Step {
  readonly action: Action;
  readonly next: SmrState;
}

/**
 * The instances of every action from s, in the order of the translation's Next: for each
 * replica the seven disjuncts of rloop (ballots, then messages in msgs' order), then its ELSE
 * branch; then Terminating. Each instance is one witness of TLC's existentials, so each
 * enabled one is exactly one state TLC generates.
 */
export function candidateActions(k: SmrConstants, s: SmrState): Action[] {
  const acts: Action[] = [];
  for (let r = 0; r < k.replicas; r++) {
    for (let b = 1; b <= k.maxBallot; b++) acts.push({ name: 'BecomeLeader', r, b });
    for (const m of s.msgs) if (m.type === 'Prepare') acts.push({ name: 'HandlePrepare', r, m });
    acts.push({ name: 'HandlePrepareReplies', r }, { name: 'TakeNewRequest', r });
    for (const m of s.msgs) if (m.type === 'Accept') acts.push({ name: 'HandleAccept', r, m });
    acts.push({ name: 'HandleAcceptReplies', r });
    for (const m of s.msgs) {
      if (m.type === 'CommitNotice') acts.push({ name: 'HandleCommitNotice', r, m });
    }
    acts.push({ name: 'Finish', r });
  }
  acts.push({ name: 'Terminating' });
  return acts;
}

/** Next, in enumerate form: every enabled step from s. */
export function enabledSteps(k: SmrConstants, s: SmrState, impl: Actions = actions): Step[] {
  const steps: Step[] = [];
  for (const action of candidateActions(k, s)) {
    const r = testStep(k, s, action, impl);
    if (r.ok) steps.push({ action, next: r.next });
  }
  return steps;
}

/** A step written for people: HandleAccept(s2) on Accept(s1, bal 1, slot 1, w1). */
export function describeAction(k: SmrConstants, a: Action): string {
  switch (a.name) {
    case 'BecomeLeader': return `BecomeLeader(${replicaName(a.r)}, bal ${a.b})`;
    case 'HandlePrepare': return `HandlePrepare(${replicaName(a.r)}) on ${showMessage(k, a.m)}`;
    case 'HandleAccept': return `HandleAccept(${replicaName(a.r)}) on ${showMessage(k, a.m)}`;
    case 'HandleCommitNotice':
      return `HandleCommitNotice(${replicaName(a.r)}) on ${showMessage(k, a.m)}`;
    case 'Terminating': return 'Terminating';
    default: return `${a.name}(${replicaName(a.r)})`;
  }
}

/** A message written for people. */
export function showMessage(k: SmrConstants, m: Message): string {
  const cmd = (c: Command | Nil): string => commandName(k, c);
  switch (m.type) {
    case 'Prepare': return `Prepare(${replicaName(m.src)}, bal ${m.bal})`;
    case 'PrepareReply': {
      const votes = m.votes.map((v) => (v.bal === 0 ? '-' : `${v.bal}:${cmd(v.cmd)}`)).join(' ');
      return `PrepareReply(${replicaName(m.src)}, bal ${m.bal}, votes [${votes}])`;
    }
    case 'Accept':
      return `Accept(${replicaName(m.src)}, bal ${m.bal}, slot ${m.slot}, ${cmd(m.cmd)})`;
    case 'AcceptReply': return `AcceptReply(${replicaName(m.src)}, bal ${m.bal}, slot ${m.slot})`;
    case 'CommitNotice': return `CommitNotice(${m.upto})`;
  }
}
