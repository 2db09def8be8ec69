/**
 * MultiPaxos-SMR's define block and the helpers its macros share (`MultiPaxos.tla`, above the
 * process): the operators the actions in smr.ts are written with, and the state updates two or
 * more actions make the same way. Split out of smr.ts so that file holds the actions alone;
 * smr.ts re-exports the operators, so importers see one module. Left out: nothing of the block.
 */
import { at } from '../at.js';
import {
  type ClientEvent, type Command, type Inst, type Nil, type NodeState, type PrepareReplyMsg,
  type Replica, type SmrConstants, type SmrState, type Vote, isWrite, nil, numCommands, sameEvent,
} from './smr-types.js';

/** UnseenPending(insts): the pending commands not in any slot of this log, in order. */
export function unseenPending(s: SmrState, insts: readonly Inst[]): readonly Command[] {
  return s.pending.filter((c) => !insts.some((i) => i.cmd === c));
}

/** RemovePending(cmd): pending without cmd. */
export const removePending = (s: SmrState, cmd: Command | Nil): readonly Command[] =>
  s.pending.filter((c) => c !== cmd);

/** reqsMade, acksRecv: the commands with a Req (Ack) event in observed. */
export function reqsMade(s: SmrState): ReadonlySet<Command> {
  return new Set(s.observed.filter((e) => e.type === 'Req').map((e) => e.cmd));
}
export function acksRecv(s: SmrState): ReadonlySet<Command> {
  return new Set(s.observed.filter((e) => e.type === 'Ack').map((e) => e.cmd));
}

/** terminated: nothing pending, and every command both requested and acknowledged. */
export function terminated(k: SmrConstants, s: SmrState): boolean {
  return s.pending.length === 0 && reqsMade(s).size === numCommands(k) &&
    acksRecv(s).size === numCommands(k);
}

/** VotesByNode(n): the node's vote in every slot, as a PrepareReply carries them. */
export const votesByNode = (n: NodeState): readonly Vote[] => n.insts.map((i) => i.voted);

/** FirstEmptySlot(insts): the lowest Empty slot (every slot below it is non-Empty). */
export function firstEmptySlot(insts: readonly Inst[]): number {
  return insts.findIndex((i) => i.status === 'Empty') + 1;
}

/**
 * PeakVotedCmd(prs, s): the command of the highest-ballot vote any reply reports for slot s,
 * or "nil" when none reports a vote. The module CHOOSEs among (bal, cmd) pairs; ballots are
 * unique per leader and a leader proposes one command per slot, so in the spec the choice is
 * unique (the mutants may create ties: the lowest command id is taken, deterministically).
 */
export function peakVotedCmd(prs: readonly PrepareReplyMsg[], slot: number): Command | Nil {
  let best: Vote | null = null;
  for (const pr of prs) {
    const v = at(pr.votes, slot - 1, 'votes');
    if (v.bal === 0) continue;
    if (v.cmd === nil) {
      // CHOOSE over Ballots \X Commands has no witness for a vote without a command.
      throw new Error(`PeakVotedCmd: a vote in ballot ${v.bal} for slot ${slot} has no command`);
    }
    if (best === null || v.bal > best.bal || (v.bal === best.bal && v.cmd < (best.cmd ?? 0))) {
      best = v;
    }
  }
  return best === null ? nil : best.cmd;
}

/** Observe(e): append e to observed unless it is already there. */
export function observe(observed: readonly ClientEvent[], e: ClientEvent): readonly ClientEvent[] {
  return observed.some((x) => sameEvent(x, e)) ? observed : [...observed, e];
}

/** A slot's status with "Accepting" turned back into "Preparing" (a new ballot began). */
export const reprepared = (i: Inst): Inst =>
  (i.status === 'Accepting' ? { ...i, status: 'Preparing' } : i);

export function withNode(s: SmrState, r: Replica, n: NodeState): readonly NodeState[] {
  const node = s.node.slice();
  node[r] = n;
  return node;
}

export function withInst(insts: readonly Inst[], slot: number, i: Inst): readonly Inst[] {
  const next = insts.slice();
  next[slot - 1] = i;
  return next;
}

/** Commits slot s at node n and applies its command: the shared body of the two commits. */
export function commitNext(k: SmrConstants, n: NodeState): NodeState {
  const slot = n.commitUpTo + 1;
  const inst = at(n.insts, slot - 1, 'insts');
  const c = inst.cmd;
  return {
    ...n,
    insts: withInst(n.insts, slot, { ...inst, status: 'Committed' }),
    commitUpTo: slot,
    kvalue: c !== nil && isWrite(k, c) ? c : n.kvalue,
  };
}
