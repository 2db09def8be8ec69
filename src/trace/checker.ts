/**
 * The trace checker for fully logged traces: each event is mapped onto the spec action it
 * claims, the action's enabling conditions are tested on the incremental spec state
 * (state.ts), and the step is taken. The mapping (docs/trace-format.md):
 *
 *   send 1a            Phase1a(bal)                 always enabled
 *   send 1b            Phase1b(acc) on the 1a(bal)  1a sent, bal > maxBal[acc], reports the vote
 *   send 2a            Phase2a(bal, val)            no 2a for bal, a quorum's 1b show val safe
 *   send 2b            Phase2b(acc) on the 2a       2a sent, bal >= maxBal[acc]
 *   persist            the durable half of Phase1b or Phase2b, or nothing new
 *   send of a message already in msgs   a retransmission: a stutter (msgs is a set)
 *   recv               the message is in msgs
 *   learn, commit      the value is chosen;  reject: the acceptor had promised that much
 *   invoke/return      one call at a time per client; a returned value is chosen
 *   crash/restart      a crashed node does nothing; a restart recovers its durable state
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
 * Left out here: hidden steps. A partial trace goes to partial.ts.
 */
import {
  send as sendSorted, type Action, type Ballot, type Constants, type Message, type Msg1b,
    type PaxosState,
  type Value,
} from '../../spec/paxos.js';
import { showMessage, stepProperties, type Names } from '../../spec/properties.js';
import { constantsOf, type Cluster, type Durable, type Event, type NameTable,
  type TraceMessage } from './events.js';
import {
  ballotName, namesOf, refuseAction, refuseClaim, type RefusalContext, type Rejection, type Witness,
} from './judge.js';
import { addMessage, ballotsOf, chosenIn, initialState, oneBsOf, otherVoteIn, sentLine,
  toSpecState, twoBsOf, votersOf, type TraceState } from './state.js';
import { fromSpecState } from './rebuild.js';
import { firstViolation } from './safety.js';
import { applyPhase1b, applyPhase2b, canPhase1b, canPhase2a, canPhase2b,
  reply1b } from './steps.js';
import { createReceipts, type Unjustified } from './received.js';

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
}


export function createChecker(cluster: Cluster, table: NameTable,
  options: CheckOptions = {}): Checker {
  let s = initialState(cluster.acceptors.length, cluster.quorums);
  const rejections: Rejection[] = [];
  const rejectionsMax = options.rejectionsMax ?? 1;
  const crashed = new Map<number, number>();
  const clientCrashed = new Map<number, number>();
  const pending = new Map<number, { op: 'set' | 'get'; line: number }>();
  const sentExtras = new Set<string>();
  let settled: { val: Value; line: number } | null = null;
  let events = 0;
  let steps = 0;
  let retransmissions = 0;
  let line = 0;
  let names: Names | null = null;
  /** What each node received, when the header says receives are logged (received.ts). */
  const receipts = cluster.header.receives === true ? createReceipts(cluster.quorums) : null;

  const retransmit = (): true => {
    retransmissions++;
    return true;
  };
  const k = (): Constants => constantsOf(cluster, table);
  const ctx = (involved: readonly Message[] = [], lines: readonly number[] = []): RefusalContext =>
    ({ k: k(), state: s, cluster, table, line, involved, lines });
  /** The message by which acceptor a made its current promise maxBal[a] (its 1b or 2b). */
  const promiseOf = (a: number): Message[] => {
    const b = s.maxBal[a] as number;
    const x1b = oneBsOf(s, b, a)[0];
    if (x1b !== undefined) return [{ type: '1b', acc: a, bal: b, mbal: x1b.value.mbal,
      mval: x1b.value.mval }];
    const x2b = twoBsOf(s, b, a)[0];
    return x2b === undefined ? [] : [{ type: '2b', acc: a, bal: b, val: x2b.value }];
  };
  /** The 1a or 2a an acceptor's step acts on, when it was sent. */
  const ifSent = (m: Message): Message[] => (sentLine(s, m) === -1 ? [] : [m]);
  const nameOf = (node: number): string => table.nodes[node] ?? `#${node}`;
  const acc = (a: number): string => cluster.acceptors[a] ?? `#${a}`;
  const val = (v: Value | null): string => (v === null ? 'None' : (names ??= namesOf(cluster,
    table)).value(v));

  /** Records a rejection; in keep-going mode the forced state becomes the state. */
  const reject = (r: Rejection, forced: PaxosState | null): false => {
    rejections.push(r);
    if (forced !== null && rejections.length < rejectionsMax) s = fromSpecState(forced, s, line);
    return false;
  };
  const refuse = (r: Rejection, forced: ((p: PaxosState) => PaxosState) | null): false =>
    reject(r, forced === null ? null : forced(toSpecState(s)));

  // --- the spec's four actions --------------------------------------------------------------

  const phase1b = (a: number, bal: Ballot, logged: Msg1b | null): boolean => {
    // The common case first, allocating nothing: enabled, and the 1b reports a's latest vote.
    if (!canPhase1b(s, a, bal)) return refuse1b(a, bal, logged);
    if (logged !== null && (logged.mbal !== s.maxVBal[a] || logged.mval !== s.maxVal[a])) {
      return refuse1b(a, bal, logged);
    }
    applyPhase1b(s, a, bal, line);
    steps++;
    return true;
  };

  /** Phase1b(a) refused: not enabled, or the logged 1b is not the one it sends. */
  const refuse1b = (a: number, bal: Ballot, logged: Msg1b | null): false => {
    const m1a = { type: '1a', bal } as const;
    const text = `Phase1b(${acc(a)}) on 1a(bal ${bal})`;
    const reply = reply1b(s, a, bal);
    const shown = logged ?? reply;
    const forced = (p: PaxosState): PaxosState => withAcceptor(withMsg(p, shown), a,
      { maxBal: bal });
    const action: Action = { name: 'Phase1b', a, m: m1a };
    if (!canPhase1b(s, a, bal)) {
      const earlier = logged !== null && s.maxBal[a] === bal
        ? oneBsOf(s, bal, a)[0] : undefined;
      const why = earlier === undefined ? null : {
        conjunct: 'mbal |-> maxVBal[a], mval |-> maxVal[a]',
        why: `${acc(a)} already sent its 1b for ballot ${bal} at line ${earlier.line}, reporting ` +
          `<<${earlier.value.mbal}, ${val(earlier.value.mval)}>>; this one reports ` +
            `<<${shown.mbal}, ${val(shown.mval)}>>`,
      };
      const involved = [...ifSent(m1a), ...promiseOf(a), shown];
      if (why !== null) return refuse(refuseClaimAction(ctx(involved), action, text, why), forced);
      return refuse(refuseAction(ctx(involved), action, text, forced, null), forced);
    }
    return refuse(refuseAction(ctx([m1a, shown]), action, text, forced, {
      conjunct: 'mbal |-> maxVBal[a], mval |-> maxVal[a]',
      why: `${acc(a)}'s latest vote is <<${reply.mbal}, ${val(reply.mval)}>>, but its 1b ` +
        `reports <<${shown.mbal}, ${val(shown.mval)}>>`,
    }), forced);
  };

  const phase2a = (bal: Ballot, v: Value): boolean => {
    const forced = (p: PaxosState): PaxosState => withMsg(p, { type: '2a', bal, val: v });
    const involved = (): Message[] => [...toSpecState(s).msgs.filter((m) => m.bal === bal
      && (m.type === '1b' || m.type === '2a')),
      { type: '2a', bal, val: v }];
    const refuse2a = (): false => refuse(refuseAction(ctx(involved()), { name: 'Phase2a', b: bal,
      v },
      `Phase2a(${bal}, ${val(v)})`, forced, null), forced);
    if (!canPhase2a(s, bal, v)) return refuse2a();
    // R2' (incremental): only a new 2a can be a new "issued proposal"; compare it with the
    // chosen proposals below it. Implied by Inv3 and VotesSafe, so this is a safety net.
    const clash = s.chosen.find((c) => c.bal < bal && c.val !== v);
    if (clash !== undefined) return refuse(refuseAction(ctx(involved()), { name: 'Phase2a', b: bal,
      v }, `Phase2a(${bal}, ${val(v)})`, forced,
      { conjunct: "R2'", why: `${val(clash.val)} was chosen in ballot ${clash.bal}` }), forced);
    addMessage(s, { type: '2a', bal, val: v }, line);
    steps++;
    return true;
  };

  const phase2b = (a: number, bal: Ballot, v: Value): boolean => {
    // Taken anyway, the vote leaves a promise above bal in place: a buggy acceptor votes without
    // lowering maxBal, and R1 then names the broken promise rather than a withdrawn one.
    const forced = (p: PaxosState): PaxosState => withAcceptor(withMsg(p, { type: '2b', acc: a, bal,
      val: v }), a,
      { maxBal: Math.max(bal, p.maxBal[a] as number), maxVBal: bal, maxVal: v });
    if (!canPhase2b(s, a, bal, v)) {
      const m2a = { type: '2a', bal, val: v } as const;
      const involved = [...ifSent(m2a), ...promiseOf(a), { type: '2b', acc: a, bal,
        val: v } as const];
      return refuse(refuseAction(ctx(involved), { name: 'Phase2b', a, m: m2a },
        `Phase2b(${acc(a)}) on 2a(bal ${bal}, ${val(v)})`, forced, null), forced);
    }
    applyPhase2b(s, a, bal, v, line);
    steps++;
    return checkVotes(bal, v);
  };

  /**
   * OneValuePerBallot, Consistency and R2 after a new 2b(a, bal, v): only votes in bal changed,
   * and only (bal, v) can have become chosen, so these are the only places they can fail.
   */
  const checkVotes = (bal: Ballot, v: Value): boolean => {
    const other = otherVoteIn(s, bal, v);
    // s.chosen has one entry per chosen value: two entries are two values chosen, which breaks
    // Consistency, and R2 (a higher ballot choosing another value) with it.
    const split = s.chosen.length > 1;
    if (!other && !split) return true;
    const spec = toSpecState(s);
    const violation = firstViolation(k(), spec, names ??= namesOf(cluster, table));
    if (violation === null) throw new Error(`checker: incremental check disagrees with the spec ` +
      `at line ${line}`);
    return reject(refuseClaim(ctx(), violation.property, violation.summary, (p) => p), null);
  };

  // --- events -------------------------------------------------------------------------------

  /**
   * Persist before send (DESIGN.md, "The implementation"; etcd-raft's Ready contract): once an
   * acceptor logs persists at all, a 1b or 2b it sends must be covered by what it persisted, or
   * a crash right after the send would make it forget a promise or a vote it announced.
   */
  const durable = {
    /** The line of each acceptor's last persist, or -1 when it has logged none. */
    line: cluster.acceptors.map(() => -1),
    maxBal: cluster.acceptors.map(() => -1),
    maxVBal: cluster.acceptors.map(() => -1),
  };
  const covered = (m: Message): boolean => {
    if (m.type !== '1b' && m.type !== '2b') return true;
    const a = m.acc;
    const logged = durable.line[a] as number;
    if (logged === -1 || ((durable.maxBal[a] as number) >= m.bal && (m.type === '1b'
      || (durable.maxVBal[a] as number) >= m.bal))) return true;
    const d = { line: logged, maxBal: durable.maxBal[a], maxVBal: durable.maxVBal[a] };
    const what = m.type === '1b' ? `its promise of ballot ${m.bal}` : `its vote in ballot ${m.bal}`;
    return refuse(refuseClaim(ctx([m]), 'persist-before-send',
      `${acc(m.acc)} sent a ${m.type} announcing ${what} before making it durable (its last ` +
        `persist, at line ` +
      `${d.line}, has maxBal ${d.maxBal} and maxVBal ${d.maxVBal}): a crash now would make it ` +
        `forget`, null,
      { acceptor: acc(m.acc), ballot: m.bal }), null);
  };

  const send = (node: number, m: TraceMessage): boolean => {
    if ((m.type === '1b' || m.type === '2b') && !covered(m)) return false;
    switch (m.type) {
      case '1a':
        if (!addMessage(s, m, line)) return retransmit();
        steps++;
        return true;
      case '1b':
        if (sentLine(s, m) !== -1) return retransmit();
        return phase1b(m.acc, m.bal, m);
      case '2a':
        if (sentLine(s, m) !== -1) return retransmit();
        return phase2a(m.bal, m.val);
      case '2b':
        if (sentLine(s, m) !== -1) return retransmit();
        return phase2b(m.acc, m.bal, m.val);
      case 'commit':
        sentExtras.add(extraKey(m));
        return claimChosen('commit', () => `${nameOf(node)} announced ${val(m.val)} as chosen`,
          m.val,
          m.bal);
      case 'reject':
        sentExtras.add(extraKey(m));
        return checkReject(m.acc, m.bal, m.promised);
      case 'ext':
        return true;
    }
  };

  const recv = (node: number, m: TraceMessage): boolean => {
    const sent = m.type === 'ext' ? true
      : m.type === 'commit' || m.type === 'reject' ? sentExtras.has(extraKey(m)) : sentLine(s,
        m) !== -1;
    if (sent) return true;
    return refuse(refuseClaim(ctx(), 'recv',
      `${nameOf(node)} received a message that was never sent (m \\in msgs fails): ` +
        `${m.type === '1a' || m.type === '1b' || m.type === '2a' || m.type === '2b'
          ? showMessage(m, names ??= namesOf(cluster, table)) : JSON.stringify(m)}`, null), null);
  };

  /** The claim that v is chosen (in bal, or in any ballot); its words are built on refusal. */
  const claimChosen = (rule: string, claim: () => string, v: Value, bal: Ballot | -1): boolean => {
    const chosen = bal === -1
      ? s.chosen.some((c) => c.val === v) : chosenIn(s, bal, v);
    if (chosen) return true;
    const where = bal === -1 ? 'in any ballot' : `in ballot ${bal}`;
    const votes = [...ballotsOf(s)]
      .filter((b) => bal === -1 || b === bal)
      .map((b) => ({ b, mask: votersOf(s, b, v) }))
      .filter((x) => x.mask !== 0);
    const seen = votes.length === 0 ? 'no acceptor voted for it'
      : votes.slice(0, 3).map((x) => `ballot ${x.b}: ${maskNames(x.mask).join(', ')}`).join('; ');
    const witness: Witness = { value: val(v), ...(bal === -1 ? {} : { ballot: bal }) };
    return refuse(refuseClaim(ctx(), rule,
      `${claim()}, but no quorum voted for it ${where} (votes seen: ${seen})`, null, witness), null);
  };

  const maskNames = (mask: number): string[] => cluster.acceptors.filter((_,
    a) => ((mask >>> a) & 1) === 1);

  const checkReject = (a: number, bal: Ballot, promised: Ballot | -1 | null): boolean => {
    const maxBal = s.maxBal[a] as number;
    const claimed = promised ?? maxBal;
    if (claimed <= maxBal && bal <= claimed) return true;
    const why = claimed > maxBal
      ? `${acc(a)} claims to have promised ballot ${claimed}, but its maxBal is only ${maxBal}`
      : `${acc(a)} refused ballot ${bal} though it had promised only ballot ${claimed} (maxBal ` +
        `${maxBal})`;
    return refuse(refuseClaim(ctx(), 'reject', why, null, { acceptor: acc(a), ballot: bal }), null);
  };

  /**
   * persist: the logged durable state is the acceptor's state after the one step it makes
   * durable: Phase1b (only maxBal rises) or Phase2b (a new vote, maxBal = maxVBal), or nothing.
   */
  const persist = (a: number, d: Durable): boolean => {
    const ok = persistStep(a, d);
    if (ok) {
      durable.line[a] = line;
      durable.maxBal[a] = s.maxBal[a] as number;
      durable.maxVBal[a] = s.maxVBal[a] as number;
    }
    return ok;
  };

  const persistStep = (a: number, d: Durable): boolean => {
    const vote = d.vote;
    const sameVote = vote === null || (vote.maxVBal === s.maxVBal[a]
      && vote.maxVal === s.maxVal[a]);
    if (sameVote && d.maxBal === s.maxBal[a]) return true;
    if (sameVote && d.maxBal > (s.maxBal[a] as number)) return phase1b(a, d.maxBal, null);
    // A new vote is Phase2b, which sets maxBal to the vote's ballot; a vote logged under an
    // unchanged, higher maxBal is the same step taken below a promise, for Phase2b to refuse.
    const voteStep = d.maxBal === vote?.maxVBal || d.maxBal === s.maxBal[a];
    if (!sameVote && vote !== null && vote.maxVBal !== -1 && vote.maxVal !== null && voteStep) {
      if (sentLine(s, { type: '2b', acc: a, bal: vote.maxVBal, val: vote.maxVal }) === -1) {
        return phase2b(a, vote.maxVBal, vote.maxVal);
      }
    }
    return durableMismatch('persist', a, d);
  };

  const durableMismatch = (rule: string, a: number, d: Durable): false => {
    const shown = (b: number, vb: number,
      v: Value | null): string => `<<maxBal ${b}, maxVBal ${vb}, maxVal ${val(v)}>>`;
    const logged = shown(d.maxBal, d.vote?.maxVBal ?? (s.maxVBal[a] as number), d.vote === null
      ? s.maxVal[a] as Value | null : d.vote.maxVal);
    const why = `${acc(a)}'s durable state is ` +
      `${shown(s.maxBal[a] as number, s.maxVBal[a] as number, s.maxVal[a] as Value | null)} ` +
      `in the spec, and no single step of ${acc(a)} leads to the logged ${logged}`;
    const forced = (p: PaxosState): PaxosState => withAcceptor(p, a, {
      maxBal: d.maxBal, ...(d.vote === null ? {} : { maxVBal: d.vote.maxVBal,
        maxVal: d.vote.maxVal }),
    });
    return refuse(refuseClaim(ctx(), rule, why, forced, { acceptor: acc(a) }), forced);
  };

  const restart = (node: number, d: Durable | null): boolean => {
    crashed.delete(node);
    if (d === null || node >= cluster.acceptors.length) return true;
    const same = d.maxBal === s.maxBal[node]
      && (d.vote === null || (d.vote.maxVBal === s.maxVBal[node]
        && d.vote.maxVal === s.maxVal[node]));
    return same ? true : durableMismatch('restart', node, d);
  };

  const client = (e: Extract<Event, { kind: 'invoke' | 'return' }>): boolean => {
    const c = table.clients[e.client] ?? `#${e.client}`;
    const fail = (why: string, lines: number[] = []): false => refuse(refuseClaim(ctx([], lines),
      'client', why, null), null);
    const down = clientCrashed.get(e.client);
    if (down !== undefined) return fail(`client ${c} crashed at line ${down} and did not come back`,
      [down]);
    const call = pending.get(e.client);
    if (e.kind === 'invoke') {
      if (call !== undefined) return fail(`client ${c} called ${e.op} while its call at line ` +
        `${call.line} was pending`, [call.line]);
      if (e.op === 'set' && e.val === null) return fail(`client ${c} called set without a value`);
      pending.set(e.client, { op: e.op, line });
      return true;
    }
    if (call === undefined
      || call.op !== e.op) return fail(`client ${c} got a return of ${e.op} for a call it never ` +
        `made`);
    pending.delete(e.client);
    if (e.val === null) {
      // X is write-once: after any call has returned a value, X has it for good, so a GetVarX
      // invoked later that answers "not set" cannot be linearized (it must follow that return).
      if (settled === null || call.line < settled.line) return true;
      return fail(`client ${c}'s get, invoked at line ${call.line}, returned "not set", but X ` +
        `was already ` +
        `${val(settled.val)} when it was invoked (a call returned it at line ${settled.line}): ` +
          `not linearizable`,
      [call.line, settled.line]);
    }
    const v = e.val;
    if (!claimChosen('client', () => `${c}'s ${e.op} returned ${val(v)}`, v, -1)) return false;
    settled ??= { val: e.val, line };
    return true;
  };

  // --- judged by what the node received (received.ts) ----------------------------------------

  /** After an accepted send: a new 2a or a commit is justified by the sender's receipts. */
  const sentBy = (node: number, m: TraceMessage): boolean => {
    if (receipts === null) return true;
    if (m.type === '2a' || m.type === 'commit') {
      const u = m.type === 'commit' ? receipts.judgeLearn(node, m.val, m.bal, 'commit-received')
        : sentLine(s, m) === line ? receipts.judge2a(node, m.bal, m.val) : null;
      if (u !== null) return unjustified(node, u, m.bal, m.val);
    }
    receipts.receive(node, m, line);
    return true;
  };

  const learnedBy = (node: number, v: Value, bal: Ballot | -1): boolean => {
    const u = receipts?.judgeLearn(node, v, bal, 'learn-received') ?? null;
    return u === null ? true : unjustified(node, u, bal, v);
  };

  const unjustified = (node: number, u: Unjustified, bal: Ballot | -1, v: Value): false => {
    const n = names ??= namesOf(cluster, table);
    const from = u.from.length === 0 ? 'no acceptor' : `{${u.from.map(acc).join(', ')}}`;
    const lines = u.messages.map((x) => x.line);
    const seen = lines.length === 0 ? '' : ` (received at line${lines.length === 1 ? '' : 's'} ` +
      `${lines.join(', ')})`;
    const inBal = bal === -1 ? 'in any one ballot' : `of ballot ${bal}`;
    const why = u.rule === 'Phase2a-received'
      ? (u.safe === null
        ? `${nameOf(node)} sent 2a(bal ${bal}, ${val(v)}) having received 1b ${inBal} from ` +
          `${from} only${seen}: no quorum of promises`
        : `${nameOf(node)} sent 2a(bal ${bal}, ${val(v)}), but the 1b ${inBal} it had received ` +
          `from ${from}${seen} show only ${u.safe.map(val).join(', ')} safe: every quorum of ` +
          `them reports a higher vote for another value`)
      : `${nameOf(node)} ${u.rule === 'learn-received' ? 'learned' : 'announced as chosen'} ` +
        `${val(v)}, having received 2b for it ${inBal} from ${from} only${seen}, no quorum, and ` +
        `no commit of it`;
    return refuse(refuseClaim(ctx(u.messages.map((x) => x.msg), lines), u.rule, why, null, {
      ...(bal === -1 ? {} : { ballot: bal }), value: val(v), quorum: u.from.map(acc),
      messages: u.messages.map((x) => ({ line: x.line, text: showMessage(x.msg, n) })),
    }), null);
  };

  const alive = (node: number): boolean => {
    const down = crashed.get(node);
    if (down === undefined) return true;
    return refuse(refuseClaim(ctx([], [down]), 'crash',
      `${nameOf(node)} crashed at line ${down} and has not restarted, yet it acts ` +
        `here`, null), null);
  };

  const dispatch = (e: Event): boolean => {
    switch (e.kind) {
      case 'send': return alive(e.node) && send(e.node, e.msg) && sentBy(e.node, e.msg);
      case 'recv':
        if (!alive(e.node) || !recv(e.node, e.msg)) return false;
        receipts?.receive(e.node, e.msg, line);
        return true;
      case 'persist': return alive(e.node) && persist(e.node, e.state);
      case 'learn': return alive(e.node) && claimChosen('learn',
        () => `${nameOf(e.node)} learned ${val(e.val)}`, e.val, e.bal)
        && learnedBy(e.node, e.val, e.bal);
      case 'invoke': case 'return': return client(e);
      case 'crash': crashed.set(e.node, line); return true;
      case 'restart': return restart(e.node, e.state);
      case 'client-crash': clientCrashed.set(e.client, line); pending.delete(e.client); return true;
      case 'client-restart': clientCrashed.delete(e.client); return true;
    }
  };

  const fullCheck = (before: PaxosState | null): boolean => {
    const after = toSpecState(s);
    const n = names ??= namesOf(cluster, table);
    const v = (before === null ? null : stepProperties.map((p) => p.check(k(), before, after,
      n)).find((x) => x !== null))
      ?? firstViolation(k(), after, n);
    if (v === null || v === undefined) return true;
    return reject(refuseClaim(ctx(), v.property, v.summary, (p) => p), null);
  };

  return {
    event: (e, lineNo) => {
      line = lineNo;
      events++;
      const before = options.fullProperties === true ? toSpecState(s) : null;
      const ok = dispatch(e) && (before === null || fullCheck(before));
      return ok || rejections.length < rejectionsMax;
    },
    summary: () => ({
      events, steps, retransmissions, messages: s.size,
      chosen: s.chosen.map((c) => ({ value: val(c.val), ballot: c.bal,
        ballotText: ballotName(cluster, c.bal), line: c.line })),
      rejections,
    }),
    state: () => s,
  };
}

/** A refusal where the spec's guard fails for a reason the mismatch explains better. */
function refuseClaimAction(c: RefusalContext, action: Action, text: string,
  why: { conjunct: string; why: string }): Rejection {
  return { ...refuseClaim(c, action.name, why.why, null), action: text, conjunct: why.conjunct };
}

function extraKey(m: Extract<TraceMessage, { type: 'commit' | 'reject' }>): string {
  return m.type === 'commit' ? `c:${m.val}:${m.bal}` : `r:${m.acc}:${m.bal}:${m.promised}`;
}

function withMsg(p: PaxosState, m: PaxosState['msgs'][number]): PaxosState {
  return { ...p, msgs: sendSorted(p.msgs, m) };
}

function withAcceptor(
  p: PaxosState, a: number,
  d: { maxBal?: number; maxVBal?: number; maxVal?: Value | null },
): PaxosState {
  const set = <T>(xs: readonly T[], x: T | undefined): readonly T[] => {
    if (x === undefined) return xs;
    const next = xs.slice();
    next[a] = x;
    return next;
  };
  return { ...p, maxBal: set(p.maxBal, d.maxBal), maxVBal: set(p.maxVBal, d.maxVBal),
    maxVal: set(p.maxVal, d.maxVal) };
}
