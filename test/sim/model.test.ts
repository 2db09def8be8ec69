/**
 * Model-based tests (fast-check `commands`): fast-check itself is the scheduler. It picks which
 * message is delivered, dropped or duplicated, which timer fires, who crashes and restarts, and
 * which client calls where. A failing schedule shrinks to a short list of commands.
 *
 * The model is the simplified system the clients should see: a write-once register (the values
 * proposed so far, and the value answered once anything was answered). Every reply is checked
 * against it: the value was proposed, and once a value was answered, every later answer is that
 * value (a GetVarX may not answer empty any more). The simulator's own observers (safety checks
 * and the refinement to spec/paxos.ts) watch every step as well, so a schedule that breaks a
 * named property fails here too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INITIAL_DURABLE, initServer, step, type Durable, type Effect, type Input, type Msg,
  type Operation, type ServerState, type Step, type Timer,
} from '../../src/paxos/index.js';
import { safetyChecks, violationSink, type ViolationSink } from '../../src/sim/checks.js';
import { refinement } from '../../src/sim/refinement.js';
import type { Observer } from '../../src/sim/world.js';
import { mutants } from './mutants.js';

const SERVERS = 3;
const CLIENTS = 3;
const FC_SEED = Number(process.env['SYNOD_FC_SEED'] ?? 20261122);

interface Model {
  readonly proposed: Set<string>;
  answered: string | null;
}

/** The cluster driven by hand: servers, disks, a bag of messages in flight, timers. */
class Cluster {
  readonly servers: ServerState[];
  readonly disk: Durable[];
  readonly up: boolean[] = Array(SERVERS).fill(true);
  readonly net: { to: number; msg: Msg }[] = [];
  readonly timers: Timer[][] = Array.from({ length: SERVERS }, () => []);
  readonly sink: ViolationSink = violationSink();
  readonly observers: Observer[];
  private index = 0;
  private seq = 0;

  constructor(private readonly stepFn: Step, private readonly model: Model) {
    this.servers = Array.from({ length: SERVERS }, (_, id) =>
      initServer({ id, servers: SERVERS, timeout: 10, distinguished: null }, INITIAL_DURABLE));
    this.disk = this.servers.map(() => INITIAL_DURABLE);
    this.observers = [
      safetyChecks(SERVERS, this.sink),
      refinement({ servers: SERVERS, clients: CLIENTS, every: 'step' }, this.sink),
    ];
  }

  run(id: number, input: Input): void {
    if (!this.up[id]) return;
    const before = this.servers[id]!;
    const result = this.stepFn(before, input);
    for (const e of result.effects) this.apply(id, e);
    this.servers[id] = result.state;
    const ev = {
      index: this.index++, now: this.index, server: id, input, before, result,
      applied: result.effects.length, disk: this.disk[id]!,
    };
    for (const o of this.observers) o.onEvent({ kind: 'server-step', step: ev });
  }

  request(id: number, client: number, op: Operation): void {
    if (op.name === 'SetVarX') this.model.proposed.add(op.v);
    for (const o of this.observers) {
      o.onEvent({ kind: 'invoke', index: this.index, client, seq: this.seq, op, server: id });
    }
    this.run(id, { kind: 'request', rand: 0, req: { client, seq: ++this.seq, slot: 0, op } });
  }

  private apply(id: number, e: Effect): void {
    if (e.kind === 'persist') this.disk[id] = e.durable;
    if (e.kind === 'send') {
      for (let to = 0; to < SERVERS; to++) {
        if (e.to === 'all' || e.to === to) this.net.push({ to, msg: e.msg });
      }
    }
    if (e.kind === 'set-timer') this.timers[id]!.push(e.timer);
    if (e.kind === 'reply') this.answer(e.val);
  }

  /** The model's judgement of one answer. */
  private answer(val: string | null): void {
    if (val !== null && !this.model.proposed.has(val)) {
      throw new Error(`answered unproposed ${val}`);
    }
    if (this.model.answered !== null && val !== this.model.answered) {
      throw new Error(`answered ${val} after ${this.model.answered} was answered`);
    }
    if (val !== null) this.model.answered = val;
  }

  check(): void {
    const v = this.sink.first();
    if (v === null) return;
    throw new Error(`${v.check}${v.property ? ` (${v.property})` : ''}: ${v.summary}`);
  }
}

type Cmd = fc.Command<Model, Cluster>;
const cmd = (name: string, act: (c: Cluster) => void): Cmd => ({
  check: () => true,
  run: (_m, c) => {
    act(c);
    c.check();
  },
  toString: () => name,
});

const commands: fc.Arbitrary<Cmd>[] = [
  fc.tuple(fc.nat(SERVERS - 1), fc.nat(CLIENTS - 1), fc.boolean()).map(([s, c, set]) =>
    cmd(`${set ? 'SetVarX' : 'GetVarX'}@s${s + 1}`, (x) =>
      x.request(s, c, set ? { name: 'SetVarX', v: 'ABC'[c]! } : { name: 'GetVarX' }))),
  // Deliveries are most of what happens, so they are three of the choices.
  ...[0, 1, 2].map(() => fc.nat(40).map((k) => cmd(`deliver ${k}`, (x) => {
    if (x.net.length === 0) return;
    const [m] = x.net.splice(k % x.net.length, 1);
    x.run(m!.to, { kind: 'deliver', msg: m!.msg, rand: k });
  }))),
  fc.nat(40).map((k) => cmd(`drop ${k}`, (x) =>
    void x.net.splice(k % Math.max(1, x.net.length), 1))),
  fc.nat(40).map((k) => cmd(`duplicate ${k}`, (x) => {
    if (x.net.length > 0) x.net.push(x.net[k % x.net.length]!);
  })),
  fc.tuple(fc.nat(SERVERS - 1), fc.nat(8)).map(([s, k]) => cmd(`timer s${s + 1} ${k}`, (x) => {
    const ts = x.timers[s]!;
    if (ts.length === 0) return;
    const [t] = ts.splice(k % ts.length, 1);
    x.run(s, { kind: 'timer', timer: t!, rand: k * 7919 });
  })),
  fc.nat(SERVERS - 1).map((s) => cmd(`crash s${s + 1}`, (x) => {
    x.up[s] = false;
    x.timers[s] = [];
  })),
  fc.nat(SERVERS - 1).map((s) => cmd(`restart s${s + 1}`, (x) => {
    if (x.up[s]) return;
    x.up[s] = true;
    x.run(s, { kind: 'restart', durable: x.disk[s]! });
  })),
];

function property(stepFn: Step) {
  return fc.property(fc.commands(commands, { maxCommands: 200, size: 'large' }), (cmds) => {
    const model: Model = { proposed: new Set(), answered: null };
    fc.modelRun(() => ({ model, real: new Cluster(stepFn, model) }), cmds);
  });
}

describe('model-based schedules (fast-check commands)', () => {
  it(`keeps every answer consistent with a write-once register (seed ${FC_SEED})`, () => {
    fc.assert(property(step), { seed: FC_SEED, numRuns: 300 });
  });
  it('shrinks a schedule that breaks the blind proposer to a few commands', () => {
    const blind = mutants.find((m) => m.name === 'blind-proposer')!.step;
    const out = fc.check(property(blind), { seed: FC_SEED, numRuns: 2000 });
    expect(out.failed).toBe(true);
    const [cmds] = out.counterexample!;
    console.log(`blind-proposer, shrunk schedule: ${String(cmds)}`);
    expect([...cmds].length).toBeLessThan(40);
  });
});
