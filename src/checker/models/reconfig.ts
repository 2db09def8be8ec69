/**
 * The reconfiguration models: the engine drives the specs of spec/reconfig/ themselves.
 * Successors come from the spec's own enumerate form (`enabledSteps`, with any actions table, so
 * a mutant plugs in without touching spec/); every property is the spec's own function on the
 * decoded state; the bounds are the TLC models' StateConstraint (reconfig-codec.ts).
 *
 * Two specs, one adapter: MongoLoglessDynamicRaft (logless.ts) and MongoRaftReconfig
 * (raft-reconfig.ts). Each \E witness of Next is its own step; tlcWeight adds the witnesses of
 * the \E inside Reconfig, so "generated" is TLC's count. Left out: a packed model (see
 * docs/benchmarks.md for what the
 * readable one costs; the spec is small enough that decoding it is not the bottleneck).
 */
import {
  members, quorums, serverName, showSet, type Server, type ServerSet,
} from '../../../spec/reconfig/defs.js';
import * as Logless from '../../../spec/reconfig/logless.js';
import type { ConfigAction, ConfigState, Step } from '../../../spec/reconfig/logless.js';
import {
  configProperties, configReachability, raftProperties, raftReachability, type ReachProperty,
  type StateProperty,
} from '../../../spec/reconfig/properties.js';
import * as Raft from '../../../spec/reconfig/raft-reconfig.js';
import type { RaftAction, RaftReconfigState } from '../../../spec/reconfig/raft-reconfig.js';
import type { Model, Violation } from '../engine.js';
import {
  decodeConfig, decodeRaft, encode, reconfigCanonicalizer, reconfigLayout, withinBounds,
  type ReconfigBounds, type ReconfigLayout,
} from './reconfig-codec.js';

export interface ReconfigProperties<S> {
  readonly state: readonly StateProperty<S>[];
  readonly reachability: readonly ReachProperty<S>[];
}

/** One of the two specs, seen through what the model needs of it. */
interface Spec<S, A> {
  readonly name: string;
  readonly initialStates: (k: Logless.Constants) => S[];
  readonly enabledSteps: (k: Logless.Constants, s: S) => Step<S, A>[];
  readonly decode: (L: ReconfigLayout, buf: Uint32Array, off: number) => S;
  /** TLC's multiplicity of an enabled step (see tlcWeight). */
  readonly weight: (s: S, a: A) => number;
}

/** How many quorums of S have only members that satisfy p. */
function quorumsWhere(S: ServerSet, p: (t: Server) => boolean): number {
  return quorums(S).filter((Q) => members(Q).every(p)).length;
}

/**
 * How many successors TLC generates for one enabled step. TLC evaluates an action's conjuncts
 * left to right; at a \E (even one without primes) it goes on once per witness, a \A is the
 * conjunction of its instances, and an implication whose premise holds is its conclusion; so
 * every \E that is not under a negation multiplies the count. Next's own \E are one step each
 * here; inside the actions, only Reconfig has further witnesses: ConfigQuorumCheck(i) and
 * TermQuorumCheck(i) (\E Q \in Quorums(config[i])), and in the composition OplogCommitment's
 * \E c \in committed : c.term = currentTerm[s] and, for each such c, IsCommitted's
 * \E quorum \in Quorums(config[s]). (The other \E, in the vote rules and InLog, have at most
 * one witness.)
 */
export function tlcWeight(s: ConfigState | RaftReconfigState, a: RaftAction): number {
  if (a.name !== 'Reconfig') return 1;
  const i = a.i;
  const C = s.config[i]!;
  let weight = quorumsWhere(C, (t) =>
    s.configVersion[t] === s.configVersion[i] && s.configTerm[t] === s.configTerm[i]);
  weight *= quorumsWhere(C, (t) => s.currentTerm[t] === s.currentTerm[i]);
  if (!('committed' in s) || s.committed.length === 0) return weight;
  const own = s.committed.filter((c) => c.term === s.currentTerm[i]);
  weight *= own.length;
  for (const c of own) {
    weight *= quorumsWhere(C, (t) =>
      s.log[t]![c.index - 1] === c.term && s.currentTerm[t] === s.currentTerm[i]);
  }
  return weight;
}

/** The action kinds in label order; a label is (kind * n + i) * 2^n + parameter. */
const KINDS = ['Reconfig', 'SendConfig', 'BecomeLeader', 'UpdateTerms', 'ClientRequest',
  'GetEntries', 'RollbackEntries', 'CommitEntry'] as const;

function labelOf(n: number, a: RaftAction): number {
  const param = a.name === 'Reconfig' ? a.newConfig
    : a.name === 'BecomeLeader' || a.name === 'CommitEntry' ? a.Q
      : a.name === 'ClientRequest' ? 0 : a.j;
  return (KINDS.indexOf(a.name) * n + a.i) * (1 << n) + param;
}

function actionOfLabel(n: number, label: number): RaftAction {
  const param = label % (1 << n);
  const i = Math.floor(label / (1 << n)) % n;
  const name = KINDS[Math.floor(label / (n << n))]!;
  switch (name) {
    case 'Reconfig': return { name, i, newConfig: param };
    case 'BecomeLeader':
    case 'CommitEntry': return { name, i, Q: param };
    case 'ClientRequest': return { name, i };
    default: return { name, i, j: param };
  }
}

/** One line: the variables of each server that changed, and the entries newly committed. */
function describeChange(x: RaftReconfigState | ConfigState, y: RaftReconfigState | ConfigState):
string {
  const parts: string[] = [];
  const show = (name: string, i: Server, a: unknown, b: unknown): void => {
    if (a !== b) parts.push(`${name}[${serverName(i)}] ${String(a)} -> ${String(b)}`);
  };
  for (let i = 0; i < x.currentTerm.length; i++) {
    show('currentTerm', i, x.currentTerm[i], y.currentTerm[i]);
    show('state', i, x.state[i], y.state[i]);
    const cx = `${showSet(x.config[i]!)} (v${x.configVersion[i]}, t${x.configTerm[i]})`;
    const cy = `${showSet(y.config[i]!)} (v${y.configVersion[i]}, t${y.configTerm[i]})`;
    show('config', i, cx, cy);
    if ('log' in x && 'log' in y) {
      show('log', i, `[${x.log[i]!.join(',')}]`, `[${y.log[i]!.join(',')}]`);
    }
  }
  if ('committed' in x && 'committed' in y) {
    for (const c of y.committed) {
      if (!x.committed.some((d) => d.index === c.index && d.term === c.term)) {
        parts.push(`committed (${c.index}, ${c.term})`);
      }
    }
  }
  return parts.length === 0 ? 'no change' : parts.join('; ');
}

/** The state as plain data keyed by server name, for counterexample files and --json. */
export function describeState(s: RaftReconfigState | ConfigState): unknown {
  const servers: Record<string, unknown> = {};
  for (let i = 0; i < s.currentTerm.length; i++) {
    servers[serverName(i)] = {
      currentTerm: s.currentTerm[i], state: s.state[i],
      config: members(s.config[i]!).map(serverName),
      configVersion: s.configVersion[i], configTerm: s.configTerm[i],
      ...('log' in s ? { log: s.log[i] } : {}),
    };
  }
  return 'committed' in s
    ? { servers, committed: s.committed.map((c) => ({ entry: [c.index, c.term], term: c.term })) }
    : { servers };
}

function specModel<S extends ConfigState, A extends RaftAction>(
  spec: Spec<S, A>, b: ReconfigBounds, props: ReconfigProperties<S>,
): Model {
  const k: Logless.Constants = { servers: b.servers };
  const L = reconfigLayout(b);
  const W = L.words;
  const n = b.servers;
  // The engine asks about one state several times in a row (each "sometimes" target, then the
  // properties): decode it once.
  const lastWords = new Uint32Array(W);
  let last: S | null = null;
  const at = (buf: Uint32Array, off: number): S => {
    let same = last !== null;
    for (let i = 0; i < W && same; i++) same = lastWords[i] === buf[off + i];
    if (!same) {
      last = spec.decode(L, buf, off);
      lastWords.set(buf.subarray(off, off + W));
    }
    return last!;
  };
  const failing = (v: Violation | null, name: string): Violation => {
    if (v === null) throw new Error(`checker bug: ${name} fails and then holds`);
    return v;
  };
  return {
    name: spec.name,
    words: W,
    maxSuccessors: KINDS.length * n * (1 << n),
    initial(out) {
      const inits = spec.initialStates(k);
      inits.forEach((s, j) => encode(L, s, out, j * W));
      return inits.length;
    },
    successors(src, off, out, labels, weights) {
      const s = at(src, off);
      const steps = spec.enabledSteps(k, s);
      steps.forEach((step, j) => {
        encode(L, step.next, out, j * W);
        labels[j] = labelOf(n, step.action);
        weights[j] = spec.weight(s, step.action);
      });
      return steps.length;
    },
    constraint: (buf, off) => withinBounds(L, buf, off),
    canonicalize: reconfigCanonicalizer(L),
    stateProperties: props.state.map((p) => p.name),
    checkState: (src, off) => {
      if (props.state.length === 0) return -1;
      const s = at(src, off);
      return props.state.findIndex((p) => p.check(s) !== null);
    },
    stepProperties: [],
    checkStep: () => -1,
    reachability: props.reachability,
    reaches: (i, src, off) => props.reachability[i]!.holds(at(src, off)),
    explainState: (i, src, off) =>
      failing(props.state[i]!.check(at(src, off)), props.state[i]!.name),
    explainStep: () => { throw new Error('checker bug: the reconfig models have no step ' +
      'property'); },
    describeAction: (label) => Raft.showRaftAction(actionOfLabel(n, label)),
    describeChange: (prev, prevOff, next, nextOff) =>
      describeChange(at(prev, prevOff), at(next, nextOff)),
    describeState: (src, off) => describeState(at(src, off)),
  };
}

export interface LoglessOptions {
  readonly impl?: Logless.Actions;
  readonly properties?: ReconfigProperties<ConfigState>;
}

/** MongoLoglessDynamicRaft with MCMongoLoglessDynamicRaft's bounds (maxLogLen is ignored). */
export function loglessModel(b: ReconfigBounds, o: LoglessOptions = {}): Model {
  const impl = o.impl ?? Logless.actions;
  const spec: Spec<ConfigState, ConfigAction> = {
    name: 'MongoLoglessDynamicRaft',
    initialStates: Logless.initialStates,
    enabledSteps: (k, s) => Logless.enabledSteps(k, s, impl),
    decode: decodeConfig,
    weight: tlcWeight,
  };
  return specModel(spec, { ...b, maxLogLen: null },
    o.properties ?? { state: configProperties, reachability: configReachability });
}

export interface RaftOptions {
  readonly impl?: Raft.Actions;
  readonly properties?: ReconfigProperties<RaftReconfigState>;
}

/** MongoRaftReconfig with MCMongoRaftReconfig's bounds (maxLogLen required). */
export function raftReconfigModel(b: ReconfigBounds, o: RaftOptions = {}): Model {
  if (b.maxLogLen === null) throw new RangeError('the composed spec needs a MaxLogLen');
  const impl = o.impl ?? Raft.actions;
  const spec: Spec<RaftReconfigState, RaftAction> = {
    name: 'MongoRaftReconfig',
    initialStates: Raft.initialStates,
    enabledSteps: (k, s) => Raft.enabledSteps(k, s, impl),
    decode: decodeRaft,
    weight: tlcWeight,
  };
  return specModel(spec, b,
    o.properties ?? { state: raftProperties, reachability: raftReachability });
}
