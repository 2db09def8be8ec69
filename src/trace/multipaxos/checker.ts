/**
 * The Multi-Paxos trace checker: each event of a fully logged v2 trace is mapped onto the
 * per-slot spec's actions (spec/multipaxos/slots.ts) and tested on the incremental state of
 * slots.ts, then the replicas' and clients' events are held to the log (replicas.ts):
 *
 *   send 1a (slot | from..)  Phase1a(bal, range)          always enabled
 *   send 1b                  Phase1b(acc) on that 1a       1a sent; bal > maxBal[acc][s] on every
 *                                                         covered s; reports acc's latest votes
 *   send 2a (slot)           Phase2a(bal, slot, val)       no other 2a of bal in slot; a quorum's
 *                                                         1b covering slot show val safe there
 *   send 2b (slot)           Phase2b(acc) on the 2a        2a sent; bal >= maxBal[acc][slot]
 *   a send already in msgs   a retransmission (msgs is a set): a stutter
 *   recv                     the message was sent
 *   learn, commit (slot)     val is chosen in slot         reject: acc had promised that much
 *   persist                  covers what the next 1b/2b announces (persist before send)
 *   crash/restart            a crashed node does nothing
 *
 * Rules named in rejections: R1 (a promise or vote below a promise), OneValuePerBallot (two 2a of
 * one ballot in one slot), R2' (a 2a above a chosen ballot with another value), I1 (a 2a whose
 * value the quorum's reports do not show safe), Consistency (two values chosen in one slot),
 * LogAgreement (a learn or commit of a value other than the slot's chosen one), Phase1a/1b/2a/2b
 * for other refused conjuncts, and the replica and client rules of replicas.ts. Every rejection
 * names the slot, the ballots and values as the trace logged them, and the witness lines.
 *
 * A 1b may start above its 1a's `from` when the acceptor declared (compact or snapshot events)
 * that it discarded the slots in between: they are chosen and applied, and their votes are the
 * compacted prefix the format lets an implementation summarize.
 *
 * Left out: hidden steps (a partial trace is checked conservatively by partial.ts), and the full
 * spec state per step: the conjuncts are read off the indexes of slots.ts.
 */
import { majoritiesOf, type QuorumSystem } from '../../../spec/quorums.js';
import type { Cluster } from '../events.js';
import type { Rejection, Witness, WitnessMessage } from '../judge.js';
import type { MpEvent, MpMsg, MpNames, Vote } from './decode.js';
import { createReplicas, type ClientCall, type Replicas } from './replicas.js';
import {
  addPromise, addVote, covers, initialSlots, latestVotes, promiseAt, promiseOn, showsSafeAt,
  slotRec, type Chosen, type Range, type SlotRec,
} from './slots.js';

export interface MpCheckOptions {
  /** Report up to this many rejections, taking each refused step anyway (default 1). */
  readonly rejectionsMax?: number;
  /** Count the actions, enabling conditions and refusals exercised (`--coverage`). */
  readonly coverage?: boolean;
  /** Opt-in liveness: events a command may wait with a quorum and a leader up (0: off). */
  readonly liveness?: number;
  /**
   * Lines may be missing: report only what no hidden step can repair (R1, R2', Consistency,
   * OneValuePerBallot, LogAgreement, and a replica applying another value or command than the
   * slot's): the conservative check of partial v2 traces.
   */
  readonly partial?: boolean;
}

/**
 * Every coverage key the checker counts: spec actions by enabling condition, the other events,
 * and the refusals by rule. `--coverage` lists each with its count, zeros included, so a team sees
 * what its traces never reach.
 */
export const COVERAGE_KEYS: readonly string[] = [
  'Phase1a: one slot', 'Phase1a: every slot from', 'Phase1a: a range of slots',
  'Phase1b: reports no vote', 'Phase1b: reports votes',
  'Phase1b: from above the 1a (compacted prefix)', 'persist: Phase1b',
  'Phase2a: the quorum reports no vote (free choice)', 'Phase2a: the value of the highest ' +
    'reported vote', 'Phase2b', 'chosen', 'retransmission', 'recv', 'persist', 'commit',
  'learn', 'reject', 'apply', 'snapshot', 'compact', 'config', 'leader', 'crash', 'restart',
  'compacted prefix: summarized', 'invoke get', 'invoke put', 'invoke delete', 'invoke cas',
  'invoke append', 'return',
  ...['R1', 'OneValuePerBallot', "R2'", 'I1', 'Consistency', 'LogAgreement', 'Phase1b',
    'Phase2a', 'Phase2b', 'StateMachineSafety', 'recv', 'learn', 'commit', 'reject', 'crash',
    'persist-before-send', 'client', 'liveness', 'config'].map((r) => `refused: ${r}`),
];

export interface MpSummary {
  readonly events: number;
  readonly steps: number;
  readonly retransmissions: number;
  readonly slotsChosen: number;
  readonly applies: number;
  readonly rejections: readonly Rejection[];
  readonly coverage: Readonly<Record<string, number>> | null;
  /** The client calls, for the linearizability check the caller runs (src/history). */
  readonly calls: readonly ClientCall[];
  /** The slots held in memory at the end (records of slots with a 2a or 2b). */
  readonly slotRecords: number;
}

export interface MpChecker {
  readonly event: (e: MpEvent, line: number) => boolean;
  /** Ends the trace: the checks that need all of it (liveness, pending persists). */
  readonly end: () => void;
  readonly summary: () => MpSummary;
}

/** The words a checker uses for the trace's own names. */
export interface MpWords {
  readonly acc: (a: number) => string;
  readonly node: (n: number) => string;
  readonly val: (v: number) => string;
  readonly bal: (b: number) => string;
  readonly client: (c: number) => string;
}

export function wordsOf(cluster: Cluster, names: MpNames): MpWords {
  const pairs = cluster.header.cluster.proposers !== undefined;
  const p = cluster.proposers.length;
  return {
    acc: (a) => cluster.acceptors[a] ?? `#${a}`,
    node: (n) => names.nodes[n] ?? `#${n}`,
    val: (v) => (names.values[v] === undefined ? `#${v}` : JSON.stringify(names.values[v])),
    bal: (b) => (b < 0 ? 'none'
      : pairs ? JSON.stringify([Math.floor(b / p), cluster.proposers[b % p]]) : String(b)),
    client: (c) => names.clients[c] ?? `#${c}`,
  };
}

/** A message in the trace's words, for witnesses. */
export function showMsg(w: MpWords, m: MpMsg): string {
  const range = (r: Range): string => (r.from === r.to ? `slot ${r.from}`
    : r.to === -1 ? `slots ${r.from}..` : `slots ${r.from}..${r.to}`);
  switch (m.type) {
    case '1a': return `1a(bal ${w.bal(m.bal)}, ${range(m)})`;
    case '1b': return `1b(${w.acc(m.acc)}, bal ${w.bal(m.bal)}, ${range(m)}, votes ` +
      `[${m.votes.map((v) => `${v.slot}: ${w.bal(v.mbal)} ${w.val(v.mval)}`).join(', ')}])`;
    case '2a': return `2a(bal ${w.bal(m.bal)}, slot ${m.slot}, ${w.val(m.val)})`;
    case '2b': return `2b(${w.acc(m.acc)}, bal ${w.bal(m.bal)}, slot ${m.slot}, ${w.val(m.val)})`;
    case 'commit': return `commit(slot ${m.slot}, ${w.val(m.val)})`;
    case 'reject': return `reject(${w.acc(m.acc)}, bal ${w.bal(m.bal)})`;
    case 'ext': return m.name;
  }
}

/** The rejection record of the v1 reports, with slot numbers in the witness. */
export function rejection(line: number, rule: string, explanation: string, witness: Witness,
  action: string | null = null, conjunct: string | null = null): Rejection {
  const lines = [...new Set([...(witness.messages ?? []).map((m) => m.line), line])]
    .filter((l) => l > 0).sort((x, y) => x - y);
  return { line, rule, action, conjunct, explanation, witness, breaks: [], skipped: [],
    excerpt: lines.slice(-8) };
}

export function createMpChecker(cluster: Cluster, names: MpNames,
  options: MpCheckOptions = {}): MpChecker {
  const n = cluster.acceptors.length;
  const reconfig = cluster.reconfig ?? null;
  const configs = createConfigs(n, cluster);
  const st = initialSlots(n, configs.quorumsAt);
  const w = wordsOf(cluster, names);
  const rejections: Rejection[] = [];
  const rejectionsMax = options.rejectionsMax ?? 1;
  const coverage = options.coverage === true ? new Map<string, number>() : null;
  const crashed = new Set<number>();
  const extras = new Set<string>();
  /** Phase1b steps taken at a persist, whose logged 1b has not come yet: `bal:acc`. */
  const inferred = new Set<string>();
  /** Persist before send: per acceptor, the promise and the votes made durable (-1: none). */
  const durable = cluster.acceptors.map(() => ({ logged: false, bal: -1, line: -1,
    votes: new Map<number, number>() }));
  let line = 0;
  let events = 0;
  let steps = 0;
  let retransmissions = 0;
  let slotsChosen = 0;
  const cover = (key: string): void => {
    if (coverage !== null) coverage.set(key, (coverage.get(key) ?? 0) + 1);
  };
  const partial = options.partial === true;
  /** Records a rejection; one a hidden step could repair is dropped from a partial trace. */
  const pairs = cluster.header.cluster.proposers !== undefined;
  const reject = (r0: Rejection, repairable = !IRREPARABLE.has(r0.rule)): boolean => {
    const b = r0.witness.ballot;
    const r = b === undefined || !pairs ? r0
      : { ...r0, witness: { ...r0.witness, ballots: { [String(b)]: w.bal(b) } } };
    if (partial && repairable) {
      cover(`partial: not judged: ${r.rule}`);
      return true;
    }
    rejections.push(r);
    cover(`refused: ${r.rule}`);
    return rejections.length < rejectionsMax;
  };
  const replicas: Replicas = createReplicas({ n, words: w, options, reject, cover,
    chosenAt: (s) => chosenAt(s), crashed, acceptors: n, prune: (upTo) => prune(upTo) });
  const msgAt = (l: number, text: string): WitnessMessage => ({ line: l, text });

  // --- the compacted prefix -----------------------------------------------------------------
  // Below the slot every acceptor has compacted (declared by compact or snapshot lines), a slot's
  // record is summarized as its chosen value: memory is then the slots in flight plus one entry
  // per chosen slot. In that prefix a 2a or 2b is judged against the chosen value only (R2'),
  // and a receive is taken as sent: the steps that justified them are summarized away.
  const summary = new Map<number, Chosen>();
  let pruned = 0;
  const chosenAt = (s: number): Chosen | null => st.slots.get(s)?.chosen ?? summary.get(s) ?? null;
  const prune = (upTo: number): void => {
    for (; pruned < upTo; pruned++) {
      const r = st.slots.get(pruned);
      if (r === undefined) continue;
      if (r.chosen === null) break;
      summary.set(pruned, r.chosen);
      st.slots.delete(pruned);
      for (const d of durable) d.votes.delete(pruned);
    }
  };
  const inSummary = (m: MpMsg): boolean => (m.type === '2a' || m.type === '2b')
    && m.slot < pruned && !st.slots.has(m.slot);
  const summarized = (m: MpMsg & { type: '2a' | '2b' }): boolean => {
    const c = summary.get(m.slot);
    if (c === undefined || m.val === c.val || m.bal <= c.bal || m.type === '2b') {
      cover('compacted prefix: summarized');
      return true;
    }
    return reject(rejection(line, "R2'", `${w.val(c.val)} is chosen in slot ${m.slot} in ballot ` +
      `${w.bal(c.bal)} (line ${c.line}), yet ballot ${w.bal(m.bal)} proposes ${w.val(m.val)} ` +
      'there', { slot: m.slot, ballot: m.bal, value: w.val(m.val), messages: [msgAt(c.line,
      `${w.val(c.val)} chosen in ballot ${w.bal(c.bal)}`)] }));
  };

  // --- the spec's actions -------------------------------------------------------------------

  const phase1a = (m: MpMsg & { type: '1a' }): boolean => {
    const list = st.oneAs.get(m.bal) ?? [];
    if (list.some((x) => x.from === m.from && x.to === m.to)) return retransmit();
    list.push({ from: m.from, to: m.to, line });
    st.oneAs.set(m.bal, list);
    cover(m.from === m.to ? 'Phase1a: one slot' : m.to === -1 ? 'Phase1a: every slot from'
      : 'Phase1a: a range of slots');
    steps++;
    return true;
  };

  /** The acceptor's compacted prefix: below it a 1b may omit votes (chosen, applied). */
  const phase1b = (m: MpMsg & { type: '1b' }): boolean => {
    const same = st.oneBs.get(m.bal)?.find((x) => x.acc === m.acc && x.from === m.from
      && x.to === m.to);
    if (same !== undefined && sameVotes(same.votes, m.votes)) return retransmit();
    const text = `Phase1b(${w.acc(m.acc)}) on 1a(bal ${w.bal(m.bal)})`;
    const floor = replicas.compacted(m.acc);
    if (inferred.delete(`${m.bal}:${m.acc}`)) {
      // The step was taken at its persist: this is its 1b, which must report the same votes.
      const list = st.oneBs.get(m.bal)!;
      list.splice(list.findIndex((x) => x.acc === m.acc), 1);
      return reported(m, text, floor) && take1b(m, false);
    }
    const oneA = (st.oneAs.get(m.bal) ?? []).find((x) => x.to === m.to && (x.from === m.from
      || (x.from < m.from && m.from <= floor)));
    const covered: Range = { from: oneA?.from ?? m.from, to: m.to };
    const promised = promiseOn(st, m.acc, covered);
    if (!(m.bal > promised.bal)) {
      return reject(rejection(line, 'R1', `${w.acc(m.acc)} joined ballot ${w.bal(m.bal)} on ` +
        `${showRange(covered)} though it had already joined ballot ${w.bal(promised.bal)} ` +
        `there (line ${promised.line}): a promise may only rise`,
      { ballot: m.bal, acceptor: w.acc(m.acc), messages: [msgAt(promised.line,
        `${w.acc(m.acc)} joined ballot ${w.bal(promised.bal)}`)] }, text,
      '\\A s \\in Covered(m) : m.bal > maxBal[a][s]'), m.bal === promised.bal) && take1b(m);
    }
    if (oneA === undefined) {
      const near = st.oneAs.get(m.bal)?.[0];
      return reject(rejection(line, 'Phase1b', `${w.acc(m.acc)} answered a 1a of ballot ` +
        `${w.bal(m.bal)} for ${showRange(m)} that was never sent` + (near === undefined ? ''
        : ` (the 1a of that ballot at line ${near.line} covers ${showRange(near)})`),
      { ballot: m.bal, acceptor: w.acc(m.acc), messages: near === undefined ? [] : [msgAt(near.line,
        `1a(bal ${w.bal(m.bal)}, ${showRange(near)})`)] }, text, 'm \\in msgs')) && take1b(m);
    }
    if (m.from > oneA.from) cover('Phase1b: from above the 1a (compacted prefix)');
    return reported(m, text, floor) && take1b(m);
  };

  /** The 1b reports a's latest vote in every covered slot above its compacted prefix. */
  const reported = (m: MpMsg & { type: '1b' }, text: string, floor: number): boolean => {
    const want = latestVotes(st, m.acc, m, Math.max(m.from, floor));
    const wrong = firstDifference(want, m.votes.filter((v) => v.slot >= floor));
    if (wrong !== null) {
      const real = want.find((v) => v.slot === wrong);
      const said = m.votes.find((v) => v.slot === wrong);
      const rec = st.slots.get(wrong);
      return reject(rejection(line, 'Phase1b', `${w.acc(m.acc)}'s latest vote in slot ` +
        `${wrong} is ${real === undefined ? 'none' : `${w.val(real.mval)} in ballot ` +
        `${w.bal(real.mbal)}`}, but its 1b reports ${said === undefined ? 'no vote there'
        : `${w.val(said.mval)} in ballot ${w.bal(said.mbal)}`}`,
      { ballot: m.bal, acceptor: w.acc(m.acc), slot: wrong, messages: real === undefined
        || rec === undefined ? [] : [msgAt(rec.vline[m.acc] as number, `2b(${w.acc(m.acc)}, ` +
        `bal ${w.bal(real.mbal)}, slot ${wrong}, ${w.val(real.mval)})`)] }, text,
      'votes = the latest vote of a in every covered slot'));
    }
    cover(m.votes.length === 0 ? 'Phase1b: reports no vote' : 'Phase1b: reports votes');
    return true;
  };

  const take1b = (m: MpMsg & { type: '1b' }, step = true): boolean => {
    const list = st.oneBs.get(m.bal) ?? [];
    list.push({ acc: m.acc, from: m.from, to: m.to, line,
      votes: new Map(m.votes.map((v) => [v.slot, v])) });
    st.oneBs.set(m.bal, list);
    addPromise(st, m.acc, m, m.bal, line);
    if (step) steps++;
    return true;
  };

  const phase2a = (m: MpMsg & { type: '2a' }): boolean => {
    const r = slotRec(st, m.slot);
    const sent = r.twoA.get(m.bal);
    if (sent !== undefined && sent.val === m.val) return retransmit();
    const text = `Phase2a(${w.bal(m.bal)}, slot ${m.slot}, ${w.val(m.val)})`;
    const witness = (more: WitnessMessage[] = []): Witness => ({ ballot: m.bal, slot: m.slot,
      value: w.val(m.val), messages: [...quorumLines(m.bal, m.slot), ...more] });
    if (sent !== undefined) {
      return reject(rejection(line, 'OneValuePerBallot', `the leader of ballot ${w.bal(m.bal)} ` +
        `already proposed ${w.val(sent.val)} in slot ${m.slot} (line ${sent.line}); a ballot ` +
        `proposes one value per slot`, witness([msgAt(sent.line, `2a(bal ${w.bal(m.bal)}, slot ` +
        `${m.slot}, ${w.val(sent.val)})`)]), text,
      '~ \\E m \\in msgs : m.type = "2a" /\\ m.bal = b /\\ m.slot = s')) && take2a(r, m);
    }
    if (reconfig !== null && !known(m.slot)) {
      return reject(rejection(line, 'Phase2a', `slot ${m.slot}'s members depend on slot ` +
        `${m.slot - reconfig.alpha}, and slot ${knownUpTo} is not chosen yet: no leader can ` +
        'know them', witness(), text, KNOWN)) && take2a(r, m);
    }
    const c = r.chosen;
    const safe = showsSafeAt(st, m.bal, m.slot, m.val);
    if ((safe === 'unsafe' || safe === 'no-quorum') && c !== null && c.bal < m.bal
      && c.val !== m.val) {
      return reject(rejection(line, "R2'", `${w.val(c.val)} is chosen in slot ${m.slot} in ` +
        `ballot ${w.bal(c.bal)} (line ${c.line}), yet ballot ${w.bal(m.bal)} proposes ` +
        `${w.val(m.val)} there`, witness([msgAt(c.line, `${w.val(c.val)} chosen in ballot ` +
        `${w.bal(c.bal)}`)]), text, "R2'")) && take2a(r, m);
    }
    if (safe === 'no-quorum') {
      const whose = reconfig === null ? 'no quorum'
        : `no majority of slot ${m.slot}'s members ${configs.show(configs.membersAt(m.slot))}`;
      return reject(rejection(line, 'Phase2a', `${whose} sent 1b messages for ballot ` +
        `${w.bal(m.bal)} that cover slot ${m.slot}: its leader skipped phase 1 there` +
        (reconfig === null ? '' : ' (or did not run it again for these members)'), witness(),
      text, '\\A a \\in Q : \\E m \\in Q1b : m.acc = a /\\ s \\in Covered(m)')) && take2a(r, m);
    }
    if (safe === 'unsafe') {
      return reject(rejection(line, 'I1', `in every quorum that joined ballot ${w.bal(m.bal)} ` +
        `for slot ${m.slot}, the highest vote reported in slot ${m.slot} is for a value other ` +
        `than ${w.val(m.val)}`, witness(), text,
      'Q1bv = {} \\/ \\E m \\in Q1bv : m.mval[s] = v /\\ \\A mm \\in Q1bv : m.mbal[s] >= ' +
        'mm.mbal[s]')) && take2a(r, m);
    }
    cover(safe === 'free' ? 'Phase2a: the quorum reports no vote (free choice)'
      : 'Phase2a: the value of the highest reported vote');
    return take2a(r, m);
  };

  // --- membership changes (the header's alpha; docs/reconfiguration.md) --------------------

  /** Every slot below knownUpTo is chosen: the members of the slots below it + alpha are known. */
  let knownUpTo = 0;
  const known = (s: number): boolean => {
    while (chosenAt(knownUpTo) !== null) knownUpTo++;
    return s - reconfig!.alpha < knownUpTo;
  };
  /** The highest slot a 2a was taken in: judged under the members known then. */
  let proposedMax = -1;

  /**
   * config: node applied a membership change chosen in e.slot, governing the slots from
   * e.slot + alpha. Its slot must be chosen, every node must log the same members for it, and
   * the first to log it must do so before any 2a in the slots it governs (they were judged
   * under the members known then).
   */
  const config = (e: MpEvent & { kind: 'config' }): boolean => {
    const from = e.slot + reconfig!.alpha;
    const text = `config(${w.node(e.node)}, slot ${e.slot})`;
    const fail = (why: string, more: WitnessMessage[] = []): boolean =>
      reject(rejection(line, 'config', why, { slot: e.slot, messages: more }, text));
    if (chosenAt(e.slot) === null) {
      return fail(`${w.node(e.node)} applied a membership change in slot ${e.slot}, where ` +
        'nothing is chosen');
    }
    const had = configs.at(from);
    if (had !== null) {
      if (had.members === e.members) return cover('config'), true;
      return fail(`${w.node(e.node)} says the members from slot ${from} are ` +
        `${configs.show(e.members)}, but they are ${configs.show(had.members)} (line ` +
        `${had.line})`, [msgAt(had.line, `config: ${configs.show(had.members)}`)]);
    }
    if (proposedMax >= from) {
      return fail(`the membership change of slot ${e.slot} governs slot ${from} on, but slot ` +
        `${proposedMax} was proposed in before it was logged: config before any 2a it governs`);
    }
    configs.add(from, e.members, line);
    cover('config');
    return true;
  };

  const take2a = (r: SlotRec, m: MpMsg & { type: '2a' }): boolean => {
    proposedMax = Math.max(proposedMax, m.slot);
    if (!r.twoA.has(m.bal)) r.twoA.set(m.bal, { val: m.val, line });
    steps++;
    return true;
  };

  /** The 1b lines of ballot b that cover slot s, for witnesses. */
  const quorumLines = (b: number, s: number): WitnessMessage[] =>
    (st.oneBs.get(b) ?? []).filter((x) => covers(x, s)).slice(0, n).map((x) => msgAt(x.line,
      `1b(${w.acc(x.acc)}, bal ${w.bal(b)}, ${showRange(x)}` + (x.votes.has(s)
        ? `, slot ${s}: ${w.val(x.votes.get(s)!.mval)} in ${w.bal(x.votes.get(s)!.mbal)})` : ')')));

  const phase2b = (m: MpMsg & { type: '2b' }): boolean => {
    const r = slotRec(st, m.slot);
    const prev = r.twoB.get(m.bal);
    if (prev !== undefined && prev.val[m.acc] === m.val) return retransmit();
    const text = `Phase2b(${w.acc(m.acc)}) on 2a(bal ${w.bal(m.bal)}, slot ${m.slot}, ` +
      `${w.val(m.val)})`;
    const sent = r.twoA.get(m.bal);
    const witness = (more: WitnessMessage[]): Witness => ({ ballot: m.bal, slot: m.slot,
      value: w.val(m.val), acceptor: w.acc(m.acc), messages: more });
    const p = promiseAt(st, m.acc, m.slot);
    if (!(m.bal >= p.bal)) {
      return reject(rejection(line, 'R1', `${w.acc(m.acc)} voted in ballot ${w.bal(m.bal)} in ` +
        `slot ${m.slot} though it had joined ballot ${w.bal(p.bal)} there (line ${p.line}): it ` +
        `promised not to vote below it`, witness([msgAt(p.line, `${w.acc(m.acc)} joined ballot ` +
        `${w.bal(p.bal)}`)]), text, 'm.bal \\geq maxBal[a][m.slot]')) && take2b(r, m);
    }
    if (sent === undefined || sent.val !== m.val) {
      return reject(rejection(line, 'Phase2b', `${w.acc(m.acc)} voted for ${w.val(m.val)} in ` +
        `slot ${m.slot}, ballot ${w.bal(m.bal)}, but no such 2a was sent` + (sent === undefined
        ? '' : ` (the 2a of that ballot, line ${sent.line}, proposes ${w.val(sent.val)})`),
      witness(sent === undefined ? [] : [msgAt(sent.line, `2a(bal ${w.bal(m.bal)}, slot ` +
        `${m.slot}, ${w.val(sent.val)})`)]), text, 'm \\in msgs')) && take2b(r, m);
    }
    cover('Phase2b');
    return take2b(r, m);
  };

  const take2b = (r: SlotRec, m: MpMsg & { type: '2b' }): boolean => {
    const chosen = addVote(st, r, m.acc, m.bal, m.val, line);
    steps++;
    if (chosen === null) return true;
    const first = r.chosen;
    if (first === null) {
      r.chosen = chosen;
      slotsChosen++;
      cover('chosen');
      return true;
    }
    if (first.val === chosen.val) return true;
    return reject(rejection(line, 'Consistency', `two values are chosen in slot ${m.slot}: ` +
      `${w.val(first.val)} in ballot ${w.bal(first.bal)} (line ${first.line}) and ` +
      `${w.val(chosen.val)} in ballot ${w.bal(chosen.bal)}`, { slot: m.slot, ballot: chosen.bal,
      value: w.val(chosen.val), quorum: cluster.acceptors.filter((_, a) => ((chosen.mask >>> a)
        & 1) === 1), messages: [msgAt(first.line, `${w.val(first.val)} chosen in ballot ` +
        `${w.bal(first.bal)}`)] }));
  };

  const retransmit = (): boolean => {
    retransmissions++;
    cover('retransmission');
    return true;
  };

  // --- persist before send ------------------------------------------------------------------

  /**
   * persist: the durable half of the steps it records (as in v1). A vote not yet taken is
   * Phase2b at this line (the 2b that follows is its retransmission); a promise above every
   * promise on its slots is Phase1b on the 1a of that ballot when one was sent and the step is
   * enabled (its 1b, with the acceptor's latest votes, is then inferred here and the logged one
   * checked against it), else the promise alone: a restriction, never a reason to reject.
   */
  const persist = (e: MpEvent & { kind: 'persist' }): boolean => {
    const d = durable[e.node]!;
    d.logged = true;
    d.line = line;
    for (const v of e.votes) {
      d.votes.set(v.slot, Math.max(d.votes.get(v.slot) ?? -1, v.mbal));
      const r = st.slots.get(v.slot);
      if (r !== undefined && r.vbal[e.node] === v.mbal && r.vval[e.node] === v.mval) continue;
      if (v.slot < pruned && r === undefined) continue;
      if (!phase2b({ type: '2b', acc: e.node, bal: v.mbal, slot: v.slot, val: v.mval })) {
        return false;
      }
    }
    if (e.maxBal > d.bal) d.bal = e.maxBal;
    const range: Range = { from: e.from, to: e.to };
    if (e.maxBal >= 0 && e.maxBal > promiseOn(st, e.node, range).bal) {
      const oneA = st.oneAs.get(e.maxBal)?.[0];
      const has1b = st.oneBs.get(e.maxBal)?.some((x) => x.acc === e.node) ?? false;
      if (oneA !== undefined && !has1b && e.maxBal > promiseOn(st, e.node, oneA).bal) {
        inferred.add(`${e.maxBal}:${e.node}`);
        take1b({ type: '1b', acc: e.node, bal: e.maxBal, from: oneA.from, to: oneA.to,
          votes: latestVotes(st, e.node, oneA, replicas.compacted(e.node)) });
        cover('persist: Phase1b');
      } else addPromise(st, e.node, range, e.maxBal, line);
    }
    cover('persist');
    return true;
  };

  const persisted = (m: MpMsg): boolean => {
    if (m.type !== '1b' && m.type !== '2b') return true;
    const d = durable[m.acc]!;
    if (!d.logged) return true;
    const isVote = m.type === '2b';
    const ok = isVote ? (d.votes.get(m.slot) ?? -1) >= m.bal : d.bal >= m.bal;
    if (ok) {
      if (isVote) d.votes.delete(m.slot);
      return true;
    }
    return reject(rejection(line, 'persist-before-send', `${w.acc(m.acc)} sent a ${m.type} ` +
      `announcing ${isVote ? `its vote in slot ${m.slot}, ballot ${w.bal(m.bal)}` : `its ` +
      `promise of ballot ${w.bal(m.bal)}`} before making it durable: a crash now would make it ` +
      `forget`, { acceptor: w.acc(m.acc), ballot: m.bal, ...(isVote ? { slot: m.slot } : {}),
      messages: d.line > 0 ? [msgAt(d.line, `last persist of ${w.acc(m.acc)}`)] : [] }));
  };

  // --- events -------------------------------------------------------------------------------

  const send = (node: number, m: MpMsg): boolean => {
    // A retransmission announces nothing new: persist before send judges first sends only.
    if (m.type === '2b' && wasSent(m)) return retransmit();
    if (m.type === '1b' && sameVotes(st.oneBs.get(m.bal)?.find((x) => x.acc === m.acc
      && x.from === m.from && x.to === m.to)?.votes ?? null, m.votes)) return retransmit();
    if (!persisted(m) && rejections.length >= rejectionsMax) return false;
    switch (m.type) {
      case '1a': return phase1a(m);
      case '1b': return phase1b(m);
      case '2a': return inSummary(m) ? summarized(m) : phase2a(m);
      case '2b': return inSummary(m) ? summarized(m) : phase2b(m);
      case 'commit':
        extras.add(extraKey(m));
        return claimChosen('commit', `${w.node(node)} announced ${w.val(m.val)} as chosen`, m.slot,
          m.val);
      case 'reject':
        extras.add(extraKey(m));
        return checkReject(m);
      case 'ext': return true;
    }
  };

  const wasSent = (m: MpMsg): boolean => {
    switch (m.type) {
      case '1a': return st.oneAs.get(m.bal)?.some((x) => x.from === m.from && x.to === m.to)
        ?? false;
      case '1b': return st.oneBs.get(m.bal)?.some((x) => x.acc === m.acc && x.from === m.from
        && x.to === m.to) ?? false;
      case '2a': return st.slots.get(m.slot)?.twoA.get(m.bal)?.val === m.val;
      case '2b': return st.slots.get(m.slot)?.twoB.get(m.bal)?.val[m.acc] === m.val;
      case 'commit': case 'reject': return extras.has(extraKey(m));
      case 'ext': return true;
    }
  };

  const recv = (node: number, m: MpMsg): boolean => {
    if (inSummary(m) || wasSent(m)) {
      cover('recv');
      return true;
    }
    return reject(rejection(line, 'recv', `${w.node(node)} received a message that was never ` +
      `sent (m \\in msgs fails): ${showMsg(w, m)}`, { ...('slot' in m ? { slot: m.slot } : {}) }));
  };

  /** A learn or commit: v must be the value chosen in slot s. */
  const claimChosen = (rule: string, claim: string, s: number, v: number): boolean => {
    const c = chosenAt(s);
    if (c !== null && c.val === v) {
      cover(rule);
      return true;
    }
    if (c !== null) {
      return reject(rejection(line, 'LogAgreement', `${claim} in slot ${s}, but ` +
        `${w.val(c.val)} is chosen there (ballot ${w.bal(c.bal)}, line ${c.line})`,
      { slot: s, value: w.val(v), messages: [msgAt(c.line, `${w.val(c.val)} chosen in ballot ` +
        `${w.bal(c.bal)}`)] }));
    }
    const r = st.slots.get(s);
    const seen = r === undefined ? 'no acceptor voted in it' : [...r.twoB].slice(0, 3)
      .map(([b, bs]) => `ballot ${w.bal(b)}: ${cluster.acceptors.filter((_, a) => bs.val[a]
        === v).join(', ') || 'none'}`).join('; ');
    return reject(rejection(line, rule, `${claim} in slot ${s}, but no quorum voted for it ` +
      `(votes for it: ${seen})`, { slot: s, value: w.val(v) }));
  };

  const checkReject = (m: MpMsg & { type: 'reject' }): boolean => {
    let max = -1;
    for (const p of st.promises[m.acc] ?? []) max = Math.max(max, p.bal);
    for (const r of st.slots.values()) max = Math.max(max, r.bal[m.acc] as number);
    const claimed = m.promised ?? max;
    if (claimed <= max && m.bal <= claimed) {
      cover('reject');
      return true;
    }
    const why = claimed > max ? `${w.acc(m.acc)} claims to have promised ballot ` +
      `${w.bal(claimed)}, but it joined no ballot above ${w.bal(max)}`
      : `${w.acc(m.acc)} refused ballot ${w.bal(m.bal)} though it had promised only ballot ` +
        `${w.bal(claimed)}`;
    return reject(rejection(line, 'reject', why, { acceptor: w.acc(m.acc), ballot: m.bal }));
  };

  const acting = (node: number, what: string): boolean => {
    if (!crashed.has(node)) return true;
    return reject(rejection(line, 'crash', `${w.node(node)} ${what} while crashed (it crashed ` +
      `and has not restarted)`, {}));
  };

  const event = (e: MpEvent, l: number): boolean => {
    line = l;
    events++;
    replicas.tick(l);
    switch (e.kind) {
      case 'send':
        if (!acting(e.node, 'sent a message')) return false;
        return send(e.node, e.msg);
      case 'recv':
        if (!acting(e.node, 'received a message')) return false;
        return recv(e.node, e.msg);
      case 'persist':
        if (!acting(e.node, 'persisted')) return false;
        return persist(e);
      case 'learn':
        if (!acting(e.node, 'learned')) return false;
        if (!claimChosen('learn', `${w.node(e.node)} learned ${w.val(e.val)}`, e.slot, e.val)) {
          return false;
        }
        return replicas.learn(e);
      case 'crash':
        crashed.add(e.node);
        return replicas.lifecycle(e);
      case 'restart':
        crashed.delete(e.node);
        return replicas.lifecycle(e);
      case 'apply': case 'snapshot': case 'compact':
        if (!acting(e.node, e.kind === 'apply' ? 'applied a slot' : `logged a ${e.kind}`)) {
          return false;
        }
        return replicas.replicaEvent(e);
      case 'config':
        if (!acting(e.node, 'changed its members')) return false;
        return config(e);
      case 'leader':
        if (!acting(e.node, 'claimed leadership')) return false;
        return replicas.leader(e);
      case 'invoke': case 'return': case 'client-crash': case 'client-restart':
        return replicas.client(e);
    }
  };

  return {
    event: (e, l) => {
      event(e, l);
      return rejections.length < rejectionsMax;
    },
    end: () => replicas.end(),
    summary: () => ({ events, steps, retransmissions, slotsChosen, applies: replicas.applies(),
      rejections, coverage: coverage === null ? null : Object.fromEntries([...coverage]
        .sort(([x], [y]) => x.localeCompare(y))), calls: replicas.calls(),
      slotRecords: st.slots.size }),
  };
}

/** reconfig.ts's Known conjunct, as a Phase2a rejection names it. */
const KNOWN = '\\A t \\in 0..s-Alpha : Chosen(t) # {}';

/**
 * The members of each slot as the config events set them (the header's `members` before any),
 * and each slot's quorums: the majorities of its members, or the cluster's without `alpha`.
 */
function createConfigs(n: number, cluster: Cluster) {
  const initial = cluster.reconfig?.members ?? (2 ** n) - 1;
  /** Ascending by from. */
  const epochs: { from: number; members: number; line: number }[] = [];
  const systems = new Map<number, QuorumSystem>();
  const membersAt = (s: number): number => {
    let members = initial;
    for (const e of epochs) if (e.from <= s) members = e.members;
    return members;
  };
  return {
    at: (from: number) => epochs.find((e) => e.from === from) ?? null,
    add: (from: number, members: number, line: number): void => {
      epochs.push({ from, members, line });
      epochs.sort((x, y) => x.from - y.from);
    },
    quorumsAt: (s: number): QuorumSystem => {
      if (cluster.reconfig === undefined) return cluster.quorums;
      const members = membersAt(s);
      let q = systems.get(members);
      if (q === undefined) systems.set(members, (q = majoritiesOf(n, members)));
      return q;
    },
    membersAt,
    show: (members: number): string =>
      `{${cluster.acceptors.filter((_, a) => ((members >>> a) & 1) === 1).join(', ')}}`,
  };
}

/** Rules no hidden step can repair: what hides can add messages, never remove one. */
const IRREPARABLE: ReadonlySet<string> = new Set(['R1', "R2'", 'Consistency', 'OneValuePerBallot',
  'LogAgreement']);

function showRange(r: Range): string {
  return r.from === r.to ? `slot ${r.from}` : r.to === -1 ? `slots ${r.from} on`
    : `slots ${r.from}..${r.to}`;
}

function sameVotes(xs: ReadonlyMap<number, Vote> | null, ys: readonly Vote[]): boolean {
  return xs !== null && xs.size === ys.length && ys.every((v) => {
    const x = xs.get(v.slot);
    return x !== undefined && x.mbal === v.mbal && x.mval === v.mval;
  });
}

/** The lowest slot where two ascending vote lists differ, or null when they are equal. */
function firstDifference(want: readonly Vote[], got: readonly Vote[]): number | null {
  let i = 0;
  let j = 0;
  while (i < want.length || j < got.length) {
    const x = want[i];
    const y = got[j];
    if (x === undefined) return (y as Vote).slot;
    if (y === undefined) return x.slot;
    if (x.slot !== y.slot) return Math.min(x.slot, y.slot);
    if (x.mbal !== y.mbal || x.mval !== y.mval) return x.slot;
    i++;
    j++;
  }
  return null;
}

function extraKey(m: MpMsg): string {
  return m.type === 'commit' ? `c:${m.slot}:${m.val}:${m.bal}`
    : m.type === 'reject' ? `r:${m.acc}:${m.bal}:${m.promised}` : '';
}
