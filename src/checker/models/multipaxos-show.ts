/**
 * MultiPaxos-SMR states and steps written for people: a state as plain JSON data keyed by
 * replica name (for counterexample files and --json), and one line saying what a step changed
 * (each replica's changed fields, the new messages, the new client events).
 * Left out: unchanged fields.
 */
import {
  type Inst, type SmrConstants, type SmrState, commandName, hasMessage, replicaName, showMessage,
} from '../../../spec/multipaxos/smr.js';
import { showEvent } from '../../../spec/multipaxos/smr-properties.js';

function showInst(k: SmrConstants, i: Inst): string {
  const voted = i.voted.bal === 0 ? '' : ` voted ${i.voted.bal}:${commandName(k, i.voted.cmd)}`;
  return `${i.status}${i.cmd === null ? '' : ` ${commandName(k, i.cmd)}`}${voted}`;
}

export function describeSmrState(k: SmrConstants, s: SmrState): unknown {
  const node: Record<string, unknown> = {};
  s.node.forEach((n, r) => {
    node[replicaName(r)] = {
      leader: replicaName(n.leader), kvalue: commandName(k, n.kvalue), commitUpTo: n.commitUpTo,
      balPrepared: n.balPrepared, balMaxKnown: n.balMaxKnown,
      insts: n.insts.map((i) => showInst(k, i)), pc: s.pc[r],
    };
  });
  return {
    node,
    pending: s.pending.map((c) => commandName(k, c)),
    observed: s.observed.map((e) => showEvent(k, e)),
    msgs: s.msgs.map((m) => showMessage(k, m)),
  };
}

export function describeSmrChange(k: SmrConstants, x: SmrState, y: SmrState): string {
  const parts: string[] = [];
  y.node.forEach((b, r) => {
    const a = x.node[r]!;
    const who = replicaName(r);
    if (a.leader !== b.leader) parts.push(`${who} leader ${replicaName(b.leader)}`);
    if (a.balMaxKnown !== b.balMaxKnown) parts.push(`${who} balMaxKnown ${b.balMaxKnown}`);
    if (a.balPrepared !== b.balPrepared) parts.push(`${who} balPrepared ${b.balPrepared}`);
    if (a.commitUpTo !== b.commitUpTo) parts.push(`${who} commitUpTo ${b.commitUpTo}`);
    if (a.kvalue !== b.kvalue) parts.push(`${who} kvalue ${commandName(k, b.kvalue)}`);
    b.insts.forEach((i, j) => {
      const before = showInst(k, a.insts[j]!);
      const after = showInst(k, i);
      if (before !== after) parts.push(`${who} slot ${j + 1} ${after}`);
    });
    if (x.pc[r] !== y.pc[r]) parts.push(`pc[${who}] ${y.pc[r]}`);
  });
  for (const m of y.msgs) if (!hasMessage(x.msgs, m)) parts.push(`sent ${showMessage(k, m)}`);
  for (const e of y.observed.slice(x.observed.length)) parts.push(`observed ${showEvent(k, e)}`);
  if (x.pending.length !== y.pending.length) {
    parts.push(`pending [${y.pending.map((c) => commandName(k, c)).join(', ')}]`);
  }
  return parts.length === 0 ? 'no change' : parts.join('; ');
}
