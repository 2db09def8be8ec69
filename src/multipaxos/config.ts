/**
 * Membership changes through the log, with Lamport's alpha window: the design that
 * spec/multipaxos/reconfig.ts states and the engine checks (docs/reconfiguration.md).
 *
 * An `add-server` or `remove-server` command is a command like any other: a client (an operator)
 * sends it to the leader, it is chosen in some slot i, and every replica applies it in slot
 * order. It changes the voting members of the slots from i + alpha on. So the members of slot s
 * depend only on slots <= s - alpha, and a replica that applied everything below `applied`
 * knows the members of every slot below applied + alpha: that is `configAt`. Three rules keep
 * the spec's conjuncts:
 *  - Known: a leader proposes in slot s only when s < applied + alpha (`proposalLimit`);
 *  - SlotQuorum: its promises must include a majority of every configuration it knows
 *    (`coversKnown`); when a new one comes into force without that, it runs phase 1 again
 *    with a higher ballot (leader.ts's proposeQueued);
 *  - member-only counting: a slot is chosen when a majority of its own members voted
 *    (`isQuorumAt`); a learner's vote counts for nothing.
 *
 * A new server is a learner until the slot where its addition takes effect: it starts empty,
 * learns the log from commit notices and catch-up like any lagging replica, votes (harmlessly)
 * and never starts an election. Operators add it once it has caught up (the simulator does).
 * The configurations live in the replica (from `applied` on) and in the durable snapshot, so a
 * restart recovers them from the snapshot and relearns the rest with the log.
 *
 * Left out: changing alpha itself, and the joint-consensus style of changing many servers at
 * once (the alpha window permits it; the commands here change one server at a time, which is
 * what operators do and what keeps a majority of the old members in every new majority).
 */
import type { ConfigOp, Epoch, ServerState } from './types.js';

/** Popcount of a bitmask of servers. */
export function size(set: number): number {
  let n = 0;
  for (let x = set >>> 0; x !== 0; x &= x - 1) n++;
  return n;
}

/** Whether `voters` include a majority of `members`. */
export function isMajorityOf(voters: number, members: number): boolean {
  return 2 * size(voters & members) > size(members);
}

/** The configurations known to this replica, in force from `applied` on: never empty. */
export function knownConfigs(s: ServerState): readonly Epoch[] {
  const c = s.replica.configs;
  return c.length > 0 ? c : [{ from: 0, members: s.config.members }];
}

/** The members of `slot`, or null when it is at or beyond applied + alpha (not known yet). */
export function configAt(s: ServerState, slot: number): number | null {
  if (slot >= s.replica.applied + s.config.alpha) return null;
  let members: number | null = null;
  for (const e of knownConfigs(s)) if (e.from <= slot) members = e.members;
  return members ?? knownConfigs(s)[0]!.members;
}

/** The members of the slot this replica applies next: the configuration in force here now. */
export function currentMembers(s: ServerState): number {
  return configAt(s, s.replica.applied)!;
}

/** Whether this server votes in the slot it applies next (learners do not run elections). */
export function isVoter(s: ServerState): boolean {
  return ((currentMembers(s) >>> s.config.id) & 1) === 1;
}

/** A slot is chosen when a majority of its own members voted for one value in one ballot. */
export function isQuorumAt(s: ServerState, slot: number, voters: number): boolean {
  const members = configAt(s, slot);
  return members !== null && isMajorityOf(voters, members);
}

/** Whether `voters` include a majority of every configuration known here. */
export function coversKnown(s: ServerState, voters: number): boolean {
  return knownConfigs(s).every((e) => isMajorityOf(voters, e.members));
}

/** A configuration change applied here that is not in force yet (a leader pads to it). */
export function configPending(s: ServerState): boolean {
  return knownConfigs(s).some((e) => e.from > s.replica.applied);
}

/**
 * The first slot a leader may not propose in: applied + alpha (Known), or the first slot at
 * all when its promises do not cover every known configuration (it must run phase 1 again).
 */
export function proposalLimit(s: ServerState): number {
  if (!coversKnown(s, s.leader.promised)) return -1;
  return s.replica.applied + s.config.alpha;
}

/** The members after `op`; an add of a member or a remove of the last member changes nothing. */
export function changed(members: number, op: ConfigOp): number {
  const bit = 1 << op.server;
  if (op.op === 'add-server') return members | bit;
  const rest = members & ~bit;
  return rest === 0 ? members : rest;
}

/**
 * The configurations after applying `op` chosen in `slot`: its members govern slot + alpha on.
 * `applied` is the replica's next slot after this one; epochs no longer needed are dropped.
 */
export function withConfigOp(
  s: ServerState, configs: readonly Epoch[], slot: number, op: ConfigOp,
): readonly Epoch[] {
  const list = configs.length > 0 ? configs : knownConfigs(s);
  const last = list[list.length - 1]!;
  const from = slot + s.config.alpha;
  const members = changed(last.members, op);
  if (members === last.members) return list;
  return [...list.filter((e) => e.from < from), { from, members }];
}

/** Drops the epochs that no slot from `applied` on can use (all but the last one in force). */
export function trimConfigs(configs: readonly Epoch[], applied: number): readonly Epoch[] {
  let first = 0;
  while (first + 1 < configs.length && configs[first + 1]!.from <= applied) first++;
  return first === 0 ? configs : configs.slice(first);
}

/** Members as people read them: {n1, n2, n3}. */
export function showMembers(members: number): string {
  const names: string[] = [];
  for (let i = 0; i < 31; i++) if ((members >>> i) & 1) names.push(`s${i + 1}`);
  return `{${names.join(', ')}}`;
}
