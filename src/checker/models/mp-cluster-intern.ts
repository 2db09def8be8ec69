/**
 * Hash-consing of the Multi-Paxos reducer's data (src/multipaxos/types.ts) for the exhaustive
 * cluster model (mp-cluster.ts): every distinct server state and message gets a small number,
 * and equal data gets the same number, however it was built.
 *
 * How it stays cheap and canonical: each type has its own table whose key is built field by
 * field, in a fixed order, from the numbers of its parts (a server state's key is five numbers:
 * its config, durable record, leader, replica and waiting list). An object already numbered is
 * found by identity first (a WeakMap), and the reducer builds a successor with `{ ...s, leader }`,
 * sharing every part it did not change, so a step serializes only the parts it changed, and
 * those only as a list of small numbers. Nothing is JSON-serialized except leaves that the
 * bounded models hardly vary (an operation, the state machine's data, sessions, snapshots,
 * configurations), each once per distinct object.
 *
 * One field is left out of the key on purpose: a leader's `attempts` (failed elections), which
 * only sets how long the next election timer waits (leader.ts `electionWait`). The model
 * abstracts time away (any armed timer may fire at any moment), so two states that differ only
 * there have the same steps to the same successors: identifying them is exact.
 *
 * The first object seen with a key is the canonical one: decoding a number gives it back, so
 * successors of a decoded state share its parts and hit the identity cache.
 */
import type {
  Ballot, Command, Durable, Entry, Inflight, LeaderState, Msg, PendingRead, ReplicaState,
  ServerConfig, ServerState, Vote,
} from '../../multipaxos/index.js';

/** One type's table: key -> number, number -> canonical object, object -> number. */
export class Table<T extends object> {
  private readonly ids = new Map<string, number>();
  private readonly known = new WeakMap<object, number>();
  readonly items: T[] = [];
  constructor(private readonly keyOf: (x: T) => string) {}

  idOf(x: T): number {
    const seen = this.known.get(x);
    if (seen !== undefined) return seen;
    const key = this.keyOf(x);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.items.length;
      this.ids.set(key, id);
      this.items.push(x);
    }
    this.known.set(x, id);
    return id;
  }

  get(id: number): T {
    const x = this.items[id];
    if (x === undefined) throw new Error(`mp-cluster model bug: no item ${id}`);
    return x;
  }

  /** The canonical object equal to x. */
  canonical(x: T): T {
    return this.get(this.idOf(x));
  }
}

const bal = (b: Ballot): string => `${b.round}.${b.server}`;
const json = <T extends object>(): Table<T> => new Table<T>((x) => JSON.stringify(x));

/** The tables of one model run. */
export class Interner {
  readonly leaves = json<object>();
  readonly commands = new Table<Command>((c) => `${c.client}/${c.seq}/${this.leaves.idOf(c.op)}`);
  readonly cmdLists = new Table<readonly Command[]>((xs) =>
    xs.map((c) => this.commands.idOf(c)).join(','));
  readonly entries = new Table<Entry>((e) => `${e.id}|${this.cmdLists.idOf(e.cmds)}`);
  readonly votes = new Table<Vote>((v) => `${v.slot}:${bal(v.bal)}:${this.entries.idOf(v.val)}`);
  readonly voteLists = new Table<readonly Vote[]>((xs) =>
    xs.map((v) => this.votes.idOf(v)).join(','));
  readonly durables = new Table<Durable>((d) =>
    `${d.round}|${bal(d.maxBal)}|${this.voteLists.idOf(d.votes)}|${this.leaves.idOf(d.snapshot)}`);
  readonly inflights = new Table<readonly Inflight[]>((xs) =>
    xs.map((x) => `${x.slot}:${this.entries.idOf(x.val)}:${x.accs}`).join(','));
  readonly reads = new Table<readonly PendingRead[]>((xs) =>
    xs.map((r) => `${r.id}:${this.commands.idOf(r.cmd)}:${r.index}:${r.acks}`).join(','));
  readonly leaders = new Table<LeaderState>((l) => [
    l.role, bal(l.bal), l.from, l.promised, this.voteLists.idOf(l.adopted), l.next,
    this.inflights.idOf(l.inflight), this.cmdLists.idOf(l.queue), this.reads.idOf(l.reads),
    l.readSeq, l.seenRound, l.timerTag, l.heard ? 1 : 0,
  ].join('|'));
  readonly logs = new Table<readonly (Entry | null)[]>((xs) =>
    xs.map((e) => (e === null ? '-' : this.entries.idOf(e))).join(','));
  readonly replicas = new Table<ReplicaState>((r) => [
    r.applied, this.leaves.idOf(r.app), this.leaves.idOf(r.sessions), r.digest,
    this.logs.idOf(r.log), r.asked, this.leaves.idOf(r.configs),
  ].join('|'));
  readonly configs = json<ServerConfig>();
  readonly servers = new Table<ServerState>((s) => [
    this.configs.idOf(s.config), this.durables.idOf(s.durable), this.leaders.idOf(s.leader),
    this.replicas.idOf(s.replica), this.cmdLists.idOf(s.waiting),
  ].join('|'));
  readonly msgs = new Table<Msg>((m) => this.msgKey(m));

  private msgKey(m: Msg): string {
    switch (m.type) {
      case '1a': return `1a|${bal(m.bal)}|${m.from}`;
      case '1b': return `1b|${m.acc}|${bal(m.bal)}|${m.from}|${this.voteLists.idOf(m.votes)}`;
      case '2a': return `2a|${bal(m.bal)}|${m.slot}|${this.entries.idOf(m.val)}|${m.commit}`;
      case '2b': return `2b|${m.acc}|${bal(m.bal)}|${m.slot}|${this.entries.idOf(m.val)}`;
      case 'commit': return `c|${bal(m.bal)}|${m.upTo}`;
      case 'reject': return `r|${m.acc}|${bal(m.bal)}|${bal(m.maxBal)}`;
      case 'catchup': return `u|${m.from}|${m.slot}`;
      case 'entries': return `e|${m.from}|${m.slot}|${this.logs.idOf(m.vals)}`;
      case 'snapshot': return `s|${m.from}|${this.leaves.idOf(m.snap)}`;
      case 'ping': return `p|${bal(m.bal)}|${m.id}`;
      case 'pong': return `q|${m.acc}|${bal(m.bal)}|${m.id}`;
    }
  }
}
