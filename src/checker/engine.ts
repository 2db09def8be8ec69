/**
 * The explicit-state model checker: breadth-first search over a model's reachable states,
 * checking state properties on every distinct state and step properties on every generated
 * step, and returning the shortest counterexample when one fails.
 *
 * It is generic over `Model`: states are fixed-width vectors of 32-bit words that the model
 * encodes, so the engine knows nothing about Paxos (Multi-Paxos and the implementation composed
 * with a network are meant to plug into the same interface). What it guarantees:
 *  - exact distinct-state counts (full states are stored, see store.ts);
 *  - depth counted as TLC counts it: the number of states on the longest shortest path, the
 *    initial state included (so a model whose only state is Init has depth 1);
 *  - "generated" counted as TLC counts it when the model reports how many ways a step arises
 *    (TLC generates one successor per witness of each existential, and counts initial states);
 *  - the first violation found is at minimal depth, because every state is checked when first
 *    discovered and discovery follows BFS levels; the path back along parent pointers is thus a
 *    shortest counterexample;
 *  - "sometimes" properties: each must hold in some reached state, else the verdict is
 *    'vacuous' (a model that does nothing cannot pass);
 *  - a state constraint as TLC applies its CONSTRAINT: a successor outside it counts as
 *    generated, and is then dropped unchecked and unexplored.
 *
 * Left out, on purpose: liveness (TLC's temporal properties) and disk spilling; bounded models
 * for CI fit in memory. Parallel workers were not needed to meet the performance targets on
 * 2 cores (docs/checker.md gives the figures).
 */
import { IdColumn, StateStore } from './store.js';

/** A property verdict from a model: which property failed and a model-level explanation. */
export interface Violation {
  readonly property: string;
  readonly summary: string;
  readonly witness: unknown;
}

/** A "sometimes" property: it must hold in at least one reachable state. */
export interface Reachability {
  readonly name: string;
  /** The "always" properties this one keeps from being vacuous. */
  readonly partners: readonly string[];
}

/**
 * A model the engine can explore. Every method reads or writes states as `words` consecutive
 * 32-bit words at an offset into a Uint32Array; labels are small integers naming a step.
 */
export interface Model {
  readonly name: string;
  readonly words: number;
  /** An upper bound on the number of steps enabled in any state. */
  readonly maxSuccessors: number;
  /** Writes the initial states to out (at 0, words, 2*words, ...) and returns their number. */
  initial(out: Uint32Array): number;
  /**
   * Writes every enabled step from the state at src[off..] to out, its label to labels and its
   * TLC multiplicity (how many existential witnesses give the same step) to weights; returns
   * the number of steps.
   */
  successors(
    src: Uint32Array, off: number, out: Uint32Array, labels: Int32Array, weights: Int32Array,
  ): number;
  /**
   * TLC's CONSTRAINT, for models bounded by one (the reconfiguration specs' MaxTerm): whether
   * the state at buf[off..] is inside the model. Absent means every state is.
   */
  readonly constraint?: (buf: Uint32Array, off: number) => boolean;
  /** Rewrites the state at buf[off..] to the canonical member of its symmetry class. */
  readonly canonicalize?: (buf: Uint32Array, off: number) => void;
  /** The state properties, by name, in the order checkState uses. */
  readonly stateProperties: readonly string[];
  /** Index into stateProperties of the first property the state violates, or -1. */
  checkState(src: Uint32Array, off: number): number;
  readonly stepProperties: readonly string[];
  /** Index into stepProperties of the first property the step violates, or -1. */
  checkStep(
    src: Uint32Array, srcOff: number, label: number, dst: Uint32Array, dstOff: number,
  ): number;
  readonly reachability: readonly Reachability[];
  /** Whether "sometimes" property i holds in the state. */
  reaches(i: number, src: Uint32Array, off: number): boolean;
  /** The property violation in the model's own terms (witness), for reports. */
  explainState(property: number, src: Uint32Array, off: number): Violation;
  explainStep(property: number, src: Uint32Array, srcOff: number, label: number,
    dst: Uint32Array, dstOff: number): Violation;
  /** The step named by a label, e.g. "Phase1b(a1, 1a ballot 2)". */
  describeAction(label: number): string;
  /** What a step changed, in one line. */
  describeChange(prev: Uint32Array, prevOff: number, next: Uint32Array, nextOff: number): string;
  /** The state as plain JSON data, for counterexample files. */
  describeState(src: Uint32Array, off: number): unknown;
}

export interface CheckOptions {
  /** Stop after this many distinct states (verdict 'incomplete'). */
  readonly maxStates?: number;
  /** Called about once per `progressEvery` expansions. */
  readonly onProgress?: (p: Progress) => void;
  readonly progressEvery?: number;
  /** Whether to use the model's canonicalize (symmetry reduction). */
  readonly symmetry?: boolean;
}

export interface Progress {
  readonly distinctStates: number;
  readonly generatedStates: number;
  readonly depth: number;
  readonly queue: number;
}

/** One state of a counterexample, the first being an initial state. */
export interface TraceStep {
  /** The step that led here, or null for the initial state. */
  readonly action: string | null;
  readonly label: number | null;
  /** One line saying what the step changed ("initial state" for the first). */
  readonly change: string;
  readonly state: unknown;
}

export type Verdict = 'ok' | 'violation' | 'vacuous' | 'incomplete';

export interface CheckResult {
  readonly verdict: Verdict;
  readonly distinctStates: number;
  readonly generatedStates: number;
  /** Steps enumerated (each distinct step once, however many witnesses). */
  readonly steps: number;
  readonly depth: number;
  readonly violation: Violation | null;
  /** The shortest path to the violation, initial state first; empty without a violation. */
  readonly trace: readonly TraceStep[];
  /** "Sometimes" properties never reached (non-empty exactly when the verdict is vacuous). */
  readonly unreached: readonly string[];
  readonly storeBytes: number;
}

interface Found {
  readonly violation: Violation;
  /** The state ids of the path (last is the violating state, or the source of the step). */
  readonly last: number;
  /** For a step violation: the offending successor, which may not be stored. */
  readonly step: { readonly label: number; readonly state: Uint32Array } | null;
  /** For a state violation: the index of the violated state property. */
  readonly property: number;
}

/** Explores `model` breadth first. */
export function check(model: Model, options: CheckOptions = {}): CheckResult {
  const canon = options.symmetry === true ? model.canonicalize : undefined;
  if (options.symmetry === true && canon === undefined) {
    throw new RangeError(`model ${model.name} has no symmetry canonicalization`);
  }
  return new Search(model, canon, options).run();
}

/** The state of one exploration: the visited states, the path columns, the counters. */
class Search {
  private readonly W: number;
  private readonly store: StateStore;
  private readonly parent = new IdColumn();
  private readonly label = new IdColumn();
  private readonly out: Uint32Array;
  private readonly labels: Int32Array;
  private readonly weights: Int32Array;
  private readonly unreached: number[];
  private generated = 0;
  private steps = 0;
  private found: Found | null = null;

  constructor(
    private readonly model: Model,
    private readonly canon: ((buf: Uint32Array, off: number) => void) | undefined,
    private readonly options: CheckOptions,
  ) {
    this.W = model.words;
    this.store = new StateStore(this.W);
    const n = Math.max(model.maxSuccessors, 1);
    this.out = new Uint32Array(n * this.W);
    this.labels = new Int32Array(n);
    this.weights = new Int32Array(n);
    this.unreached = model.reachability.map((_, i) => i);
  }

  run(): CheckResult {
    const { model, store, W } = this;
    const inits = model.initial(this.out);
    for (let i = 0; i < inits && this.found === null; i++) {
      this.generated++;
      if (model.constraint !== undefined && !model.constraint(this.out, i * W)) continue;
      this.admit(this.out, i * W, -1, -1);
    }
    let depth = store.count > 0 ? 1 : 0;
    let levelEnd = store.count;
    const every = this.options.progressEvery ?? 50_000;
    const maxStates = this.options.maxStates ?? Infinity;
    let incomplete = false;
    for (let id = 0; id < store.count && this.found === null; id++) {
      if (id === levelEnd) {
        depth++;
        levelEnd = store.count;
      }
      if (store.count >= maxStates) {
        incomplete = true;
        break;
      }
      if (this.options.onProgress !== undefined && id % every === 0 && id > 0) {
        this.options.onProgress({ distinctStates: store.count, generatedStates: this.generated,
          depth, queue: store.count - id });
      }
      this.expand(id);
    }
    return this.result(depth, incomplete);
  }

  /** Generates every step from state id: checks each, and admits the new states. */
  private expand(id: number): void {
    const { model, store, W, out, labels, weights } = this;
    const n = model.successors(store.keys, id * W, out, labels, weights);
    this.steps += n;
    const inModel = model.constraint;
    for (let j = 0; j < n; j++) {
      this.generated += weights[j] as number;
      if (inModel !== undefined && !inModel(out, j * W)) continue;
      const bad = model.checkStep(store.keys, id * W, labels[j] as number, out, j * W);
      if (bad >= 0) {
        const state = out.slice(j * W, (j + 1) * W);
        const violation = model.explainStep(bad, store.keys, id * W, labels[j] as number, state, 0);
        this.found = { violation, last: id, step: { label: labels[j] as number, state },
          property: bad };
        return;
      }
      // A step back to its own source (re-sending a message already in msgs) needs no lookup.
      if (sameWords(store.keys, id * W, out, j * W, W)) continue;
      this.admit(out, j * W, id, labels[j] as number);
      if (this.found !== null) return;
    }
  }

  /** Stores the state at buf[off..] if new, then checks the targets and state properties. */
  private admit(buf: Uint32Array, off: number, from: number, lab: number): void {
    const { model, store, W, unreached } = this;
    if (this.canon !== undefined) this.canon(buf, off);
    const id = store.insert(buf, off);
    if (id < 0) return;
    this.parent.set(id, from);
    this.label.set(id, lab);
    const keys = store.keys;
    for (let i = unreached.length - 1; i >= 0; i--) {
      if (model.reaches(unreached[i] as number, keys, id * W)) unreached.splice(i, 1);
    }
    const bad = model.checkState(keys, id * W);
    if (bad < 0) return;
    this.found = {
      violation: model.explainState(bad, keys, id * W), last: id, step: null, property: bad,
    };
  }

  private result(depth: number, incomplete: boolean): CheckResult {
    const f = this.found;
    const path = f === null ? null
      : buildTrace(this.model, this.store, this.parent, this.label, f, this.canon);
    const trace = path?.steps ?? [];
    // With symmetry the stored violating state is a canonical representative, whose servers may
    // be renamed from the replayed path's last state: explain the state the path ends in, so
    // the witness names what the trace shows.
    const violation = f !== null && path !== null && this.canon !== undefined && f.step === null
      ? this.model.explainState(f.property, path.last, 0) : f?.violation ?? null;
    let verdict: Verdict = 'ok';
    if (f !== null) verdict = 'violation';
    else if (incomplete) verdict = 'incomplete';
    else if (this.unreached.length > 0) verdict = 'vacuous';
    return {
      verdict,
      distinctStates: this.store.count,
      generatedStates: this.generated,
      steps: this.steps,
      depth: f === null ? depth : trace.length,
      violation,
      trace,
      unreached: verdict === 'vacuous'
        ? this.unreached.map((i) => this.model.reachability[i]!.name) : [],
      storeBytes: this.store.bytes() + this.parent.values.byteLength + this.label.values.byteLength,
    };
  }
}

/**
 * The counterexample from the initial state to the violation. Without symmetry the stored
 * states and labels are the path. With symmetry the stored states are canonical
 * representatives, so consecutive ones need not be linked by a step; the path is replayed from
 * the concrete initial state, each time choosing a successor whose canonical form is the next
 * representative (one exists because steps commute with the symmetries).
 */
function buildTrace(
  model: Model, store: StateStore, parent: IdColumn, label: IdColumn, found: Found,
  canon: ((buf: Uint32Array, off: number) => void) | undefined,
): { readonly steps: TraceStep[]; readonly last: Uint32Array } {
  const W = model.words;
  const ids: number[] = [];
  for (let id = found.last; id >= 0; id = parent.get(id)) ids.push(id);
  ids.reverse();
  const states: Uint32Array[] = [];
  const labs: number[] = [];
  if (canon === undefined) {
    for (const id of ids) states.push(store.keys.slice(id * W, (id + 1) * W));
    for (let i = 1; i < ids.length; i++) labs.push(label.get(ids[i]!));
  } else {
    replaySymmetric(model, store, ids, canon, states, labs);
  }
  if (found.step !== null) {
    const last = states[states.length - 1]!;
    const target = found.step.state.slice();
    if (canon !== undefined) {
      // The offending step was taken from the canonical source; take the replayed state's step
      // that is its image: same class of target, and violating the property too.
      canon(target, 0);
      const step = findStep(model, last, target, canon,
        (label, state) => model.checkStep(last, 0, label, state, 0) >= 0);
      states.push(step.state);
      labs.push(step.label);
    } else {
      states.push(target);
      labs.push(found.step.label);
    }
  }
  const steps = states.map((s, i) => ({
    action: i === 0 ? null : model.describeAction(labs[i - 1]!),
    label: i === 0 ? null : labs[i - 1]!,
    change: i === 0 ? 'initial state' : model.describeChange(states[i - 1]!, 0, s, 0),
    state: model.describeState(s, 0),
  }));
  return { steps, last: states[states.length - 1]! };
}

/** A step from `prev` whose target (canonicalized, if canon is given) equals `target`. */
function findStep(
  model: Model, prev: Uint32Array, target: Uint32Array,
  canon: ((buf: Uint32Array, off: number) => void) | undefined,
  violates: (label: number, state: Uint32Array) => boolean = () => true,
): { label: number; state: Uint32Array } {
  const W = model.words;
  const out = new Uint32Array(Math.max(model.maxSuccessors, 1) * W);
  const labels = new Int32Array(Math.max(model.maxSuccessors, 1));
  const weights = new Int32Array(Math.max(model.maxSuccessors, 1));
  const n = model.successors(prev, 0, out, labels, weights);
  for (let j = 0; j < n; j++) {
    const state = out.slice(j * W, (j + 1) * W);
    const image = state.slice();
    if (canon !== undefined) canon(image, 0);
    const same = image.every((w, i) => w === target[i]);
    if (same && violates(labels[j] as number, state)) return { label: labels[j] as number, state };
  }
  throw new Error(`checker bug: no step of ${model.name} leads to the recorded successor`);
}

function replaySymmetric(
  model: Model, store: StateStore, ids: readonly number[],
  canon: (buf: Uint32Array, off: number) => void, states: Uint32Array[], labs: number[],
): void {
  const W = model.words;
  const inits = new Uint32Array(Math.max(model.maxSuccessors, 8) * W);
  const n = model.initial(inits);
  const first = store.keys.slice(ids[0]! * W, (ids[0]! + 1) * W);
  let start: Uint32Array | null = null;
  for (let i = 0; i < n && start === null; i++) {
    const s = inits.slice(i * W, (i + 1) * W);
    const image = s.slice();
    canon(image, 0);
    if (image.every((w, j) => w === first[j])) start = s;
  }
  if (start === null) throw new Error(`checker bug: no initial state of ${model.name} matches`);
  states.push(start);
  for (let i = 1; i < ids.length; i++) {
    const target = store.keys.slice(ids[i]! * W, (ids[i]! + 1) * W);
    const step = findStep(model, states[i - 1]!, target, canon);
    states.push(step.state);
    labs.push(step.label);
  }
}

function sameWords(x: Uint32Array, xOff: number, y: Uint32Array, yOff: number, W: number): boolean {
  for (let i = 0; i < W; i++) if (x[xOff + i] !== y[yOff + i]) return false;
  return true;
}
