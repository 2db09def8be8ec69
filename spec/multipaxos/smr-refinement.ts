/**
 * The refinement mapping from MultiPaxos-SMR (smr.ts) to the per-slot spec (slots.ts): every
 * MultiPaxos-SMR state read as a per-slot Paxos state, so that every reachable step is a short
 * sequence of per-slot actions or a stutter (`smrStepInSlots`), and every single-decree property
 * can be read slot by slot on it (smr-properties.ts).
 *
 * The mapping: replicas are acceptors; commands are values; SMR slot s (1..C) is per-slot slot
 * s-1; SMR ballot b (1..MaxBallot, 0 = none) is Paxos ballot b-1 (-1 = none). Messages:
 * Prepare(b) is 1a(b-1) covering every slot (one phase 1 for the log); PrepareReply(src, b,
 * votes) is 1b(src, b-1) reporting each slot's vote; Accept(b, s, c) is 2a(b-1, s-1, c);
 * AcceptReply(src, b, s) is 2b(src, b-1, s-1, c) with c the command of the Accept of (b, s)
 * (an AcceptReply names no command; in the spec each (ballot, slot) has one Accept). A replica's
 * `insts[s].voted` is its maxVBal/maxVal in slot s; maxBal is what the mapped msgs imply
 * (promisesFromMsgs). CommitNotice, statuses, kvalue, pending and observed are learning and
 * clients, which the per-slot spec leaves out: steps that change only them are stutters.
 *
 * Left out: nothing is checked here; the caller runs the per-slot properties on the image.
 */
import { at } from '../at.js';
import { majorities } from '../quorums.js';
import {
  type Constants as SlotsConstants, type Message as SlotsMessage, type SlotsState,
  compareMessages as compareSlots,
} from './slots.js';
import { promisesFromMsgs, stepsBetween, type Explanation } from './slots-refinement.js';
import { type Message, type NodeState, type SmrConstants, type SmrState, nil,
  numCommands } from './smr-types.js';

/** The per-slot constants of an SMR model: replicas, commands, slots 0..C, ballots 0..B. */
export function slotsConstants(k: SmrConstants): SlotsConstants {
  return {
    acceptors: k.replicas, values: numCommands(k), quorums: majorities(k.replicas),
    maxBallot: k.maxBallot, slots: numCommands(k) + 1,
  };
}

/** The per-slot messages m maps to (none for a CommitNotice or an Accept without command). */
function mapMessage(s: SmrState, m: Message): SlotsMessage[] {
  switch (m.type) {
    case 'Prepare': return [{ type: '1a', bal: m.bal, from: 0, to: null }];
    case 'PrepareReply': {
      const votes = m.votes.flatMap((v, j) => (v.bal === 0 || v.cmd === nil ? []
        : [{ slot: j + 1, mbal: v.bal, mval: v.cmd }]));
      return [{ type: '1b', acc: m.src, bal: m.bal, from: 0, to: null, votes }];
    }
    case 'Accept':
      return m.cmd === nil ? [] : [{ type: '2a', bal: m.bal, slot: m.slot, val: m.cmd }];
    case 'AcceptReply': {
      const cmds = new Set<number>();
      for (const a of s.msgs) {
        if (a.type === 'Accept' && a.bal === m.bal && a.slot === m.slot && a.cmd !== nil) {
          cmds.add(a.cmd);
        }
      }
      return [...cmds].map((val) =>
        ({ type: '2b', acc: m.src, bal: m.bal, slot: m.slot, val }));
    }
    case 'CommitNotice': return [];
  }
}

/** A node's maxVBal in per-slot slots 0..C (slot 0 unused). */
const vbals = (n: NodeState): number[] =>
  [-1, ...n.insts.map((i) => (i.voted.bal === 0 ? -1 : i.voted.bal))];

/** The per-slot state of an SMR state. */
export function smrToSlots(k: SmrConstants, s: SmrState): SlotsState {
  const kk = slotsConstants(k);
  const msgs = s.msgs.flatMap((m) => mapMessage(s, m)).sort(compareSlots)
    .filter((m, i, xs) => i === 0 || compareSlots(at(xs, i - 1, 'xs'), m) !== 0);
  const trimmed = <T>(xs: T[], none: T): T[] => {
    let end = xs.length;
    while (end > 0 && xs[end - 1] === none) end--;
    return xs.slice(0, end);
  };
  return {
    maxBal: promisesFromMsgs(kk, msgs),
    maxVBal: s.node.map((n) => trimmed(vbals(n), -1)),
    maxVal: s.node.map((n) => {
      const vals = [nil, ...n.insts.map((i) => (i.voted.bal === 0 ? nil : i.voted.cmd))];
      return vals.slice(0, trimmed(vbals(n), -1).length);
    }),
    msgs,
  };
}

/** One SMR step, explained as per-slot actions (none for a stutter), or what fails. */
export function smrStepInSlots(k: SmrConstants, s: SmrState, t: SmrState): Explanation {
  return stepsBetween(slotsConstants(k), smrToSlots(k, s), smrToSlots(k, t));
}
