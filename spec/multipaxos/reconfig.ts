/**
 * The per-slot spec with reconfiguration through the log: Lamport's alpha window ("Paxos Made
 * Simple", section 3, last paragraphs; "Reconfiguring a State Machine", 2010), written at the
 * level of Voting.tla, slot by slot, with one promise per server for the whole log (as a
 * Multi-Paxos acceptor keeps it).
 *
 * The idea: the configuration is part of the state the log builds. A value may be a
 * configuration command (the full new set of voting servers); one chosen in slot i governs
 * every slot from i + alpha on. So the configuration of slot s is a function of the values
 * chosen in slots 0..s-alpha, and is known to whoever has learned those slots. Three conjuncts
 * make this safe, and they are what the implementation (src/multipaxos/config.ts) must keep:
 *
 *  - Known: a value is proposed in slot s only once every slot <= s - alpha is chosen, so the
 *    proposer knows ConfigAt(s) exactly (a leader proposes at most alpha slots past what it
 *    has learned);
 *  - SlotQuorum: the proposal is shown safe by a quorum of ConfigAt(s) itself, not of the
 *    configuration the leader was elected in (a leader runs phase 1 again when a new
 *    configuration comes into force);
 *  - ChosenAt counts only the votes of members of ConfigAt(s): a server outside the slot's
 *    configuration may vote (it cannot know), but its vote makes nothing chosen.
 *
 * With these, no guard on *which* configuration may follow which is needed: consecutive
 * configurations need not share a server, a leader need not commit in its own ballot first,
 * and a change need not wait for the previous one. Raft needs those guards because there a
 * configuration takes effect before it is committed, so two uncommitted sibling configurations
 * can both be in force; here a configuration is in force only in slots whose alpha-th
 * predecessor is chosen, and what is chosen is unique. docs/reconfiguration.md explains both.
 *
 * Left out: messages (a 1b is the acceptor's current state, as in Voting.tla, which is sound
 * because the votes of a server that promised b are frozen below b), leaders and learners as
 * processes, and what the log drives. Servers are 0..servers-1; every one is an acceptor that
 * may vote in any slot.
 */
import { at } from '../at.js';


/** A server, and a set of servers as a bitmask (bit i for server i). */
export type Server = number;
export type ServerSet = number;
export type Ballot = number;
export type Slot = number;
/** 0..dataValues-1 are commands; dataValues + i is "the configuration becomes configs[i]". */
export type Value = number;

export interface Constants {
  readonly servers: number;
  /** The configuration of slots 0..alpha-1. */
  readonly initial: ServerSet;
  readonly dataValues: number;
  /** The configurations a configuration command may name. */
  readonly configs: readonly ServerSet[];
  readonly slots: number;
  /** Ballot = 0..maxBallot. */
  readonly maxBallot: number;
  /** A configuration chosen in slot i governs the slots from i + alpha on. */
  readonly alpha: number;
}

/**
 * maxBal[a]: the highest ballot a promised or voted in (-1: none), one for every slot.
 * votes[a][s][b]: the value a voted for in ballot b of slot s, or -1.
 * proposed[s][b]: the value the leader of ballot b proposed in slot s (its 2a), or -1.
 */
export interface State {
  readonly maxBal: readonly Ballot[];
  readonly votes: readonly (readonly (readonly Value[])[])[];
  readonly proposed: readonly (readonly Value[])[];
}

export type Action =
  | { readonly name: 'Phase1b'; readonly a: Server; readonly b: Ballot }
  | { readonly name: 'Phase2a'; readonly b: Ballot; readonly s: Slot; readonly v: Value }
  | { readonly name: 'Phase2b'; readonly a: Server; readonly b: Ballot; readonly s: Slot };

export type StepResult =
  | { readonly ok: true; readonly next: State }
  | { readonly ok: false; readonly conjunct: string; readonly why: string };

const refuse = (conjunct: string, why: string): StepResult => ({ ok: false, conjunct, why });

export const count = (set: ServerSet): number => {
  let n = 0;
  for (let x = set >>> 0; x !== 0; x &= x - 1) n++;
  return n;
};
/** Whether `voters` include a majority of `config`. */
export const isQuorumOf = (voters: ServerSet, config: ServerSet): boolean =>
  2 * count(voters & config) > count(config);
export const isConfigValue = (k: Constants, v: Value): boolean => v >= k.dataValues;
export const serverName = (a: Server): string => `n${a + 1}`;
export function showSet(set: ServerSet): string {
  const names: string[] = [];
  for (let a = 0; a < 31; a++) if ((set >>> a) & 1) names.push(serverName(a));
  return `{${names.join(', ')}}`;
}
export function showValue(k: Constants, v: Value): string {
  if (v < 0) return 'none';
  return isConfigValue(k, v)
    ? `config ${showSet(at(k.configs, v - k.dataValues, 'configs'))}` : `v${v + 1}`;
}

export function initialState(k: Constants): State {
  const ballots = (): Value[] => Array.from({ length: k.maxBallot + 1 }, () => -1);
  const slots = (): Value[][] => Array.from({ length: k.slots }, ballots);
  return {
    maxBal: Array.from({ length: k.servers }, () => -1),
    votes: Array.from({ length: k.servers }, slots),
    proposed: slots(),
  };
}

/** The servers that voted for v in ballot b of slot s. */
export function votersOf(st: State, s: Slot, b: Ballot, v: Value): ServerSet {
  let set = 0;
  st.votes.forEach((byServer, a) => {
    if (at(byServer, s, 'byServer')[b] === v) set |= 1 << a;
  });
  return set;
}

/**
 * Whether `voters` make a value chosen in a slot of configuration `config`. The spec's rule is
 * member-only counting (isQuorumOf): a majority of config's own members. Mutants in test/ pass
 * another rule to configsCounting.
 */
export type Counts = (voters: ServerSet, config: ServerSet) => boolean;

/** ChosenAt(s, v) under `config`: a majority of config voted for v in one ballot. */
export function chosenUnder(k: Constants, st: State, s: Slot, config: ServerSet,
  counts: Counts = isQuorumOf): Value[] {
  const out: Value[] = [];
  for (let b = 0; b <= k.maxBallot; b++) {
    const v = at(at(st.proposed, s, 'proposed'), b, 'proposed[s]');
    if (v >= 0 && !out.includes(v) && counts(votersOf(st, s, b, v), config)) out.push(v);
  }
  return out.sort((x, y) => x - y);
}

/**
 * ConfigAt(s) for every slot: the configuration after the configuration commands chosen in
 * slots 0..s-alpha, each slot judged under its own configuration; null from the first slot
 * whose alpha-th predecessor has nothing chosen (no one can know it yet). Where two values are
 * chosen in a slot (Consistency is then violated and reported) the smaller one counts.
 */
export function configs(k: Constants, st: State): readonly (ServerSet | null)[] {
  const known = memo.get(st);
  if (known !== undefined && known.k === k) return known.configs;
  const out = configsCounting(k, st, isQuorumOf);
  memo.set(st, { k, configs: out });
  return out;
}

/** ConfigAt of every slot when `counts` decides what is chosen (the spec: isQuorumOf). */
export function configsCounting(k: Constants, st: State, counts: Counts):
(ServerSet | null)[] {
  const out: (ServerSet | null)[] = [];
  for (let s = 0; s < k.slots; s++) {
    if (s < k.alpha) { out.push(k.initial); continue; }
    const prev = at(out, s - 1, 'out');
    const t = s - k.alpha;
    // Nulls only ever follow nulls, so with prev known, out[t] (t < s) is known too.
    const under = at(out, t, 'out');
    const chosen = prev === null || under === null ? [] : chosenUnder(k, st, t, under, counts);
    if (prev === null || chosen.length === 0) { out.push(null); continue; }
    const v = at(chosen, 0, 'chosen');
    out.push(isConfigValue(k, v) ? at(k.configs, v - k.dataValues, 'configs') : prev);
  }
  return out;
}

/** ConfigAt of a state, remembered: states are immutable, and every action asks again. */
const memo = new WeakMap<State, { readonly k: Constants;
  readonly configs: readonly (ServerSet | null)[] }>();

/** Phase1b(a, b): server a joins ballot b for every slot. Enabled: b > maxBal[a]. */
export function Phase1b(_k: Constants, st: State, a: Server, b: Ballot): StepResult {
  if (!(b > at(st.maxBal, a, 'maxBal'))) {
    return refuse('b > maxBal[a]', `${serverName(a)} has joined ballot ${st.maxBal[a]}`);
  }
  return { ok: true, next: { ...st, maxBal: st.maxBal.map((x, i) => (i === a ? b : x)) } };
}

/**
 * Voting.tla's ShowsSafeAt(Q, b, v) in slot s: every member of Q joined ballot b or higher, and
 * either none of them voted in s below b, or v is the value of the highest such vote.
 */
export function showsSafeAt(st: State, Q: ServerSet, b: Ballot, s: Slot, v: Value): boolean {
  let best = -1;
  let value = -1;
  for (let a = 0; a < st.maxBal.length; a++) {
    if (((Q >>> a) & 1) === 0) continue;
    if (at(st.maxBal, a, 'maxBal') < b) return false;
    for (let c = b - 1; c > best; c--) {
      const w = at(at(at(st.votes, a, 'votes'), s, 'votes[a]'), c, 'votes[a][s]');
      if (w >= 0) { best = c; value = w; break; }
    }
  }
  return best < 0 || value === v;
}

/** Every subset of `config` that is a majority of it. */
export function quorumsOf(config: ServerSet): ServerSet[] {
  const out: ServerSet[] = [];
  for (let q = config; q > 0; q = (q - 1) & config) if (isQuorumOf(q, config)) out.push(q);
  return out;
}

/**
 * The configuration a proposer in slot s must show safety to, or why it has none. The
 * spec's own is ConfigAt(s), and only when it is known (the Known conjunct); mutants in test/
 * replace this function.
 */
export type ConfigFor = (k: Constants, st: State, s: Slot) => ServerSet | string;

export const slotConfig: ConfigFor = (k, st, s) => {
  const c = at(configs(k, st), s, 'configs');
  return c !== null ? c
    : `slot ${s - k.alpha} has nothing chosen, so no one knows the configuration of slot ${s}`;
};

/**
 * Phase2a(b, s, v): the leader of ballot b sends its 2a for v in slot s. Enabled: it has not
 * proposed in s in ballot b (one value per ballot and slot); ConfigAt(s) is known (every slot
 * <= s - alpha is chosen); and some majority Q of ConfigAt(s) shows v safe at b in s.
 */
export function proposeWith(configFor: ConfigFor) {
  return (k: Constants, st: State, b: Ballot, s: Slot, v: Value): StepResult => {
    if (at(at(st.proposed, s, 'proposed'), b, 'proposed[s]') >= 0) {
      return refuse('proposed[s][b] = None', `ballot ${b} already proposed in slot ${s}`);
    }
    const config = configFor(k, st, s);
    if (typeof config === 'string') return refuse('\\A t \\in 0..s-Alpha : Chosen(t) # {}', config);
    if (!quorumsOf(config).some((Q) => showsSafeAt(st, Q, b, s, v))) {
      return refuse('\\E Q \\in Quorums(ConfigAt(s)) : ShowsSafeAt(Q, b, s, v)',
        `no majority of ${showSet(config)} shows ${showValue(k, v)} safe at ballot ${b} ` +
        `in slot ${s}`);
    }
    const proposed = st.proposed.map((row, i) => (i === s ? row.map((x, c) => (c === b ? v : x))
      : row));
    return { ok: true, next: { ...st, proposed } };
  };
}

export const Phase2a = proposeWith(slotConfig);

/**
 * Phase2b(a, b, s): server a votes for ballot b's proposal in slot s. Enabled: b proposed there,
 * b >= maxBal[a] (R1), and a has not voted in (b, s). Any server may vote; only members of the
 * slot's configuration count toward choosing it.
 */
export function Phase2b(_k: Constants, st: State, a: Server, b: Ballot, s: Slot): StepResult {
  const v = at(at(st.proposed, s, 'proposed'), b, 'proposed[s]');
  if (v < 0) return refuse('proposed[s][b] # None', `ballot ${b} proposed nothing in slot ${s}`);
  if (!(b >= at(st.maxBal, a, 'maxBal'))) {
    return refuse('b >= maxBal[a]', `${serverName(a)} has joined ballot ${st.maxBal[a]}`);
  }
  if (at(at(at(st.votes, a, 'votes'), s, 'votes[a]'), b, 'votes[a][s]') >= 0) {
    return refuse('votes[a][s][b] = None', 'voted already');
  }
  const votes = st.votes.map((byServer, i) => (i !== a ? byServer
    : byServer.map((row, t) => (t !== s ? row : row.map((x, c) => (c === b ? v : x))))));
  return { ok: true, next: { ...st, votes, maxBal: st.maxBal.map((x, i) => (i === a ? b : x)) } };
}

export interface Actions {
  readonly Phase1b: typeof Phase1b;
  readonly Phase2a: ReturnType<typeof proposeWith>;
  readonly Phase2b: typeof Phase2b;
}

export const actions: Actions = { Phase1b, Phase2a, Phase2b };

export function testStep(k: Constants, st: State, act: Action, impl: Actions = actions):
StepResult {
  switch (act.name) {
    case 'Phase1b': return impl.Phase1b(k, st, act.a, act.b);
    case 'Phase2a': return impl.Phase2a(k, st, act.b, act.s, act.v);
    case 'Phase2b': return impl.Phase2b(k, st, act.a, act.b, act.s);
  }
}

/** Every action the constants allow, in a fixed order (a model's labels index this list). */
export function allActions(k: Constants): Action[] {
  const out: Action[] = [];
  const values = k.dataValues + k.configs.length;
  for (let b = 0; b <= k.maxBallot; b++) {
    for (let a = 0; a < k.servers; a++) out.push({ name: 'Phase1b', a, b });
    for (let s = 0; s < k.slots; s++) {
      for (let v = 0; v < values; v++) out.push({ name: 'Phase2a', b, s, v });
      for (let a = 0; a < k.servers; a++) out.push({ name: 'Phase2b', a, b, s });
    }
  }
  return out;
}

export function showAction(k: Constants, act: Action): string {
  switch (act.name) {
    case 'Phase1b': return `Phase1b(${serverName(act.a)}, ${act.b})`;
    case 'Phase2a': return `Phase2a(${act.b}, slot ${act.s}, ${showValue(k, act.v)})`;
    case 'Phase2b': return `Phase2b(${serverName(act.a)}, ${act.b}, slot ${act.s})`;
  }
}
