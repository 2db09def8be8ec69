/**
 * The model of a run that a view draws: lanes (one per server and per client), events in the
 * order they happened, messages from send to receive (or lost), client operations as bars, the
 * spec state's changes step by step, and the violation with its witness.
 *
 * It is plain data, built by the readers of each kind of input (trace.ts, mp-record.ts,
 * history.ts) and serialized as it is into the page (page.ts). The spec state is never stored
 * per step, only what each step changed: a cell (one acceptor's maxBal, maxVBal or maxVal, per
 * slot where there are slots, or what is chosen in a slot) and its new text. `stateAt` replays
 * the changes up to a step; the page does the same with checkpoints, so a run of 100,000 events
 * costs its events, not events x acceptors.
 *
 * Left out: anything about how the run is drawn (page.ts), and any judgement of the run: the
 * verdict comes from the checkers, through the CLI, as a `Violation` in the spec's words.
 */

export type LaneKind = 'server' | 'client';

export interface Lane {
  readonly name: string;
  readonly kind: LaneKind;
}

/** What happened at a step; the page draws each kind with its own mark. */
export type EventKind =
  | 'send' | 'recv' | 'persist' | 'crash' | 'restart' | 'learn' | 'commit' | 'apply'
  | 'invoke' | 'return' | 'timer' | 'fault' | 'note';

export const EVENT_KINDS: readonly EventKind[] = [
  'send', 'recv', 'persist', 'crash', 'restart', 'learn', 'commit', 'apply',
  'invoke', 'return', 'timer', 'fault', 'note',
];

/** One spec variable of one acceptor (per slot when slot is not null), or a slot's chosen value. */
export interface Cell {
  readonly acceptor: string | null;
  readonly slot: number | null;
  readonly field: 'maxBal' | 'maxVBal' | 'maxVal' | 'chosen';
  /** The text in the initial state (Paxos.tla's Init: -1, None; nothing chosen). */
  readonly initial: string;
}

/** A step's change of one cell: the cell's index in `Run.cells`, and its new text. */
export type Change = readonly [cell: number, text: string];

export interface VizEvent {
  readonly lane: number;
  readonly kind: EventKind;
  /** The event in words, in the spec's vocabulary: `send 2b(acc s1, bal 2, val "A")`. */
  readonly label: string;
  /** The line of the input file this event was read from (1-based), or 0. */
  readonly line: number;
  /** The slot the event concerns, for slot filters; null when none (or single-decree). */
  readonly slot: number | null;
  readonly changes: readonly Change[];
}

/** A message from its send to its receive; `recv` null when it was never received (lost). */
export interface VizMessage {
  readonly send: number;
  readonly recv: number | null;
  /** The destination lane when known (a lost message to a known node), else null. */
  readonly to: number | null;
}

/** A client call drawn as a bar from its invocation to its return (null: never returned). */
export interface ClientOp {
  readonly lane: number;
  readonly invoke: number;
  readonly ret: number | null;
  readonly label: string;
  /**
   * Where the history checker placed the call: 'linearized' (in the witness order or in the
   * longest linearizable prefix), 'unplaced' (could come next but no output fits), or
   * 'unchecked' (no verdict, or after the prefix).
   */
  readonly status: 'linearized' | 'unplaced' | 'unchecked';
  /** The linearization point as a fractional event position, when linearized. */
  readonly point: number | null;
}

/** A broken rule, in the checker's words, with its witness as positions in this run. */
export interface Violation {
  /** The event at which the run broke the rule (the page opens there). */
  readonly event: number;
  readonly rule: string;
  readonly explanation: string;
  /** Further lines: the spec action the step was read as, the witness in words. */
  readonly details: readonly string[];
  /** Witness events (the messages' sends, the quorum's votes, the lines named). */
  readonly events: readonly number[];
  /** Witness lanes (the quorum, the acceptor). */
  readonly lanes: readonly number[];
  /** Witness messages, as indices into `Run.messages`. */
  readonly messages: readonly number[];
}

export type RunKind = 'trace' | 'counterexample' | 'simulation' | 'multipaxos' | 'history';

export interface Run {
  readonly kind: RunKind;
  readonly title: string;
  /** One line on the verdict: "rejected at line 7: R1", "linearizable", ... */
  readonly verdict: string;
  readonly lanes: readonly Lane[];
  readonly events: readonly VizEvent[];
  readonly messages: readonly VizMessage[];
  readonly ops: readonly ClientOp[];
  readonly cells: readonly Cell[];
  /** True when the state has slots (Multi-Paxos): the state panel shows a row per slot. */
  readonly slotted: boolean;
  readonly violation: Violation | null;
  /**
   * False when the input logs no receives at all (a model-checker counterexample: Paxos.tla's
   * msgs never loses a message), so an unreceived message is not drawn as lost.
   */
  readonly receives: boolean;
}

/** The text of every cell after `step` (inclusive; -1 for the initial state). */
export function stateAt(run: Run, step: number): string[] {
  const texts = run.cells.map((c) => c.initial);
  for (let i = 0; i <= step && i < run.events.length; i++) {
    for (const [cell, text] of run.events[i]!.changes) texts[cell] = text;
  }
  return texts;
}

/** For our own bugs: a broken invariant of a builder, never bad input. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`synod viz: assertion failed: ${message}`);
}

/** Bad input: the message names the line (1-based; 0 for the whole file) and what is wrong. */
export class ViewInputError extends Error {
  override readonly name = 'ViewInputError';
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

/**
 * Builds a Run incrementally: lanes by name, cells by key, events with their changes, and
 * messages matched from send to receive by a key the reader chooses (the message's content).
 */
export class RunBuilder {
  readonly lanes: Lane[] = [];
  readonly events: VizEvent[] = [];
  readonly messages: VizMessage[] = [];
  readonly ops: ClientOp[] = [];
  readonly cells: Cell[] = [];
  private readonly laneIndex = new Map<string, number>();
  private readonly cellIndex = new Map<string, number>();
  private readonly texts: string[] = [];
  /** Messages sent and not yet received, by key then destination ('*': any). */
  private readonly inFlight = new Map<string, number[]>();
  /** The last message with a key, for a duplicate delivered after its first receive. */
  private readonly lastSent = new Map<string, number>();
  private readonly openCalls = new Map<number, { invoke: number; label: string }>();

  lane(name: string, kind: LaneKind): number {
    const known = this.laneIndex.get(name);
    if (known !== undefined) return known;
    this.laneIndex.set(name, this.lanes.length);
    this.lanes.push({ name, kind });
    return this.lanes.length - 1;
  }

  laneOf(name: string): number | null {
    return this.laneIndex.get(name) ?? null;
  }

  cell(c: Cell): number {
    const key = `${c.acceptor}\u0000${c.slot}\u0000${c.field}`;
    const known = this.cellIndex.get(key);
    if (known !== undefined) return known;
    this.cellIndex.set(key, this.cells.length);
    this.cells.push(c);
    this.texts.push(c.initial);
    return this.cells.length - 1;
  }

  /** The cell's text now (after the events added so far). */
  text(cell: number): string {
    return this.texts[cell] ?? '';
  }

  /** Adds an event; `sets` are cell writes, kept as changes only when the text differs. */
  event(e: Omit<VizEvent, 'changes'>, sets: readonly Change[] = []): number {
    const changes: Change[] = [];
    for (const [cell, text] of sets) {
      assert(cell >= 0 && cell < this.cells.length, 'a change names a known cell');
      if (this.texts[cell] === text) continue;
      this.texts[cell] = text;
      changes.push([cell, text]);
    }
    this.events.push({ ...e, changes });
    return this.events.length - 1;
  }

  /** A send of a message with `key` to the lanes `to` (empty: destination not logged). */
  send(event: number, key: string, to: readonly number[]): void {
    const dests = to.length === 0 ? ['*'] : to.map(String);
    for (const d of dests) {
      const id = this.messages.length;
      this.messages.push({ send: event, recv: null, to: d === '*' ? null : Number(d) });
      const k = `${key}\u0000${d}`;
      const list = this.inFlight.get(k);
      if (list === undefined) this.inFlight.set(k, [id]);
      else list.push(id);
      this.lastSent.set(key, id);
    }
  }

  /**
   * A receive at `lane` of a message with `key`: matched to the earliest such message in flight
   * to that lane (or to no logged destination); a second receive of one message (a duplicate)
   * gets an arrow of its own from the same send. Returns the message, or null when none was sent.
   */
  recv(event: number, key: string, lane: number): number | null {
    for (const d of [String(lane), '*']) {
      const list = this.inFlight.get(`${key}\u0000${d}`);
      if (list === undefined || list.length === 0) continue;
      const id = list.shift() as number;
      const m = this.messages[id]!;
      this.messages[id] = { ...m, recv: event, to: lane };
      return id;
    }
    const last = this.lastSent.get(key);
    if (last === undefined) return null;
    const id = this.messages.length;
    this.messages.push({ send: this.messages[last]!.send, recv: event, to: lane });
    return id;
  }

  /** A client call begins; a client has at most one open call (a second one closes the first). */
  invoke(lane: number, event: number, label: string): void {
    this.openCalls.set(lane, { invoke: event, label });
  }

  /** The client's open call returns (at `event`; null: the client crashed, it never returns). */
  finish(lane: number, event: number | null, output: string): void {
    const open = this.openCalls.get(lane);
    if (open === undefined) return;
    this.openCalls.delete(lane);
    this.ops.push({ lane, invoke: open.invoke, ret: event, label: `${open.label} -> ${output}`,
      status: 'unchecked', point: null });
  }

  build(head: Pick<Run, 'kind' | 'title' | 'verdict' | 'slotted' | 'receives'>,
    violation: Violation | null = null): Run {
    for (const lane of [...this.openCalls.keys()]) this.finish(lane, null, '?');
    this.ops.sort((a, b) => a.invoke - b.invoke);
    return { ...head, lanes: this.lanes, events: this.events, messages: this.messages,
      ops: this.ops, cells: this.cells, violation };
  }
}

/** The events whose input line is one of `lines` (a line may hold several events). */
export function eventsAtLines(run: Pick<Run, 'events'>, lines: readonly number[]): number[] {
  const wanted = new Set(lines);
  const out: number[] = [];
  run.events.forEach((e, i) => {
    if (wanted.has(e.line)) out.push(i);
  });
  return out;
}

/**
 * The run with a violation found outside the checkers this layer hears from (a simulator's
 * check), at `event`, unless it already shows one.
 */
export function withViolationAt(run: Run, event: number, rule: string, explanation: string):
  Run {
  if (run.violation !== null || run.events.length === 0) return run;
  const at = Math.max(0, Math.min(run.events.length - 1, event));
  return { ...run, violation: { event: at, rule, explanation, details: [], events: [at],
    lanes: [run.events[at]!.lane], messages: [] } };
}

/** Messages whose send or receive is one of `events`. */
export function messagesAt(run: Pick<Run, 'messages'>, events: readonly number[]): number[] {
  const wanted = new Set(events);
  const out: number[] = [];
  run.messages.forEach((m, i) => {
    if (wanted.has(m.send) || (m.recv !== null && wanted.has(m.recv))) out.push(i);
  });
  return out;
}
