/**
 * The receive-based rules (docs/trace-format.md, "When receives are logged"). Paxos.tla's
 * Phase2a looks at the 1b messages *sent*: a proposer that counts one promise twice, acts on too
 * few, or adopts the value of the first promise instead of the highest can pass it when other
 * 1b messages, which it never received, would have justified its 2a. A trace whose header says
 * `"receives": true` logs every message its nodes act on, so the checker can judge each node by
 * what it had received by then:
 *
 *   Phase2a-received   a 2a(b, v) sent by p: some quorum Q of acceptors from which p had received
 *                      a 1b of ballot b, and Q's reports show v safe (Paxos.tla's condition on
 *                      Q1b, over the received 1b instead of msgs)
 *   learn-received     a learn of v by l (a commit sent by l, likewise): l had received 2b for v
 *   commit-received    from a quorum in one ballot (the logged ballot, if any), or a commit of v
 *
 * A node's own sends count as received by it (a server that is acceptor and proposer knows its
 * own promise without a message to itself). Receipts are kept, including receives the node
 * logged as ignored: the rules only ever add reasons to accept.
 *
 * Left out: partial traces (a lost recv line would make these rules reject a valid run). The
 * receipts' memory grows with the distinct (node, ballot) pairs of 1b and 2b received (bounded
 * with the ballots, run.ts's ballotsMaxFor), and with at most RECEIPTS_MAX lines per message.
 */
import type { Ballot, Message, Msg1b, Value } from '../../spec/paxos.js';
import type { QuorumSystem } from '../../spec/quorums.js';
import type { TraceMessage } from './events.js';

/**
 * Lines kept of one message received again and again (a retransmission): enough for a witness to
 * show a message counted twice, and a bound, so that the receipts' memory follows the distinct
 * messages received, not the trace's length. A 2b's first receipt from each acceptor is always
 * kept, so the acceptors a witness names are all listed.
 */
const RECEIPTS_MAX = 8;

/** A 1b as one node received it: the report (as first received) and the lines it came in. */
interface Receipt1b { readonly msg: Msg1b; readonly lines: number[] }

/** Why a line is not justified by what its node had received; words built by the caller. */
export interface Unjustified {
  readonly rule: 'Phase2a-received' | 'learn-received' | 'commit-received';
  /** The acceptors whose messages the node had received (in the ballot concerned). */
  readonly from: readonly number[];
  /** Those messages, once per receipt (a message received twice is listed twice). */
  readonly messages: readonly { readonly msg: Message; readonly line: number }[];
  /** For a 2a with a quorum of 1b: the values the received quorums show safe. */
  readonly safe: readonly Value[] | null;
}

/** The 2b for one value in one ballot that a node received. */
interface Votes {
  mask: number;
  readonly receipts: { readonly msg: Message; readonly line: number }[];
}

export interface Receipts {
  /** Node `node` received (or sent itself) message m at `line`. */
  readonly receive: (node: number, m: TraceMessage, line: number) => void;
  readonly judge2a: (node: number, bal: Ballot, v: Value) => Unjustified | null;
  readonly judgeLearn: (node: number, v: Value, bal: Ballot | -1,
    rule: 'learn-received' | 'commit-received') => Unjustified | null;
}

function bits(mask: number): number[] {
  const out: number[] = [];
  for (let a = 0; mask >>> a !== 0; a++) if (((mask >>> a) & 1) === 1) out.push(a);
  return out;
}

/** Paxos.tla's showsSafe on the 1b of quorum qm: the values it allows a 2a to carry. */
function safeValues(qm: number, got: ReadonlyMap<number, Receipt1b>): Value[] | 'any' {
  let top = -1;
  let vals: Value[] = [];
  for (const a of bits(qm)) {
    const r = (got.get(a) as Receipt1b).msg;
    if (r.mbal < 0 || r.mval === null || r.mbal < top) continue;
    if (r.mbal > top) {
      top = r.mbal;
      vals = [];
    }
    if (!vals.includes(r.mval)) vals.push(r.mval);
  }
  return top < 0 ? 'any' : vals;
}

export function createReceipts(quorums: QuorumSystem): Receipts {
  /** node -> ballot -> acceptor -> its 1b as first received. */
  const oneB = new Map<number, Map<Ballot, Map<number, Receipt1b>>>();
  /** node -> ballot -> value -> acceptors whose 2b it received (mask), and each receipt. */
  const twoB = new Map<number, Map<Ballot, Map<Value, Votes>>>();
  /** node -> values of commits received, with the line of the first. */
  const commits = new Map<number, Map<Value, number>>();

  const inner = <K, V>(m: Map<number, Map<K, V>>, node: number): Map<K, V> => {
    let x = m.get(node);
    if (x === undefined) m.set(node, x = new Map());
    return x;
  };

  const receive = (node: number, m: TraceMessage, line: number): void => {
    if (m.type === '1b') {
      const byBal = inner(oneB, node);
      let got = byBal.get(m.bal);
      if (got === undefined) byBal.set(m.bal, got = new Map());
      const had = got.get(m.acc);
      if (had === undefined) got.set(m.acc, { msg: m, lines: [line] });
      else if (had.lines.length < RECEIPTS_MAX) had.lines.push(line);
    } else if (m.type === '2b') {
      const byBal = inner(twoB, node);
      let byVal = byBal.get(m.bal);
      if (byVal === undefined) byBal.set(m.bal, byVal = new Map());
      let votes = byVal.get(m.val);
      if (votes === undefined) byVal.set(m.val, votes = { mask: 0, receipts: [] });
      const fresh = (votes.mask & (1 << m.acc)) === 0;
      votes.mask |= 1 << m.acc;
      if (fresh || votes.receipts.length < RECEIPTS_MAX) votes.receipts.push({ msg: m, line });
    } else if (m.type === 'commit') {
      const got = inner(commits, node);
      if (!got.has(m.val)) got.set(m.val, line);
    }
  };

  const judge2a = (node: number, bal: Ballot, v: Value): Unjustified | null => {
    const got = oneB.get(node)?.get(bal) ?? new Map<number, Receipt1b>();
    let mask = 0;
    for (const a of got.keys()) mask |= 1 << a;
    const safe: Value[] = [];
    let quorum = false;
    for (const qm of quorums.masks) {
      if ((qm & mask) !== qm) continue;
      quorum = true;
      const allowed = safeValues(qm, got);
      if (allowed === 'any' || allowed.includes(v)) return null;
      for (const x of allowed) if (!safe.includes(x)) safe.push(x);
    }
    return {
      rule: 'Phase2a-received', from: bits(mask),
      messages: [...got.values()].flatMap((r) => r.lines.map((line) => ({ msg: r.msg, line })))
        .sort((x, y) => x.line - y.line),
      safe: quorum ? safe : null,
    };
  };

  const judgeLearn = (node: number, v: Value, bal: Ballot | -1,
    rule: 'learn-received' | 'commit-received'): Unjustified | null => {
    if (commits.get(node)?.has(v) === true) return null;
    const byBal = twoB.get(node) ?? new Map<Ballot, Map<Value, Votes>>();
    let best: Votes | null = null;
    for (const [b, byVal] of byBal) {
      if (bal !== -1 && b !== bal) continue;
      const votes = byVal.get(v);
      if (votes === undefined) continue;
      if (quorums.masks.some((qm) => (qm & votes.mask) === qm)) return null;
      if (best === null || bits(votes.mask).length > bits(best.mask).length) best = votes;
    }
    return { rule, from: best === null ? [] : bits(best.mask), safe: null,
      messages: best?.receipts ?? [] };
  };

  return { receive, judge2a, judgeLearn };
}
