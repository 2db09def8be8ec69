/**
 * The trace checker's rules for lines that claim something of the spec state without being a
 * spec action:
 *
 *   learn, commit, a client's return   the value is chosen (in the ballot given, or in any)
 *   reject                             the acceptor had promised that much
 *
 * A claim changes no state: it holds or the line is refused, and the refusal names the votes the
 * state does have, so a reader sees how far from a quorum the claim was.
 *
 * Left out: whether the claiming node had *received* enough to know it (justified.ts).
 */
import type { Ballot, Value } from '../../../spec/paxos.js';
import { refuseClaim, type Witness } from '../judge.js';
import { ballotsOf, chosenIn, votersOf } from '../state.js';
import { acceptorName as acc, context, maskNames, refuse, valueName as val,
  type Run } from './context.js';

/** The claim that v is chosen (in bal, or in any ballot); its words are built on refusal. */
export function claimChosen(r: Run, rule: string, claim: () => string, v: Value,
  bal: Ballot | -1): boolean {
  const s = r.s;
  const chosen = bal === -1 ? s.chosen.some((c) => c.val === v) : chosenIn(s, bal, v);
  if (chosen) return true;
  const where = bal === -1 ? 'in any ballot' : `in ballot ${bal}`;
  const votes = [...ballotsOf(s)]
    .filter((b) => bal === -1 || b === bal)
    .map((b) => ({ b, mask: votersOf(s, b, v) }))
    .filter((x) => x.mask !== 0);
  const seen = votes.length === 0 ? 'no acceptor voted for it'
    : votes.slice(0, 3).map((x) => `ballot ${x.b}: ${maskNames(r, x.mask).join(', ')}`)
      .join('; ');
  const witness: Witness = { value: val(r, v), ...(bal === -1 ? {} : { ballot: bal }) };
  return refuse(r, refuseClaim(context(r), rule,
    `${claim()}, but no quorum voted for it ${where} (votes seen: ${seen})`, null, witness), null);
}

/** A reject of bal by acceptor a, claiming it had promised `promised` (null: not said). */
export function checkReject(r: Run, a: number, bal: Ballot, promised: Ballot | -1 | null): boolean {
  const maxBal = r.s.maxBal[a] as number;
  const claimed = promised ?? maxBal;
  if (claimed <= maxBal && bal <= claimed) return true;
  const why = claimed > maxBal
    ? `${acc(r, a)} claims to have promised ballot ${claimed}, but its maxBal is only ${maxBal}`
    : `${acc(r, a)} refused ballot ${bal} though it had promised only ballot ${claimed} ` +
      `(maxBal ${maxBal})`;
  return refuse(r, refuseClaim(context(r), 'reject', why, null,
    { acceptor: acc(r, a), ballot: bal }), null);
}
