/**
 * The trace checker's rules for traces whose header says receives are logged (issue 7, 2): a
 * proposer's 2a must be justified by a quorum of 1b it had received by then, and a learn or a
 * commit by a quorum of 2b its node had received (or a commit). The receipts and the judgments
 * are received.ts's; this file words the refusal in the trace's names, at the line where the bug
 * acts.
 *
 * Left out: traces without logged receives, which these rules do not apply to (receipts null).
 */
import type { Ballot, Value } from '../../../spec/paxos.js';
import { showMessage } from '../../../spec/properties.js';
import type { TraceMessage } from '../events.js';
import { refuseClaim } from '../judge.js';
import type { Receipts, Unjustified } from '../received.js';
import { sentLine } from '../state.js';
import { acceptorName, context, namesIn, nodeName, refuse, valueName as val,
  type Run } from './context.js';

/** After an accepted send: a new 2a or a commit is justified by the sender's receipts. */
export function sentBy(r: Run, receipts: Receipts | null, node: number,
  m: TraceMessage): boolean {
  if (receipts === null) return true;
  if (m.type === '2a' || m.type === 'commit') {
    const u = m.type === 'commit'
      ? receipts.judgeLearn(node, m.val, m.bal, 'commit-received')
      : sentLine(r.s, m) === r.line ? receipts.judge2a(node, m.bal, m.val) : null;
    if (u !== null) return unjustified(r, node, u, m.bal, m.val);
  }
  receipts.receive(node, m, r.line);
  return true;
}

/** After an accepted learn: the learner had received a quorum of 2b for it, or a commit. */
export function learnedBy(r: Run, receipts: Receipts | null, node: number, v: Value,
  bal: Ballot | -1): boolean {
  const u = receipts?.judgeLearn(node, v, bal, 'learn-received') ?? null;
  return u === null ? true : unjustified(r, node, u, bal, v);
}

function unjustified(r: Run, node: number, u: Unjustified, bal: Ballot | -1, v: Value): false {
  const acc = (a: number): string => acceptorName(r, a);
  const from = u.from.length === 0 ? 'no acceptor' : `{${u.from.map(acc).join(', ')}}`;
  const lines = u.messages.map((x) => x.line);
  const seen = lines.length === 0 ? '' : ` (received at line${lines.length === 1 ? '' : 's'} ` +
    `${lines.join(', ')})`;
  const inBal = bal === -1 ? 'in any one ballot' : `of ballot ${bal}`;
  const sent2a = `${nodeName(r, node)} sent 2a(bal ${bal}, ${val(r, v)})`;
  const why = u.rule === 'Phase2a-received'
    ? (u.safe === null
      ? `${sent2a} having received 1b ${inBal} from ${from} only${seen}: no quorum of promises`
      : `${sent2a}, but the 1b ${inBal} it had received from ${from}${seen} show only ` +
        `${u.safe.map((x) => val(r, x)).join(', ')} safe: every quorum of them reports a ` +
        `higher vote for another value`)
    : `${nodeName(r, node)} ${u.rule === 'learn-received' ? 'learned' : 'announced as chosen'} ` +
      `${val(r, v)}, having received 2b for it ${inBal} from ${from} only${seen}, no quorum, ` +
      `and no commit of it`;
  const n = namesIn(r);
  return refuse(r, refuseClaim(context(r, u.messages.map((x) => x.msg), lines), u.rule, why,
    null, {
      ...(bal === -1 ? {} : { ballot: bal }), value: val(r, v), quorum: u.from.map(acc),
      messages: u.messages.map((x) => ({ line: x.line, text: showMessage(x.msg, n) })),
    }), null);
}
