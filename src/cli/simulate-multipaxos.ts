/**
 * `synod simulate multipaxos`: runs the Multi-Paxos servers of src/multipaxos in the simulated
 * world of src/sim/multipaxos with faults on, checks every run (effect order, OneValuePerBallot,
 * LogAgreement, StateMachineSafety, exactly-once, the refinement to the per-slot spec with its
 * named properties (src/sim/multipaxos/refinement.ts), linearizability of the client history,
 * liveness) and prints what happened. Exit 1 on a violation, with the command that replays it.
 *
 * The CLI is where the simulator meets the linearizability checker (src/history's machine model):
 * the simulator may not import src/history itself (DESIGN.md's layers).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkMachineHistory } from '../history/machine.js';
import type { MachineName, ReadMode } from '../multipaxos/index.js';
import { ALL_FAULTS, parseFaults } from '../sim/faults.js';
import { simulateMultiPaxos, showMpFaults, type MpSimReport } from '../sim/multipaxos/simulate.js';
import { mpTraceObserver } from '../sim/multipaxos/trace.js';
import { serverName, type MpFaults, type MpObserver } from '../sim/multipaxos/world.js';
import { intFlag, parseFlags } from './args.js';
import { EXIT_OK, EXIT_VIOLATION, UsageError, type Command, type Io } from './io.js';

const HELP = `usage: synod simulate multipaxos [flags]

Runs N Multi-Paxos servers (a replicated log driving a KV store or a bank ledger) and M clients
in a seeded simulated world with faults, and checks every run: effect order, OneValuePerBallot,
LogAgreement, StateMachineSafety (applied prefixes and snapshots agree with the chosen log),
exactly-once, the refinement to the per-slot spec after every step (R1, Inv1..Inv4, VotesSafe,
Consistency, R2, R2', I1 in every slot), linearizability of the client history, and liveness
once the faults stop.

  --servers N          servers, 1..9 (default 3)
  --clients M          clients A, B, C, ..., 1..26 (default 3)
  --seed S             the seed, 0..4294967295 (default: random, printed)
  --seeds K            run K seeds from S on, stop at the first violation (default 1)
  --steps N            events with faults on (default 2000)
  --faults LIST        all | none | name=rate,... (default all); names: loss, dup, reorder,
                       delay, partition, crash, client-crash, slow (a replica that loses most
                       messages sent to it for a while and must catch up)
  --machine M          kv | ledger (default kv)
  --reads R            log | read-index | local (default log); local is not linearizable and
                       the linearizability check is then reported as not run
  --window W           slots in flight at once (default 4)
  --batch B            commands per slot (default 8)
  --snapshot-every K   applied slots between snapshots, 0 never (default 16)
  --distinguished K    make sK the distinguished leader (default: none)
  --liveness-steps N   events allowed after the faults stop (default 20000)
  --reconfig           membership changes: the N servers of --servers are the first voting
                       members, two more start as learners, and an operator adds and removes
                       one server at a time (N -> N+1 -> N+2 -> N+1 -> N ...) while clients run
  --alpha A            slots between a membership command and the slot it governs (default 8)
  --trace FILE         write the run as a v2 trace (docs/trace-format.md; single seed only)
  --trace-dir DIR      write one v2 log per server, DIR/s1.jsonl ... (for synod trace merge)
  --html FILE          write the run as one HTML page (synod view; single seed only)
  --json               print one JSON object (format synod.simulate-multipaxos/v1)
  --progress           progress on stderr (default: only on a terminal)

Exit: 0 every check passed, 1 a violation (the replay command is printed), 2 bad usage.
`;

const OPTIONS = {
  servers: { type: 'string' }, clients: { type: 'string' }, seed: { type: 'string' },
  seeds: { type: 'string' }, steps: { type: 'string' }, faults: { type: 'string' },
  machine: { type: 'string' }, reads: { type: 'string' }, window: { type: 'string' },
  batch: { type: 'string' }, 'snapshot-every': { type: 'string' },
  distinguished: { type: 'string' }, 'liveness-steps': { type: 'string' },
  reconfig: { type: 'boolean' }, alpha: { type: 'string' },
  trace: { type: 'string' }, 'trace-dir': { type: 'string' }, html: { type: 'string' },
  json: { type: 'boolean' }, progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `all` for Multi-Paxos: single-decree's rates plus slow replicas. */
export const MP_ALL_FAULTS: MpFaults = { ...ALL_FAULTS, slow: 0.003 };

export interface MpPlan {
  readonly servers: number;
  readonly clients: number;
  readonly seed: number;
  readonly seeds: number;
  readonly steps: number;
  readonly faults: MpFaults;
  readonly machine: MachineName;
  readonly reads: ReadMode;
  readonly window: number;
  readonly batch: number;
  readonly snapshotEvery: number;
  readonly distinguished: number | null;
  readonly livenessSteps: number;
  readonly trace: string | null;
  readonly html: string | null;
  readonly traceDir: string | null;
  readonly reconfig: boolean;
  readonly alpha: number;
}

const NAME = 'simulate multipaxos';

/** Parses `--faults`: the single-decree list, plus `slow=rate`. */
export function parseMpFaults(text: string): MpFaults | string {
  const items = text.split(',').map((s) => s.trim());
  const slowItem = items.find((i) => i.startsWith('slow='));
  const rest = items.filter((i) => !i.startsWith('slow=')).join(',');
  const base = parseFaults(rest);
  if (typeof base === 'string') return base;
  const fromAll = items[0] === 'all';
  if (slowItem === undefined) return { ...base, slow: fromAll ? MP_ALL_FAULTS.slow : 0 };
  const slow = Number(slowItem.slice(5));
  if (!Number.isFinite(slow) || slow < 0 || slow > 1) {
    return `rate of 'slow' must be a number in [0, 1], got '${slowItem.slice(5)}'`;
  }
  return { ...base, slow };
}

function oneOf<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[],
  fallback: T): T {
  if (raw === undefined) return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`synod ${NAME}: --${flag} must be ${allowed.join(', ')}, got '${raw}'`);
}

function plan(args: readonly string[]): MpPlan | 'help' {
  const { values: v } = parseFlags(NAME, args, OPTIONS);
  if (v.help === true) return 'help';
  const faults = v.faults === undefined ? MP_ALL_FAULTS : parseMpFaults(v.faults);
  if (typeof faults === 'string') throw new UsageError(`synod ${NAME}: --faults: ${faults}`);
  const seeds = intFlag(NAME, 'seeds', v.seeds, 1, 1, 100_000_000);
  for (const flag of ['trace', 'trace-dir', 'html'] as const) {
    if (v[flag] !== undefined && seeds > 1) {
      throw new UsageError(`synod ${NAME}: --${flag} writes one run; it cannot be used with ` +
        '--seeds');
    }
  }
  const reconfig = v.reconfig === true;
  const servers = intFlag(NAME, 'servers', v.servers, 3, 1, reconfig ? 7 : 9);
  return {
    servers, seeds, faults,
    clients: intFlag(NAME, 'clients', v.clients, 3, 1, 26),
    seed: intFlag(NAME, 'seed', v.seed, Math.floor(Math.random() * 0x100000000), 0, 0xffffffff),
    steps: intFlag(NAME, 'steps', v.steps, 2000, 0, 100_000_000),
    machine: oneOf('machine', v.machine, ['kv', 'ledger'] as const, 'kv'),
    reads: oneOf('reads', v.reads, ['log', 'read-index', 'local'] as const, 'log'),
    window: intFlag(NAME, 'window', v.window, 4, 1, 1000),
    batch: intFlag(NAME, 'batch', v.batch, 8, 1, 1000),
    snapshotEvery: intFlag(NAME, 'snapshot-every', v['snapshot-every'], 16, 0, 1_000_000),
    distinguished: v.distinguished === undefined ? null
      : intFlag(NAME, 'distinguished', v.distinguished, 1, 1, servers) - 1,
    livenessSteps: intFlag(NAME, 'liveness-steps', v['liveness-steps'], 20_000, 1, 1e8),
    trace: v.trace ?? null,
    html: v.html ?? null,
    traceDir: v['trace-dir'] ?? null,
    reconfig,
    alpha: intFlag(NAME, 'alpha', v.alpha, 8, 1, 1000),
  };
}

export function mpReplayCommand(p: MpPlan, seed: number): string {
  return `synod simulate multipaxos --servers ${p.servers} --clients ${p.clients} ` +
    `--seed ${seed} --steps ${p.steps} --faults ${showMpFaults(p.faults)} ` +
    `--machine ${p.machine} --reads ${p.reads} --window ${p.window} --batch ${p.batch} ` +
    `--snapshot-every ${p.snapshotEvery}` +
    (p.livenessSteps === 20_000 ? '' : ` --liveness-steps ${p.livenessSteps}`) +
    (p.distinguished === null ? '' : ` --distinguished ${p.distinguished + 1}`) +
    (p.reconfig ? ' --reconfig' : '') + (p.alpha === 8 ? '' : ` --alpha ${p.alpha}`);
}

export function runPlan(p: MpPlan, seed: number, observers: readonly MpObserver[] = []) {
  return simulateMultiPaxos({
    seed, servers: p.reconfig ? p.servers + 2 : p.servers, members: p.servers,
    reconfig: p.reconfig, alpha: p.alpha, clients: p.clients, steps: p.steps, faults: p.faults,
    machine: p.machine, reads: p.reads, window: p.window, batch: p.batch,
    snapshotEvery: p.snapshotEvery, distinguished: p.distinguished,
    livenessSteps: p.livenessSteps, linearizability: checkMachineHistory, observers,
  });
}

export const simulateMultiPaxosCommand: Command = async (args, io) => {
  const p = plan(args);
  if (p === 'help') {
    io.out(HELP);
    return EXIT_OK;
  }
  const json = args.includes('--json');
  if (p.seeds === 1) return single(p, io, json);
  return many(p, io, json, io.errIsTTY || args.includes('--progress'));
};

async function single(p: MpPlan, io: Io, json: boolean): Promise<number> {
  const files = new Map<string, string[]>();
  const open = (dir: string | null) => (node: string | null) => {
    const lines: string[] = [];
    files.set(dir === null ? p.trace as string : join(dir, `${node}.jsonl`), lines);
    return (l: string) => void lines.push(l);
  };
  const observers: MpObserver[] = [];
  // With --reconfig the world has two more servers (learners first), and the trace says so.
  const traced = p.reconfig
    ? { servers: p.servers + 2, reconfig: { alpha: p.alpha, members: 2 ** p.servers - 1 } }
    : { servers: p.servers };
  const traceOf = (perNode: boolean, dir: string | null): MpObserver => mpTraceObserver(
    { ...traced, seed: p.seed, perNode }, open(dir));
  if (p.trace !== null) observers.push(traceOf(false, null));
  if (p.traceDir !== null) observers.push(traceOf(true, p.traceDir));
  const drawn: string[] = [];
  if (p.html !== null) {
    observers.push(mpTraceObserver({ ...traced, seed: p.seed, perNode: false },
      () => (l: string) => void drawn.push(l)));
  }
  const report = runPlan(p, p.seed, observers);
  for (const [file, lines] of files) {
    try {
      if (p.traceDir !== null) mkdirSync(p.traceDir, { recursive: true });
      writeFileSync(file, lines.join(''));
    } catch (e) {
      throw new UsageError(`synod ${NAME}: --trace: cannot write '${file}': ${String(e)}`);
    }
  }
  if (p.html !== null) {
    const { simulationView, writeView } = await import('./view.js');
    const title = `synod simulate multipaxos, seed ${p.seed}`;
    writeView(NAME, '--html', p.html, await simulationView(drawn, title, report.violation, true));
  }
  if (json) {
    io.out(`${JSON.stringify({ format: 'synod.simulate-multipaxos/v1', ...report,
      replay: mpReplayCommand(p, p.seed) })}\n`);
  } else {
    io.out(describeMp(report, p));
  }
  return report.violation === null ? EXIT_OK : EXIT_VIOLATION;
}

async function many(p: MpPlan, io: Io, json: boolean, progress: boolean): Promise<number> {
  let events = 0;
  let commands = 0;
  let failed: MpSimReport | null = null;
  let runs = 0;
  let unchecked: readonly string[] = [];
  const started = performance.now();
  for (let i = 0; i < p.seeds && failed === null; i++) {
    const r = runPlan(p, (p.seed + i) >>> 0);
    runs++;
    events += r.events;
    commands += r.commands;
    unchecked = r.unchecked;
    if (r.violation !== null) failed = r;
    if (progress && runs % 100 === 0) io.err(`simulate multipaxos: ${runs}/${p.seeds} seeds\r`);
  }
  if (progress) io.err('\n');
  const seconds = (performance.now() - started) / 1000;
  if (json) {
    io.out(`${JSON.stringify({
      format: 'synod.simulate-multipaxos/v1', seeds: runs, firstSeed: p.seed, events, commands,
      eventsPerSecond: Math.round(events / seconds), unchecked,
      violation: failed?.violation ?? null,
      replay: failed === null ? null : mpReplayCommand(p, failed.seed),
    })}\n`);
  } else if (failed !== null) {
    io.out(describeMp(failed, p));
  } else {
    io.out(`synod ${NAME}: ${runs} seeds from ${p.seed}, ${p.steps} steps each, faults ` +
      `${showMpFaults(p.faults)}, machine ${p.machine}, reads ${p.reads}\n` +
      `${events} events in ${seconds.toFixed(1)} s (${Math.round(events / seconds)} events/s); ` +
      `${commands} commands chosen\nevery check passed in every run\n` +
      unchecked.map((u) => `not checked: ${u}\n`).join(''));
  }
  return failed === null ? EXIT_OK : EXIT_VIOLATION;
}

/** The human summary of one run. */
export function describeMp(r: MpSimReport, p: MpPlan): string {
  const f = r.injected;
  const applied = r.applied.map((a, i) => `${serverName(i)}=${a ?? 'down'}`).join(' ');
  const lines = [
    `synod ${NAME}: ${r.servers} servers, ${r.clients} clients, seed ${r.seed}, ${r.steps} ` +
      `steps, faults ${r.faults}, machine ${r.machine}, reads ${r.reads}`,
    `log: ${r.slots} slots chosen holding ${r.commands} commands; applied at the end: ${applied}`,
    `calls: ${r.calls.invoked} invoked, ${r.calls.returned} returned`,
    `faults injected: ${f.lost} lost, ${f.duplicated} duplicated, ${f.reordered} reordered, ` +
      `${f.delayed} delayed, ${f.undeliverable} undeliverable, ${f.partitions} partitions, ` +
      `${f.crashes} server crashes (${f.midStepCrashes} mid-step), ${f.clientCrashes} client ` +
      `crashes, ${f.slowPeriods} slow periods (${f.slowLost} lost to slowness)`,
    `messages: ${Object.entries(r.messages).map(([k, n]) => `${k}=${n}`).join(' ')}`,
  ];
  if (r.membership !== null) {
    lines.push(`membership: ${r.membership.commands} changes chosen; voting members at the end ` +
      `${r.membership.members}`);
  }
  if (r.specSteps + r.stutters > 0) {
    lines.push(`refinement: ${r.specSteps} spec steps, ${r.stutters} stutters over ${r.events} ` +
      'events');
  }
  if (r.livenessSteps !== null) {
    lines.push(`liveness: every call returned and every live replica caught up ` +
      `${r.livenessSteps} events after the faults stopped`);
  }
  lines.push(`checks passed: ${r.passed.join(', ')}`);
  for (const u of r.unchecked) lines.push(`not checked: ${u}`);
  if (r.violation !== null) {
    const v = r.violation;
    lines.push(`VIOLATION of ${v.check}${v.property === undefined ? '' : ` (${v.property})`} ` +
      `at event ${v.event}: ${v.summary}`);
    lines.push(`replay: ${mpReplayCommand(p, r.seed)}`);
  }
  return `${lines.join('\n')}\n`;
}
